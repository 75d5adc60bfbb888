"""The signed-in member's groups and second factor are loaded with their account (members.backends):
no query of their own on any page, and exactly as fresh as before, read again on every request."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import access
from members.backends import LockAwareAuthenticationBackend
from members.roles import MEMBER, MODERATOR

pytestmark = pytest.mark.django_db


def _queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [q["sql"] for q in captured.captured_queries]


def test_a_member_page_asks_for_groups_and_second_factor_only_inside_the_user_query(role_user, client_for):
    client = client_for(role_user("member"))
    response, queries = _queries_of(client, "/members/")
    assert response.status_code == 200
    user_queries = [q for q in queries if 'FROM "members_user"' in q and "mfa_authenticator" in q]
    assert len(user_queries) == 1 and "members_user_groups" in user_queries[0]
    on_their_own = [
        q
        for q in queries
        if q not in user_queries and (q.lstrip().startswith('SELECT 1 AS "a" FROM "mfa_authenticator"'))
    ]
    assert on_their_own == []
    assert not any(q.startswith('SELECT "auth_group"."name"') for q in queries)


def test_removing_a_member_from_the_group_takes_effect_on_their_next_request(role_user, client_for):
    member = role_user("member")
    client = client_for(member)
    assert client.get("/members/").status_code == 200
    member.groups.remove(Group.objects.get(name=MEMBER))
    assert client.get("/members/").status_code == 403


def test_removing_the_second_factor_sends_them_to_set_one_up_on_the_next_request(role_user, client_for):
    member = role_user("member")
    client = client_for(member)
    assert client.get("/members/").status_code == 200
    Authenticator.objects.filter(user=member).delete()
    response = client.get("/members/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")


@pytest.mark.parametrize("name", ["Moderators, east", "Sección ñ", "x" * 150])
def test_group_names_come_back_whole_whatever_they_contain(role_user, name):
    moderator = role_user("moderator")
    moderator.groups.add(Group.objects.create(name=name))
    loaded = LockAwareAuthenticationBackend().get_user(moderator.pk)
    assert access.group_names(loaded) == {MEMBER, MODERATOR, name}
    assert access.has_mfa(loaded) is True


def test_a_user_in_no_group_without_a_second_factor(db):
    from tests.factories import UserFactory

    plain = UserFactory()
    loaded = LockAwareAuthenticationBackend().get_user(plain.pk)
    assert access.group_names(loaded) == frozenset() and access.has_mfa(loaded) is False


def test_rejected_and_missing_accounts_are_not_loaded(role_user):
    rejected = role_user("member", status="rejected")
    assert LockAwareAuthenticationBackend().get_user(rejected.pk) is None
    assert LockAwareAuthenticationBackend().get_user(999_999) is None
