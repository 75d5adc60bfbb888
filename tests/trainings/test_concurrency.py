"""Two members taking the last seat at the same moment: exactly one gets it, on PostgreSQL and SQLite.

On PostgreSQL the threads share the test database and queue on the event row's lock. On
SQLite the in-memory test database cannot be shared between threads, so the test copies it
to a file and points new connections at that file, with the settings' own OPTIONS
(``BEGIN IMMEDIATE``, WAL, a busy timeout), which is how the embedded default runs.
"""

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection, connections

from config.errors import ServiceError
from tests.trainings.factories import EventFactory
from trainings import registration
from trainings.models import Event, Registration, RegistrationStatus

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RACERS = 6


def _race(event, members):
    start = Barrier(len(members))

    def run(member):
        start.wait()
        try:
            return registration.register(event, member).status
        except ServiceError as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(members)) as pool:
        return list(pool.map(run, members))


@pytest.fixture
def shared_database(tmp_path):
    """A database the racing threads can all open: PostgreSQL's own, or a file copy of SQLite's."""
    if connection.vendor != "sqlite":
        yield
        return
    path = str(tmp_path / "race.sqlite3")
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    # WAL now, while no one else has the file open: two threads switching it as they connect (the
    # settings' init_command) can find it locked and fail at once, before any busy timeout.
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    settings = connections.settings["default"]
    saved = settings["NAME"]
    settings["NAME"] = path
    try:
        yield path
    finally:
        settings["NAME"] = saved


def _read_back(path, event_pk):
    if path is None:
        return (
            Event.objects.get(pk=event_pk).registered_count,
            list(Registration.objects.filter(event_id=event_pk).values_list("status", "position")),
        )
    with sqlite3.connect(path) as db:
        count = db.execute(
            "SELECT registered_count FROM trainings_event WHERE id = ?", [event_pk]
        ).fetchone()[0]
        rows = db.execute(
            "SELECT status, position FROM trainings_registration WHERE event_id = ?", [event_pk]
        )
        return count, list(rows)


def test_racing_for_the_last_seat_gives_it_to_exactly_one(role_user, request):
    event = EventFactory(capacity=1)
    members = [role_user("member") for _ in range(RACERS)]
    path = request.getfixturevalue("shared_database")
    results = _race(event, members)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results).count(RegistrationStatus.REGISTERED) == 1
    count, rows = _read_back(path, event.pk)
    assert count == 1
    assert sorted(s for s, _ in rows).count(RegistrationStatus.REGISTERED) == 1
    # Everyone else is on the waitlist, each with a place of their own.
    positions = sorted(p for s, p in rows if s == RegistrationStatus.WAITLISTED)
    assert positions == list(range(1, RACERS))
