"""Production configuration: the deploy check, the production-only system checks, /healthz and the CSP."""

import json
import os
import secrets
import socket
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core import checks
from django.db import OperationalError
from django.test import override_settings

from config import healthz
from config.checks import check_production_cache, check_production_task_backend
from tests.foundation_pages import FOUNDATION_PAGES

BASE_DIR = settings.BASE_DIR
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
REDIS_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": UNREACHABLE_REDIS}
}
LOCMEM_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
QUEUES = ["default", "notebooks"]


def tasks(backend):
    return {"default": {"BACKEND": backend, "QUEUES": QUEUES}}


IMMEDIATE_TASKS = tasks("django_tasks.backends.immediate.ImmediateBackend")
DATABASE_TASKS = tasks("django_tasks_db.DatabaseBackend")
RQ_TASKS = tasks("django_tasks_rq.RQBackend")


def manage(tmp_path, *args, **environ):
    """Run manage.py in a clean environment: nothing of this process's DATABASE_URL, REDIS_URL or DEBUG."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "VAR_DIR": str(tmp_path / "var"),
        **environ,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180
    )


def production_environment(**overrides):
    return {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "commons.example.org",
        # Port 1: the checks must not need the database.
        "DATABASE_URL": "postgres://tfc:not-used@127.0.0.1:1/taskforcecommons",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "SITE_URL": "https://commons.example.org",
        "TASKS_BACKEND": "rq",
        "EMAIL_URL": "submission://mailer:app%20password@smtp.example.org:587",
        **overrides,
    }


# --- manage.py check ----------------------------------------------------------


@pytest.mark.parametrize(
    "redis_url",
    [
        "redis://127.0.0.1:6379/0",
        pytest.param(UNREACHABLE_REDIS, id="redis-unreachable: the check needs no connection"),
    ],
)
def test_check_deploy_passes_with_production_settings_and_no_warnings(tmp_path, redis_url):
    result = manage(
        tmp_path,
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **production_environment(REDIS_URL=redis_url),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in output


def test_check_refuses_production_with_immediate_tasks_and_no_shared_cache(tmp_path):
    environ = production_environment(TASKS_BACKEND="database", TASKS_IMMEDIATE="1")
    del environ["REDIS_URL"]
    result = manage(tmp_path, "manage.py", "check", **environ)
    assert result.returncode == 1
    assert "config.E001" in result.stderr
    assert "ImmediateBackend, which does not queue tasks" in result.stderr
    assert "HINT: In production set TASKS_BACKEND=rq" in result.stderr
    assert "config.E002" in result.stderr
    assert "HINT: Set REDIS_URL" in result.stderr


@pytest.mark.parametrize("site_url", [None, "http://commons.example.org"], ids=["unset", "plain http"])
def test_check_deploy_warns_when_site_url_is_not_the_public_https_address(tmp_path, site_url):
    environ = production_environment()
    if site_url is None:
        del environ["SITE_URL"]
    else:
        environ["SITE_URL"] = site_url
    result = manage(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING", **environ)
    assert result.returncode == 1
    assert "config.W001" in result.stderr
    assert "Set SITE_URL to the site's public address" in result.stderr


@pytest.mark.parametrize("hosts", [None, "localhost,testserver"], ids=["unset", "development hosts"])
def test_check_deploy_warns_when_allowed_hosts_names_no_public_host(tmp_path, hosts):
    environ = production_environment()
    if hosts is None:
        del environ["ALLOWED_HOSTS"]
    else:
        environ["ALLOWED_HOSTS"] = hosts
    result = manage(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING", **environ)
    assert result.returncode == 1
    assert "config.W002" in result.stderr
    assert "Set ALLOWED_HOSTS to the site's public host names" in result.stderr


def test_the_embedded_default_passes_the_checks(tmp_path):
    # Nothing set: DEBUG on, SQLite, the database task backend, a local-memory cache.
    result = manage(tmp_path, "manage.py", "check", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@override_settings(DEBUG=False, CACHES=REDIS_CACHE)
@pytest.mark.parametrize(
    "backend",
    ["django_tasks.backends.immediate.ImmediateBackend", "django_tasks.backends.dummy.DummyBackend"],
)
def test_production_with_a_task_backend_that_does_not_queue_is_an_error(backend):
    with override_settings(TASKS=tasks(backend)):
        (error,) = check_production_task_backend()
        assert error.level == checks.ERROR
        assert error.id == "config.E001"
        assert backend in error.msg
        # Registered with Django's checks, so manage.py and deploys run it.
        assert "config.E001" in {message.id for message in checks.run_checks()}


@override_settings(DEBUG=False, TASKS=DATABASE_TASKS)
@pytest.mark.parametrize("backend", ["locmem.LocMemCache", "dummy.DummyCache"])
def test_production_with_a_per_process_cache_is_an_error(backend):
    with override_settings(CACHES={"default": {"BACKEND": f"django.core.cache.backends.{backend}"}}):
        (error,) = check_production_cache()
        assert error.level == checks.ERROR
        assert error.id == "config.E002"
        assert "not shared between processes" in error.msg
        assert "config.E002" in {message.id for message in checks.run_checks()}


@pytest.mark.parametrize("task_settings", [DATABASE_TASKS, RQ_TASKS])
def test_production_with_a_real_queue_and_a_shared_cache_passes(task_settings):
    with override_settings(DEBUG=False, TASKS=task_settings, CACHES=REDIS_CACHE):
        assert check_production_task_backend() == []
        assert check_production_cache() == []


@override_settings(DEBUG=True, TASKS=IMMEDIATE_TASKS, CACHES=LOCMEM_CACHE)
def test_development_may_run_tasks_immediately_with_a_local_cache():
    assert check_production_task_backend() == []
    assert check_production_cache() == []


# --- settings from the environment ----------------------------------------------

SETTINGS_SNAPSHOT = """
import json, django
django.setup()
from config.rq_queues import address
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "DEBUG": s.DEBUG, "SECRET_KEY": s.SECRET_KEY, "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "db": [db["ENGINE"], str(db["NAME"]), db.get("HOST", ""), db.get("PORT", ""), db.get("USER", "")],
    "cache": [s.CACHES["default"]["BACKEND"], s.CACHES["default"].get("LOCATION", "")],
    "SESSION_ENGINE": s.SESSION_ENGINE, "tasks": s.TASKS["default"]["BACKEND"],
    "rq": {name: address(queue) for name, queue in getattr(s, "RQ_QUEUES", {}).items()},
    "rq_retries": sorted({type(queue.get("REDIS_CLIENT_KWARGS", {}).get("retry")).__name__
                          for queue in getattr(s, "RQ_QUEUES", {}).values()}),
    "MEDIA_ROOT": str(s.MEDIA_ROOT), "EMAIL_BACKEND": s.EMAIL_DELIVERY_BACKEND,
    "EMAIL_WRAPPER": s.EMAIL_BACKEND,
    "EMAIL_FILE_PATH": str(getattr(s, "EMAIL_FILE_PATH", "")),
    "email": [getattr(s, f"EMAIL_{name}", None) for name in
              ("HOST", "PORT", "HOST_USER", "HOST_PASSWORD", "USE_TLS", "USE_SSL")],
    "SITE_URL": s.SITE_URL, "WAGTAILADMIN_BASE_URL": s.WAGTAILADMIN_BASE_URL,
    "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
}))
"""


def settings_under(tmp_path, **environ):
    result = manage(tmp_path, "-c", SETTINGS_SNAPSHOT, **environ)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_with_nothing_set_the_site_runs_embedded(tmp_path):
    var = tmp_path / "var"
    got = settings_under(tmp_path)
    assert got["DEBUG"] is True
    assert got["db"][:2] == ["django.db.backends.sqlite3", str(var / "db.sqlite3")]
    assert got["cache"][0] == "django.core.cache.backends.locmem.LocMemCache"
    assert got["tasks"] == "django_tasks_db.DatabaseBackend"
    assert got["MEDIA_ROOT"] == str(var / "media")
    assert got["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    # Every send goes through the wrapper that counts failures for /metrics (monitoring.email).
    assert got["EMAIL_WRAPPER"] == "monitoring.email.CountingEmailBackend"
    assert got["EMAIL_FILE_PATH"] == str(var / "mail")


def test_production_reads_every_setting_from_the_environment(tmp_path):
    environ = production_environment(
        DATABASE_URL="postgres://tfc:s3cret@db.internal:5433/commons",
        REDIS_URL="redis://cache.internal:6380/2",
        MEDIA_ROOT=str(tmp_path / "uploads"),
        ALLOWED_HOSTS="commons.example.org, www.commons.example.org",
    )
    got = settings_under(tmp_path, **environ)
    assert got["DEBUG"] is False
    assert got["SECRET_KEY"] == environ["SECRET_KEY"]
    assert got["ALLOWED_HOSTS"] == ["commons.example.org", "www.commons.example.org"]
    assert got["db"] == ["django.db.backends.postgresql", "commons", "db.internal", 5433, "tfc"]
    # Redis holds the cache and the sessions, and RQ's queues.
    assert got["cache"] == ["django.core.cache.backends.redis.RedisCache", "redis://cache.internal:6380/2"]
    assert got["SESSION_ENGINE"] == "django.contrib.sessions.backends.cache"
    assert got["tasks"] == "django_tasks_rq.RQBackend"
    assert got["rq"] == {
        "default": "redis://cache.internal:6380/2",
        "notebooks": "redis://cache.internal:6380/2",
    }
    # Their client retries through a Redis restart, as the cache's does.
    assert got["rq_retries"] == ["Retry"]
    assert got["MEDIA_ROOT"] == str(tmp_path / "uploads")
    assert got["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert got["email"] == ["smtp.example.org", 587, "mailer", "app password", True, False]
    assert got["SITE_URL"] == got["WAGTAILADMIN_BASE_URL"] == "https://commons.example.org"
    assert got["CSRF_TRUSTED_ORIGINS"] == ["https://commons.example.org"]


@pytest.mark.parametrize(
    "environ,expected",
    [
        ({"TASKS_BACKEND": "database"}, "django_tasks_db.DatabaseBackend"),
        (
            {"EMAIL_URL": "smtps://mailer:pw@smtp.example.org:465"},
            ["smtp.example.org", 465, "mailer", "pw", False, True],
        ),
        ({"EMAIL_URL": "smtp://relay.internal"}, ["relay.internal", 25, "", "", False, False]),
    ],
    ids=["database tasks", "smtps", "plain relay"],
)
def test_production_alternatives(tmp_path, environ, expected):
    got = settings_under(tmp_path, **production_environment(**environ))
    assert (got["tasks"] if "TASKS_BACKEND" in environ else got["email"]) == expected


# --- /healthz -----------------------------------------------------------------


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.django_db
@pytest.mark.parametrize("task_settings", [IMMEDIATE_TASKS, DATABASE_TASKS], ids=["immediate", "database"])
def test_healthz_reports_every_part_ok(client, task_settings, django_assert_max_num_queries):
    with override_settings(TASKS=task_settings), django_assert_max_num_queries(2):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failing": [],
        "checks": {"database": {"ok": True}, "cache": {"ok": True}, "queue": {"ok": True}},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.redis
@pytest.mark.skipif(not redis_reachable(), reason="needs Redis at 127.0.0.1:6379 (the queue check pings it)")
def test_healthz_pings_the_rq_queue(client):
    with override_settings(
        TASKS=RQ_TASKS, RQ_QUEUES={name: {"URL": "redis://127.0.0.1:6379/5"} for name in QUEUES}
    ):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["queue"] == {"ok": True}


@pytest.mark.django_db
def test_healthz_is_503_naming_the_queue_when_redis_is_down(client):
    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES={name: {"URL": UNREACHABLE_REDIS} for name in QUEUES}):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["failing"]) == ("unavailable", ["queue"])
    assert body["checks"]["queue"] == {"ok": False, "error": "ConnectionError"}


@pytest.mark.django_db
def test_healthz_is_503_naming_the_cache_when_it_is_down(client):
    with override_settings(CACHES=REDIS_CACHE):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
    assert response.json()["checks"]["database"] == {"ok": True}


@pytest.mark.django_db
def test_healthz_is_503_naming_the_database_without_its_error_text(client, monkeypatch):
    def database_down():
        raise OperationalError(
            'connection to server at "10.0.0.5", port 5432 failed: password authentication'
        )

    monkeypatch.setitem(healthz.CHECKS, "database", database_down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    # Monitors are unauthenticated: no host names or messages in the answer.
    assert b"10.0.0.5" not in response.content


@pytest.fixture(scope="module")
def production_security_settings(tmp_path_factory):
    """The SSL settings config.settings computes with DEBUG off, read in a clean process."""
    code = (
        "import json, config.settings as s; print(json.dumps({'DEBUG': s.DEBUG, "
        "'SECURE_SSL_REDIRECT': s.SECURE_SSL_REDIRECT, 'SECURE_REDIRECT_EXEMPT': s.SECURE_REDIRECT_EXEMPT}))"
    )
    result = manage(tmp_path_factory.mktemp("settings"), "-c", code, **production_environment())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.django_db
def test_healthz_answers_plain_http_in_production_while_pages_redirect_to_https(
    client, production_security_settings
):
    values = production_security_settings
    assert (values["DEBUG"], values["SECURE_SSL_REDIRECT"]) == (False, True)
    with override_settings(
        SECURE_SSL_REDIRECT=True,
        SECURE_REDIRECT_EXEMPT=values["SECURE_REDIRECT_EXEMPT"],
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    ):
        assert client.get("/healthz").status_code == 200
        report = client.get("/report/")
        assert (report.status_code, report["Location"]) == (301, "https://testserver/report/")
        # Only the probe itself is exempt.
        assert client.get("/healthz-admin/").status_code == 301
        assert client.get("/report/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


# --- Content-Security-Policy ------------------------------------------------


def policy(response):
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def policy_from_settings(setting):
    return {name: list(values) for name, values in setting["DIRECTIVES"].items()}


DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}


def inline_script(html):
    """Every piece of script the policy would block: inline <script> and on* handler attributes."""
    soup = BeautifulSoup(html, "html.parser")
    found = [
        str(script)[:120]
        for script in soup.find_all("script")
        if not script.get("src") and script.get("type", "").strip().lower() not in DATA_BLOCK_TYPES
    ]
    found += [
        f"<{tag.name} {attr}=...>"
        for tag in soup.find_all(True)
        for attr in tag.attrs
        if attr.lower().startswith("on")
    ]
    found += [
        f"<{tag.name}> with javascript: URL"
        for tag in soup.find_all(href=True)
        if "javascript:" in tag["href"]
    ]
    return found


def inline_style(html):
    soup = BeautifulSoup(html, "html.parser")
    return [str(tag)[:120] for tag in soup.find_all("style")] + [
        f"<{tag.name} style=...>" for tag in soup.find_all(style=True)
    ]


PUBLIC_AND_MEMBER_PAGES = FOUNDATION_PAGES


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role"), PUBLIC_AND_MEMBER_PAGES)
def test_public_and_member_pages_allow_no_inline_script(path, role, role_users, client_for):
    response = client_for(role_users[role]).get(path)
    assert response.status_code == 200
    directives = policy(response)
    assert directives == policy_from_settings(settings.CONTENT_SECURITY_POLICY)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert inline_script(response.content.decode()) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role"), PUBLIC_AND_MEMBER_PAGES)
def test_public_and_member_pages_have_no_inline_style(path, role, role_users, client_for):
    response = client_for(role_users[role]).get(path)
    assert "'unsafe-inline'" not in policy(response)["style-src"]
    assert inline_style(response.content.decode()) == []


def test_the_inline_script_finder_finds_what_the_policy_blocks():
    page = (
        '<script src="/static/js/site.js"></script><script type="application/json">{"a": 1}</script>'
        "<script>alert(1)</script><img src=x onerror=alert(1)><a href='javascript:alert(1)'>x</a>"
        '<p style="color:red">x</p><style>p{}</style>'
    )
    assert inline_script(page) == [
        "<script>alert(1)</script>",
        "<img onerror=...>",
        "<a> with javascript: URL",
    ]
    assert inline_style(page) == ["<style>p{}</style>", "<p style=...>"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["superuser", "anonymous"])
def test_the_admin_gets_the_admin_policy(role, role_users, client_for):
    response = client_for(role_users[role]).get("/admin/")
    assert response.status_code == (200 if role == "superuser" else 302)
    assert policy(response) == policy_from_settings(settings.ADMIN_CONTENT_SECURITY_POLICY)
    # No inline script in the admin either (tests/browser/test_admin_csp.py uses it without).
    assert "'unsafe-inline'" not in policy(response)["script-src"]


@pytest.mark.django_db
def test_a_page_outside_the_admin_whose_path_mentions_admin_keeps_the_strict_policy(client):
    response = client.get("/report/", {"next": "/admin/"})
    assert policy(response) == policy_from_settings(settings.CONTENT_SECURITY_POLICY)


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """A big search's plan cost triggers JIT, whose compile time outweighed the query (bench/README.md)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: JIT is a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_sqlite_connections_outlive_a_request_and_run_in_wal_mode(tmp_path):
    """A request's end keeps the connection (opening one cost ~3 ms of CPU a request), and WAL is on."""
    script = (
        "from django.core.signals import request_finished, request_started\n"
        "from django.db import connection\n"
        "request_started.send(sender=None)\n"
        "connection.ensure_connection()\n"
        "first = connection.connection\n"
        "request_finished.send(sender=None)\n"
        "request_started.send(sender=None)\n"
        "connection.ensure_connection()\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA journal_mode')\n"
        "    mode = cursor.fetchone()[0]\n"
        "print(connection.vendor, first is connection.connection, mode)\n"
    )
    result = manage(tmp_path, "manage.py", "shell", "--verbosity", "0", "-c", script)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sqlite", "True", "wal"]


