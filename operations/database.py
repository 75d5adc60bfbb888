"""Dumping and loading the database, with each engine's own tool.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --single-transaction``, so a restore that
fails half-way leaves nothing behind. SQLite: the online backup API (``sqlite3.Connection.backup``),
which copies a consistent snapshot while the site keeps writing. Both read the connection settings
Django uses (``connections[alias].settings_dict``), so tests reach their own test database.
"""

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from django.db import connections

from operations.errors import BackupError

ENGINES = {"django.db.backends.postgresql": "postgresql", "django.db.backends.sqlite3": "sqlite"}
DUMP_NAMES = {"postgresql": "database/commons.pgdump", "sqlite": "database/commons.sqlite3"}
# Long enough for a large database; a dump tool that hangs longer than this is stuck.
TOOL_TIMEOUT_SECONDS = 6 * 3600
# SQLite copies this many pages a step, letting writers in between steps (WAL readers never block).
BACKUP_PAGES_PER_STEP = 1024
SQLITE_BUSY_SECONDS = 60
# The libpq connection options DATABASES["default"]["OPTIONS"] may carry, as libpq's variables.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def engine(alias: str = "default") -> str:
    name = connections[alias].settings_dict["ENGINE"]
    try:
        return ENGINES[name]
    except KeyError:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {name}.") from None


def dump(path: Path, alias: str = "default") -> None:
    """Write a consistent copy of the database to ``path``."""
    if engine(alias) == "postgresql":
        _run(["pg_dump", "--format=custom", "--file", str(path)], alias, "pg_dump")
        return
    connection = connections[alias]
    if connection.in_atomic_block:
        # The source's own open transaction would hold the pages the copy waits for.
        raise BackupError("A SQLite backup cannot run inside a transaction.")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target, pages=BACKUP_PAGES_PER_STEP, progress=_give_up_after_deadline())
    finally:
        target.close()


def load(path: Path, alias: str = "default") -> None:
    """Load a dump made by ``dump`` into the (empty) database."""
    if engine(alias) == "postgresql":
        # --no-owner and --no-privileges: the restoring role owns everything, whatever roles the
        # backed-up cluster had. --exit-on-error with --single-transaction: all or nothing.
        _run(
            [
                "pg_restore",
                "--exit-on-error",
                "--single-transaction",
                "--no-owner",
                "--no-privileges",
                "--dbname",
                connections[alias].settings_dict["NAME"],
                str(path),
            ],
            alias,
            "pg_restore",
        )
        return
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError("A SQLite restore cannot run inside a transaction.")
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(connection.connection, pages=BACKUP_PAGES_PER_STEP, progress=_give_up_after_deadline())
    finally:
        source.close()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        result = cursor.fetchone()[0]
    if result != "ok":
        raise BackupError(f"The restored SQLite database fails its integrity check: {result}")


def _give_up_after_deadline():
    # sqlite3's backup retries a busy or locked step forever; this ends it with a message instead.
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS

    def progress(status, remaining, total):
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(
                f"The SQLite database stayed locked for {SQLITE_BUSY_SECONDS} s; no backup taken."
            )

    return progress


def check_dump(path: Path, engine_name: str) -> None:
    """Ask the engine's own tool whether a dump (already checksummed) can be read at all."""
    if engine_name == "sqlite":
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"the SQLite dump cannot be read ({exc})") from exc
        finally:
            db.close()
        if result != "ok":
            raise BackupError(f"the SQLite dump fails its integrity check ({result})")
    elif engine_name == "postgresql":
        done = _tool(["pg_restore", "--list", str(path)], os.environ.copy(), "pg_restore")
        if done.returncode != 0:
            raise BackupError(f"pg_restore cannot read the dump: {done.stderr.strip()[-500:]}")


def table_names(alias: str = "default") -> list[str]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor, include_views=True))


def _run(args: list[str], alias: str, tool: str) -> None:
    done = _tool(args, _libpq_environment(connections[alias].settings_dict), tool)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")


def _tool(args: list[str], env: dict[str, str], tool: str) -> subprocess.CompletedProcess:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{tool} is not installed (Debian: apt install postgresql-client).")
    # The arguments are this module's own, with paths it made; no shell.
    return subprocess.run(  # noqa: S603
        args, env=env, capture_output=True, text=True, timeout=TOOL_TIMEOUT_SECONDS, check=False
    )


def _libpq_environment(settings_dict: dict) -> dict[str, str]:
    # Through the environment, not the command line, so the password is not in `ps` output.
    env = os.environ.copy()
    for key, variable in (
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key in _LIBPQ_OPTIONS and value:
            env[_LIBPQ_OPTIONS[key]] = str(value)
    return env
