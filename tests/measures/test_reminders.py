"""Reporting reminders, 7 days before the due date and 1 day after: to the coordinator and
designated reporters of task forces with nothing submitted, once per reporter, quarter and kind,
even when two scheduler processes run the job at the same moment."""

import datetime
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.core import mail
from django.db import connections

from measures import reminders, services
from measures.models import DataReporter, ReportReminder
from scheduler.registry import jobs
from tests.factories import TaskForceFactory, make_role
from tests.measures.factories import period, submitted_report
from tests.trainings.test_concurrency import shared_database  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 10, 30)
WEEK_BEFORE = datetime.datetime(2026, 10, 23, 13, tzinfo=datetime.UTC)
DAY_AFTER = datetime.datetime(2026, 10, 31, 13, tzinfo=datetime.UTC)


@pytest.fixture
def quarter():
    return period(2026, 3, due_on=DUE)


@pytest.fixture
def people(role_user, task_force):
    coordinator = role_user("coordinator")
    reporter = make_role("member", task_force=task_force)
    DataReporter.objects.create(user=reporter, task_force=task_force, designated_by=coordinator)
    return {
        "coordinator": coordinator,
        "reporter": reporter,
        "member": role_user("member"),  # not a reporter: never reminded
        "staff": role_user("tta_staff"),
        "pending": role_user("pending"),
    }


def _to():
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_week_before_reminder_goes_once_to_the_reporters(people, quarter):
    assert reminders.send_due_reminders(WEEK_BEFORE) == 2
    assert _to() == sorted([people["coordinator"].email, people["reporter"].email])
    message = mail.outbox[0]
    assert "due October 30" in message.subject and "/measures/2026/q3/" in message.body
    # The next hour's pass (or a second scheduler process) sends nothing more.
    assert reminders.send_due_reminders(WEEK_BEFORE + datetime.timedelta(hours=1)) == 0
    assert reminders.send_due_reminders(WEEK_BEFORE + datetime.timedelta(days=3)) == 0
    assert len(mail.outbox) == 2


def test_the_day_after_reminder_is_a_second_kind_sent_once(people, quarter):
    reminders.send_due_reminders(WEEK_BEFORE)
    assert reminders.send_due_reminders(DAY_AFTER) == 2
    assert all("overdue" in m.subject for m in mail.outbox[2:])
    assert reminders.send_due_reminders(DAY_AFTER) == 0
    assert ReportReminder.objects.count() == 4


def test_nothing_is_sent_outside_the_windows(people, quarter):
    assert reminders.send_due_reminders(WEEK_BEFORE - datetime.timedelta(days=1)) == 0
    assert reminders.send_due_reminders(datetime.datetime(2026, 10, 30, 12, tzinfo=datetime.UTC)) == 0
    assert reminders.send_due_reminders(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)) == 0
    assert mail.outbox == []


def test_a_submitted_task_force_is_not_reminded_but_a_returned_or_draft_one_is(
    people, quarter, other_task_force
):
    submitted_report(people["coordinator"], quarter)
    other = make_role("coordinator", task_force=other_task_force)
    draft = services.report_for(other_task_force, quarter)
    services.save(other, draft, {"arrests": "1"}, {}, expected_version=draft.version)
    assert reminders.send_due_reminders(DAY_AFTER) == 1
    assert _to() == [other.email]
    assert "draft" in mail.outbox[0].body


def test_closed_periods_and_inactive_task_forces_get_none(people, quarter):
    quarter.is_closed = True
    quarter.save()
    assert reminders.send_due_reminders(WEEK_BEFORE) == 0
    quarter.is_closed = False
    quarter.save()
    people["coordinator"].task_force.is_active = False
    people["coordinator"].task_force.save()
    assert reminders.send_due_reminders(WEEK_BEFORE) == 0


def test_a_reporter_designated_for_another_task_force_is_not_reminded_for_it(people, quarter):
    # A stale designation (the member moved to another task force) reminds nobody.
    moved = people["reporter"]
    moved.task_force = TaskForceFactory(name="Elsewhere Task Force", is_active=False)
    moved.save()
    reminders.send_due_reminders(WEEK_BEFORE)
    assert _to() == [people["coordinator"].email]


def test_a_claimed_reminder_is_not_sent_by_a_second_process(people, quarter):
    assert reminders.claim(people["coordinator"], quarter, "before") is True
    assert reminders.claim(people["coordinator"], quarter, "before") is False
    assert reminders.send_due_reminders(WEEK_BEFORE) == 1
    assert _to() == [people["reporter"].email]


def test_a_failing_email_is_not_retried(people, quarter, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(reminders, "send_reminder", broken)
    assert reminders.send_due_reminders(WEEK_BEFORE) == 0
    monkeypatch.undo()
    assert reminders.send_due_reminders(WEEK_BEFORE) == 0  # at most once, as promised


def test_the_query_count_does_not_grow_with_the_number_of_task_forces(
    people, quarter, django_assert_max_num_queries
):
    for n in range(6):
        make_role("coordinator", task_force=TaskForceFactory(name=f"Task force {n}"))
    # Per reporter: a claim (savepoint, insert, release) and the report lookup for the email.
    with django_assert_max_num_queries(6 + 8 * 4):
        assert reminders.send_due_reminders(WEEK_BEFORE) == 8


def test_the_job_is_registered_with_the_scheduler():
    job = jobs.get("measures.report_reminders")
    assert job.every == datetime.timedelta(hours=1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_scheduler_processes_at_once_send_each_reminder_once(role_user, task_force, request):
    coordinator = role_user("coordinator")
    period(2026, 3, due_on=DUE)
    path = request.getfixturevalue("shared_database")  # SQLite: the threads share a file copy
    gate = Barrier(2)

    def run(_):
        gate.wait()
        try:
            return reminders.send_due_reminders(WEEK_BEFORE)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(run, range(2)))
    assert sorted(counts) == [0, 1]
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    if path is None:  # PostgreSQL: this connection sees what the threads wrote
        assert ReportReminder.objects.count() == 1
