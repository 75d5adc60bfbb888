"""Setting up a second factor on the way to a members' page: the secret holds, and the member gets there.

The membership gate sends a member without a second factor to
``/accounts/2fa/?next=<path>``; members.mfa_flow carries that ``next`` through the
authenticator set-up and the recovery-codes page, and only ever to a page of this site.
"""

import importlib
import os
import re
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from allauth.mfa.models import Authenticator

from config.compat.allauth import SECRET_SESSION_KEY
from members.mfa_flow import NEXT_SESSION_KEY, safe_next
from tests.factories import PASSWORD, UserFactory
from tests.members.auth_helpers import sign_in, totp_code

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"
FORM = "members.mfa_flow.ActivateAuthenticatorForm"
KEY_FORM = "members.mfa_flow.AddSecurityKeyForm"
FOREIGN_NEXTS = [
    "https://evil.example/",
    "//evil.example/forum/new/",
    "/\\evil.example/",
    "http:///evil.example/",
    "javascript:alert(1)",
    "evil.example/forum/",
]


@pytest.fixture
def newcomer(client):
    """A newly approved member, signed in with a password, with no second factor yet."""
    member = UserFactory(groups=["Member"], full_name="Jordan Alvarez")
    sign_in(client, member.email)
    return member


def open_set_up(client, url=ACTIVATE):
    """GET the set-up page, giving the password again first if allauth asks for it."""
    response = client.get(url)
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        again = client.post(response["Location"], {"password": PASSWORD})
        assert again.status_code == 302
        response = client.get(again["Location"])
    assert response.status_code == 200, response
    return response


def test_reloading_the_set_up_page_keeps_the_secret_and_qr_code(client, newcomer):
    first = open_set_up(client)
    again = client.get(ACTIVATE)

    assert again.context["form"].secret == first.context["form"].secret
    assert again.context["totp_svg_data_uri"] == first.context["totp_svg_data_uri"]
    assert f'value="{first.context["form"].secret}"' in again.content.decode()


