"""On the real RQ path: queue depth and age on /metrics, and a request's id in its task's log lines."""

import logging
import os
import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django_tasks import task

from monitoring import context
from monitoring.middleware import RequestMonitoringMiddleware
from tests.monitoring.test_request_ids_and_logs import captured  # noqa: F401  (a fixture)

pytestmark = pytest.mark.redis
log = logging.getLogger("tests.monitoring.rq")


@task()
def rq_logging_task():
    log.warning("rq task ran")


@pytest.fixture
def rq_queue(settings, db):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("Needs Redis: set REDIS_URL (CI does).")
    import django_rq
    import redis
    from django_tasks_rq.backend import Job

    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis at {url} is not reachable.")
    settings.RQ_QUEUES = {"default": {"URL": url}, "notebooks": {"URL": url}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "notebooks"]}}
    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    yield queue
    queue.empty()
    context.clear()


def test_queue_depth_age_and_the_request_id_in_the_workers_log(rq_queue, captured, client, settings):  # noqa: F811
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    from monitoring import metrics

    def view(request):
        rq_logging_task.enqueue()
        return HttpResponse("ok")

    RequestMonitoringMiddleware(view)(RequestFactory().post("/x", HTTP_X_REQUEST_ID="req-rq-31337abc"))
    context.clear()  # as in the worker: another process, no request
    time.sleep(1.1)
    figures = metrics.queue_figures()
    assert figures["default"][0] == 1
    assert 1.0 <= figures["default"][1] < 60
    assert figures["notebooks"] == (0, 0.0)

    SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=Job).work(burst=True)
    lines = [line for line in captured() if line["message"] == "rq task ran"]
    assert [line["request_id"] for line in lines] == ["req-rq-31337abc"]
    assert context.request_id.get() == "-"  # the worker's next task starts clean
    assert metrics.queue_figures()["default"] == (0, 0.0)
