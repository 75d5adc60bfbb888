"""Declaring periodic jobs, and the fixed periods every machine agrees on."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from scheduler.registry import PeriodicJob, UnknownJob, periodic, register_job


def send_digest():
    return "sent"


def other_digest():
    return "other"


def test_periodic_declares_a_job_and_leaves_the_function_callable(job_registry):
    @periodic(name="forum.daily_digest", every=timedelta(days=1), queue="notebooks")
    def daily_digest():
        return 3

    job = job_registry.get("forum.daily_digest")
    assert (job.every, job.queue, job.run()) == (timedelta(days=1), "notebooks", 3)
    assert daily_digest() == 3


def test_a_daily_period_starts_at_midnight_utc_whatever_the_local_zone():
    daily = PeriodicJob(name="d", func=send_digest, every=timedelta(days=1))
    new_york_evening = datetime(2026, 3, 10, 21, 30, tzinfo=ZoneInfo("America/New_York"))
    # 21:30 in New York on 10 March is 01:30 UTC on 11 March.
    assert daily.period_start(new_york_evening) == datetime(2026, 3, 11, tzinfo=UTC)
    assert daily.period_start(datetime(2026, 3, 11, 0, 0, tzinfo=UTC)) == datetime(2026, 3, 11, tzinfo=UTC)
    assert daily.period_start(datetime(2026, 3, 10, 23, 59, 59, tzinfo=UTC)) == datetime(
        2026, 3, 10, tzinfo=UTC
    )


def test_two_machines_in_one_period_compute_the_same_period_and_the_next_one_differs():
    five_minutes = PeriodicJob(name="m", func=send_digest, every=timedelta(minutes=5))
    first = five_minutes.period_start(datetime(2026, 3, 10, 12, 5, 0, tzinfo=UTC))
    assert five_minutes.period_start(datetime(2026, 3, 10, 12, 9, 59, 999999, tzinfo=UTC)) == first
    assert five_minutes.period_start(datetime(2026, 3, 10, 12, 10, tzinfo=UTC)) == first + timedelta(
        minutes=5
    )


@pytest.mark.parametrize(
    "every",
    [timedelta(seconds=5), timedelta(0), timedelta(days=-1), timedelta(minutes=1, milliseconds=500), 60],
)
def test_periods_shorter_than_ten_seconds_or_not_whole_seconds_are_refused(job_registry, every):
    with pytest.raises(ImproperlyConfigured):
        register_job("members.too_often", send_digest, every=every)
    assert job_registry.all() == []


@pytest.mark.parametrize("name", ["", "x" * 101])
def test_job_names_must_fit_the_run_table(job_registry, name):
    with pytest.raises(ImproperlyConfigured):
        register_job(name, send_digest, every=timedelta(hours=1))


def test_one_name_cannot_be_taken_by_two_functions(job_registry):
    register_job("forum.digest", send_digest, every=timedelta(hours=1))
    with pytest.raises(ImproperlyConfigured, match=r"already used by .*send_digest"):
        register_job("forum.digest", other_digest, every=timedelta(hours=1))
    assert job_registry.get("forum.digest").func is send_digest


def test_declaring_the_same_function_again_replaces_its_job(job_registry):
    # A module imported twice (autoreload, tests) declares its jobs again.
    register_job("forum.digest", send_digest, every=timedelta(hours=1))
    register_job("forum.digest", send_digest, every=timedelta(hours=2))
    assert [(job.name, job.every) for job in job_registry.all()] == [("forum.digest", timedelta(hours=2))]


def test_asking_for_an_unknown_job_says_which(job_registry):
    with pytest.raises(UnknownJob, match=re.escape("'forum.nothing'")):
        job_registry.get("forum.nothing")


def test_the_apps_declare_their_jobs_at_start_up():
    from scheduler.registry import jobs

    names = {job.name for job in jobs.all()}
    assert {
        "members.deactivate_inactive",
        "cms.publish_scheduled",
        "scheduler.prune_job_runs",
        "scheduler.prune_task_results",
    } <= names
    assert jobs.get("cms.publish_scheduled").every == timedelta(minutes=1)
    assert jobs.get("members.deactivate_inactive").every == timedelta(days=1)
