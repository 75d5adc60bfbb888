"""The Locked accounts screen: locks in force, and releasing one (audited, POST with CSRF only)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members import lockout
from members.models import AccountLock, AuditEvent
from tests.factories import UserFactory

INDEX = "/admin/membership/locks/"
QUERY_BUDGET = 25


@pytest.fixture
def admin(role_user):
    return role_user("membership_admin")


@pytest.fixture
def admin_client(admin, client_for):
    return client_for(admin)


def lock_for(email, user=None, *, minutes_left=30, released=False):
    now = timezone.now()
    return AccountLock.objects.create(
        email=email,
        user=user,
        locked_at=now - timedelta(minutes=1),
        locked_until=now + timedelta(minutes=minutes_left),
        released_at=now if released else None,
    )


def release_url(lock):
    return f"{INDEX}{lock.pk}/release/"


def queries_for(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_lists_only_locks_in_force(admin_client):
    person = UserFactory(email="locked.out@agency.example.org", full_name="Locked Person")
    lock_for(person.email, person)
    lock_for("nobody@unknown.example.org")
    lock_for("expired@agency.example.org", minutes_left=-1)
    lock_for("released@agency.example.org", released=True)

    body = admin_client.get(INDEX).content.decode()

    assert "locked.out@agency.example.org" in body and "Locked Person" in body
    assert "nobody@unknown.example.org" in body and "No account with this email" in body
    assert "expired@agency.example.org" not in body
    assert "released@agency.example.org" not in body


def test_release_ends_the_lock_and_is_audited(admin, admin_client):
    person = UserFactory(email="release.me@agency.example.org")
    lock = lock_for(person.email, person)
    assert lockout.is_locked(person.email)

    response = admin_client.post(release_url(lock), follow=True)

    lock.refresh_from_db()
    assert lock.released_at is not None and lock.released_by == admin
    assert not lockout.is_locked(person.email)
    event = AuditEvent.objects.get(action=AuditEvent.Action.RELEASED)
    assert event.actor == admin and event.subject == person
    assert event.ip_address == "127.0.0.1"
    body = response.content.decode()
    assert "The lock on release.me@agency.example.org is released" in body
    assert "There are no locked accounts to display." in body


def test_release_of_an_address_without_an_account_is_audited_by_email(admin, admin_client):
    lock = lock_for("typo@agency.example.org")
    admin_client.post(release_url(lock))
    event = AuditEvent.objects.get(action=AuditEvent.Action.RELEASED)
    assert event.subject is None and event.subject_email == "typo@agency.example.org"


def test_failures_before_a_release_no_longer_count(admin, admin_client, settings):
    email = "counted@agency.example.org"
    for _ in range(settings.LOCKOUT_THRESHOLD):
        lockout.record_failure(email)
    lock = lockout.active_lock(email)
    assert lock is not None

    admin_client.post(release_url(lock))
    lockout.record_failure(email)

    assert not lockout.is_locked(email)


def test_releasing_twice_is_audited_once(admin, admin_client):
    lock = lock_for("twice@agency.example.org")
    stale_copy = AccountLock.objects.get(pk=lock.pk)

    admin_client.post(release_url(lock))
    lockout.release(stale_copy, by=admin)
    response = admin_client.post(release_url(lock), follow=True)

    assert AuditEvent.objects.filter(action=AuditEvent.Action.RELEASED).count() == 1
    assert "had already been released" in response.content.decode()


def test_release_needs_post(admin_client):
    lock = lock_for("get@agency.example.org")
    assert admin_client.get(release_url(lock)).status_code == 405
    lock.refresh_from_db()
    assert lock.released_at is None


def test_release_needs_the_csrf_token(admin):
    lock = lock_for("csrf@agency.example.org")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    assert client.post(release_url(lock)).status_code == 403
    lock.refresh_from_db()
    assert lock.released_at is None

    page = client.get(INDEX).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert client.post(release_url(lock), {"csrfmiddlewaretoken": token}).status_code == 302
    lock.refresh_from_db()
    assert lock.released_at is not None


def test_unknown_lock_is_not_found(admin_client):
    assert admin_client.post(f"{INDEX}999999/release/").status_code == 404


@pytest.mark.parametrize("role", ["moderator", "editor", "member"])
def test_others_cannot_release(role, role_user, client_for):
    lock = lock_for("stays.locked@agency.example.org")
    response = client_for(role_user(role)).post(release_url(lock))
    assert response.status_code in (302, 403)
    lock.refresh_from_db()
    assert lock.released_at is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.RELEASED).exists()


def test_the_release_service_itself_refuses_non_admins(role_user):
    lock = lock_for("service@agency.example.org")
    with pytest.raises(PermissionDenied):
        lockout.release(lock, by=role_user("moderator"))
    lock.refresh_from_db()
    assert lock.released_at is None


def test_hostile_email_on_a_lock_is_escaped(admin_client):
    lock_for("<script>alert(1)</script>@x.example")
    body = admin_client.get(INDEX).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;@x.example" in body


def test_query_count_does_not_grow_with_locks(admin_client, django_assert_max_num_queries):
    person = UserFactory()
    lock_for(person.email, person)
    one = queries_for(admin_client, INDEX)
    for n in range(19):
        other = UserFactory()
        lock_for(other.email, other if n % 2 else None)
    assert queries_for(admin_client, INDEX) == one
    with django_assert_max_num_queries(QUERY_BUDGET):
        admin_client.get(INDEX)
