"""The trainings bench still runs: at smoke size it loads events and registrations, times the pages
and registering, and its race ends exactly (every seat taken once, the rest waitlisted in order)."""

import sqlite3

import pytest
from django.db import connection, connections

from bench import trainings_bench
from bench.__main__ import discover
from trainings.models import Event, Registration

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_runner_finds_the_trainings_bench():
    assert "trainings" in discover()


@pytest.fixture
def share_the_database(tmp_path):
    """The race's threads need a database they can all open. PostgreSQL's test database is one;
    SQLite's in-memory one is not, so just before the race it is copied to a file that new
    connections open (as tests/trainings/test_concurrency.py does)."""
    if connection.vendor != "sqlite":
        yield None
        return
    settings = connections.settings["default"]
    saved = settings["NAME"]
    path = str(tmp_path / "race.sqlite3")

    def to_file():
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        settings["NAME"] = path

    try:
        yield to_file
    finally:
        settings["NAME"] = saved


def test_the_trainings_bench_runs_at_smoke_size(share_the_database):
    sizes = trainings_bench.SMOKE
    figures = trainings_bench.run(smoke=True, before_race=share_the_database)

    assert figures["events loaded"] == sizes["events"]
    assert figures["registrations loaded"] == sizes["registrations"]
    assert Event.objects.filter(title__startswith="Bench event ").count() == sizes["events"]
    assert (
        Registration.objects.filter(event__title__startswith="Bench event ").count() >= sizes["registrations"]
    )
    assert figures["registrations timed"] == sizes["repeats"]
    for page in (
        "month view, member",
        "month view, anonymous",
        "event page, member registered",
        "register (POST)",
    ):
        assert 0 < figures[f"{page}: median ms"] <= figures[f"{page}: p95 ms"]
    assert figures["within target"] in ("yes", "NO")
    # The race is exact whatever the machine's speed.
    assert figures["race: errors"] == 0, figures["race: first error"]
    assert figures["race: registered"] == figures["race: seat count on the event"] == sizes["seats"]
    assert figures["race: waitlisted"] == sizes["racers"] - sizes["seats"]
    assert figures["race: exact outcome"] == "yes"
