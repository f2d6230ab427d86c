"""Settings for Coop Tracker.

Everything that differs between a laptop and production comes from environment
variables (see README, "Configuration"). With nothing set, `make run` works:
SQLite under var/ and Celery running tasks in-process.
"""

from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from coop_tracker.env import env_bool, env_broker, env_cache, env_database, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
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
    "accounts",
    "cooperatives",
    "plans",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page asks for a login unless its view says otherwise (login, language switch).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The covering index of cooperatives.YearlyFigures serves PostgreSQL; SQLite builds it on its keys.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Vietnamese formats of the domain primer (1.234,5 and dd/mm/yyyy): Django's own `vi`
# formats group no thousands and write dates d-m-Y. Years stay ungrouped because pages
# group numbers explicitly (plans.templatetags.figures) rather than through
# USE_THOUSAND_SEPARATOR, which would print the year 2025 as "2.025" everywhere.
FORMAT_MODULE_PATH = ["coop_tracker.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
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
CELERY_BEAT_SCHEDULE = {
    "recompute all progress nightly": {
        "task": "plans.tasks.recompute_all_progress",
        "schedule": crontab(hour=1, minute=30),
    },
}

# The cache holds rendered rows of targets, keyed by a digest of what they show (plans/views.py,
# `rows_stamp`), so a stale row cannot be served. CACHE_URL=redis://… shares it between web hosts;
# RELEASE (say, the git commit) keeps a new release's templates from reading an old one's rows.
CACHES = {"default": {**env_cache("CACHE_URL"), "KEY_PREFIX": env_str("RELEASE", "dev"), "TIMEOUT": 3600}}

# Where the official administrative-unit lists live on this machine; the
# project reads them through `manage.py import_admin_units`, never copies them.
ADMIN_UNITS_DIR = Path(env_str("ADMIN_UNITS_DIR", str(BASE_DIR.parent / "shared" / "data" / "admin_units")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
