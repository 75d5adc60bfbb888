"""Attendees checking themselves in with the short code staff show at the event.

Each event has one code, made the first time its staff open the check-in screen. It is
accepted from ``OPENS_BEFORE`` before the start until the end; outside that window, or
when wrong, nothing is recorded. Checking in twice is harmless: the second time changes
nothing. Attempts are rate-limited per member (``count_attempt``, called by the view), so
a code cannot be guessed by trying them all.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from config import ratelimit
from config.errors import NotPermitted, ServiceError
from members import audit
from members.models import AuditEvent
from trainings import access
from trainings.models import Event, Registration, RegistrationStatus
from trainings.records.models import ALPHABET, CHECKIN_CODE_LENGTH, CheckInCode

OPENS_BEFORE = timedelta(minutes=30)
# Ten tries in ten minutes: plenty for typos, and about 1.4 million years to try every code.
ATTEMPTS = (10, 600)
TOO_MANY = (
    "You have tried several check-in codes in a short time. Please wait a few minutes, or ask the staff."
)


def window(event: Event) -> tuple:
    """(opens, closes): when the event's code is accepted."""
    return event.starts_at - OPENS_BEFORE, event.ends_at


def is_open(event: Event, now=None) -> bool:
    opens, closes = window(event)
    return opens <= (now or timezone.now()) < closes


def code_for(event: Event) -> CheckInCode:
    """The event's check-in code, made on first use (for staff only: see ``access.can_run_check_in``)."""
    code, _ = CheckInCode.objects.get_or_create(event=event)
    return code


def normalise(typed: str) -> str:
    """What the person typed, as a code: capitals, spaces and dashes dropped; at most a few characters."""
    return "".join(ch for ch in str(typed)[:40].upper() if ch.isalnum())


def count_attempt(user) -> None:
    """Count one check-in attempt; raises LimitReached past ``ATTEMPTS``."""
    limit, seconds = ATTEMPTS
    ratelimit.hit("trainings:check-in", user.pk, limit=limit, window=seconds, message=TOO_MANY)


def check_in(event: Event, user, typed_code: str, *, now=None) -> bool:
    """Mark ``user`` as having attended ``event``; True if newly marked, False if already so."""
    now = now or timezone.now()
    registration = Registration.objects.filter(
        event=event, member=user, status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED]
    ).first()
    if registration is None:
        raise NotPermitted("Only registered attendees of this event can check in.")
    if not access.can_check_in(user, registration):
        raise ServiceError(
            "You are on the waitlist for this event, so you cannot check in. Please see the staff."
        )
    opens, closes = window(event)
    if now < opens:
        raise ServiceError("Check-in opens 30 minutes before the event starts.", field="code")
    if now >= closes:
        raise ServiceError("Check-in has closed: the event has ended. Please ask the staff.", field="code")
    typed = normalise(typed_code)
    expected = CheckInCode.objects.filter(event=event).values_list("code", flat=True).first()
    valid_shape = len(typed) == CHECKIN_CODE_LENGTH and set(typed) <= set(ALPHABET)
    # compare_digest: the answer takes as long whatever the typed code shares with the real one.
    if not (expected and valid_shape and secrets.compare_digest(typed, expected)):
        raise ServiceError("That is not this event's check-in code. Check it and try again.", field="code")
    if registration.attended:
        return False
    with transaction.atomic():
        marked = Registration.objects.filter(pk=registration.pk).exclude(attended=True)
        changed = marked.update(attended=True, attendance_marked_at=now, attendance_marked_by=user)
        if changed:
            audit.record(
                AuditEvent.Action.ATTENDANCE, actor=user, subject=user, what="checked in", event=event.pk
            )
    return bool(changed)
