"""What the benches do to the database itself, as a live server would have done it."""

from django.db import connection


def analyse_after_seeding() -> None:
    """Give PostgreSQL statistics for the freshly seeded tables (a no-op elsewhere).

    A live server's autovacuum analyses tables of this size; this machine's PostgreSQL
    runs with autovacuum off, and without statistics it plans for one row where there
    are thousands (the admin bench's page listing took 8 to 12 s).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def checkpoint_after_seeding() -> None:
    """Write the seeded rows out of the write-ahead log before anything is timed.

    Seeding writes a day's worth of a live forum in seconds. Left in the log, the
    checkpoint that follows can land inside the timed load, where it writes and
    then logs whole pages again for every first change after it. A live server
    has long checkpointed its old rows when members start posting. (It did not,
    on its own, remove the spread between runs of the posting bench on this
    shared machine: bench/README.md, "posting".)
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CHECKPOINT")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
