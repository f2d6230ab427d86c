"""Typed readers for settings that come from environment variables.

Each reader fails loudly, naming the variable, so a typo in production stops
start-up instead of silently running with a default.
"""

import datetime
import os
import urllib.parse

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_day_month(name: str, default: tuple[int, int]) -> tuple[int, int]:
    """A day of every year, written dd/mm (15/12), as (day, month)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        day, month = (int(part) for part in raw.strip().split("/"))
        datetime.date(2024, month, day)  # a leap year: 29/02 is a day of some years
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a day and month as dd/mm (15/12), not {raw!r}.") from None
    return day, month


def env_email(name: str) -> dict:
    """Django's e-mail settings from one URL: unset, the console backend (mail printed to standard
    output); smtp://user:password@host:587 (STARTTLS), smtps://…:465 (TLS from the start)."""
    raw = os.environ.get(name)
    if not raw:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    url = urllib.parse.urlsplit(raw)
    if url.scheme not in ("smtp", "smtps") or not url.hostname:
        raise ImproperlyConfigured(f"{name} must be smtp://user:password@host:port or smtps://…, not {raw!r}.")
    try:
        port = url.port or (465 if url.scheme == "smtps" else 587)
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a port that is not a number: {raw!r}.") from None
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": url.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": urllib.parse.unquote(url.username or ""),
        "EMAIL_HOST_PASSWORD": urllib.parse.unquote(url.password or ""),
        "EMAIL_USE_SSL": url.scheme == "smtps",
        "EMAIL_USE_TLS": url.scheme == "smtp" and port != 25,
    }


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    """Parse a database URL (postgres://… or sqlite:///…) with dj-database-url."""
    import dj_database_url

    url = os.environ.get(name) or default
    if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(f"{name} must be a postgres:// or sqlite:// URL, not {url!r}.")
    try:
        return dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {error}") from None


def env_broker(name: str) -> str:
    url = os.environ.get(name, "").strip()
    if url and not url.startswith(("redis://", "rediss://", "amqp://", "pyamqp://")):
        raise ImproperlyConfigured(f"{name} must be a redis:// or amqp:// URL, not {url!r}.")
    return url


def env_cache(name: str) -> dict:
    """Django's cache: this process's memory by default, a shared Redis with a redis:// URL
    (several web hosts then share the rendered fragments)."""
    url = os.environ.get(name, "").strip()
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}
    if not url.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(f"{name} must be a redis:// URL, not {url!r}.")
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}


# What `make run` signs sessions with. Never accepted with DEBUG off, like any key that
# `check --deploy` would call weak.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me"


def env_secret_key(name: str, *, debug: bool) -> str:
    """The key that signs sessions and password-reset links. With DEBUG on, a development key when
    unset; with DEBUG off it must be set, and as strong as `manage.py check --deploy` asks (50
    characters or more, 5 different at least, not Django's "django-insecure-" ones): a short key
    stops start-up rather than a mere warning, so no runner (a Procfile, a systemd unit) can serve
    with it."""
    from django.core.checks.security.base import (
        SECRET_KEY_INSECURE_PREFIX,
        SECRET_KEY_MIN_LENGTH,
        SECRET_KEY_MIN_UNIQUE_CHARACTERS,
    )

    key = os.environ.get(name, "")
    if debug:
        return key or DEVELOPMENT_SECRET_KEY
    if not key:
        raise ImproperlyConfigured(
            f"{name} must be set when DEBUG is off: {SECRET_KEY_MIN_LENGTH} or more random characters "
            "(DEBUG=true, as `make run` sets it, for development on this machine)."
        )
    weak = (
        key == DEVELOPMENT_SECRET_KEY
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    )
    if weak:
        raise ImproperlyConfigured(
            f"{name} is too weak to run with DEBUG off: it needs {SECRET_KEY_MIN_LENGTH} or more random "
            f"characters, {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different at least, and not the development key "
            '(e.g. python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    return key
