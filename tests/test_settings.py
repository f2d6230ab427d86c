"""Settings come from the environment; a bad value stops start-up and names the variable."""

import json
import os
import subprocess
import sys

import pytest

from coop_tracker import env

# What the test run sets for itself (tests/settings.py, tests/conftest.py), which a host started
# with nothing set would not have.
TEST_RUN = {"DATABASE_URL", "CELERY_BROKER_URL", "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}


def start_django(**environment):
    clean = {k: v for k, v in os.environ.items() if k not in TEST_RUN}
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


def test_with_nothing_set_debug_is_off_and_it_refuses_to_start_without_a_secret_key():
    result = start_django()
    assert result.returncode != 0
    last = result.stderr.splitlines()[-1]
    assert "ImproperlyConfigured" in last and "SECRET_KEY must be set when DEBUG is off" in last


def test_with_debug_on_and_nothing_else_it_uses_sqlite_and_eager_celery():
    result = start_django(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_with_a_database_and_broker_it_uses_them():
    result = start_django(
        DEBUG="true", DATABASE_URL="postgres://u@db.example:5432/x", CELERY_BROKER_URL="redis://r:6379/0"
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"], result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "dev-only-insecure-key-change-me",  # the development key
        "Q7x!pZ2@vR9#mL4$wT6%yB8^nC1&dF3*",  # 32 characters
        "ab" * 30,  # long, but two characters
        "django-insecure-" + "Q7x!pZ2@vR9#mL4$wT6%yB8^nC1&dF3*k" * 2,  # Django's own placeholder
    ],
)
def test_with_debug_off_a_weak_secret_key_stops_start_up_naming_it(key):
    result = start_django(DEBUG="false", SECRET_KEY=key, ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    last = result.stderr.splitlines()[-1]
    assert "ImproperlyConfigured" in last and "SECRET_KEY is too weak" in last


def test_make_serves_check_refuses_a_short_key():
    # `make serve` runs `check --deploy --fail-level ERROR`, which only warns of a short key.
    clean = {k: v for k, v in os.environ.items() if k not in TEST_RUN}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        env={**clean, **PRODUCTION, "SECRET_KEY": "short-but-set-0123456789"},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings_dir(),
    )
    assert result.returncode != 0 and "SECRET_KEY is too weak" in result.stderr


def test_the_development_targets_of_the_makefile_turn_debug_on_and_serve_turns_it_off():
    def commands(target):
        environment = {k: v for k, v in os.environ.items() if k not in TEST_RUN}
        environment.update(DATABASE_URL="postgres://x", CELERY_BROKER_URL="redis://x", SECRET_KEY="x")
        result = subprocess.run(
            ["make", "-n", target], capture_output=True, text=True, cwd=settings_dir(), env=environment, timeout=60
        )
        return [line for line in result.stdout.splitlines() if "manage.py" in line or "pytest" in line]

    for target in ("run", "test"):
        assert commands(target) and all("DEBUG=true" in line for line in commands(target)), target
    serving = [line for line in commands("serve") if "compilemessages" not in line]
    assert serving and all("DEBUG=false" in line for line in serving)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://x"),
        ("CELERY_BROKER_URL", "http://x"),
        ("CACHE_URL", "memcached://x"),
        ("SECRET_KEY", ""),
        ("API_RATE", "lots"),
        ("REPORTING_HTX_DEADLINE", "31/02"),
        ("EMAIL_URL", "ftp://mail.example.vn"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value):
    environment = {variable: value}
    if variable == "SECRET_KEY":
        environment["DEBUG"] = "false"
    elif variable != "DEBUG":
        environment["DEBUG"] = "true"
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


def test_the_reporting_calendar_and_the_mail_server_read_from_the_environment(monkeypatch):
    assert env.env_day_month("X_DAY", (15, 12)) == (15, 12)
    monkeypatch.setenv("X_DAY", "18/12")
    assert env.env_day_month("X_DAY", (15, 12)) == (18, 12)
    assert env.env_email("X_MAIL")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    monkeypatch.setenv("X_MAIL", "smtp://lienminh%40example.vn:m%E1%BA%ADt@mail.example.vn:587")
    smtp = env.env_email("X_MAIL")
    assert smtp["EMAIL_BACKEND"].endswith("smtp.EmailBackend") and smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_HOST_USER"]) == (
        "mail.example.vn",
        587,
        "lienminh@example.vn",
    )
    assert smtp["EMAIL_HOST_PASSWORD"] == "mật"
    monkeypatch.setenv("X_MAIL", "smtps://mail.example.vn")
    assert env.env_email("X_MAIL")["EMAIL_PORT"] == 465 and env.env_email("X_MAIL")["EMAIL_USE_SSL"]


