"""Signing in: second factor, lockout after five failures, the admin's own login closed."""

from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from fido2.cose import ES256
from fido2.webauthn import Aaguid, AttestedCredentialData

from config.compat.allauth import RecoveryCodes
from members import lockout
from members.models import AccountLock, AuditEvent
from members.services import reject_applicant
from tests.factories import PASSWORD, UserFactory
from tests.members.auth_helpers import sign_in, sign_in_with_totp, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(role_user):
    return role_user("member")


def secret_of(user):
    from allauth.mfa.utils import decrypt

    return decrypt(Authenticator.objects.get(user=user, type="totp").data["secret"])


def test_login_page_shows_the_system_use_notice(client):
    body = client.get("/accounts/login/").content.decode()
    assert "System use notice" in body
    assert "Activity is logged and monitored" in body


def test_member_signs_in_with_password_and_totp(client, member):
    response = sign_in_with_totp(client, member.email, secret_of(member))
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(member.pk)
    assert AuditEvent.objects.filter(action="login", subject=member).exists()


def test_password_alone_does_not_sign_in_an_enrolled_member(client, member):
    response = sign_in(client, member.email)
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert SESSION_KEY not in client.session
    assert client.get("/members/").status_code == 302


def test_wrong_totp_code_is_refused_with_a_message(client, member):
    sign_in(client, member.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_totp_code_cannot_be_replayed(client, member):
    secret = secret_of(member)
    code = totp_code(secret)
    sign_in(client, member.email)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    sign_in(client, member.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_recovery_code_works_once(client, member):
    codes = RecoveryCodes.activate(member).generate_codes()
    sign_in(client, member.email)
    assert client.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    client.post("/accounts/logout/")
    sign_in(client, member.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_five_failures_lock_the_account_even_with_the_right_password(client, member):
    for _ in range(5):
        response = sign_in(client, member.email, "wrong password entirely")
        assert response.status_code == 200
    lock = AccountLock.objects.get(email=member.email)
    assert lock.is_in_force
    assert AuditEvent.objects.filter(action="locked", subject=member).exists()
    assert AuditEvent.objects.filter(action="login_failed", subject=member).count() == 5

    response = sign_in(client, member.email, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed log-ins" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_lock_ends_after_the_cool_off(client, member, settings):
    for _ in range(5):
        sign_in(client, member.email, "wrong password entirely")
    AccountLock.objects.update(locked_until=timezone.now() - timezone.timedelta(seconds=1))
    lockout.LoginFailure.objects.update(created_at=timezone.now() - settings.LOCKOUT_WINDOW)
    # Half an hour on, allauth's own count of failures (five minutes, in the cache) has run out too.
    cache.clear()
    response = sign_in(client, member.email)
    assert response["Location"].startswith("/accounts/2fa/authenticate/")


def test_admin_release_lets_the_member_in_again(client, member, role_user):
    for _ in range(5):
        sign_in(client, member.email, "wrong password entirely")
    admin = role_user("membership_admin")
    # Through the lock list, as an administrator does it: releasing also clears allauth's
    # own count of failures for the address, which would otherwise refuse for five minutes.
    office = Client()
    office.force_login(admin)
    lock = AccountLock.objects.get(email=member.email)
    assert office.post(f"/admin/membership/locks/{lock.pk}/release/").status_code == 302
    assert AuditEvent.objects.filter(action="released", subject=member, actor=admin).exists()
    response = sign_in_with_totp(client, member.email, secret_of(member))
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(member.pk)


def test_unknown_email_is_locked_exactly_like_a_real_one(client):
    for _ in range(5):
        sign_in(client, "nobody@nowhere.example.org", "guess guess guess")
    response = sign_in(client, "nobody@nowhere.example.org", "guess guess guess")
    assert "Too many failed log-ins" in response.content.decode()


def test_wrong_second_factor_counts_towards_lockout(client, member):
    for _ in range(5):
        sign_in(client, member.email)
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert lockout.is_locked(member.email)


def test_posting_a_valid_password_to_the_wagtail_login_logs_no_one_in(client, role_user):
    admin = role_user("superuser")
    response = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert response.status_code in (301, 302)
    assert response["Location"].startswith("/accounts/login/")
    assert SESSION_KEY not in client.session
    assert client.get("/admin/").status_code == 302


def test_wagtail_password_reset_goes_to_allauth(client):
    response = client.get("/admin/password_reset/")
    assert response.status_code in (301, 302)
    assert response["Location"] == "/accounts/password/reset/"


def test_deactivated_and_rejected_accounts_cannot_sign_in(client, role_user):
    gone = role_user("member", is_active=False)
    rejected = UserFactory(status="pending")
    reject_applicant(rejected, reason="Not on a funded task force.", by=role_user("membership_admin"))
    for user in (gone, rejected):
        response = sign_in(client, user.email)
        assert SESSION_KEY not in client.session
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert not response["Location"].startswith("/accounts/2fa/")


def test_the_code_page_says_a_recovery_code_goes_in_the_same_box(client, member):
    sign_in(client, member.email)
    body = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "Lost your phone? Type one of your recovery codes instead." in body


def test_the_admin_has_no_password_forms_of_its_own(client_for, role_user, settings):
    assert settings.WAGTAIL_PASSWORD_RESET_ENABLED is False
    assert settings.WAGTAIL_PASSWORD_MANAGEMENT_ENABLED is False
    client = client_for(role_user("superuser"))
    account = client.get("/admin/account/").content.decode()
    assert 'name="password-old_password"' not in account and 'name="password-new_password1"' not in account
    # Every page under the admin's reset path, including its links, goes to allauth.
    for path in ["/admin/password_reset/done/", "/admin/password_reset/confirm/MQ/set-password/"]:
        response = client.get(path)
        assert response.status_code in (301, 302) and response["Location"] == "/accounts/password/reset/", (
            path
        )


def test_the_code_page_offers_a_security_key_only_to_someone_who_has_one(client, member):
    sign_in(client, member.email)
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "Use a security key" not in page
    assert 'form="logout-from-stage"' in page, "they can still cancel the log-in"

    # A security key's credential, as allauth reads it back (registering a real one
    # needs a browser: tests/browser/test_membership_journeys.py).
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    credential = AttestedCredentialData.create(Aaguid.NONE, b"office-key", ES256.from_cryptography_key(key))
    client.post("/accounts/logout/")
    sign_in(client, member.email)
    with mock.patch("allauth.mfa.webauthn.internal.auth.get_credentials", return_value=[credential]):
        page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "Use a security key" in page
