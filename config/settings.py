"""Settings for Task Force Commons, read from the environment.

With nothing set, the site runs embedded: SQLite in ``var/``, the database task
backend, media in ``var/media``, a local-memory cache and email written to
``var/mail``. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY,
ALLOWED_HOSTS, EMAIL_URL, TASKS_BACKEND, MEDIA_ROOT and SITE_URL.
"""

import base64
import hashlib
import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_json_object(name):
    """An environment variable holding a JSON object ({} when unset); a clear error if it is not one."""
    try:
        value = json.loads(os.environ.get(name) or "{}")
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a JSON object: {error}") from None
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object, not {type(value).__name__}")
    return value


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default="SECRET_KEY" not in os.environ)
# The embedded default needs a key; production must set its own (the deploy
# check rejects this one because it is short and marked insecure).
SECRET_KEY = env("SECRET_KEY", "django-insecure-embedded-development-key-do-not-deploy")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [SITE_URL]

INSTALLED_APPS = [
    "members",
    "taxonomy",
    "search",
    "scheduler",
    "cms",
    "forum",
    "tta",
    "trainings",
    "measures",
    "research",
    "monitoring",
    "operations",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    # cms: sitemap.xml, table blocks and the read-only API of public pages.
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "members.wagtail_users.MembersWagtailUsersConfig",  # wagtail.users with our user editor
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # First: every later middleware's and view's log lines carry the request id, and the
    # latency it measures includes theirs.
    "monitoring.middleware.RequestMonitoringMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the membership middlewares: they tell people why they were redirected.
    "django.contrib.messages.middleware.MessageMiddleware",
    # Wraps everything below, so a 404 from any view or an unknown URL gets the site's page.
    "config.not_found.SiteNotFoundMiddleware",
    "members.middleware.SessionTimeoutMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "members.middleware.MembershipGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.csp.SiteCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: a hit skips only the view; the user, session and gate have run (cms.public_cache).
    "cms.public_cache.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "members.context_processors.membership",
                "research.context_processors.research_nav",
                "forum.context_processors.notifications",
            ],
        },
    },
    {
        # Templates under <app>/jinja2/, for markup repeated many times a request where Django's
        # engine is too slow: the topic page's posts (forum.post_html; bench/README.md, "Readings
        # behind the code", forum). Listed second, so a name both engines have is Django's.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "config.jinja2_environment.environment",
            "autoescape": True,
            # A block tag on a line of its own leaves no blank line or indentation behind.
            "trim_blocks": True,
            "lstrip_blocks": True,
        },
    },
]

# --- Database -----------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock
    # at BEGIN so two writers queue on the busy timeout instead of failing
    # with "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Connections persist (CONN_MAX_AGE, as on PostgreSQL): opening one costs
    # CPU on every request (the PRAGMAs, Django's SQL functions, parsing the
    # schema); see bench/README.md, "Readings behind the code", config. In WAL
    # mode each autocommit statement reads the newest commit, so a kept
    # connection sees other processes' writes.
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: a search over a million index rows has a plan cost high enough to
    # trigger it, and compiling took a large share of the query (see
    # bench/README.md, "Readings behind the code", config); pages here run short
    # queries, where JIT only adds its compile time.
    # First, so options given in DATABASE_URL (?options=...) still apply, and win.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = " ".join(filter(None, ["-c jit=off", _pg_options.get("options")]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -------------------------------------------------------
REDIS_URL = env("REDIS_URL")


def _redis_retry():
    """A Redis restart takes a moment (the drill's is under a second): a command that meets a refused or
    reset connection is retried for about 2 s before the request fails (with a 503: config.unavailable)."""
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from redis.retry import Retry

    return {
        "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), 6),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError],
    }


if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "tfc"),
            "OPTIONS": _redis_retry(),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Django's database sessions, with their one read compiled once (config.sessions).
    SESSION_ENGINE = "config.sessions"
# Anonymous visitors' copies of public pages in the cache above (cms.public_cache).
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", default=True)

# --- Background tasks ---------------------------------------------------------
TASKS_BACKEND = env("TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASK_QUEUES = ["default", "notebooks"]
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND),
        "QUEUES": TASK_QUEUES,
    }
}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    from config.rq_queues import queue_settings

    # By the address's parts, so the queues' client retries through a Redis restart as the cache does.
    RQ_QUEUES = {
        name: queue_settings(REDIS_URL or "redis://127.0.0.1:6379/0", _redis_retry()) for name in TASK_QUEUES
    }