def test_a_wrong_code_keeps_the_secret_and_the_right_one_activates_it(client, newcomer):
    secret = open_set_up(client).context["form"].secret

    wrong = client.post(ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors
    assert client.get(ACTIVATE).context["form"].secret == secret

    assert client.post(ACTIVATE, {"code": totp_code(secret)}).status_code == 302
    authenticator = Authenticator.objects.get(user=newcomer, type="totp")
    assert authenticator.wrap().validate_code(totp_code(secret, offset=1))
    # allauth forgets the secret once it is activated: a later set-up starts afresh.
    assert SECRET_SESSION_KEY not in client.session


def test_each_session_gets_its_own_secret(client, newcomer):
    other = UserFactory(groups=["Member"])
    mine = open_set_up(client).context["form"].secret
    client.logout()
    sign_in(client, other.email)
    assert open_set_up(client).context["form"].secret != mine


def test_after_setting_up_the_member_continues_to_the_page_they_wanted(client, newcomer):
    gate = client.get("/forum/new/")
    assert gate.status_code == 302
    index_url = gate["Location"]
    assert urlsplit(index_url).path == "/accounts/2fa/"
    assert parse_qs(urlsplit(index_url).query) == {"next": ["/forum/new/"]}

    index = client.get(index_url).content.decode()
    activate_url = unescape(re.search(r'href="(/accounts/2fa/totp/activate/[^"]*)"', index).group(1))
    assert activate_url == f"{ACTIVATE}?next=/forum/new/"

    page = open_set_up(client, activate_url)
    secret = page.context["form"].secret
    assert f'action="{ACTIVATE}?next=/forum/new/"' in page.content.decode()
    done = client.post(activate_url, {"code": totp_code(secret)})
    assert done["Location"] == "/accounts/2fa/recovery-codes/"

    codes = client.get(done["Location"]).content.decode()
    assert '<a class="button" href="/members/continue/">Continue</a>' in codes
    onward = client.get("/members/continue/")
    assert onward["Location"] == "/forum/new/"
    assert client.get("/forum/new/").status_code == 200
    # Used once: visiting the codes later from the settings, Continue goes home.
    assert NEXT_SESSION_KEY not in client.session
    assert client.get("/members/continue/")["Location"] == "/"


def test_choosing_a_security_key_instead_also_leads_on_to_the_page_wanted(client, newcomer):
    index = client.get("/accounts/2fa/?next=/forum/new/").content.decode()
    add_url = unescape(re.search(r'href="(/accounts/2fa/webauthn/add/[^"]*)"', index).group(1))
    assert add_url == "/accounts/2fa/webauthn/add/?next=/forum/new/"

    open_set_up(client, add_url)
    assert client.session[NEXT_SESSION_KEY] == "/forum/new/"
    open_set_up(client, f"/accounts/2fa/webauthn/add/?next={quote('https://evil.example/', safe='')}")
    assert NEXT_SESSION_KEY not in client.session


@pytest.mark.parametrize("foreign", FOREIGN_NEXTS)
def test_continue_never_leaves_the_site(client, newcomer, foreign):
    page = open_set_up(client, f"{ACTIVATE}?next={quote(foreign, safe='')}")
    secret = page.context["form"].secret
    client.post(f"{ACTIVATE}?next={quote(foreign, safe='')}", {"code": totp_code(secret)})

    assert NEXT_SESSION_KEY not in client.session
    assert client.get("/members/continue/")["Location"] == "/"


def test_a_foreign_next_replaces_an_earlier_safe_one_instead_of_keeping_it(client, newcomer):
    open_set_up(client, f"{ACTIVATE}?next=/forum/new/")
    assert client.session[NEXT_SESSION_KEY] == "/forum/new/"
    client.get(f"{ACTIVATE}?next={quote('https://evil.example/', safe='')}")
    assert NEXT_SESSION_KEY not in client.session


@pytest.mark.parametrize("foreign", FOREIGN_NEXTS)
def test_only_paths_on_this_site_are_safe(foreign):
    assert safe_next(foreign) == ""
    assert safe_next("/forum/new/?category=3") == "/forum/new/?category=3"
    assert safe_next(None) == "" and safe_next("") == ""


def test_continue_with_nothing_remembered_sends_anonymous_and_pending_people_to_their_place(
    client, role_user
):
    assert client.get("/members/continue/")["Location"] == "/"
    client.force_login(role_user("pending"))
    assert client.get("/members/continue/")["Location"] == "/members/pending/"
    assert client.post("/members/continue/").status_code == 405


def test_the_recovery_codes_offer_two_separate_buttons_and_a_way_on(
    client, newcomer, django_assert_max_num_queries
):
    secret = open_set_up(client).context["form"].secret
    client.post(ACTIVATE, {"code": totp_code(secret)})

    with django_assert_max_num_queries(14):
        response = client.get("/accounts/2fa/recovery-codes/")
    html = response.content.decode()
    actions = re.search(r'<ul class="account-actions"[^>]*>(.*?)</ul>', html, re.S).group(1)
    items = re.findall(
        r"<li>\s*<a class=\"button[^\"]*\" href=\"([^\"]+)\"[^>]*>([^<]+)</a>\s*</li>", actions
    )
    assert items == [
        ("/accounts/2fa/recovery-codes/download/", "Download codes"),
        ("/accounts/2fa/recovery-codes/generate/", "Generate new codes"),
    ]
    assert "Continue</a>" in html
    codes = Authenticator.objects.get(user=newcomer, type="recovery_codes").wrap().get_unused_codes()
    assert all(code in html for code in codes)


def test_the_set_up_pages_cost_a_fixed_number_of_queries(client, newcomer, django_assert_max_num_queries):
    open_set_up(client)
    with django_assert_max_num_queries(12):
        client.get(ACTIVATE)
    with django_assert_max_num_queries(12):
        client.get("/accounts/2fa/?next=/forum/new/")


def test_the_site_settings_name_the_activation_form():
    """config/settings.py names both forms in MFA_FORMS, read from the settings module itself."""
    configured = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    assert configured.MFA_FORMS.get("activate_totp") == FORM
    assert configured.MFA_FORMS.get("add_webauthn") == KEY_FORM
