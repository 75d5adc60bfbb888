"""Forum rights are shared between members with the same groups, and never outlive a change.

forum.access keys the shared result by the group names loaded fresh on every
request, and a version bumped whenever categories, their permission rows or
groups change. These tests go through the site as a member would, so a stale
result would show as a page that should no longer open.
"""

from django.contrib.auth.models import Group

from forum import access
from forum.access import PROSECUTORS
from forum.models import CategoryPermission
from tests.forum.factories import CategoryFactory, start_topic


def _fresh(user):
    """The user as the next request loads it: nothing cached on the object."""
    return type(user).objects.get(pk=user.pk)


def test_members_with_the_same_groups_share_one_computation(
    member, peer, open_category, prosecutors, django_assert_num_queries
):
    first = _fresh(member)
    access.is_member(first)
    access.forum_access(first)
    second = _fresh(peer)
    access.is_member(second)  # loads the groups, which are the key
    with django_assert_num_queries(0):
        assert access.forum_access(second) == access.forum_access(first)


def test_a_member_removed_from_a_group_loses_its_categories_on_the_next_request(
    client_for, prosecutor, prosecutors, role_user
):
    other_prosecutor = role_user("member", full_name="Dana Ruiz")
    other_prosecutor.groups.add(Group.objects.get(name=PROSECUTORS))
    topic = start_topic(other_prosecutor, prosecutors, title="Plea terms in labor cases")
    client = client_for(prosecutor)
    assert client.get(f"/forum/t/{topic.pk}/").status_code == 200
    prosecutor.groups.remove(Group.objects.get(name=PROSECUTORS))
    assert client.get(f"/forum/t/{topic.pk}/").status_code == 404
    assert b"Plea terms" not in client.get("/forum/latest/").content
    # The shared result for prosecutors was not touched by one member leaving.
    assert client_for(other_prosecutor).get(f"/forum/t/{topic.pk}/").status_code == 200


def test_a_member_removed_from_the_member_group_gets_nothing(client_for, member, open_category):
    topic = start_topic(member, open_category)
    client = client_for(member)
    assert client.get(f"/forum/t/{topic.pk}/").status_code == 200
    member.groups.remove(Group.objects.get(name="Member"))
    assert client.get(f"/forum/t/{topic.pk}/").status_code in (302, 403, 404)


def test_a_new_permission_row_closes_a_category_at_once(client_for, member, prosecutor, open_category):
    topic = start_topic(member, open_category, title="Shelter intake checklists")
    client = client_for(member)
    assert client.get(f"/forum/t/{topic.pk}/").status_code == 200
    CategoryPermission.objects.create(category=open_category, group=Group.objects.get(name=PROSECUTORS))
    assert client.get(f"/forum/t/{topic.pk}/").status_code == 404
    assert client_for(prosecutor).get(f"/forum/t/{topic.pk}/").status_code == 200


def test_a_removed_permission_row_and_a_moved_category_count_too(member, prosecutors):
    child = CategoryFactory(name="Open notes", slug="open-notes")
    assert child.pk in access.forum_access(_fresh(member)).read
    child.parent = prosecutors
    child.save()
    assert child.pk not in access.forum_access(_fresh(member)).read
    CategoryPermission.objects.filter(category=prosecutors).delete()  # signals per row
    assert prosecutors.pk in access.forum_access(_fresh(member)).read


def test_a_renamed_group_does_not_inherit_the_old_names_rights(member, prosecutors):
    before = access.forum_access(_fresh(member))
    assert prosecutors.pk not in before.read
    group = Group.objects.get(name=PROSECUTORS)
    group.name = "Former prosecutors"
    group.save()
    member.groups.add(Group.objects.create(name=PROSECUTORS))
    assert prosecutors.pk not in access.forum_access(_fresh(member)).read
