"""The same run on the embedded database backend: a task row, run by `db_worker` on its own queue."""

import pytest
from django.core.management import call_command

from research import registry, services
from research.models import Run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_run_executes_on_the_database_worker_of_the_notebooks_queue(
    settings, make_notebook, role_user, no_kernels_left
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notebooks"]}
    }
    make_notebook("on_db", ["print(n * 11)"])

    run = services.queue_run(registry.get("on_db"), {"n": "3"}, {}, role_user("researcher"))
    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED  # nothing ran in this process
    [task] = DBTaskResult.objects.all()
    assert task.queue_name == "notebooks"

    # A worker of the default queue leaves it alone: runs have their own workers.
    call_command("db_worker", "--queue-name", "default", "--batch", "--no-startup-delay", verbosity=0)
    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED

    # As `make run` starts it: `db_worker --queue-name notebooks --no-reload`.
    call_command("db_worker", "--queue-name", "notebooks", "--batch", "--no-startup-delay", verbosity=0)
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED, run.error_message
    assert b"33" in run.executed_notebook.read()
