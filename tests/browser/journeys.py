"""Steps shared by the browser journeys: signing in as a person would, in a page or a new window,
checking a page fits the screen, and saving screenshots for a person to look at.

With SCREENSHOTS=/tmp/shots, ``shot`` saves full-page screenshots there (never into git).
"""

import os
from pathlib import Path

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt

from tests.factories import PASSWORD
from tests.members.auth_helpers import totp_code


def totp_secret(user):
    return decrypt(Authenticator.objects.get(user=user, type="totp").data["secret"])


def sign_in(page, email, password=PASSWORD, secret=None):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if secret is not None:
        page.wait_for_url("**/accounts/2fa/authenticate/**")
        page.get_by_label("Code").fill(totp_code(secret))
        page.get_by_role("button", name="Sign In").click()


def sign_in_as(page, user):
    """Sign ``user`` in through the log-in form and their authenticator app; wait until it is done."""
    sign_in(page, user.email, secret=totp_secret(user))
    page.wait_for_url(lambda url: "/accounts/" not in url)


def signed_in(browser, live_server, user, **context_options):
    """A new browser window (context, page) with ``user`` signed in, as a second person would be."""
    context = browser.new_context(base_url=live_server.url, **context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in_as(page, user)
    return context, page


def fits(page) -> bool:
    """True when nothing on the page is wider than the window: no sideways scrolling on a phone."""
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def screenshots_folder() -> Path | None:
    """The folder SCREENSHOTS names, made if missing; None when screenshots are not asked for."""
    folder = os.environ.get("SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def shot(page, name: str, *, also_phone: bool = False) -> None:
    """A full-page screenshot named ``name``.png into the SCREENSHOTS folder, if one is set; with
    ``also_phone``, a second one at 390 px wide (``name``-phone.png), the window then put back."""
    if not (folder := screenshots_folder()):
        return
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    if also_phone:
        size = page.viewport_size
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(folder / f"{name}-phone.png"), full_page=True)
        page.set_viewport_size(size)
