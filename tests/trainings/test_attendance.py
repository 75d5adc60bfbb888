"""Staff mark attendance from the roster once the event has started; nobody else can."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import NotPermitted, ServiceError
from members.models import AuditEvent
from tests.trainings.factories import EventFactory, public_event, registered
from trainings import attendance
from trainings.models import Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(db):
    return public_event(
        starts_at=timezone.now() - timedelta(minutes=30), ends_at=timezone.now() + timedelta(hours=1)
    )


def test_staff_tick_who_came_and_the_rest_are_recorded_absent(started, role_user, client_for):
    came, stayed_away = role_user("member"), role_user("member")
    here, away = registered(started, came), registered(started, stayed_away)
    waiting = registered(started, role_user("member"), status=RegistrationStatus.WAITLISTED, position=1)
    staff = role_user("editor")  # an editor manages a public event
    client = client_for(staff)
    assert "Save attendance" in client.get(f"/trainings/{started.pk}/roster/").content.decode()
    body = client.post(f"/trainings/{started.pk}/attendance/", {"present": [here.pk]}, follow=True)
    assert "Attendance saved: 1 attended." in body.content.decode()
    assert Registration.objects.get(pk=here.pk).attended is True
    assert Registration.objects.get(pk=away.pk).attended is False
    assert Registration.objects.get(pk=waiting.pk).attended is None
    assert Registration.objects.get(pk=here.pk).attendance_marked_by == staff
    # Attendance earns certificate hours: the audit log says who recorded it, for how many.
    (logged,) = AuditEvent.objects.filter(action=AuditEvent.Action.ATTENDANCE)
    assert logged.actor == staff and logged.detail == {
        "what": "attendance marked by staff", "event": started.pk, "present": 1, "absent": 1
    }  # fmt: skip
    export = client.get(f"/trainings/{started.pk}/roster.csv").content.decode()
    assert ",yes" in export and ",no" in export


def test_a_waitlisted_or_foreign_registration_cannot_be_marked_present(started, role_user, client_for):
    waiting = registered(started, role_user("member"), status=RegistrationStatus.WAITLISTED, position=1)
    elsewhere = registered(EventFactory(), role_user("member"))
    staff = role_user("tta_staff")
    for pk in (waiting.pk, elsewhere.pk):
        with pytest.raises(ServiceError, match="Only registered attendees"):
            attendance.mark_attendance(started, {pk}, by=staff)
    body = client_for(staff).post(f"/trainings/{started.pk}/attendance/", {"present": ["x"]}, follow=True)
    assert "Only registered attendees" in body.content.decode()
    assert not Registration.objects.filter(attended__isnull=False).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ATTENDANCE).exists()


def test_attendance_waits_for_the_start(role_user):
    event = EventFactory()
    row = registered(event, role_user("member"))
    with pytest.raises(ServiceError, match="once the event has started"):
        attendance.mark_attendance(event, {row.pk}, by=role_user("tta_staff"))


def test_members_and_editors_of_members_only_events_cannot_mark(role_user, client_for):
    event = EventFactory(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=1)
    )
    row = registered(event, role_user("member"))
    with pytest.raises(NotPermitted):
        attendance.mark_attendance(event, {row.pk}, by=role_user("editor"))
    assert client_for(role_user("member")).post(f"/trainings/{event.pk}/attendance/").status_code == 403
    assert client_for(role_user("editor")).post(f"/trainings/{event.pk}/attendance/").status_code == 404
    assert client_for(None).post(f"/trainings/{event.pk}/attendance/").status_code == 302
    assert Registration.objects.get(pk=row.pk).attended is None
