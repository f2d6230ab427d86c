"""gunicorn's settings: `gunicorn -c coop_tracker/gunicorn.conf.py` (the Procfile's web process).

Read from the same environment as the Django settings (README, "Production serving").
"""

import gc

from coop_tracker.env import env_bool, env_int, env_str

wsgi_app = "coop_tracker.wsgi:application"
bind = env_str("WEB_BIND", "127.0.0.1:8000")
# One sync worker per core served the most pages here (README, "Benchmarks"); more did not help.
workers = env_int("WEB_CONCURRENCY", 2)
timeout = env_int("WEB_TIMEOUT", 60)
# Restart a worker now and then, so a slow leak cannot grow for weeks.
max_requests, max_requests_jitter = 2000, 200
# The proxy in front (nginx…) may say which scheme and address the client used.
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"


def post_worker_init(worker):
    """The application is loaded: its modules, classes and functions (and the views its URLs import)
    live as long as the worker, so gc.freeze() takes them out of the collector's reach. A full
    collection then scans what requests left, not 130,000 objects: 86 → 17 ms of CPU each, about
    one in 50 requests of the registry (measured in process), a pause that landed in the pages' 95th
    percentile under load."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view)
    gc.collect()
    gc.freeze()


if env_str("LOG_FORMAT", "plain" if env_bool("DEBUG", default=False) else "json") == "json":
    # The access and error logs as JSON lines on standard output, like Django's (coop_tracker.logs).
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "coop_tracker.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }
