"""The layout in Chromium: it fits a phone, the keyboard reaches the skip link first with a
visible focus ring, and applying and signing in work with JavaScript turned off."""

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import totp_secret
from tests.factories import PASSWORD
from tests.members.auth_helpers import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/search/?q=task+force", "/report/"]
MEMBER_PAGES = ["/members/", "/accounts/2fa/", "/accounts/email/", "/accounts/password/change/"]


def overflow(page):
    """How many pixels the page is wider than the viewport (0 when nothing scrolls sideways).

    clientWidth, not innerWidth: a mobile browser zooms out to a page wider than the screen and
    innerWidth grows with it, so a check against innerWidth could never fail.
    """
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_foundation_pages_fit_a_390_pixel_phone(phone, role_user):
    for url in PUBLIC_PAGES:
        phone.goto(url)
        assert overflow(phone) <= 0, url
        expect(phone.get_by_role("link", name="Report trafficking / Get help")).to_be_visible()
    member = role_user("member")
    phone.goto("/accounts/login/")
    phone.get_by_label("Email address").fill(member.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.get_by_label("Code").fill(totp_code(totp_secret(member)))
    phone.get_by_role("button", name="Sign In").click()
    phone.wait_for_url("**/")
    for url in [*MEMBER_PAGES, f"/members/{member.pk}/"]:
        phone.goto(url)
        assert overflow(phone) <= 0, url


def test_the_first_tab_reaches_the_skip_link_and_shows_a_focus_ring(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_applying_and_signing_in_work_without_javascript(no_js_page, task_force, role_user, mailoutbox):
    page = no_js_page
    page.goto("/accounts/signup/")
    page.get_by_label("Full name").fill("Robin Okafor")
    page.get_by_label("Email").fill("robin.okafor@example.gov")
    page.get_by_label("Agency or organisation").fill("Franklin County Sheriff")
    page.get_by_label("Your role").select_option("law_enforcement")
    page.locator("select[name=task_force]").select_option(str(task_force.pk))
    page.get_by_label("Work phone").fill("614-555-0199")
    page.get_by_label("Why do you need access?").fill("Investigator on the task force.")
    page.locator("input[name=password1]").fill("marble-Harbor-lantern-91")
    page.locator("input[name=password2]").fill("marble-Harbor-lantern-91")
    page.get_by_role("button", name="Send application").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert len(mailoutbox) == 1

    member = role_user("member")
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.get_by_label("Code").fill(totp_code(totp_secret(member)))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/")
    page.goto("/members/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/members/" in page.url
