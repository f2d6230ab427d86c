"""What moved a share of HTX by rating: the groups, the bars summing exactly to the change, the pages."""

import datetime
from decimal import Decimal as D
from fractions import Fraction

import pytest
from django.urls import reverse

from accounts.models import User
from cooperatives.models import Organisation
from plans import moved
from plans.models import Indicator, Target
from plans.services import indicator_preview
from tests.factories import OrganisationFactory, PlanFactory, RatingFactory, TargetFactory, commune, province

pytestmark = pytest.mark.django_db
QUIET = "12"  # Lai Châu: no demo organisation
SCORES = {"good": 85, "fair": 70, "average": 55, "weak": 40}


def htx(name, founded=datetime.date(2020, 3, 1), **ratings):
    organisation = OrganisationFactory(name=name, commune=commune(QUIET), founded_on=founded)
    for year, level in ratings.items():
        RatingFactory(organisation=organisation, year=int(year[1:]), verified_score=D(SCORES[level]))
    return organisation


@pytest.fixture
def effective():
    """Effective HTX (good or fair) over rated HTX, in a province with only these HTX."""
    area = province(QUIET)
    assert not Organisation.objects.in_area(area).exists()
    made = {
        "stays": htx("A giữ hạng khá", y2023="fair", y2024="fair"),
        "up": htx("B trung bình lên tốt", y2023="average", y2024="good"),
        "down": htx("C tốt xuống yếu", y2023="good", y2024="weak"),
        "new_rating": htx("D mới xếp loại", y2024="fair"),
        "gone": htx("E giải thể", y2023="good"),
        "founded_average": htx("F thành lập 2024", founded=datetime.date(2024, 3, 1), y2024="average"),
        "unrated_now": htx("G không còn xếp loại", y2023="weak"),
        "fair_to_good": htx("H khá lên tốt", y2023="fair", y2024="good"),
        "founded_fair": htx("I thành lập 2024 khá", founded=datetime.date(2024, 2, 1), y2024="fair"),
    }
    Organisation.objects.filter(pk=made["gone"].pk).update(
        status=Organisation.Status.DISSOLVED, dissolved_on=datetime.date(2024, 5, 1)
    )
    share = Indicator.objects.get(code="htx_effective_share")
    target = TargetFactory(
        plan=PlanFactory(area=area, first_year=2023, last_year=2025),
        area=area,
        indicator=share,
        period=Target.Period.TERM,
        year_from=2023,
        year_to=2025,
        comparator=Target.Comparator.ABOVE,
        value=D(50),
        wording="Tỷ lệ HTX hiệu quả trên 50% (thử)",
    )
    return target, made


def test_every_htx_falls_in_its_group(effective):
    target, made = effective
    result = moved.breakdown(target, 2024)
    groups = {bar.key: set(bar.organisations) for bar in result.bars}
    pk = {key: organisation.pk for key, organisation in made.items()}
    assert groups == {
        "founded": {pk["founded_average"], pk["founded_fair"]},
        "dissolved": {pk["gone"]},
        "newly_rated": {pk["new_rating"]},
        "no_longer_rated": {pk["unrated_now"]},
        "upgraded": {pk["up"], pk["fair_to_good"]},
        "downgraded": {pk["down"]},
    }
    assert pk["stays"] not in set().union(*groups.values())


def test_the_bars_add_up_exactly_to_the_change_of_the_rules_own_share(effective):
    target, _made = effective
    result = moved.breakdown(target, 2024)
    share = target.indicator
    for key, year in (("first", 2023), ("second", 2024)):
        measure = indicator_preview(indicator=share, area=target.area, year=year).measure
        assert result.counts[key] == (measure.numerator, measure.denominator)
    # 4 of 6 rated HTX effective in 2023 (A, C, E, H), 5 of 7 in 2024 (A, B, D, H, I).
    assert (result.before, result.after) == (Fraction(400, 6), Fraction(500, 7))
    assert sum((bar.delta for bar in result.bars), Fraction(0)) == result.after - result.before
    by_key = {bar.key: bar.delta for bar in result.bars}
    assert by_key["dissolved"] < 0 and by_key["downgraded"] < 0 and by_key["newly_rated"] > 0


def test_the_weak_share_reads_the_same_moves_the_other_way(effective):
    target, _made = effective
    target.indicator = Indicator.objects.get(code="htx_weak_share")
    result = moved.breakdown(target, 2024)
    assert sum((bar.delta for bar in result.bars), Fraction(0)) == result.after - result.before
    by_key = {bar.key: bar.delta for bar in result.bars}
    assert by_key["downgraded"] > 0  # C fell to weak: the weak share rises
    assert by_key["no_longer_rated"] < 0  # G, weak, left the rated


def test_the_page_draws_the_waterfall_and_a_bar_lists_its_htx(client, effective):
    target, made = effective
    client.force_login(User.objects.get(username="lanhdao"))
    url = reverse("share_moves", args=[target.pk])
    page = client.get(url, {"year": 2024})
    chart = page.context["chart"]
    assert [bar["label"] for bar in chart["bars"]][0] == "Thành lập mới"
    assert abs(chart["first"]["value"] + sum(bar["value"] for bar in chart["bars"]) - chart["second"]["value"]) < 1e-9
    upgraded = next(bar for bar in chart["bars"] if bar["label"] == "Lên hạng")
    listed = client.get(upgraded["url"].split("#")[0])
    names = {row.record.name for row in listed.context["table"].page.object_list}
    assert names == {made["up"].name, made["fair_to_good"].name}
    assert "data-moves-link" in client.get(target.get_absolute_url()).content.decode()


def test_other_indicators_and_other_provinces_have_no_breakdown(client, effective):
    target, _made = effective
    client.force_login(User.objects.get(username="lanhdao.bacninh"))
    assert client.get(reverse("share_moves", args=[target.pk])).status_code == 404  # not its province
    client.force_login(User.objects.get(username="lanhdao"))
    count = TargetFactory(area=target.area, plan=target.plan)
    assert client.get(reverse("share_moves", args=[count.pk])).status_code == 404  # a count, not a share
