"""Session limits (30 idle minutes, 12 hours) and the rule that members need a second factor."""

from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY

from members.middleware import LAST_ACTIVITY, SESSION_STARTED
from members.models import AuditEvent
from tests.factories import UserFactory
from tests.members.auth_helpers import sign_in, totp_code

pytestmark = pytest.mark.django_db

MINUTE = 60


def age_session(client, *, idle=0, age=0):
    session = client.session
    session[LAST_ACTIVITY] = session[LAST_ACTIVITY] - idle
    session[SESSION_STARTED] = session[SESSION_STARTED] - age
    session.save()


@pytest.fixture
def member_client(client, role_user):
    member = role_user("member")
    client.force_login(member)
    assert client.get("/members/").status_code == 200  # stamps the session
    client.member = member
    return client


def test_session_locks_after_30_idle_minutes(member_client):
    age_session(member_client, idle=31 * MINUTE)
    response = member_client.get("/members/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/members/")
    assert SESSION_KEY not in member_client.session
    event = AuditEvent.objects.get(action="session_expired")
    assert event.detail["reason"] == "idle"


def test_activity_keeps_the_session_alive(member_client):
    for _ in range(3):
        age_session(member_client, idle=20 * MINUTE)
        assert member_client.get("/members/").status_code == 200


def test_session_ends_after_12_hours_even_when_active(member_client):
    age_session(member_client, age=12 * 60 * MINUTE + 1)
    response = member_client.get("/members/")
    assert response.status_code == 302
    assert SESSION_KEY not in member_client.session
    assert AuditEvent.objects.get(action="session_expired").detail["reason"] == "absolute"


def test_background_pings_do_not_count_as_activity(member_client):
    age_session(member_client, idle=29 * MINUTE)
    before = member_client.session[LAST_ACTIVITY]
    member_client.get("/admin/editing-sessions/ping/", HTTP_X_BACKGROUND_REQUEST="1")
    member_client.get("/healthz")
    assert member_client.session[LAST_ACTIVITY] == before
    age_session(member_client, idle=2 * MINUTE)
    assert member_client.get("/members/").status_code == 302


def test_session_cookie_never_outlives_12_hours(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_approved_member_without_a_second_factor_must_set_one_up(client):
    member = UserFactory(groups=["Member"])
    client.force_login(member)
    for url in ["/members/", "/forum/", "/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/2fa/"), url
    # The MFA pages themselves stay reachable.
    assert client.get("/accounts/2fa/").status_code == 200


def test_enrolling_totp_opens_the_site_and_is_audited(client, django_capture_on_commit_callbacks):
    member = UserFactory(groups=["Member"])
    sign_in(client, member.email)
    assert client.session[SESSION_KEY] == str(member.pk)
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302 and "reauthenticate" in page["Location"]:
        client.post(page["Location"], {"password": "correct horse battery staple 42"})
        page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=member, type="totp").exists()
    assert AuditEvent.objects.filter(action="mfa_added", subject=member).exists()
    assert client.get("/members/").status_code == 200


def test_removing_the_last_factor_closes_members_pages_again(client, role_user):
    member = role_user("member")
    client.force_login(member)
    assert client.get("/members/").status_code == 200
    Authenticator.objects.filter(user=member).delete()
    assert client.get("/members/")["Location"].startswith("/accounts/2fa/")


def test_pending_applicants_are_not_pushed_to_mfa_but_kept_out(client, role_user):
    pending = role_user("pending")
    Authenticator.objects.filter(user=pending).delete()
    client.force_login(pending)
    response = client.get("/members/")
    assert response["Location"] == "/members/pending/"


def test_email_is_never_a_second_factor(settings):
    assert settings.MFA_SUPPORTED_TYPES == ["totp", "recovery_codes", "webauthn"]
    assert settings.MFA_TRUST_ENABLED is False
    assert settings.ACCOUNT_LOGIN_BY_CODE_ENABLED is False


def test_superuser_without_mfa_cannot_reach_the_admin(client):
    boss = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(boss)
    with mock.patch("members.access.has_mfa", return_value=False):
        response = client.get("/admin/")
    assert response["Location"].startswith("/accounts/2fa/")


def test_removing_the_authenticator_app_on_the_mfa_page_is_audited_and_closes_members_pages(
    client, django_capture_on_commit_callbacks
):
    from tests.factories import enrol_totp
    from tests.members.auth_helpers import sign_in_with_totp

    member = UserFactory(groups=["Member"])
    secret = enrol_totp(member)
    assert sign_in_with_totp(client, member.email, secret).status_code == 302
    assert client.get("/members/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/deactivate/")
        if "reauthenticate" in response["Location"]:
            # allauth asks for the password again before a factor is removed,
            # then carries out the removal it held back.
            response = client.post(response["Location"], {"password": "correct horse battery staple 42"})

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=member, type="totp").exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.MFA_REMOVED, subject=member)
    assert event.actor == member and event.detail["type"] == "totp"
    assert client.get("/members/")["Location"].startswith("/accounts/2fa/")


def test_the_two_factor_page_tells_someone_without_a_factor_what_to_do(client, role_user):
    newcomer = UserFactory(groups=["Member"])
    client.force_login(newcomer)
    body = client.get("/accounts/2fa/").content.decode()
    assert "Set up a second factor to continue.</strong>" in body
    assert "Authenticator app" in body and "Security key" in body
    # allauth's own controls are still there, after the explanation.
    assert body.index("Set up a second factor") < body.index('href="/accounts/2fa/totp/activate/"')

    client.force_login(role_user("member"))
    assert "Set up a second factor to continue" not in client.get("/accounts/2fa/").content.decode()


def test_the_password_check_before_a_security_change_says_why(client):
    newcomer = UserFactory(groups=["Member"])
    sign_in(client, newcomer.email)
    response = client.get("/accounts/2fa/totp/activate/", follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    assert "even if you have just signed in" in body
    assert 'name="password"' in body


def test_the_navigation_offers_members_pages_only_once_a_second_factor_is_set_up(client, role_user):
    newcomer = UserFactory(groups=["Member"])
    client.force_login(newcomer)
    page = client.get("/accounts/2fa/").content.decode()
    assert 'href="/forum/"' not in page and 'href="/members/"' not in page

    client.force_login(role_user("member"))
    page = client.get("/accounts/2fa/").content.decode()
    assert 'href="/forum/"' in page and 'href="/members/"' in page
