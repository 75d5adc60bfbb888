"""A new member stopped at a members' page sets up an authenticator app and lands where they wanted."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import sign_in
from tests.factories import PASSWORD, UserFactory
from tests.members.auth_helpers import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def boxes_apart(first, second):
    """Whether two elements' boxes are separate, with a visible gap, side by side or one above the other."""
    a, b = first.bounding_box(), second.bounding_box()
    side_by_side = a["x"] + a["width"] + 4 <= b["x"]
    stacked = a["y"] + a["height"] + 4 <= b["y"]
    return side_by_side or stacked


@pytest.mark.parametrize("device", ["page", "phone"])
def test_new_member_sets_up_an_authenticator_and_continues_to_the_new_topic_form(request, device):
    page = request.getfixturevalue(device)
    newcomer = UserFactory(groups=["Member"], full_name="Jordan Alvarez")
    sign_in(page, newcomer.email)

    # The membership gate stops them on the way to a members' page.
    page.goto("/forum/new/")
    page.wait_for_url("**/accounts/2fa/?next=**")
    assert parse_qs(urlsplit(page.url).query) == {"next": ["/forum/new/"]}
    expect(page.get_by_text("Set up a second factor to continue.")).to_be_visible()
    page.get_by_role("link", name="Activate").click()
    if "/accounts/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/**")

    # Reloading shows the same secret and QR code: what the phone scanned still works.
    secret = page.get_by_label("Authenticator secret").input_value()
    qr = page.get_by_role("img", name="QR code for your authenticator app").get_attribute("src")
    page.reload()
    expect(page.get_by_label("Authenticator secret")).to_have_value(secret)
    assert page.get_by_role("img", name="QR code for your authenticator app").get_attribute("src") == qr

    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")

    # Two separate buttons, not one run of text, and a clear way on.
    download = page.get_by_role("link", name="Download codes")
    generate = page.get_by_role("link", name="Generate new codes")
    expect(download).to_be_visible()
    expect(generate).to_be_visible()
    assert boxes_apart(download, generate)
    for action in (download, generate):
        assert action.evaluate("a => getComputedStyle(a).borderTopStyle") != "none"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/forum/new/")
    expect(page.get_by_role("heading", name="New topic", level=1)).to_be_visible()
