"""A run reaches the notebooks queue only once its row is committed (``transaction.on_commit``)."""

import types

import pytest
from django.db import transaction

from research import registry, services, tasks
from research.models import Run

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks, "execute_run", types.SimpleNamespace(enqueue=sent.append))
    return sent


def test_the_run_is_enqueued_only_after_its_transaction_commits(
    make_notebook, role_user, enqueued, django_capture_on_commit_callbacks
):
    make_notebook("later", ["print(1)"])
    researcher = role_user("researcher")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.queue_run(registry.get("later"), {}, {}, researcher)
        # A worker picking the id up now would not find the row yet: nothing is sent before commit.
        assert enqueued == []
    assert enqueued == []
    for callback in callbacks:
        callback()  # what the commit does
    assert enqueued == [run.pk]


def test_a_rolled_back_run_is_never_enqueued(
    make_notebook, role_user, enqueued, django_capture_on_commit_callbacks
):
    make_notebook("undone", ["print(1)"])
    researcher = role_user("researcher")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.queue_run(registry.get("undone"), {}, {}, researcher)
        raise RuntimeError("the request failed after queueing")
    assert callbacks == [] and enqueued == []
    assert not Run.objects.exists()


def test_the_task_goes_on_the_notebooks_queue():
    # Its own queue, served by dedicated workers (`make run` starts one per core), so a long
    # notebook never holds up e-mail or search indexing on the default queue.
    assert tasks.execute_run.queue_name == "notebooks"
    assert tasks.validate_dataset_version.queue_name == "default"