def test_options_in_database_url_are_kept_beside_the_jit_setting(tmp_path):
    script = "from django.conf import settings\nprint(settings.DATABASES['default']['OPTIONS']['options'])\n"
    url = "postgres://tfc:x@127.0.0.1:1/tfc?options=-c%20statement_timeout%3D5000"

    result = manage(tmp_path, "manage.py", "shell", "--verbosity", "0", "-c", script, DATABASE_URL=url)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "-c jit=off -c statement_timeout=5000"


@pytest.mark.django_db
def test_the_second_factor_pages_allow_no_inline_script_either(client):
    from tests.factories import PASSWORD, UserFactory, enrol_totp

    def assert_strict(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.get("Location"))
        assert policy(response) == policy_from_settings(settings.CONTENT_SECURITY_POLICY), path
        assert inline_script(response.content.decode()) == [], path
        return response

    # Half-way through a log-in: the code page.
    enrolled = UserFactory(groups=["Member"])
    enrol_totp(enrolled)
    client.post("/accounts/login/", {"login": enrolled.email, "password": PASSWORD})
    assert_strict("/accounts/2fa/authenticate/")
    client.logout()

    # Enrolling: the authenticator app's QR code and the security key's ceremony.
    newcomer = UserFactory(groups=["Member"])
    client.post("/accounts/login/", {"login": newcomer.email, "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert_strict("/accounts/2fa/totp/activate/")
    page = assert_strict("/accounts/2fa/webauthn/add/")
    assert '<script src="' in page.content.decode(), "the WebAuthn ceremony runs from a script file"
