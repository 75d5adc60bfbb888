"""One way to sign in: every log-in URL in the URL conf is tried as an attacker who knows a password.

Wagtail's ``wagtail.urls`` exposed Django's LoginView at ``/_util/login/``: an email and password
there opened the members' pages and the admin without the second factor, the lockout or the audit
log. These tests find every log-in view the URL conf holds, so a new one added later is tried too,
and check that the membership gate asks whether this session passed the second factor, not only
whether the account has one.
"""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from members.models import AuditEvent, LoginFailure
from tests.factories import PASSWORD
from tests.members.auth_helpers import sign_in_with_totp

pytestmark = pytest.mark.django_db

ALLAUTH_LOGIN = "/accounts/login/"
# allauth's log-in and its own later step (the emailed code, switched off here): the one way in.
ALLAUTH_FLOW = {ALLAUTH_LOGIN, "/accounts/login/code/confirm/"}
MEMBERS_ONLY = ["/forum/", "/forum/messages/", "/tta/requests/new/"]


def _route(pattern):
    """The literal URL of a pattern without parameters (regex anchors removed), or None."""
    text = str(pattern.pattern)
    text = text.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    if re.search(r"[<(\[\\*+?|]", text):
        return None
    return text


LOGIN_WORD = re.compile(r"(^|[^a-z])(log_?in|sign_?in)([^a-z]|$)")


def _is_login_view(pattern):
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is not None and (
        issubclass(view_class, DjangoLoginView) or view_class.__name__.endswith("LoginView")
    ):
        return True
    return any(LOGIN_WORD.search(text.lower()) for text in [pattern.name or "", str(pattern.pattern)])


def login_urls(patterns=None, prefix=""):
    """Every URL of the URL conf whose view is a log-in view, or is named like one."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = _route(pattern)
        if isinstance(pattern, URLResolver):
            if route is not None:
                found += login_urls(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern) and _is_login_view(pattern):
            assert route is not None, f"a log-in URL with parameters: {pattern!r}; try it here too"
            found.append("/" + prefix + route)
    return sorted(set(found))


def test_the_walk_finds_the_log_in_urls_that_exist():
    urls = login_urls()
    for expected in ["/_util/login/", "/admin/login/", ALLAUTH_LOGIN]:
        assert expected in urls, urls


@pytest.mark.parametrize("url", login_urls())
def test_signing_in_anywhere_with_a_password_alone_opens_nothing(url, role_user):
    member = role_user("member")
    editor = role_user("editor")
    peer = role_user("other_task_force_member")
    for person, protected in [
        (member, [*MEMBERS_ONLY, f"/members/{peer.pk}/"]),
        (editor, ["/admin/", "/forum/"]),
    ]:
        client = Client()
        client.get(url)
        # Whatever the form calls its fields (allauth: login; Django: username).
        client.post(url, {"login": person.email, "username": person.email, "password": PASSWORD})
        for page in protected:
            response = client.get(page)
            assert response.status_code != 200, (url, person, page)
        assert client.get("/forum/").status_code in (302, 303), url


@pytest.mark.parametrize("url", [u for u in login_urls() if u not in ALLAUTH_FLOW])
def test_every_other_log_in_url_sends_people_to_the_one_log_in(url):
    response = Client().get(f"{url}?next=/forum/")
    assert response.status_code in (301, 302), url
    assert response["Location"] == f"{ALLAUTH_LOGIN}?next=%2Fforum%2F", url
    # A posted password is not looked at, let alone accepted.
    posted = Client().post(url, {"username": "someone@example.org", "password": "x"})
    assert posted.status_code in (301, 302) and posted["Location"].startswith(ALLAUTH_LOGIN), url


@pytest.mark.parametrize("url", [u for u in login_urls() if u not in ALLAUTH_FLOW])
def test_the_redirect_keeps_no_foreign_next(url):
    for target in ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]:
        response = Client().get(url, {"next": target})
        assert response["Location"] == ALLAUTH_LOGIN, (url, target)


def test_wagtail_sends_private_pages_to_the_one_log_in(settings):
    assert settings.WAGTAIL_FRONTEND_LOGIN_URL == ALLAUTH_LOGIN
    assert settings.LOGIN_URL == "account_login"
    assert settings.WAGTAILADMIN_LOGIN_URL == ALLAUTH_LOGIN


@pytest.mark.parametrize("url", login_urls())
def test_failed_sign_ins_anywhere_are_recorded_or_refused_before_any_password_check(url, role_user):
    member = role_user("member")
    client = Client()
    response = client.post(url, {"login": member.email, "username": member.email, "password": "wrong"})
    if response.status_code in (301, 302) and response["Location"].startswith(ALLAUTH_LOGIN):
        assert not LoginFailure.objects.exists(), "a redirect checks no password"
    else:
        assert LoginFailure.objects.filter(email=member.email).count() == 1, url
        assert AuditEvent.objects.filter(action="login_failed", subject=member).exists(), url


# --- The gate asks about this session, not about the account -------------------------------------


def _password_only_session(user):
    """A session signed in by Django's login() alone, as any other log-in view would make it."""
    client = Client()
    client.force_login(user, second_factor=False)
    return client


@pytest.mark.parametrize("role,path", [("member", "/forum/"), ("member", "/members/"), ("editor", "/admin/")])
def test_a_session_that_skipped_the_second_factor_is_sent_to_it(role, path, role_user):
    person = role_user(role)
    client = _password_only_session(person)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{ALLAUTH_LOGIN}?next={path.replace('/', '%2F')}"
    # The session is over: signing in again goes through allauth, code and all.
    assert SESSION_KEY not in client.session
    event = AuditEvent.objects.get(action="session_expired", subject=person)
    assert event.detail["reason"] == "no_second_factor"


def test_such_a_session_cannot_manage_the_second_factor_either(role_user):
    # /accounts/ is open to people setting up their first factor; not to a session that skipped one.
    member = role_user("member")
    client = _password_only_session(member)
    response = client.get("/accounts/2fa/")
    assert response.status_code == 302 and response["Location"].startswith(ALLAUTH_LOGIN)
    assert SESSION_KEY not in client.session


def test_the_test_clients_sign_in_records_the_second_factor(client, role_user):
    # What every other test relies on: client.force_login(user) stands for a full allauth sign-in.
    member = role_user("member")
    client.force_login(member)
    assert client.get("/forum/").status_code == 200
    plain = Client()
    plain.force_login(member)
    assert plain.get("/forum/").status_code == 200


def test_a_real_sign_in_passes_the_gate(client, role_user):
    from tests.members.test_login import secret_of

    member = role_user("member")
    assert sign_in_with_totp(client, member.email, secret_of(member)).status_code == 302
    assert client.get("/forum/").status_code == 200
