"""The Audit log screen: read-only, newest first, filtered by action, email and date."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from members.models import AuditEvent, User
from tests.factories import UserFactory

INDEX = "/admin/membership/audit-log/"
QUERY_BUDGET = 25


@pytest.fixture
def admin(role_user):
    return role_user("membership_admin")


@pytest.fixture
def admin_client(admin, client_for):
    return client_for(admin)


def event(action=AuditEvent.Action.LOGIN, *, subject=None, actor=None, minutes_ago=0, **extra):
    return AuditEvent.objects.create(
        action=action,
        subject=subject,
        subject_email=extra.pop("subject_email", subject.email if subject else ""),
        actor=actor,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        **extra,
    )


def listing(body):
    """Only the results table, so the filter form's own labels do not count as results."""
    if '<table class="listing">' not in body:
        return ""
    table = body.split('<table class="listing">', 1)[1]
    return table.split("</table>", 1)[0]


def rows(body):
    return listing(body).split("<tbody>")[-1].count("<tr")


def queries_for(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_shows_actor_subject_action_detail_ip_and_exact_time_newest_first(admin, admin_client):
    subject = UserFactory(email="officer.ruiz@agency.example.org", full_name="Dana Ruiz")
    event(AuditEvent.Action.LOGIN_FAILED, subject=subject, minutes_ago=30, ip_address="203.0.113.7")
    changed = event(
        AuditEvent.Action.ROLE_CHANGED,
        subject=subject,
        actor=admin,
        minutes_ago=5,
        ip_address="198.51.100.20",
        detail={"change": "add", "groups": ["Member", "Researcher"]},
    )

    body = admin_client.get(INDEX + "?email=officer.ruiz").content.decode()
    results = listing(body)

    assert results.index("Groups changed") < results.index("Failed log-in")
    assert "officer.ruiz@agency.example.org" in body
    assert f"{admin.full_name} &lt;{admin.email}&gt;" in body
    assert "change: add; groups: Member, Researcher" in body
    assert "198.51.100.20" in body and "203.0.113.7" in body
    assert "System" in body  # a failed log-in has no actor
    local = timezone.localtime(changed.created_at)
    assert local.strftime("%Y-%m-%d %H:%M:%S") in body


def test_filter_by_action(admin_client):
    subject = UserFactory(email="filter.me@agency.example.org")
    event(AuditEvent.Action.LOCKED, subject=subject)
    event(AuditEvent.Action.LOGOUT, subject=subject)

    body = admin_client.get(INDEX + "?action=locked&email=filter.me").content.decode()

    assert "Account locked" in listing(body)
    assert "Log-out" not in listing(body)
    assert rows(body) == 1


def test_filter_by_email_contains_ignores_case(admin_client):
    event(subject_email="Jordan.Lee@Sheriff.example.gov")
    event(subject_email="someone.else@agency.example.org")

    body = admin_client.get(INDEX + "?email=sheriff.EXAMPLE").content.decode()

    assert "Jordan.Lee@Sheriff.example.gov" in body
    assert "someone.else@agency.example.org" not in body
    assert rows(body) == 1


def test_filter_by_date(admin_client):
    event(subject_email="long.ago@agency.example.org", minutes_ago=60 * 24 * 10)
    event(subject_email="today@agency.example.org")
    since = (timezone.localdate() - timedelta(days=1)).isoformat()

    body = admin_client.get(f"{INDEX}?created_at_from={since}&email=agency.example.org").content.decode()

    assert "today@agency.example.org" in body
    assert "long.ago@agency.example.org" not in body


@pytest.mark.parametrize(
    "query",
    ["action=not-an-action", "email=" + "x" * 300, "created_at_from=yesterday", "action=login'--"],
)
def test_a_filter_that_does_not_validate_shows_nothing_rather_than_everything(admin_client, query):
    event(subject_email="visible@agency.example.org")
    body = admin_client.get(f"{INDEX}?{query}").content.decode()
    assert "visible@agency.example.org" not in body
    assert rows(body) == 0


def test_hostile_input_to_the_filter_is_just_text(admin_client):
    event(subject_email="plain@agency.example.org")
    response = admin_client.get(INDEX, {"email": "' OR 1=1 --"})
    assert response.status_code == 200
    assert rows(response.content.decode()) == 0
    assert AuditEvent.objects.filter(subject_email="plain@agency.example.org").exists()


def test_hostile_text_in_an_event_is_escaped(admin_client):
    event(
        subject_email="<script>alert(1)</script>@x.example",
        detail={"email": "<img src=x onerror=alert(2)>", "<b>key</b>": ["<i>v</i>"]},
    )
    body = admin_client.get(INDEX).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body
    assert "<b>key</b>" not in body and "<i>v</i>" not in body


def test_an_odd_detail_shape_still_shows(admin_client):
    event(subject_email="odd@agency.example.org", detail=["not", "a", "dict"])
    body = admin_client.get(INDEX).content.decode()
    assert "[&quot;not&quot;, &quot;a&quot;, &quot;dict&quot;]" in body


def test_paginated_at_fifty(admin_client):
    for n in range(60):
        event(subject_email=f"page{n:02d}@paging.example.org", minutes_ago=n)
    first = admin_client.get(INDEX + "?email=paging.example").content.decode()
    second = admin_client.get(INDEX + "?email=paging.example&p=2").content.decode()
    assert rows(first) == 50 and rows(second) == 10
    assert "page00@" in first and "page49@" in first and "page50@" in second


def test_query_count_does_not_grow_with_events(admin, admin_client, django_assert_max_num_queries):
    url = INDEX + "?email=counted.example"
    subject = UserFactory(email="a@counted.example")
    event(subject=subject, actor=admin)
    one = queries_for(admin_client, url)
    for n in range(19):
        other_actor = UserFactory()
        event(subject=UserFactory(email=f"b{n}@counted.example"), actor=other_actor, detail={"n": n})
    assert queries_for(admin_client, url) == one
    with django_assert_max_num_queries(QUERY_BUDGET):
        admin_client.get(url)


def test_read_only_there_is_no_way_to_change_or_delete(admin_client):
    entry = event(subject_email="keep@agency.example.org")
    for name in ["add", "edit", "delete", "inspect"]:
        with pytest.raises(NoReverseMatch):
            reverse(f"membership_audit:{name}", args=[entry.pk])
    assert admin_client.post(INDEX, {"action": "login"}).status_code == 405
    assert admin_client.get(f"{INDEX}{entry.pk}/delete/").status_code == 404
    entry.refresh_from_db()
    assert entry.subject_email == "keep@agency.example.org"


def test_decisions_made_in_the_admin_show_up_in_the_log(
    admin, admin_client, django_capture_on_commit_callbacks
):
    applicant = UserFactory(status=User.Status.PENDING, email="new.applicant@agency.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/membership/applications/{applicant.pk}/", {"action": "approve"})

    body = admin_client.get(INDEX + "?email=new.applicant").content.decode()

    assert "Application approved" in body
    assert "Groups changed" in body
    assert f"{admin.full_name} &lt;{admin.email}&gt;" in body


@pytest.mark.parametrize("role", ["moderator", "editor", "tta_staff", "reviewer"])
def test_only_membership_admins_and_superusers_see_it(role, role_user, client_for):
    assert client_for(role_user(role)).get(INDEX).status_code == 403
    assert client_for(role_user("superuser")).get(INDEX).status_code == 200
