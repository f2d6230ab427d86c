"""The organisations listed behind a figure are exactly the ones it counted, and every indicator of
the catalogue is computed on a random registry without error.

For small random registries (HTX, THT and unions; ratings under both schemes, unrated and unscored;
organisations dissolved, suspended, dormant or dissolving (with and without the date of that status,
even one before their founding), joining the alliance, trained; support actions with and without an
organisation; new-rural recognitions of xã, some withdrawn; communes of the old map and of the new
one, on both sides of the 1/7/2025 merger), every derived indicator of the catalogue is recomputed
and stored as usual (`progress_recompute`) without error; then, for one indicator of each rule and
set of parameter names, every denominator its rule allows and each area and year, the list its rule
gives (`Part.listed`, what the target page shows) is totalled the way the figure totals it and
compared with the stored numerator and denominator.

Places: Quảng Trị (new 44, formed of old 44 Quảng Bình and old 45 Quảng Trị), read on its own
province column; old Quảng Bình, read through the lineage; and the nation (demo data included).
"""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperatives.models import AdminUnit, NtmRecognition, Organisation, Rating, SupportAction, YearlyFigures
from plans.models import Indicator, Progress, ProgressYear
from plans.rules import COUNT, DISTINCT, RULES, SUM
from plans.services import progress_recompute
from tests.factories import PlanFactory, TargetFactory, province

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 1)
YEARS = (2020, 2023, 2025)
KINDS = [Organisation.Kind.COOPERATIVE, Organisation.Kind.COOPERATIVE, Organisation.Kind.COOPERATIVE_GROUP, "lhhtx"]
SECTORS = [Organisation.Sector.AGRICULTURE, Organisation.Sector.TRANSPORT]
ACTION_KINDS = [SupportAction.Kind.MANAGER_TRAINING, SupportAction.Kind.CONSOLIDATION, SupportAction.Kind.TRADE_FAIR]
LEVELS = [level for level, _label in Rating.Level.choices]


def a_day(first=2018, last=2026):
    return st.dates(datetime.date(first, 1, 1), datetime.date(last, 12, 31)) | st.sampled_from(
        [datetime.date(year, month, day) for year in (2020, 2023, 2025) for month, day in ((1, 1), (12, 31))]
    )


rating = st.fixed_dictionaries(
    {
        "year": st.sampled_from(YEARS),
        "scheme": st.sampled_from([s for s, _label in Rating.Scheme.choices]),
        "score": st.none() | st.integers(0, 100),
        "level": st.sampled_from(LEVELS),
    }
)
figures = st.fixed_dictionaries(
    {
        "year": st.sampled_from(YEARS),
        "members": st.none() | st.integers(0, 400),
        "revenue": st.none() | st.integers(0, 10**10),
        "average_income": st.none() | st.integers(0, 10**8),
        "linked_with_enterprise": st.booleans(),
        "key_officers": st.none() | st.integers(0, 9),
        "key_officers_trained": st.none() | st.integers(0, 9),
    }
)
action = st.fixed_dictionaries(
    {"kind": st.sampled_from(ACTION_KINDS), "on": a_day(2018, 2025), "count": st.integers(1, 30), "own": st.booleans()}
)
organisation = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(KINDS),
        "sector": st.sampled_from(SECTORS),
        "commune": st.integers(0, 5),
        "founded_on": a_day(2016, 2025),
        "lasted_days": st.none() | st.integers(0, 3000),
        "pause": st.none()
        | st.tuples(st.sampled_from(["suspended", "dormant", "dissolving"]), st.none() | st.integers(-400, 3000)),
        "joined_after_days": st.none() | st.integers(0, 3000),
        "ratings": st.lists(rating, max_size=3),
        "figures": st.lists(figures, max_size=3, unique_by=lambda f: f["year"]),
        "actions": st.lists(action, max_size=3),
    }
)
recognition = st.fixed_dictionaries(
    {
        "commune": st.sampled_from([0, 2, 4]),  # the xã (the others are phường)
        "level": st.sampled_from(["standard", "advanced", "model"]),
        "after_days": st.integers(0, 4000),
        "withdrawn_after_days": st.none() | st.integers(0, 1500),
    }
)
registries = st.fixed_dictionaries(
    {
        "organisations": st.lists(organisation, max_size=8),
        "place_actions": st.lists(action, max_size=2),  # for a commune or the province, no organisation
        "recognitions": st.lists(recognition, max_size=4),  # new-rural decisions, within each xã's life
    }
)


@pytest.fixture
def places():
    new = province("44")
    old = AdminUnit.objects.get(level="province", structure="63", code="44")
    communes = []
    for unit, structure in (
        (new, "34"),
        (old, "63"),
        (AdminUnit.objects.get(level="province", structure="63", code="45"), "63"),
    ):
        inside = AdminUnit.objects.communes().of_structure(structure).inside(unit).order_by("code")
        communes += [inside.filter(kind="commune").first(), inside.exclude(kind="commune").first()]  # a xã, a phường
    nation = AdminUnit.objects.get(level=AdminUnit.Level.NATION)
    return {"areas": [new, old, nation], "communes": communes, "province": new}


