"""The overview: every plan's targets with progress, counts by status, filters, scope by province."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from plans.models import Plan, Progress, RecomputeSchedule
from plans.views import rows_stamp
from tests.factories import province

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(client):
    client.force_login(User.objects.get(username="lanhdao"))
    return client


@pytest.fixture
def bac_ninh(client):
    client.force_login(User.objects.get(username="lanhdao.bacninh"))
    return client


def test_it_asks_for_a_login_first(client):
    response = client.get(reverse("overview"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


@pytest.fixture
def on_2026_12_01(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 12, 1))


def test_by_default_it_shows_the_plans_in_force_and_those_ended_within_the_last_year(national, on_2026_12_01):
    # No source plan runs in 2026; the 2020–2025 term ended eleven months ago, and a leader
    # opening the page sees its outcome, not an empty page.
    response = national.get(reverse("overview"))
    titles = [plan.title for plan in response.context["plans"]]
    assert titles == list(
        Plan.objects.filter(first_year__lte=2026, last_year__gte=2025)
        .order_by("-last_year", "area__code", "title")
        .values_list("title", flat=True)
    )
    assert "Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang nhiệm kỳ 2020–2025" in titles
    assert any(title.startswith("Kế hoạch 28/KH-UBND") for title in titles)
    assert not any(title.startswith("Kế hoạch phát triển kinh tế tập thể, HTX tỉnh Hòa Bình") for title in titles)
    html = response.content.decode()
    assert "Đã kết thúc năm 2025: tình trạng cuối kỳ" in html


def test_a_plan_ended_more_than_a_year_ago_shows_when_its_year_is_chosen(national, on_2026_12_01):
    response = national.get(reverse("overview"), {"year": "2022"})
    titles = [plan.title for plan in response.context["plans"]]
    assert "Kế hoạch phát triển kinh tế tập thể, HTX tỉnh Hòa Bình năm 2022" in titles
    assert set(titles) == set(Plan.objects.in_force(2022).values_list("title", flat=True))


def test_every_year_shows_every_plan_with_the_district_s_reported_results(national):
    response = national.get(reverse("overview"), {"year": ""})
    assert Plan.objects.count() == response.context["page"].paginator.count
    district = Plan.objects.get(document_number="05-NQ/HU")
    html = national.get(reverse("overview"), {"year": "", "plan": district.pk}).content.decode()
    assert "Kết quả đã báo cáo" in html and "Thành lập được 15 HTX" in html
    assert "Một huyện (văn bản nguồn không nêu tên huyện)" in html
    assert 'data-status="' not in html  # results have no status


def test_each_target_row_shows_wording_formula_actual_badge_and_link(national):
    plan = Plan.objects.get(title__startswith="Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang")
    target = plan.targets.get(wording__contains="HTX xếp loại yếu dưới 9%")
    html = national.get(reverse("overview"), {"plan": plan.pk}).content.decode()
    assert target.wording in html
    assert target.get_absolute_url() in html
    assert "&lt; 9%" in html
    assert f'data-status="{target.progress.status}"' in html
    assert "Đã đạt" in html


def test_counts_of_targets_by_status_match_the_stored_progress(national):
    response = national.get(reverse("overview"), {"year": ""})
    counted = {status: count for status, _label, count in response.context["status_rows"]}
    stored = {status: Progress.objects.filter(status=status).count() for status in Progress.Status.values}
    assert counted == {status: n for status, n in stored.items() if n or status != Progress.Status.ERROR}


def test_the_indicator_filter_keeps_only_plans_and_rows_of_that_indicator(national):
    plan = Plan.objects.get(title__startswith="Kế hoạch phát triển kinh tế tập thể, HTX tỉnh Hòa Bình")
    indicator = plan.targets.get(wording__contains="35 HTX").indicator
    response = national.get(reverse("overview"), {"year": "", "indicator": indicator.pk})
    rows = [target for plan in response.context["plans"] for target in plan.targets.all()]
    assert rows
    assert {target.indicator_id for target in rows} == {indicator.pk}


def test_tasks_of_a_plan_without_targets_are_shown_with_their_status(national):
    html = national.get(reverse("overview"), {"year": "2025"}).content.decode()
    assert "Liên kết chuỗi giá trị giữa các tổ chức kinh tế hợp tác" in html
    assert "Chưa cập nhật tình trạng" in html  # the document says what to do, not how it went


def test_a_provincial_leader_sees_only_the_plans_of_their_province(bac_ninh):
    response = bac_ninh.get(reverse("overview"), {"year": ""})
    areas = {plan.area.code for plan in response.context["plans"]}
    assert areas == {"24"}  # old Bắc Giang lies inside new Bắc Ninh; Hòa Bình and Hậu Giang do not


def test_english_switches_the_page_language(national):
    national.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = national.get(reverse("overview")).content.decode()
    assert "Progress of the plans" in html
    assert "Achieved" in html


def test_its_query_count_does_not_grow_with_the_plans(national, django_assert_max_num_queries):
    # Plans, their targets, tasks and reported results: one query each, whatever their number;
    # and one for the accepted reporting rounds (which figures are final).
    with django_assert_max_num_queries(14):
        national.get(reverse("overview"), {"year": ""})
    with django_assert_max_num_queries(14):
        national.get(reverse("overview"))  # the default: in force or just ended


def test_plans_come_a_few_to_a_page(national):
    every_plan = Plan.objects.count()
    first = national.get(reverse("overview"), {"year": ""})
    second = national.get(reverse("overview"), {"year": "", "page": 2})
    assert len(first.context["plans"]) == 5
    assert len(second.context["plans"]) == every_plan - 5
    assert "page=2" in first.content.decode()


def test_the_province_filter_keeps_the_plans_about_that_province(national):
    response = national.get(reverse("overview"), {"year": "", "province": province("25").pk})
    areas = {plan.area.code for plan in response.context["plans"]}
    assert areas == {"17"}  # old Hòa Bình went into Phú Thọ


def test_a_badge_explains_its_status_on_hover(national):
    html = national.get(reverse("overview")).content.decode()
    assert 'title="4/6 năm đạt; không đạt 2021, 2024. Năm 2025: thực hiện 50 HTX; mục tiêu ≥ 50 HTX."' in html


def test_in_english_the_badge_explains_its_status_in_english(national):
    national.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = national.get(reverse("overview")).content.decode()
    assert 'title="4/6 years met; missed 2021, 2024. 2025: actual 50 HTX; target ≥ 50 HTX."' in html
    assert "năm đạt" not in html and "không đạt 20" not in html


def test_cached_rows_never_outlive_a_change_of_what_they_show(national):
    # The rows are cached under a digest of their fields (plans.views.rows_stamp): a new status,
    # actual or wording is a new key, so the next page shows it at once.
    plan = Plan.objects.get(title__startswith="Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang")
    target = plan.targets.get(wording__contains="HTX xếp loại yếu dưới 9%")
    assert target.progress.status != Progress.Status.MISSED
    first = national.get(reverse("overview"), {"plan": plan.pk}).content.decode()
    assert _row_of(first, target.get_absolute_url()).count(f'data-status="{target.progress.status}"') == 1

    Progress.objects.filter(target=target).update(status=Progress.Status.MISSED)
    target.__class__.objects.filter(pk=target.pk).update(wording="Giảm HTX yếu (đã sửa)")
    html = national.get(reverse("overview"), {"plan": plan.pk}).content.decode()
    assert "Giảm HTX yếu (đã sửa)" in _row_of(html, target.get_absolute_url())
    assert 'data-status="missed"' in _row_of(html, target.get_absolute_url())


def _row_of(html, link):
    start = html.index(f'href="{link}"')
    return html[start : html.index("</tr>", start)]


def test_the_rows_stamp_follows_every_field_of_target_indicator_and_progress():
    plan = Plan.objects.for_overview().get(title__startswith="Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang")
    targets = list(plan.targets.all())
    before = rows_stamp(targets)
    targets[0].progress.computed_at = targets[0].progress.computed_at.replace(year=2000)
    assert rows_stamp(targets) != before
    targets[0].indicator.unit = "other"
    changed = rows_stamp(targets)
    targets[1].value_high = 12345
    assert len({before, changed, rows_stamp(targets)}) == 3


def test_the_rows_stamp_is_the_same_on_every_load_and_follows_the_explanation_parts():
    def stamp():
        plan = Plan.objects.for_overview().get(title__startswith="Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang")
        return rows_stamp(plan.targets.all())

    before = stamp()
    assert stamp() == before  # the JSON comes back with its keys in the same order
    progress = Progress.objects.filter(
        target__plan__title__startswith="Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang"
    ).first()
    Progress.objects.filter(pk=progress.pk).update(explanation={**progress.explanation, "year": 1999})
    assert stamp() != before


def test_the_pages_say_when_the_figures_were_last_recomputed(national):
    schedule = RecomputeSchedule.current()
    schedule.last_run_at = timezone.make_aware(datetime.datetime(2026, 11, 20, 7, 5))
    schedule.queued_at = None
    schedule.save()
    plan = Plan.objects.first()
    for url in (reverse("overview"), plan.get_absolute_url(), plan.targets.first().get_absolute_url()):
        html = national.get(url).content.decode()
        assert "được tính lại lần cuối lúc 07:05 20/11/2026" in html, url
        assert "Đang tính lại" not in html
    RecomputeSchedule.objects.filter(pk=1).update(queued_at=timezone.now())
    assert "Đang tính lại theo thay đổi mới" in national.get(reverse("overview")).content.decode()


def test_an_every_year_row_shows_each_year_and_how_many_were_met(national):
    plan = Plan.objects.get(title__startswith="Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang")
    target = plan.targets.get(wording="Hàng năm thành lập mới ít nhất 50 HTX")
    row = _row_of(national.get(reverse("overview"), {"plan": plan.pk}).content.decode(), target.get_absolute_url())
    marks = re.findall(r'data-year="(\d{4})" data-mark="(\w+)"', row)
    assert marks == [("2020", "achieved"), ("2021", "missed"), ("2022", "achieved")] + [
        ("2023", "achieved"),
        ("2024", "missed"),
        ("2025", "achieved"),
    ]
    # Each year readable without colour: a symbol and the words.
    assert '<span aria-hidden="true">✗</span> 2021<span class="visually-hidden">: không đạt</span>' in row
    assert "4/6 năm đạt; không đạt 2021, 2024." in row
    assert "năm 2025" in row  # the figure shown says whose year it is
    assert 'role="progressbar"' not in row and "100%" not in row


def test_a_range_row_says_where_the_figure_sits_in_the_range(national):
    plan = Plan.objects.get(title__startswith="Kế hoạch phát triển kinh tế tập thể, HTX tỉnh Hòa Bình")
    revenue = plan.targets.get(wording__contains="Doanh thu bình quân của HTX tăng từ 6–8%")
    # The demo's figure is below the range; a stored figure within it, as a recompute writes one.
    Progress.objects.filter(target=revenue).update(actual=7, band="within", ratio=1, status="achieved")
    html = national.get(reverse("overview"), {"year": "", "plan": plan.pk}).content.decode()
    row = _row_of(html, revenue.get_absolute_url())
    assert "Trong khoảng 6–8%" in row and "128%" not in row


@pytest.mark.parametrize("account", ["national", "bac_ninh"])
def test_the_filters_drop_downs_list_their_rows_in_order_each_in_one_plain_query(account, request):
    """plans.filters.ListedChoices: the same choices as Django's iterator, without a server-side
    cursor (three round trips) per drop-down."""
    client = request.getfixturevalue(account)
    with CaptureQueriesContext(connection) as queries:
        form = client.get(reverse("overview")).context["filters"].form
        for name in ("province", "plan", "indicator"):
            field = form.fields[name]
            shown = [str(value) for value, _label in field.choices][1:]
            assert shown == [str(pk) for pk in field.queryset.values_list("pk", flat=True)] and shown
            labels = [str(label) for _value, label in field.choices][1:]
            assert labels == [field.label_from_instance(row) for row in field.queryset]
    assert not [query for query in queries.captured_queries if query["sql"].startswith("DECLARE")]
