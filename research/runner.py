"""Execute one queued run in a worker: claim it, run papermill under a watchdog, record the outcome.

The outcome is classified by exception type, because papermill's notebook
metadata cannot tell a timeout from any other stop:

- ``PapermillExecutionError`` (a cell raised, ``sys.exit(1)`` included): failed;
- ``sys.exit(0)`` or a bare ``raise SystemExit``, which papermill lets pass and then skips
  every later cell: failed as "EndedEarly", naming the cell, so it never reads as a success;
- nbclient's ``CellTimeoutError``, or the watchdog reaching the wall-clock limit: timed out;
- ``DeadKernelError`` (``os._exit``, out of memory, killed): failed, "the kernel died";
- the watchdog seeing a cancel request: cancelled.

Whatever happens, the kernel's whole process group is killed before the run
is closed, and its working folder is removed.

Each run has one folder, ``RESEARCH_WORK_DIR/r<id>``: the executed notebook is
written there by the runner, and the kernel gets ``kernel/`` inside it, the only
folder it may write (see research.kernel_isolation for its account and limits).

A worker that dies mid-run (``kill -9``, the OOM killer) closes nothing itself:
``reap_expired_runs`` notices it (run by the scheduler every 10 s while runs are
active, and by every worker before it claims a run), fails the run, kills the
kernel, attaches the partial notebook, removes the folder and fails the task row.
"""

import hashlib
import json
import logging
import os
import re
import shutil
import signal
import socket
import stat
import threading
import time
import traceback as tb
from datetime import timedelta
from pathlib import Path

import papermill
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.exceptions import PapermillExecutionError

from research import execution, kernel_isolation, registry
from research.conf import setting
from research.models import Run
from research.storage import research_storage

log = logging.getLogger(__name__)
Status = Run.Status
FIGURE_NAME = re.compile(r"^[a-z0-9_-]{1,80}$")


class DatasetChanged(Exception):
    """A pinned dataset version is gone or its bytes differ from the hash taken at queue time."""


def kill_process_group(pgid):
    """SIGKILL a kernel's process group; True if anything was there to kill."""
    if not pgid or pgid <= 1 or pgid == os.getpgid(0):
        return False
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return False
    return True


class Watchdog(threading.Thread):
    """Renews the run's lease, and kills the kernel on cancel, on the wall-clock limit or a lost lease."""

    def __init__(self, run_id, wall_clock_limit):
        super().__init__(daemon=True, name=f"run-{run_id}-watchdog")
        self.run_id = run_id
        self.deadline = time.monotonic() + wall_clock_limit
        self.wall_clock_limit = wall_clock_limit
        self.pgid = None
        self.reason = None  # "cancelled", "timed_out" or "lost"
        self._halt = threading.Event()
        self._pgid_recorded = False

    def kernel_started(self, pid, pgid):
        # Called inside jupyter_client's event loop, where the ORM may not run:
        # the watchdog thread records the group on its next tick.
        self.pgid = pgid
        if self.reason:  # cancelled while the kernel was starting
            kill_process_group(pgid)

    def stop(self):
        self._halt.set()
        self.join(timeout=10)

    def _trip(self, reason):
        if self.reason is None:
            self.reason = reason
        kill_process_group(self.pgid)

    def run(self):
        beat = setting("RESEARCH_HEARTBEAT_SECONDS")
        next_beat = 0.0
        try:
            while not self._halt.wait(0.2):
                now = time.monotonic()
                if now >= self.deadline:
                    self._trip("timed_out")
                if self.pgid and not self._pgid_recorded:
                    Run.objects.filter(pk=self.run_id).update(process_group=self.pgid)
                    self._pgid_recorded = True
                if now >= next_beat:
                    next_beat = now + beat
                    try:
                        self._heartbeat()
                    except DatabaseError:
                        # A busy database must not end the watchdog: the wall clock still applies,
                        # and the next beat renews the lease.
                        log.warning("Run %s: heartbeat failed; retrying", self.run_id, exc_info=True)
                        connection.close()
        finally:
            connection.close()

    def _heartbeat(self):
        at = timezone.now()
        renewed = Run.objects.filter(pk=self.run_id, status=Status.RUNNING).update(
            heartbeat_at=at, lease_expires_at=at + timedelta(seconds=setting("RESEARCH_LEASE_SECONDS"))
        )
        if not renewed:
            # Another worker declared this run dead (our lease expired): stop at once.
            self._trip("lost")
            return
        if Run.objects.filter(pk=self.run_id, cancel_requested=True).exists():
            self._trip("cancelled")


