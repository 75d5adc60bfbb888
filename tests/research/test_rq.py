"""The same run on RQ: queued to the real Redis, run by an RQ worker, with a job timeout above the limit."""

import os

import pytest

from research import registry, services
from research.models import Run

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("Needs Redis: set REDIS_URL (CI does).")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis at {url} is not reachable.")
    return url


def test_a_run_executes_on_an_rq_worker(redis_url, settings, make_notebook, role_user, no_kernels_left):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    from research.apps import ensure_rq_timeout

    settings.RESEARCH_WALL_CLOCK_LIMIT = 600
    queues = {"default": {"URL": redis_url}, "notebooks": {"URL": redis_url}}
    ensure_rq_timeout(queues)
    settings.RQ_QUEUES = queues
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "notebooks"]}}
    # As `manage.py rqworker notebooks --job-class django_tasks_rq.backend.Job` runs it.
    queue = django_rq.get_queue("notebooks", job_class=Job)
    queue.empty()
    make_notebook("on_rq", ["print(n * 11)"])

    run = services.queue_run(registry.get("on_rq"), {"n": "3"}, {}, role_user("researcher"))
    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED  # nothing ran in this process
    [job] = queue.get_jobs()
    assert job.timeout > 600  # RQ's own default (180 s) would kill runs before our limit
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED, run.error_message
    assert b"33" in run.executed_notebook.read()
