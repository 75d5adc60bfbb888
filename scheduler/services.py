"""The scheduler's actions: claim each due job's period and enqueue it, prune old runs."""

import logging
import operator
from datetime import datetime
from functools import partial, reduce

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from scheduler.models import JobRun
from scheduler.registry import JobRegistry, PeriodicJob, jobs
from scheduler.tasks import run_periodic_job

logger = logging.getLogger(__name__)


def run_due_jobs(now: datetime | None = None, registry: JobRegistry = jobs) -> list[JobRun]:
    """One scheduler pass: enqueue every enabled job whose current period has no run yet.

    Returns the runs this pass claimed. Safe to call from any number of
    processes at once: the (job, period) unique constraint lets one win.
    """
    now = now or timezone.now()
    due = [(job, job.period_start(now)) for job in registry.all() if job.is_enabled()]
    if not due:
        return []
    # One indexed read skips the jobs already claimed this period, so a pass
    # does not make the database log a unique violation for each of them.
    claimed = set(
        JobRun.objects.filter(
            reduce(operator.or_, (Q(job=job.name, period_start=start) for job, start in due))
        ).values_list("job", "period_start")
    )
    runs = []
    for job, start in due:
        if (job.name, start) in claimed:
            continue
        run = claim_period(job, start)
        if run is not None:
            runs.append(run)
    return runs


def claim_period(job: PeriodicJob, period_start: datetime) -> JobRun | None:
    """Insert the (job, period) row and enqueue the job once it is committed.

    Returns None when another scheduler holds the period already.
    """
    try:
        with transaction.atomic():
            run = JobRun.objects.create(job=job.name, period_start=period_start)
            # After commit, so a worker never looks for a row it cannot see yet.
            transaction.on_commit(partial(_enqueue, run.pk, job))
    except IntegrityError:
        logger.debug("%s for %s is already claimed by another scheduler.", job.name, period_start)
        return None
    logger.info("Claimed %s for the period from %s.", job.name, period_start.isoformat())
    return run


def _enqueue(job_run_id: int, job: PeriodicJob):
    try:
        result = run_periodic_job.using(queue_name=job.queue).enqueue(job_run_id)
    except Exception:
        logger.exception("Could not enqueue %s; the next pass will try again.", job.name)
        # Giving the period back lets the next pass, here or on another machine, retry it.
        JobRun.objects.filter(pk=job_run_id, status=JobRun.Status.ENQUEUED).delete()
        return
    JobRun.objects.filter(pk=job_run_id).update(task_result_id=str(result.id)[:64])


def prune_job_runs(now: datetime | None = None, registry: JobRegistry = jobs) -> int:
    """Delete runs older than SCHEDULER_RUN_RETENTION, always keeping two periods of each job.

    Keeping the current period's row matters: without it the job would run again.
    """
    now = now or timezone.now()
    retention = settings.SCHEDULER_RUN_RETENTION
    deleted = 0
    names = []
    for job in registry.all():
        names.append(job.name)
        keep_from = now - max(retention, 2 * job.every)
        deleted += JobRun.objects.filter(job=job.name, period_start__lt=keep_from).delete()[0]
    # Jobs removed from the code since.
    deleted += JobRun.objects.exclude(job__in=names).filter(period_start__lt=now - retention).delete()[0]
    return deleted
