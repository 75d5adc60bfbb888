"""TTA data: assessment cycles, needs assessments and their revisions, requests, matches, peer exchanges.

Ratings are rows (one per practice area or phase Term) rather than JSON so the
dashboard can aggregate them in SQL. A request's every change is a RequestEvent,
so its timeline is one ordered query.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from taxonomy.models import Facet

RATING = [MinValueValidator(1), MaxValueValidator(5)]
MAX_TEXT = 5000
# An assessment rates capacity and priority for every current term of these facets.
RATED_FACETS = (Facet.PRACTICE_AREA, Facet.PHASE)
# A request's topic is a current term of one of these.
REQUEST_TOPIC_FACETS = (Facet.PRACTICE_AREA, Facet.PHASE, Facet.TRAFFICKING_TYPE)


class Delivery(models.TextChoices):
    ON_SITE = "on_site", "On-site"
    VIRTUAL = "virtual", "Virtual"
    PEER_EXCHANGE = "peer_exchange", "Peer exchange"
    WRITTEN = "written", "Written resources"


class CycleQuerySet(models.QuerySet):
    def open_now(self):
        return self.filter(is_open=True).order_by("-opens", "-pk")


class Cycle(models.Model):
    """An assessment round, e.g. "2026"; staff open and close it."""

    name = models.CharField(max_length=80, unique=True)
    opens = models.DateField()
    closes = models.DateField()
    is_open = models.BooleanField(default=False)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-opens", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gte=models.F("opens")), name="cycle_closes_after_opens"
            )
        ]

    def __str__(self):
        return self.name


class NeedsAssessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    task_force = models.ForeignKey("members.TaskForce", on_delete=models.CASCADE, related_name="assessments")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    preferred_delivery = models.JSONField(default=list, blank=True)
    audiences = models.ManyToManyField("taxonomy.Term", blank=True, related_name="+")
    context = models.TextField(max_length=MAX_TEXT, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-cycle__opens", "task_force__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["task_force", "cycle"],
                condition=Q(status="submitted"),
                name="one_submitted_assessment_per_cycle",
            )
        ]

    def __str__(self):
        return f"{self.task_force} · {self.cycle}"

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED

    def get_preferred_delivery_display(self):
        labels = dict(Delivery.choices)
        return [labels[value] for value in self.preferred_delivery if value in labels]


class AreaRating(models.Model):
    """Capacity and priority of need for one practice area or phase; blank while a draft is partway."""

    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="ratings")
    term = models.ForeignKey("taxonomy.Term", on_delete=models.PROTECT, related_name="+")
    capacity = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    priority = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "term"], name="one_rating_per_area"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1, capacity__lte=5),
                name="capacity_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(priority__isnull=True) | Q(priority__gte=1, priority__lte=5),
                name="priority_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.term_id}: capacity {self.capacity}, priority {self.priority}"


class AssessmentRevision(models.Model):
    """A snapshot of the assessment each time it is saved, so later changes never erase earlier answers."""

    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=NeedsAssessment.Status.choices)
    snapshot = models.JSONField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="unique_revision_number")
        ]

    def __str__(self):
        return f"Revision {self.number} of {self.assessment_id}"


class RequestStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ASSIGNED = "assigned", "Assigned"
    MATCHED = "matched", "Matched"
    SCHEDULED = "scheduled", "Scheduled"
    DELIVERED = "delivered", "Delivered"
    CLOSED = "closed", "Closed"
    DECLINED = "declined", "Declined"


# A request in one of these is finished: no service target, never overdue.
FINISHED_STATUSES = frozenset({RequestStatus.CLOSED, RequestStatus.DECLINED})


class Urgency(models.TextChoices):
    LOW = "low", "Low: within a few months"
    NORMAL = "normal", "Normal: within a month or two"
    HIGH = "high", "High: within two weeks"


class TTARequestQuerySet(models.QuerySet):
    def in_queue_order(self):
        """Open requests first, the most urgent and then the oldest first; finished ones last,
        the most recently finished first."""
        finished = models.Case(
            models.When(status__in=FINISHED_STATUSES, then=models.Value(1)),
            default=models.Value(0),
        )
        urgency = models.Case(
            models.When(status__in=FINISHED_STATUSES, then=models.Value(0)),
            models.When(urgency=Urgency.HIGH, then=models.Value(0)),
            models.When(urgency=Urgency.NORMAL, then=models.Value(1)),
            default=models.Value(2),
        )
        # Null for finished requests, so they fall through to the most recently changed first.
        filed = models.Case(
            models.When(status__in=FINISHED_STATUSES, then=models.Value(None)),
            default=models.F("created_at"),
            output_field=models.DateTimeField(),
        )
        return self.alias(queue_finished=finished, queue_urgency=urgency, queue_filed=filed).order_by(
            "queue_finished", "queue_urgency", "queue_filed", "-status_changed_at", "pk"
        )

    def new_to(self, user):
        """Open requests filed since this staff member last opened the queue (all open ones if never)."""
        seen = StaffQueueVisit.objects.filter(user=user).values("seen_at")[:1]
        unseen = self.exclude(status__in=FINISHED_STATUSES)
        return unseen.filter(models.Q(created_at__gt=models.Subquery(seen)) | ~models.Exists(seen))


class TTARequest(models.Model):
    task_force = models.ForeignKey("members.TaskForce", on_delete=models.CASCADE, related_name="tta_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="tta_requests"
    )
    # Copied so the request keeps its author's name after account deletion.
    requester_name = models.CharField(max_length=150, blank=True)
    topic = models.ForeignKey("taxonomy.Term", on_delete=models.PROTECT, related_name="+")
    audience = models.ForeignKey(
        "taxonomy.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(max_length=MAX_TEXT)
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    preferred_from = models.DateField(null=True, blank=True)
    preferred_to = models.DateField(null=True, blank=True)
    format = models.CharField(max_length=16, choices=Delivery.choices, default=Delivery.VIRTUAL)
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    decline_reason = models.TextField(max_length=2000, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tta_assigned",
    )
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # The training event that fulfils the request ("fulfil by event"): its id in trainings, with
    # its title and address copied, as a Match keeps a resource's. Not a foreign key: tta and
    # trainings share a layer and tta knows events only through tta.training_events.
    fulfilled_by_event = models.PositiveIntegerField(null=True, blank=True)
    fulfilled_by_title = models.CharField(max_length=300, blank=True)
    fulfilled_by_url = models.CharField(max_length=500, blank=True)

    objects = TTARequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "status_changed_at"])]

    def __str__(self):
        return f"TTA request #{self.pk}: {self.topic}"


class InternalNote(models.Model):
    """Staff-only working notes on a request; requesters never see them."""

    request = models.ForeignKey(TTARequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    text = models.TextField(max_length=MAX_TEXT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note by {self.author_name}"


class RequestEvent(models.Model):
    """One change to a request, in order: the timeline."""

    class Kind(models.TextChoices):
        FILED = "filed", "Filed"
        STATUS = "status", "Status changed"
        ASSIGNED = "assigned", "Assigned"
        DUE = "due", "Due date set"
        NOTE = "note", "Internal note added"
        MATCH = "match", "Match changed"
        EXCHANGE = "exchange", "Peer exchange"
        FULFILLED = "fulfilled", "Fulfilled by an event"

    request = models.ForeignKey(TTARequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    # Internal events (notes, staff-side match decisions) are left off the requester's timeline.
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class ServiceTarget(models.Model):
    """How many days a request may sit in a status before it shows as overdue."""

    status = models.CharField(max_length=16, choices=RequestStatus.choices, unique=True)
    days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(365)])

    def __str__(self):
        return f"{self.get_status_display()}: {self.days} days"


class Match(models.Model):
    """A proposed piece of help for a request or an assessment need, with the matcher's reason."""

    class Kind(models.TextChoices):
        RESOURCE = "resource", "Resource"
        PRACTICE = "practice", "Practice"
        PEER_TASK_FORCE = "peer_task_force", "Peer task force"
        PEER_MEMBER = "peer_member", "Peer member"
        EVENT = "event", "Training event"

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    request = models.ForeignKey(
        TTARequest, null=True, blank=True, on_delete=models.CASCADE, related_name="matches"
    )
    assessment = models.ForeignKey(
        NeedsAssessment, null=True, blank=True, on_delete=models.CASCADE, related_name="matches"
    )
    need = models.ForeignKey(
        "taxonomy.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # "resource:42", "task_force:7", "member:19": unique per request or need.
    target_key = models.CharField(max_length=120)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    peer_task_force = models.ForeignKey(
        "members.TaskForce", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    peer_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(default=0)
    reason = models.CharField(max_length=500)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED)
    added_by_staff = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "kind", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=False, assessment__isnull=True)
                | Q(request__isnull=True, assessment__isnull=False, need__isnull=False),
                name="match_for_request_or_need",
            ),
            models.UniqueConstraint(
                fields=["request", "target_key"],
                condition=Q(request__isnull=False),
                name="one_match_per_request_target",
            ),
            models.UniqueConstraint(
                fields=["assessment", "need", "target_key"],
                condition=Q(assessment__isnull=False),
                name="one_match_per_need_target",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class PeerExchange(models.Model):
    """A call or visit between two task forces; it goes ahead once both coordinators accept."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Waiting for both coordinators"
        AGREED = "agreed", "Agreed by both"
        DECLINED = "declined", "Declined"

    match = models.ForeignKey(
        Match, null=True, blank=True, on_delete=models.SET_NULL, related_name="exchanges"
    )
    seeking = models.ForeignKey("members.TaskForce", on_delete=models.CASCADE, related_name="+")
    host = models.ForeignKey("members.TaskForce", on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey("taxonomy.Term", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(max_length=2000, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    seeking_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    host_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED)
    created_at = models.DateTimeField(default=timezone.now)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Copied so the other side still reads who declined after an account is deleted.
    declined_by_name = models.CharField(max_length=150, blank=True)
    declined_side = models.CharField(max_length=8, blank=True)  # "seeking" or "host"
    decline_reason = models.TextField(max_length=2000, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(seeking=models.F("host")), name="exchange_two_task_forces"),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""), name="exchange_decline_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.seeking_id} with {self.host_id}"


class PublicFigure(models.Model):
    """A dashboard figure staff have marked public: shown, aggregated and with small counts suppressed,
    on the TTA figures page anyone can read. A figure without a row, or with is_public off, stays staff-only.
    """

    slug = models.SlugField(max_length=60, unique=True)
    is_public = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.slug}: {'public' if self.is_public else 'staff only'}"


class StaffQueueVisit(models.Model):
    """When a member of TTA staff last opened the request queue: requests filed since are "new" to them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.user_id} saw the queue at {self.seen_at:%Y-%m-%d %H:%M}"