def claim(run_id):
    """Move a queued run to running; None if it was cancelled or another worker took it."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Run.objects.filter(pk=run_id, status=Status.QUEUED, cancel_requested=False).update(
            status=Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            lease_expires_at=now + timedelta(seconds=setting("RESEARCH_LEASE_SECONDS")),
            host=socket.gethostname(),
            worker_pid=os.getpid(),
        )
    return Run.objects.get(pk=run_id) if claimed else None


# What the kernel keeps of the worker's environment; everything else (database and cache URLs,
# SECRET_KEY, mail and cloud credentials, DJANGO_*) stays in the worker.
KERNEL_ENV_KEPT = ("PATH", "LANG", "LANGUAGE", "TZ", "TERM", "PYTHONPATH")


def kernel_env(kernel_dir=None):
    """The kernel's environment: it can import the project's research helpers, never Django settings."""
    env = {k: v for k, v in os.environ.items() if k in KERNEL_ENV_KEPT or k.startswith("LC_")}
    base = str(registry.project_root())
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [base, env.get("PYTHONPATH", "")]))
    env["MPLBACKEND"] = "Agg"
    if kernel_dir:
        # IPython, matplotlib and Jupyter keep their caches under HOME: the kernel's own folder,
        # the only one it may write.
        env["HOME"] = str(kernel_dir)
        env["TMPDIR"] = str(Path(kernel_dir) / "tmp")
    return env


def prepare_inputs(run, work_dir):
    """Copy each pinned dataset version into the working folder; the reserved parameters."""
    params = dict(run.parameters)
    results_dir = work_dir / "results"
    results_dir.mkdir()
    params["results_dir"] = str(results_dir)
    params["sensitive"] = run.sensitive
    versions = {v.pk: v for v in run.dataset_versions.all()}
    for schema, entry in run.data_versions.items():
        if entry.get("synthetic"):
            params[f"{schema}_csv"] = ""  # the notebook generates its synthetic data
            continue
        version = versions.get(entry.get("version_id"))
        if version is None:
            # Never fall back to synthetic data for a run queued with a real file.
            raise DatasetChanged(
                f"Dataset {entry.get('dataset')} version {entry.get('version')}, chosen when the run was "
                "queued, no longer exists. Start the run again with a current version."
            )
        target = work_dir / f"{schema}.csv"
        digest = hashlib.sha256()
        with version.file.open("rb") as source, open(target, "wb") as out:
            for block in iter(lambda: source.read(1024 * 1024), b""):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != entry.get("sha256"):
            # The provenance (and the cache) promise these exact bytes; a changed file breaks that.
            raise DatasetChanged(
                f"The stored file of dataset {entry.get('dataset')} version {entry.get('version')} no longer "
                f"matches the SHA-256 recorded when the run was queued ({str(entry.get('sha256'))[:16]}…); "
                "the run was stopped rather than use other data."
            )
        params[f"{schema}_csv"] = str(target)
    return params, results_dir


def execute(run_id):
    """Run one queued run to its end. Safe to call twice: only one caller claims it."""
    close_old_connections()
    reap_expired_runs()
    run = claim(run_id)
    if run is None:
        return None
    work_root = Path(setting("RESEARCH_WORK_DIR"))
    # The run's folder is the runner's; only its kernel/ folder is the kernel's (see kernel_isolation).
    work_dir = work_root / f"r{run.pk}"
    watchdog = Watchdog(run.pk, setting("RESEARCH_WALL_CLOCK_LIMIT"))
    # Beating from the claim on: copying a large dataset must not outlast the lease.
    watchdog.start()
    outcome = {}
    try:
        account = kernel_isolation.kernel_account()
        kernel_isolation.prepare_work_root(work_root, account)
        kernel_isolation.protect_site_files(work_root)
        shutil.rmtree(work_dir, ignore_errors=True)  # left by a worker that died, if any
        work_dir.mkdir(mode=0o700)
        if account:
            os.chmod(work_dir, 0o711)  # noqa: S103 - passable, not listable: the kernel reaches kernel/
        kernel_dir = work_dir / "kernel"
        kernel_dir.mkdir()
        notebook = registry.get(Path(run.notebook_path).stem)
        params, results_dir = prepare_inputs(run, kernel_dir)
        (kernel_dir / "tmp").mkdir()
        kernel_isolation.hand_over(kernel_dir, account)
        output = work_dir / "executed.ipynb"
        hooks = execution.RunHooks(
            work_dir=kernel_dir,
            env=kernel_env(kernel_dir),
            output_cap=setting("RESEARCH_OUTPUT_CAP_BYTES"),
            on_kernel_started=watchdog.kernel_started,
            on_progress=lambda done, total: Run.objects.filter(pk=run.pk).update(
                cells_done=done, cells_total=total
            ),
            account=account,
            launch_prefix=kernel_isolation.launch_prefix(),
        )
        try:
            papermill.execute_notebook(
                str(notebook.path),
                str(output),
                parameters=params,
                engine_name=execution.ENGINE_NAME,
                kernel_name=run.kernel_name,
                execution_timeout=setting("RESEARCH_CELL_TIMEOUT"),
                start_timeout=setting("RESEARCH_KERNEL_START_TIMEOUT"),
                progress_bar=False,
                log_output=False,
                tfc_hooks=hooks,
            )
            outcome = _ended_early(output) or {"status": Status.SUCCEEDED}
        except PapermillExecutionError as error:
            outcome = {
                "status": Status.FAILED,
                "error_class": error.ename,
                "error_message": _error_message(error),
                "failing_cell": error.cell_index + 1,
                "traceback": "\n".join(error.traceback)[:50000],
            }
        except CellTimeoutError as error:
            outcome = {
                "status": Status.TIMED_OUT,
                "error_class": "CellTimeoutError",
                "error_message": f"A cell ran longer than the {setting('RESEARCH_CELL_TIMEOUT')} s limit "
                "per cell.",
                "traceback": str(error)[:50000],
            }
        except DeadKernelError as error:
            outcome = {
                "status": Status.FAILED,
                "error_class": "DeadKernelError",
                "error_message": "The kernel died (the notebook ended its own process, ran out of "
                f"memory, or used up its {_cpu_limit()} s of CPU time).",
                "traceback": str(error)[:50000],
            }
        finally:
            watchdog.stop()
        outcome = _watchdog_outcome(watchdog) or outcome
        outcome["process_group"] = watchdog.pgid
        reported = _reported_kernel_version(output)
        if reported:
            outcome["kernel_version"] = reported
        outcome.update(_collect(run, output, results_dir, outcome["status"]))
    except Exception as error:  # noqa: BLE001 - the run must be closed whatever broke
        outcome = _watchdog_outcome(watchdog) or {
            "status": Status.FAILED,
            "error_class": type(error).__name__,
            "error_message": str(error)[:5000],
            "traceback": "".join(tb.format_exception(error))[:50000],
        }
    finally:
        watchdog.stop()  # again, if the run broke before papermill started: no beat after the close
        kill_process_group(watchdog.pgid)
        shutil.rmtree(work_dir, ignore_errors=True)
    return _close(run, outcome)


def _cpu_limit():
    return setting("RESEARCH_KERNEL_CPU_SECONDS") or setting("RESEARCH_WALL_CLOCK_LIMIT")


def _error_message(error):
    message = str(error.evalue)
    if error.ename == "MemoryError":
        limit = setting("RESEARCH_KERNEL_MEMORY_BYTES")
        message = (
            f"The notebook asked for more memory than a run may use ({limit / 1024**3:g} GiB); "
            f"work on smaller parts of the data. {message}"
        ).strip()
    return message[:5000]


def _watchdog_outcome(watchdog):
    if watchdog.reason == "cancelled":
        return {"status": Status.CANCELLED, "error_message": "Cancelled by a researcher."}
    if watchdog.reason == "timed_out":
        return {
            "status": Status.TIMED_OUT,
            "error_class": "WallClockLimit",
            "error_message": f"The run took longer than its {watchdog.wall_clock_limit} s limit; "
            "its kernel was stopped.",
        }
    if watchdog.reason == "lost":
        return {
            "status": Status.FAILED,
            "error_class": "LeaseLost",
            "error_message": "This worker lost its lease on the run; the kernel was stopped.",
        }
    return None


def _ended_early(output):
    """The failure of a notebook that quit with status 0 partway, or None if it ran to its end.

    papermill treats ``SystemExit`` with code 0 (or none) as no error, yet stops executing
    there: the run would read as a success with its later cells silently skipped.
    """
    import nbformat

    node = nbformat.read(str(output), as_version=4)
    for index, cell in enumerate(node.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error" and out.get("ename") == "SystemExit":
                skipped = sum(1 for later in node.cells[index + 1 :] if later.cell_type == "code")
                later = {0: "no later cell was", 1: "1 later cell was"}.get(
                    skipped, f"{skipped} later cells were"
                )
                return {
                    "status": Status.FAILED,
                    "error_class": "EndedEarly",
                    "error_message": f"The notebook ended itself early (sys.exit or SystemExit) in cell "
                    f"{index + 1} of {len(node.cells)}; {later} not run, so its results are incomplete "
                    "and cannot be published.",
                    "failing_cell": index + 1,
                    "traceback": "\n".join(out.get("traceback", []))[:50000],
                }
    return None


def _reported_kernel_version(output):
    """The kernel's own account of its Python (from the executed notebook), with this worker's ipykernel.

    The version recorded at queue time is the web process's; the worker (on another
    machine, with RQ) may run another, and the run should say what it really ran on.
    """
    try:
        from importlib import metadata

        import nbformat

        node = nbformat.read(str(output), as_version=4)
        python = node.metadata.get("language_info", {}).get("version")
        return f"Python {python}, ipykernel {metadata.version('ipykernel')}" if python else ""
    except Exception:  # noqa: BLE001 - no notebook (the kernel never started): keep the queued value
        return ""


def _collect(run, output, results_dir, status):
    """Store the executed notebook and, for a success, results.json and its figures."""
    stored = {}
    storage = research_storage()
    if output.exists():
        with open(output, "rb") as handle:
            stored["executed_notebook"] = storage.save(f"runs/{run.pk}/executed.ipynb", File(handle))
    if status != Status.SUCCEEDED:
        return stored
    results = {}
    data = _read_kernel_file(results_dir, "results.json", setting("RESEARCH_MAX_RESULTS_BYTES"))
    if data is not None:
        results = json.loads(data.decode("utf-8"))
        if not isinstance(results, dict):
            raise ValueError("results.json must hold an object.")
    kept = []
    for figure in results.get("figures", []) or []:
        name = str(figure.get("name", ""))
        if not FIGURE_NAME.match(name):
            continue
        try:
            png = _read_kernel_file(results_dir, f"{name}.png", setting("RESEARCH_MAX_FIGURE_BYTES"))
        except ValueError:
            continue  # too large: left out, as before
        if png is None:
            continue
        storage.save(run.figure_path(name), ContentFile(png))
        kept.append(figure)
    if results:
        results["figures"] = kept
    stored["results"] = results
    return stored


def _read_kernel_file(folder, name, limit):
    """The bytes of a file the kernel wrote, or None if there is no such regular file.

    The kernel owns its folder and can put anything there: a link to the site's
    database, a hard link, a FIFO that never answers. So the folder and the file are
    opened without following links and the file must be a plain, singly linked file.
    """
    try:
        folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
    except OSError:
        return None
    finally:
        os.close(folder_fd)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            return None
        if info.st_size > limit:
            raise ValueError(f"{name} is larger than the limit; record fewer or smaller tables.")
        return handle.read(limit + 1)[:limit]


def _close(run, outcome):
    ended = timezone.now()
    fields = {
        "ended_at": ended,
        "duration_seconds": (ended - run.started_at).total_seconds() if run.started_at else None,
        "lease_expires_at": None,
        **outcome,
    }
    # Only a running run is closed: a reaper may have closed it already.
    Run.objects.filter(pk=run.pk, status=Status.RUNNING).update(**fields)
    run.refresh_from_db()
    return run


class WorkerLost(Exception):
    """The worker running a notebook died or stopped answering; recorded on its task's row."""


