"""CMS journeys in a real browser: an editor's practice through review to the public, and a closed door.

Uses the Playwright fixtures of tests/browser (Debian's Chromium); skipped without Chromium.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import HAVE_CHROMIUM
from tests.browser.journeys import sign_in, totp_secret
from tests.cms import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not HAVE_CHROMIUM, reason="Chromium is not installed"),
]


def sign_out(page):
    page.context.clear_cookies()


def test_editor_submits_reviewer_approves_and_the_practice_is_public(page, role_user):
    editor, reviewer = role_user("editor"), role_user("reviewer")
    index = factories.index_pages()["practices"]

    sign_in(page, editor.email, secret=totp_secret(editor))
    page.wait_for_url(lambda url: "/accounts/" not in url)
    page.goto(f"/admin/pages/add/cms/practicepage/{index.pk}/")
    page.locator("#id_title").fill("Shared case list for every operation")
    page.locator("#id_summary").fill("Keep one list of open cases that every partner reviews.")
    body = page.locator("[data-contentpath='body']").first
    body.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Paragraph").first.click()
    editor_box = body.locator("[contenteditable='true']").first
    editor_box.click()
    editor_box.press_sequentially(
        "The coordinator keeps one list of open cases and reviews it at every meeting."
    )
    expect(editor_box).to_contain_text("reviews it at every meeting.")
    # Draftail copies its content to the form input when it loses focus.
    page.locator("#id_summary").click()
    expect(page.locator("input[name='body-0-value']")).to_have_value(re.compile("every meeting"))
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Best-practice review").click()
    expect(page.get_by_text("created and submitted for moderation", exact=False)).to_be_visible()
    sign_out(page)

    sign_in(page, reviewer.email, secret=totp_secret(reviewer))
    page.wait_for_url(lambda url: "/accounts/" not in url)
    practice = factories.PracticePage.objects.get(slug="shared-case-list-for-every-operation")
    assert not practice.live
    page.goto(f"/admin/pages/{practice.pk}/edit/")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text("Current page status: live")).to_be_visible()
    sign_out(page)

    page.goto("/practices/")
    expect(page.get_by_role("link", name="Shared case list for every operation")).to_be_visible()
    page.goto("/search/?q=coordinator+open+cases")
    expect(page.get_by_role("link", name="Shared case list for every operation")).to_be_visible()


def test_anonymous_visitor_never_reaches_a_members_only_page_or_its_document(page, role_user):
    index = factories.index_pages()["practices"]
    document = factories.document(
        "Case review template", collection=factories.members_collection(), name="t.pdf"
    )
    practice = factories.make_members_only(
        factories.practice(
            index,
            title="Quarterly case review",
            slug="case-review",
            body=[{"type": "document", "value": {"document": document.pk, "link_text": "Template"}}],
        )
    )
    page.goto("/practices/")
    expect(page.get_by_role("link", name="Quarterly case review")).to_have_count(0)
    page.goto(practice.url)
    assert "/accounts/login/" in page.url
    expect(page.get_by_text("Quarterly case review")).to_have_count(0)
    response = page.request.get(document.url, max_redirects=0)
    assert response.status == 302 and "/accounts/login/" in response.headers["location"]
    page.goto("/search/?q=quarterly+case+review")
    expect(page.get_by_role("link", name="Quarterly case review")).to_have_count(0)
