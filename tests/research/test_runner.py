"""Executing runs: success, each failure kind, cancel, wall-clock limit, output cap, no kernels left."""

import os
import re

import pytest
from django.db import connection

from research import registry, services
from research.models import Run
from tests.research.conftest import kernel_processes  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Status = Run.Status


@pytest.fixture
def researcher(role_user):
    return role_user("researcher")


@pytest.fixture
def held_queue(monkeypatch):
    """Runs queued while this is active wait in a list instead of executing (a worker that is busy)."""
    import types

    import research.tasks

    queued = []
    monkeypatch.setattr(research.tasks, "execute_run", types.SimpleNamespace(enqueue=queued.append))
    return queued


def run_notebook(slug, researcher, **params):
    return services.queue_run(registry.get(slug), params, {}, researcher)


def test_a_notebook_runs_records_progress_results_and_provenance(make_notebook, researcher, no_kernels_left):
    make_notebook(
        "counts",
        [
            "import json, os\nos.makedirs(results_dir, exist_ok=True)\n"
            "json.dump({'version': 1, 'sensitive': sensitive, 'numbers': [{'name': 'n', 'value': n, "
            "'display': str(n), 'unit': '', 'sentence': 'n things', 'suppressed': False}], 'tables': [], "
            "'figures': []}, open(os.path.join(results_dir, 'results.json'), 'w'))",
            "print('done', n)",
        ],
    )
    run = run_notebook("counts", researcher, n="7")
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED, run.traceback or run.error_message
    assert run.cells_done == run.cells_total and run.cells_total > 0
    assert run.results["numbers"][0]["value"] == 7
    assert run.parameters == {"n": 7}
    assert run.parameters_json == '{"n":7}'
    assert run.started_at and run.ended_at and run.duration_seconds > 0
    assert run.process_group and run.host and run.kernel_name == "python3"
    assert len(run.notebook_sha256) == 64 and len(run.packages_sha256) == 64 and run.code_version
    # Storage adds a suffix when an earlier test's run with the same key left its file behind.
    assert re.fullmatch(rf"runs/{run.pk}/executed\w*\.ipynb", run.executed_notebook.name)
    assert b"done 7" in run.executed_notebook.read()


def test_a_cell_that_raises_fails_the_run_with_its_class_message_cell_and_traceback(
    make_notebook, researcher, no_kernels_left
):
    make_notebook("raises", ["x = 1", "raise ValueError('no year column in the file')"])
    run = run_notebook("raises", researcher)
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.error_class == "ValueError"
    assert run.error_message == "no year column in the file"
    # markdown, parameters, injected parameters, x = 1, raise: the fifth cell.
    assert run.failing_cell == 5
    assert "ValueError" in run.traceback
    assert run.executed_notebook.name  # kept, to read the traceback in context
    assert run.results == {}


def test_sys_exit_in_a_cell_fails_the_run(make_notebook, researcher, no_kernels_left):
    make_notebook("exits", ["import sys\nsys.exit(1)"])
    run = run_notebook("exits", researcher)
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.error_class == "SystemExit"


def test_a_notebook_that_kills_its_own_kernel_fails_as_a_dead_kernel(
    make_notebook, researcher, no_kernels_left
):
    make_notebook("suicide", ["import os\nos._exit(3)"])
    run = run_notebook("suicide", researcher)
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.error_class == "DeadKernelError"
    assert "kernel died" in run.error_message


def test_an_endless_cell_times_out_on_the_per_cell_limit(
    make_notebook, researcher, settings, no_kernels_left
):
    settings.RESEARCH_CELL_TIMEOUT = 2
    make_notebook("forever", ["while True:\n    pass"])
    run = run_notebook("forever", researcher)
    run.refresh_from_db()
    assert run.status == Status.TIMED_OUT
    assert run.error_class == "CellTimeoutError"
    assert "2 s" in run.error_message


def test_the_wall_clock_limit_kills_the_kernel_group_even_between_short_cells(
    make_notebook, researcher, settings, no_kernels_left
):
    settings.RESEARCH_CELL_TIMEOUT = 60
    settings.RESEARCH_WALL_CLOCK_LIMIT = 3
    # A child process in the kernel's group must die with it.
    make_notebook(
        "slow",
        ["import subprocess\nchild = subprocess.Popen(['sleep', '120'])"]
        + ["import time\ntime.sleep(1)"] * 20,
    )
    run = run_notebook("slow", researcher)
    run.refresh_from_db()
    assert run.status == Status.TIMED_OUT
    assert run.error_class == "WallClockLimit"
    assert run.duration_seconds < 30
    import os

    import psutil

    def in_group(proc):
        try:
            return os.getpgid(proc.pid) == run.process_group and proc.status() != psutil.STATUS_ZOMBIE
        except (ProcessLookupError, psutil.NoSuchProcess):
            return False

    assert not [p for p in psutil.process_iter() if in_group(p)]


