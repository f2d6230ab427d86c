"""Test set-up shared by the whole suite.

The test database is built once per run the way `make run` builds it: migrations
(which carry the 97 provinces), the official commune lists from
../shared/data/admin_units through `import_admin_units`, then `load_demo`. Tests
run in transactions on top of it and leave it as they found it.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tests.workers import worker  # noqa: F401 (the fixture of the tests marked `worker`)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse to run
# beside it in live-server tests without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def admin_units_dir():
    path = settings.ADMIN_UNITS_DIR
    if not (path / "derived").is_dir():
        pytest.fail(f"The administrative-unit lists are missing at {path}; set ADMIN_UNITS_DIR.")
    return path


@pytest.fixture(scope="session", autouse=True)
def _compiled_messages():
    """The English catalogue, recompiled when its .po is newer and gettext is installed
    (the compiled .mo files are committed, so a machine without gettext still has them)."""
    stale = [po for po in settings.LOCALE_PATHS[0].glob("*/LC_MESSAGES/django.po") if _older(po.with_suffix(".mo"), po)]
    if stale and shutil.which("msgfmt"):
        call_command("compilemessages", ignore_patterns=[".venv", "var"], verbosity=0)


def _older(path, than):
    return not path.exists() or path.stat().st_mtime < than.stat().st_mtime


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: `playwright install` cannot download a browser here.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("import_admin_units", str(admin_units_dir() / "derived"), verbosity=0)
        with override_settings(DEBUG=True):  # pytest-django runs with DEBUG off, which load_demo refuses
            call_command("load_demo", verbosity=0)
        if connection.vendor == "postgresql":
            # Fresh tables have no statistics; production ones do. Without them the planner
            # guesses one row per table and picks nested loops that take minutes.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # MD5 for speed; PBKDF2 still verifies the demo accounts made during set-up.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def shared_admin_units():
    """The folder of official lists (`derived/`, `upstream/`)."""
    return admin_units_dir()


@pytest.hookimpl(trylast=True)  # after pytest's own reordering by fixture scope
def pytest_collection_modifyitems(items):
    # Tests through a real worker commit for real: run them after everything that reads the demo.
    # Those that clean up after themselves (autocommit) first, then the transactional ones, after
    # which pytest-django empties the database. Browser tests, which commit a login session on
    # PostgreSQL (and remove what an import commits), run just before them.
    def order(item):
        if item.get_closest_marker("worker"):
            marker = item.get_closest_marker("django_db")
            return 3 if marker and marker.kwargs.get("transaction") else 2
        return 1 if item.get_closest_marker("browser") else 0

    items.sort(key=order)
