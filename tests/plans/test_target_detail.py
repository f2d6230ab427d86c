"""A target's page: the figure against the target, its trend, provinces compared, ratings, and what is behind it."""

import datetime
import re
from decimal import Decimal as D
from html import unescape

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape, strip_tags

from accounts.models import User
from cooperatives.models import AdminUnit, Organisation, Rating
from plans import services
from plans.models import EnteredValue, Indicator, Progress, Target
from plans.rules import Measure
from plans.services import progress_recompute
from tests.factories import OrganisationFactory, PlanFactory, TargetFactory, commune, province

pytestmark = pytest.mark.django_db


def target(wording_part) -> Target:
    return Target.objects.select_related("progress", "indicator", "area").get(wording__contains=wording_part)


@pytest.fixture
def national(client):
    client.force_login(User.objects.get(username="lanhdao"))
    return client


def test_it_shows_numerator_denominator_and_explanation_of_a_share(national):
    good_or_fair = target("tỷ lệ HTX xếp loại khá trở lên đạt trên 50%")
    response = national.get(good_or_fair.get_absolute_url())
    html = response.content.decode()
    progress = good_or_fair.progress
    numbers = f"({int(progress.numerator)}/{int(progress.denominator)})"
    assert f"<strong>Giải thích:</strong> Năm {progress.year}: thực hiện " in html
    assert escape(f"{numbers}; mục tiêu > 50%.") in html
    assert f"{int(progress.numerator)}" in html and f"{int(progress.denominator)}" in html
    assert "HTX được xếp loại" in html  # the denominator in words


def test_the_table_lists_the_organisations_the_figure_counted(national):
    good_or_fair = target("tỷ lệ HTX xếp loại khá trở lên đạt trên 50%")
    table = national.get(good_or_fair.get_absolute_url()).context["table"]
    assert table.paginator.count == good_or_fair.progress.numerator
    assert len(table.page.object_list) <= 20


def test_a_manual_target_shows_the_values_entered_by_hand(national):
    disbursed = target("Giải ngân tối thiểu 60% kế hoạch vốn đến hết 30/9/2020")
    response = national.get(disbursed.get_absolute_url())
    assert (
        response.context["table"].paginator.count
        == disbursed.area.entered_values.filter(indicator=disbursed.indicator).count()
        == 2
    )
    assert "62,4%" in response.content.decode()


def test_the_trend_follows_the_yearly_figures_and_ends_the_path_at_the_target(national):
    linked = target("ít nhất 50% HTX nông nghiệp liên kết với doanh nghiệp")
    chart = national.get(linked.get_absolute_url()).context["trend_chart"]
    years = list(linked.progress_years.order_by("year"))
    assert chart["years"] == [row.year for row in years]
    assert chart["actual"] == [float(row.actual) for row in years]
    assert chart["path"][-1] == pytest.approx(float(linked.value))


def test_provinces_with_a_target_of_the_same_indicator_are_compared_from_stored_figures(national):
    hoa_binh = target("Thành lập mới 35 HTX")
    bac_giang = target("Hàng năm thành lập mới ít nhất 50 HTX")
    chart = national.get(hoa_binh.get_absolute_url()).context["comparison_chart"]
    assert chart["values"] == sorted([float(hoa_binh.progress.actual), float(bac_giang.progress.actual)], reverse=True)
    own = chart["labels"].index(f"{hoa_binh.area} ({hoa_binh.progress.year})")
    assert chart["highlight"] == [index == own for index in range(2)]


def same_indicator_in(codes, like: Target) -> list[Target]:
    """Targets like `like` in other provinces, with their progress computed (each province with an
    organisation in its registry, so that its figure is a number, not "no data")."""
    for code in codes:
        OrganisationFactory(commune=commune(code), founded_on=datetime.date(2019, 1, 1))
    made = [
        TargetFactory(
            plan=PlanFactory(area=province(code)),
            indicator=like.indicator,
            measure=like.measure,
            denominator=like.denominator,
            wording=f"Thành lập mới HTX ở tỉnh {code}",
        )
        for code in codes
    ]
    progress_recompute(targets=Target.objects.filter(pk__in=[t.pk for t in made]))
    return made