def test_hundreds_of_megabytes_of_output_are_capped(make_notebook, researcher, settings, no_kernels_left):
    settings.RESEARCH_OUTPUT_CAP_BYTES = 1024 * 1024
    make_notebook(
        "chatty",
        [
            "import sys\nline = 'x' * 1_000_000\n"
            "for _ in range(300):\n    sys.stdout.write(line)\n    sys.stdout.flush()"
        ],
    )
    run = run_notebook("chatty", researcher)
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED, run.error_message
    assert run.executed_notebook.size < 5 * 1024 * 1024
    assert b"Output capped" in run.executed_notebook.read()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the worker thread writes the run while this test polls it, and the "
    "shared-cache in-memory SQLite test database raises 'table is locked' instead of waiting "
    "(seen in CI); a file database in WAL mode, as the site runs, waits",
)
def test_a_running_run_is_cancelled_and_its_kernel_killed(
    make_notebook, researcher, settings, no_kernels_left, held_queue
):
    import threading

    from research import runner

    settings.RESEARCH_CELL_TIMEOUT = 60
    make_notebook("sleepy", ["import time\ntime.sleep(60)"])
    run = run_notebook("sleepy", researcher)
    worker = threading.Thread(target=runner.execute, args=(run.pk,))
    worker.start()
    seen = []
    for _ in range(300):
        run.refresh_from_db()
        seen.append((run.status, run.process_group, run.cells_done))
        if run.process_group and run.cells_done >= 3:
            break
        worker.join(0.1)
    assert run.status == Status.RUNNING, seen[-5:]
    assert services.cancel_run(run, researcher), seen[-5:]
    worker.join(30)
    run.refresh_from_db()
    assert run.status == Status.CANCELLED
    assert run.duration_seconds < 30


def test_a_queued_run_is_cancelled_before_any_kernel_starts(make_notebook, researcher, held_queue):
    from research import runner

    make_notebook("later", ["print(1)"])
    run = run_notebook("later", researcher)
    assert services.cancel_run(run, researcher)
    assert runner.execute(run.pk) is None  # the worker does not claim it
    run.refresh_from_db()
    assert run.status == Status.CANCELLED and run.process_group is None


