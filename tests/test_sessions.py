"""Database sessions (config.sessions) read their row as Django's store does: the live row of this key.

The read is compiled once; these check that what it finds is what Django's
own store finds, for a live, an expired, an unknown and a hostile key.
"""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.utils import timezone

from config.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_saved_session_is_read_back_and_a_changed_one_is_read_fresh():
    store = SessionStore()
    store["member"] = 42
    store.save()
    assert SessionStore(session_key=store.session_key)["member"] == 42
    changed = SessionStore(session_key=store.session_key)
    changed["member"] = 43
    changed.save()
    # Only the statement is kept, never a row: the next read sees the change.
    assert SessionStore(session_key=store.session_key)["member"] == 43
    assert dict(DjangoStore(session_key=store.session_key).items()) == {"member": 43}


def test_an_expired_session_is_not_read_and_its_key_is_dropped():
    store = SessionStore()
    store["member"] = 42
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(session_key=store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # saving it makes a new key, never reuses the old one


@pytest.mark.parametrize(
    "key", ["unknownkeyunknownkey", "x' OR '1'='1' --abcdef", "<script>alert(1)</script>", "é" * 40]
)
def test_unknown_or_hostile_keys_find_nothing(key):
    SessionStore().save()  # a row exists, and must not be what any of these find
    store = SessionStore(session_key=key)
    assert store.load() == {} and store.session_key is None
    assert DjangoStore(session_key=key).load() == {}


@override_settings(SESSION_ENGINE="config.sessions")
def test_a_signed_in_member_stays_signed_in_across_requests(client, role_user):
    member = role_user("member")
    client.force_login(member)
    assert client.get("/forum/").status_code == 200
    assert client.get("/forum/").status_code == 200
    assert Session.objects.count() == 1
