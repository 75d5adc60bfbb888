"""Forum fixtures: an open category, a prosecutors-only one, and members who write in them."""

import pytest
from django.contrib.auth.models import Group

from forum.access import PROSECUTORS
from tests.forum.factories import CategoryFactory, prosecutors_category


@pytest.fixture
def open_category(db):
    return CategoryFactory(name="Investigations", slug="investigations")


@pytest.fixture
def prosecutors(db):
    return prosecutors_category()


@pytest.fixture
def member(role_user):
    return role_user("member")


@pytest.fixture
def peer(role_user):
    return role_user("other_task_force_member")


@pytest.fixture
def moderator(role_user):
    return role_user("moderator")


@pytest.fixture
def prosecutor(role_user):
    user = role_user("member", full_name="Alicia Chen")
    user.groups.add(Group.objects.get(name=PROSECUTORS))
    return user
