"""Settings shared by every environment; read from the environment with typed helpers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils.csp import CSP

from windfall.env import (
    ConfigError,
    database_settings,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_optional,
    env_redis_url,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
REDIS_URL = env_redis_url("REDIS_URL")  # broker, results and the shared cache; unset: none

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", default="")  # overridden per environment
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "core.apps.WindfallAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "axes",
    "core",
    "accounts",
    "catalog",
    "agreements",
    "scoring",
    "workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.db.DatabaseOutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers locked-out sign-ins
]

ROOT_URLCONF = "windfall.urls"
WSGI_APPLICATION = "windfall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Cached, as Django does by default; the project's own templates are loaded
            # without their indentation (core.template_loaders; docs/performance.md).
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "core.template_loaders.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
            # floatformat with a fast path for plain numbers (same text as Django's).
            "builtins": ["core.templatetags.numbers"],
        },
    },
]

# PostgreSQL: a hung or restarted database is answered in seconds (docs/operations.md).
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 3, minimum=2, maximum=60)
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 10_000, minimum=100)
DB_WORKER_STATEMENT_TIMEOUT_MS = env_int("DB_WORKER_STATEMENT_TIMEOUT_MS", 60_000, minimum=100)
DATABASES = {
    "default": database_settings(
        env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        connect_timeout=DB_CONNECT_TIMEOUT,
        statement_timeout_ms=DB_STATEMENT_TIMEOUT_MS,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out sign-ins first
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_optional("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# One cache shared by every web and worker process when Redis is configured (throttles,
# sign-in lockouts and chart caches hold across gunicorn workers); memory otherwise.
CACHES = {
    "default": {
        "BACKEND": "core.cache.TolerantRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "windfall",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "windfall"}
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (Django's middleware): scripts and styles from this site only,
# no inline script or handler anywhere. The API docs pages relax it for themselves.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Sign-in throttling (django-axes): after WINDFALL_LOGIN_FAILURES failed sign-ins for one
# account or from one address, further attempts (even with the right password) are
# refused with a 429 until WINDFALL_LOGIN_LOCKOUT_SECONDS pass without another failure.
WINDFALL_LOGIN_FAILURES = env_int("WINDFALL_LOGIN_FAILURES", 20, minimum=1)
AXES_FAILURE_LIMIT = WINDFALL_LOGIN_FAILURES + 1
AXES_COOLOFF_TIME = timedelta(seconds=env_int("WINDFALL_LOGIN_LOCKOUT_SECONDS", 60, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Counters live where every web process sees them: Redis when configured, else the database.
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if REDIS_URL
    else "axes.handlers.database.AxesDatabaseHandler"
)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False

# --- Celery -----------------------------------------------------------------
# With REDIS_URL unset, tasks run in-process (eager), so the app needs no broker.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_EAGER", default=REDIS_URL is None)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", default="windfall")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker keeps its database connection from task to task (CONN_MAX_AGE, checked before
# and after each task like a request: windfall/celery.py); Celery's Django fixup would
# otherwise open a new one for every task. It still closes them every 1,000 tasks.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 150, minimum=2)
# Longer than the hard time limit, so a healthy long task is never redelivered (a
# redelivered copy of a running task would only be skipped, but would hold a worker).
# Recovery from a dead worker does not wait for it: the heartbeat and the sweep do that.
_visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", 300, minimum=1)
if _visibility_timeout <= CELERY_TASK_TIME_LIMIT:
    raise ConfigError(
        f"CELERY_VISIBILITY_TIMEOUT ({_visibility_timeout}) must be longer than "
        f"CELERY_TASK_TIME_LIMIT ({CELERY_TASK_TIME_LIMIT})"
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout,
    "unacked_restore_interval": 2,
    "unacked_restore_throttle": 2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Recovery of score runs (docs/operations.md, "Background scoring"). A worker touches
# its run's heartbeat every WINDFALL_HEARTBEAT_SECONDS; the sweep, every
# WINDFALL_SWEEP_SECONDS (and at worker start), hands a running run whose heartbeat is
# older than WINDFALL_STALE_HEARTBEAT_SECONDS to another worker, and sends a queued run
# again after WINDFALL_RESEND_QUEUED_AFTER_SECONDS when no message waits in the queue
# (after WINDFALL_STUCK_AFTER_SECONDS when messages wait: it may be behind them).
WINDFALL_HEARTBEAT_SECONDS = env_int("WINDFALL_HEARTBEAT_SECONDS", 5, minimum=1)
WINDFALL_STALE_HEARTBEAT_SECONDS = env_int("WINDFALL_STALE_HEARTBEAT_SECONDS", 30, minimum=3)
if WINDFALL_STALE_HEARTBEAT_SECONDS < 3 * WINDFALL_HEARTBEAT_SECONDS:
    raise ConfigError(
        f"WINDFALL_STALE_HEARTBEAT_SECONDS ({WINDFALL_STALE_HEARTBEAT_SECONDS}) must be at "
        f"least 3 x WINDFALL_HEARTBEAT_SECONDS ({3 * WINDFALL_HEARTBEAT_SECONDS})"
    )
WINDFALL_RESEND_QUEUED_AFTER_SECONDS = env_int(
    "WINDFALL_RESEND_QUEUED_AFTER_SECONDS", 30, minimum=1
)
WINDFALL_STUCK_AFTER_SECONDS = env_int("WINDFALL_STUCK_AFTER_SECONDS", 300, minimum=10)
WINDFALL_SWEEP_SECONDS = env_int("WINDFALL_SWEEP_SECONDS", 15, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "sweep-score-runs": {"task": "scoring.sweep", "schedule": float(WINDFALL_SWEEP_SECONDS)},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a request without credentials gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the schema types every body as JSON (a form would be a 415).
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.api.StandardPagination",
    # django-filter's backend, skipped when a request names none of the list's filters.
    "DEFAULT_FILTER_BACKENDS": ["core.filters.FilterWhenAskedBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",  # documents the error answers
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Per-user limits on the endpoints that cost seconds of CPU (core.api.AnalysisThrottle).
    "DEFAULT_THROTTLE_RATES": {
        "analysis": env_str("WINDFALL_ANALYSIS_RATE", default="60/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Windfall API",
    "DESCRIPTION": "Design, score and compare international AI benefit-sharing agreements.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "AgreementStatusEnum": "agreements.choices.Status",
        "RunStatusEnum": "scoring.models.RunStatus",
        "PowerLabelEnum": "catalog.choices.PowerLabel",
        "DirectionEnum": [("up", "up"), ("down", "down")],
        "PartyRoleEnum": "agreements.choices.Role",
        "MembershipRoleEnum": "accounts.models.Role",
        "CriterionEnum": "scoring.engine.CRITERIA",
    },
}

# --- Catalog import/export (django-import-export) ------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True  # a bad row imports nothing

# --- Windfall -------------------------------------------------------------------
WINDFALL_CURATOR_GROUP = "curators"
WINDFALL_SCORE_SAMPLES = env_int("WINDFALL_SCORE_SAMPLES", 2000, minimum=100, maximum=100_000)
# A pending score panel (and GET /api/v1/score-runs/{id}/?wait=S) waits up to this many
# seconds for the worker's "run finished" message on Redis before answering (long poll).
# Web workers need threads for it (gunicorn --worker-class gthread), see operations.md.
WINDFALL_SCORE_WAIT_MAX = env_int("WINDFALL_SCORE_WAIT_MAX", 5, minimum=0, maximum=25)
WINDFALL_DEMO_USERNAME = "demo"

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_optional("LOG_LEVEL") or "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
