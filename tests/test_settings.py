"""Settings come from the environment; a bad value stops start-up and names the variable."""

import os
import subprocess
import sys

import pytest

from coop_tracker import env


def start_django(**environment):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DEBUG"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER)",
        ],
        env={**clean, "DJANGO_SETTINGS_MODULE": "coop_tracker.settings", **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_with_nothing_set_it_uses_sqlite_and_eager_celery():
    result = start_django()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_with_a_database_and_broker_it_uses_them():
    result = start_django(DATABASE_URL="postgres://u@db.example:5432/x", CELERY_BROKER_URL="redis://r:6379/0")
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"], result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://x"),
        ("CELERY_BROKER_URL", "http://x"),
        ("CACHE_URL", "memcached://x"),
        ("SECRET_KEY", ""),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value):
    environment = {variable: value}
    if variable == "SECRET_KEY":
        environment["DEBUG"] = "false"
    result = start_django(**environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and variable in result.stderr.splitlines()[-1]


def test_typed_readers(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    monkeypatch.setenv("X_LIST", " a, b ,,c ")
    assert env.env_bool("X_FLAG", default=False) is True
    assert env.env_list("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.setenv("X_FLAG", "perhaps")
    with pytest.raises(Exception, match="X_FLAG"):
        env.env_bool("X_FLAG", default=False)


def test_the_interface_is_vietnamese_first_in_ho_chi_minh_time(settings):
    assert settings.LANGUAGE_CODE == "vi" and "en" in dict(settings.LANGUAGES)
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
