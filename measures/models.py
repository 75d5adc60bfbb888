"""Measure sets, reporting periods, reports and their figures.

A reporting period pins the measure-set version it was opened with, so a new version never
changes what an earlier quarter meant. A report keeps each figure exactly as typed (``raw``)
beside its checked whole number (``value``), so a reporter's half-finished or mistyped entry
is never lost between visits. ``Report.version`` rises on every change: staff decisions and
submissions name the version they saw, so two people acting at once cannot overwrite each
other (the second is told, and nothing is lost).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone


class MeasureSet(models.Model):
    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        return f"{self.title} (version {self.version})"


class Measure(models.Model):
    measure_set = models.ForeignKey(MeasureSet, on_delete=models.CASCADE, related_name="measures")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    definition = models.TextField()
    unit = models.CharField(max_length=60, default="count")
    # A sub-measure breaks its parent down: sub-measures may not add up to more than the parent.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="parts")
    # The parts of one breakdown ("type", "age") add up to at most the parent; a part with none
    # (kinds of service, which one victim may get several of) is at most the parent on its own.
    breakdown = models.CharField(max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["measure_set", "code"], name="measures_code_once_per_set")
        ]

    def __str__(self):
        return self.name


class ReportingPeriod(models.Model):
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(choices=[(q, f"Q{q}") for q in range(1, 5)])
    measure_set = models.ForeignKey(MeasureSet, on_delete=models.PROTECT, related_name="periods")
    due_on = models.DateField()
    is_closed = models.BooleanField(default=False)
    # A figure more than this many times (or less than 1/this of) last quarter's asks for a reason.
    change_factor = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("3.00"))

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="measures_one_period_a_quarter")
        ]

    def __str__(self):
        return f"{self.year} Q{self.quarter}"

    @property
    def label(self):
        return str(self)

    def previous(self):
        year, quarter = (self.year, self.quarter - 1) if self.quarter > 1 else (self.year - 1, 4)
        return ReportingPeriod.objects.filter(year=year, quarter=quarter).first()


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    ACCEPTED = "accepted", "Accepted"


class Report(models.Model):
    task_force = models.ForeignKey("members.TaskForce", on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    revision = models.PositiveIntegerField(default=1)
    version = models.PositiveIntegerField(default=1)
    comment = models.TextField(blank=True, max_length=2000)  # a comment for staff, through the privacy guard
    staff_comment = models.TextField(blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The revision whose figures were last accepted (each figure's ``accepted_value``), kept while a
    # correction is in progress so trends, totals and the research dataset do not jump; None until
    # the report is first accepted.
    accepted_revision = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-period__year", "-period__quarter", "task_force__name"]
        constraints = [
            models.UniqueConstraint(fields=["task_force", "period"], name="measures_one_report_a_quarter")
        ]

    def __str__(self):
        return f"{self.task_force} {self.period}"

    @property
    def is_correcting(self):
        """Reopened after acceptance and not yet accepted again: the accepted revision still counts."""
        return self.accepted_revision is not None and self.status != ReportStatus.ACCEPTED

    @property
    def is_editable(self):
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED) and not self.period.is_closed


def accepted_figures():
    """Figures as last accepted, whatever their report's status now (a correction in progress keeps
    its accepted revision's figures here): read ``accepted_value``, never ``value``."""
    return Figure.objects.filter(report__accepted_revision__isnull=False, accepted_value__isnull=False)


class Figure(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="figures")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="+")
    raw = models.CharField(max_length=40, blank=True)  # exactly what was typed
    value = models.PositiveIntegerField(null=True, blank=True)  # set only when ``raw`` is a whole number
    explanation = models.CharField(max_length=500, blank=True)
    # ``value`` as of the report's last acceptance: what every reader of accepted figures uses,
    # untouched by a correction until that correction is itself accepted.
    accepted_value = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "measure"], name="measures_one_figure_a_measure")
        ]

    def __str__(self):
        return f"{self.measure_id}: {self.raw}"


class ReportEvent(models.Model):
    """The report's own history: every save of a submission, return, acceptance and correction."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        ACCEPTED = "accepted", "Accepted"
        CORRECTION = "correction", "Correction opened"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    revision = models.PositiveIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} (revision {self.revision})"


class DataReporter(models.Model):
    """A member a coordinator has designated to fill in their task force's reports."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_reporter"
    )
    task_force = models.ForeignKey(
        "members.TaskForce", on_delete=models.CASCADE, related_name="data_reporters"
    )
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    designated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"data reporter {self.user_id} for task force {self.task_force_id}"


class ReportReminder(models.Model):
    """Written before a reporting reminder is emailed (``measures.reminders``): the unique key lets
    one scheduler process claim it, so each reporter gets each kind at most once a quarter."""

    class Kind(models.TextChoices):
        BEFORE = "before", "7 days before the due date"
        AFTER = "after", "1 day after the due date"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    task_force = models.ForeignKey(
        "members.TaskForce", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "period", "kind"], name="measures_one_reminder_a_kind")
        ]

    def __str__(self):
        return f"{self.kind} reminder for user {self.user_id}, period {self.period_id}"