# research.tasks.execute_run's path, as the database backend records it.
EXECUTE_RUN_TASK = "research.tasks.execute_run"
WORKER_LOST = (
    "The worker running this notebook stopped answering (it was killed, or its lease expired); "
    "the run was stopped. Start it again."
)


def reap_expired_runs():
    """Fail running runs whose worker died or stopped renewing the lease, and clean up after them.

    Called by the scheduler every few seconds while runs are active, and by every
    worker before it claims a run, so a dead worker is noticed by whichever process
    looks first. A worker on this host that is gone is noticed after a few missed
    heartbeats; one elsewhere when its lease expires. For each run failed here, on
    the host it ran on: the kernel's group is killed, the partial notebook attached,
    the work folder removed; and its task's row (database backend) is finished.
    """
    now = timezone.now()
    host = socket.gethostname()
    reaped = 0
    running = Run.objects.filter(status=Status.RUNNING).only(
        "pk", "host", "process_group", "started_at", "worker_pid", "heartbeat_at", "lease_expires_at"
    )
    for run in running:
        if run.lease_expires_at and run.lease_expires_at < now:
            still = {"lease_expires_at": run.lease_expires_at}
        elif run.host == host and _worker_gone(run, now):
            still = {"heartbeat_at": run.heartbeat_at}
        else:
            continue
        # Guarded by what was seen, so a worker that renewed meanwhile keeps its run.
        closed = Run.objects.filter(pk=run.pk, status=Status.RUNNING, **still).update(
            status=Status.FAILED,
            ended_at=now,
            duration_seconds=(now - run.started_at).total_seconds() if run.started_at else None,
            lease_expires_at=None,
            error_class="WorkerLost",
            error_message=WORKER_LOST,
        )
        if not closed:
            continue
        reaped += 1
        if run.host == host and _is_kernel_group(run.process_group):
            kill_process_group(run.process_group)
        _finish_task_row(run.pk)
    _clear_work_dirs()
    return reaped


