"""System checks that refuse production settings which only work on one machine.

With DEBUG off the site may run on several machines. Tasks must then go to a
real queue (the immediate backend would run notebooks inside web requests and
the scheduler; the dummy one drops every task), and the default cache must be
shared (allauth's rate limits, the login lockout and TOTP replay protection
live in it; a per-process cache lets each process be tried separately).
With --deploy, SITE_URL must also be the public https:// address, and
ALLOWED_HOSTS must name the site's own host, not only the development ones.
Registered from scheduler.apps.SchedulerConfig.ready().
"""

from django.conf import settings
from django.core import checks
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.utils.module_loading import import_string
from django_tasks.backends.dummy import DummyBackend
from django_tasks.backends.immediate import ImmediateBackend

UNQUEUED_TASK_BACKENDS = (ImmediateBackend, DummyBackend)
PER_PROCESS_CACHES = (LocMemCache, DummyCache)
# ALLOWED_HOSTS's embedded default: loopback names and the test client's host.
DEVELOPMENT_HOSTS = frozenset({"127.0.0.1", "localhost", "testserver"})


def _backend_class(path):
    try:
        return import_string(path)
    except ImportError:
        # Django and django-tasks report a backend that cannot be imported.
        return None


def _is(path, classes):
    cls = _backend_class(path)
    return isinstance(cls, type) and issubclass(cls, classes)


@checks.register(checks.Tags.compatibility)
def check_production_task_backend(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    return [
        checks.Error(
            f"Task backend {alias!r} is {config['BACKEND']}, which does not queue tasks, and DEBUG is off.",
            hint=(
                "In production set TASKS_BACKEND=rq (with REDIS_URL) and run RQ workers, or "
                "TASKS_BACKEND=database and run `manage.py db_worker`; unset TASKS_IMMEDIATE."
            ),
            obj="settings.TASKS",
            id="config.E001",
        )
        for alias, config in getattr(settings, "TASKS", {}).items()
        if _is(config.get("BACKEND", ""), UNQUEUED_TASK_BACKENDS)
    ]


@checks.register(checks.Tags.caches)
def check_production_cache(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if not _is(backend, PER_PROCESS_CACHES):
        return []
    return [
        checks.Error(
            f"The default cache is {backend}, which is not shared between processes, and DEBUG is off.",
            hint=(
                "Set REDIS_URL so every web, worker and scheduler process shares one cache; "
                "rate limits, lockouts and one-time-code replay protection depend on it."
            ),
            obj="settings.CACHES",
            id="config.E002",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs):
    # SITE_URL is the address in the admin's emails (WAGTAILADMIN_BASE_URL) and
    # the one origin CSRF trusts; left at its development default, production
    # would send people links to http://127.0.0.1:8000.
    if settings.DEBUG or settings.SITE_URL.startswith("https://"):
        return []
    return [
        checks.Warning(
            f"SITE_URL is {settings.SITE_URL!r}, not an https:// address, and DEBUG is off.",
            hint="Set SITE_URL to the site's public address, e.g. https://commons.example.org.",
            obj="settings.SITE_URL",
            id="config.W001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_allowed_hosts(app_configs=None, **kwargs):
    # Left unset, ALLOWED_HOSTS keeps its development default: the public host
    # is refused (every request a 400) while "testserver" is accepted.
    if settings.DEBUG or not set(settings.ALLOWED_HOSTS) <= DEVELOPMENT_HOSTS:
        return []
    return [
        checks.Warning(
            f"ALLOWED_HOSTS is {settings.ALLOWED_HOSTS!r}, only development hosts, and DEBUG is off.",
            hint="Set ALLOWED_HOSTS to the site's public host names, e.g. commons.example.org.",
            obj="settings.ALLOWED_HOSTS",
            id="config.W002",
        )
    ]
