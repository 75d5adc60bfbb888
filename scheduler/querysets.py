"""Reads of the run history."""

from django.db.models import OuterRef, Subquery

from scheduler.models import JobRun


def latest_runs(names) -> dict[str, JobRun]:
    """The latest run of each named job, in one query."""
    newest = JobRun.objects.filter(job=OuterRef("job")).order_by("-period_start").values("pk")[:1]
    runs = JobRun.objects.filter(job__in=names, pk=Subquery(newest))
    return {run.job: run for run in runs}
