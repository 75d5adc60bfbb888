"""gunicorn settings for an app node (deploy/systemd/commons-web.service passes -c this file).

Owns: the worker count and timeouts, and the Prometheus multiprocess clean-up, so the
latency histogram on /metrics sums every worker's figures and forgets dead ones.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: two per core is gunicorn's advice for CPU-bound Django pages.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced after this many requests, bounding slow memory growth.
max_requests = 2000
max_requests_jitter = 200
# Logs go to journald through stdout/stderr; Django's own lines are JSON (monitoring.logs).
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss rid=%({x-request-id}i)s'
errorlog = "-"
# Behind nginx on the same node or network: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    # prometheus_client's multiprocess mode: drop a dead worker's live gauges.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