def test_a_dead_workers_run_is_failed_and_its_kernel_group_killed(
    make_notebook, researcher, settings, no_kernels_left, held_queue
):
    """A worker killed mid-run stops renewing its lease; the next worker (or the scheduler) reaps it."""
    import socket
    import subprocess
    import sys
    from datetime import timedelta

    import psutil
    from django.utils import timezone

    from research import runner

    # Stand-in for the orphaned kernel: a kernel process in its own session, as jupyter_client starts it.
    kernel = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)", "ipykernel_launcher", "-f", "kernel.json"],
        start_new_session=True,
    )
    make_notebook("orphan", ["print(1)"])
    run = run_notebook("orphan", researcher)
    Run.objects.filter(pk=run.pk).update(
        status=Status.RUNNING,
        started_at=timezone.now() - timedelta(minutes=5),
        host=socket.gethostname(),
        process_group=kernel.pid,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert runner.reap_expired_runs() == 1
    kernel.wait(10)
    assert not psutil.pid_exists(kernel.pid) or psutil.Process(kernel.pid).status() == psutil.STATUS_ZOMBIE
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.error_class == "WorkerLost"
    assert "stopped answering" in run.error_message
    assert runner.reap_expired_runs() == 0


def test_a_live_lease_is_left_alone(make_notebook, researcher, held_queue):
    from datetime import timedelta

    from django.utils import timezone

    from research import runner

    make_notebook("alive", ["print(1)"])
    run = run_notebook("alive", researcher)
    Run.objects.filter(pk=run.pk).update(
        status=Status.RUNNING, lease_expires_at=timezone.now() + timedelta(seconds=30)
    )
    assert runner.reap_expired_runs() == 0
    run.refresh_from_db()
    assert run.status == Status.RUNNING


def test_an_identical_run_reuses_the_earlier_results_without_executing(
    make_notebook, researcher, no_kernels_left
):
    make_notebook("cached", ["print(n * 2)"])
    first = run_notebook("cached", researcher, n="4")
    first.refresh_from_db()
    assert first.status == Status.SUCCEEDED
    second = run_notebook("cached", researcher, n="4")
    assert second.status == Status.SUCCEEDED
    assert second.cache_of == first
    assert second.process_group is None and second.duration_seconds == 0
    assert second.executed_notebook.name == first.executed_notebook.name
    different = run_notebook("cached", researcher, n="5")
    different.refresh_from_db()
    assert different.cache_of is None and different.process_group


def test_a_changed_notebook_is_not_served_from_the_cache(make_notebook, researcher):
    make_notebook("edited", ["print(1)"])
    first = run_notebook("edited", researcher)
    make_notebook("edited", ["print(2)"])
    second = run_notebook("edited", researcher)
    second.refresh_from_db()
    assert second.cache_of is None
    assert second.notebook_sha256 != first.notebook_sha256


def test_each_kernel_talks_over_ipc_with_its_own_connection_file(make_notebook, researcher, no_kernels_left):
    """No TCP ports to race for: each run's kernel has sockets and a connection file in its own folder."""
    import json

    make_notebook(
        "wiring",
        [
            "import json\nfrom ipykernel.connect import get_connection_file\n"
            "info = json.load(open(get_connection_file()))\n"
            "print(json.dumps({'file': get_connection_file(), 'transport': info['transport'], "
            "'ip': info['ip']}))"
        ],
        parameters="n = 1  # Which run\n",
    )
    seen = []
    for n in ("1", "2"):
        run = run_notebook("wiring", researcher, n=n)
        run.refresh_from_db()
        assert run.status == Status.SUCCEEDED, run.error_message
        node = json.loads(run.executed_notebook.read())
        [output] = node["cells"][-1]["outputs"]
        seen.append(json.loads("".join(output["text"])))
        # The kernel's own report of its Python agrees with what the run recorded as its version.
        assert f"Python {node['metadata']['language_info']['version']}," in run.kernel_version
    for wiring in seen:
        assert wiring["transport"] == "ipc"
        assert wiring["file"].startswith(str(researcher_work_dir())) and wiring["file"].endswith(
            "/kernel.json"
        )
        assert wiring["ip"].startswith(wiring["file"].removesuffix("kernel.json"))
    assert seen[0]["file"] != seen[1]["file"] and seen[0]["ip"] != seen[1]["ip"]


def researcher_work_dir():
    from research.conf import setting

    return setting("RESEARCH_WORK_DIR")


def test_the_kernel_gets_no_database_or_secret_settings(
    make_notebook, researcher, monkeypatch, no_kernels_left
):
    """A notebook cannot find the live database: the worker's connection settings stay in the worker."""
    import json

    monkeypatch.setenv("DATABASE_URL", "postgres://worker:secret@db/site")
    monkeypatch.setenv("REDIS_URL", "redis://cache/0")
    monkeypatch.setenv("SECRET_KEY", "not-for-notebooks")
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings")
    make_notebook(
        "env",
        [
            "import json, os, sys\nprint(json.dumps({'leaked': sorted(k for k in os.environ if k.startswith("
            "('DATABASE_', 'REDIS_', 'DJANGO_', 'SECRET_KEY'))), 'path': os.environ.get('PYTHONPATH', ''), "
            "'cwd': os.getcwd(), 'mpl': os.environ.get('MPLBACKEND')}))"
        ],
    )
    run = run_notebook("env", researcher)
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED, run.error_message
    [output] = json.loads(run.executed_notebook.read())["cells"][-1]["outputs"]
    seen = json.loads("".join(output["text"]))
    assert seen["leaked"] == []
    from django.conf import settings

    assert str(settings.BASE_DIR) in seen["path"].split(os.pathsep)  # the research helpers import
    assert seen["cwd"].startswith(str(researcher_work_dir())) and seen["mpl"] == "Agg"


def test_the_kernel_version_is_what_the_kernel_reported_not_what_the_web_process_runs(
    make_notebook, researcher, monkeypatch, no_kernels_left
):
    """With RQ the worker may be another machine: the run records the Python its kernel ran."""
    import json
    import platform

    from research import provenance

    monkeypatch.setattr(provenance, "kernel_version", lambda: "Python 0.0.0, ipykernel 0")  # the web side
    make_notebook("versions", ["print(1)"])
    run = run_notebook("versions", researcher)
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED, run.error_message
    reported = json.loads(run.executed_notebook.read())["metadata"]["language_info"]["version"]
    assert reported == platform.python_version()
    assert run.kernel_version.startswith(f"Python {reported}, ipykernel ")
    reused = run_notebook("versions", researcher)
    assert reused.cache_of == run and reused.kernel_version == run.kernel_version
