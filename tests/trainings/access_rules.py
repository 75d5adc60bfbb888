"""Expected responses for trainings URLs in the access matrix (tests/test_access_matrix.py), and their URLs.

An event URL is a callable(users) that makes the event it needs inside the test's savepoint.
A members-only event, or a draft, is a 404 for whoever may not see it: its existence is never
revealed. Staff pages are 403 for members who are not staff, then 404 for an event the
person does not manage (an editor and a members-only event).
"""

from datetime import timedelta

from django.utils import timezone

from tests import access_rules as rules
from tests.factories import ROLES

SEES_MEMBERS_ONLY = {**dict.fromkeys(ROLES, 200), "anonymous": 404, "pending": 404}
DRAFT = {**dict.fromkeys(ROLES, 404), "editor": 200, "tta_staff": 200, "superuser": 200}
EVENT_STAFF = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": rules.LOGIN,
    "pending": rules.PENDING,
    "editor": 200,
    "tta_staff": 200,
    "superuser": 200,
}
MEMBERS_ONLY_EVENT_STAFF = {**EVENT_STAFF, "editor": 404}
POST_ONLY = dict.fromkeys(ROLES, 405)
TOKEN_HOLDER = rules.PUBLIC  # the token is the credential: calendar apps send no cookies
NOT_FOUND = dict.fromkeys(ROLES, 404)


def event_url(path, *, visibility="public", published=True):
    """A callable giving ``path`` formatted with the pk of an event of that kind."""

    def build(users):
        from trainings.models import Event

        start = timezone.now() + timedelta(days=5)
        event, _ = Event.objects.get_or_create(
            title=f"Matrix {visibility} {'published' if published else 'draft'}",
            defaults={
                "starts_at": start,
                "ends_at": start + timedelta(hours=1),
                "visibility": visibility,
                "is_published": published,
                "join_url": "https://meet.example.org/matrix",
            },
        )
        return path.format(event=event.pk)

    return build


def personal_feed(users):
    from trainings.preferences import preference_for

    return f"/trainings/feed/{preference_for(users['member']).calendar_token}.ics"


# Training records and certificates (trainings.records): each member sees only their own.
OWN_CERTIFICATE = {
    **dict.fromkeys(ROLES, 404),  # not attended: nothing to issue, and nothing said about why
    "anonymous": rules.LOGIN,
    "pending": rules.PENDING,
    "member": 200,
}


def _attended_ended_event(users, visibility):
    from trainings.models import Registration, RegistrationStatus

    event = _ended_event(visibility)
    Registration.objects.get_or_create(
        event=event,
        member=users["member"],
        defaults={"status": RegistrationStatus.REGISTERED, "attended": True},
    )
    return event


def _ended_event(visibility):
    from trainings.models import Event

    end = timezone.now() - timedelta(days=1)
    event, _ = Event.objects.get_or_create(
        title=f"Matrix ended {visibility}",
        defaults={
            "starts_at": end - timedelta(hours=2),
            "ends_at": end,
            "visibility": visibility,
            "is_published": True,
        },
    )
    return event


def member_certificate(visibility="public"):
    """The certificate URL of an ended event that ``users['member']`` attended (nobody else did)."""

    def build(users):
        return f"/trainings/record/certificates/event:{_attended_ended_event(users, visibility).pk}.pdf"

    return build


# Evaluations: the form is for an attendee of the ended event (the matrix's "member"); every
# other member, staff included, is told no (403); anonymous users log in, pending ones wait.
NOT_AN_ATTENDEE = {**dict.fromkeys(ROLES, 403), "anonymous": rules.LOGIN, "pending": rules.PENDING}
ATTENDEE = {**NOT_AN_ATTENDEE, "member": 200}


def attended_event_url(path):
    """``path`` for a public event that ended yesterday, which the matrix's "member" attended."""

    def build(users):
        from trainings.models import Event, Registration, RegistrationStatus

        start = timezone.now() - timedelta(days=1)
        event, _ = Event.objects.get_or_create(
            title="Matrix attended event",
            defaults={"starts_at": start, "ends_at": start + timedelta(hours=1), "visibility": "public",
                      "is_published": True},
        )  # fmt: skip
        Registration.objects.get_or_create(
            event=event,
            member=users["member"],
            status=RegistrationStatus.REGISTERED,
            defaults={"attended": True},
        )
        return path.format(event=event.pk)

    return build


def genuine_verification(users):
    from trainings.records.certificates import certificate_for

    event = _attended_ended_event(users, "members")
    return f"/trainings/verify/{certificate_for(users['member'], f'event:{event.pk}').code}/"


# A guessed event for a page behind members_only: log in, wait, then 404 for every member.
MISSING_FOR_MEMBERS = {**dict.fromkeys(ROLES, 404), "anonymous": rules.LOGIN, "pending": rules.PENDING}
