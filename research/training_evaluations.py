"""The "training evaluations" platform export: attendance and evaluations, pseudonymised, small groups out.

One row per registered attendee of a finished, published training event (registered, not
waitlisted; attendance marked). Nothing identifies a person or an event:

- a member is a keyed pseudonym (HMAC-SHA256 of their primary key under
  ``RESEARCH_PSEUDONYM_KEY``): stable across versions, so a researcher can follow one person
  over several trainings, but not reversible without the key, which never leaves the site;
- an event is only its month, format, kind and topics: no title, date, place or number;
- groups of fewer than 5 people sharing the same month, format, kind and topics are left
  out, and in a group where fewer than 5 evaluated, everyone's evaluation columns are blank
  (so a small group's answers cannot be singled out; the notebook sees "withheld").

Read-only use of the trainings models, like ``research.exports`` for tta and forum.
"""

import hashlib
import hmac
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from research.conf import setting

THRESHOLD = 5
HEADER = [
    "member",
    "month",
    "format",
    "kind",
    "topics",
    "hours",
    "attended",
    "evaluated",
    "reaction",
    "questions",
    "correct_before",
    "correct_after",
]


def _key() -> bytes:
    configured = setting("RESEARCH_PSEUDONYM_KEY")
    if configured:
        return str(configured).encode()
    # Derived, not SECRET_KEY itself, so the pseudonym key cannot be used for anything else.
    return hashlib.sha256(f"research.pseudonym:{settings.SECRET_KEY}".encode()).digest()


def pseudonym(member_pk: int) -> str:
    digest = hmac.new(_key(), f"member:{member_pk}".encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:16]}"


def _rows():
    from trainings.models import EvaluationResponse, Registration, RegistrationStatus

    registrations = list(
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            attended__isnull=False,
            event__is_published=True,
            event__ends_at__lte=timezone.now(),
        )
        .select_related("event")
        .prefetch_related("event__topics")
        .order_by("event__starts_at", "event_id", "pk")
    )
    event_ids = {r.event_id for r in registrations}
    responses = {
        (r.event_id, r.member_id): r
        for r in EvaluationResponse.objects.filter(event_id__in=event_ids).annotate(
            answered=Count("answers"),
            right_before=Count("answers", filter=Q(answers__before_correct=True)),
            right_after=Count("answers", filter=Q(answers__after_correct=True)),
        )
    }
    rows = []
    for registration in registrations:
        event = registration.event
        response = responses.get((event.pk, registration.member_id)) if registration.attended else None
        rows.append(
            {
                "member": pseudonym(registration.member_id),
                "month": event.starts_at.strftime("%Y-%m"),
                "format": event.format,
                "kind": event.kind,
                "topics": ";".join(sorted(term.slug for term in event.topics.all())),
                "hours": round((event.ends_at - event.starts_at).total_seconds() / 3600, 2),
                "attended": str(bool(registration.attended)).lower(),
                "evaluated": str(response is not None).lower(),
                "reaction": response.reaction if response else "",
                "questions": response.answered if response else "",
                "correct_before": response.right_before if response else "",
                "correct_after": response.right_after if response else "",
            }
        )
    return rows


def suppress(rows: list[dict]) -> list[dict]:
    """Drop groups of fewer than 5 people; blank the evaluations where fewer than 5 of a group evaluated."""
    groups = defaultdict(list)
    for row in rows:
        groups[(row["month"], row["format"], row["kind"], row["topics"])].append(row)
    kept = []
    for members in groups.values():
        if len({row["member"] for row in members}) < THRESHOLD:
            continue
        if sum(row["evaluated"] == "true" for row in members) < THRESHOLD:
            for row in members:
                row.update(evaluated="", reaction="", questions="", correct_before="", correct_after="")
        kept.extend(members)
    # A fixed order (group, then pseudonym) that says nothing about when anyone registered.
    return sorted(kept, key=lambda r: (r["month"], r["format"], r["kind"], r["topics"], r["member"]))


def training_evaluations_rows():
    rows = suppress(_rows())
    return HEADER, [[row[name] for name in HEADER] for row in rows]
