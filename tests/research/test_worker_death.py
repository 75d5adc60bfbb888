"""A real worker process killed mid-run: its lease runs out, the run fails and its kernel goes with it.

The other runner tests put a run into the "worker died" state by hand; this one
starts a worker as a separate process, lets it start the kernel, kills the
worker with SIGKILL (no clean-up code runs), and checks that what another
worker or the scheduler does next leaves no kernel behind.
"""

import os
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from research import registry, runner, services
from research.models import Run
from tests.research.conftest import kernel_processes

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WORKER = """
import os, sys
import django
django.setup()
from django.conf import settings
from django.db import connections
connections["default"].settings_dict["NAME"] = os.environ["TFC_TEST_DB_NAME"]
settings.RESEARCH_NOTEBOOKS_DIR = os.environ["TFC_NOTEBOOKS"]
settings.RESEARCH_WORK_DIR = os.environ["TFC_WORK"]
settings.RESEARCH_HEARTBEAT_SECONDS = 0.5
settings.RESEARCH_LEASE_SECONDS = 3
from research import runner
runner.execute(int(sys.argv[1]))
"""


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_mid_run_is_noticed_by_its_lease_and_its_kernel_is_killed(
    make_notebook, role_user, monkeypatch, no_kernels_left
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: the worker is another process, and SQLite's test database is in memory"
        )
    import research.tasks

    # Queue without executing here: the worker process below takes the run.
    monkeypatch.setattr(research.tasks, "execute_run", types.SimpleNamespace(enqueue=lambda *a, **k: None))
    make_notebook("sleepy", ["print('started', flush=True)", "import time\ntime.sleep(300)"])
    run = services.queue_run(registry.get("sleepy"), {}, {}, role_user("researcher"))
    before = {p.pid for p in kernel_processes()}

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "TFC_TEST_DB_NAME": connection.settings_dict["NAME"],
        "TFC_NOTEBOOKS": str(settings.RESEARCH_NOTEBOOKS_DIR),
        "TFC_WORK": str(settings.RESEARCH_WORK_DIR),
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(run.pk)], env=env, cwd=settings.BASE_DIR, start_new_session=True
    )
    try:
        wait_for(
            lambda: (
                Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING, cells_done__gte=1)
                .exclude(process_group=None)
                .exists()
            ),
            90,
            "the worker to start the kernel and run the first cell",
        )
        kernels = [p for p in kernel_processes() if p.pid not in before]
        assert kernels, "the worker's kernel should be running"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)

    # The kernel outlives its worker (it has its own session) until someone notices.
    assert all(p.is_running() for p in kernels)
    assert Run.objects.get(pk=run.pk).status == Run.Status.RUNNING
    # Nobody renews the lease now; once it runs out, the next look fails the run and kills the group.
    wait_for(lambda: runner.reap_expired_runs() == 1, 30, "the lease to run out")
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED and run.error_class == "WorkerLost"
    assert "stopped answering" in run.error_message
    assert runner.reap_expired_runs() == 0


WORKER_SETTINGS = """
import os
from config.test_settings import *  # noqa: F403
from config.test_settings import DATABASES, TASKS

DATABASES["default"]["NAME"] = os.environ["TFC_TEST_DB_NAME"]
TASKS["default"]["BACKEND"] = "django_tasks_db.DatabaseBackend"
RESEARCH_NOTEBOOKS_DIR = os.environ["TFC_NOTEBOOKS"]
RESEARCH_WORK_DIR = os.environ["TFC_WORK"]
# The lease and heartbeat are left at their defaults: the test measures the real detection time.
"""


def test_a_db_worker_killed_mid_run_is_noticed_within_30_s_and_everything_it_left_is_cleaned_up(
    make_notebook, role_user, settings, tmp_path, no_kernels_left
):
    """`kill -9` of a real `manage.py db_worker`, with the default lease and the scheduler's reaper period.

    Within 30 s the run is failed with a reason, the partial notebook is attached,
    the work folder is gone, the kernel is dead and the task's row is finished.
    """
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: the worker is another process, and SQLite's test database is in memory"
        )
    from django_tasks_db.models import DBTaskResult

    from scheduler.registry import jobs

    settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_notebook("sleepy", ["print('started', flush=True)", "import time\ntime.sleep(300)", "print('end')"])
    run = services.queue_run(registry.get("sleepy"), {}, {}, role_user("researcher"))
    [task_row] = DBTaskResult.objects.filter(task_path="research.tasks.execute_run")
    assert task_row.args_kwargs["args"] == [run.pk]

    (tmp_path / "tfc_worker_settings.py").write_text(WORKER_SETTINGS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tfc_worker_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR)]),
        "TFC_TEST_DB_NAME": connection.settings_dict["NAME"],
        "TFC_NOTEBOOKS": str(settings.RESEARCH_NOTEBOOKS_DIR),
        "TFC_WORK": str(settings.RESEARCH_WORK_DIR),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name",
            "notebooks",
            "--no-reload",
            "--interval",
            "0.2",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        start_new_session=True,
    )
    try:
        wait_for(
            lambda: (
                Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING, cells_done__gte=4)
                .exclude(process_group=None)
                .exists()
            ),
            90,
            "the worker to start the kernel and run the first cell",
        )
        run.refresh_from_db()
        work_dirs = list(Path(settings.RESEARCH_WORK_DIR).glob(f"r{run.pk}*"))
        assert work_dirs, "the run's work folder should exist while it runs"
        kernels = [p for p in kernel_processes() if os.getpgid(p.pid) == run.process_group]
        assert kernels, "the worker's kernel should be running"
        time.sleep(3)  # papermill saves the notebook as each cell starts; let the long cell be under way
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        worker.wait(10)
    assert DBTaskResult.objects.get(pk=task_row.pk).status == "RUNNING"

    # The scheduler enqueues the reaper once per its period; here each period's run is made in-process.
    job = jobs.get("research.reap_expired_runs")
    period = job.every.total_seconds()
    while time.monotonic() - killed_at < 45:
        time.sleep(period - time.time() % period)  # the next period starts
        job.run()
        if Run.objects.get(pk=run.pk).status != Run.Status.RUNNING:
            break
    detected_after = time.monotonic() - killed_at
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED and run.error_class == "WorkerLost", run.status
    assert "stopped answering" in run.error_message
    assert detected_after <= 30, f"noticed {detected_after:.0f} s after the kill"
    assert run.executed_notebook.name, "the partial notebook is attached"
    partial = run.executed_notebook.read()
    assert b"started" in partial and b"'end'" in partial  # the source of the cell it never reached
    assert not any(path.exists() for path in work_dirs)
    task_row.refresh_from_db()
    assert task_row.status == "FAILED" and task_row.finished_at
    assert "WorkerLost" in task_row.exception_class_path
    wait_for(
        lambda: not any(p.is_running() and p.status() != "zombie" for p in kernels), 10, "the kernel to die"
    )
