"""`make bench`: the national registry exported, as CSV and as Excel, on the progress benchmark's
data set (110,150 organisations, built by `bench_progress`).

Each format is written in a child process (`--child csv|xlsx`) by the code a Celery worker runs
for a large export (`cooperatives.exports.registry_export_build`: the filtered rows read by a
server-side cursor, written, stored for download), as a national admin with no filter; the child
reports its time and its peak resident memory (`ru_maxrss`, Django's start-up included), so the
memory measured is the exporting process's alone. Prints one JSON line:
`{"bench": "export", "rows": N, "csv_s": S, "xlsx_s": S, "peak_rss_mb": M}`.
"""

import json
import resource
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.models import User
from cooperatives.exports import registry_export_build, registry_file_name
from cooperatives.models import Export, Organisation

USERNAME = "bench.export"


class Command(BaseCommand):
    help = "Benchmark the registry's exports on the national data set (PostgreSQL). Prints one JSON line."

    def add_arguments(self, parser):
        parser.add_argument("--child", choices=["csv", "xlsx"], help="(internal) export one format and report")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("make bench needs PostgreSQL: set DATABASE_URL (the Makefile's bench target does).")
        if options["child"]:
            self.stdout.write(json.dumps(self.child(options["child"])))
            return
        figures = {"bench": "export", "rows": None}
        peak = 0
        for export_format in ("csv", "xlsx"):
            result = subprocess.run(
                [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench_export", "--child", export_format],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise CommandError(f"The {export_format} export failed:\n{result.stderr[-3000:]}")
            child = json.loads(result.stdout.strip().splitlines()[-1])
            figures["rows"] = child["rows"]
            figures[f"{export_format}_s"] = child["seconds"]
            peak = max(peak, child["peak_rss_mb"])
        figures["peak_rss_mb"] = peak
        self.stdout.write(json.dumps(figures))

    def child(self, export_format):
        admin, _created = User.objects.get_or_create(
            username=USERNAME, defaults={"role": User.Role.ADMIN, "is_active": True}
        )
        expected = Organisation.objects.count()
        export = Export.objects.create(
            created_by=admin,
            kind=Export.Kind.REGISTRY,
            format=export_format,
            params={"query": {}, "language": "vi"},
            file_name=registry_file_name(export_format),
            rows_total=expected,
        )
        try:
            started = time.perf_counter()
            done = registry_export_build(export_id=export.pk)
            seconds = time.perf_counter() - started
            if done is None or done.status != Export.Status.DONE or done.rows_done != expected:
                ended = (getattr(done, "status", None), getattr(done, "message", ""))
                raise CommandError(f"The export ended {ended[0]!r}: {ended[1]}")
            return {
                "rows": done.rows_done,
                "seconds": round(seconds, 2),
                "bytes": done.size,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        finally:
            Export.objects.filter(pk=export.pk).delete()
