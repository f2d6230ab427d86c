"""`make bench`: the progress engine at national scale on PostgreSQL.

Builds (once) a synthetic registry at the domain primer's benchmark scale: 34 provinces,
3,321 communes, 35,000 HTX, 75,000 THT, 150 unions, ten years (2016–2025) of yearly
figures and ratings, support actions; and in every province a term plan shaped like
Bắc Giang's 2020–2025 congress (for 2021–2025) and a yearly plan shaped like Hòa Bình's
2022 plan for each of the ten years, and a national term plan (NATIONAL_TITLE). Then measures and
prints one JSON line.

The data set has the demo's gaps (cooperatives.demo.Gaps): some organisation-years file no
figures, a few HTX are suspended, dormant or dissolving since a date (no figures, unrated with
the reason from then on), HTX are unrated in their founding year with that reason, some support
actions are a province's events with no organisation, one province (SILENT) files nothing for
one year, and one of the hand-entered values is missing.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cooperatives.models import AdminUnit, Organisation, YearlyFigures
from plans import demo
from plans.models import EnteredValue, Indicator, PendingRecompute, Plan, Progress, RecomputeSchedule, Target
from plans.services import progress_recompute, progress_recompute_pending

HTX, THT, UNIONS = 35_000, 75_000, 150
YEARS = range(2016, 2026)
SILENT_PROVINCE, SILENT_YEAR = "12", 2023  # Lai Châu filed no figures and no ratings for 2023
BENCH_TODAY = date(2026, 11, 22)
TERM_SHAPE = next(p for p in demo.PLANS if p["title"].startswith("Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang"))
YEAR_SHAPE = next(p for p in demo.PLANS if p["key"] == ("63", "17"))
# The national alliance's plan for the term: the congress's targets and a count of active HTX, for
# the whole country (bench_pages opens its pages: some 35,000 HTX behind one figure).
NATIONAL_TITLE = "Mẫu toàn quốc nhiệm kỳ 2021–2025"
NATIONAL_ACTIVE = demo.t("htx_active", demo.TERM, demo.GTE, 40_000, "Đến năm 2025 có 40.000 HTX hoạt động (mẫu)")
MANUAL_SHAPE = demo.t("support_fund_capital", demo.TERM, demo.GTE, 30 * demo.BILLION, "Vốn Quỹ đạt 30 tỷ đồng (mẫu)")

VACUUMED = [
    "cooperatives_organisation",
    "cooperatives_yearlyfigures",
    "cooperatives_rating",
    "cooperatives_supportaction",
    "cooperatives_ntmrecognition",
]

# One statement per table, seeded, so every run of the bench builds the same data.
ORGANISATIONS_SQL = """
SELECT setseed(0.2025);
WITH communes AS (
    SELECT row_number() OVER (ORDER BY id) AS n, id, parent_id FROM cooperatives_adminunit
    WHERE level = 'commune' AND structure = '34'
), drawn AS (
    SELECT g,
        CASE WHEN g <= %(htx)s THEN 'htx' WHEN g <= %(htx)s + %(tht)s THEN 'tht' ELSE 'lhhtx' END AS kind,
        1 + floor(random() * (SELECT count(*) FROM communes))::int AS commune_n,
        DATE '2000-01-01' + floor(random() * 9496)::int AS founded,
        random() AS r_sector, random() AS r_end, random() AS r_join, random() AS r_days
    FROM generate_series(1, %(total)s) AS g
)
INSERT INTO cooperatives_organisation (kind, registration_code, name, foreign_name, short_name, sector,
    business_lines, province_id, commune_id, address, legal_representative, founded_on, registered_on, status,
    status_since, dissolved_on, alliance_joined_on, founded_year_only, created_at, updated_at)
SELECT kind, CASE WHEN kind = 'tht' THEN '' ELSE 'B' || lpad(g::text, 9, '0') END, 'Tổ chức mẫu ' || g, '', '',
    CASE WHEN r_sector < 0.67 THEN 'agriculture' WHEN r_sector < 0.8 THEN 'trade_services'
         WHEN r_sector < 0.9 THEN 'industry_handicraft' ELSE 'transport' END,
    '', c.parent_id, c.id, '', '', founded, founded,
    CASE WHEN r_end < 0.06 THEN 'dissolved' WHEN kind <> 'htx' OR r_end >= 0.084 THEN 'active'
         WHEN r_end < 0.072 THEN 'suspended' WHEN r_end < 0.078 THEN 'dormant' ELSE 'dissolving' END,
    CASE WHEN kind = 'htx' AND r_end BETWEEN 0.06 AND 0.084
         THEN LEAST(founded + 365 + floor(r_days * 3000)::int, DATE '2025-12-31') END,
    CASE WHEN r_end < 0.06 THEN founded + 365 + floor(r_days * 3000)::int END,
    CASE WHEN kind <> 'tht' AND r_join < 0.45 THEN LEAST(founded + floor(r_days * 1500)::int, DATE '2026-10-31') END,
    false, now(), now()