# The scheduler (manage.py run_scheduler) looks for due periodic jobs this
# often; each job runs once per period however many schedulers run. Finished
# runs are kept this long (and always at least two periods) for the status page.
SCHEDULER_INTERVAL_SECONDS = int(env("SCHEDULER_INTERVAL_SECONDS", "30"))
SCHEDULER_RUN_RETENTION = timedelta(days=30)

# --- Authentication (allauth) -------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = ["members.backends.LockAwareAuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "members.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "members.adapter.MembershipAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_FORMS = {
    "signup": "members.forms.MembershipSignupForm",
    "login": "members.forms.LockAwareLoginForm",
}
# allauth's rate limits stay as it sets them, and ours are added: a value here
# replaces allauth's for that whole action, so each one repeats allauth's
# default rates first (allauth.account.app_settings.RATE_LIMITS with nothing
# set; tests/test_config.py checks that none is lost). "login_failed" counts
# wrong passwords per address and wrong codes per account ("key"), whatever
# address they come from; the lockout (members.lockout, in the database and
# audited) comes on top, and releasing a lock clears these per-key counts.
ACCOUNT_RATE_LIMITS = {
    # allauth: 10 a minute per IP, 5 in 5 minutes per key. Ours: 20 an hour per key.
    "login_failed": "10/m/ip,5/300s/key,20/h/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Task Force Commons] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_FORMS = {
    "authenticate": "members.forms.SecondFactorForm",
    "authenticate_webauthn": "members.forms.SecurityKeyStepForm",
    # Set-up keeps its secret across reloads and leads on to the page the gate stopped at.
    "activate_totp": "members.mfa_flow.ActivateAuthenticatorForm",
    "add_webauthn": "members.mfa_flow.AddSecurityKeyForm",
}
MFA_TRUST_ENABLED = False
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "Task Force Commons"
# Accept the code of the neighbouring 30-second step too (RFC 6238 section 5.2): phone clocks drift,
# and a code typed in the last seconds of its step otherwise fails on arrival.
MFA_TOTP_TOLERANCE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Tracking would write to the database on every page view; the session list
# shows when each session started, which is enough.
USERSESSIONS_TRACK_ACTIVITY = False

# Session policy (CJIS): lock after 30 idle minutes, end after 12 hours.
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Lockout: five failures in 15 minutes lock the account for the cool-off.
LOCKOUT_THRESHOLD = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_COOL_OFF = timedelta(minutes=30)
INACTIVE_ACCOUNT_DAYS = 90
AUDIT_RETENTION_DAYS = 400

