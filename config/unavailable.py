"""A 503 with Retry-After, not a 500, while the database or Redis cannot be reached.

During a PostgreSQL restart (or failover) and for the moment Redis restarts, every request that
needs them fails with django.db's OperationalError / InterfaceError or redis-py's
ConnectionError / TimeoutError. That is the site being briefly unavailable, not a bug: the person
should be told to try again shortly (503.html), clients and nginx may retry (Retry-After), and
nothing of the failure is shown. Any other exception keeps Django's ordinary 500 page.

Installed as ``handler500`` in config/urls.py: Django calls it for every uncaught exception,
in a view or in a middleware, while that exception is being handled, so ``sys.exc_info()``
says what went wrong. With DEBUG on, Django shows its technical page instead, as for any error.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 10


def _unavailable_errors() -> tuple:
    errors = [OperationalError, InterfaceError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # redis-py is installed with the Redis cache; without it, no Redis errors
        pass
    else:
        errors += [RedisConnectionError, RedisTimeoutError]
    return tuple(errors)


UNAVAILABLE_ERRORS = _unavailable_errors()


def is_unavailable(error: BaseException | None) -> bool:
    """Whether this exception (or one it was raised from) means a backing service is unreachable."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, UNAVAILABLE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def unavailable_response() -> HttpResponse:
    # 503.html, like 500.html, renders with no request and no database.
    body = loader.get_template("503.html").render()
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request, template_name="500.html"):
    if is_unavailable(sys.exc_info()[1]):
        return unavailable_response()
    return django_server_error(request, template_name=template_name)
