"""The session's user is loaded by a statement compiled once (members.backends): still fresh on every
request, the same user object a queryset gives, and views get the user itself, not a lazy stand-in."""

import pytest
from django.contrib.auth.models import Group
from django.utils.functional import LazyObject

from members import access
from members.backends import LockAwareAuthenticationBackend, _annotated_users, _load_user
from members.roles import MEMBER

pytestmark = pytest.mark.django_db


def test_the_prepared_user_is_what_the_queryset_gives(role_user):
    for role in ("member", "moderator", "pending"):
        user = role_user(role)
        loaded, expected = _load_user(user.pk), _annotated_users().get(pk=user.pk)
        fields = {f.attname for f in type(user)._meta.concrete_fields}
        assert {f: getattr(loaded, f) for f in fields} == {f: getattr(expected, f) for f in fields}
        assert loaded.joined_group_names == expected.joined_group_names
        assert bool(loaded.has_second_factor) == bool(expected.has_second_factor)


def test_no_user_for_a_key_nobody_has(role_user):
    user = role_user("member")
    assert _load_user(user.pk + 1000) is None
    assert _load_user(2**63) is None
    assert _load_user("not a key") is None
    assert LockAwareAuthenticationBackend().get_user(user.pk + 1000) is None


def test_a_group_change_shows_on_the_next_load(role_user):
    user = role_user("member")
    backend = LockAwareAuthenticationBackend()
    assert access.is_member(backend.get_user(user.pk))
    user.groups.remove(Group.objects.get(name=MEMBER))
    assert not access.is_member(backend.get_user(user.pk))


def test_views_get_the_signed_in_user_itself(role_user, client_for):
    user = role_user("member")
    response = client_for(user).get("/members/")
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == user.pk
    assert not isinstance(response.wsgi_request.user, LazyObject)


def test_an_anonymous_visitor_stays_anonymous(client):
    response = client.get("/forum/")
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated
