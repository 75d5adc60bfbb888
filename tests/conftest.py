"""Shared fixtures: the role fixtures every access matrix reuses, a clean cache per test."""

import os

import pytest
from django.core.cache import cache
from django.db import transaction

from tests.factories import ROLES, TaskForceFactory, make_role

# Sync Playwright runs an event loop in the test thread; Django's ORM must be
# allowed to run there too.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits and TOTP replay protection live in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def task_force(db):
    return TaskForceFactory(name="Central Ohio Human Trafficking Task Force")


@pytest.fixture
def other_task_force(db):
    return TaskForceFactory(name="Southern Arizona Anti-Trafficking Unified Response", state="AZ", region=9)


@pytest.fixture
def role_user(db, task_force, other_task_force):
    """A factory fixture: role_user("moderator") gives a user in that role."""

    def build(role, **extra):
        return make_role(role, task_force=task_force, other_task_force=other_task_force, **extra)

    return build


@pytest.fixture(scope="module")
def role_users(django_db_setup, django_db_blocker):
    """One user per role, built once per test module and rolled back after it.

    Tests that use it must also request ``db`` so each test runs in its own savepoint.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            tf = TaskForceFactory(name="Central Ohio Human Trafficking Task Force")
            other = TaskForceFactory(
                name="Southern Arizona Anti-Trafficking Unified Response", state="AZ", region=9
            )
            users = {role: make_role(role, task_force=tf, other_task_force=other) for role in ROLES}
            users["_task_force"] = tf
            users["_other_task_force"] = other
            yield users
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def client_for(client):
    """client_for(user) returns the test client signed in as that user (or anonymous for None)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
