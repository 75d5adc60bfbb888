"""The current request id: set by the middleware for a request, by monitoring.tasks for a task."""

import contextvars
import re

# A contextvar, not a thread-local: correct under threads and async views alike.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# An id from nginx ($request_id: 32 hex) or another proxy is kept only if it is short and plain,
# so a client cannot put newlines or markup into the logs.
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def well_formed(value: str | None) -> bool:
    return bool(value) and bool(_WELL_FORMED.match(value))


def clear(**kwargs):
    """After a request (request_finished): later lines on this thread belong to no request."""
    request_id.set("-")
