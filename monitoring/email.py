"""The email backend that counts failed sends for /metrics, wrapping the one that delivers.

Nothing in the project records a failed email (senders call send_mail in tasks and
on_commit hooks), so failures are counted where every send passes: here. The count
is kept in the shared cache (Redis in production) so that failures in a worker
process show on any app node's /metrics.
"""

from django.conf import settings
from django.core.cache import cache
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

FAILED_KEY = "monitoring:emails-failed"


def failed_count() -> int:
    return int(cache.get(FAILED_KEY) or 0)


def _count_failures(number: int) -> None:
    try:
        cache.incr(FAILED_KEY, number)
    except ValueError:  # the first failure (or the cache was emptied)
        if not cache.add(FAILED_KEY, number, timeout=None):
            cache.incr(FAILED_KEY, number)


class CountingEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs)

    def open(self):
        return self.inner.open()

    def close(self):
        return self.inner.close()

    def send_messages(self, email_messages):
        messages = list(email_messages or [])
        try:
            sent = self.inner.send_messages(messages)
        except Exception:
            _count_failures(len(messages) or 1)
            raise
        # fail_silently backends return how many went out instead of raising.
        if messages and sent is not None and sent < len(messages):
            _count_failures(len(messages) - sent)
        return sent
