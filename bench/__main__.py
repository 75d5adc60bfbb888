"""The benchmark runner: ``python -m bench [--smoke] [--only NAME]``.

It points Django at a throwaway database before any model is imported: by
default a fresh SQLite file under var/bench/; with DATABASE_URL set, a
``test_<name>`` database created on that server and dropped afterwards (the way
the test runner does it), so the database DATABASE_URL names is never written
to. Each bench gets one freshly migrated from the migrations, deleted after it
(--keep keeps the last one).
"""

import argparse
import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BENCH_VAR = BENCH_DIR.parent / "var" / "bench"
SQLITE_FILE = BENCH_VAR / "bench.sqlite3"


def discover() -> list[str]:
    """The bench modules' short names ("search" for bench/search_bench.py), sorted."""
    return sorted(
        info.name.removesuffix("_bench")
        for info in pkgutil.iter_modules([str(BENCH_DIR)])
        if info.name.endswith("_bench")
    )


def format_table(rows: list[tuple[str, str, object]]) -> str:
    """Bench, figure and value as an aligned plain-text table."""
    header = ("bench", "figure", "value")
    cells = [header, *[(bench, figure, _format_value(value)) for bench, figure, value in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(3)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}" for a, b, c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _format_value(value) -> str:
    if isinstance(value, float):
        return f"{value:,.4f}" if value < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _configure_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("TASKS_IMMEDIATE", "1")
    import django

    django.setup()
    from django.conf import settings

    # Timings should not include recording every SQL statement, as DEBUG does.
    settings.DEBUG = False
    # Benches sign their readers in with force_login, standing for a real sign-in: the
    # membership gate lets only sessions that passed the second factor through.
    from members.client_sign_in import install

    install()


def _create_database(use_sqlite_file: bool):
    from django.db import connection

    if use_sqlite_file:
        BENCH_VAR.mkdir(parents=True, exist_ok=True)
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(SQLITE_FILE)
    started = time.monotonic()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    print(f"Database: {connection.vendor} {name} (migrated in {time.monotonic() - started:.1f} s)")
    return name


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to prove the benches still run")
    parser.add_argument("--only", metavar="NAME", help=f"run one bench: {', '.join(discover())}")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards, to inspect plans")
    args = parser.parse_args(argv)

    names = discover()
    if args.only:
        wanted = args.only.removesuffix("_bench")
        if wanted not in names:
            parser.error(f"no bench named {args.only!r}; there are: {', '.join(names)}")
        names = [wanted]

    use_sqlite_file = not os.environ.get("DATABASE_URL")
    _configure_django()
    from django.db import connection

    original_name = connection.settings_dict["NAME"]
    rows = []
    for position, name in enumerate(names):
        # Each bench gets a freshly migrated database of its own: its figures are for its own
        # data alone, and two benches may build the same pages (admin and cms share cms_bench's
        # generator, whose slugs would collide).
        _create_database(use_sqlite_file)
        try:
            module = importlib.import_module(f"bench.{name}_bench")
            print(f"Running {name} ({'smoke' if args.smoke else 'full'})…", flush=True)
            started = time.monotonic()
            figures = module.run(smoke=args.smoke)
            rows.extend((name, figure, value) for figure, value in figures.items())
            rows.append((name, "bench wall time (s)", time.monotonic() - started))
        finally:
            if args.keep and position == len(names) - 1:
                print(f"Kept the database {connection.settings_dict['NAME']}; drop it when done.")
            else:
                connection.creation.destroy_test_db(original_name, verbosity=0)

    print()
    print(format_table(rows))
    if not args.smoke:
        print(
            "\nRecord these figures in bench/README.md with the exact command, the database "
            "(SQLite version or PostgreSQL version) and today's date."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
