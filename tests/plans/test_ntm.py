"""New-rural (NTM) recognition as registry data, on small data with obvious answers.

Quảng Trị (new 44) was formed of old Quảng Bình (44) and old Quảng Trị (45). Three xã of old
Quảng Bình: A standard in 2019 and advanced in 2022; B standard in 2020, withdrawn in 2023; C
standard in 2022. All three were merged on 1/7/2025; one xã of the new map, N, is standard in
September 2025. The demo holds no recognition, so these are the only ones.
"""

import datetime
from decimal import Decimal as D

import pytest

from cooperatives.models import AdminUnit, NtmRecognition
from plans.models import Indicator, Progress, Target
from plans.services import measures_for, progress_recompute
from tests.factories import PlanFactory, TargetFactory, province

pytestmark = pytest.mark.django_db
day = datetime.date
TODAY = day(2026, 11, 22)


def xa(structure, inside, n):
    units = AdminUnit.objects.communes().filter(kind=AdminUnit.Kind.COMMUNE).of_structure(structure).inside(inside)
    return list(units.order_by("code")[:n])


@pytest.fixture
def places():
    old = AdminUnit.objects.get(level="province", structure="63", code="44")
    a, b, c = xa("63", old, 3)
    [n] = xa("34", province("44"), 1)
    recognised = [
        (a, "standard", day(2019, 6, 1), None),
        (a, "advanced", day(2022, 3, 1), None),
        (b, "standard", day(2020, 5, 1), day(2023, 8, 1)),
        (c, "standard", day(2022, 10, 1), None),
        (n, "standard", day(2025, 9, 1), None),
    ]
    for number, (commune, level, decided, withdrawn) in enumerate(recognised, 1):
        NtmRecognition.objects.create(
            commune=commune,
            level=level,
            decision_number=f"{number}/QĐ-UBND",
            decided_on=decided,
            withdrawn_on=withdrawn,
            withdrawal_decision="99/QĐ-UBND" if withdrawn else "",
        )
    return {
        "new": province("44"),
        "old": old,
        "other_old": AdminUnit.objects.get(level="province", structure="63", code="45"),
    }


def by_year(code, area, years=range(2019, 2027), denominator=""):
    plan = PlanFactory(area=area, first_year=2015, last_year=2030)
    target = TargetFactory(
        plan=plan,
        area=area,
        indicator=Indicator.objects.get(code=code),
        period="term",
        year_from=years[0],
        year_to=years[-1],
        denominator=denominator,
    )
    failures = {}
    measured = measures_for([Target.objects.select_related("indicator", "area").get(pk=target.pk)], TODAY, failures)
    assert failures == {}
    return {year: measure for year, measure in measured[target.pk].items() if year in years}


def values(measures):
    return {year: measure.value for year, measure in measures.items()}


def test_xa_at_standard_at_each_year_s_end_withdrawal_and_merger_included(places):
    assert values(by_year("ntm_standard_communes", places["new"])) == {
        2019: 1,  # A
        2020: 2,  # A, B
        2021: 2,
        2022: 3,  # A, B, C
        2023: 2,  # B withdrawn in August
        2024: 2,
        2025: 1,  # A and C were merged on 1/7/2025: only N, of the new map, stands
        2026: 1,
    }


def test_an_old_commune_s_recognition_carries_to_the_province_it_went_into_for_the_years_before(places):
    new, old, other_old = places["new"], places["old"], places["other_old"]
    assert values(by_year("ntm_standard_communes", old, range(2022, 2023))) == {2022: 3}
    assert values(by_year("ntm_standard_communes", new, range(2022, 2023))) == {2022: 3}
    nation = AdminUnit.objects.get(level="nation")
    assert values(by_year("ntm_standard_communes", nation, range(2022, 2023))) == {2022: 3}
    assert values(by_year("ntm_standard_communes", other_old, range(2022, 2023))) == {2022: None}  # none entered