FROM drawn JOIN communes c ON c.n = drawn.commune_n;
UPDATE cooperatives_organisation SET alliance_joined_on = NULL
WHERE dissolved_on IS NOT NULL AND alliance_joined_on > dissolved_on;
"""

YEARLY_SQL = """
SELECT setseed(0.2026);
CREATE TEMPORARY TABLE bench_silent AS
    SELECT id AS province_id FROM cooperatives_adminunit
    WHERE level = 'province' AND structure = '34' AND code = %(silent_province)s;
INSERT INTO cooperatives_yearlyfigures (organisation_id, year, members, workers, charter_capital, revenue, profit,
    average_income, linked_with_enterprise, high_technology, ocop_products, ocop_max_stars, key_officers,
    key_officers_trained)
SELECT o.id, y, m, greatest(1, m / 3), 500000000, rev, rev / 10, 45000000 + floor(random() * 40000000),
    o.sector = 'agriculture' AND random() < 0.3 + 0.03 * (y - 2016), random() < 0.1, 0, NULL,
    CASE WHEN agri THEN officers END,
    CASE WHEN agri AND y >= 2021 THEN floor(officers * least(1, (y - 2020) * 0.2 * (0.5 + random())))::int END
FROM cooperatives_organisation o
CROSS JOIN generate_series(2016, 2025) AS y
CROSS JOIN LATERAL (SELECT CASE WHEN o.kind = 'tht' THEN 3 + floor(random() * 20)::int
                                ELSE 7 + floor(exp(random() * 6.5))::int END AS m,
                           floor(exp(19 + random() * 4))::numeric AS rev,
                           3 + floor(random() * 5)::int AS officers,
                           o.kind = 'htx' AND o.sector = 'agriculture' AS agri) AS drawn
WHERE extract(year FROM o.founded_on) <= y AND (o.dissolved_on IS NULL OR extract(year FROM o.dissolved_on) > y)
  AND (o.status_since IS NULL OR o.dissolved_on IS NOT NULL OR extract(year FROM o.status_since) > y)
  AND NOT (y = %(silent_year)s AND o.province_id IN (SELECT province_id FROM bench_silent))
  AND random() >= 0.04;

INSERT INTO cooperatives_rating (organisation_id, year, scheme, self_score, verified_score, level, unrated_reason)
SELECT o.id, y, 'tt01_2020', s, s,
    CASE WHEN s IS NULL THEN 'unrated' WHEN s >= 80 THEN 'good' WHEN s >= 65 THEN 'fair'
         WHEN s >= 50 THEN 'average' ELSE 'weak' END,
    CASE WHEN extract(year FROM o.founded_on) = y THEN 'new' WHEN stopped THEN 'stopped' ELSE '' END
FROM cooperatives_organisation o
CROSS JOIN generate_series(2016, 2025) AS y
CROSS JOIN LATERAL (SELECT o.status_since IS NOT NULL AND o.dissolved_on IS NULL
                           AND extract(year FROM o.status_since) <= y AS stopped) AS state
CROSS JOIN LATERAL (SELECT CASE WHEN extract(year FROM o.founded_on) = y OR stopped THEN NULL
                                ELSE round((30 + random() * 65)::numeric, 1) END AS s) AS drawn
WHERE o.kind = 'htx' AND extract(year FROM o.founded_on) <= y
  AND (o.dissolved_on IS NULL OR extract(year FROM o.dissolved_on) > y)
  AND NOT (y = %(silent_year)s AND o.province_id IN (SELECT province_id FROM bench_silent));

INSERT INTO cooperatives_supportaction (kind, occurred_on, organisation_id, area_id, province_id, count, amount,
    description)
SELECT (ARRAY['consolidation','manager_training','trade_promotion','trade_fair','fund_loan','new_model',
              'exemplary_model'])[1 + floor(random() * 7)::int],
    DATE '2016-01-01' + floor(random() * 3650)::int, o.id, o.commune_id, o.province_id, 1 + floor(random() * 5)::int,
    NULL, ''
