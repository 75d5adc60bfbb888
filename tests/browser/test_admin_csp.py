"""The Wagtail admin runs without inline script: its pages work under a script-src of 'self' alone.

Admin pages show text typed by anonymous people (contact messages, sign-up reasons, the emails
in the lock list and audit log); without 'unsafe-inline' an injected <script> there could not
run even if escaping failed. Chromium reports every blocked script or style in the console;
these journeys load the dashboard, page editors (with an inline panel, the one admin widget
that Wagtail starts from an inline script), listings and our own admin views, and use them.
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


def _watch(page):
    """Collect CSP violations and script errors the page reports."""
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url} console {message.type}: {message.text}")
            if message.type in ("error", "warning") and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def test_admin_pages_work_without_inline_script(page, role_user, migration_data):
    admin = role_user("superuser")
    factories.index_pages()
    home = factories.home()
    contact = factories.contact_page()
    problems = _watch(page)

    sign_in(page, admin.email, secret=totp_secret(admin))
    page.wait_for_url(lambda url: "/accounts/" not in url)

    for path in [
        "/admin/",
        f"/admin/pages/{home.pk}/",
        "/admin/images/",
        "/admin/users/",
        "/admin/membership/locks/",
        "/admin/membership/audit-log/",
        f"/admin/pages/{contact.pk}/edit/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], path
        page.wait_for_load_state("networkidle")

    # The home page's featured practices are an inline panel: adding one must work.
    page.goto(f"/admin/pages/{home.pk}/edit/")
    add = page.get_by_role("button", name=re.compile(r"^Add featured practice", re.IGNORECASE))
    expect(add).to_be_visible()
    total = page.locator("#id_featured_practices-TOTAL_FORMS")
    before = int(total.input_value())
    add.click()
    expect(total).to_have_value(str(before + 1))
    child = page.locator(f"#inline_child_featured_practices-{before}")
    expect(child).to_be_visible()
    # Its page chooser was started too (inside the added form, by jQuery): it opens its modal.
    child.get_by_role("button", name=re.compile("Choose a page", re.IGNORECASE)).click()
    modal = page.get_by_role("dialog")
    expect(modal.get_by_role("heading", name=re.compile("Choose", re.IGNORECASE)).first).to_be_visible()
    modal.get_by_role("button", name=re.compile("Close", re.IGNORECASE)).first.click()
    expect(modal).to_be_hidden()
    # And the editor's own scripts ran: the footer's menu opens.
    page.get_by_role("button", name="More actions").click()
    expect(page.get_by_role("button", name="Publish")).to_be_visible()

    assert problems == [], "\n".join(problems)
