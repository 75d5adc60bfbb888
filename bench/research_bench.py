"""Research pipeline benchmark: run overhead, a cache hit, 8 runs on 2 workers against serial, worker memory.

- overhead: queue to result of a run, minus the notebook's own cell time
  (papermill's per-cell durations) and minus the kernel's start (queue ->
  first cell started), median of 5. Target: at most 1.5 s beyond kernel start.
- cache hit: queueing a run whose provenance matches an earlier success,
  median of 5. Target: under 200 ms.
- parallel: 8 CPU-bound runs on 2 worker threads (each its own kernel
  process) against the same 8 one after another. Target: at least 1.7x.
- peak memory: the maximum resident size of this worker process and of the
  largest kernel it started.

Runs execute through ``research.runner.execute``, as a notebooks worker does,
on the benchmark database; notebooks are written to a temporary folder.
"""

import resource
import shutil
import statistics
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
    from django.conf import settings

    from members.roles import MEMBER, RESEARCHER
    from research import registry, runner, services
    from research.models import Run
    from tests.factories import make_role

    sizes = SMOKE if smoke else FULL
    folder = Path(tempfile.mkdtemp(prefix="tfc-bench-nb-"))
    work = Path(tempfile.mkdtemp(prefix="rb", dir="/tmp"))
    saved = {name: getattr(settings, name, None) for name in ("RESEARCH_NOTEBOOKS_DIR", "RESEARCH_WORK_DIR")}
    settings.RESEARCH_NOTEBOOKS_DIR = folder
    settings.RESEARCH_WORK_DIR = work
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
        stamp = time.time_ns()
        serial_runs = [queue(f"serial-{stamp}-{i}", seconds) for i in range(sizes["parallel_runs"])]
        started = time.perf_counter()
        for item in serial_runs:
            assert runner.execute(item.pk).status == Run.Status.SUCCEEDED
        serial = time.perf_counter() - started

        parallel_runs = [queue(f"parallel-{stamp}-{i}", seconds) for i in range(sizes["parallel_runs"])]
        pending = [item.pk for item in parallel_runs]
        lock = threading.Lock()
        failures = []

        def worker():
            from django.db import connection

            try:
                while True:
                    with lock:
                        if not pending:
                            return
                        pk = pending.pop(0)
                    done = runner.execute(pk)
                    if done.status != Run.Status.SUCCEEDED:
                        failures.append((pk, done.error_class, done.error_message))
            finally:
                connection.close()

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(sizes["workers"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        parallel = time.perf_counter() - started
        assert not failures, failures

        return {
            "runs timed per figure": sizes["repeats"],
            "queue to result, median (s)": statistics.median(totals),
            "kernel start, median (s)": statistics.median(kernel_starts),
            "overhead beyond kernel start and cells, median (s)": statistics.median(overheads),
            "cache hit, median (ms)": statistics.median(hits) * 1000,
            f"{sizes['parallel_runs']} runs serial (s)": serial,
            f"{sizes['parallel_runs']} runs on {sizes['workers']} workers (s)": parallel,
            "speed-up (x)": serial / parallel if parallel else 0.0,
            "peak worker RSS (MB)": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "peak kernel RSS (MB)": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        }
    finally:
        for name, value in saved.items():
            if value is None:
                del settings.__dict__[name]
                delattr(settings._wrapped, name)
            else:
                setattr(settings, name, value)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
