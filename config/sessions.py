"""Django's database sessions, with the read every signed-in request makes compiled once.

Without Redis (one server, SQLite or PostgreSQL) sessions live in the database,
and every signed-in request reads its row. Building that query each time cost
about as much CPU as the rest of the request's kept reads together
(config.prepared; bench/README.md, "posting"). The row is read fresh each time,
with the same conditions as Django's (this key, not expired): only the SQL is
kept. Everything else is Django's store unchanged. The method overridden is
private; tests/test_compat.py checks its name and that ``load`` still calls it.
"""

from datetime import datetime

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.prepared import PreparedQuery

_SESSION = PreparedQuery(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    "key",
    "now",
    kinds={"key": str, "now": datetime},
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        found = _SESSION.run(using=self.model.objects.db, key=self.session_key, now=timezone.now())
        if found:
            return found[0]
        # What Django's store does for a key with no live row: start afresh.
        self._session_key = None
        return None
