"""Shared fixtures: the role fixtures every access matrix reuses, a clean cache per test."""

import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction

from tests.factories import ROLES, TaskForceFactory, make_role

# Sync Playwright runs an event loop in the test thread; Django's ORM must be
# allowed to run there too.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _remove_temporary_media():
    """Delete the media folders config.test_settings made in /tmp once the session ends."""
    yield
    from django.conf import settings

    for root in (settings.MEDIA_ROOT, settings.PROTECTED_MEDIA_ROOT):
        # Only the folders the test settings created: never a configured media root.
        if Path(root).name.startswith(("tfc-test-media-", "tfc-test-protected-media-")):
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _test_sign_ins_pass_the_second_factor():
    """A test that signs someone in stands for a real sign-in, second factor included
    (members.client_sign_in); ``force_login(user, second_factor=False)`` gives the attacker's session."""
    from members.client_sign_in import sign_ins_pass_the_second_factor

    with sign_ins_pass_the_second_factor():
        yield


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


@pytest.fixture(scope="session")
def migration_snapshot(django_db_setup, django_db_blocker):
    """What the migrations created (groups, Wagtail's root and Site, the vocabulary), as serialized at set-up.

    Taken before Playwright starts: once its sync API is running, Django's
    connection handler can hand the test a different connection object, one
    without the snapshot, and serialized_rollback then silently restores nothing.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is None:
            contents = connection.creation.serialize_db_to_string()
    return contents


@pytest.fixture
def migration_data(transactional_db, migration_snapshot):
    """Put the migrations' rows back if an earlier transactional test flushed them."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection
    from wagtail.models import Site

    if not Site.objects.filter(is_default_site=True).exists():
        # The flush re-created content types and permissions with new keys;
        # empty the tables again, silently, and load the snapshot whole.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(migration_snapshot)
        # flush restarted PostgreSQL's sequences; move them past the restored keys.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(sql)
        ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _migration_data_for_transactional_tests(request):
    """Transactional tests (live server, thread races) get the migrations' rows back first."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("migration_data")
