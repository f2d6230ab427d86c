from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_ACCOUNTS, accounts_load
from accounts.models import User
from cooperatives import demo as registry_demo
from cooperatives.models import AdminUnit
from plans import demo as plans_demo
from plans.services import progress_recompute


class Command(BaseCommand):
    help = (
        "Load the source documents' plans (targets, reported results, tasks), a registry for their provinces "
        "and demo accounts; the indicators they read are the catalogue `migrate` ships. "
        "Needs the communes: run import_admin_units first. Running it twice changes nothing. "
        "Refused with DEBUG off: its accounts' passwords are published."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            # Its accounts' passwords are in the README: never on a server others can reach.
            raise CommandError(
                "load_demo tạo các tài khoản mẫu với mật khẩu công khai (README): chỉ chạy khi DEBUG bật "
                "(make run), không chạy trên máy chủ thật."
            )
        if not AdminUnit.objects.communes().exists():
            raise CommandError(
                "Chưa có danh mục xã/phường. Chạy trước: "
                "manage.py import_admin_units ../shared/data/admin_units/derived"
            )
        missing = plans_demo.missing_indicators()
        if missing:
            codes = ", ".join(sorted(missing))
            raise CommandError(f"Thiếu các chỉ tiêu của danh mục ({codes}). Chạy trước: manage.py migrate")
        counts = Counter()

        def tally(result, what):
            counts[(what, result[1])] += 1

        with transaction.atomic():
            plans_demo.plans_load(tally)
            accounts_load(tally)
            plans_demo.entered_values_load(tally, entered_by=User.objects.get(username="canbo.bacninh"))
            created = registry_demo.registry_load()
        recomputed = progress_recompute()
        if options["verbosity"] > 0:
            self.report(counts, created)
            self.stdout.write(f"progress: {recomputed} targets recomputed")

    def report(self, counts, created):
        for what in dict.fromkeys(what for what, _ in counts):
            parts = ", ".join(
                f"{counts[(what, outcome)]} {outcome}" for outcome in ("created", "updated", "unchanged", "deleted")
            )
            self.stdout.write(f"{what}: {parts}")
        self.stdout.write("registry: " + ", ".join(f"{n} {what} created" for what, n in created.items()))
        self.stdout.write("Demo accounts (username / password / role / province):")
        for username, password, role, province, _ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username} / {password} / {role} / {province or 'toàn quốc'}")
