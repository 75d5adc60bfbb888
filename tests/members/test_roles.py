"""Roles: the groups a migration creates, what each may do, and the role fixtures every matrix reuses."""

import pytest
from django.contrib.auth.models import Group

from members.roles import ALL_GROUPS
from tests.factories import ROLES

pytestmark = pytest.mark.django_db

ADMIN_ACCESS = "wagtailadmin.access_admin"


def test_the_migration_creates_the_seven_role_groups():
    # Other groups exist beside them (Wagtail's own "Editors" and "Moderators", the
    # forum's "Prosecutors"); the approval screen offers only these seven.
    expected = {"Member", "Moderator", "Editor", "Reviewer", "Researcher", "TTA staff", "Membership admin"}
    assert set(ALL_GROUPS) == expected
    assert expected <= set(Group.objects.values_list("name", flat=True))


def _permissions(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_only_staff_groups_open_the_admin_and_only_membership_admins_vet_applicants():
    opens_admin = {name for name in ALL_GROUPS if ADMIN_ACCESS in _permissions(name)}
    assert opens_admin == {"Moderator", "Editor", "Reviewer", "TTA staff", "Membership admin"}
    vetting = {name for name in ALL_GROUPS if "members.review_applications" in _permissions(name)}
    assert vetting == {"Membership admin"}
    assert _permissions("Member") == set()


def test_the_role_fixtures_cover_all_twelve_roles():
    assert ROLES == [
        "anonymous",
        "pending",
        "member",
        "other_task_force_member",
        "coordinator",
        "moderator",
        "editor",
        "reviewer",
        "researcher",
        "tta_staff",
        "membership_admin",
        "superuser",
    ]


def test_each_role_fixture_is_who_it_says_it_is(role_users):
    """Permissions follow the group: each fixture holds exactly its groups, and no more."""
    groups = {
        role: set(role_users[role].groups.values_list("name", flat=True)) if role_users[role] else None
        for role in ROLES
    }
    assert groups["anonymous"] is None
    assert groups["pending"] == set()
    for role in ["member", "other_task_force_member", "coordinator"]:
        assert groups[role] == {"Member"}, role
    assert groups["moderator"] == {"Member", "Moderator"}
    assert groups["editor"] == {"Member", "Editor"}
    assert groups["reviewer"] == {"Member", "Reviewer"}
    assert groups["researcher"] == {"Member", "Researcher"}
    assert groups["tta_staff"] == {"Member", "TTA staff"}
    assert groups["membership_admin"] == {"Member", "Membership admin"}
    assert role_users["superuser"].is_superuser
    assert role_users["coordinator"].is_coordinator and not role_users["member"].is_coordinator
    assert role_users["other_task_force_member"].task_force_id != role_users["member"].task_force_id
    assert role_users["coordinator"].task_force_id == role_users["member"].task_force_id
