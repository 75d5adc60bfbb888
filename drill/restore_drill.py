"""Back up, destroy, restore, compare. Before: `manage.py fingerprint` (row counts, hashes of a
sample of rows and of files) and an MD5 of every row of every table, in SQL; then
`manage.py backup`, the database dropped and created empty, the file stores emptied,
`manage.py restore`, and both figures again. Run with the app nodes, workers and scheduler
stopped, as an operator restoring would.

The fingerprint is taken twice before the backup: a figure that differs between those two,
with nothing written in between, cannot be compared (the sample hash of a table holding
StreamFields hashes Python reprs with memory addresses in them); such figures are set aside
and named in the report, and the SQL hash of every row still covers those tables.
"""

import json
import shutil
import subprocess

import psycopg

from drill.stack import Stack, _pg_bin

# Audit rows a backup or restore writes after the dump (operations.fingerprint leaves them out too).
OPERATIONS_ACTIONS = ("backup", "backup_failed", "restored")


def _fingerprint(stack: Stack) -> dict:
    return flatten(json.loads(stack.python_module("django", "fingerprint", "--sample", "200")))


def flatten(data, prefix="") -> dict:
    """{"table": {"rows": 3, "sha256": ...}} -> {"table.rows": 3, "table.sha256": ...}, to compare."""
    flat = {}
    if isinstance(data, dict):
        for key, value in data.items():
            flat.update(flatten(value, f"{prefix}{key}."))
    else:
        flat[prefix.rstrip(".")] = data
    return flat


def sql_hashes(port: int) -> dict:
    """An MD5 over every row's text of every table, rows sorted by their text."""
    conninfo = f"host=127.0.0.1 port={port} user=postgres dbname=drill"
    hashes = {}
    with psycopg.connect(conninfo) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        for table in tables:
            where = ""
            if table == "members_auditevent":
                where = f" WHERE t.action NOT IN {OPERATIONS_ACTIONS!r}"
            rows = "coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')"
            query = f'SELECT md5({rows}) FROM "{table}" t{where}'
            hashes[f"sql.{table}.md5"] = conn.execute(query).fetchone()[0]
    return hashes


def backup_destroy_restore(stack: Stack) -> tuple[dict, dict, str, list]:
    port = stack.settings.pg_port
    first = _fingerprint(stack)
    before = _fingerprint(stack)
    unstable = sorted(key for key in before if first.get(key) != before[key])
    before.update(sql_hashes(port))
    archive = stack.python_module("django", "backup").strip().splitlines()[0]
    pg = ["-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
    subprocess.run([_pg_bin("dropdb"), *pg, "--force", "drill"], check=True)
    subprocess.run([_pg_bin("createdb"), *pg, "drill"], check=True)
    for store in (stack.media, stack.protected):
        shutil.rmtree(store, ignore_errors=True)
        store.mkdir(parents=True)
    stack.python_module("django", "restore", archive)
    after = _fingerprint(stack)
    after.update(sql_hashes(port))
    for key in unstable:
        before.pop(key, None)
        after.pop(key, None)
    return before, after, archive, unstable
