"""The test run's settings: the project's, with DEBUG on as `make run` has it (SQLite or the
DATABASE_URL given, the development key, static files served from the source folders).

The project's settings default to DEBUG off, which needs a strong SECRET_KEY; pytest-django reads
the settings before any conftest runs, so they are turned on here. pytest-django still runs every
test with settings.DEBUG = False, as Django's own test runner does. Tests of production settings
start Django in a subprocess with coop_tracker.settings (tests/test_settings.py).
"""

import os

os.environ.setdefault("DEBUG", "true")

from coop_tracker.settings import *  # noqa: E402, F403

# A replica alias, a test mirror of the primary, for tests/test_replicas.py (no router unless a
# test sets one: every other test reads and writes "default" only).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