def test_the_interface_is_vietnamese_first_in_ho_chi_minh_time(settings):
    assert settings.LANGUAGE_CODE == "vi" and "en" in dict(settings.LANGUAGES)
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 25 + "Q7x!pZ2@vR9#mL4$wT6%yB8^nC1&dF3*",
    "ALLOWED_HOSTS": "example.org",
}
NOT_IN_PRODUCTION = TEST_RUN | {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def test_check_deploy_with_production_settings_reports_nothing():
    clean = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        env={**clean, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings_dir(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def settings_dir():
    from django.conf import settings

    return settings.BASE_DIR


def read_settings(names, **environment):
    clean = {k: v for k, v in os.environ.items() if k not in TEST_RUN}
    code = "import django, json; django.setup(); from django.conf import settings as s; "
    code += f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}, default=str))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "coop_tracker.settings", **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_production_turns_on_https_hsts_secure_cookies_json_logs_and_hashed_static_files():
    names = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LOG_FORMAT"]
    production = read_settings([*names, "STORAGES"], **PRODUCTION)
    assert [production[name] for name in names] == [True, 31536000, True, True, "json"]
    assert production["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    development = read_settings(names, DEBUG="true")
    assert [development[name] for name in names] == [False, 0, False, False, "plain"]


def test_behind_a_proxy_the_forwarded_address_and_scheme_are_trusted_and_not_otherwise():
    names = ["AXES_IPWARE_META_PRECEDENCE_ORDER", "SECURE_PROXY_SSL_HEADER"]
    assert read_settings(names, DEBUG="true", PROXY_COUNT="1") == {
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    assert read_settings(names, DEBUG="true")["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]


def test_json_log_lines_carry_the_fields_of_a_gunicorn_access_line():
    import logging

    from coop_tracker.logs import JsonFormatter

    atoms = {"h": "10.0.0.5", "m": "GET", "U": "/registry/", "q": "q=HTX", "s": "200", "B": "5120", "M": "18"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(h)s %(U)s", (atoms,), None)
    line = json.loads(JsonFormatter().format(record))
    assert (line["logger"], line["path"], line["status"], line["duration_ms"]) == (
        "gunicorn.access",
        "/registry/",
        "200",
        "18",
    )
    assert line["message"] == "10.0.0.5 /registry/"


def test_manage_py_on_a_machine_without_a_key_runs_with_debug_on_and_a_host_with_one_keeps_it_off():
    clean = {k: v for k, v in os.environ.items() if k not in TEST_RUN}
    script = ["manage.py", "shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)"]
    run = lambda **env: subprocess.run(  # noqa: E731
        [sys.executable, *script], env={**clean, **env}, capture_output=True, text=True, timeout=60
    )
    assert run().stdout.split()[-1:] == ["True"]
    strong = "Q7x!pZ2@vR9#mL4$wT6%yB8^nC1&dF3*k9Lm0Np8Qr7St6Uv5Wx4Yz3"
    assert run(SECRET_KEY=strong).stdout.split()[-1:] == ["False"]


def test_a_gunicorn_worker_freezes_the_loaded_application_out_of_the_collectors_reach():
    import gc
    import runpy
    import sys

    from django.conf import settings

    config = runpy.run_path(str(settings.BASE_DIR / "coop_tracker" / "gunicorn.conf.py"))
    try:
        config["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000  # Django, the project's modules and views
        assert "cooperatives.views" in sys.modules
    finally:
        gc.unfreeze()