FROM cooperatives_organisation o CROSS JOIN generate_series(1, 3)
WHERE o.kind = 'htx' AND random() < 0.6;

-- A province's own events (a stand at a fair, a course): a place, no organisation, the HTX or people counted.
INSERT INTO cooperatives_supportaction (kind, occurred_on, organisation_id, area_id, province_id, count, amount,
    description)
SELECT k.kind, make_date(y, 1 + floor(random() * 12)::int, 1 + floor(random() * 28)::int), NULL, p.id, p.id,
    5 + floor(random() * 20)::int, NULL, 'Mẫu: hoạt động của tỉnh'
FROM cooperatives_adminunit p
CROSS JOIN generate_series(2016, 2025) AS y
CROSS JOIN (VALUES ('trade_fair'), ('trade_promotion'), ('manager_training')) AS k (kind)
WHERE p.level = 'province' AND p.structure = '34' AND random() < 0.5;
DROP TABLE bench_silent;
ANALYZE;
"""

# The floor: one hand-written statement computing, per current province and year, every
# aggregate the rules read (the same numbers the recompute's grouped queries produce).
SQL_BOUND = """
WITH o AS (SELECT * FROM cooperatives_organisation),
founded AS (
    SELECT province_id AS p, greatest(extract(year FROM founded_on)::int, 2015) AS y,
        count(*) FILTER (WHERE kind = 'htx') AS htx, count(*) FILTER (WHERE kind = 'tht') AS tht,
        count(*) FILTER (WHERE kind = 'lhhtx') AS unions,
        count(*) FILTER (WHERE kind = 'htx' AND sector = 'agriculture') AS agri
    FROM o WHERE founded_on <= DATE '2025-12-31' GROUP BY 1, 2),
dissolved AS (
    SELECT province_id AS p, greatest(extract(year FROM dissolved_on)::int, 2015) AS y,
        count(*) FILTER (WHERE kind = 'htx') AS htx
    FROM o WHERE dissolved_on <= DATE '2025-12-31' GROUP BY 1, 2),
joined AS (
    SELECT province_id AS p, extract(year FROM alliance_joined_on)::int AS y, count(*) AS n
    FROM o WHERE alliance_joined_on BETWEEN DATE '2015-01-01' AND DATE '2025-12-31' GROUP BY 1, 2),
figures AS (
    SELECT o.province_id AS p, f.year AS y,
        sum(f.revenue) FILTER (WHERE o.kind = 'htx') AS revenue, count(f.revenue) FILTER (WHERE o.kind = 'htx') AS rc,
        sum(f.average_income) FILTER (WHERE o.kind = 'htx') AS income,
        count(f.average_income) FILTER (WHERE o.kind = 'htx') AS ic,
        sum(f.members) FILTER (WHERE o.kind IN ('htx', 'tht')) AS members,
        count(*) FILTER (WHERE o.kind = 'htx' AND f.members >= 50) AS small,
        count(f.members) FILTER (WHERE o.kind = 'htx') AS reporting,
        count(*) FILTER (WHERE o.kind = 'htx' AND o.sector = 'agriculture' AND f.linked_with_enterprise) AS linked,
        count(*) FILTER (WHERE o.kind = 'htx' AND o.sector = 'agriculture') AS agri,
        sum(f.key_officers_trained) FILTER (WHERE o.kind = 'htx' AND o.sector = 'agriculture') AS officers_trained,
        sum(f.key_officers) FILTER (WHERE o.kind = 'htx' AND o.sector = 'agriculture'
                                    AND f.key_officers_trained IS NOT NULL) AS officers
    FROM cooperatives_yearlyfigures f JOIN o ON o.id = f.organisation_id
    WHERE f.year BETWEEN 2015 AND 2025 GROUP BY 1, 2),
ratings AS (
    SELECT o.province_id AS p, r.year AS y,
        count(*) FILTER (WHERE r.level IN ('good', 'fair')) AS effective,
        count(*) FILTER (WHERE r.level = 'weak') AS weak, count(*) FILTER (WHERE r.level <> 'unrated') AS rated,
        count(*) FILTER (WHERE r.level IN ('good', 'fair') AND extract(year FROM o.alliance_joined_on) <= r.year)
            AS effective_members
    FROM cooperatives_rating r JOIN o ON o.id = r.organisation_id
    WHERE r.year BETWEEN 2015 AND 2025 AND o.kind = 'htx' GROUP BY 1, 2),
