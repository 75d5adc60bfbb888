"""Events, registrations, members' calendar preferences and the reminder markers.

Times are stored in UTC (``USE_TZ``); each event also keeps the IANA name of its own
time zone, so its page can say "10:00 in Phoenix" whatever the viewer's zone is.
``Event.registered_count`` is the number of seats taken; it is only changed by
``trainings.registration`` while the event row is locked, so the capacity check and
the seat it protects are one decision.
"""

import secrets
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


def validate_time_zone(name: str) -> None:
    if name not in available_time_zones():
        raise ValidationError(f"{name!r} is not a known time zone (an IANA name such as America/Chicago).")


def available_time_zones() -> frozenset[str]:
    return _ZONES


_ZONES = frozenset(zoneinfo.available_timezones())


class EventKind(models.TextChoices):
    WEBINAR = "webinar", "Webinar"
    IN_PERSON_TRAINING = "in_person_training", "In-person training"
    PEER_EXCHANGE = "peer_exchange", "Peer exchange"
    CONFERENCE_SESSION = "conference_session", "Conference session"


class EventFormat(models.TextChoices):
    VIRTUAL = "virtual", "Virtual"
    IN_PERSON = "in_person", "In person"
    HYBRID = "hybrid", "Hybrid"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: listed to everyone, registration for members"
    MEMBERS = "members", "Members only: absent from every anonymous page and feed"


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def upcoming(self, now=None):
        return self.filter(ends_at__gt=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        return self.filter(ends_at__lte=now or timezone.now()).order_by("-starts_at", "-pk")

    def with_terms(self):
        return self.prefetch_related("topics", "audiences")


class Event(models.Model):
    kind = models.CharField(max_length=32, choices=EventKind.choices, default=EventKind.WEBINAR)
    title = models.CharField(max_length=200)
    # Markdown as typed, and its sanitised HTML (forum.rendering), rendered once on save.
    description = models.TextField(max_length=20000, blank=True)
    description_html = models.TextField(blank=True, editable=False)
    materials = models.TextField(
        max_length=20000, blank=True, help_text="Slides, recordings and handouts, as Markdown links."
    )
    materials_html = models.TextField(blank=True, editable=False)
    topics = models.ManyToManyField("taxonomy.Term", blank=True, related_name="training_events")
    audiences = models.ManyToManyField("taxonomy.Term", blank=True, related_name="training_events_for")
    format = models.CharField(max_length=16, choices=EventFormat.choices, default=EventFormat.VIRTUAL)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[validate_time_zone])
    location = models.CharField(max_length=300, blank=True)
    # Shown only to registered attendees and the event's staff (trainings.access.can_see_join_link).
    join_url = models.URLField("join link", max_length=500, blank=True)
    capacity = models.PositiveIntegerField(default=50)
    # Hours a certificate of attendance carries (trainings.records); empty: the event's length.
    credit_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("500"))],
        help_text="Hours of training a certificate of attendance carries. Empty: the event's length.",
    )
    registration_deadline = models.DateTimeField(null=True, blank=True)
    # The event's own questions, one label each (e.g. "Accessibility needs"); answers are optional.
    questions = models.JSONField(default=list, blank=True)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.MEMBERS)
    is_published = models.BooleanField(default=False)
    registered_count = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["is_published", "visibility", "ends_at"], name="trainings_event_listing")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="trainings_event_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="trainings_event_capacity_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.registered_count, 0)

    def has_started(self, now=None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def has_ended(self, now=None) -> bool:
        return (now or timezone.now()) >= self.ends_at


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", "Registered"
    WAITLISTED = "waitlisted", "Waitlisted"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_registrations"
    )
    status = models.CharField(max_length=16, choices=RegistrationStatus.choices)
    # Order on the waitlist (1 is next); kept after promotion, so the roster shows who came from it.
    position = models.PositiveIntegerField(null=True, blank=True)
    # {question label: answer}, for the event's own questions only (trainings.registration.clean_answers).
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Marked by staff once the event has started (trainings.attendance); None until then.
    attended = models.BooleanField(null=True, blank=True)
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"],
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name="trainings_one_active_registration",
            )
        ]
        indexes = [models.Index(fields=["event", "status", "position"], name="trainings_reg_waitlist")]

    def __str__(self):
        return f"{self.member_id} at {self.event_id}: {self.status}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class MemberPreference(models.Model):
    """A member's time zone and the secret of their personal calendar feed.

    Owned by trainings rather than added to ``members.User``: only trainings reads them,
    and the layering keeps members below trainings, so members needs no migration for them.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_preference"
    )
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[validate_time_zone])
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    def __str__(self):
        return f"{self.user_id}: {self.time_zone}"


class ReminderKind(models.TextChoices):
    DAY = "day", "One day before"
    HOUR = "hour", "One hour before"


class ReminderSent(models.Model):
    """Written before a reminder is sent; the unique key makes a second scheduler's attempt fail."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=8, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="trainings_one_reminder_each")
        ]

    def __str__(self):
        return f"{self.kind} reminder for registration {self.registration_id}"


# Evaluations live in their own package but are models of this app (same migrations).
from trainings.evaluations.models import (  # noqa: E402, F401
    EvaluationAnswer,
    EvaluationInvite,
    EvaluationQuestion,
    EvaluationResponse,
)
from trainings.modules.models import Module, ModuleCompletion, QuizQuestion  # noqa: E402, F401  (registers them)

# Check-in codes and certificates live in trainings.records; imported here so they are this app's models.
from trainings.records.models import Certificate, CheckInCode  # noqa: E402, F401
