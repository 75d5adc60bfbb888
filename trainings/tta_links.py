"""What trainings tells TTA about events: upcoming events on a topic, one event for "fulfil by
event", and trainings delivered and attended by task force and by region.

tta and trainings sit in the same layer, so neither imports the other. The project names this
module in ``settings.TTA_TRAINING_EVENTS``; tta loads it by name (``tta.training_events``),
as search loads the taxonomy. It hands back plain values (``EventSummary``, dicts), never a
model instance, so tta depends on nothing here but these functions. No function here returns
a join link: TTA pages and emails never carry one.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from trainings.models import Event, Registration

# How far back "fulfil by event" offers events: a request is often fulfilled by one just held.
CHOICES_DAYS_BACK = 365
CHOICES_LIMIT = 50


@dataclass(frozen=True)
class EventSummary:
    pk: int
    title: str
    url: str
    kind_label: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    seats_left: int
    is_public: bool

    def has_ended(self, now=None) -> bool:
        return (now or timezone.now()) >= self.ends_at

    @property
    def local_start(self) -> datetime:
        return timezone.localtime(self.starts_at, zoneinfo.ZoneInfo(self.time_zone))


def _summary(event: Event) -> EventSummary:
    return EventSummary(
        pk=event.pk,
        title=event.title,
        url=reverse("trainings:event", args=[event.pk]),
        kind_label=event.get_kind_display(),
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        time_zone=event.time_zone,
        seats_left=event.seats_left,
        is_public=event.is_public,
    )


_FIELDS = ("pk", "title", "kind", "starts_at", "ends_at", "time_zone", "capacity", "registered_count")


def _listed():
    # Published events only, public or members-only: every TTA requester is a member, and an
    # unpublished draft is nobody's to be sent to.
    return Event.objects.published().only(*_FIELDS, "visibility")


def upcoming_on_topic(term_id: int, *, now=None, limit: int = 5) -> list[EventSummary]:
    """Published events on the topic that have not started and still take registrations, soonest first."""
    now = now or timezone.now()
    events = (
        _listed()
        .filter(topics=term_id, starts_at__gt=now)
        .filter(Q(registration_deadline__isnull=True) | Q(registration_deadline__gt=now))
        .order_by("starts_at", "pk")[:limit]
    )
    return [_summary(event) for event in events]


def events_for_topic(term_id: int, *, now=None) -> list[EventSummary]:
    """What "fulfil by event" offers for a request on this topic: published events on it, from a
    year back to any time ahead, soonest first."""
    since = (now or timezone.now()) - timedelta(days=CHOICES_DAYS_BACK)
    events = _listed().filter(topics=term_id, ends_at__gt=since).order_by("starts_at", "pk")
    return [_summary(event) for event in events[:CHOICES_LIMIT]]


def event(event_id) -> EventSummary | None:
    """One published event by id, or None (unknown, unpublished, or not a number)."""
    text = str(event_id)
    # ASCII digits only ("١٢" is a digit to Python), and no more than a database id can hold.
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        return None
    found = _listed().filter(pk=int(text)).first()
    return _summary(found) if found else None


def _attended(now):
    return Registration.objects.filter(attended=True, event__ends_at__lte=now)


def delivered_by_task_force(now=None) -> list[dict]:
    """Per task force with attendees: trainings delivered to it (ended events where at least one
    of its members attended) and its attendees (people, each counted once). No person's name."""
    rows = (
        _attended(now or timezone.now())
        .values("member__task_force_id", "member__task_force__name", "member__task_force__region")
        .annotate(
            trainings=Count("event_id", distinct=True),
            attendees=Count("member_id", distinct=True),
        )
        .order_by("-trainings", "member__task_force__name")
    )
    return [
        {
            "task_force": row["member__task_force__name"] or "No task force",
            "region": row["member__task_force__region"],
            "trainings": row["trainings"],
            "attendees": row["attendees"],
        }
        for row in rows
    ]


def delivered_by_region(now=None) -> list[dict]:
    """Per federal region (None: members without a task force): trainings delivered there and attendees."""
    rows = (
        _attended(now or timezone.now())
        .values("member__task_force__region")
        .annotate(
            trainings=Count("event_id", distinct=True),
            attendees=Count("member_id", distinct=True),
        )
        .order_by("member__task_force__region")
    )
    return [
        {
            "region": row["member__task_force__region"],
            "trainings": row["trainings"],
            "attendees": row["attendees"],
        }
        for row in rows
    ]
