"""The scheduler: each job once per period across schedulers, failures recorded, the command's loop."""

import os
import signal
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import StringIO

import pytest
from django.core import checks
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, connections
from django.test import override_settings

from scheduler import services
from scheduler.models import JobRun
from scheduler.registry import register_job
from scheduler.tasks import run_periodic_job

pytestmark = pytest.mark.django_db


class Calls:
    """Counts how often each job ran; thread-safe for the concurrency test."""

    def __init__(self):
        self.counts = Counter()
        self.lock = threading.Lock()

    def job(self, name):
        def run():
            with self.lock:
                self.counts[name] += 1

        run.__qualname__ = f"run_{name}"
        return run


@pytest.fixture
def calls():
    return Calls()


def test_a_job_runs_once_in_its_period_however_many_passes(
    job_registry, calls, noon, django_capture_on_commit_callbacks
):
    register_job("forum.digest", calls.job("forum.digest"), every=timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        first = services.run_due_jobs(now=noon)
        second = services.run_due_jobs(now=noon + timedelta(minutes=59))
    assert [run.job for run in first] == ["forum.digest"]
    assert second == []
    assert calls.counts == {"forum.digest": 1}
    run = JobRun.objects.get()
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.period_start == noon.replace(minute=0, second=0)
    assert run.enqueued_at <= run.started_at <= run.finished_at
    assert run.error == ""
    assert run.task_result_id


def test_the_next_period_runs_the_job_again(job_registry, calls, noon, django_capture_on_commit_callbacks):
    register_job("forum.digest", calls.job("forum.digest"), every=timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.run_due_jobs(now=noon)
        services.run_due_jobs(now=noon + timedelta(hours=1))
    assert calls.counts == {"forum.digest": 2}
    assert JobRun.objects.filter(status=JobRun.Status.SUCCEEDED).count() == 2


def test_a_scheduler_that_loses_the_insert_race_skips_the_job(
    job_registry, calls, noon, django_capture_on_commit_callbacks
):
    # Both schedulers read "not claimed yet"; the unique constraint decides.
    job = register_job("forum.digest", calls.job("forum.digest"), every=timedelta(hours=1))
    start = job.period_start(noon)
    with django_capture_on_commit_callbacks(execute=True):
        winner = services.claim_period(job, start)
        loser = services.claim_period(job, start)
    assert winner is not None and loser is None
    assert calls.counts == {"forum.digest": 1}
    assert JobRun.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite lets one writer in at a time, so there is no concurrent insert to race "
    "(the lost race on SQLite is covered by test_a_scheduler_that_loses_the_insert_race_skips_the_job)",
)
def test_concurrent_schedulers_on_postgresql_run_each_job_once_per_period(job_registry, calls, noon):
    for name in ("forum.digest", "tta.reminders"):
        register_job(name, calls.job(name), every=timedelta(minutes=5))
    schedulers = 8
    periods = [noon + timedelta(minutes=5 * i) for i in range(3)]

    def scheduler_pass(now, barrier):
        try:
            barrier.wait(timeout=10)
            return [run.job for run in services.run_due_jobs(now=now)]
        finally:
            connections.close_all()

    claimed = Counter()
    with ThreadPoolExecutor(max_workers=schedulers) as pool:
        for now in periods:
            barrier = threading.Barrier(schedulers)
            futures = [pool.submit(scheduler_pass, now, barrier) for _ in range(schedulers)]
            for future in futures:
                claimed.update(future.result())
    assert claimed == {"forum.digest": 3, "tta.reminders": 3}
    assert calls.counts == {"forum.digest": 3, "tta.reminders": 3}
    assert JobRun.objects.filter(status=JobRun.Status.SUCCEEDED).count() == 6


def test_a_failing_job_is_recorded_as_failed_and_the_others_still_run(
    job_registry, calls, noon, django_capture_on_commit_callbacks, caplog
):
    def export_report():
        raise ConnectionRefusedError("report server refused the connection")

    # Sorted by name, the failing job runs first.
    register_job("a.export_report", export_report, every=timedelta(days=1))
    register_job("b.send_reminders", calls.job("b.send_reminders"), every=timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        runs = services.run_due_jobs(now=noon)
    assert [run.job for run in runs] == ["a.export_report", "b.send_reminders"]
    failed = JobRun.objects.get(job="a.export_report")
    assert failed.status == JobRun.Status.FAILED
    assert failed.finished_at is not None
    assert "ConnectionRefusedError: report server refused the connection" in failed.error
    assert "export_report" in failed.error  # the traceback says where
    assert JobRun.objects.get(job="b.send_reminders").status == JobRun.Status.SUCCEEDED
    assert calls.counts == {"b.send_reminders": 1}
    assert "Periodic job a.export_report failed" in caplog.text


def test_a_failed_run_is_not_retried_in_its_period_but_runs_in_the_next(
    job_registry, noon, django_capture_on_commit_callbacks
):
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first try fails")

    register_job("tta.sync", flaky, every=timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.run_due_jobs(now=noon)
        services.run_due_jobs(now=noon + timedelta(minutes=30))
        services.run_due_jobs(now=noon + timedelta(hours=1))
    assert len(attempts) == 2
    assert list(JobRun.objects.order_by("period_start").values_list("status", flat=True)) == [
        JobRun.Status.FAILED,
        JobRun.Status.SUCCEEDED,
    ]


def test_a_task_delivered_twice_runs_the_job_once(
    job_registry, calls, noon, django_capture_on_commit_callbacks
):
    register_job("forum.digest", calls.job("forum.digest"), every=timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = services.run_due_jobs(now=noon)
    assert run_periodic_job.call(run.pk) == "skipped"
    assert run_periodic_job.call(987654) == "skipped"  # no such run
    assert calls.counts == {"forum.digest": 1}


def test_a_run_of_a_job_no_longer_in_the_code_fails_with_its_name(job_registry, noon):
    run = JobRun.objects.create(job="forum.retired_digest", period_start=noon)
    with pytest.raises(LookupError):
        run_periodic_job.call(run.pk)
    run.refresh_from_db()
    assert run.status == JobRun.Status.FAILED
    assert "No periodic job named 'forum.retired_digest'" in run.error


def test_jobs_disabled_by_settings_are_not_claimed(
    job_registry, calls, noon, django_capture_on_commit_callbacks
):
    register_job("forum.digest", calls.job("forum.digest"), every=timedelta(hours=1), when=lambda: False)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_due_jobs(now=noon) == []
    assert not JobRun.objects.exists()


def test_when_the_queue_is_down_the_period_is_given_back_for_the_next_pass(
    job_registry, calls, noon, django_capture_on_commit_callbacks, caplog
):
    register_job("forum.digest", calls.job("forum.digest"), every=timedelta(hours=1))
    # Nothing listens on port 1: enqueueing on RQ fails the way it does when Redis is down.
    unreachable = {"URL": "redis://127.0.0.1:1/0"}
    rq_tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "notebooks"]}}
    with (
        override_settings(TASKS=rq_tasks, RQ_QUEUES={"default": unreachable, "notebooks": unreachable}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.run_due_jobs(now=noon)
    assert not JobRun.objects.exists()
    assert "Could not enqueue forum.digest" in caplog.text
    with django_capture_on_commit_callbacks(execute=True):
        services.run_due_jobs(now=noon + timedelta(seconds=30))
    assert calls.counts == {"forum.digest": 1}


def test_run_scheduler_once_says_what_it_enqueued(job_registry, calls, django_capture_on_commit_callbacks):
    register_job("forum.digest", calls.job("forum.digest"), every=timedelta(days=1))
    register_job("tta.reminders", calls.job("tta.reminders"), every=timedelta(days=1))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduler", "--once", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(" for ")[0] for line in lines] == ["Enqueued forum.digest", "Enqueued tta.reminders"]
    assert all(line.endswith("00:00 UTC.") for line in lines)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduler", "--once", stdout=out)
    assert out.getvalue() == ""
    assert calls.counts == {"forum.digest": 1, "tta.reminders": 1}


def test_run_scheduler_once_fails_loudly_for_cron_when_the_database_is_down(monkeypatch, job_registry):
    def database_down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "run_due_jobs", database_down)
    with pytest.raises(OperationalError):
        call_command("run_scheduler", "--once", stdout=StringIO())


@pytest.mark.parametrize("interval", ["0", "-5", "abc", "1e9", "nan", "'; DROP TABLE scheduler_jobrun; --"])
def test_run_scheduler_refuses_a_bad_interval(job_registry, interval):
    with pytest.raises(CommandError, match="--interval"):
        call_command("run_scheduler", f"--interval={interval}", stdout=StringIO())


class _Runaway(BaseException):
    """Ends a loop that ignored SIGTERM, instead of letting the test hang."""


def test_run_scheduler_finishes_its_pass_and_stops_on_sigterm(monkeypatch, job_registry, caplog):
    passes = []
    original_handler = signal.getsignal(signal.SIGTERM)

    def scripted_pass(**kwargs):
        passes.append(1)
        if len(passes) == 1:
            # A pass that fails (the database restarting) must not end the scheduler.
            raise OperationalError("server closed the connection unexpectedly")
        if len(passes) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
            return []
        raise _Runaway("the scheduler kept going after SIGTERM")

    monkeypatch.setattr(services, "run_due_jobs", scripted_pass)
    out = StringIO()
    call_command("run_scheduler", "--interval=0.01", stdout=out)
    assert len(passes) == 2
    assert "Scheduler pass failed" in caplog.text
    assert out.getvalue().splitlines()[-1] == "Scheduler stopped (SIGTERM)."
    assert signal.getsignal(signal.SIGTERM) == original_handler


def test_old_runs_are_pruned_but_each_jobs_current_period_is_kept(job_registry, noon, settings):
    settings.SCHEDULER_RUN_RETENTION = timedelta(days=30)
    register_job("forum.digest", lambda: None, every=timedelta(days=1))
    register_job("research.refresh", lambda: None, every=timedelta(days=60))
    day = timedelta(days=1)
    for job, age in [
        ("forum.digest", 40 * day),
        ("forum.digest", 10 * day),
        ("research.refresh", 130 * day),
        # The 60-day job's current period: pruning it would run the job again.
        ("research.refresh", 50 * day),
        ("retired.job", 31 * day),
        ("retired.job", 29 * day),
    ]:
        JobRun.objects.create(job=job, period_start=noon - age, status=JobRun.Status.SUCCEEDED)
    assert services.prune_job_runs(now=noon) == 3
    remaining = sorted((run.job, (noon - run.period_start).days) for run in JobRun.objects.all())
    assert remaining == [("forum.digest", 10), ("research.refresh", 50), ("retired.job", 29)]


def test_scheduler_status_lists_every_job_with_its_last_run(
    job_registry, noon, django_assert_max_num_queries
):
    register_job("a.export_report", lambda: None, every=timedelta(days=1))
    register_job("b.send_reminders", lambda: None, every=timedelta(minutes=5), queue="notebooks")
    register_job("c.never_ran", lambda: None, every=timedelta(hours=2), when=lambda: False)
    JobRun.objects.create(job="a.export_report", period_start=noon - timedelta(days=1), status="succeeded")
    JobRun.objects.create(
        job="a.export_report",
        period_start=noon.replace(hour=0, second=0),
        status=JobRun.Status.FAILED,
        finished_at=noon,
        error="Traceback (most recent call last):\n  ...\nConnectionRefusedError: report server refused",
    )
    for minutes in range(0, 50, 5):
        JobRun.objects.create(job="b.send_reminders", period_start=noon.replace(minute=minutes, second=0))
    latest_reminder = JobRun.objects.get(job="b.send_reminders", period_start__minute=45)
    out = StringIO()
    with django_assert_max_num_queries(1):
        call_command("scheduler_status", stdout=out)
    assert out.getvalue().splitlines() == [
        "a.export_report: every day on queue default",
        "  last run: period from 2026-03-10 00:00 UTC, failed at 2026-03-10 12:00:30 UTC",
        "  error: ConnectionRefusedError: report server refused",
        "b.send_reminders: every 5 minutes on queue notebooks",
        "  last run: period from 2026-03-10 12:45 UTC, "
        f"enqueued at {latest_reminder.enqueued_at:%Y-%m-%d %H:%M:%S} UTC",
        "c.never_ran: every 2 hours on queue default (disabled by settings)",
        "  never run",
    ]


def test_a_job_on_a_queue_the_backend_lacks_fails_the_system_check(job_registry):
    register_job("research.rebuild", lambda: None, every=timedelta(days=1), queue="reports")
    errors = [message for message in checks.run_checks() if message.id == "scheduler.E001"]
    assert len(errors) == 1
    assert "'research.rebuild' runs on queue 'reports'" in errors[0].msg
