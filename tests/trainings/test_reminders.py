"""Reminders one day and one hour before an event: sent once each, only to registered attendees."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from scheduler.registry import jobs
from tests.trainings.factories import EventFactory, registered
from trainings import reminders
from trainings.models import RegistrationStatus, ReminderSent

pytestmark = pytest.mark.django_db


def test_the_day_and_hour_reminders_go_once_each_to_registered_attendees(role_user):
    now = timezone.now()
    event = EventFactory(starts_at=now + timedelta(hours=23), ends_at=now + timedelta(hours=24))
    attendee = role_user("member")
    registered(event, attendee)
    registered(event, role_user("member"), status=RegistrationStatus.WAITLISTED, position=1)
    assert reminders.send_due_reminders(now) == 1
    (message,) = mail.outbox
    assert message.to == [attendee.email] and "one day" in message.subject
    # A second pass, as a second scheduler process would run, sends nothing more.
    assert reminders.send_due_reminders(now) == 0
    # Fifty-nine minutes before the start the hour reminder goes, once.
    later = event.starts_at - timedelta(minutes=59)
    assert reminders.send_due_reminders(later) == 1
    assert reminders.send_due_reminders(later) == 0
    assert "one hour" in mail.outbox[-1].subject
    assert ReminderSent.objects.count() == 2


def test_a_claimed_reminder_is_not_sent_by_a_second_process(role_user):
    now = timezone.now()
    event = EventFactory(starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(hours=1))
    row = registered(event, role_user("member"))
    # The other process inserted the marker first: this one must not send.
    assert reminders.claim(row, "hour") is True
    assert reminders.claim(row, "hour") is False
    assert reminders.send_due_reminders(now) == 0
    assert mail.outbox == []


def test_someone_registering_inside_the_last_hour_gets_no_late_day_reminder(role_user):
    now = timezone.now()
    event = EventFactory(starts_at=now + timedelta(minutes=40), ends_at=now + timedelta(hours=2))
    registered(event, role_user("member"))
    assert reminders.send_due_reminders(now) == 1
    assert "one hour" in mail.outbox[0].subject


def test_unpublished_and_far_events_get_no_reminder(role_user):
    now = timezone.now()
    registered(EventFactory(starts_at=now + timedelta(hours=3), is_published=False), role_user("member"))
    registered(EventFactory(starts_at=now + timedelta(days=3)), role_user("member"))
    assert reminders.send_due_reminders(now) == 0


def test_the_job_is_registered_with_the_scheduler():
    job = jobs.get("trainings.event_reminders")
    assert job.every == timedelta(minutes=5)
