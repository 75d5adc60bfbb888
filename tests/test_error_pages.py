"""The 403, 404 and 500 pages: the site's layout and navigation, what happened, and what to do next.

Django renders 403.html and 404.html with the request; 500.html gets an empty context (no request,
no user, perhaps no database), so it must render on its own.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client
from django.urls import include, path


def _boom(request):
    raise RuntimeError("a bug in a view")


def _denied_without_reason(request):
    raise PermissionDenied


# This module doubles as a URLconf for the tests that need a failing view (the site's own URLs
# follow, so the layout's links still resolve).
urlpatterns = [
    path("boom/", _boom),
    path("denied/", _denied_without_reason),
    path("", include("config.urls")),
]

pytestmark = pytest.mark.django_db


def assert_site_layout(html):
    assert '<header class="site-header">' in html and '<nav class="site-nav" aria-label="Main">' in html
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    assert '<footer class="site-footer">' in html and "/css/site.css" in html
    assert '<a class="help-link" href="/report/">' in html


def test_a_member_opening_a_staff_page_gets_the_layout_with_the_reason(role_user, client_for):
    response = client_for(role_user("member")).get("/tta/staff/")
    html = response.content.decode()
    assert response.status_code == 403
    assert_site_layout(html)
    assert "<h1>You cannot open this page</h1>" in html
    assert "Only TTA staff can see this page." in html
    assert '<a href="/forum/">Forum</a>' in html  # the member's own navigation
    assert 'href="/contact/"' in html and 'href="/search/"' in html
    assert "<title>You cannot open this page · Task Force Commons</title>" in html


def test_a_403_without_a_message_still_says_what_happened(role_user, client_for, settings):
    settings.ROOT_URLCONF = __name__
    response = client_for(role_user("member")).get("/denied/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your account does not give you access to this page." in html


@pytest.mark.parametrize("who", ["member", "anonymous"])
def test_an_unknown_address_gets_the_layout_404_with_a_link_home_and_to_search(role_user, client_for, who):
    response = client_for(role_user(who)).get("/no-such-page/at-all/")
    html = response.content.decode()
    assert response.status_code == 404
    assert_site_layout(html)
    assert "<h1>Page not found</h1>" in html
    assert 'the <a href="/">home page</a>' in html
    assert '<form method="get" action="/search/" role="search"' in html
    assert '<label for="error-search-q" class="visually-hidden">Search Task Force Commons</label>' in html
    # Django's technical page (DEBUG only) would list the URL patterns; this one never does.
    assert "URLconf" not in html and "no-such-page" not in html


def test_a_view_that_raises_gets_the_500_page_in_the_site_layout(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert_site_layout(html)
    assert "<h1>Something went wrong on our side</h1>" in html
    assert "reload the page or try again" in html and 'the <a href="/">home page</a>' in html
    assert "a bug in a view" not in html and "Traceback" not in html


def test_the_500_page_renders_with_an_empty_context_and_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert_site_layout(html)
    assert "humantrafficking@theiacp.org" in html and "2015-VT-BX-K001" in html
