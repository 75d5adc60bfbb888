"""The /healthz probe: can the database, the cache and the task queue be reached?"""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    key = f"healthz:{get_random_string(8)}"
    cache.set(key, "ok", 5)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return what was written")
    cache.delete(key)


def _queue():
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.endswith("RQBackend"):
        from redis import Redis

        # The Redis the default queue is on (RQ_QUEUES), with timeouts so a hung
        # server fails the probe instead of hanging it, closed after each probe.
        from config.rq_queues import address

        url = address(settings.RQ_QUEUES["default"])
        with Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2) as redis:
            redis.ping()
    elif backend.endswith("DatabaseBackend"):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()


CHECKS = {"database": _database, "cache": _cache, "queue": _queue}


@never_cache
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means unreachable
            results[name] = {"ok": False, "error": exc.__class__.__name__}
        else:
            results[name] = {"ok": True}
    failing = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "ok" if not failing else "unavailable", "failing": failing, "checks": results}
    return JsonResponse(body, status=503 if failing else 200)
