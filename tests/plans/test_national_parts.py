"""National figures as the sum of the provinces' stored parts (plans.national): the same figures
as grouping the whole country, after a full recompute and after a drain that computed only the
provinces its marks lie in, whatever the edits; never a sum with a missing or outdated part."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from cooperatives.models import AdminUnit, Organisation, Rating, SupportAction
from plans import national
from plans.models import Indicator, NationalParts, PendingRecompute, Plan, ProgressYear, Target
from plans.rules import RULES
from plans.services import progress_recompute, progress_recompute_pending
from tests.factories import commune

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 22)


@pytest.fixture
def national_targets():
    """A national term target on every derived indicator of the catalogue (and its default denominator)."""
    nation = AdminUnit.objects.get(level=AdminUnit.Level.NATION)
    plan = Plan.objects.create(
        issuer="Thử nghiệm", area=nation, title="Toàn quốc thử nghiệm", first_year=2020, last_year=2025
    )
    for indicator in Indicator.objects.filter(method=Indicator.Method.DERIVED):
        denominators = RULES[indicator.rule].allowed_denominators(indicator.rule_params)
        Target.objects.create(
            plan=plan,
            indicator=indicator,
            area=nation,
            period=Target.Period.TERM,
            year_from=2020,
            year_to=2025,
            comparator=Target.Comparator.AT_LEAST,
            value=Decimal(1),
            denominator=denominators[0] if denominators else "",
            wording=f"Toàn quốc: {indicator.name}",
        )
    progress_recompute(today=TODAY)
    PendingRecompute.objects.all().delete()
    return plan


def figures(plan) -> dict:
    rows = ProgressYear.objects.filter(target__plan=plan).order_by("target", "year")
    return {(r.target_id, r.year): (r.numerator, r.denominator, r.actual, r.status) for r in rows}


def grouped_over_the_country(plan, monkeypatch) -> dict:
    """The figures as the nation's own grouped query gives them (what the parts replace): the
    recompute's way when the parts cannot be used."""
    with monkeypatch.context() as patched:

        def unusable(*args, **kwargs):
            raise DatabaseError("parts unusable in this test")

        patched.setattr(national.Parts, "rows", unusable)
        progress_recompute(targets=plan.targets.all(), today=TODAY)
    return figures(plan)


def provinces_with_htx(count=3):
    ids = (
        Organisation.objects.filter(kind="htx", province__isnull=False)
        .order_by("province")
        .values_list("province", flat=True)
        .distinct()
    )
    found = list(ids[:count])
    assert len(found) == count, "the demo has HTX in several provinces"
    return [AdminUnit.objects.get(pk=pk) for pk in found]


def htx_of(province):
    return Organisation.objects.filter(kind="htx", province=province).order_by("pk").first()


def test_a_full_recompute_gives_the_countrys_own_figures(national_targets, monkeypatch):
    # An HTX supported in its own province and in another in one year counts once for the nation.
    _, second, third = provinces_with_htx()
    for area in (commune(second.code), commune(third.code)):
        SupportAction.objects.create(
            kind=SupportAction.Kind.NEW_MODEL_CONVERSION,
            occurred_on=datetime.date(2023, 5, 2),
            organisation=htx_of(third),
            area=area,
        )
    progress_recompute(today=TODAY)
    summed = figures(national_targets)
    assert any(numerator for numerator, *_ in summed.values()), "the national figures are not all empty"
    assert summed == grouped_over_the_country(national_targets, monkeypatch)
    assert NationalParts.objects.exists()


