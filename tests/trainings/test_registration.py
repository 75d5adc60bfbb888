"""Registering, cancelling and the waitlist, through trainings.registration, with its refusals."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import Conflict, NotPermitted, ServiceError
from tests.trainings.factories import EventFactory, registered
from trainings import registration
from trainings.models import Event, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


def test_a_member_registers_with_one_click_and_gets_a_confirmation_with_the_ics(
    role_user, django_capture_on_commit_callbacks
):
    member = role_user("member")
    event = EventFactory(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        row = registration.register(event, member, {"Accessibility needs": "Captions, please"})
    assert row.status == RegistrationStatus.REGISTERED
    assert row.answers == {"Accessibility needs": "Captions, please"}
    assert Event.objects.get(pk=event.pk).registered_count == 1
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "You are registered" in message.subject
    name, content, mimetype = message.attachments[0]
    assert name == "event.ics" and mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in content
    # A registered attendee's email carries the join link, and the event page through SITE_URL.
    assert "https://meet.example.org/secret-room-42" in message.body
    assert f"{settings.SITE_URL}/trainings/{event.pk}/" in message.body


def test_when_full_members_join_the_waitlist_in_order_and_a_cancel_promotes_the_first(
    role_user, django_capture_on_commit_callbacks
):
    first, second, third, fourth = (role_user("member") for _ in range(4))
    event = EventFactory(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        for member in (first, second, third, fourth):
            registration.register(event, member)
    rows = {r.member_id: r for r in Registration.objects.filter(event=event)}
    assert rows[third.pk].status == RegistrationStatus.WAITLISTED and rows[third.pk].position == 1
    assert rows[fourth.pk].status == RegistrationStatus.WAITLISTED and rows[fourth.pk].position == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration.cancel(event, second)
    assert Registration.objects.get(pk=rows[third.pk].pk).status == RegistrationStatus.REGISTERED
    assert Registration.objects.get(pk=rows[fourth.pk].pk).status == RegistrationStatus.WAITLISTED
    assert Event.objects.get(pk=event.pk).registered_count == 2
    (message,) = mail.outbox
    assert message.to == [third.email] and "seat opened up" in message.subject
    # Waitlisted people's confirmations never carried the join link.


def test_a_waitlisted_confirmation_has_no_join_link(role_user, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    registered(event, role_user("member"))
    with django_capture_on_commit_callbacks(execute=True):
        registration.register(event, role_user("member"))
    (message,) = mail.outbox
    assert "waitlist" in message.subject
    assert "secret-room-42" not in message.body
    assert "secret-room-42" not in message.attachments[0][1]


def test_registering_twice_is_refused(role_user):
    member = role_user("member")
    event = EventFactory(capacity=1)
    registration.register(event, member)
    with pytest.raises(Conflict, match="already registered"):
        registration.register(event, member)
    other = role_user("member")
    registration.register(event, other)
    with pytest.raises(Conflict, match="already on the waitlist"):
        registration.register(event, other)


def test_the_database_refuses_two_active_registrations_for_one_member(role_user):
    member = role_user("member")
    event = EventFactory()
    Registration.objects.create(event=event, member=member, status=RegistrationStatus.CANCELLED)
    Registration.objects.create(event=event, member=member, status=RegistrationStatus.REGISTERED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(event=event, member=member, status=RegistrationStatus.WAITLISTED)


def test_the_database_refuses_an_event_that_ends_before_it_starts():
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(starts_at=start, ends_at=start - timedelta(minutes=1))


def test_registering_after_the_deadline_or_the_start_is_refused(role_user):
    member = role_user("member")
    late = EventFactory(registration_deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(registration.RegistrationClosed, match="deadline"):
        registration.register(late, member)
    started = EventFactory(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(registration.RegistrationClosed, match="started"):
        registration.register(started, member)


def test_cancelling_after_the_start_is_refused(role_user):
    member = role_user("member")
    event = EventFactory()
    registration.register(event, member)
    with pytest.raises(registration.RegistrationClosed, match="started"):
        registration.cancel(event, member, now=event.starts_at + timedelta(minutes=1))


@pytest.mark.parametrize("role", ["pending"])
def test_a_non_member_cannot_register(role, role_user):
    event = EventFactory()
    with pytest.raises(NotPermitted, match="approved members"):
        registration.register(event, role_user(role))
    assert not Registration.objects.exists()


def test_an_unpublished_event_cannot_be_registered_for(role_user):
    with pytest.raises(NotPermitted):
        registration.register(EventFactory(is_published=False), role_user("member"))


def test_an_answer_to_a_question_the_event_does_not_ask_is_refused(role_user):
    with pytest.raises(ServiceError, match="does not ask"):
        registration.register(EventFactory(), role_user("member"), {"Shoe size": "12"})


def test_capacity_cannot_drop_below_the_number_registered(role_user):
    event = EventFactory(capacity=3)
    for _ in range(3):
        registration.register(event, role_user("member"))
    with pytest.raises(Conflict, match="3 people are already registered") as caught:
        registration.change_capacity(event, 2)
    assert caught.value.field == "capacity"
    assert Event.objects.get(pk=event.pk).capacity == 3


def test_raising_capacity_promotes_the_waitlist_in_order(role_user, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    members = [role_user("member") for _ in range(3)]
    for member in members:
        registration.register(event, member)
    with django_capture_on_commit_callbacks(execute=True):
        registration.change_capacity(event, 2)
    statuses = dict(Registration.objects.filter(event=event).values_list("member_id", "status"))
    assert statuses == {
        members[0].pk: RegistrationStatus.REGISTERED,
        members[1].pk: RegistrationStatus.REGISTERED,
        members[2].pk: RegistrationStatus.WAITLISTED,
    }
    assert Event.objects.get(pk=event.pk).registered_count == 2


def test_cancel_then_register_again_is_allowed(role_user):
    member = role_user("member")
    event = EventFactory()
    registration.register(event, member)
    registration.cancel(event, member)
    again = registration.register(event, member)
    assert again.status == RegistrationStatus.REGISTERED
    assert Event.objects.get(pk=event.pk).registered_count == 1
