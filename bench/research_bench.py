"""Research pipeline benchmark: run overhead, a cache hit, 8 runs on 2 workers against serial, worker memory.

- overhead: queue to result of a run, minus the notebook's own cell time
  (papermill's per-cell durations) and minus the kernel's start (queue ->
  first cell started), median of 5. Target: at most 1.5 s beyond kernel start.
- cache hit: queueing a run whose provenance matches an earlier success,
  median of 5. Target: under 200 ms.
- parallel: 8 CPU-bound runs on 2 worker threads (each its own kernel
  process) against the same 8 one after another, each timed 5 times; the
  speed-up is the ratio of the medians. Target: at least 1.7x.
- peak memory: the maximum resident size of this worker process and of the
  largest kernel it started.

Runs execute through ``research.runner.execute``, as a notebooks worker does,
on the benchmark database; notebooks are written to a temporary folder.

At full size the same figures are also taken through the real queue: runs are
enqueued on the database backend and executed by ``manage.py db_worker
--queue-name notebooks --no-reload --interval 0.2`` processes, as ``make run``
starts them (one, then two), so the overhead includes the worker's pick-up and
the memory is that of real worker processes and their kernels.
"""

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
from nbformat import v4

FULL = {"repeats": 5, "parallel_runs": 8, "workers": 2, "work_seconds": 2.0}
# One worker at smoke size: the test database (SQLite in memory, shared cache) locks
# tables between threads, which the file database with WAL that workers use does not.
SMOKE = {"repeats": 2, "parallel_runs": 2, "workers": 1, "work_seconds": 0.05}

WORK = (
    "import time\nend = time.perf_counter() + seconds\nwhile time.perf_counter() < end:\n    pass\nprint(tag)"
)


def _write_notebook(folder: Path, slug: str):
    nb = v4.new_notebook()
    nb.metadata["tfc"] = {"title": "Bench", "brief": "", "datasets": [], "summary": "Benchmark notebook."}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = v4.new_code_cell(
        'seconds = 0.0  # busy time\ntag = "a"  # makes runs distinct\n'
        'results_dir = "results"  # where results go\nsensitive = True  # sensitive input\n'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, v4.new_code_cell(WORK)]
    nbformat.write(nb, str(folder / f"{slug}.ipynb"))


# A notebooks worker as `make run` starts one, pointed at the bench's database and folders.
WORKER = """
import os, sys
import django
django.setup()
from django.conf import settings
from django.db import connections
connections["default"].settings_dict["NAME"] = os.environ["TFC_BENCH_DB_NAME"]
settings.RESEARCH_NOTEBOOKS_DIR = os.environ["TFC_BENCH_NOTEBOOKS"]
settings.RESEARCH_WORK_DIR = os.environ["TFC_BENCH_WORK"]
settings.DEBUG = False
from django.core.management import call_command
open(os.environ["TFC_BENCH_READY"], "w").close()
call_command(
    "db_worker", "--queue-name", "notebooks", "--no-reload", "--interval", "0.2", "--no-startup-delay"
)
"""
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notebooks"]}}


def _cell_seconds(run):
    node = nbformat.read(run.executed_notebook.open("rb"), as_version=4)
    return sum(float(c.metadata.get("papermill", {}).get("duration") or 0) for c in node.cells)


def _first_cell_start(run):
    from datetime import datetime

    node = nbformat.read(run.executed_notebook.open("rb"), as_version=4)
    for cell in node.cells:
        start = cell.metadata.get("papermill", {}).get("start_time")
        if start:
            return datetime.fromisoformat(start.replace("Z", "+00:00"))
    return None


