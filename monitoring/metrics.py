"""What /metrics exposes, in Prometheus' format, through the maintained prometheus_client.

Two kinds of figure:

- the request latency histogram (by view and method), kept in each process by the
  middleware. Under gunicorn with several workers, set PROMETHEUS_MULTIPROC_DIR
  (an empty folder per node, emptied at start; see deploy/systemd/commons-web.service)
  so a scrape sums every worker's figures; without it, one process's figures are shown;
- figures read at scrape time from the shared stores, so every node gives the same
  answer: task queue depth and oldest task age, notebook runs by status, log-in
  failures and lockouts (members' audit log), emails failed (monitoring.email) and
  the age of the newest file in BACKUP_DIR (written by ``manage.py backup``).
"""

import logging
import os
import time
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Count, Min, Q
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

logger = logging.getLogger(__name__)

# Seconds; from a cached page to a slow export.
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# Not in the global registry: each scrape builds its own registry (multiprocess or not).
REQUEST_LATENCY = Histogram(
    "commons_request_duration_seconds",
    "Time to answer a request, by view (URL name) and method.",
    ["view", "method"],
    buckets=BUCKETS,
    registry=None,
)
RESPONSES = Counter(
    "commons_responses",
    "Responses by status class (2xx, 3xx, 4xx, 5xx).",
    ["status"],
    registry=None,
)


def observe_request(view: str, method: str, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(view=view, method=method).observe(seconds)
    RESPONSES.labels(status=f"{status // 100}xx").inc()


def _aware(moment):
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def queue_figures() -> dict[str, tuple[int, float]]:
    """Each task queue's (depth, age in seconds of its oldest waiting task)."""
    now = datetime.now(UTC)
    figures = {}
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.endswith("RQBackend"):
        import django_rq
        from rq.job import Job

        for name in settings.TASK_QUEUES:
            queue = django_rq.get_queue(name)
            oldest = 0.0
            first = queue.get_job_ids(0, 1)  # RQ appends at the tail: the head waited longest
            if first:
                job = Job.fetch(first[0], connection=queue.connection)
                enqueued = _aware(job.enqueued_at)
                oldest = max((now - enqueued).total_seconds(), 0.0) if enqueued else 0.0
            figures[name] = (queue.count, oldest)
    elif backend.endswith("DatabaseBackend"):
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        rows = (
            DBTaskResult.objects.filter(status=TaskResultStatus.READY)
            .values("queue_name")
            .annotate(depth=Count("id"), oldest=Min("enqueued_at"))
        )
        found = {row["queue_name"]: row for row in rows}
        for name in settings.TASK_QUEUES:
            row = found.get(name)
            if row is None:
                figures[name] = (0, 0.0)
            else:
                figures[name] = (row["depth"], max((now - row["oldest"]).total_seconds(), 0.0))
    return figures


def newest_backup_mtime() -> float | None:
    """Modification time of the newest file in BACKUP_DIR, or None if there is none."""
    folder = settings.BACKUP_DIR
    newest = None
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_file() and not entry.name.startswith("."):
                    mtime = entry.stat().st_mtime
                    newest = mtime if newest is None or mtime > newest else newest
    except FileNotFoundError:
        return None
    return newest


class CommonsCollector:
    """Figures read from the database, the queue and the backup folder at each scrape."""

    def collect(self):
        errors = GaugeMetricFamily(
            "commons_metrics_collect_error",
            "1 when a group of figures could not be read at this scrape.",
            labels=["group"],
        )
        for group, method in (
            ("queues", self._queues),
            ("notebooks", self._notebooks),
            ("logins", self._logins),
            ("email", self._email),
            ("backups", self._backups),
        ):
            try:
                yield from method()
                errors.add_metric([group], 0)
            except Exception:
                # One store down must not hide the others' figures (nor the site-down alert's).
                logger.exception("metrics: could not read %s", group)
                errors.add_metric([group], 1)
        yield errors

    def _queues(self):
        depth = GaugeMetricFamily(
            "commons_task_queue_depth", "Tasks waiting in each queue.", labels=["queue"]
        )
        age = GaugeMetricFamily(
            "commons_task_queue_oldest_age_seconds",
            "Seconds the oldest waiting task has waited (0 when the queue is empty).",
            labels=["queue"],
        )
        for name, (count, oldest) in queue_figures().items():
            depth.add_metric([name], count)
            age.add_metric([name], oldest)
        return [depth, age]

    def _notebooks(self):
        from research.models import Run

        runs = GaugeMetricFamily("commons_notebook_runs", "Notebook runs by status.", labels=["status"])
        counts = dict(Run.objects.order_by().values_list("status").annotate(n=Count("id")))
        for status in Run.Status.values:
            runs.add_metric([status], counts.get(status, 0))
        return [runs]

    def _logins(self):
        from members.models import AccountLock, AuditEvent

        Action = AuditEvent.Action
        totals = AuditEvent.objects.filter(action__in=[Action.LOGIN_FAILED, Action.LOCKED]).aggregate(
            failed=Count("id", filter=Q(action=Action.LOGIN_FAILED)),
            locked=Count("id", filter=Q(action=Action.LOCKED)),
        )
        in_force = AccountLock.objects.filter(
            released_at__isnull=True, locked_until__gt=datetime.now(UTC)
        ).count()
        return [
            CounterMetricFamily(
                "commons_login_failures", "Failed log-ins in the audit log.", value=totals["failed"]
            ),
            CounterMetricFamily(
                "commons_lockouts", "Account lockouts in the audit log.", value=totals["locked"]
            ),
            GaugeMetricFamily(
                "commons_account_locks_in_force", "Account locks now in force.", value=in_force
            ),
        ]

    def _email(self):
        from monitoring.email import failed_count

        return [
            CounterMetricFamily(
                "commons_emails_failed",
                "Emails the mail server refused or could not take.",
                value=failed_count(),
            )
        ]

    def _backups(self):
        newest = newest_backup_mtime()
        present = GaugeMetricFamily(
            "commons_backup_present", "1 if BACKUP_DIR holds a backup.", value=int(bool(newest))
        )
        if newest is None:
            return [present]
        return [
            present,
            GaugeMetricFamily(
                "commons_backup_last_timestamp_seconds", "Unix time of the newest backup.", value=newest
            ),
            GaugeMetricFamily(
                "commons_backup_age_seconds",
                "Seconds since the newest backup.",
                value=max(time.time() - newest, 0),
            ),
        ]


def render() -> bytes:
    """The exposition text for one scrape."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_LATENCY)
        registry.register(RESPONSES)
    registry.register(CommonsCollector())
    return generate_latest(registry)
