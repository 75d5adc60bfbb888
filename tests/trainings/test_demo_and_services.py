"""The trainings demo seed, the staff event services' refusals, the .ics contents, and search."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from config.errors import NotPermitted, ServiceError
from members import demo as members_demo
from tests.trainings.factories import EventFactory, public_event
from trainings import calendars, demo, events
from trainings.evaluations import demo as evaluations_demo
from trainings.models import Event, Registration, RegistrationStatus, Visibility

pytestmark = pytest.mark.django_db


def test_the_demo_seed_is_idempotent_with_public_and_members_only_events_and_a_waitlist():
    members_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    assert Event.objects.count() == len(demo.EVENTS) + len(evaluations_demo.EVENTS)
    assert set(Event.objects.values_list("visibility", flat=True)) == {Visibility.PUBLIC, Visibility.MEMBERS}
    assert Event.objects.filter(ends_at__lt=timezone.now()).exclude(materials_html="").exists()
    full = Event.objects.get(title=demo.EVENTS[1][0])
    assert full.registered_count == full.capacity
    assert Registration.objects.filter(event=full, status=RegistrationStatus.WAITLISTED).exists()


def _data(**extra):
    start = timezone.now() + timedelta(days=3)
    return {
        "kind": "webinar",
        "title": "Service-made event",
        "description": "**Bold** <b>raw</b>",
        "materials": "",
        "format": "virtual",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "time_zone": "America/Chicago",
        "location": "",
        "join_url": "",
        "registration_deadline": None,
        "questions": [],
        "visibility": Visibility.PUBLIC,
        "is_published": True,
        "capacity": 10,
        **extra,
    }


def test_staff_create_events_with_sanitised_descriptions(role_user):
    event = events.create_event(_data(), by=role_user("tta_staff"))
    assert "<strong>Bold</strong>" in event.description_html
    assert "<b>" not in event.description_html and "&lt;b&gt;" in event.description_html


def test_an_event_ending_before_it_starts_is_refused_with_a_message(role_user):
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(ServiceError, match="end after it starts") as caught:
        events.create_event(
            _data(ends_at=start - timedelta(hours=1), starts_at=start), by=role_user("tta_staff")
        )
    assert caught.value.field == "ends_at"


def test_editors_cannot_create_or_turn_events_members_only_and_members_cannot_create(role_user):
    editor = role_user("editor")
    with pytest.raises(NotPermitted):
        events.create_event(_data(visibility=Visibility.MEMBERS), by=editor)
    event = events.create_event(_data(), by=editor)
    with pytest.raises(NotPermitted):
        events.update_event(event, _data(visibility=Visibility.MEMBERS), by=editor)
    with pytest.raises(NotPermitted):
        events.update_event(EventFactory(), _data(), by=editor)
    with pytest.raises(NotPermitted):
        events.create_event(_data(), by=role_user("member"))


def test_the_ics_is_in_utc_and_carries_the_join_link_only_when_allowed():
    phoenix_ten = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)  # 10:00 in Phoenix
    event = public_event(
        starts_at=phoenix_ten, ends_at=phoenix_ten + timedelta(hours=1), time_zone="America/Phoenix"
    )
    hidden = calendars.event_ics(event, with_join_link=False).decode()
    assert "DTSTART:20261103T170000Z" in hidden
    assert "secret-room-42" not in hidden
    assert "secret-room-42" in calendars.event_ics(event, with_join_link=True).decode()


def test_site_search_never_shows_a_members_only_event_to_anonymous_people(client):
    EventFactory(title="Closed exchange zebrafinch")
    assert "Closed exchange" not in client.get("/search/?q=zebrafinch").content.decode()
