"""The embedded default (SQLite) under concurrent writers and readers: nobody gets "database is locked".

Under load the development server answered a forum topic with a 500, "database is locked". A
transaction that reads and then writes (Django's get-then-save, the forum's read marks) takes
SQLite's write lock half-way through; when two do so at once, SQLite refuses one of them at
once, whatever the busy timeout. config/settings.py makes every transaction take the write lock
at its start (``transaction_mode: IMMEDIATE``) and gives writers a busy timeout to wait their
turn. These tests run writers and readers in threads against a database file configured with
exactly the settings' OPTIONS.
"""

import threading
import time

import pytest
from django.conf import settings
from django.db import connections, transaction

ALIAS = "sqlite_concurrency"
WRITERS = 4
READERS = 4
ITERATIONS = 30


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """A SQLite database file in tmp_path with the settings' OPTIONS, under its own alias."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the suite runs on PostgreSQL: this is about the embedded SQLite default")
    connections.settings[ALIAS] = {
        **connections.settings["default"],
        "NAME": str(tmp_path / "db.sqlite3"),
        "OPTIONS": dict(default.get("OPTIONS", {})),
        "TEST": {"NAME": str(tmp_path / "db.sqlite3")},
    }
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE totals (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
            cursor.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, writer INTEGER, i INTEGER)")
            cursor.execute("INSERT INTO totals (id, n) VALUES (1, 0)")
        try:
            yield connections[ALIAS]
        finally:
            connections[ALIAS].close()
            del connections[ALIAS]  # this thread's connection object, with its file name
            del connections.settings[ALIAS]


def _run_threads(writer, reader):
    """Run the writers and readers together; return the exceptions any of them raised."""
    errors = []
    start = threading.Barrier(WRITERS + READERS)

    def run(work, number):
        try:
            start.wait()
            for i in range(ITERATIONS):
                work(number, i)
        except Exception as error:  # noqa: BLE001 (every failure is the finding)
            errors.append(error)
        finally:
            connections[ALIAS].close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(writer, n)) for n in range(WRITERS)]
    threads += [threading.Thread(target=run, args=(reader, n)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _write(number, i):
    # Read, then write, in one transaction: the shape that upgrades a read lock to a write lock.
    with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT n FROM totals WHERE id = 1")
        (n,) = cursor.fetchone()
        time.sleep(0)  # let the other threads run between the read and the write, as a busy server does
        cursor.execute("INSERT INTO items (writer, i) VALUES (%s, %s)", [number, i])
        cursor.execute("UPDATE totals SET n = %s WHERE id = 1", [n + 1])


def _read(number, i):
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM items")
        cursor.fetchone()
    with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT n FROM totals WHERE id = 1")
        cursor.fetchone()


def test_concurrent_writers_and_readers_never_see_database_is_locked(file_database, django_db_blocker):
    with django_db_blocker.unblock():
        errors = _run_threads(_write, _read)
        assert errors == [], errors[:3]
        with file_database.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM items")
            assert cursor.fetchone()[0] == WRITERS * ITERATIONS
            # No update was lost: each transaction saw the one before it.
            cursor.execute("SELECT n FROM totals WHERE id = 1")
            assert cursor.fetchone()[0] == WRITERS * ITERATIONS


def test_writers_wait_long_enough_for_their_turn(file_database, django_db_blocker):
    # A writer queues behind others for up to the busy timeout; Python's own default (5 s)
    # is shorter than a slow page's transaction under load.
    with django_db_blocker.unblock():
        with file_database.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 10_000
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
        assert file_database.transaction_mode == "IMMEDIATE"
