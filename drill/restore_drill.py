"""Back up, destroy, restore, compare: `manage.py fingerprint` (row counts and hashes of a sample
of rows and files), `manage.py backup`, then the database dropped and created empty and the file
stores emptied, `manage.py restore`, and the fingerprint again. Run with the app nodes, workers
and scheduler stopped, as an operator restoring would."""

import json
import shutil
import subprocess

from drill.stack import Stack, _pg_bin


def _fingerprint(stack: Stack) -> dict:
    out = stack.python_module("django", "fingerprint", "--sample", "200")
    return json.loads(out)


def flatten(data, prefix="") -> dict:
    """{"table": {"rows": 3, "sha256": ...}} -> {"table.rows": 3, "table.sha256": ...}, to compare."""
    flat = {}
    if isinstance(data, dict):
        for key, value in data.items():
            flat.update(flatten(value, f"{prefix}{key}."))
    else:
        flat[prefix.rstrip(".")] = data
    return flat


def backup_destroy_restore(stack: Stack) -> tuple[dict, dict, str]:
    before = flatten(_fingerprint(stack))
    archive = stack.python_module("django", "backup").strip().splitlines()[0]
    port = str(stack.settings.pg_port)
    pg = ["-h", "127.0.0.1", "-p", port, "-U", "postgres"]
    subprocess.run([_pg_bin("dropdb"), *pg, "--force", "drill"], check=True)
    subprocess.run([_pg_bin("createdb"), *pg, "drill"], check=True)
    for store in (stack.media, stack.protected):
        shutil.rmtree(store, ignore_errors=True)
        store.mkdir(parents=True)
    stack.python_module("django", "restore", archive)
    after = flatten(_fingerprint(stack))
    return before, after, archive