# --- Wagtail ------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Task Force Commons"
WAGTAILADMIN_BASE_URL = SITE_URL
# The API's detail_url links follow SITE_URL too, whatever Host header a request sent.
WAGTAILAPI_BASE_URL = SITE_URL
# The only log-in is allauth's: Wagtail's admin and its private pages send
# people there (config/urls.py redirects Wagtail's own log-in views too).
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
# Email and passwords are allauth's (verified, audited); the admin's own forms
# for them would bypass both.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
# No third-party requests from any page, the admin included.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# cms: images and documents live outside MEDIA_ROOT, in storage no web server
# serves, so a guessed file URL reaches nothing; cms.media serves images after a
# permission check and Wagtail's document view serves documents (see README).
WAGTAILIMAGES_IMAGE_MODEL = "cms.CommonsImage"
WAGTAILDOCS_DOCUMENT_MODEL = "cms.CommonsDocument"
PROTECTED_MEDIA_ROOT = Path(env("PROTECTED_MEDIA_ROOT", VAR_DIR / "protected-media"))
# Behind nginx: the internal location aliased to PROTECTED_MEDIA_ROOT (e.g. "/_protected/").
# Set, protected files are sent by nginx (X-Accel-Redirect) after the view checked access;
# unset (the default, and runserver), Django streams them (config.protected_files).
PROTECTED_MEDIA_ACCEL_PREFIX = env("PROTECTED_MEDIA_ACCEL_PREFIX", "")
# Wagtail's document view sends local files through this backend (the same choice).
SENDFILE_BACKEND = "config.protected_files"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]  # no SVG: it can carry script
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "csv", "txt"]
# Contact form: submissions allowed per visitor address per hour.
CONTACT_FORM_RATE = (5, 3600)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The site search (our own index, search/) stores topic slugs and imports no app: it asks
# this module for topic names and former slugs, and follows its rename signal.
SEARCH_TOPIC_VOCABULARY = "taxonomy.topics"
# tta and trainings share a layer and import nothing of each other: tta asks this module for
# training events (matcher proposals, "fulfil by event", the dashboard's delivered trainings).
TTA_TRAINING_EVENTS = "trainings.tta_links"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_COMMENTS_ENABLED = True

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Files only views that check access may send (see config.storage). By
    # default under PROTECTED_MEDIA_ROOT; a deployment may name another BACKEND
    # and its OPTIONS (JSON) in the environment, e.g. django-storages' S3 backend
    # for several app nodes (each app's subfolder is joined to OPTIONS["location"]).
    "protected": {
        "BACKEND": env("PROTECTED_STORAGE_BACKEND", "config.storage.ProtectedStorage"),
        "OPTIONS": env_json_object("PROTECTED_STORAGE_OPTIONS"),
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Backups (operations/, docs/operations/backups.md) ---------------------------
# `manage.py backup` and the nightly job write archives here; keep it off the file stores and
# copy it off the machine. The nightly job then keeps the newest BACKUP_KEEP archives.
BACKUP_DIR = Path(env("BACKUP_DIR", VAR_DIR / "backups"))
BACKUP_KEEP = int(env("BACKUP_KEEP", "14"))
BACKUP_NIGHTLY = env_bool("BACKUP_NIGHTLY", default=True)

# --- Email --------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Task Force Commons <no-reply@taskforcecommons.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env("EMAIL_URL")
if EMAIL_URL:
    _email = urlparse(EMAIL_URL)
    _options = parse_qs(_email.query)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "submission" or "tls" in _options
    EMAIL_USE_SSL = _email.scheme == "smtps"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# The backend that delivers; EMAIL_BACKEND wraps it to count failures for /metrics.
EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "monitoring.email.CountingEmailBackend"

# --- Security headers ---------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# DENY (the deploy check's W019): nothing of ours is framed. Wagtail's preview
# views set SAMEORIGIN on their own responses; a view that must be framed gets
# django.views.decorators.clickjacking.xframe_options_sameorigin.
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Monitors probe /healthz over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy: no inline script anywhere on public and member
# pages. The Wagtail admin (/admin/) needs inline styles and 'unsafe-eval'-free
# scripts of its own plus blob: previews; config.csp.SiteCSPMiddleware applies
# ADMIN_CONTENT_SECURITY_POLICY there instead.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Admin pages show text typed by anonymous people (contact messages, sign-up
# reasons, the emails in the lock list and audit log), so no inline script runs
# there either. Wagtail 8 starts inline panels, date pickers and choosers from
# inline <script> tags; members/templates/wagtailadmin/ and members.admin_csp
# make the same calls from a file of ours, members/static/members/admin-init.js.
# When an inline panel adds a form, Wagtail's jQuery fetches that file and runs
# its text as an inline script: that one text is allowed by its hash, which is
# computed here from the file, so it always matches what is served.
_ADMIN_INIT_JS = BASE_DIR / "members" / "static" / "members" / "admin-init.js"
_ADMIN_INIT_HASH = (
    f"'sha256-{base64.b64encode(hashlib.sha256(_ADMIN_INIT_JS.read_bytes()).digest()).decode()}'"
)
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", _ADMIN_INIT_HASH],
        # Wagtail's StreamField and rich-text editors set inline styles; style
        # cannot run code, and they are Wagtail's, not user text.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "frame-src": ["'self'"],
    }
}

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

# Logs: one JSON object a line with the request id (monitoring.logs), in production;
# plain text in development unless LOG_FORMAT=json.
LOG_FORMAT = env("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "monitoring.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "monitoring.logs.JsonFormatter"},
        "text": {"format": "%(levelname)s %(asctime)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# --- Monitoring (monitoring/) -------------------------------------------------
# /metrics answers only a request bearing this token ("Authorization: Bearer ..."); unset, it is
# a 404 for everyone.
METRICS_TOKEN = env("METRICS_TOKEN", "")
# BACKUP_DIR (above, with the backups): the newest archive's age is exported as a metric.
# Error reports to Sentry, only when set (sentry-sdk is imported only then).
SENTRY_DSN = env("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        # Errors only: members' data is not sent (no request bodies, no personal data).
        send_default_pii=False,
        traces_sample_rate=0.0,
    )

# Tests and CI set this to run background work in-process.
if env("TASKS_IMMEDIATE"):
    TASKS["default"]["BACKEND"] = _TASK_BACKENDS["immediate"]
