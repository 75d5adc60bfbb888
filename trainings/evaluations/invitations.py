"""The email inviting each attendee to evaluate an event, sent once after the event ends.

The scheduler runs this every few minutes; with two scheduler processes both may run it.
As with reminders (``trainings.reminders``), an invitation is claimed by inserting its
``EvaluationInvite`` row first: the unique key lets exactly one process insert it, and only
that one sends. A failed email is not retried: a duplicate is worse than a lost invitation.
Only events that ended in the last ``WINDOW`` are considered, so attendance marked late
still gets its invitation, and an old event marked today does not.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from trainings.evaluations.models import EvaluationInvite, EvaluationResponse
from trainings.models import Registration, RegistrationStatus

logger = logging.getLogger(__name__)

WINDOW = timedelta(days=14)


def due_invitations(now):
    """Attendees of published events that ended within the window, not yet invited or responded."""
    invited = EvaluationInvite.objects.filter(registration=OuterRef("pk"))
    responded = EvaluationResponse.objects.filter(event=OuterRef("event"), member=OuterRef("member"))
    return (
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            attended=True,
            event__is_published=True,
            event__ends_at__lte=now,
            event__ends_at__gt=now - WINDOW,
        )
        .filter(~Exists(invited), ~Exists(responded))
        .select_related("event", "member")
        .order_by("event__ends_at", "pk")
    )


def claim(registration: Registration) -> bool:
    """True when this process wrote the marker, so it alone sends the invitation."""
    try:
        with transaction.atomic():
            EvaluationInvite.objects.create(registration=registration)
    except IntegrityError:
        return False
    return True


def send_invitation(registration: Registration) -> None:
    event = registration.event
    body = render_to_string(
        "trainings/evaluations/email/invitation.txt",
        {
            "event": event,
            "member": registration.member,
            "evaluation_url": settings.SITE_URL + reverse("trainings:evaluations:evaluate", args=[event.pk]),
        },
    )
    EmailMessage(f"How was it? Evaluate: {event.title}", body, None, [registration.member.email]).send()


def send_due_invitations(now=None) -> int:
    now = now or timezone.now()
    sent = 0
    for registration in due_invitations(now):
        if not claim(registration):
            continue
        try:
            send_invitation(registration)
        except Exception:
            logger.exception("Evaluation invitation for registration %s was not sent.", registration.pk)
            continue
        sent += 1
    return sent
