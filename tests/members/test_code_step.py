"""The code step of signing in: the lockout and a per-account limit hold there as at the password.

Someone who has the password gets as far as the code step and can guess codes there. The
lock (members.lockout) that five wrong codes set must refuse the right code too, and guessing
must be limited per account, so spreading guesses over addresses does not help.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from members import lockout
from members.models import AuditEvent
from tests.members.auth_helpers import sign_in, totp_code
from tests.members.test_login import secret_of

pytestmark = pytest.mark.django_db

CODE_STEP = "/accounts/2fa/authenticate/"


@pytest.fixture
def member(role_user):
    return role_user("member")


def test_a_lock_set_by_wrong_codes_refuses_the_right_code(client, member, settings):
    assert sign_in(client, member.email)["Location"].startswith(CODE_STEP)
    for _ in range(5):
        assert client.post(CODE_STEP, {"code": "000000"}).status_code == 200
    assert lockout.is_locked(member.email)
    # The lock is in the database; it holds even when allauth's cache-based limit would not
    # (a rate allauth has no count for yet; clearing the cache would end a Redis session too).
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "1000/m/key"}
    response = client.post(CODE_STEP, {"code": totp_code(secret_of(member))})
    assert response.status_code == 200
    assert "Too many failed log-ins" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert client.get("/forum/").status_code == 302


def test_a_lock_set_elsewhere_refuses_the_right_code_at_the_code_step(client, member):
    # The password was accepted before the lock; the code comes after it.
    sign_in(client, member.email)
    other = Client()
    for _ in range(5):
        other.post("/accounts/login/", {"login": member.email, "password": "wrong password entirely"})
    assert lockout.is_locked(member.email)
    response = client.post(CODE_STEP, {"code": totp_code(secret_of(member))})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_code_guesses_are_limited_per_account_not_only_per_address(member, settings):
    # The database lock is switched off here to see allauth's own per-account limit on codes.
    settings.LOCKOUT_THRESHOLD = 10_000
    refused = None
    for attempt in range(1, 12):
        # A fresh client and a different address for every guess.
        guesser = Client(REMOTE_ADDR=f"198.51.100.{attempt}")
        sign_in(guesser, member.email)
        response = guesser.post(CODE_STEP, {"code": "000000"})
        if "Too many failed" in response.content.decode() or response.status_code == 429:
            refused = attempt
            break
    assert refused is not None and refused <= 6, refused
    # And then the right code from yet another address is refused as well.
    guesser = Client(REMOTE_ADDR="198.51.100.200")
    sign_in(guesser, member.email)
    response = guesser.post(CODE_STEP, {"code": totp_code(secret_of(member))})
    assert SESSION_KEY not in guesser.session, response
    assert AuditEvent.objects.filter(action="login_failed", subject=member).count() >= 5


def test_releasing_a_lock_set_at_the_code_step_lets_the_right_code_in(client, member, role_user):
    sign_in(client, member.email)
    for _ in range(5):
        client.post(CODE_STEP, {"code": "000000"})
    admin = Client()
    admin.force_login(role_user("membership_admin"))
    lock = lockout.active_lock(member.email)
    assert admin.post(f"/admin/membership/locks/{lock.pk}/release/").status_code == 302
    # allauth's per-account count of wrong codes is cleared with the lock.
    sign_in(client, member.email)
    response = client.post(CODE_STEP, {"code": totp_code(secret_of(member), offset=1)})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(member.pk)


def test_allauths_default_rate_limits_are_all_kept(settings):
    """Our ACCOUNT_RATE_LIMITS only adds: each of allauth's default rates still applies."""
    from allauth.account import app_settings

    from config.compat.allauth import parse_rates

    ours = app_settings.RATE_LIMITS
    settings.ACCOUNT_RATE_LIMITS = {}
    defaults = app_settings.RATE_LIMITS
    assert defaults["login_failed"], "allauth limits failed log-ins by default"
    for action, rates in defaults.items():
        kept = set(parse_rates(ours.get(action)))
        for rate in parse_rates(rates):
            assert rate in kept, (action, str(rate), ours.get(action))
    assert any(rate.per == "key" for rate in parse_rates(ours["login_failed"]))
