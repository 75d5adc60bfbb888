"""Time the admin pages again on the database ``python -m bench --only admin --keep`` left, without seeding.

Seeding 5,000 pages takes ten minutes; a change to a hook or a panel can be
measured in one: ``.venv/bin/python -m bench.admin_retime`` re-times
var/bench/bench.sqlite3, and with ``DATABASE_URL`` set, ``test_<name>`` on that
server (the names the runner gives). It only reads the pages and adds sign-in
sessions. The runner does not discover this module: it is not a bench.
"""

import argparse
import os
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.admin_retime", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=None, help="requests per page (default: the full bench's)"
    )
    args = parser.parse_args(argv)

    from bench.__main__ import SQLITE_FILE, _configure_django, format_table

    _configure_django()
    from django.db import connection

    if os.environ.get("DATABASE_URL"):
        connection.settings_dict["NAME"] = f"test_{connection.settings_dict['NAME']}"
    else:
        connection.settings_dict["NAME"] = str(SQLITE_FILE)
    if not os.path.exists(SQLITE_FILE) and connection.vendor == "sqlite":
        parser.error(f"no kept database at {SQLITE_FILE}: run python -m bench --only admin --keep first")

    from bench import admin_bench
    from members.models import User

    editor = User.objects.get(email="bench-editor@example.org")
    reviewer = User.objects.get(email="bench-reviewer@example.org")
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']} (kept)", flush=True)
    figures = admin_bench.time_pages(editor, reviewer, args.repeats or admin_bench.FULL["repeats"])
    print(format_table([("admin", figure, value) for figure, value in figures.items()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
