"""The one rate limiter for the limits the site sets on its own actions (allauth keeps its own).

A limit allows ``limit`` actions per key (a member, a visitor's address) in each window of
``window`` seconds, counted in the shared cache: Redis in production, so every machine counts
together; the in-memory cache in development. Windows are the clock's (each multiple of
``window`` seconds starts a new count), so the person can be told exactly when they may go on.
Each action is one atomic increment, so concurrent requests all count and none slips past.

The limits themselves are defined where they apply (``forum.limits``, ``cms.contact``); a view
calls ``hit`` just before the action, and shows the ``LimitReached`` it may raise like any other
``ServiceError``.
"""

import math
import time

from django.core.cache import cache

from config.errors import LimitReached


def hit(scope: str, key, *, limit: int, window: int, message: str) -> int:
    """Count one action of ``scope`` by ``key``; returns how many there have been in this window.

    The action one past ``limit`` raises ``LimitReached(message)``, with ``retry_after`` the
    seconds until the window ends. A refused action counts too, which changes nothing: the
    window still ends when the clock says.
    """
    now = time.time()
    number = int(now // window)
    cache_key = f"ratelimit:{scope}:{key}:{number}"
    # add() then incr() are each atomic on Redis and in the in-memory cache: concurrent hits all count.
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # Evicted or expired between add() and incr(): this is the window's first action.
        cache.set(cache_key, 1, timeout=window)
        count = 1
    if count > limit:
        raise LimitReached(message, retry_after=max(1, math.ceil((number + 1) * window - now)))
    return count