def test_a_drain_reads_only_the_changed_provinces_and_adds_up_as_the_country_does(national_targets, monkeypatch):
    first, second, third = provinces_with_htx()
    sector_changed, moved, supported = htx_of(first), htx_of(second), htx_of(third)
    sector_changed.sector = Organisation.Sector.TRADE_SERVICES
    sector_changed.save()
    Rating.objects.filter(organisation=sector_changed).order_by("year").first().delete()
    # An HTX of one province supported in another: the nation counts it once, in its own province.
    SupportAction.objects.create(
        kind=SupportAction.Kind.NEW_MODEL_CONVERSION,
        occurred_on=datetime.date(2023, 5, 2),
        organisation=supported,
        area=commune(second.code),
    )
    moved.commune = commune(first.code)
    moved.save()

    with CaptureQueriesContext(connection) as queries:
        progress_recompute_pending(today=TODAY)
    drained = figures(national_targets)

    grouped = [q["sql"] for q in queries.captured_queries if '"cell_area"' in q["sql"]]
    # Only the xã themselves (3,321 units, no province column) are counted over the whole country.
    whole = [sql for sql in grouped if '"province_id" IN' not in sql and "lineage" not in sql]
    assert grouped and all('FROM "cooperatives_adminunit"' in sql for sql in whole), whole
    assert drained == grouped_over_the_country(national_targets, monkeypatch)


def test_an_action_of_the_nation_itself_has_every_part_computed_again(national_targets, monkeypatch):
    supported = htx_of(provinces_with_htx(1)[0])
    nation = AdminUnit.objects.get(level=AdminUnit.Level.NATION)
    SupportAction.objects.create(
        kind=SupportAction.Kind.TRADE_FAIR, occurred_on=datetime.date(2024, 3, 1), area=nation, count=7
    )
    SupportAction.objects.create(
        kind=SupportAction.Kind.NEW_MODEL_CONVERSION,
        occurred_on=datetime.date(2024, 3, 1),
        area=nation,
        organisation=supported,
    )
    progress_recompute_pending(today=TODAY)
    assert figures(national_targets) == grouped_over_the_country(national_targets, monkeypatch)


@pytest.mark.parametrize("damage", ["other computation", "a province missing"])
def test_parts_of_another_computation_or_with_a_hole_are_never_added(national_targets, monkeypatch, damage):
    first, second, _ = provinces_with_htx()
    for parts in NationalParts.objects.all():
        if damage == "other computation":
            parts.signature = "computed with other conditions"
            parts.parts = {p: {y: 10**6 for y in years} for p, years in parts.parts.items()}
        else:
            parts.parts.pop(str(second.pk), None)
        parts.save()
    organisation = htx_of(first)
    organisation.sector = Organisation.Sector.TRANSPORT
    organisation.save()
    progress_recompute_pending(today=TODAY)
    assert figures(national_targets) == grouped_over_the_country(national_targets, monkeypatch)


def test_stored_parts_that_cannot_be_read_leave_the_country_grouped(national_targets, monkeypatch):
    organisation = htx_of(provinces_with_htx(1)[0])
    organisation.founded_on = datetime.date(2021, 1, 5)
    organisation.save()
    with monkeypatch.context() as patched:

        def unreadable(self):
            raise DatabaseError("table gone")

        patched.setattr(national.Parts, "stored", unreadable)
        progress_recompute_pending(today=TODAY)
    assert figures(national_targets) == grouped_over_the_country(national_targets, monkeypatch)


HELD_SECONDS = 1.5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the parts' lock is PostgreSQL's")
def test_a_drain_waits_for_another_drains_parts_before_reading_them(national_targets):
    """Two drains at once would each add the other's province as it was: the second waits on the
    parts' lock, which the first holds to its commit."""
    held = threading.Event()

    def another_drain_holding_the_lock():
        try:
            with transaction.atomic():
                national._lock()
                held.set()
                time.sleep(HELD_SECONDS)
        finally:
            held.set()
            connections.close_all()

    organisation = htx_of(provinces_with_htx(1)[0])
    organisation.sector = Organisation.Sector.TRADE_SERVICES
    organisation.save()
    other = threading.Thread(target=another_drain_holding_the_lock)
    other.start()
    held.wait(5)
    started = time.monotonic()
    progress_recompute_pending(today=TODAY)
    waited = time.monotonic() - started
    other.join()
    assert waited >= HELD_SECONDS * 0.6
