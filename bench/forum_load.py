"""The forum benchmark's load test: a small threaded HTTP client, and the server it loads.

The client is pure Python (http.client, one connection per thread, reopened
when the server closes it, as gunicorn's sync workers do after each response),
so CI needs nothing new. It shares the machine's cores with the server, so its
own CPU time is measured (resource.getrusage for this process) and reported
with the throughput, with the server processes' CPU time (psutil).

The server is gunicorn with two sync workers and bench.forum_settings (the
site plus a bare 10 KB view), on the bench database. When the database cannot
be reached from another process (an in-memory SQLite test database, or a test
inside a transaction), an in-process threaded server stands in, so the smoke
test still drives the client, the bare view and the pages.
"""

import http.client
import os
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from django.conf import settings
from django.db import connection, connections

from bench.timing import percentile_95

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
WORKERS = 2


@dataclass
class LoadResult:
    path: str
    seconds: float
    requests: int
    errors: int
    statuses: Counter = field(default_factory=Counter)
    client_cpu_seconds: float = 0.0
    server_cpu_seconds: float | None = None
    samples_ms: list = field(default_factory=list)

    @property
    def per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def client_cpu_share(self):
        """The client's CPU time as a share of one core over the run (1.0 = a whole core)."""
        return self.client_cpu_seconds / self.seconds if self.seconds else 0.0

    def figures(self, name) -> dict:
        """The run's figures as the benches report them, each named "<name>: <figure>"."""
        samples = self.samples_ms
        found = {
            f"{name}: req/s": self.per_second,
            f"{name}: requests": self.requests,
            f"{name}: errors": self.errors,
            f"{name}: latency median ms": statistics.median(samples) if samples else 0.0,
            f"{name}: latency p95 ms": percentile_95(samples) if samples else 0.0,
            f"{name}: client CPU (share of one core)": self.client_cpu_share,
        }
        if self.server_cpu_seconds is not None:
            found[f"{name}: server CPU (share of one core)"] = self.server_cpu_seconds / self.seconds
        return found


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def warm_then_load(server, path, *, cookie, seconds, threads) -> LoadResult:
    """Half a second from 2 threads first (every worker renders and caches what the path needs, as
    on a live site), then the measured ``load`` of ``path``."""
    load(server.host, server.port, path, cookie=cookie, seconds=0.5, threads=2)
    return load(
        server.host, server.port, path, cookie=cookie, seconds=seconds, threads=threads, server_pid=server.pid
    )


def load(
    host,
    port,
    path,
    *,
    cookie,
    seconds,
    threads,
    expect=200,
    server_pid=None,
    make_request=None,
    answered=None,
):
    """Request ``path`` from ``threads`` threads for ``seconds``; count answers that are not ``expect``.

    ``make_request(thread_number)``, when given, chooses each request instead: it returns
    (method, path, body, headers, tag), and ``answered(tag, response)`` hears each answer (bench.posting_bench
    posts replies this way). An answer that never came (a timeout, a reset) is answered with None.
    """
    deadline = time.monotonic() + seconds
    statuses = Counter()
    samples = []
    errors = []
    lock = threading.Lock()
    headers = {"Cookie": cookie} if cookie else {}

    def next_request(number):
        if make_request is None:
            return "GET", path, None, headers, None
        return make_request(number)

    def worker(number):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        mine, my_samples, my_errors = Counter(), [], 0
        while time.monotonic() < deadline:
            method, url, body, request_headers, tag = next_request(number)
            started = time.perf_counter()
            try:
                conn.request(method, url, body=body, headers=request_headers)
                response = conn.getresponse()
                response.read()
                mine[response.status] += 1
                if response.status != expect:
                    my_errors += 1
                if answered is not None:
                    answered(tag, response)
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as error:
                mine[type(error).__name__] += 1
                my_errors += 1
                if answered is not None:
                    answered(tag, None)
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
            my_samples.append((time.perf_counter() - started) * 1000)
        conn.close()
        with lock:
            statuses.update(mine)
            samples.extend(my_samples)
            errors.append(my_errors)

    server = psutil.Process(server_pid) if server_pid else None
    server_cpu_before = _tree_cpu(server) if server else None
    cpu_before = _cpu_seconds()
    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(number,)) for number in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    result = LoadResult(
        path=path,
        seconds=elapsed,
        requests=sum(statuses.values()),
        errors=sum(errors),
        statuses=statuses,
        client_cpu_seconds=_cpu_seconds() - cpu_before,
        samples_ms=samples,
    )
    if server:
        result.server_cpu_seconds = _tree_cpu(server) - server_cpu_before
    return result


def _tree_cpu(process):
    total = 0.0
    for proc in [process, *process.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def shareable_database():
    """Whether another process can see this process's data: a file or server database, committed."""
    if connection.in_atomic_block:
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


@dataclass
class Server:
    host: str
    port: int
    pid: int | None
    log_path: Path | None

    def log_text(self):
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""


@contextmanager
def gunicorn(log_dir: Path):
    """gunicorn with two sync workers on the bench database and bench.forum_settings; stopped on exit."""
    port = _free_port()
    log_path = log_dir / "forum-bench-gunicorn.log"
    # The database task backend, as the site runs by default: pages queue work, they do not do it.
    env = {name: value for name, value in os.environ.items() if name != "TASKS_IMMEDIATE"}
    cache = settings.CACHES["default"]
    if "redis" in cache["BACKEND"].lower():
        # The same Redis database as this process (test settings give each xdist worker its own):
        # the server must see the sessions, versions and limits this process wrote.
        env["REDIS_URL"] = cache["LOCATION"]
    env.update(
        DJANGO_SETTINGS_MODULE="bench.forum_settings",
        FORUM_BENCH_DATABASE_NAME=str(connection.settings_dict["NAME"]),
        TASKS_BACKEND="database",
    )
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "60",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_up("127.0.0.1", port, process)
        yield Server("127.0.0.1", port, process.pid, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def in_process_server():
    """Django's threaded test server in this process, sharing its database connection (for the smoke test)."""
    from django.test import override_settings
    from django.test.testcases import LiveServerThread

    overrides = {}
    shared = connections[connection.alias]  # the wrapper itself, not the thread-local proxy
    if shared.vendor == "sqlite" and shared.is_in_memory_db():
        # An in-memory database exists only on this connection: share it, as LiveServerTestCase does.
        shared.inc_thread_sharing()
        overrides = {shared.alias: shared}
    with override_settings(ROOT_URLCONF="bench.forum_urls"):
        thread = LiveServerThread("127.0.0.1", lambda handler: handler, overrides)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        try:
            yield Server("127.0.0.1", thread.port, None, None)
        finally:
            thread.terminate()
            if overrides:
                shared.dec_thread_sharing()


def _wait_until_up(host, port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start; see var/bench/forum-bench-gunicorn.log")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/bench-bare/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute")
