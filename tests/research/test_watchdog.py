"""The watchdog's heartbeat, one beat at a time: renew the lease, or stop the kernel's group at once.

The threaded paths are proven end to end in test_runner and test_worker_death;
here each beat is called directly so SQLite's in-memory test database sees it.
"""

import os
import subprocess
import time
from datetime import timedelta

import psutil
import pytest
from django.utils import timezone

from research import runner
from research.models import Run

pytestmark = pytest.mark.django_db
Status = Run.Status


@pytest.fixture
def kernel_group():
    """A stand-in kernel: a process leading its own session and group, with a child in the group."""
    leader = subprocess.Popen(["sh", "-c", "sleep 120 & wait"], start_new_session=True)
    deadline = time.monotonic() + 10
    while len(group_alive(leader.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)  # the shell forks its child a moment after it starts
    yield leader
    runner.kill_process_group(leader.pid)
    leader.wait(10)


def group_alive(pgid):
    """Live (not zombie) processes in the group ``pgid``."""

    def alive(proc):
        try:
            return os.getpgid(proc.pid) == pgid and proc.status() != psutil.STATUS_ZOMBIE
        except (psutil.NoSuchProcess, ProcessLookupError):
            return False

    return [p for p in psutil.process_iter() if alive(p)]


def group_gone(pgid, within=10):
    """True once nothing in the group is alive; SIGKILL is delivered, not instant."""
    deadline = time.monotonic() + within
    while group_alive(pgid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def watching(run, kernel_group):
    watchdog = runner.Watchdog(run.pk, wall_clock_limit=3600)
    watchdog.kernel_started(kernel_group.pid, kernel_group.pid)
    return watchdog


def test_a_beat_renews_the_lease_of_a_running_run(finished_run, kernel_group, settings):
    settings.RESEARCH_LEASE_SECONDS = 60
    run = finished_run(status=Status.RUNNING, lease_expires_at=timezone.now() + timedelta(seconds=5))
    watchdog = watching(run, kernel_group)
    watchdog._heartbeat()
    run.refresh_from_db()
    assert run.lease_expires_at > timezone.now() + timedelta(seconds=50)
    assert watchdog.reason is None and len(group_alive(kernel_group.pid)) == 2


def test_a_worker_whose_run_was_reaped_kills_its_kernel_at_once(finished_run, kernel_group):
    """Another worker found the lease expired (this one was paused) and failed the run: stop, never resume."""
    run = finished_run(status=Status.RUNNING)
    watchdog = watching(run, kernel_group)
    Run.objects.filter(pk=run.pk).update(status=Status.FAILED, error_class="WorkerLost")
    watchdog._heartbeat()
    kernel_group.wait(10)
    assert watchdog.reason == "lost"
    assert group_gone(kernel_group.pid)
    assert runner._watchdog_outcome(watchdog)["error_class"] == "LeaseLost"
    # Closing the run afterwards leaves the reaper's verdict alone.
    runner._close(run, {"status": Status.SUCCEEDED})
    run.refresh_from_db()
    assert run.status == Status.FAILED and run.error_class == "WorkerLost"


def test_a_cancel_request_kills_the_kernel_group(finished_run, kernel_group):
    run = finished_run(status=Status.RUNNING, cancel_requested=True)
    watchdog = watching(run, kernel_group)
    watchdog._heartbeat()
    kernel_group.wait(10)
    assert watchdog.reason == "cancelled" and group_gone(kernel_group.pid)


def test_a_cancel_during_kernel_start_kills_the_kernel_as_soon_as_it_exists(finished_run, kernel_group):
    run = finished_run(status=Status.RUNNING, cancel_requested=True)
    watchdog = runner.Watchdog(run.pk, wall_clock_limit=3600)
    watchdog._heartbeat()  # no kernel yet: only the reason is noted
    assert watchdog.reason == "cancelled" and kernel_group.poll() is None
    watchdog.kernel_started(kernel_group.pid, kernel_group.pid)
    kernel_group.wait(10)
    assert group_gone(kernel_group.pid)


def test_the_worker_never_kills_its_own_group():
    assert runner.kill_process_group(os.getpgid(0)) is False
    assert runner.kill_process_group(None) is False and runner.kill_process_group(1) is False


def test_the_scheduler_reaps_expired_leases_every_ten_seconds_off_the_notebooks_queue(
    finished_run, kernel_group
):
    """With every notebooks worker busy (or dead), the scheduler still notices a lost run."""
    import socket

    from scheduler.registry import jobs

    job = jobs.get("research.reap_expired_runs")
    assert job.every == timedelta(seconds=10) and job.queue == "default"
    assert not job.is_enabled()  # nothing running: no row every ten seconds
    run = finished_run(
        status=Status.RUNNING,
        host=socket.gethostname(),
        process_group=kernel_group.pid,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert job.is_enabled()
    # The stand-in is not an ipykernel: a reused group id is never killed on a guess.
    assert job.run() == 1
    assert len(group_alive(kernel_group.pid)) == 2
    run.refresh_from_db()
    assert run.status == Status.FAILED and run.error_class == "WorkerLost" and run.ended_at


def test_the_scheduler_passes_often_enough_for_the_ten_second_reaper(settings):
    """A pass every 30 s would enqueue a 10 s job only every 30 s: the pass follows the shortest period."""
    from io import StringIO

    from scheduler.management.commands.run_scheduler import Command

    settings.SCHEDULER_INTERVAL_SECONDS = 30
    out = StringIO()
    command = Command(stdout=out)

    def one_pass():
        command.stopping = "test"
        return []

    command.run_pass = one_pass
    command.handle(interval=None, once=False, verbosity=1)
    assert "a pass every 5 s" in out.getvalue()
