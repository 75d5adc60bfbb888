"""The background task that runs one periodic job for the period the scheduler claimed."""

import logging
import traceback

from django.utils import timezone
from django_tasks import task

from scheduler.models import JobRun
from scheduler.registry import jobs

logger = logging.getLogger(__name__)

# Enough of a traceback to find the fault without letting one run fill the table.
MAX_ERROR_LENGTH = 10_000


@task()
def run_periodic_job(job_run_id: int) -> str:
    """Run the job behind JobRun ``job_run_id`` and record how it went.

    The scheduler routes this task to the job's own queue with ``using()``.
    """
    # Only an enqueued run may start: a queue that delivers a task twice, or a
    # run given back because its enqueue failed, must not run the job again.
    started = JobRun.objects.filter(pk=job_run_id, status=JobRun.Status.ENQUEUED).update(
        status=JobRun.Status.RUNNING, started_at=timezone.now()
    )
    if not started:
        logger.warning("Job run %s is not waiting to run; not running it again.", job_run_id)
        return "skipped"
    name = JobRun.objects.values_list("job", flat=True).get(pk=job_run_id)
    try:
        jobs.get(name).run()
    except BaseException as exc:
        # BaseException too: a worker stopped mid-job leaves a failed run, not a "running" one.
        error = "".join(traceback.format_exception(exc))
        JobRun.objects.filter(pk=job_run_id).update(
            status=JobRun.Status.FAILED, finished_at=timezone.now(), error=error[-MAX_ERROR_LENGTH:]
        )
        logger.exception("Periodic job %s failed (run %s).", name, job_run_id)
        # Re-raised so the task backend records the failure as well.
        raise
    JobRun.objects.filter(pk=job_run_id).update(status=JobRun.Status.SUCCEEDED, finished_at=timezone.now())
    return JobRun.Status.SUCCEEDED.value