def test_a_provincial_leader_sees_their_own_province_named_and_the_others_only_summed_up(client):
    bac_giang = target("Hàng năm thành lập mới ít nhất 50 HTX")
    others = same_indicator_in(["01", "79", "48"], like=bac_giang)
    client.force_login(User.objects.get(username="lanhdao.bacninh"))
    chart = client.get(bac_giang.get_absolute_url()).context["comparison_chart"]
    highlighted = [label for label, own in zip(chart["labels"], chart["highlight"], strict=True) if own]
    assert highlighted == [f"{bac_giang.area} ({bac_giang.progress.year})"]
    assert sorted(label for label in chart["labels"] if label not in highlighted) == [
        "Trung bình của 4 tỉnh khác",
        "Trung vị của 4 tỉnh khác",
    ]
    named = {str(t.area) for t in others} | {str(target("Thành lập mới 35 HTX").area)}
    assert not any(name in label for label in chart["labels"] for name in named)
    client.force_login(User.objects.get(username="lanhdao"))
    labels = client.get(bac_giang.get_absolute_url()).context["comparison_chart"]["labels"]
    assert all(any(name in label for label in labels) for name in named)


def test_with_fewer_than_three_other_provinces_a_provincial_account_gets_no_comparison(client):
    client.force_login(User.objects.get(username="lanhdao.bacninh"))
    bac_giang = target("Hàng năm thành lập mới ít nhất 50 HTX")
    assert client.get(bac_giang.get_absolute_url()).context["comparison_chart"] is None


def test_a_national_plans_target_about_a_province_hides_its_entered_values_from_other_provinces(client):
    nation = AdminUnit.objects.get(level="nation")
    bac_ninh = province("24")
    about = TargetFactory(
        plan=PlanFactory(area=nation, title="Kế hoạch quốc gia thử"),
        area=bac_ninh,
        indicator=Indicator.objects.get(code="canals_km"),
        wording="Kiên cố hoá 100 km kênh mương ở Bắc Ninh",
    )
    EnteredValue.objects.create(
        indicator=about.indicator,
        area=bac_ninh,
        as_of="2022-06-30",
        value=42,
        source="Báo cáo nội bộ số 7/BC",
        entered_by=User.objects.get(username="canbo.bacninh"),
    )
    client.force_login(User.objects.get(username="canbo.phutho"))
    response = client.get(about.get_absolute_url())
    assert response.status_code == 200  # the national plan is theirs to read
    page = response.content.decode()
    assert "Báo cáo nội bộ số 7/BC" not in page and "canbo.bacninh" not in page
    assert response.context["inputs_withheld"] and response.context["table"].paginator.count == 0
    client.force_login(User.objects.get(username="canbo.bacninh"))
    assert "Báo cáo nội bộ số 7/BC" in client.get(about.get_absolute_url()).content.decode()


def test_the_rating_distribution_counts_every_rated_htx_of_the_area(national):
    weak = target("HTX xếp loại yếu dưới 9%")
    chart = national.get(weak.get_absolute_url()).context["rating_chart"]
    in_area = Organisation.objects.in_area(weak.area)
    last = chart["years"][-1]
    shown = sum(series["values"][-1] for series in chart["series"])
    assert shown == Rating.objects.filter(organisation__in=in_area, year=last).count()
    assert [series["level"] for series in chart["series"]] == ["good", "fair", "average", "weak", "unrated"]


def test_a_target_outside_a_provincial_leaders_province_is_not_found(client):
    client.force_login(User.objects.get(username="lanhdao.bacninh"))
    assert client.get(target("Thành lập mới 35 HTX").get_absolute_url()).status_code == 404