def run(smoke: bool) -> dict:
    from django.test import override_settings

    from members.roles import MEMBER, RESEARCHER
    from research import registry, runner, services
    from research.models import Run
    from tests.factories import make_role

    sizes = SMOKE if smoke else FULL
    folder = Path(tempfile.mkdtemp(prefix="tfc-bench-nb-"))
    work = Path(tempfile.mkdtemp(prefix="rb", dir="/tmp"))
    # override_settings, not assignment: the database-backend part nests its own override, and
    # leaving it would drop attributes set on the settings object by hand.
    overridden = override_settings(RESEARCH_NOTEBOOKS_DIR=folder, RESEARCH_WORK_DIR=work)
    overridden.enable()
    memory = _PeakMemory(lambda: [os.getpid()])
    try:
        _write_notebook(folder, "bench")
        notebook = registry.get("bench")
        researcher = make_role("researcher")
        assert researcher.groups.filter(name__in=[MEMBER, RESEARCHER]).count() == 2
        held = []

        def queue(tag, seconds=0.0):
            # Held, then executed by runner.execute: what a notebooks worker does with the task.
            from unittest import mock

            with mock.patch("research.tasks.execute_run") as task:
                task.enqueue.side_effect = held.append
                return services.queue_run(notebook, {"seconds": seconds, "tag": tag}, {}, researcher)

        totals, kernel_starts, overheads = [], [], []
        for i in range(sizes["repeats"]):
            started = time.perf_counter()
            queued = queue(f"overhead-{i}-{time.time_ns()}")
            executed = runner.execute(queued.pk)
            total = time.perf_counter() - started
            assert executed.status == Run.Status.SUCCEEDED, executed.error_message
            first = _first_cell_start(executed)
            kernel_start = (first - executed.started_at).total_seconds() if first else 0.0
            totals.append(total)
            kernel_starts.append(kernel_start)
            overheads.append(total - kernel_start - _cell_seconds(executed))

        # A hit needs an identical earlier success: queue the last run's exact parameters again.
        hits = []
        for _ in range(sizes["repeats"]):
            started = time.perf_counter()
            cached = services.queue_run(notebook, executed.parameters, {}, researcher)
            hits.append(time.perf_counter() - started)
            assert cached.cache_of_id == executed.pk

        seconds = sizes["work_seconds"]
        failures = []

        def execute_all(pks, workers):
            # Each thread takes the next queued run, as each notebooks worker claims the next task.
            pending, lock = list(pks), threading.Lock()

            def worker():
                from django.db import connection

                try:
                    while True:
                        with lock:
                            if not pending:
                                return
                            pk = pending.pop(0)
                        done = runner.execute(pk)
                        if done is None:  # not claimable: a cache hit or a run already taken
                            failures.append((pk, "not claimed", ""))
                        elif done.status != Run.Status.SUCCEEDED:
                            failures.append((pk, done.error_class, done.error_message))
                finally:
                    connection.close()

            started = time.perf_counter()
            threads = [threading.Thread(target=worker) for _ in range(workers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return time.perf_counter() - started

        # Median of `repeats` timings each way, as for every other figure: one timing of
        # 8 runs moves by a whole run's length when one kernel is slow to start.
        serials, parallels = [], []
        for repeat in range(sizes["repeats"]):
            stamp = time.time_ns()
            for phase, count, timings in (("serial", 1, serials), ("parallel", sizes["workers"], parallels)):
                # Distinct parameters each time, or the second batch would be cache hits.
                runs = [
                    queue(f"{phase}-{repeat}-{stamp}-{i}", seconds) for i in range(sizes["parallel_runs"])
                ]
                timings.append(execute_all([item.pk for item in runs], count))
        assert not failures, failures
        serial, parallel = statistics.median(serials), statistics.median(parallels)

        memory.stop()  # before the db_worker processes, which are this process's children too
        figures = {}
        if not smoke:
            # Worker processes need a database they can share: in-memory SQLite (smoke, tests) is not.
            figures = _through_db_workers(folder, work, notebook, researcher, sizes)
        return {
            "runs timed per figure": sizes["repeats"],
            "queue to result, median (s)": statistics.median(totals),
            "kernel start, median (s)": statistics.median(kernel_starts),
            "overhead beyond kernel start and cells, median (s)": statistics.median(overheads),
            "cache hit, median (ms)": statistics.median(hits) * 1000,
            f"{sizes['parallel_runs']} runs serial, median (s)": serial,
            f"{sizes['parallel_runs']} runs on {sizes['workers']} workers, median (s)": parallel,
            f"{sizes['parallel_runs']} runs on {sizes['workers']} workers, range (s)": _spread(parallels),
            "speed-up of the medians (x)": serial / parallel if parallel else 0.0,
            "peak worker RSS (MB)": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "peak kernel RSS (MB)": memory.kernel / 2**20,
            **figures,
        }
    finally:
        memory.stop()
        overridden.disable()
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


class _PeakMemory:
    """Samples the RSS of some worker processes and, separately, of every process they started.

    getrusage(RUSAGE_CHILDREN) is no use for kernels: a child's peak counts the copy of
    the worker it was forked from, before it exec'd the kernel.
    """

    def __init__(self, worker_pids):
        self.worker_pids = worker_pids
        self.worker = self.kernel = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self):
        import psutil

        while not self._stop.wait(0.1):
            for pid in self.worker_pids():
                try:
                    worker = psutil.Process(pid)
                    self.worker = max(self.worker, worker.memory_info().rss)
                    for child in worker.children(recursive=True):
                        # Only kernels: a child caught between fork and exec is still a copy of the worker.
                        if "ipykernel" in " ".join(child.cmdline()):
                            self.kernel = max(self.kernel, child.memory_info().rss)
                except psutil.Error:
                    continue

    def stop(self):
        self._stop.set()
        self._thread.join(5)


class _Workers:
    """db_worker processes for the notebooks queue, with their (and their kernels') peak memory."""

    def __init__(self, folder, work):
        from django.conf import settings
        from django.db import connection

        self.env = {k: v for k, v in os.environ.items() if k != "TASKS_IMMEDIATE"}
        self.env.update(
            TFC_BENCH_DB_NAME=str(connection.settings_dict["NAME"]),
            TFC_BENCH_NOTEBOOKS=str(folder),
            TFC_BENCH_WORK=str(work),
            TASKS_BACKEND="database",
        )
        self.cwd = str(settings.BASE_DIR)
        self.ready_dir = Path(tempfile.mkdtemp(prefix="tfc-bench-ready-"))
        self.processes = []
        self.memory = _PeakMemory(lambda: [process.pid for process in self.processes])

    def start(self):
        ready = self.ready_dir / f"w{len(self.processes)}"
        env = {**self.env, "TFC_BENCH_READY": str(ready)}
        self.processes.append(
            subprocess.Popen([sys.executable, "-c", WORKER], cwd=self.cwd, env=env, stdout=subprocess.DEVNULL)
        )
        deadline = time.monotonic() + 60
        while not ready.exists():
            if time.monotonic() > deadline or self.processes[-1].poll() is not None:
                raise RuntimeError("a notebooks worker did not start")
            time.sleep(0.05)
        time.sleep(0.3)  # from the ready mark to db_worker's first look at the queue

    def stop(self):
        self.memory.stop()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        shutil.rmtree(self.ready_dir, ignore_errors=True)


def _spread(timings):
    return f"{min(timings):.1f}-{max(timings):.1f}"


def _wait_finished(pks, timeout=600):
    from research.models import Run

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = list(Run.objects.filter(pk__in=pks))
        if all(run.is_finished for run in runs):
            failed = [(r.pk, r.status, r.error_message) for r in runs if r.status != Run.Status.SUCCEEDED]
            assert not failed, failed
            return runs
        time.sleep(0.02)
    raise RuntimeError(f"runs {pks} did not finish in {timeout} s")


def _through_db_workers(folder, work, notebook, researcher, sizes):
    """The figures again, enqueued on the database backend and run by real db_worker processes."""
    from django.test import override_settings

    from research import services

    def queue(tag, seconds=0.0):
        return services.queue_run(notebook, {"seconds": seconds, "tag": tag}, {}, researcher)

    workers = _Workers(folder, work)
    try:
        with override_settings(TASKS=DB_BACKEND):
            workers.start()
            totals, pickups, overheads = [], [], []
            for i in range(sizes["repeats"]):
                started = time.perf_counter()
                queued = queue(f"db-overhead-{i}-{time.time_ns()}")
                [done] = _wait_finished([queued.pk])
                total = time.perf_counter() - started
                first = _first_cell_start(done)
                kernel_start = (first - done.started_at).total_seconds() if first else 0.0
                totals.append(total)
                pickups.append((done.started_at - done.queued_at).total_seconds())
                overheads.append(total - kernel_start - _cell_seconds(done))

            seconds = sizes["work_seconds"]
            stamp = time.time_ns()
            timed = {}
            for count in (1, sizes["workers"]):
                while len(workers.processes) < count:
                    workers.start()
                timed[count] = []
                for repeat in range(sizes["repeats"]):
                    started = time.perf_counter()
                    tag = f"db-{count}-{repeat}-{stamp}"
                    pks = [queue(f"{tag}-{i}", seconds).pk for i in range(sizes["parallel_runs"])]
                    _wait_finished(pks)
                    timed[count].append(time.perf_counter() - started)
    finally:
        workers.stop()
    one, many = statistics.median(timed[1]), statistics.median(timed[sizes["workers"]])
    n, w = sizes["parallel_runs"], sizes["workers"]
    return {
        "db_worker: queue to result, median (s)": statistics.median(totals),
        "db_worker: pick-up (queued to claimed), median (s)": statistics.median(pickups),
        "db_worker: overhead beyond kernel start and cells, median (s)": statistics.median(overheads),
        f"db_worker: {n} runs on 1 worker process, median (s)": one,
        f"db_worker: {n} runs on {w} worker processes, median (s)": many,
        f"db_worker: {n} runs on {w} worker processes, range (s)": _spread(timed[w]),
        "db_worker: speed-up of the medians (x)": one / many if many else 0.0,
        "db_worker: peak worker process RSS (MB)": workers.memory.worker / 2**20,
        "db_worker: peak kernel RSS (MB)": workers.memory.kernel / 2**20,
    }
