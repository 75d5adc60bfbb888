"""A reviewer approves from the page editor's footer, with a double click: the page ends live, once.

Before the fix the second POST saved the page back as a draft and crashed,
while the log said "published" and anonymous search showed the draft's title;
when it came late enough, it saved a stray draft and said "updated".
Uses the Playwright fixtures of tests/browser (Debian's Chromium); skipped without Chromium.
"""

import pytest
from playwright.sync_api import expect
from wagtail.models import PageLogEntry

from cms.models import PracticePage
from tests.browser.conftest import HAVE_CHROMIUM
from tests.browser.journeys import sign_in, totp_secret
from tests.cms import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not HAVE_CHROMIUM, reason="Chromium is not installed"),
]

TITLE = "Roll call before every operation"
WORD = "rollcall"


def anonymous_search_finds(page, query):
    page.context.clear_cookies()
    page.goto(f"/search/?q={query}")
    return page.get_by_role("link", name=TITLE).count() > 0


def test_reviewer_double_clicks_approve_in_the_editor_and_the_page_goes_live_once(page, role_user):
    editor, reviewer = role_user("editor"), role_user("reviewer")
    index = factories.index_pages()["practices"]
    practice = factories.practice(
        index,
        title=TITLE,
        slug="roll-call",
        summary=f"Hold a {WORD} of every partner before acting.",
        live=False,
    )
    practice.get_workflow().start(practice, editor)
    assert not anonymous_search_finds(page, WORD)

    server_errors = []
    page.on(
        "response", lambda response: server_errors.append(response.url) if response.status >= 500 else None
    )
    edit_url = f"/admin/pages/{practice.pk}/edit/"

    sign_in(page, reviewer.email, secret=totp_secret(reviewer))
    page.wait_for_url(lambda url: "/accounts/" not in url)
    page.goto(edit_url)
    page.get_by_role("button", name="More actions").click()
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith(edit_url)) as first:
        page.get_by_role("button", name="Approve", exact=True).click()
    # The double click's second POST: the same form, sent again while the first is on its way.
    second = page.context.request.fetch(first.value, max_redirects=0)
    page.wait_for_load_state("networkidle")
    assert second.status == 302
    shown = page.content()
    page.goto(edit_url)
    shown += page.content()
    expect(page.get_by_role("link", name="Visit the live page")).to_be_visible()
    # One of the two was refused, and the reviewer is told so (on whichever page came next).
    assert "already decided" in shown

    assert server_errors == []
    practice = PracticePage.objects.get(pk=practice.pk)
    assert practice.live
    assert PageLogEntry.objects.filter(page=practice, action="wagtail.publish").count() == 1
    assert not practice.has_unpublished_changes, "the second POST saved no stray draft"
    assert anonymous_search_finds(page, WORD)
