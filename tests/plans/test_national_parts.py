"""National figures as the sum of the provinces' stored parts (plans.national): the same figures
as grouping the whole country, after a full recompute and after a drain that computed only the
provinces its marks lie in, whatever the edits; never a sum with a missing or outdated part."""

import datetime
import threading
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
    # A figure read on a deadline inside its year (the cut-off pass has parts of its own).
    Target.objects.create(
        plan=plan,
        indicator=Indicator.objects.get(code="htx_active"),
        area=nation,
        period=Target.Period.YEAR,
        year_from=2024,
        year_to=2024,
        deadline=datetime.date(2024, 6, 30),
        comparator=Target.Comparator.AT_LEAST,
        value=Decimal(1),
        wording="Toàn quốc: HTX hoạt động đến 30/6/2024",
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


def drain_with_parts_unreadable(monkeypatch):
    """A drain whose stored parts cannot be read (as if their table were gone)."""
    with monkeypatch.context() as patched:

        def unreadable(self):
            raise DatabaseError("table gone")

        patched.setattr(national.Parts, "stored", unreadable)
        progress_recompute_pending(today=TODAY)


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


def test_an_htx_supported_in_another_province_that_changes_kind_moves_that_provinces_part(
    national_targets, monkeypatch
):
    first, second, _ = provinces_with_htx()
    supported = htx_of(first)
    SupportAction.objects.create(
        kind=SupportAction.Kind.CONSOLIDATION,
        occurred_on=datetime.date(2024, 4, 2),
        organisation=supported,
        area=commune(second.code),
    )
    progress_recompute_pending(today=TODAY)
    supported.kind = Organisation.Kind.UNION  # the consolidation counted HTX only
    supported.save()
    assert PendingRecompute.objects.filter(area=commune(second.code)).exists(), "where it was supported is marked"
    progress_recompute_pending(today=TODAY)
    assert figures(national_targets) == grouped_over_the_country(national_targets, monkeypatch)


def test_a_drain_that_could_not_use_the_parts_leaves_none_for_the_next_to_add(national_targets, monkeypatch):
    """The parts a failed drain should have replaced are dropped, not added by the next drain."""
    first, second, _ = provinces_with_htx()
    changed = htx_of(first)
    changed.sector = Organisation.Sector.TRANSPORT
    changed.save()
    drain_with_parts_unreadable(monkeypatch)
    other = htx_of(second)
    other.founded_on = datetime.date(2022, 2, 2)
    other.save()
    progress_recompute_pending(today=TODAY)
    assert figures(national_targets) == grouped_over_the_country(national_targets, monkeypatch)


def test_a_preview_of_a_national_figure_writes_no_parts(national_targets):
    from plans.services import indicator_preview

    NationalParts.objects.all().delete()
    nation = AdminUnit.objects.get(level=AdminUnit.Level.NATION)
    preview = indicator_preview(indicator=Indicator.objects.get(code="htx_active"), area=nation, year=2024)
    assert preview.measure is not None and not preview.error
    assert not NationalParts.objects.exists()


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
    # Then an edit in a province: the rows without a province are added from their stored part.
    organisation = htx_of(provinces_with_htx(1)[0])
    organisation.sector = Organisation.Sector.TRANSPORT
    organisation.save()
    progress_recompute_pending(today=TODAY)
    assert figures(national_targets) == grouped_over_the_country(national_targets, monkeypatch)


@pytest.mark.parametrize("damage", ["other computation", "the changed province's part missing"])
def test_parts_of_another_computation_or_with_a_hole_are_never_added(national_targets, monkeypatch, damage):
    first, _, _ = provinces_with_htx()
    if damage == "other computation":
        NationalParts.objects.update(signature="computed with other conditions", years={"2024": 10**6})
    else:
        assert NationalParts.objects.filter(province=first.pk).delete()[0]
    organisation = htx_of(first)
    organisation.sector = Organisation.Sector.TRANSPORT
    organisation.save()
    progress_recompute_pending(today=TODAY)
    assert figures(national_targets) == grouped_over_the_country(national_targets, monkeypatch)


def test_stored_parts_that_cannot_be_read_leave_the_country_grouped(national_targets, monkeypatch):
    organisation = htx_of(provinces_with_htx(1)[0])
    organisation.founded_on = datetime.date(2021, 1, 5)
    organisation.save()
    drain_with_parts_unreadable(monkeypatch)
    assert figures(national_targets) == grouped_over_the_country(national_targets, monkeypatch)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the recompute's lock is PostgreSQL's")
def test_a_recompute_holds_its_lock_to_its_commit_and_another_waits(national_targets):
    """Two recomputes at once would each add the other's province as it was: each holds the
    recompute's lock to its commit, and another one (here on a connection of its own, told to give
    up after half a second) waits for it."""
    organisation = htx_of(provinces_with_htx(1)[0])
    organisation.sector = Organisation.Sector.TRADE_SERVICES
    organisation.save()
    assert progress_recompute_pending(today=TODAY) > 0  # its transaction (the test's) is still open
    outcome = []

    def another_recompute():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '500ms'")
                national.serialised()
                outcome.append("ran")
        except DatabaseError as refused:
            outcome.append("waited" if "lock timeout" in str(refused) else str(refused))
        finally:
            connections.close_all()

    other = threading.Thread(target=another_recompute)
    other.start()
    other.join(10)
    assert outcome == ["waited"]
