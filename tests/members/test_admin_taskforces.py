"""Task forces and members in the admin: task force validation, coordinators, reactivation, groups."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from members.models import AuditEvent, TaskForce, User
from members.roles import MEMBER, MODERATOR, RESEARCHER
from tests.factories import TaskForceFactory, UserFactory

TASK_FORCES = "/admin/membership/task-forces/"
MEMBERS = "/admin/membership/members/"
QUERY_BUDGET = 25


@pytest.fixture
def admin(role_user):
    return role_user("membership_admin")


@pytest.fixture
def admin_client(admin, client_for):
    return client_for(admin)


def queries_for(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def task_force_data(**overrides):
    data = {
        "name": "Lake Erie Anti-Trafficking Task Force",
        "state": "OH",
        "region": "5",
        "partner_agencies": "County Sheriff\nCity Police",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def members_of(task_force):
    return f"{TASK_FORCES}{task_force.pk}/members/"


# --- task forces ------------------------------------------------------------------


def test_create_a_task_force(admin_client):
    response = admin_client.post(
        f"{TASK_FORCES}new/",
        task_force_data(state="oh", partner_agencies="  County Sheriff \n\nCity Police\nCounty Sheriff\n"),
    )
    assert response.status_code == 302
    created = TaskForce.objects.get(name="Lake Erie Anti-Trafficking Task Force")
    assert created.state == "OH"
    assert created.region == 5
    assert created.partner_agency_list == ["County Sheriff", "City Police"]
    assert created.is_active


@pytest.mark.parametrize("state", ["XX", "O1", "Ohio", "", "<s"])
def test_state_must_be_a_two_letter_postal_code(admin_client, state):
    response = admin_client.post(f"{TASK_FORCES}new/", task_force_data(state=state))
    assert response.status_code == 200
    assert not TaskForce.objects.filter(name="Lake Erie Anti-Trafficking Task Force").exists()
    assert "The task force could not be created due to errors." in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "Central Ohio Human Trafficking Task Force",
        "central ohio human trafficking task force",
        "  Central  Ohio Human Trafficking Task Force ",
    ],
)
def test_task_force_names_are_unique_ignoring_case_and_spacing(admin_client, task_force, name):
    response = admin_client.post(f"{TASK_FORCES}new/", task_force_data(name=name))
    assert response.status_code == 200
    assert "A task force with this name already exists." in response.content.decode()
    assert TaskForce.objects.filter(name__iexact=task_force.name).count() == 1


def test_edit_a_task_force_keeping_its_own_name(admin_client, task_force):
    response = admin_client.post(
        f"{TASK_FORCES}edit/{task_force.pk}/",
        task_force_data(name=task_force.name, state="oh", is_active=""),
    )
    assert response.status_code == 302
    task_force.refresh_from_db()
    assert not task_force.is_active


def test_there_is_no_way_to_delete_a_task_force(admin_client, task_force):
    with pytest.raises(NoReverseMatch):
        reverse("membership_task_forces:delete", args=[task_force.pk])
    assert admin_client.post(f"{TASK_FORCES}delete/{task_force.pk}/").status_code == 404
    edit_page = admin_client.get(f"{TASK_FORCES}edit/{task_force.pk}/").content.decode()
    assert "delete" not in edit_page.lower().split("<main")[1]
    assert TaskForce.objects.filter(pk=task_force.pk).exists()


def test_task_force_list_shows_counts_and_links_to_members(admin_client, task_force, other_task_force):
    UserFactory(task_force=task_force)
    UserFactory(task_force=task_force)
    UserFactory(task_force=task_force, status=User.Status.PENDING)

    body = admin_client.get(TASK_FORCES).content.decode()

    assert task_force.name in body and other_task_force.name in body
    assert members_of(task_force) in body
    row = next(row for row in body.split("<tr") if task_force.name in row)
    # Two approved members plus the admin signed in (who belongs to it); the applicant is not counted.
    assert re.search(r"<td[^>]*>\s*3\s*</td>", row)


def test_task_force_list_query_count_does_not_grow(admin_client, django_assert_max_num_queries):
    one = queries_for(admin_client, TASK_FORCES)
    for n in range(18):
        UserFactory(task_force=TaskForceFactory(name=f"Counted Task Force {n}"))
    assert queries_for(admin_client, TASK_FORCES) == one
    with django_assert_max_num_queries(QUERY_BUDGET):
        admin_client.get(TASK_FORCES)


def test_hostile_task_force_name_is_escaped(admin_client):
    hostile = TaskForceFactory(name="<script>alert('tf')</script>")
    for url in [TASK_FORCES, members_of(hostile), f"{TASK_FORCES}edit/{hostile.pk}/"]:
        body = admin_client.get(url).content.decode()
        assert "<script>alert('tf')</script>" not in body, url


# --- a task force's members ---------------------------------------------------------


def test_task_force_members_lists_only_its_approved_members(admin_client, task_force, other_task_force):
    mine = UserFactory(task_force=task_force, full_name="Mine Approved")
    UserFactory(task_force=task_force, full_name="Mine Pending", status=User.Status.PENDING)
    UserFactory(task_force=task_force, full_name="Mine Rejected", status=User.Status.REJECTED)
    UserFactory(task_force=other_task_force, full_name="Theirs Approved")
    asleep = UserFactory(task_force=task_force, full_name="Mine Deactivated", is_active=False)

    body = admin_client.get(members_of(task_force)).content.decode()

    assert f"Members of {task_force.name}" in body
    assert "Mine Approved" in body and "Mine Deactivated" in body
    assert "Mine Pending" not in body and "Mine Rejected" not in body and "Theirs Approved" not in body
    assert f"/admin/membership/members/{mine.pk}/coordinator/" in body
    assert f"/admin/membership/members/{asleep.pk}/reactivate/" in body
    assert f"/admin/membership/members/{mine.pk}/reactivate/" not in body


def test_task_force_members_query_count_does_not_grow(
    admin_client, task_force, django_assert_max_num_queries
):
    UserFactory(task_force=task_force, groups=[MEMBER])
    url = members_of(task_force)
    one = queries_for(admin_client, url)
    for n in range(19):
        UserFactory(task_force=task_force, groups=[MEMBER, RESEARCHER], is_active=bool(n % 2))
    assert queries_for(admin_client, url) == one
    with django_assert_max_num_queries(QUERY_BUDGET):
        admin_client.get(url)


def test_unknown_task_force_members_is_not_found(admin_client):
    assert admin_client.get(f"{TASK_FORCES}999999/members/").status_code == 404


# --- coordinators ---------------------------------------------------------------


def test_designate_and_undesignate_a_coordinator_is_audited(admin, admin_client, task_force):
    member = UserFactory(task_force=task_force)
    url = f"{MEMBERS}{member.pk}/coordinator/"

    response = admin_client.post(url, {"is_coordinator": "1", "next": members_of(task_force)})
    assert response["Location"] == members_of(task_force)
    member.refresh_from_db()
    assert member.is_coordinator
    designated = AuditEvent.objects.get(action=AuditEvent.Action.COORDINATOR_CHANGED, subject=member)
    assert designated.actor == admin
    assert designated.detail == {"is_coordinator": True, "task_force": task_force.name}

    admin_client.post(url, {"is_coordinator": "0"})
    member.refresh_from_db()
    assert not member.is_coordinator
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.COORDINATOR_CHANGED, subject=member).count() == 2
    )


def test_designating_twice_is_audited_once(admin_client, task_force):
    member = UserFactory(task_force=task_force)
    url = f"{MEMBERS}{member.pk}/coordinator/"
    admin_client.post(url, {"is_coordinator": "1"})
    admin_client.post(url, {"is_coordinator": "1"})
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.COORDINATOR_CHANGED, subject=member).count() == 1
    )


@pytest.mark.parametrize("setup", ["no_task_force", "pending"])
def test_a_coordinator_must_be_an_approved_member_of_a_task_force(admin_client, setup):
    if setup == "no_task_force":
        member = UserFactory(task_force=None, other_task_force_name="Not Listed")
        expected = "A coordinator must belong to a task force."
    else:
        member = UserFactory(status=User.Status.PENDING)
        expected = "is not an approved member"
    response = admin_client.post(f"{MEMBERS}{member.pk}/coordinator/", {"is_coordinator": "1"}, follow=True)
    assert expected in response.content.decode()
    member.refresh_from_db()
    assert not member.is_coordinator
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.COORDINATOR_CHANGED).exists()


def test_next_cannot_send_the_admin_off_site(admin_client, task_force):
    member = UserFactory(task_force=task_force)
    response = admin_client.post(
        f"{MEMBERS}{member.pk}/coordinator/", {"is_coordinator": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == MEMBERS


# --- reactivation ---------------------------------------------------------------


def test_reactivate_a_deactivated_account_is_audited(admin, admin_client):
    asleep = UserFactory(is_active=False)
    response = admin_client.post(f"{MEMBERS}{asleep.pk}/reactivate/", follow=True)
    asleep.refresh_from_db()
    assert asleep.is_active and asleep.deactivated_at is None and asleep.last_login is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.REACTIVATED, subject=asleep)
    assert event.actor == admin
    assert "can sign in again" in response.content.decode()


def test_reactivating_an_active_account_changes_nothing(admin_client):
    awake = UserFactory()
    response = admin_client.post(f"{MEMBERS}{awake.pk}/reactivate/", follow=True)
    assert "is already active" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REACTIVATED).exists()


def test_member_actions_need_post(admin_client):
    asleep = UserFactory(is_active=False)
    assert admin_client.get(f"{MEMBERS}{asleep.pk}/reactivate/").status_code == 405
    assert admin_client.get(f"{MEMBERS}{asleep.pk}/coordinator/").status_code == 405
    asleep.refresh_from_db()
    assert not asleep.is_active


# --- the members list and groups ------------------------------------------------------


def test_members_list_shows_approved_accounts_with_their_groups(admin_client):
    UserFactory(full_name="Approved Researcher", groups=[MEMBER, RESEARCHER])
    UserFactory(full_name="Waiting Applicant", status=User.Status.PENDING)

    body = admin_client.get(MEMBERS).content.decode()

    assert "Approved Researcher" in body and "Member, Researcher" in body
    assert "Waiting Applicant" not in body


def test_members_list_filters_and_search(admin_client, task_force, other_task_force):
    UserFactory(full_name="Alpha Moderator", groups=[MEMBER, MODERATOR], task_force=task_force)
    UserFactory(full_name="Bravo Member", groups=[MEMBER], task_force=other_task_force)
    moderators = Group.objects.get(name=MODERATOR)

    by_group = admin_client.get(f"{MEMBERS}?group={moderators.pk}").content.decode()
    by_task_force = admin_client.get(f"{MEMBERS}?task_force={other_task_force.pk}").content.decode()
    by_search = admin_client.get(f"{MEMBERS}?q=bravo").content.decode()

    assert "Alpha Moderator" in by_group and "Bravo Member" not in by_group
    assert "Bravo Member" in by_task_force and "Alpha Moderator" not in by_task_force
    assert "Bravo Member" in by_search and "Alpha Moderator" not in by_search


def test_members_list_query_count_does_not_grow(admin_client, django_assert_max_num_queries):
    url = f"{MEMBERS}?q=counted"
    UserFactory(full_name="Counted 0", groups=[MEMBER])
    one = queries_for(admin_client, url)
    for n in range(19):
        UserFactory(full_name=f"Counted {n + 1}", groups=[MEMBER, RESEARCHER], is_coordinator=bool(n % 2))
    assert queries_for(admin_client, url) == one
    with django_assert_max_num_queries(QUERY_BUDGET):
        admin_client.get(url)


def test_changing_groups_is_audited_with_the_admin_as_actor(admin, admin_client):
    person = UserFactory(groups=[MEMBER, RESEARCHER])
    AuditEvent.objects.all().delete()
    moderators = Group.objects.get(name=MODERATOR)
    members = Group.objects.get(name=MEMBER)

    response = admin_client.post(f"{MEMBERS}{person.pk}/groups/", {"groups": [members.pk, moderators.pk]})

    assert response["Location"] == MEMBERS
    assert set(person.groups.values_list("name", flat=True)) == {MEMBER, MODERATOR}
    changes = {
        (e.detail["change"], tuple(e.detail["groups"]), e.actor_id)
        for e in AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGED, subject=person)
    }
    assert changes == {("remove", (RESEARCHER,), admin.pk), ("add", (MODERATOR,), admin.pk)}


def test_groups_page_shows_current_groups_ticked(admin_client):
    person = UserFactory(groups=[MEMBER, RESEARCHER])
    body = admin_client.get(f"{MEMBERS}{person.pk}/groups/").content.decode()
    researcher = Group.objects.get(name=RESEARCHER)
    assert f'value="{researcher.pk}" id="id_groups_' in body
    assert body.count(" checked") >= 2


@pytest.mark.parametrize("bad", ["999999", "abc", "1 OR 1=1"])
def test_changing_to_an_unknown_group_changes_nothing(admin_client, bad):
    person = UserFactory(groups=[MEMBER])
    before = AuditEvent.objects.count()
    response = admin_client.post(f"{MEMBERS}{person.pk}/groups/", {"groups": [bad]})
    assert response.status_code == 200
    assert "Nothing was changed" in response.content.decode()
    assert set(person.groups.values_list("name", flat=True)) == {MEMBER}
    assert AuditEvent.objects.count() == before


def test_groups_of_applicants_are_not_changed_here(admin_client):
    applicant = UserFactory(status=User.Status.PENDING)
    assert admin_client.get(f"{MEMBERS}{applicant.pk}/groups/").status_code == 404
    assert admin_client.post(f"{MEMBERS}{applicant.pk}/groups/", {"groups": []}).status_code == 404


def test_hostile_member_text_is_escaped(admin_client):
    UserFactory(full_name="<script>alert('m')</script>", task_force=None, other_task_force_name="<img src=x>")
    body = admin_client.get(MEMBERS).content.decode()
    assert "<script>alert('m')</script>" not in body
    assert "<img src=x>" not in body


def test_admin_groups_make_the_account_staff_so_a_second_factor_is_required(admin_client):
    from members import access

    person = UserFactory(groups=[MEMBER])
    editor = Group.objects.get(name="Editor")

    # An admin group without Member: still sent to set up a second factor before /admin/.
    admin_client.post(f"{MEMBERS}{person.pk}/groups/", {"groups": [editor.pk]})
    person.refresh_from_db()
    assert person.is_staff
    assert access.needs_mfa(person)

    admin_client.post(f"{MEMBERS}{person.pk}/groups/", {"groups": [Group.objects.get(name=MEMBER).pk]})
    person.refresh_from_db()
    assert not person.is_staff
