"""Reminders one day and one hour before an event, each sent at most once per registration.

The scheduler runs this every few minutes; with two scheduler processes both may run it.
A reminder is claimed by inserting its ``ReminderSent`` row first: the unique key lets
exactly one process insert it, and only that one sends. A reminder whose email then fails
is not retried (at most once, as promised; a duplicate reminder is worse than a lost one).
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from trainings import notifications
from trainings.models import Registration, RegistrationStatus, ReminderKind, ReminderSent

logger = logging.getLogger(__name__)

# (kind, how long before the start it is due, the words in its subject)
SCHEDULE = [
    (ReminderKind.DAY, timedelta(days=1), "one day"),
    (ReminderKind.HOUR, timedelta(hours=1), "one hour"),
]


def due_registrations(kind: str, lead: timedelta, now):
    """Registered attendees of published events starting within ``lead`` who have not had this reminder.

    The day reminder is skipped for someone who registered inside the last hour before the
    start (the hour reminder covers them); it is not sent late once the hour one is due.
    """
    sent = ReminderSent.objects.filter(registration=OuterRef("pk"), kind=kind)
    due = Registration.objects.filter(
        status=RegistrationStatus.REGISTERED,
        event__is_published=True,
        event__starts_at__gt=now,
        event__starts_at__lte=now + lead,
    ).filter(~Exists(sent))
    if kind == ReminderKind.DAY:
        due = due.filter(event__starts_at__gt=now + timedelta(hours=1))
    return due.select_related("event", "member").order_by("event__starts_at", "pk")


def claim(registration: Registration, kind: str) -> bool:
    """True when this process wrote the marker, so it alone sends the reminder."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(registration=registration, kind=kind)
    except IntegrityError:
        return False
    return True


def send_due_reminders(now=None) -> int:
    now = now or timezone.now()
    sent = 0
    for kind, lead, words in SCHEDULE:
        for registration in due_registrations(kind, lead, now):
            if not claim(registration, kind):
                continue
            try:
                notifications.send_reminder(registration, words)
            except Exception:
                logger.exception("Reminder %s for registration %s was not sent.", kind, registration.pk)
                continue
            sent += 1
    return sent
