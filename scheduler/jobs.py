"""The scheduler's own periodic jobs: pruning its run history and the database task backend's results."""

from datetime import timedelta

from django.core.management import call_command
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend

from scheduler import services
from scheduler.registry import periodic

# django_tasks_db's own default; failed results are kept as long.
TASK_RESULT_RETENTION_DAYS = 14


def uses_database_task_backend() -> bool:
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


@periodic(name="scheduler.prune_job_runs", every=timedelta(days=1))
def prune_job_runs():
    services.prune_job_runs()


@periodic(name="scheduler.prune_task_results", every=timedelta(days=1), when=uses_database_task_backend)
def prune_task_results():
    call_command(
        "prune_db_task_results",
        "--queue-name=*",
        f"--min-age-days={TASK_RESULT_RETENTION_DAYS}",
        verbosity=0,
    )