@pytest.mark.parametrize("wording", ["tỷ lệ HTX xếp loại khá trở lên", "Giải ngân tối thiểu 60%"])
def test_its_query_count_is_bounded(national, wording, django_assert_max_num_queries):
    # 13 with the rating chart not cached yet: the registry's stamp, the rating years, the chart,
    # and the accepted reporting rounds (final figures).
    with django_assert_max_num_queries(13):
        national.get(target(wording).get_absolute_url())


def test_a_target_not_yet_measured_shows_dashes_not_an_error(national):
    new = target("tỷ lệ HTX xếp loại khá trở lên đạt trên 50%")
    new.progress.delete()
    new.progress_years.all().delete()
    response = national.get(new.get_absolute_url())
    assert response.status_code == 200
    assert "Chưa có số liệu" in response.content.decode()


def test_every_derived_target_lists_what_its_stored_figure_counted(national):
    """Numerator and denominator lists of each demo target total its stored figure (see
    tests/plans/test_rule_lists.py for random registries)."""
    from plans.rules import RULES
    from tests.plans.test_rule_lists import total

    derived = Target.objects.filter(indicator__method="derived")
    derived = derived.select_related("progress", "indicator", "area")
    assert derived.count() > 20
    for one in derived:
        progress = one.progress
        numerator, denominator = RULES[one.indicator.rule].parts(
            one.indicator.rule_params, one.denominator, progress.year
        )
        lists = [("numerator", numerator, progress.numerator)]
        if denominator is not None:
            lists.append(("denominator", denominator, progress.denominator))
        for name, part, stored in lists:
            response = national.get(one.get_absolute_url(), {"list": name})
            assert response.context["listing"]["chosen"] == name
            listed = response.context["table"].data.data
            assert total(part, listed, progress.year) == (stored or 0), f"{one.wording}: {name}"


def share_measures(by_year):
    """A share of HTX by year, out of 200 rated HTX, as the rule measures it."""
    return {year: Measure(D(n) / 2, D(n), D(200)) for year, n in by_year.items()}


def judged(good_or_fair, status, monkeypatch):
    """Recompute the target on a day and with figures that give it `status` (over 50% by the term's end,
    from 30% the year before it started)."""
    first, last = good_or_fair.year_from, good_or_fair.year_to
    open_day, closed_day = datetime.date(first, 6, 1), datetime.date(last + 1, 2, 1)
    # On the path, the first year expects 30 + (50 - 30) / years of the term; at risk is less than 5 behind.
    cases = {
        Progress.Status.ACHIEVED: (closed_day, {last: 120}),
        Progress.Status.ON_TRACK: (open_day, {first - 1: 60, first: 80}),
        Progress.Status.AT_RISK: (open_day, {first - 1: 60, first: 64}),
        Progress.Status.OFF_TRACK: (open_day, {first - 1: 60, first: 40}),
        Progress.Status.MISSED: (closed_day, {last: 80}),
        Progress.Status.NO_DATA: (closed_day, {}),
    }
    day, counts = cases[status]
    monkeypatch.setattr(
        services,
        "measures_for",
        lambda targets, today, failures=None, changed=None: {good_or_fair.pk: share_measures(counts)},
    )
    services.progress_recompute(targets=Target.objects.filter(pk=good_or_fair.pk), today=day)
    return Progress.objects.get(target=good_or_fair)


def explanation_on(page) -> str:
    """The "Giải thích:" line of a target's page, as the reader sees it."""
    return unescape(strip_tags(re.search(r'<p class="small mt-2 mb-0">(.*?)</p>', page, re.S).group(1))).strip()


JUDGED = [status for status in Progress.Status.values if status != Progress.Status.ERROR]
VIETNAMESE_WORDS = ["thực hiện", "mục tiêu", "Năm", "năm đạt", "không đạt", "Chưa có số liệu", "so với", "theo tiến độ"]


