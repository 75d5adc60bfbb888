"""The Applications screen in the Wagtail admin, and who may reach any membership screen at all."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.utils import timezone

from members.models import AccountLock, AuditEvent, User
from members.roles import MEMBER, RESEARCHER
from members.services import REASON_MAX_LENGTH
from tests.factories import TaskForceFactory, UserFactory

INDEX = "/admin/membership/applications/"
# Wagtail's admin furniture (session, permissions, sidebar) costs about 17
# queries on any admin page; a screen gets a few more of its own.
QUERY_BUDGET = 25


def review(applicant):
    return f"{INDEX}{applicant.pk}/"


def pending(**extra):
    extra.setdefault("status", User.Status.PENDING)
    return UserFactory(**extra)


@pytest.fixture
def admin(role_user):
    return role_user("membership_admin")


@pytest.fixture
def admin_client(admin, client_for):
    return client_for(admin)


def group_names(user):
    return set(user.groups.values_list("name", flat=True))


def queries_for(client, url):
    # The first request of a session sets it up (timeout stamps, Wagtail profile); measure a later one.
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# --- the list -----------------------------------------------------------------


def test_lists_pending_applicants_oldest_first_with_what_they_told_us(admin_client, task_force):
    now = timezone.now()
    newer = pending(full_name="Newer Applicant", date_joined=now - timedelta(days=1))
    older = pending(
        full_name="Older Applicant",
        date_joined=now - timedelta(days=5),
        task_force=None,
        other_task_force_name="Tri-County Human Trafficking Coalition",
        agency="Tri-County Prosecutor",
        work_phone="555-0199",
        access_reason="Prosecutor assigned to the labor trafficking docket.",
        claimed_role="prosecutor",
    )
    UserFactory(full_name="Already Approved Person")

    body = admin_client.get(INDEX).content.decode()

    assert body.index("Older Applicant") < body.index("Newer Applicant")
    for shown in [
        older.email,
        "Tri-County Prosecutor",
        "Prosecutor",
        "Other: Tri-County Human Trafficking Coalition",
        "555-0199",
        "Prosecutor assigned to the labor trafficking docket.",
        newer.task_force.name,
    ]:
        assert shown in body
    assert "Already Approved Person" not in body


def test_list_flags_an_address_the_applicant_has_not_confirmed(admin_client):
    confirmed = pending(full_name="Confirmed Address")
    unconfirmed = pending(full_name="Unconfirmed Address")
    EmailAddress.objects.filter(user=unconfirmed).update(verified=False)

    body = admin_client.get(INDEX).content.decode()

    rows = {
        name: row
        for row in body.split("<tr")
        for name in ["Confirmed Address", "Unconfirmed Address"]
        if name in row
    }
    assert "Not yet confirmed" in rows["Unconfirmed Address"]
    assert "Not yet confirmed" not in rows["Confirmed Address"]
    assert confirmed.email in rows["Confirmed Address"]


def test_list_is_paginated(admin_client):
    now = timezone.now()
    for n in range(30):
        pending(full_name=f"Applicant {n:02d}", date_joined=now - timedelta(hours=100 - n))

    first = admin_client.get(INDEX).content.decode()
    second = admin_client.get(INDEX + "?p=2").content.decode()

    assert "Applicant 00" in first and "Applicant 24" in first and "Applicant 25" not in first
    assert "Applicant 25" in second and "Applicant 29" in second and "Applicant 00" not in second


def test_list_query_count_does_not_grow_with_applicants(admin_client, django_assert_max_num_queries):
    pending()
    one = queries_for(admin_client, INDEX)
    for _ in range(19):
        pending(task_force=None, other_task_force_name="Somewhere Else")
    assert queries_for(admin_client, INDEX) == one
    with django_assert_max_num_queries(QUERY_BUDGET):
        admin_client.get(INDEX)


def test_review_page_query_count(admin_client, django_assert_max_num_queries):
    applicant = pending()
    admin_client.get(review(applicant))
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert admin_client.get(review(applicant)).status_code == 200


def test_hostile_text_from_an_applicant_is_escaped(admin_client):
    applicant = pending(
        full_name="<script>alert('name')</script>",
        agency='"><img src=x onerror=alert(1)>',
        access_reason="<iframe src=//evil.example></iframe>",
        other_task_force_name="<b>bold</b>",
        task_force=None,
    )
    for url in [INDEX, review(applicant)]:
        body = admin_client.get(url).content.decode()
        assert "<script>alert('name')</script>" not in body
        assert "&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt;" in body
        assert "<img src=x" not in body
        assert "<iframe src=//evil.example>" not in body
        assert "<b>bold</b>" not in body


# --- approving and rejecting one applicant -----------------------------------------


def test_approve_sets_status_groups_audit_and_emails(admin, admin_client, django_capture_on_commit_callbacks):
    applicant = pending(claimed_role="researcher")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            review(applicant), {"action": "approve", "approve-groups": [RESEARCHER]}, follow=True
        )

    applicant.refresh_from_db()
    assert applicant.status == User.Status.APPROVED
    assert applicant.decided_by == admin
    assert group_names(applicant) == {MEMBER, RESEARCHER}
    event = AuditEvent.objects.get(action=AuditEvent.Action.APPROVED, subject=applicant)
    assert event.actor == admin
    assert event.detail["groups"] == [MEMBER, RESEARCHER]
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert "approved" in mail.outbox[0].subject
    assert "approved into Member, Researcher" in response.content.decode()


def test_approval_form_suggests_groups_from_the_claimed_role(admin_client):
    researcher = pending(claimed_role="researcher")
    officer = pending(claimed_role="law_enforcement")

    researcher_page = admin_client.get(review(researcher)).content.decode()
    officer_page = admin_client.get(review(officer)).content.decode()

    ticked_researcher = re.compile(r'value="Researcher" id="id_approve-groups_\d+" checked')
    assert ticked_researcher.search(researcher_page)
    assert 'value="Researcher"' in officer_page and not ticked_researcher.search(officer_page)
    # Wagtail's own page-permission groups are not roles and are not offered.
    assert 'value="Editors"' not in officer_page
    assert 'value="Member"' not in officer_page  # always given, shown as a fixed tick


def test_a_claimed_role_alone_grants_nothing(admin_client, django_capture_on_commit_callbacks):
    applicant = pending(claimed_role="researcher")

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(review(applicant), {"action": "approve"})

    applicant.refresh_from_db()
    assert applicant.status == User.Status.APPROVED
    assert group_names(applicant) == {MEMBER}


@pytest.mark.parametrize("group", ["Editors", "Superusers", "'; DROP TABLE auth_group; --", "x" * 5000])
def test_approving_into_an_unknown_group_changes_nothing(
    admin_client, group, django_capture_on_commit_callbacks
):
    applicant = pending()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(review(applicant), {"action": "approve", "approve-groups": [group]})

    assert response.status_code == 200
    assert "Nothing was changed" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.status == User.Status.PENDING
    assert group_names(applicant) == set()
    assert not AuditEvent.objects.filter(subject=applicant).exists()
    assert mail.outbox == []
    assert Group.objects.filter(name=MEMBER).exists()


def test_reject_records_and_emails_the_reason(admin, admin_client, django_capture_on_commit_callbacks):
    applicant = pending()
    reason = "We could not confirm your task force membership with the coordinator."

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(review(applicant), {"action": "reject", "reject-reason": reason})

    applicant.refresh_from_db()
    assert applicant.status == User.Status.REJECTED
    assert applicant.rejection_reason == reason
    assert group_names(applicant) == set()
    event = AuditEvent.objects.get(action=AuditEvent.Action.REJECTED, subject=applicant)
    assert event.actor == admin and event.detail["reason"] == reason
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [applicant.email]
    assert reason in mail.outbox[0].body


@pytest.mark.parametrize("reason", ["", "   \n  ", "x" * (REASON_MAX_LENGTH + 1)])
def test_reject_needs_a_reason_of_sensible_length(admin_client, reason, django_capture_on_commit_callbacks):
    applicant = pending()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(review(applicant), {"action": "reject", "reject-reason": reason})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was changed" in body
    applicant.refresh_from_db()
    assert applicant.status == User.Status.PENDING
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(subject=applicant).exists()


def test_an_unknown_action_changes_nothing(admin_client):
    applicant = pending()
    response = admin_client.post(review(applicant), {"action": "delete"}, follow=True)
    assert "Choose approve or reject." in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.status == User.Status.PENDING


@pytest.mark.parametrize("decided", [User.Status.APPROVED, User.Status.REJECTED])
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_deciding_an_already_decided_applicant_says_so_and_changes_nothing(
    admin_client, role_user, decided, action, django_capture_on_commit_callbacks
):
    earlier_admin = role_user("superuser")
    applicant = UserFactory(status=decided, decided_by=earlier_admin, rejection_reason="Earlier reason")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            review(applicant),
            {"action": action, "reject-reason": "Again", "approve-groups": [RESEARCHER]},
            follow=True,
        )

    body = response.content.decode()
    assert "is not pending" in body
    assert "This application has been decided" in body
    applicant.refresh_from_db()
    assert applicant.status == decided
    assert applicant.decided_by == earlier_admin
    assert applicant.rejection_reason == "Earlier reason"
    assert group_names(applicant) == set()
    assert not AuditEvent.objects.filter(subject=applicant).exists()
    assert mail.outbox == []


def test_reviewing_an_unknown_applicant_is_not_found(admin_client):
    assert admin_client.get(f"{INDEX}999999/").status_code == 404


# --- bulk decisions -----------------------------------------------------------


def test_bulk_approve_three_as_member_only(admin, admin_client, django_capture_on_commit_callbacks):
    applicants = [pending(claimed_role="researcher") for _ in range(3)]
    left_alone = pending()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            INDEX, {"action": "approve", "applicants": [a.pk for a in applicants]}, follow=True
        )

    assert "3 applicants approved as Member" in response.content.decode()
    for applicant in applicants:
        applicant.refresh_from_db()
        assert applicant.status == User.Status.APPROVED
        assert group_names(applicant) == {MEMBER}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.APPROVED, actor=admin).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.email for a in applicants)
    left_alone.refresh_from_db()
    assert left_alone.status == User.Status.PENDING


def test_bulk_reject_three_with_one_reason(admin, admin_client, django_capture_on_commit_callbacks):
    applicants = [pending() for _ in range(3)]
    reason = "Task Force Commons is open to ECM-funded task forces only."

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            INDEX, {"action": "reject", "applicants": [a.pk for a in applicants], "reason": reason}
        )

    for applicant in applicants:
        applicant.refresh_from_db()
        assert applicant.status == User.Status.REJECTED
        assert applicant.rejection_reason == reason
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REJECTED, actor=admin).count() == 3
    assert len(mail.outbox) == 3
    assert all(reason in m.body for m in mail.outbox)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda chosen: {"action": "approve"}, "Select at least one applicant."),
        (lambda chosen: {"action": "reject", "reason": "Not eligible."}, "Select at least one applicant."),
        (lambda chosen: {"action": "reject", "reason": "  ", "applicants": chosen}, "Give a reason"),
        (lambda chosen: {"action": "explode", "applicants": chosen}, "Choose approve or reject."),
        (lambda chosen: {"action": "approve", "applicants": ["abc"]}, "not understood"),
        (lambda chosen: {"action": "approve", "applicants": ["999999"]}, "no longer exists"),
        (lambda chosen: {"action": "approve", "applicants": ["1 OR 1=1"]}, "not understood"),
    ],
)
def test_bulk_errors_are_explained_and_change_nothing(
    admin_client, build, message, django_capture_on_commit_callbacks
):
    applicants = [pending() for _ in range(2)]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(INDEX, build([a.pk for a in applicants]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was changed" in body and message in body
    assert User.objects.filter(pk__in=[a.pk for a in applicants], status=User.Status.PENDING).count() == 2
    assert not AuditEvent.objects.filter(subject__in=applicants).exists()
    assert mail.outbox == []


def test_bulk_keeps_the_selection_when_it_fails(admin_client):
    applicants = [pending() for _ in range(2)]
    response = admin_client.post(INDEX, {"action": "reject", "applicants": [applicants[0].pk], "reason": ""})
    body = response.content.decode()
    assert f'value="{applicants[0].pk}" id="applicants-{applicants[0].pk}" checked' in body
    assert f'value="{applicants[1].pk}" id="applicants-{applicants[1].pk}">' in body


def test_bulk_is_all_or_nothing_when_one_was_already_decided(
    admin_client, django_capture_on_commit_callbacks
):
    waiting = [pending() for _ in range(2)]
    decided = UserFactory(status=User.Status.APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            INDEX, {"action": "approve", "applicants": [*[a.pk for a in waiting], decided.pk]}
        )

    body = response.content.decode()
    assert "Nothing was changed" in body and f"{decided.email} is not pending" in body
    for applicant in waiting:
        applicant.refresh_from_db()
        assert applicant.status == User.Status.PENDING
        assert group_names(applicant) == set()
    assert not AuditEvent.objects.filter(subject__in=waiting).exists()
    assert mail.outbox == []


def test_bulk_refuses_a_forged_selection_of_hundreds(admin_client):
    applicants = [pending() for _ in range(3)]
    ids = [a.pk for a in applicants] * 40
    response = admin_client.post(INDEX, {"action": "approve", "applicants": ids})
    # Duplicates collapse to three real applicants, so this is a normal approval.
    assert response.status_code == 302
    many = [pending() for _ in range(101)]
    response = admin_client.post(INDEX, {"action": "approve", "applicants": [a.pk for a in many]})
    assert "Select at most 100" in response.content.decode()
    assert User.objects.filter(pk__in=[a.pk for a in many], status=User.Status.PENDING).count() == 101


# --- who gets in ----------------------------------------------------------------


def membership_urls():
    """Every URL the membership ViewSets register, found from the URL map, so a new one cannot slip by."""
    admin_resolver = next(p for p in get_resolver().url_patterns if str(p.pattern) == "admin/")
    urls = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif namespace and namespace.startswith("membership_"):
                kwargs = {name: 1 for name in pattern.pattern.converters}
                urls.append(reverse(f"{namespace}:{pattern.name}", kwargs=kwargs))

    walk(admin_resolver.url_patterns, None)
    return urls


def test_the_membership_screens_are_all_found():
    urls = membership_urls()
    for expected in [
        "/admin/membership/applications/",
        "/admin/membership/applications/1/",
        "/admin/membership/members/",
        "/admin/membership/members/1/groups/",
        "/admin/membership/members/1/coordinator/",
        "/admin/membership/members/1/reactivate/",
        "/admin/membership/task-forces/",
        "/admin/membership/task-forces/new/",
        "/admin/membership/task-forces/edit/1/",
        "/admin/membership/task-forces/1/members/",
        "/admin/membership/locks/",
        "/admin/membership/locks/1/release/",
        "/admin/membership/audit-log/",
    ]:
        assert expected in urls
    assert not [url for url in urls if "delete" in url]


@pytest.mark.parametrize("role", ["moderator", "editor", "reviewer", "tta_staff"])
def test_other_admin_roles_get_403_everywhere(role, role_user, client_for):
    client = client_for(role_user(role))
    for url in membership_urls():
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"action": "approve"}).status_code == 403, url


@pytest.mark.parametrize("role", ["member", "researcher", "coordinator"])
def test_members_without_admin_access_are_kept_out(role, role_user, client_for):
    client = client_for(role_user(role))
    for url in membership_urls():
        response = client.get(url)
        # Wagtail refuses anyone without admin access before our views run: a
        # 403, or (as Wagtail does today) a redirect to the log-in page.
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url


def test_anonymous_is_sent_to_log_in(client):
    for url in membership_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"/accounts/login/?next={url}"), url


def test_pending_applicants_never_reach_the_admin(role_user, client_for):
    client = client_for(role_user("pending"))
    for url in membership_urls():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/members/pending/", url


@pytest.mark.parametrize("role", ["moderator", "member", "anonymous"])
def test_posts_from_others_change_nothing(
    role, role_user, client_for, task_force, django_capture_on_commit_callbacks
):
    applicant = pending()
    coordinator = role_user("coordinator")
    deactivated = UserFactory(is_active=False)
    lock = AccountLock.objects.create(
        email="locked@agency.example.org", locked_until=timezone.now() + timedelta(minutes=30)
    )
    client = client_for(role_user(role))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(review(applicant), {"action": "approve"})
        client.post(INDEX, {"action": "reject", "applicants": [applicant.pk], "reason": "No."})
        client.post(f"/admin/membership/members/{coordinator.pk}/coordinator/", {"is_coordinator": "0"})
        client.post(f"/admin/membership/members/{deactivated.pk}/reactivate/")
        client.post(f"/admin/membership/locks/{lock.pk}/release/")
        client.post(f"/admin/membership/members/{coordinator.pk}/groups/", {"groups": []})
        client.post(
            f"/admin/membership/task-forces/edit/{task_force.pk}/",
            {"name": "Renamed", "state": "OH", "region": 5},
        )

    applicant.refresh_from_db()
    coordinator.refresh_from_db()
    deactivated.refresh_from_db()
    lock.refresh_from_db()
    task_force.refresh_from_db()
    assert applicant.status == User.Status.PENDING
    assert coordinator.is_coordinator and group_names(coordinator) == {MEMBER}
    assert not deactivated.is_active
    assert lock.released_at is None
    assert task_force.name == "Central Ohio Human Trafficking Task Force"
    assert mail.outbox == []


def test_superusers_can_use_every_list(role_user, client_for):
    client = client_for(role_user("superuser"))
    for url in [
        INDEX,
        "/admin/membership/members/",
        "/admin/membership/task-forces/",
        "/admin/membership/locks/",
        "/admin/membership/audit-log/",
    ]:
        assert client.get(url).status_code == 200, url


def test_the_membership_menu_and_pending_count_show_only_to_membership_admins(
    admin_client, role_user, client_for
):
    pending()
    pending()

    dashboard = admin_client.get("/admin/").content.decode()
    assert "Membership" in dashboard
    assert "Applications (2)" in dashboard
    for screen in [
        "membership/members/",
        "membership/task-forces/",
        "membership/locks/",
        "membership/audit-log/",
    ]:
        assert f"/admin/{screen}" in dashboard

    other = client_for(role_user("moderator")).get("/admin/").content.decode()
    assert "/admin/membership/" not in other
    assert "Applications (2)" not in other


# --- two admins at once ----------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_admins_deciding_at_once_decide_once(role_user):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections
    from django.test import Client

    applicant = pending()
    admins = [role_user("membership_admin"), role_user("superuser")]
    start = Barrier(2)

    def decide(admin, data):
        client = Client()
        client.force_login(admin)
        start.wait()
        try:
            return client.post(review(applicant), data, follow=True).content.decode()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        pages = list(
            pool.map(
                decide,
                admins,
                [{"action": "approve"}, {"action": "reject", "reject-reason": "Duplicate account."}],
            )
        )

    applicant.refresh_from_db()
    assert applicant.status in (User.Status.APPROVED, User.Status.REJECTED)
    assert sum("is not pending" in page for page in pages) == 1
    decisions = AuditEvent.objects.filter(
        subject=applicant, action__in=[AuditEvent.Action.APPROVED, AuditEvent.Action.REJECTED]
    )
    assert decisions.count() == 1
    assert len(mail.outbox) == 1


def test_approving_into_an_admin_group_makes_the_account_staff(
    admin_client, django_capture_on_commit_callbacks
):
    applicant = pending()
    plain = pending()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(review(applicant), {"action": "approve", "approve-groups": ["Moderator"]})
        admin_client.post(review(plain), {"action": "approve"})
    applicant.refresh_from_db()
    plain.refresh_from_db()
    assert applicant.is_staff and not plain.is_staff


# --- every member belongs to one task force ------------------------------------------


def test_an_applicant_who_chose_other_is_approved_into_the_task_force_the_admin_picks(
    admin, admin_client, django_capture_on_commit_callbacks
):
    applicant = pending(task_force=None, other_task_force_name="Tri-County Response Team")
    tri_county = TaskForceFactory(name="Tri-County Human Trafficking Response Team")
    page = admin_client.get(review(applicant)).content.decode()
    assert "They chose “Other” and typed “Tri-County Response Team”" in page

    refused = admin_client.post(review(applicant), {"action": "approve"})
    assert "Choose the applicant&#x27;s task force: every member belongs to one." in refused.content.decode()
    applicant.refresh_from_db()
    assert applicant.status == User.Status.PENDING and not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(review(applicant), {"action": "approve", "approve-task_force": tri_county.pk})
    applicant.refresh_from_db()
    assert applicant.status == User.Status.APPROVED
    assert applicant.task_force == tri_county
    event = AuditEvent.objects.get(action=AuditEvent.Action.APPROVED, subject=applicant)
    assert event.detail["task_force"] == tri_county.name


def test_approval_keeps_the_chosen_task_force_unless_the_admin_corrects_it(admin_client, other_task_force):
    applicant = pending()
    chosen = applicant.task_force
    admin_client.post(review(applicant), {"action": "approve"})
    applicant.refresh_from_db()
    assert applicant.status == User.Status.APPROVED and applicant.task_force == chosen

    corrected = pending()
    admin_client.post(review(corrected), {"action": "approve", "approve-task_force": other_task_force.pk})
    corrected.refresh_from_db()
    assert corrected.task_force == other_task_force


@pytest.mark.parametrize("bogus", ["999999", "abc", "<script>"])
def test_approving_into_an_unknown_or_retired_task_force_changes_nothing(admin_client, bogus):
    applicant = pending(task_force=None, other_task_force_name="Unlisted")
    retired = TaskForceFactory(name="Retired Task Force", is_active=False)
    for value in [bogus, str(retired.pk)]:
        response = admin_client.post(review(applicant), {"action": "approve", "approve-task_force": value})
        assert "Select a valid choice" in response.content.decode()
        applicant.refresh_from_db()
        assert applicant.status == User.Status.PENDING and applicant.task_force is None


def test_bulk_approval_refuses_an_applicant_without_a_task_force_and_changes_nothing(admin_client):
    listed = pending()
    unlisted = pending(task_force=None, other_task_force_name="Harbor Patrol Task Group")
    response = admin_client.post(
        INDEX, {"action": "approve", "applicants": [listed.pk, unlisted.pk]}, follow=True
    )
    body = response.content.decode()
    assert "Nothing was changed." in body and "Harbor Patrol Task Group" in body
    for applicant in (listed, unlisted):
        applicant.refresh_from_db()
        assert applicant.status == User.Status.PENDING
    assert not mail.outbox
