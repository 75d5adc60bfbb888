"""Factories for trainings tests: events (published, members-only by default) and registrations."""

from datetime import timedelta

import factory
from django.utils import timezone

from forum.rendering import render_markdown
from trainings.models import Event, EventFormat, EventKind, Registration, RegistrationStatus, Visibility


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = EventKind.WEBINAR
    title = factory.Sequence(lambda n: f"Interviewing survivors, session {n}")
    description = "Bring **questions** from your cases."
    description_html = factory.LazyAttribute(lambda o: render_markdown(o.description))
    format = EventFormat.VIRTUAL
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    time_zone = "America/New_York"
    join_url = "https://meet.example.org/secret-room-42"
    capacity = 20
    questions = factory.LazyFunction(lambda: ["Accessibility needs"])
    visibility = Visibility.MEMBERS
    is_published = True


def public_event(**extra):
    return EventFactory(visibility=Visibility.PUBLIC, **extra)


def registered(event, member, status=RegistrationStatus.REGISTERED, position=None):
    """A registration row made directly (not through the service), with the seat counted."""
    row = Registration.objects.create(event=event, member=member, status=status, position=position)
    if status == RegistrationStatus.REGISTERED:
        Event.objects.filter(pk=event.pk).update(registered_count=event.registered_count + 1)
        event.registered_count += 1
    return row
