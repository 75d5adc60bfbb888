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
    assert "lease expired" in run.error_message
    assert runner.reap_expired_runs() == 0
