"""Steps shared by the browser journeys: signing in as a person would, in a page or a new window."""

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
