"""One row per (periodic job, period): the claim that makes a job run once per period."""

from django.db import models
from django.utils import timezone

from scheduler.registry import MAX_JOB_NAME_LENGTH


class JobRun(models.Model):
    """A periodic job's run for one period.

    The scheduler that manages to insert the row owns the period; the unique
    constraint turns every other scheduler's insert into an IntegrityError.
    """

    class Status(models.TextChoices):
        ENQUEUED = "enqueued", "Enqueued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    job = models.CharField(max_length=MAX_JOB_NAME_LENGTH)
    period_start = models.DateTimeField()
    enqueued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ENQUEUED)
    error = models.TextField(blank=True)
    # The task backend's id for the run, to find it in the worker's logs.
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-period_start", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period_start"], name="scheduler_jobrun_once_per_period")
        ]

    def __str__(self):
        return f"{self.job} @ {self.period_start:%Y-%m-%d %H:%M} UTC: {self.status}"