def _worker_gone(run, now):
    """True if this host's worker of ``run`` has exited and its heartbeats stopped a few beats ago."""
    beat = setting("RESEARCH_HEARTBEAT_SECONDS")
    if not run.worker_pid or not run.heartbeat_at or now - run.heartbeat_at < timedelta(seconds=3 * beat):
        return False
    try:
        import psutil

        worker = psutil.Process(run.worker_pid)
        if worker.status() == psutil.STATUS_ZOMBIE:
            return True
        # A pid reused by a process started after the run is not its worker.
        return run.started_at is not None and worker.create_time() > run.started_at.timestamp() + 1
    except Exception:  # noqa: BLE001 - no such process (or not ours to see): gone
        return True


def _finish_task_row(run_id):
    """Mark the database backend's row of the run's task failed: its worker will never finish it."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(status="RUNNING", task_path=EXECUTE_RUN_TASK)
    for row in rows:
        if (row.args_kwargs or {}).get("args") == [run_id]:
            row.set_failed(WorkerLost(WORKER_LOST))


def _clear_work_dirs():
    """Attach the partial notebook of, and remove, each work folder here whose run is no longer running.

    The folder of a run failed by a process on another host is only found by a
    process on this one; the run's own worker removes it when it ends normally.
    """
    work_root = Path(setting("RESEARCH_WORK_DIR"))
    if not work_root.is_dir():
        return
    folders = {}
    for folder in work_root.iterdir():
        if folder.name[:1] == "r" and folder.name[1:].isdigit():
            folders[int(folder.name[1:])] = folder
    if not folders:
        return
    running = set(Run.objects.filter(pk__in=folders, status=Status.RUNNING).values_list("pk", flat=True))
    for run_id, folder in folders.items():
        if run_id in running:
            continue
        partial = folder / "executed.ipynb"  # the runner's, beside the kernel's folder: never a link
        if partial.is_file() and not partial.is_symlink():
            with open(partial, "rb") as handle:
                name = research_storage().save(f"runs/{run_id}/executed.ipynb", File(handle))
            if not Run.objects.filter(pk=run_id, executed_notebook="").update(executed_notebook=name):
                research_storage().delete(name)
        shutil.rmtree(folder, ignore_errors=True)


def _is_kernel_group(pgid):
    # A process group id can be reused after its kernel exits; only kill a
    # group still led by a kernel.
    try:
        import psutil

        leader = psutil.Process(pgid)
        return "ipykernel" in " ".join(leader.cmdline()) and os.getpgid(pgid) == pgid
    except Exception:  # noqa: BLE001 - gone or not ours: nothing to kill
        return False
