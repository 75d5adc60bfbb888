"""RQ's queue settings from REDIS_URL, with the same retry the cache has.

django-rq builds a queue's Redis client from ``RQ_QUEUES``; given a ``URL`` it
passes nothing else to the client, so a command that meets Redis mid-restart
fails at once and the request that queued a task answers 503. Given the parts
of the address instead, it passes ``REDIS_CLIENT_KWARGS`` through, and the
retry goes with them. ``address`` turns either form back into a URL, for the
health probe and the metrics, which open their own short-lived connections.
"""

from urllib.parse import quote, unquote, urlparse


def queue_settings(url: str, client_kwargs: dict) -> dict:
    """One RQ_QUEUES entry for the Redis at ``url`` (redis:// or rediss://), its client given these kwargs."""
    parts = urlparse(url)
    if parts.scheme not in ("redis", "rediss"):
        return {"URL": url}  # a unix socket or another form: django-rq reads it as it is
    database = (parts.path or "/").lstrip("/")
    return {
        "HOST": parts.hostname or "127.0.0.1",
        "PORT": parts.port or 6379,
        "DB": int(database) if database.isdigit() else 0,
        "USERNAME": unquote(parts.username) if parts.username else None,
        "PASSWORD": unquote(parts.password) if parts.password else None,
        "SSL": parts.scheme == "rediss",
        "REDIS_CLIENT_KWARGS": client_kwargs,
    }


def address(queue: dict) -> str:
    """The URL of the Redis a RQ_QUEUES entry names, in either form."""
    if "URL" in queue:
        return queue["URL"]
    scheme = "rediss" if queue.get("SSL") else "redis"
    user = quote(queue.get("USERNAME") or "", safe="")
    password = quote(queue.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if (user or password) else ""
    return f"{scheme}://{credentials}{queue['HOST']}:{queue['PORT']}/{queue.get('DB', 0)}"
