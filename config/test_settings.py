"""Settings for the test suite: the same as production-shaped settings, with fast, isolated pieces.

Tasks run immediately in-process, passwords hash quickly, and email is kept in
memory unless a test switches to the file outbox.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from config.settings import *  # noqa: F403
from config.settings import _TASK_BACKENDS, TASKS

TASKS["default"]["BACKEND"] = _TASK_BACKENDS["immediate"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="tfc-test-media-"))
PROTECTED_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="tfc-test-protected-media-"))
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run as root on machines whose Python only root can run (pyenv under /root):
# kernels fall back to the worker's user there, as in development. CI runs the
# isolation test for real (.ci/run builds the virtualenv from a Python other accounts can run).
RESEARCH_KERNEL_REQUIRE_ISOLATION = False

# Under pytest-xdist (`make test-fast`) the workers run at once, and every test clears
# the cache (a FLUSHDB on Redis), sessions included: with one Redis database a worker
# would sign out, or wipe the rate limits of, another's test. Each worker gets the
# database numbered after the configured one (gw0: +1, gw1: +2, ...); PostgreSQL's test
# databases are already per worker (pytest-django adds the suffix).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _XDIST_WORKER.startswith("gw"):  # noqa: F405
    _redis = urlsplit(REDIS_URL)  # noqa: F405
    _redis_db = int(_redis.path.strip("/") or 0) + 1 + int(_XDIST_WORKER[2:])
    CACHES["default"]["LOCATION"] = urlunsplit(_redis._replace(path=f"/{_redis_db}"))  # noqa: F405
