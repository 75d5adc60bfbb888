"""Registering, cancelling and the waitlist: one typed function per action.

Each action locks the event row first (``select_for_update``), so the capacity check and
the seat it grants are one decision: two members taking the last seat at once queue on
the lock and exactly one gets it. On SQLite ``select_for_update`` is a no-op, but
config.settings opens every transaction with ``BEGIN IMMEDIATE``, so a second writer
waits for the first to commit before it reads the count at all.

Emails are sent after the commit (``transaction.on_commit``), so a rolled-back seat is
never announced.
"""

from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from config.errors import Conflict, NotPermitted, ServiceError
from trainings import access, notifications
from trainings.models import ACTIVE_STATUSES, Event, Registration, RegistrationStatus

MAX_ANSWER_LENGTH = 1000


class RegistrationClosed(ServiceError):
    """Registration (or cancelling) is not open for this event any more."""


def clean_answers(event: Event, answers: dict | None) -> dict:
    """Answers to the event's own questions only, trimmed; anything else is refused."""
    answers = answers or {}
    unknown = set(answers) - set(event.questions)
    if unknown:
        raise ServiceError("That answer is for a question this event does not ask.", field="answers")
    cleaned = {}
    for label in event.questions:
        value = str(answers.get(label) or "").strip()
        if len(value) > MAX_ANSWER_LENGTH:
            raise ServiceError(f"Please keep each answer under {MAX_ANSWER_LENGTH} characters.", field=label)
        if value:
            cleaned[label] = value
    return cleaned


def _locked_event(event_id) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


def register(event: Event, member, answers: dict | None = None, *, now=None) -> Registration:
    """A seat if one is free, else the next place on the waitlist. Emails the confirmation."""
    if not access.can_register(member):
        raise NotPermitted("Only approved members can register for trainings.")
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked_event(event.pk)
        if not access.can_view_event(member, event) or not event.is_published:
            raise NotPermitted("This event is not open for registration.")
        if event.has_started(now):
            raise RegistrationClosed("This event has already started; registration is closed.")
        if event.registration_deadline and now > event.registration_deadline:
            raise RegistrationClosed("The registration deadline for this event has passed.")
        existing = (
            Registration.objects.filter(event=event, member=member, status__in=ACTIVE_STATUSES)
            .values_list("status", flat=True)
            .first()
        )
        if existing == RegistrationStatus.REGISTERED:
            raise Conflict("You are already registered for this event.")
        if existing == RegistrationStatus.WAITLISTED:
            raise Conflict("You are already on the waitlist for this event.")
        cleaned = clean_answers(event, answers)
        registration = Registration(
            event=event, member=member, answers=cleaned, created_at=now, status_changed_at=now
        )
        if event.registered_count < event.capacity:
            registration.status = RegistrationStatus.REGISTERED
            Event.objects.filter(pk=event.pk).update(registered_count=F("registered_count") + 1)
            event.registered_count += 1
        else:
            registration.status = RegistrationStatus.WAITLISTED
            registration.position = _next_waitlist_position(event)
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            # The partial unique index: a second click that got past the check above.
            raise Conflict("You are already registered for this event.") from None
    registration.event = event
    transaction.on_commit(lambda: notifications.send_confirmation(registration))
    return registration


def _next_waitlist_position(event: Event) -> int:
    last = Registration.objects.filter(event=event).aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def cancel(event: Event, member, *, now=None) -> Registration:
    """Give up a seat or a waitlist place; the first on the waitlist takes a freed seat."""
    if not access.can_register(member):
        raise NotPermitted("Only approved members can cancel a registration.")
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked_event(event.pk)
        registration = Registration.objects.filter(
            event=event, member=member, status__in=ACTIVE_STATUSES
        ).first()
        if registration is None:
            raise Conflict("You have no registration for this event to cancel.")
        if event.has_started(now):
            raise RegistrationClosed(
                "This event has already started; a registration can no longer be cancelled."
            )
        had_seat = registration.status == RegistrationStatus.REGISTERED
        registration.status = RegistrationStatus.CANCELLED
        registration.status_changed_at = now
        registration.save(update_fields=["status", "status_changed_at"])
        if had_seat:
            event.registered_count -= 1
            Event.objects.filter(pk=event.pk).update(registered_count=F("registered_count") - 1)
            _promote_waitlisted(event, now)
    return registration


def _promote_waitlisted(event: Event, now) -> list[Registration]:
    """Fill free seats from the waitlist in order; the event row is locked by the caller."""
    free = event.capacity - event.registered_count
    if free <= 0:
        return []
    promoted = list(
        Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED)
        .select_related("member")
        .order_by("position", "pk")[:free]
    )
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.status_changed_at = now
        registration.save(update_fields=["status", "status_changed_at"])
        registration.event = event
        transaction.on_commit(partial(notifications.send_promotion, registration))
    if promoted:
        event.registered_count += len(promoted)
        Event.objects.filter(pk=event.pk).update(registered_count=F("registered_count") + len(promoted))
    return promoted


def change_capacity(event: Event, capacity: int, *, now=None) -> Event:
    """Set a new capacity under the lock: never below the seats taken; a rise promotes the waitlist."""
    with transaction.atomic():
        locked = _locked_event(event.pk)
        if capacity < 1:
            raise ServiceError("Capacity must be at least 1.", field="capacity")
        if capacity < locked.registered_count:
            raise Conflict(
                f"{locked.registered_count} people are already registered; "
                "capacity cannot be lower than that. Cancel registrations first if the room is smaller.",
                field="capacity",
            )
        locked.capacity = capacity
        Event.objects.filter(pk=locked.pk).update(capacity=capacity)
        _promote_waitlisted(locked, now or timezone.now())
    event.capacity = locked.capacity
    event.registered_count = locked.registered_count
    return event


def active_registration(event: Event, member) -> Registration | None:
    """This member's registered or waitlisted row for the event, or None (anonymous: None)."""
    if not getattr(member, "is_authenticated", False):
        return None
    return Registration.objects.filter(event=event, member=member, status__in=ACTIVE_STATUSES).first()
