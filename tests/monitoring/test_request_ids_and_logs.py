"""Request ids: set per request, returned, in every JSON log line, and carried into the tasks it queues."""

import io
import json
import logging

import pytest
from django.test import RequestFactory
from django_tasks import task

from monitoring import context
from monitoring.logs import JsonFormatter, RequestIdFilter
from monitoring.middleware import RequestMonitoringMiddleware

task_log = logging.getLogger("tests.monitoring.task")


@task()
def logging_task():
    task_log.warning("task ran")


@pytest.fixture(autouse=True)
def no_request_id_left():
    """The middleware is called directly below, without the request_finished that clears the id."""
    yield
    context.clear()


@pytest.fixture
def captured():
    """The root logger's lines as the production handler writes them (JSON, with the filter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_each_request_gets_an_id_returned_in_a_header(client, db):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_proxys_id_is_kept_and_a_hostile_one_replaced(client, db):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc123def456")["X-Request-ID"] == "abc123def456"
    for hostile in ["x\nlevel: CRITICAL", "<script>alert(1)</script>", "a" * 500, "short", "' OR 1=1 --"]:
        given = client.get("/healthz", HTTP_X_REQUEST_ID=hostile)["X-Request-ID"]
        assert given != hostile and len(given) == 32


def test_a_json_log_line_carries_the_request_id(captured, db):
    def view(request):
        logging.getLogger("tests.monitoring").warning('a "quoted" message\nwith a newline')
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = RequestFactory().get("/x", HTTP_X_REQUEST_ID="req-0123456789")
    RequestMonitoringMiddleware(view)(request)
    lines = [line for line in captured() if line["logger"] == "tests.monitoring"]
    assert lines == [
        {
            "time": lines[0]["time"],
            "level": "WARNING",
            "logger": "tests.monitoring",
            "message": 'a "quoted" message\nwith a newline',
            "request_id": "req-0123456789",
        }
    ]
    assert lines[0]["time"].endswith("+00:00")  # ISO 8601, UTC


def test_djangos_own_line_for_a_404_has_the_id_and_later_lines_do_not(captured, client, db):
    response = client.get("/metrics", HTTP_X_REQUEST_ID="req-not-found-77")
    assert response.status_code == 404
    django_lines = [line for line in captured() if line["logger"] == "django.request"]
    assert [line["request_id"] for line in django_lines] == ["req-not-found-77"]
    # After the request, the id is a dash, never the last request's.
    logging.getLogger("tests.monitoring").warning("after")
    assert captured()[-1]["request_id"] == "-"
    assert context.request_id.get() == "-"


def test_a_task_queued_by_a_request_logs_with_its_id(captured, db):
    def view(request):
        logging_task.enqueue()
        from django.http import HttpResponse

        return HttpResponse("ok")

    RequestMonitoringMiddleware(view)(RequestFactory().get("/x", HTTP_X_REQUEST_ID="req-task-42424242"))
    lines = [line for line in captured() if line["message"] == "task ran"]
    assert [line["request_id"] for line in lines] == ["req-task-42424242"]


def test_a_task_started_in_a_worker_reads_the_id_back(db):
    """As an RQ or database worker does: another context, the id found by the task's id."""
    from django.core.cache import cache

    from monitoring import tasks

    class Result:
        id = "job-1"

    token = context.request_id.set("req-from-web-1")
    tasks._enqueued(object, task_result=Result())
    context.request_id.reset(token)
    assert context.request_id.get() == "-"
    tasks._started(object, task_result=Result())
    assert context.request_id.get() == "req-from-web-1"
    tasks._finished(object, task_result=Result())
    assert context.request_id.get() == "-"
    assert cache.get("monitoring:task-request:job-1") is None


def test_the_settings_log_json_with_the_filter_in_production(settings):
    from django.conf import settings as live

    console = live.LOGGING["handlers"]["console"]
    assert console["filters"] == ["request_id"]
    assert live.LOGGING["formatters"]["json"]["()"] == "monitoring.logs.JsonFormatter"