@pytest.mark.parametrize("status", JUDGED)
def test_in_english_the_explanation_is_english_whatever_the_status(national, status, monkeypatch):
    good_or_fair = target("tỷ lệ HTX xếp loại khá trở lên đạt trên 50%")
    assert judged(good_or_fair, status, monkeypatch).status == status
    national.post(reverse("set_language"), {"language": "en", "next": "/"})
    explanation = explanation_on(national.get(good_or_fair.get_absolute_url()).content.decode())
    assert explanation.startswith("Explanation:")
    if status == Progress.Status.NO_DATA:
        assert explanation == f"Explanation: No data for {good_or_fair.year_to}."
    else:
        assert re.match(r"Explanation: \d{4}: actual \d+(\.\d)?% \(\d+/200\); target > 50%", explanation)
    assert ("on the path" in explanation) == (
        status in (Progress.Status.ON_TRACK, Progress.Status.AT_RISK, Progress.Status.OFF_TRACK)
    )
    assert not [word for word in VIETNAMESE_WORDS if word in explanation]
    if status == Progress.Status.AT_RISK:
        first = good_or_fair.year_from
        assert explanation == f"Explanation: {first}: actual 32% (64/200); target > 50%; on the path 33.3% needed."


@pytest.mark.parametrize("status", JUDGED)
def test_in_vietnamese_the_explanation_stays_vietnamese(national, status, monkeypatch):
    good_or_fair = target("tỷ lệ HTX xếp loại khá trở lên đạt trên 50%")
    assert judged(good_or_fair, status, monkeypatch).status == status
    explanation = explanation_on(national.get(good_or_fair.get_absolute_url()).content.decode())
    if status == Progress.Status.NO_DATA:
        assert explanation == f"Giải thích: Chưa có số liệu năm {good_or_fair.year_to}."
    else:
        assert re.match(r"Giải thích: Năm \d{4}: thực hiện \d+(,\d)?% \(\d+/200\); mục tiêu > 50%", explanation)
    if status == Progress.Status.AT_RISK:
        first = good_or_fair.year_from
        assert (
            explanation == f"Giải thích: Năm {first}: thực hiện 32% (64/200); mục tiêu > 50%; theo tiến độ cần 33,3%."
        )


def test_the_denominator_is_named_as_it_is_computed(national):
    """ "HTX nông nghiệp đang hoạt động" would overstate: the share is over those that filed figures."""
    linked = target("ít nhất 50% HTX nông nghiệp liên kết với doanh nghiệp")
    html = national.get(linked.get_absolute_url()).content.decode()
    assert "(HTX nông nghiệp có số liệu năm)" in html
    assert "(HTX nông nghiệp đang hoạt động)" not in html


def test_a_deadline_inside_the_year_cuts_the_figure_and_the_list_behind_it(national):
    founded = target("Thành lập mới 35 HTX")
    whole_year = founded.progress.actual
    Target.objects.filter(pk=founded.pk).update(deadline=datetime.date(2022, 6, 30))
    services.progress_recompute(targets=Target.objects.filter(pk=founded.pk), today=datetime.date(2026, 11, 22))
    by_june = Progress.objects.get(target=founded).actual
    in_june = Organisation.objects.in_area(founded.area).cooperatives()
    assert by_june == in_june.filter(founded_on__range=("2022-01-01", "2022-06-30")).count() < whole_year
    response = national.get(founded.get_absolute_url())
    assert response.context["table"].paginator.count == by_june
    assert "Đến hết 30/06/2022: những dòng mà con số đã đếm" in response.content.decode()


def test_an_every_year_target_shows_its_years_on_the_page_and_in_the_trend(national):
    new_htx = target("Hàng năm thành lập mới ít nhất 50 HTX")
    response = national.get(new_htx.get_absolute_url())
    html = response.content.decode()
    assert html.count('class="year-mark year-missed"') == 2
    assert "4/6 năm đạt; không đạt 2021, 2024." in html
    marks = response.context["trend_chart"]["marks"]
    assert marks["symbols"] == ["✓", "✗", "✓", "✓", "✗", "✓"]
    assert marks["shapes"][1] == "x" and marks["labels"][1] == "2021: không đạt"


