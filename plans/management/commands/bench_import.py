"""`make bench`, third part: the Excel import at the size of a national list, on PostgreSQL.

Writes a 35,000-row .xlsx shaped like a provincial file (title rows, the template's headers,
Vietnamese number and date formats, Excel dates, a totals row) of organisations in real communes
of Hồ Chí Minh city, each with its figures and rating for 2024; then times `registry_import`
reading, checking and committing it (history rows included), and again re-importing it (every
row matched and left unchanged). The imported rows are removed afterwards, so the progress
benchmark's data set stays as it was. Prints one JSON line.

It measures the registry's import but lives in plans because it also cleans up the recompute
requests the import queued (PendingRecompute, RecomputeSchedule): the registry never imports plans.
"""

import io
import json
import random
import time
from datetime import date, timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from openpyxl import Workbook

from cooperatives.importing import TEMPLATE_HEADERS
from cooperatives.models import AdminUnit
from cooperatives.services import registry_import
from plans.models import PendingRecompute, RecomputeSchedule

ROWS = 35_000
PROVINCE = "79"
CODE_PREFIX = "7999"  # tax-code shaped, and used by no other bench row
SECTORS = ["Nông nghiệp", "Trồng trọt", "Thủy sản", "TM-DV", "CN-TTCN", "Vận tải", "Xây dựng", "QTDND"]
LEVELS = ["Tốt", "khá", "TB", "Trung bình", "Yếu"]

CLEANUP_SQL = """
DELETE FROM cooperatives_historicalrating WHERE organisation_id IN (SELECT id FROM imported);
DELETE FROM cooperatives_historicalyearlyfigures WHERE organisation_id IN (SELECT id FROM imported);
DELETE FROM cooperatives_historicalorganisation WHERE registration_code LIKE %(prefix)s;
DELETE FROM cooperatives_rating WHERE organisation_id IN (SELECT id FROM imported);
DELETE FROM cooperatives_yearlyfigures WHERE organisation_id IN (SELECT id FROM imported);
DELETE FROM cooperatives_organisation WHERE id IN (SELECT id FROM imported);
"""


class Command(BaseCommand):
    help = "Benchmark the Excel import of 35,000 rows (PostgreSQL). Prints one JSON line."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=ROWS)

    def handle(self, *args, rows, **options):
        if connection.vendor != "postgresql":
            raise CommandError("make bench needs PostgreSQL: set DATABASE_URL (the Makefile's bench target does).")
        if not AdminUnit.objects.communes().exists():
            call_command("import_admin_units", str(settings.ADMIN_UNITS_DIR / "derived"), verbosity=0)
        province = AdminUnit.objects.current_provinces().get(code=PROVINCE)
        communes = list(AdminUnit.objects.communes().filter(parent=province).values_list("code", flat=True))
        data = self.workbook(rows, communes)
        self.cleanup()
        try:
            seconds = self.timed(data, province)
            reimport = self.timed(data, province)
        finally:
            self.cleanup()
        self.stdout.write(
            json.dumps({"bench": "import", "rows": rows, "seconds": seconds, "reimport_seconds": reimport})
        )

    def timed(self, data: bytes, province) -> float:
        started = time.perf_counter()
        report = registry_import(data=data, file_name="bench.xlsx", province=province, commit=True)
        seconds = round(time.perf_counter() - started, 2)
        if not report.committed:
            raise CommandError(f"The bench file was refused: {[e.as_list() for e in report.errors[:5]]}")
        return seconds

    def workbook(self, rows: int, communes: list[str]) -> bytes:
        rng = random.Random(2026)
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Danh sách")
        sheet.append(["UBND THÀNH PHỐ HỒ CHÍ MINH"])
        sheet.append(["DANH SÁCH HỢP TÁC XÃ, TỔ HỢP TÁC NĂM 2024"])
        sheet.append([])
        sheet.append(["STT", *TEMPLATE_HEADERS.values()])
        for n in range(1, rows + 1):
            sheet.append(self.row(n, rng, communes))
        sheet.append(["", "Tổng cộng", f"{rows} tổ chức"])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def row(self, n: int, rng: random.Random, communes: list[str]) -> list:
        founded = date(2000, 1, 1) + timedelta(days=rng.randrange(9000))
        members = int(rng.lognormvariate(3.7, 0.9)) + 7
        revenue = int(rng.lognormvariate(21, 1)) // 1000 * 1000
        score = round(rng.uniform(30, 98), 1)
        values = {
            "registration_code": f"{CODE_PREFIX}{n:06d}",
            "name": f"HTX Dịch vụ Nông nghiệp Mẫu Nhập {n}",
            "kind": rng.choice(["HTX", "Hợp tác xã", "htx"]),
            "sector": rng.choice(SECTORS),
            "commune_code": rng.choice(communes),
            "address": f"Ấp {rng.randrange(1, 12)}",
            "legal_representative": "Nguyễn Văn An",
            "founded_on": founded.strftime("%d/%m/%Y") if n % 2 else founded,  # text, or an Excel date
            "status": "Đang hoạt động",
            "year": 2024,
            "members": members,
            "workers": f"{members // 3:,}".replace(",", "."),
            "charter_capital": "500.000.000",
            "revenue": f"{revenue:,}".replace(",", "."),
            "profit": revenue // 10,
            "average_income": "45.000.000",
            "linked_with_enterprise": rng.choice(["Có", "Không", ""]),
            "verified_score": f"{score}".replace(".", ","),
            "level": ["Tốt", "Khá", "Trung bình", "Yếu"][(score < 80) + (score < 65) + (score < 50)],
        }
        return [n, *(values.get(name) for name in TEMPLATE_HEADERS)]

    def cleanup(self):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE imported ON COMMIT DROP AS "
                "SELECT id FROM cooperatives_organisation WHERE registration_code LIKE %s",
                [CODE_PREFIX + "%"],
            )
            cursor.execute(CLEANUP_SQL, {"prefix": CODE_PREFIX + "%"})
            PendingRecompute.objects.filter(area__parent__code=PROVINCE, area__structure="34").delete()
            RecomputeSchedule.objects.filter(pk=1).update(queued_at=None)
