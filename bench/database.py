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
