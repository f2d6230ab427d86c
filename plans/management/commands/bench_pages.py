"""`make bench`, after the dashboard: every page type, as the roles that use it, on the national data set.

Gunicorn with production settings, driven by locust on loopback (bench/pages_locustfile.py): 20
users pausing 1–3 s, a mix of roles: a national admin (the national registry, accounts,
indicators), provincial staff (their registry, organisations, support actions, entered values,
the preview of a 2,000-row import), a national leader and provincial leaders (overview, plans,
targets, provinces). Each page is requested under its own name; the JSON line gives each one's
median and 95th percentile.

Runs on the data set bench_progress builds, which holds a national plan (a target with some 35,000
HTX behind it) beside the provincial ones. `--once` requests every page a few times in process,
one at a time (no server, no load), and prints each one's median: the profile to start from.
Prints one JSON line.
"""

import json
import os
import statistics
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from accounts.models import User
from cooperatives.models import AdminUnit, Organisation, RegistryImport
from cooperatives.services import registry_import_check
from plans.management.commands import bench_dashboard, bench_import, bench_progress
from plans.models import Plan, Target

USERS = 20
SECONDS = 120
IMPORT_ROWS = 2000
IMPORT_FILE = f"bench-{IMPORT_ROWS}.xlsx"
ADMINS, STAFF = 5, 6  # of the 20: the rest are leaders (bench_dashboard's, one of them national)
SEARCHED = "mẫu 1234"  # a name's words, as staff type them (matches about a hundred names)
DEEP_PAGE = 2000  # of 25 rows: the 50,000th organisation of the national registry
REPORTING_YEAR = 2025  # the last year of the data set: who reported it, per province (issue 16)
SORTS = (
    "-name",  # the default is by name
    "registration_code",
    "kind",
    "sector",
    "status",
    "commune",
    "province",
    "founded_on",
    "-founded_on",
    "rating_level",
    "-rating_level",
)


