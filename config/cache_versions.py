"""Version counters in the shared cache: a number that goes up on every change, so entries cached
under an older number are never read again.

The knowledge base (cms.freshness) and the site search (search.index) cache
derived pages under such a number. It lives in the shared cache (Redis in
production), so every process reads the same one. A number lost from the cache
restarts at the clock, never at 1, so it cannot meet entries cached under an
old one.
"""

import time

from django.core.cache import cache
from django.db import transaction


def current(key: str) -> int:
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns() // 1000, None)
        version = cache.get(key) or 1
    return version


def _raise(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # never set, or evicted: any new value invalidates
        cache.set(key, current(key) + 1, None)


def bump(key: str) -> None:
    """Raise the number now, and again at commit: a request that read the database between the
    change and its commit cached the old state under the new number. (Outside a transaction the
    second raise runs at once.)"""
    _raise(key)
    transaction.on_commit(lambda: _raise(key))
