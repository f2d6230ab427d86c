"""Third-party assets come from our own static files: the dashboard works on a closed network."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

BASE = Path(settings.BASE_DIR)
CDN = re.compile(r"cdn|unpkg|jsdelivr|googleapis|gstatic|cloudflare", re.IGNORECASE)


def test_plotly_js_is_found_in_the_installed_package():
    found = finders.find("vendor/plotly.min.js")
    assert found and Path(found).name == "plotly.min.js" and Path(found).stat().st_size > 1_000_000


def test_collectstatic_publishes_plotly_js_and_bootstrap(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "vendor" / "plotly.min.js").is_file()
    assert (tmp_path / "vendor" / "bootstrap" / "bootstrap.min.css").is_file()
    assert not (tmp_path / "vendor" / "plotly-cartesian.min.js").exists()  # only the one file


def test_no_template_or_static_file_names_a_cdn():
    files = [*BASE.joinpath("templates").rglob("*.html"), *BASE.joinpath("static").rglob("*.*")]
    assert [str(path) for path in files if CDN.search(path.read_text(errors="ignore"))] == []