@pytest.fixture
def targets(places):
    """A term target 2020–2025 on every derived indicator of the catalogue, for every denominator
    its indicator allows, in every area."""
    made = []
    for area in places["areas"]:
        plans = {}  # one target per indicator and place in a plan: a plan for each denominator
        for indicator in Indicator.objects.filter(method=Indicator.Method.DERIVED):
            for denominator in sorted({"", *RULES[indicator.rule].allowed_denominators(indicator.rule_params)}):
                if denominator not in plans:
                    plans[denominator] = PlanFactory(area=area, first_year=2020, last_year=2025)
                plan = plans[denominator]
                made.append(
                    TargetFactory(
                        plan=plan,
                        area=area,
                        indicator=indicator,
                        period="term",
                        year_from=2020,
                        year_to=2025,
                        denominator=denominator,
                        value=Decimal(1),
                    )
                )
    return made


def build(registry, places):
    communes = places["communes"]
    for i, spec in enumerate(registry["organisations"]):
        founded = spec["founded_on"]
        ended = None if spec["lasted_days"] is None else founded + datetime.timedelta(days=spec["lasted_days"])
        pause = spec["pause"]
        joined = None if spec["joined_after_days"] is None else founded + datetime.timedelta(spec["joined_after_days"])
        org = Organisation.objects.create(
            kind=spec["kind"],
            sector=spec["sector"],
            name=f"Tổ chức ngẫu nhiên {i}",
            registration_code=f"98{i:08d}" if spec["kind"] != Organisation.Kind.COOPERATIVE_GROUP else "",
            commune=communes[spec["commune"]],
            founded_on=founded,
            dissolved_on=ended,
            status=Organisation.Status.DISSOLVED if ended else pause[0] if pause else Organisation.Status.ACTIVE,
            status_since=None if ended or not pause or pause[1] is None else founded + datetime.timedelta(pause[1]),
            alliance_joined_on=joined,
        )
        seen = set()
        for r in spec["ratings"]:
            if (r["year"], r["scheme"]) in seen:
                continue
            seen.add((r["year"], r["scheme"]))
            scored = {"verified_score": r["score"]} if r["score"] is not None else {"level": r["level"]}
            Rating.objects.create(organisation=org, year=r["year"], scheme=r["scheme"], **scored)
        for f in spec["figures"]:
            if f["key_officers_trained"] is not None:  # never more trained than officers (a constraint)
                f = {**f, "key_officers": max(f["key_officers"] or 0, f["key_officers_trained"])}
            YearlyFigures.objects.create(organisation=org, **f)
        for a in spec["actions"]:
            SupportAction.objects.create(kind=a["kind"], occurred_on=a["on"], count=a["count"], organisation=org)
    for a in registry["place_actions"]:
        area = communes[0] if a["own"] else places["province"]
        SupportAction.objects.create(kind=a["kind"], occurred_on=a["on"], count=a["count"], area=area)
    for i, r in enumerate(registry["recognitions"]):
        xa = communes[r["commune"]]
        first, last = xa.valid_from or datetime.date(2016, 1, 1), xa.valid_to or datetime.date(2026, 12, 31)
        decided = min(first + datetime.timedelta(r["after_days"]), last)
        withdrawn = r["withdrawn_after_days"]
        NtmRecognition.objects.get_or_create(
            commune=xa,
            level=r["level"],
            decided_on=decided,
            defaults={
                "decision_number": f"{i}/QĐ-UBND",
                "withdrawn_on": None if withdrawn is None else decided + datetime.timedelta(withdrawn),
            },
        )


def total(part, listed, year):
    """The list totalled as its figure totals it, from the listed rows themselves."""
    if part.lists_actions:
        if part.total == SUM:
            return Decimal(sum(a.count for a in listed))
        return Decimal(len({getattr(a, f"{part.field}_id") for a in listed}))
    if part.total == COUNT or (part.total == DISTINCT and part.field == "organisation"):
        return Decimal(listed.count())
    if part.total == DISTINCT:  # communes (criterion 13)
        return Decimal(len({o.commune_id for o in listed}))
    assert part.total == SUM
    rows = YearlyFigures.objects.filter(organisation__in=listed, year=year)
    return Decimal(rows.aggregate(total=Sum(part.field))["total"] or 0)


def one_of_each_shape(targets):
    """A target per rule, parameter names, denominator and area: indicators that differ only by the
    values of their parameters (HTX rated good, fair…) list their rows the same way."""
    chosen = {}
    for target in targets:
        indicator = target.indicator
        chosen.setdefault(
            (indicator.rule, tuple(sorted(indicator.rule_params)), target.denominator, target.area_id), target
        )
    return list(chosen.values())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(registry=registries)
def test_every_list_totals_the_stored_figure(registry, places, targets):
    with transaction.atomic():
        build(registry, places)
        progress_recompute(targets=type(targets[0]).objects.filter(pk__in=[t.pk for t in targets]), today=TODAY)
        stored = {
            (row.target_id, row.year): row
            for row in ProgressYear.objects.filter(target__in=[t.pk for t in targets], year__in=YEARS)
        }
        failed = Progress.objects.failed().filter(target__in=[t.pk for t in targets])
        assert list(failed.values_list("target__indicator__code", "explanation")) == []  # every one computed
        for target in one_of_each_shape(targets):
            rule, params = RULES[target.indicator.rule], target.indicator.rule_params
            for year in YEARS:
                numerator, denominator = rule.parts(params, target.denominator, year)
                row = stored[(target.pk, year)]
                what = f"{target.indicator.code} / {target.denominator or '-'} in {target.area} {year}"
                # No registry rows at all for the area and year: "no data" (None), and nothing listed.
                assert total(numerator, numerator.listed(target.area, year), year) == (row.numerator or 0), what
                if denominator is not None:
                    assert total(denominator, denominator.listed(target.area, year), year) == row.denominator, what
        transaction.set_rollback(True)
