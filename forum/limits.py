"""Rate limits on writing and reporting, counted in the cache per member and fixed window.

Applied by the views (the request path), not by forum.services, so the demo
loader and the benchmark generator write freely. Moderators are not limited.
"""

import time

from django.core.cache import cache

from forum import access

# action: (how many, per how many seconds, what the member is told)
LIMITS = {
    "post": (
        20,
        600,
        "You have posted a lot in the last few minutes. Please wait a little before posting again.",
    ),
    "report": (
        10,
        3600,
        "You have sent many reports this hour. Moderators are on it; please wait before sending more.",
    ),
}


class RateLimited(Exception):
    pass


def hit(user, action: str) -> None:
    """Count one action; raises RateLimited (with the message for the member) when over the limit."""
    if access.is_moderator(user):
        return
    limit, window, message = LIMITS[action]
    key = f"forum:rate:{action}:{user.pk}:{int(time.time()) // window}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between add and incr: this is the window's first action.
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        raise RateLimited(message)
