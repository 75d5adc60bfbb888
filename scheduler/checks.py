"""System checks for the periodic jobs: each job's queue must exist on the task backend."""

from django.core import checks


@checks.register("scheduler")
def check_job_queues(app_configs=None, **kwargs):
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    from scheduler.registry import jobs

    # The RQ backend reads its queues from RQ_QUEUES, the others from TASKS.
    queues = task_backends[DEFAULT_TASK_BACKEND_ALIAS].queues
    return [
        checks.Error(
            f"Periodic job {job.name!r} runs on queue {job.queue!r}, which the task backend does not have.",
            hint=f"Use one of {sorted(queues)} or add the queue to the task backend's queues.",
            obj=job.name,
            id="scheduler.E001",
        )
        for job in jobs.all()
        if queues and job.queue not in queues
    ]
