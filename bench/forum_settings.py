"""Settings for the gunicorn workers of the forum benchmark's load test: the site's settings, pointed at
the bench database, with the bench-only URLconf (bench.forum_urls) and DEBUG off.

The bench process passes the database name in FORUM_BENCH_DATABASE_NAME (the
SQLite file or the PostgreSQL test_ database the runner created), so nothing
touches var/db.sqlite3 or the database DATABASE_URL names.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import DATABASES

DEBUG = False
ROOT_URLCONF = "bench.forum_urls"
DATABASES["default"]["NAME"] = os.environ["FORUM_BENCH_DATABASE_NAME"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
