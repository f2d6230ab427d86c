"""Serve plotly.js from the installed `plotly` package instead of committing a 4.6 MB copy.

Only the one file is published as `vendor/plotly.min.js`: mapping the package's whole
`package_data` folder would publish about 10 MB of extras. It works wherever static files
are found: runserver, whitenoise in development, live-server tests and collectstatic.
"""

import importlib.resources
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor"
NAME = "plotly.min.js"


def plotly_js_dir() -> Path:
    return Path(str(importlib.resources.files("plotly") / "package_data"))


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=plotly_js_dir())
        # collectstatic and whitenoise place a storage's files under its `prefix`.
        self.storage.prefix = PREFIX

    def find(self, path, find_all=False, **kwargs):
        if path != f"{PREFIX}/{NAME}":
            return [] if find_all else None
        found = str(plotly_js_dir() / NAME)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        yield NAME, self.storage
