"""With DEBUG on (as `make run` serves), an unknown address gets a page, not the list of URL patterns."""

import pytest

pytestmark = pytest.mark.django_db


def test_unknown_address_with_debug_on_shows_no_url_patterns(client, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page-here/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "URLconf" not in body and "accounts/" not in body.split("<main", 1)[-1].split("</main>")[0]
    assert "Using the URLconf" not in body
    assert "<main" in body  # the site's layout, not Django's technical page


def test_a_view_raising_not_found_with_debug_on(client, settings):
    settings.DEBUG = True
    response = client.get("/forum/t/999999/")
    assert response.status_code in (302, 404)
    if response.status_code == 404:
        assert "Using the URLconf" not in response.content.decode()


def test_django_technical_page_on_request(client, settings):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_404 = True
    response = client.get("/no-such-page-here/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()
