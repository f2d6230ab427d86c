"""Test set-up shared by the whole suite.

The test database is built once per run the way `make run` builds it: migrations
(which carry the 97 provinces), the official commune lists from
../shared/data/admin_units through `import_admin_units`, then `load_demo`. Tests
run in transactions on top of it and leave it as they found it.
"""

import os

import pytest
from django.conf import settings
from django.core.management import call_command

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def admin_units_dir():
    path = settings.ADMIN_UNITS_DIR
    if not (path / "derived").is_dir():
        pytest.fail(f"The administrative-unit lists are missing at {path}; set ADMIN_UNITS_DIR.")
    return path


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("import_admin_units", str(admin_units_dir() / "derived"), verbosity=0)
        call_command("load_demo", verbosity=0)


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


def pytest_collection_modifyitems(items):
    # Tests through a real worker commit for real, and pytest-django empties the database
    # after them: run them after everything that reads the demo.
    items.sort(key=lambda item: item.get_closest_marker("worker") is not None)