def test_a_term_target_has_no_year_marks_in_its_trend(national):
    assert national.get(target("HTX xếp loại yếu dưới 9%").get_absolute_url()).context["trend_chart"]["marks"] is None


def test_a_target_whose_figure_could_not_be_computed_says_so_and_admins_read_why(client):
    founded = target("Thành lập mới 35 HTX")
    Indicator.objects.filter(pk=founded.indicator_id).update(rule="rule_of_tomorrow")
    services.progress_recompute(targets=Target.objects.filter(pk=founded.pk))
    for username, reads_why in (("admin", True), ("lanhdao", False)):
        client.force_login(User.objects.get(username=username))
        html = client.get(founded.get_absolute_url()).content.decode()
        assert 'data-status="error"' in html and "Lỗi khi tính" in html
        assert "Không tính được số liệu của mục tiêu này" in html
        assert ("rule_of_tomorrow" in html) is reads_why
        overview = client.get(reverse("plan_detail", args=[founded.plan_id])).content.decode()
        assert 'data-status="error"' in overview and "rule_of_tomorrow" not in overview


def listed(client, url, **query):
    """What the page lists of what a figure counted: the count and the page's organisations, in order."""
    table = client.get(url, query).context["table"]
    return table.paginator.count, [row.record.pk for row in table.page.object_list]


def uncached(client, url, **query):
    cache.clear()
    return listed(client, url, **query)


def test_what_a_figure_counted_follows_the_registry_at_once(national):
    """The count and each page's ids are cached (plans.views.CountedPaginator): a rating deleted, an
    organisation renamed (its place in the order) or founded shows on the next request."""
    good_or_fair = target("tỷ lệ HTX xếp loại khá trở lên đạt trên 50%")
    url, year = good_or_fair.get_absolute_url(), good_or_fair.progress.year
    count, ids = listed(national, url)
    assert listed(national, url) == (count, ids) == uncached(national, url) and count > 2
    Rating.objects.filter(organisation_id=ids[0], year=year).delete()
    assert listed(national, url) == (count - 1, listed(national, url)[1]) and ids[0] not in listed(national, url)[1]
    assert listed(national, url) == uncached(national, url)
    last = Organisation.objects.get(pk=ids[-1])
    last.name = "AAA " + last.name  # first by name now
    last.save()
    assert listed(national, url)[1][0] == last.pk
    assert listed(national, url, sort="-name") == uncached(national, url, sort="-name")


def test_a_new_htx_is_counted_at_once(national):
    founded = target("Thành lập mới 35 HTX")
    year = founded.progress.year or founded.year_to
    url = founded.get_absolute_url()
    count, _ids = listed(national, url)
    new = OrganisationFactory(
        name="AAA HTX vừa thành lập",
        commune=commune(founded.area.code, founded.area.structure),
        founded_on=datetime.date(year, 5, 1),
    )
    assert listed(national, url) == (count + 1, listed(national, url)[1])
    assert new.pk in listed(national, url)[1] and listed(national, url) == uncached(national, url)


def test_a_provincial_account_never_gets_the_nations_cached_list(client, national):
    """A national target's list, read by a national leader then by a provincial one: each its own."""
    nation = AdminUnit.objects.get(level="nation")
    about = TargetFactory(plan=PlanFactory(area=nation, title="Kế hoạch quốc gia thử"), area=nation)
    url = about.get_absolute_url()
    everywhere = listed(national, url)
    client.force_login(User.objects.get(username="lanhdao.bacninh"))
    bac_ninh = listed(client, url)
    assert bac_ninh == uncached(client, url) and bac_ninh[0] < everywhere[0]
    shown = Organisation.objects.filter(pk__in=bac_ninh[1])
    assert set(shown.values_list("province__code", flat=True)) == {"24"}
