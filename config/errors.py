"""One convention for the errors that services raise, in every app.

A service function (``forum.services``, ``forum.moderation``, ``tta`` services, ``research``
publishing, ...) that refuses an action raises a ``ServiceError`` subclass. ``str(error)`` is a
plain-text message meant for the person who asked, safe to show on the page; ``field`` names
the form field it belongs to, when there is one. Views catch ``ServiceError`` (or a narrower
subclass) and show the message next to the field or at the top of the form, so nothing the
person typed is lost. Django's ``ValidationError`` stays for form and model validation only.
"""

from django.core.exceptions import PermissionDenied


class ServiceError(Exception):
    """An action refused for a reason the person can fix or should know."""

    def __init__(self, message: str = "", *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotPermitted(ServiceError, PermissionDenied):
    """The person may not do this. Also a PermissionDenied, so an uncaught one is a 403."""


class Conflict(ServiceError):
    """The thing changed or was already done meanwhile (a second click, another person)."""


class LimitReached(ServiceError):
    """A rate limit was reached; ``retry_after`` is in seconds when known."""

    def __init__(self, message: str = "", *, retry_after: int | None = None, field: str | None = None):
        super().__init__(message, field=field)
        self.retry_after = retry_after
