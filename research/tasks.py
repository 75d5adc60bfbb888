"""Background work for research: executing a run on the ``notebooks`` queue, validating large uploads.

The task only carries the run's id; the Run row is the source of truth
(django-tasks knows no cancel and no "timed out").
"""

from django_tasks import task

from research import runner


@task(queue_name="notebooks")
def execute_run(run_id: int) -> str:
    run = runner.execute(run_id)
    return run.status if run else "not claimed"


@task()
def validate_dataset_version(version_id: int) -> str:
    from research import datasets
    from research.models import DatasetVersion

    version = DatasetVersion.objects.select_related("dataset").get(pk=version_id)
    return datasets.validate(version).status
