"""Notebook output in real Chromium: the rendered HTML of a hostile notebook runs no script and
loads nothing, even on a page with no Content-Security-Policy to fall back on."""

import pytest

from research.notebook_html import render
from tests.research.hostile import attacks, hostile_notebook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGE = "<!doctype html><html><head><title>safe</title></head><body><main>{}</main></body></html>"


def load(page, body, poke=True):
    """Put the HTML in a blank page (no CSP), poke everything that reacts to a user, and report."""
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_content(PAGE.format(body), wait_until="load")
    for text in ("hover me", "click me", "and me", "more") if poke else ():
        target = page.get_by_text(text, exact=True)
        if target.count():
            target.first.hover(force=True, timeout=3000)
            target.first.click(force=True, timeout=3000, no_wait_after=True)
    page.wait_for_timeout(1500)  # time for onerror, ontoggle, autoplay and a meta refresh to fire
    return {
        "title": page.title(),
        "pwned": page.evaluate("() => window.pwned === undefined ? null : String(window.pwned)"),
        "url": page.url,
        "requests": requests,
    }


def test_the_harness_sees_attacks_that_are_not_sanitised(page, live_server):
    """Without sanitising, the same outputs do run script and call the server: the test below can fail."""
    beacon = f"{live_server.url}/research-beacon"
    # Leave out the meta refresh here: it would navigate away before the script could be seen.
    seen = load(page, "\n".join(a for a in attacks(beacon) if "refresh" not in a), poke=False)
    assert seen["pwned"] is not None and seen["title"].startswith("pwned")
    assert any("/research-beacon/" in url for url in seen["requests"])


def test_rendered_hostile_notebook_runs_no_script_and_calls_nothing(page, live_server):
    beacon = f"{live_server.url}/research-beacon"
    html = render(hostile_notebook(beacon=beacon))
    seen = load(page, html)
    assert seen["title"] == "safe"
    assert seen["pwned"] is None
    assert seen["url"] == "about:blank", "no refresh or form sent the page elsewhere"
    assert [url for url in seen["requests"] if "research-beacon" in url] == []
    assert page.locator("h1", has_text="Honest heading").is_visible()
    assert page.locator("img[src^='data:image/png']").count() == 1
    assert page.locator("th", has_text="group").is_visible()


# What IPython sends for a failing cell: every line coloured for a terminal.
ANSI_TRACEBACK = (
    "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m\n"
    "\x1b[0;31mValueError\x1b[0m                                Traceback (most recent call last)\n"
    "Cell \x1b[0;32mIn[4], line 2\x1b[0m\n"
    "\x1b[1;32m      1\x1b[0m counts \x1b[38;5;241m=\x1b[39m load()\n"
    "\x1b[0;31mValueError\x1b[0m: no year column in the file"
)


def test_the_run_page_shows_a_failed_runs_traceback_as_readable_text(page, role_user, live_server):
    from playwright.sync_api import expect

    from research.models import Run
    from tests.browser.journeys import sign_in, totp_secret

    researcher = role_user("researcher")
    run = Run.objects.create(
        notebook_path="notebooks/counts.ipynb",
        notebook_title="Counts",
        notebook_sha256="a" * 64,
        parameters_json="{}",
        parameters_sha256="b" * 64,
        provenance_sha256="c" * 64,
        status=Run.Status.FAILED,
        error_class="ValueError",
        error_message="no year column in the file",
        failing_cell=4,
        cells_total=5,
        traceback=ANSI_TRACEBACK,
        requested_by=researcher,
    )
    sign_in(page, researcher.email, secret=totp_secret(researcher))
    page.wait_for_url(lambda url: "/accounts/" not in url)
    page.goto(run.get_absolute_url())
    page.get_by_text("Traceback", exact=True).click()
    shown = page.locator("pre.traceback")
    expect(shown).to_be_visible()
    text = shown.inner_text()
    assert "\x1b" not in text and "[0;31m" not in text and "[0m" not in text and "[38;5;241m" not in text
    assert "ValueError: no year column in the file" in text
    assert "counts = load()" in text
    assert "\x1b" not in page.content()
