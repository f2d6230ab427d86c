"""`make bench`, after the dashboard: the API's main reads served by gunicorn, driven by locust.

The same 20 leaders as bench_dashboard (one national, 19 provincial), each reading with an API
token and pausing 1–3 s, on the data set bench_progress builds (any database with plans and a
registry works, for a quick run on a small one). Prints one JSON line.
"""

import json
import os
import urllib.request

from django.core.management.base import CommandError

from accounts.models import ApiToken
from accounts.services import api_token_create
from cooperatives.models import Organisation
from plans.management.commands import bench_dashboard
from plans.models import Plan

SECONDS = 40
ENDPOINTS = ("organisations", "organisations_rated", "figures", "targets", "plans", "counts", "provinces")
TOKEN_NAME = "bench_api"
WARM_UP_REQUESTS = 4


class Command(bench_dashboard.Command):
    help = "Benchmark the API's main reads under load (gunicorn, locust). Prints one JSON line."
    port = bench_dashboard.PORT + 1

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=SECONDS)
        parser.add_argument("--year", type=int, default=2025)

    def handle(self, *args, **options):
        if not (Plan.objects.exists() and Organisation.objects.exists()):
            raise CommandError("No plans or registry here: run bench_progress first (make bench does).")
        users = self.leaders()
        ApiToken.objects.filter(name=TOKEN_NAME, user__in=users).delete()  # last run's
        secrets = [api_token_create(user=user, name=TOKEN_NAME, created_by=user)[1] for user in users]
        env = {
            **os.environ,
            "BENCH_TOKENS": ",".join(secrets),
            "BENCH_YEAR": str(options["year"]),
            "API_RATE": "1000000/minute",  # 20 users well under any sane rate: measure the reads, not the throttle
        }
        bench_dashboard.OUT.mkdir(parents=True, exist_ok=True)
        server = self.serve(env)
        try:
            self.warm_up(secrets, options["year"])
            stats = self.locust(env, "api", len(users), seconds=options["seconds"], locustfile="api_locustfile.py")
        finally:
            server.terminate()
            server.wait(timeout=30)
        endpoints = {
            name: {"p50_ms": int(stats[name]["50%"]), "p95_ms": int(stats[name]["95%"])}
            for name in ENDPOINTS
            if name in stats
        }
        errors = sum(int(row["Failure Count"]) for row in stats.values())
        self.stdout.write(json.dumps({"bench": "api", "users": len(users), "endpoints": endpoints, "errors": errors}))

    def warm_up(self, secrets, year):
        """The counts are cached per account's scope in each worker's memory until the registry
        changes (api.views.CountsView): the statistics are of the steady state, as the dashboard's
        are of its cached rows. A few requests per token reach both workers."""
        for secret in secrets:
            request = urllib.request.Request(
                f"http://127.0.0.1:{self.port}/api/v1/counts/?year={year}",
                headers={"Authorization": f"Bearer {secret}"},
            )
            for _ in range(WARM_UP_REQUESTS):
                urllib.request.urlopen(request, timeout=30).read()