actions AS (
    SELECT a.province_id AS p, extract(year FROM a.occurred_on)::int AS y,
        sum(a.count) FILTER (WHERE a.kind = 'manager_training') AS trained_people,
        sum(a.count) FILTER (WHERE a.kind = 'trade_fair') AS fair_turns,
        sum(a.count) FILTER (WHERE a.kind = 'trade_promotion') AS promotion_turns,
        count(DISTINCT a.organisation_id) FILTER (WHERE a.kind = 'consolidation') AS consolidated,
        sum(a.count) FILTER (WHERE a.kind = 'fund_loan') AS loans
    FROM cooperatives_supportaction a
    WHERE a.occurred_on BETWEEN DATE '2015-01-01' AND DATE '2025-12-31' GROUP BY 1, 2)
SELECT * FROM founded
FULL JOIN dissolved USING (p, y) FULL JOIN joined USING (p, y) FULL JOIN figures USING (p, y)
FULL JOIN ratings USING (p, y) FULL JOIN actions USING (p, y)
"""


class Command(BaseCommand):
    help = "Benchmark the progress engine on a synthetic national data set (PostgreSQL). Prints one JSON line."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("make bench needs PostgreSQL: set DATABASE_URL (the Makefile's bench target does).")
        self.build()
        self.vacuum()
        figures = {"bench": "progress"}
        figures["organisations"] = Organisation.objects.count()
        figures["targets"] = Target.objects.count()
        figures.update(self.full_recompute())
        figures["incremental_recompute_s"] = self.incremental(self.edit_figures)
        figures["incremental_organisation_edit_s"] = self.incremental(self.edit_organisation)
        figures["incremental_kind_edit_s"] = self.incremental(self.edit_kind)
        figures["sql_bound_s"] = self.sql_bound()
        figures["freshness_s"] = self.freshness()
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        self.stdout.write(json.dumps(figures))

    # Data -----------------------------------------------------------------------------------

    def vacuum(self):
        """The tables as autovacuum keeps them in service: their visibility maps set, so the
        covering indexes answer without reading the table (a fresh bulk load has none set, and
        every index-only scan reads the table too). Quick once done: VACUUM skips clean pages."""
        with connection.cursor() as cursor:
            for table in VACUUMED:
                cursor.execute(f"VACUUM (ANALYZE) {table}")

    def build(self):
        if not AdminUnit.objects.communes().exists():
            call_command("import_admin_units", str(settings.ADMIN_UNITS_DIR / "derived"), verbosity=0)
        if Organisation.objects.count() < HTX + THT + UNIONS:
            self.stderr.write("Building the synthetic national registry (once; a few minutes)…")
            with connection.cursor() as cursor:
                cursor.execute(ORGANISATIONS_SQL, {"htx": HTX, "tht": THT, "total": HTX + THT + UNIONS})
                cursor.execute(YEARLY_SQL, {"silent_province": SILENT_PROVINCE, "silent_year": SILENT_YEAR})
        if not Plan.objects.filter(title__startswith="Mẫu").exists():
            self.stderr.write("Writing plans shaped like Bắc Giang's and Hòa Bình's for every province…")
            with transaction.atomic():
                self.plans()
        if not Plan.objects.filter(title=NATIONAL_TITLE).exists():
            self.stderr.write("Writing the national plan…")
            with transaction.atomic():
                self.national_plan()

    def national_plan(self):
        indicators = {i.code: i for i in Indicator.objects.all()}
        nation = AdminUnit.objects.get(level=AdminUnit.Level.NATION)
        plan = Plan.objects.create(issuer="Mẫu", area=nation, title=NATIONAL_TITLE, first_year=2021, last_year=2025)
        for spec in [*TERM_SHAPE["targets"], NATIONAL_ACTIVE]:
            demo.target_save(plan, nation, indicators[spec["indicator"]], spec)
        progress_recompute(targets=plan.targets.all(), today=BENCH_TODAY)

    def plans(self):
        indicators = {i.code: i for i in Indicator.objects.all()}
        for province in AdminUnit.objects.provinces().of_structure("34"):
            term = Plan.objects.create(
                issuer="Mẫu",
                area=province,
                title=f"Mẫu nhiệm kỳ 2021–2025 {province.code}",
                first_year=2021,
                last_year=2025,
            )
            for spec in TERM_SHAPE["targets"]:
                demo.target_save(term, province, indicators[spec["indicator"]], spec)
            for year in YEARS:
                plan = Plan.objects.create(
                    issuer="Mẫu",
                    area=province,
                    title=f"Mẫu năm {year} {province.code}",
                    first_year=year,
                    last_year=year,
                )
                for spec in YEAR_SHAPE["targets"]:
                    demo.target_save(plan, province, indicators[spec["indicator"]], {**spec, "years": (year, year)})
            # A hand-entered level beside the derived targets, so the manual path is measured too;
            # the silent province never entered its 2023 figure.
            demo.target_save(term, province, indicators["support_fund_capital"], MANUAL_SHAPE)
            EnteredValue.objects.bulk_create(
                [
                    EnteredValue(
                        indicator=indicators["support_fund_capital"],
                        area=province,
                        as_of=date(y, 12, 31),
                        value=Decimal(20 + y - 2021) * demo.BILLION,
                        source="Mẫu",
                    )
                    for y in range(2021, 2026)
                    if (province.code, y) != (SILENT_PROVINCE, SILENT_YEAR)
                ]
            )

    # Measures -------------------------------------------------------------------------------

    def full_recompute(self):
        progress_recompute(today=BENCH_TODAY)  # warm caches and plans
        times = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                progress_recompute(today=BENCH_TODAY)
                times.append(time.perf_counter() - started)
        return {"full_recompute_s": round(statistics.median(times), 3), "queries_full_recompute": len(queries)}

    def incremental(self, edit):
        """One edit in one province, then the drain that recomputes the targets it can touch."""
        times = []
        for _ in range(5):
            PendingRecompute.objects.all().delete()
            edit()
            started = time.perf_counter()
            progress_recompute_pending(today=BENCH_TODAY)
            times.append(time.perf_counter() - started)
        return round(statistics.median(times), 3)

    def edit_figures(self):
        """The everyday edit: an HTX's revenue for a year corrected."""
        figures = YearlyFigures.objects.filter(organisation__kind="htx", year=2024).order_by("?").first()
        figures.revenue = (figures.revenue or 0) + 1_000_000
        figures.save()

    def edit_organisation(self):
        """The edit the issue measures: an organisation's sector (the agricultural HTX's figures, and
        any indicator narrowed to a sector, are recomputed in its province and the nation)."""
        organisation = Organisation.objects.filter(kind="htx").order_by("?").first()
        agriculture = organisation.sector == Organisation.Sector.AGRICULTURE
        organisation.sector = Organisation.Sector.TRADE_SERVICES if agriculture else Organisation.Sector.AGRICULTURE
        organisation.save()

    def edit_kind(self):
        """The edit that moves every derived figure of its province: an organisation's kind (HTX or
        union), which nearly every indicator's conditions name. (A sector alone moves only the
        indicators that name the sector: plans.services.readers_of.)"""
        organisation = Organisation.objects.filter(kind__in=["htx", "lhhtx"]).order_by("?").first()
        organisation.kind = "lhhtx" if organisation.kind == "htx" else "htx"
        organisation.save()

    def sql_bound(self):
        """The floor, at its best: the faster of PostgreSQL's JIT on and off (the app runs with it off)."""
        best = []
        for jit in ("on", "off"):
            times = []
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL jit = {jit}")
                for _ in range(3):
                    started = time.perf_counter()
                    cursor.execute(SQL_BOUND)
                    cursor.fetchall()
                    times.append(time.perf_counter() - started)
            best.append(statistics.median(times))
        return round(min(best), 3)

    def freshness(self):
        """From the commit of a new HTX to its province's stored progress, through a real worker on Redis."""
        if not settings.CELERY_BROKER_URL.startswith(("redis://", "amqp://")):
            return None
        celery = [sys.executable, "-m", "celery", "-A", "coop_tracker"]
        subprocess.run([*celery, "purge", "-f"], check=True, capture_output=True)
        RecomputeSchedule.objects.update_or_create(pk=1, defaults={"queued_at": None})
        worker = subprocess.Popen(
            [*celery, "worker", "--pool", "solo", "--without-mingle", "--without-heartbeat", "-l", "warning"],
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(4)  # the worker connects
            return self.time_one_edit()
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    def time_one_edit(self):
        target = Target.objects.filter(plan__title__startswith="Mẫu năm 2025", indicator__code="htx_founded").first()
        before = Progress.objects.get(target=target)
        commune = AdminUnit.objects.communes().filter(parent=target.area).first()
        committed = time.perf_counter()
        probe = Organisation.objects.create(
            kind="htx", name="HTX đo độ tươi", sector="agriculture", commune=commune, founded_on=date(2025, 6, 1)
        )
        try:
            while time.perf_counter() - committed < 30:
                if Progress.objects.get(target=target).actual != before.actual:
                    return round(time.perf_counter() - committed, 3)
                time.sleep(0.02)
            return None
        finally:
            probe.delete()