def test_advanced_counts_the_advanced_and_newly_recognised_counts_the_decisions_of_the_year(places):
    assert values(by_year("ntm_advanced_communes", places["new"], range(2021, 2025))) == {
        2021: 0,
        2022: 1,
        2023: 1,
        2024: 1,
    }
    assert values(by_year("ntm_standard_recognised", places["new"], range(2019, 2026))) == {
        2019: 1,
        2020: 1,
        2021: 0,
        2022: 1,
        2023: 0,
        2024: 0,
        2025: 1,
    }


def test_the_share_at_standard_is_over_the_xa_of_the_area_at_the_year_s_end(places):
    new = places["new"]
    share = by_year("ntm_standard_share", new, range(2022, 2023), "communes")[2022]
    xa_2022 = AdminUnit.objects.communes().filter(kind="commune").inside(new).valid_on(day(2022, 12, 31))
    assert (share.numerator, share.denominator) == (3, xa_2022.count())
    assert xa_2022.count() > 100 and not xa_2022.filter(structure="34").exists()
    after = by_year("ntm_standard_share", new, range(2026, 2027), "communes")[2026]
    xa_2026 = AdminUnit.objects.communes().filter(kind="commune", structure="34").inside(new)
    assert (after.numerator, after.denominator) == (1, xa_2026.count())


def test_the_share_of_standard_xa_that_are_advanced_is_over_the_standard_xa_only(places):
    advanced = by_year("ntm_advanced_share", places["new"], range(2022, 2024), "ntm_communes")
    assert [(m.numerator, m.denominator) for m in advanced.values()] == [(1, 3), (1, 2)]
    assert advanced[2023].value == D(50)


def test_an_ntm_target_is_computed_from_the_recognitions(places):
    """ "Có thêm 1 xã đạt chuẩn nông thôn mới năm 2022" on old Quảng Bình: C."""
    plan = PlanFactory(area=places["old"], first_year=2022, last_year=2022)
    target = TargetFactory(
        plan=plan,
        area=places["old"],
        indicator=Indicator.objects.get(code="ntm_standard_recognised"),
        wording="Có thêm 1 xã đạt chuẩn nông thôn mới",
        value=D(1),
    )
    share = TargetFactory(
        plan=plan,
        area=places["old"],
        indicator=Indicator.objects.get(code="ntm_advanced_share"),
        denominator="ntm_communes",
        comparator="gte",
        value=D(40),
        wording="40% số xã đạt chuẩn nông thôn mới đạt chuẩn nâng cao",
    )
    progress_recompute(targets=Target.objects.filter(pk__in=[target.pk, share.pk]), today=TODAY)
    assert Progress.objects.get(target=target).status == Progress.Status.ACHIEVED
    stored = Progress.objects.get(target=share)
    assert (stored.numerator, stored.denominator, stored.status) == (1, 3, Progress.Status.MISSED)  # 33,3% < 40%


def test_the_target_page_lists_the_recognitions_counted_and_says_the_denominator_is_a_subset(places, client):
    from accounts.models import User

    plan = PlanFactory(area=places["old"], first_year=2022, last_year=2022)
    share = TargetFactory(
        plan=plan,
        area=places["old"],
        indicator=Indicator.objects.get(code="ntm_advanced_share"),
        denominator="ntm_communes",
        value=D(40),
    )
    progress_recompute(targets=Target.objects.filter(pk=share.pk), today=TODAY)
    client.force_login(User.objects.get(username="lanhdao"))
    response = client.get(share.get_absolute_url())
    html = response.content.decode()
    assert "mẫu số chỉ gồm các xã đã đạt chuẩn" in html
    assert response.context["table"].paginator.count == 1  # A's advanced recognition
    listed = client.get(share.get_absolute_url() + "?list=denominator").context["table"]
    assert listed.paginator.count == 4  # A (standard and advanced), B, C: three xã