class Command(bench_dashboard.Command):
    help = "Benchmark every page type under load (PostgreSQL, gunicorn, locust). Prints one JSON line."
    port = bench_dashboard.PORT + 2

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=SECONDS)
        parser.add_argument("--once", action="store_true", help="Each page a few times in process, no load.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql" or not Plan.objects.filter(title=bench_progress.NATIONAL_TITLE).exists():
            raise CommandError("Run bench_progress first (make bench does): it builds the national data set.")
        accounts = self.accounts()
        if options["once"]:
            self.stdout.write(json.dumps({"bench": "pages_once", "pages": self.once(accounts)}))
            return
        env = {**os.environ, "BENCH_PAGES": json.dumps(accounts)}
        bench_dashboard.OUT.mkdir(parents=True, exist_ok=True)
        server = self.serve(env)
        try:
            stats = self.locust(env, "pages", USERS, seconds=options["seconds"], locustfile="pages_locustfile.py")
        finally:
            server.terminate()
            server.wait(timeout=30)
        pages = {
            name: {"p50_ms": int(row["50%"]), "p95_ms": int(row["95%"])}
            for name, row in sorted(stats.items())
            if name != "Aggregated"
        }
        errors = sum(int(row["Failure Count"]) for name, row in stats.items() if name != "Aggregated")
        self.stdout.write(json.dumps({"bench": "pages", "users": USERS, "pages": pages, "errors": errors}))

    # Who asks for what ---------------------------------------------------------------------

    def accounts(self) -> list[dict]:
        """Every simulated user: username, role and the pages it asks for, name -> [paths] (one is
        drawn at random each time)."""
        leaders = self.leaders()  # bench_dashboard's: a national leader first, then 19 provincial
        provinces = [leader.province for leader in leaders[1:]]
        national_target = self.national_target()
        accounts = []
        for n in range(ADMINS):
            admin = self.account(f"bench_admin_{n}", User.Role.ADMIN, None)
            accounts.append({"username": admin.username, "pages": self.admin_pages(national_target)})
        for province in provinces[:STAFF]:
            staff = self.account(f"bench_staff_{province.code}", User.Role.STAFF, province)
            accounts.append({"username": staff.username, "pages": self.staff_pages(staff)})
        for leader in leaders[: USERS - ADMINS - STAFF]:
            accounts.append({"username": leader.username, "pages": self.leader_pages(leader, national_target)})
        for account in accounts:
            account["cookie"] = self.session_cookie(account["username"])
        return accounts

    def session_cookie(self, username) -> str:
        """A session of the account, made here: 20 logins at once (each a password hash, 0.3 s of a
        core) would queue the first pages behind them on a busy machine."""
        client = Client(SERVER_NAME="localhost")
        client.force_login(User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        return f"{settings.SESSION_COOKIE_NAME}={cookie.value}"

    def account(self, username, role, province):
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role, "province": province})
        if not user.check_password(bench_dashboard.PASSWORD):
            user.set_password(bench_dashboard.PASSWORD)
            user.save()
        return user

    def national_target(self) -> Target:
        """The national plan's count of active HTX: some 35,000 behind it."""
        return Target.objects.get(plan__title=bench_progress.NATIONAL_TITLE, indicator__code="htx_active")

    def registry_pages(self, every_sort: bool) -> dict:
        pages = {
            "registry": ["/registry/"],
            "registry_filtered": ["/registry/?kind=htx&status=active", "/registry/?kind=htx&rating=good"],
            "registry_search": [f"/registry/?q={SEARCHED.replace(' ', '+')}"],
        }
        if every_sort:
            # One name for every sort, so that its percentiles rest on enough requests (--once
            # times each sort on its own).
            pages["registry_sorted"] = [f"/registry/?sort={key}" for key in SORTS]
            pages["registry_deep_page"] = [f"/registry/?page={DEEP_PAGE}"]
        return pages

    def admin_pages(self, national_target) -> dict:
        return {
            **self.registry_pages(every_sort=True),
            "target_national": [national_target.get_absolute_url()],
            "organisation": self.organisation_paths(None),
            "support_actions": ["/actions/"],
            "entered_values": ["/entries/"],
            "accounts": ["/accounts/"],
            "indicators": ["/indicators/"],
            "reporting": [f"/reporting/?year={REPORTING_YEAR}"],
        }

    def staff_pages(self, staff) -> dict:
        return {
            **self.registry_pages(every_sort=False),
            "overview": ["/"],
            "province": [f"/provinces/{staff.province.code}/"],
            "target_province": self.target_paths(staff.province),
            "organisation": self.organisation_paths(staff.province),
            "support_actions": ["/actions/"],
            "entered_values": ["/entries/"],
            "import_preview": [self.import_preview(staff).get_absolute_url()],
            "reporting_round": [f"/reporting/{staff.province.code}/{REPORTING_YEAR}/"],
        }

    def leader_pages(self, leader, national_target) -> dict:
        province = leader.province
        pages = {
            "overview": ["/"],
            "plan": [f"/plans/{pk}/" for pk in self.plan_ids(leader).split()],
            "province": [f"/provinces/{(province or self.any_province()).code}/"],
        }
        if province is None:
            pages["target_national"] = [national_target.get_absolute_url()]
            pages["reporting"] = [f"/reporting/?year={REPORTING_YEAR}"]
        else:
            pages["target_province"] = self.target_paths(province)
        return pages

    def any_province(self):
        return AdminUnit.objects.current_provinces().get(code=bench_import.PROVINCE)

    def target_paths(self, province) -> list[str]:
        """The province's term plan's targets: each lists what its figure counted."""
        targets = Target.objects.filter(plan__title__startswith="Mẫu nhiệm kỳ", area=province).order_by("pk")
        return [target.get_absolute_url() for target in targets]

    def organisation_paths(self, province) -> list[str]:
        htx = Organisation.objects.cooperatives().order_by("pk")
        if province is not None:
            htx = htx.filter(province=province)
        return [f"/registry/{pk}/" for pk in htx.values_list("pk", flat=True)[:: max(1, htx.count() // 50)][:50]]

    def import_preview(self, staff) -> RegistryImport:
        """A 2,000-row file of the account's province, checked (the preview staff confirm), made once."""
        upload = RegistryImport.objects.filter(created_by=staff, file_name=IMPORT_FILE).first()
        if upload is None or upload.status != RegistryImport.Status.CHECKED or not upload.mapping_confirmed:
            communes = list(AdminUnit.objects.communes().filter(parent=staff.province).values_list("code", flat=True))
            content = bench_import.Command().workbook(IMPORT_ROWS, communes)
            # Its columns already seen on the mapping step: the page measured is the preview itself.
            upload = RegistryImport.objects.create(
                created_by=staff,
                province=staff.province,
                file_name=IMPORT_FILE,
                content=content,
                mapping_confirmed=True,
            )
            upload = registry_import_check(upload_id=upload.pk)
            if upload.status != RegistryImport.Status.CHECKED:
                raise CommandError(f"The bench import was refused: {upload.errors[:5]}")
        return upload

    # One at a time, in process -------------------------------------------------------------

    def once(self, accounts, repeat=5) -> dict:
        """Each page's median over `repeat` requests, as the first account that asks for it."""
        timings = {}
        for account in accounts:
            client = Client(SERVER_NAME="localhost")
            client.force_login(User.objects.get(username=account["username"]))
            for name, paths in account["pages"].items():
                if name == "registry_sorted":
                    for path in paths:
                        timings[f"{name} {path}"] = self.timed(client, [path], repeat)
                elif name not in timings:
                    timings[name] = self.timed(client, paths, repeat)
        return timings

    def timed(self, client, paths, repeat) -> int:
        times = []
        for n in range(repeat + 1):
            path = paths[n % len(paths)]
            started = time.perf_counter()
            response = client.get(path)
            if response.status_code != 200:
                raise CommandError(f"{path} answered {response.status_code}")
            if n:  # the first warms the caches
                times.append(time.perf_counter() - started)
        return round(statistics.median(times) * 1000)
