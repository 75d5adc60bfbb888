"""Steps shared by the browser journeys: signing in as a person would."""

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
