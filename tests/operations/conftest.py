"""Fixtures for the backup tests: file stores and a backup folder of the test's own, some site data."""

import sqlite3

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from operations import database
from operations.stores import file_stores
from tests.factories import make_role
from tests.forum.factories import CategoryFactory, reply, start_topic


@pytest.fixture
def stores(settings, tmp_path):
    """Empty media, protected (and research) stores and a backup folder, all under tmp_path."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROTECTED_MEDIA_ROOT = tmp_path / "protected"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEEP = 3
    return {store.part: store for store in file_stores()}


HOSTILE = "<script>alert(1)</script> Robert'); DROP TABLE members_user;--"


@pytest.fixture
def site_data(stores, task_force):
    """Members (one with a hostile name), a topic with replies, and files in each store."""
    author = make_role("member", task_force=task_force, full_name=HOSTILE)
    other = make_role("moderator", task_force=task_force)
    topic = start_topic(author, CategoryFactory(), title="Joint interviews", body=f"Body {HOSTILE}")
    reply(topic, other, body="We schedule them with the advocate present.")
    files = {
        "media": {"images/photo.jpg": b"\xff\xd8\xff not really a jpeg"},
        "protected": {"documents/minutes-2026.pdf": b"%PDF-1.7 " + bytes(range(256)) * 40},
        "research": {"datasets/1/v1.csv": b"county,cases\nFranklin,12\n", "runs/7/out.ipynb": b"{}"},
    }
    for part, contents in files.items():
        for name, data in contents.items():
            assert stores[part].storage.save(name, ContentFile(data)) == name
    return {"author": author, "topic": topic, "files": files}


def destroy_everything(stores):
    """What the restore has to undo: every table dropped, every stored file deleted."""
    if database.engine() == "sqlite":
        # Copying an empty database over the test's (in-memory) one leaves nothing behind.
        connection.ensure_connection()
        empty = sqlite3.connect(":memory:")
        empty.backup(connection.connection)
        empty.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    for store in stores.values():
        for name in list(store.names()):
            store.storage.delete(name)
    assert database.table_names() == []


@pytest.fixture
def rebuild_if_destroyed():
    """A test that fails between destroying and restoring must not leave later tests without tables."""
    yield
    if not database.table_names():
        call_command("migrate", verbosity=0)
