"""`make bench`, second part: the leaders' pages served by gunicorn, driven by locust on loopback.

Runs on the synthetic national data set that bench_progress builds. Two runs: 20 users who
pause 1–3 s between pages as people do (one national leader, the others provincial leaders
of different provinces), then users who never pause, to find what two workers sustain.
Prints one JSON line.
"""

import csv
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.models import User
from cooperatives.models import AdminUnit
from plans.models import Plan

PORT = 8077
PASSWORD = "bench-leader-2026"
USERS, SATURATING_USERS = 20, 8
WARM_UP_SECONDS = 15  # each locust run is preceded by one this long, not measured
OUT = Path(settings.VAR_DIR) / "bench"


class Command(BaseCommand):
    help = (
        "Benchmark the overview, plan and reporting pages under load (PostgreSQL, gunicorn, locust). "
        "Prints one JSON line."
    )
    port = PORT

    def handle(self, *args, **options):
        if connection.vendor != "postgresql" or not Plan.objects.filter(title__startswith="Mẫu").exists():
            raise CommandError("Run bench_progress first (make bench does): it builds the national data set.")
        users = self.leaders()
        env = {
            **os.environ,
            "BENCH_USERS": ",".join(u.username for u in users),
            "BENCH_PASSWORD": PASSWORD,
            "BENCH_PLANS": ";".join(f"{u.username}={self.plan_ids(u)}" for u in users),
        }
        OUT.mkdir(parents=True, exist_ok=True)
        server = self.serve(env)
        try:
            paced = self.locust(env, "paced", USERS, seconds=50)
            saturated = self.locust({**env, "THINK": "0"}, "saturated", SATURATING_USERS, seconds=25, warm_up=0)
        finally:
            server.terminate()
            server.wait(timeout=30)
        self.stdout.write(
            json.dumps(
                {
                    "bench": "dashboard",
                    "users": USERS,
                    "overview_p50_ms": int(paced["overview"]["50%"]),
                    "overview_p95_ms": int(paced["overview"]["95%"]),
                    "plan_p50_ms": int(paced["plan"]["50%"]),
                    "plan_p95_ms": int(paced["plan"]["95%"]),
                    "reporting_p50_ms": int(paced["reporting"]["50%"]),
                    "reporting_p95_ms": int(paced["reporting"]["95%"]),
                    "errors": sum(int(row["Failure Count"]) for row in paced.values()),
                    "saturation_rps": round(sum(float(saturated[n]["Requests/s"]) for n in ("overview", "plan")), 1),
                    "saturation_errors": sum(int(row["Failure Count"]) for row in saturated.values()),
                }
            )
        )

    def leaders(self):
        """A national leader and a leader of each of 19 provinces, made once."""
        provinces = list(AdminUnit.objects.current_provinces()[: USERS - 1])
        specs = [("bench_leader", None)] + [(f"bench_leader_{p.code}", p) for p in provinces]
        users = []
        for username, province in specs:
            user, created = User.objects.get_or_create(
                username=username, defaults={"role": User.Role.LEADER, "province": province}
            )
            if created or not user.check_password(PASSWORD):
                user.set_password(PASSWORD)
                user.save()
            users.append(user)
        return users

    def plan_ids(self, user):
        return " ".join(
            str(pk) for pk in Plan.objects.visible_to(user).order_by("-last_year").values_list("pk", flat=True)[:12]
        )

    def serve(self, env):
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",  # as the Procfile serves it (gc.freeze after loading, access log…)
                str(settings.BASE_DIR / "coop_tracker" / "gunicorn.conf.py"),
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(OUT / "gunicorn.log").open("w"),
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/login/", timeout=1)
                return server
            except OSError:
                time.sleep(0.2)
        server.terminate()
        raise CommandError(f"gunicorn did not start; see {OUT / 'gunicorn.log'}")

    def locust(self, env, name, users, seconds, locustfile="locustfile.py", warm_up=WARM_UP_SECONDS):
        """Run locust for `seconds` and return its statistics by page name. A warm-up run comes first
        (not measured): a page's first rendering in a worker is not what users meet in service."""
        if warm_up:
            self.locust(env, f"{name}-warm-up", users, warm_up, locustfile, warm_up=0)
        prefix = OUT / name
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(settings.BASE_DIR / "bench" / locustfile),
                "--headless",
                "--users",
                str(users),
                # Logging in hashes a password (about 0.3 s of a worker's CPU): users arrive a few a
                # second and the statistics restart once all have arrived, as leaders do not log in
                # before every page.
                "--spawn-rate",
                "4",
                "--reset-stats",
                "--run-time",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{self.port}",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        with open(f"{prefix}_stats.csv") as stats:
            return {row["Name"]: row for row in csv.DictReader(stats)}
