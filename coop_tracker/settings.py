"""Settings for Coop Tracker.

Everything that differs between a laptop and production comes from environment
variables (see README, "Configuration"). With DEBUG=true and nothing else set (what
`make run` does), SQLite under var/ and Celery running tasks in-process; with DEBUG off
(the default), a strong SECRET_KEY is required.
"""

import datetime
import re
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from coop_tracker.env import (
    env_bool,
    env_broker,
    env_cache,
    env_database,
    env_day_month,
    env_email,
    env_int,
    env_list,
    env_secret_key,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# Off unless asked for: `make run`, `make test` and the test settings (tests/settings.py) turn it
# on; a host started any other way (a Procfile runner, a systemd unit per process) runs with it off.
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_secret_key("SECRET_KEY", debug=DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_celery_beat",
    "simple_history",
    "axes",
    "accounts",
    "cooperatives",
    "plans",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    # First: it decides where every read of the request goes (the session's included).
    "coop_tracker.replicas.ReplicaMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the whole body.
    "coop_tracker.middleware.RequestSizeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the password check, which says why it ended a session (an expired temporary password).
    "django.contrib.messages.middleware.MessageMiddleware",
    # One JSON line per request under /api/, with the account and token (README, "REST API").
    "api.middleware.ApiRequestLogMiddleware",
    # Every page asks for a login unless its view says otherwise (login, language switch).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "coop_tracker.middleware.SecurityHeadersMiddleware",
    "coop_tracker.middleware.PrivateCacheMiddleware",
    # A write refused by a locked reporting round: a 409 saying why and who can reopen it.
    "cooperatives.middleware.RoundLockedMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coop_tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "coop_tracker.wsgi.application"

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'coop_tracker.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The recompute's grouped queries take well under a second; PostgreSQL's JIT compiler
    # spent longer compiling them (0.3–0.4 s each) than running them. Random reads cost
    # about what sequential ones do on SSDs: with the default (4) the one-province
    # recompute scanned every yearly figure instead of following the index (0.2 s → 0.03 s).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"
# A read-only replica for the pages' reads (coop_tracker/replicas.py, README "Several hosts").
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", "")
    # The primary's planner settings, and the replica URL's own options (sslmode…) over them.
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        **DATABASES["replica"].get("OPTIONS", {}),
    }
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["coop_tracker.replicas.ReplicaRouter"]
# How long a browser that wrote reads from the primary, while the replica catches up.
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The covering index of cooperatives.YearlyFigures serves PostgreSQL; SQLite builds it on its keys.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

# Lockout (django-axes, accounts.lockout): wrong passwords, at login and on /password/, are counted
# three ways within the cool-off, and reaching any limit refuses the login before any password is
# hashed: AXES_FAILURE_LIMIT for one username from one address (one person's typos lock no one else:
# a province's offices share one address behind their router), AXES_ADDRESS_FAILURE_LIMIT from one
# address whatever the usernames (one password tried on every username), AXES_USERNAME_FAILURE_LIMIT
# for one username whatever the addresses (one account guessed from many). The last lets anyone who
# knows a username lock it for the cool-off, so it is high; an admin's password reset lifts it. A
# successful login forgives its own pair's failures only (accounts.services lifts the rest).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 50)
AXES_USERNAME_FAILURE_LIMIT = env_int("AXES_USERNAME_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A temporary password (a new account, a reset, one set in the Django admin) logs in for this long.
TEMPORARY_PASSWORD_HOURS = env_int("TEMPORARY_PASSWORD_HOURS", 72)
# Behind PROXY_COUNT reverse proxies (nginx…), the client's address is the one they put in
# X-Forwarded-For and the scheme the one in X-Forwarded-Proto; with none, both are ignored, since
# a client could write them.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Sessions: a working day at most, and none survive closing the browser.
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# HTTPS in production (DEBUG off): redirect, secure cookies, HSTS. Each can be turned off by its
# variable, e.g. SECURE_SSL_REDIRECT=false where a proxy in front already redirects.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers check a host over plain HTTP, straight to gunicorn.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it: every form carries its token
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# coop_tracker.middleware.SecurityHeadersMiddleware; in development too, so a page that breaks
# the policy shows it at once. See that module for why styles allow 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Requests: a form of the registry is a few kilobytes; the Excel import uploads one file of at most
# 20 MB (cooperatives.importing.MAX_UPLOAD_BYTES), which Django streams to a temporary file above
# FILE_UPLOAD_MAX_MEMORY_SIZE. A body declared larger than its page takes is refused before it is
# read (coop_tracker.middleware.RequestSizeMiddleware); the web server in front should cap bodies
# too (README, "Production serving").
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 1
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
REQUEST_BODY_MAX_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE + 256 * 1024
# The upload page: the file, the province and the CSRF token, and the multipart boundaries.
REQUEST_BODY_LIMITS = {
    "registry_import": 20 * 1024 * 1024 + 256 * 1024,
    "api-figures-bulk": 16 * 1024 * 1024 + 256 * 1024,  # api.parsers.MAX_BODY_BYTES
}
# Uploads an account may make in an hour (cooperatives.forms.RegistryImportForm).
IMPORT_UPLOADS_PER_HOUR = env_int("IMPORT_UPLOADS_PER_HOUR", 20)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Vietnamese formats of the domain primer (1.234,5 and dd/mm/yyyy): Django's own `vi`
# formats group no thousands and write dates d-m-Y. Years stay ungrouped because pages
# group numbers explicitly (plans.figures) rather than through
# USE_THOUSAND_SEPARATOR, which would print the year 2025 as "2.025" everywhere.
FORMAT_MODULE_PATH = ["coop_tracker.formats"]

STATIC_URL = "static/"
# collectstatic writes here and whitenoise serves from here (hashed, gzip and brotli) when DEBUG is off.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "coop_tracker.staticfinders.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Celery: with no broker configured, tasks run eagerly in the calling process,
# which is what `make run` on a laptop wants. Set CELERY_BROKER_URL for real workers.
CELERY_TASK_ALWAYS_EAGER = not env_broker("CELERY_BROKER_URL")
CELERY_BROKER_URL = env_broker("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The tasks that read an uploaded file stop after this (cooperatives.tasks): 100,000 rows take
# about half a minute to read and write, so this is only ever reached by a file crafted to be slow.
IMPORT_TASK_SECONDS = env_int("IMPORT_TASK_SECONDS", 300)
# A check or commit of an upload stamps it every IMPORT_HEARTBEAT_SECONDS while its process lives;
# one silent for IMPORT_DEAD_AFTER_SECONDS was killed and ends "failed", its file kept to run again
# (cooperatives.services.registry_imports_end_dead: every minute, and when its page is read). The
# wait must exceed the longest stretch a reader may hold the interpreter (100,000 rows: seconds).
IMPORT_HEARTBEAT_SECONDS = env_int("IMPORT_HEARTBEAT_SECONDS", 10)
IMPORT_DEAD_AFTER_SECONDS = env_int("IMPORT_DEAD_AFTER_SECONDS", 90)
# Exports (cooperatives.exports): up to EXPORT_INLINE_ROWS rows are streamed in the response; more
# are written by a Celery worker (EXPORT_TASK_SECONDS at most) and kept EXPORT_KEPT_HOURS for their
# owner to download. The national registry (110,000 rows) takes about 10–20 s to write.
EXPORT_INLINE_ROWS = env_int("EXPORT_INLINE_ROWS", 5000)
EXPORT_KEPT_HOURS = env_int("EXPORT_KEPT_HOURS", 24)
EXPORT_TASK_SECONDS = env_int("EXPORT_TASK_SECONDS", 600)
# A plan's progress report of more targets than this is written by a worker too (plans.exports).
EXPORT_PLAN_REPORT_TARGETS = env_int("EXPORT_PLAN_REPORT_TARGETS", 300)
CELERY_BEAT_SCHEDULE = {
    "recompute all progress nightly": {
        "task": "plans.tasks.recompute_all_progress",
        "schedule": crontab(hour=1, minute=30),
    },
    "end registry imports whose process died, every minute": {
        "task": "cooperatives.tasks.end_dead_registry_imports",
        "schedule": crontab(),
    },
    "expire week-old and abandoned registry imports hourly": {
        "task": "cooperatives.tasks.expire_registry_imports",
        "schedule": crontab(minute=17),
    },
    "remind provinces of the yearly report's deadline daily": {
        "task": "cooperatives.tasks.remind_reporting_rounds",
        "schedule": crontab(hour=8, minute=0),
    },
    "delete day-old exports hourly": {
        "task": "cooperatives.tasks.expire_exports",
        "schedule": crontab(minute=23),
    },
}

# The yearly reporting calendar (issue 16): each HTX updates the national system by 15/12 (TT
# 09/2024/TT-BKHĐT; the 2012 law's calendar had the province report by 21/12).
REPORTING_HTX_DEADLINE = env_day_month("REPORTING_HTX_DEADLINE", (15, 12))
REPORTING_PROVINCE_DEADLINE = env_day_month("REPORTING_PROVINCE_DEADLINE", (21, 12))
# The reminders of that deadline go out by e-mail (cooperatives.tasks.remind_reporting_rounds):
# printed on standard output unless EMAIL_URL names an SMTP server.
globals().update(env_email("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Coop Tracker <noreply@localhost>")

# The cache holds rendered rows of targets, keyed by a digest of what they show (plans/views.py,
# `rows_stamp`), so a stale row cannot be served. CACHE_URL=redis://… shares it between web hosts;
# RELEASE (say, the git commit) keeps a new release's templates from reading an old one's rows.
CACHES = {"default": {**env_cache("CACHE_URL"), "KEY_PREFIX": env_str("RELEASE", "dev"), "TIMEOUT": 3600}}

# Where the official administrative-unit lists live on this machine; the
# project reads them through `manage.py import_admin_units`, never copies them.
ADMIN_UNITS_DIR = Path(env_str("ADMIN_UNITS_DIR", str(BASE_DIR.parent / "shared" / "data" / "admin_units")))
# Province boundaries for the maps (`import_province_maps`), beside the administrative units.
MAPS_DIR = Path(env_str("MAPS_DIR", str(BASE_DIR.parent / "shared" / "data" / "maps")))

# Logs go to standard output (the process manager keeps them): JSON lines in production
# (LOG_FORMAT=json, coop_tracker.logs), readable lines in development.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "coop_tracker.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
# The worker and beat log through the configuration above rather than Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The REST API (api/, README "REST API"): a token per account (Authorization: Bearer …) or the
# browser's session; JSON in and out; API_RATE requests per token (or account) and period.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "PAGE_SIZE": 100,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
API_RATE = env_str("API_RATE", "1200/minute")
if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", API_RATE):
    raise ImproperlyConfigured(f"API_RATE must be requests per second, minute, hour or day, not {API_RATE!r}.")
SPECTACULAR_SETTINGS = {
    "TITLE": "Coop Tracker API",
    "DESCRIPTION": "Progress of the plans for the collective economy, and the registry of cooperatives.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the installed drf-spectacular-sidecar package: no CDN (README, "Front end").
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name get the model's name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "cooperatives.models.Organisation.Kind",
        "OrganisationStatusEnum": "cooperatives.models.Organisation.Status",
        "UnitKindEnum": "cooperatives.models.AdminUnit.Kind",
        "UnitLevelEnum": "cooperatives.models.AdminUnit.Level",
        "RatingLevelEnum": "cooperatives.models.Rating.Level",
        "ProgressStatusEnum": "plans.models.Progress.Status",
    },
}
