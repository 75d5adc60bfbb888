"""config.unavailable: while the database or Redis cannot be reached, every page is a 503 with
Retry-After and the site's plain "briefly unavailable" page, never a traceback or a 500; any other
error keeps the 500 page. Django calls the handler for exceptions raised in middleware and views."""

from unittest import mock

import pytest
import redis
from django.db import InterfaceError, OperationalError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import include, path

from config import unavailable
from config import urls as site_urls


def _boom(request):
    raise RuntimeError("a bug in a view")


def _database_gone(request):
    raise OperationalError('connection to server at "10.0.0.5", port 5432 failed: Connection refused')


def _wrapped(request):
    try:
        raise InterfaceError("connection already closed")
    except InterfaceError as error:
        raise RuntimeError("while saving the reply") from error


# This module is also the URLconf of the tests below, with the site's own handler and URLs.
urlpatterns = [
    path("boom/", _boom),
    path("database-gone/", _database_gone),
    path("wrapped/", _wrapped),
    path("", include("config.urls")),
]
handler500 = site_urls.handler500

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def assert_unavailable_page(response, *secrets):
    html = response.content.decode()
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    assert "<h1>The site is briefly unavailable</h1>" in html
    assert '<header class="site-header">' in html and "/css/site.css" in html
    assert "Traceback" not in html and "Error 500" not in html
    for secret in secrets:
        assert secret not in html


def test_the_site_uses_the_handler():
    assert site_urls.handler500 == "config.unavailable.server_error"


def test_a_database_that_refuses_connections_in_a_view_gives_the_503_page(production):
    response = production.get("/database-gone/")
    assert_unavailable_page(response, "10.0.0.5", "5432", "Connection refused")


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
        redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
        redis.exceptions.TimeoutError("Timeout reading from socket"),
    ],
    ids=["postgres-closed", "postgres-interface", "redis-refused", "redis-timeout"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unreachable_backend_in_a_middleware_gives_the_503_page_on_any_page(production, error, method):
    # The session-timeout middleware loads the user first on every request: the database's first use.
    with mock.patch("django.contrib.auth.get_user", side_effect=error):
        response = getattr(production, method)("/forum/", {"body": "<script>alert(1)</script>"})
    assert_unavailable_page(response, str(error), "<script>")


def test_an_unreachable_database_behind_another_error_is_still_a_503(production):
    assert_unavailable_page(production.get("/wrapped/"), "while saving the reply")


def test_any_other_error_keeps_the_500_page(production):
    response = production.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "<h1>Something went wrong on our side</h1>" in html and "a bug in a view" not in html


@pytest.mark.parametrize("error", [None, ValueError("x"), KeyError("y"), PermissionError("z")])
def test_only_backend_errors_count_as_unavailable(error):
    assert unavailable.is_unavailable(error) is False


def test_a_cycle_of_causes_does_not_loop():
    first, second = RuntimeError("a"), RuntimeError("b")
    first.__context__, second.__context__ = second, first
    assert unavailable.is_unavailable(first) is False


def test_the_503_page_renders_with_no_context_and_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("503.html")
    assert "<title>Briefly unavailable · Task Force Commons</title>" in html
    assert "1-888-373-7888" in html
