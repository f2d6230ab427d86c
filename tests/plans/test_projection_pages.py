"""A running target's projection as the recompute stores it and the target page and overview show it."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.models import User
from plans.models import EnteredValue, Indicator, Progress, Target
from plans.services import progress_recompute
from plans.views import rows_stamp
from tests.factories import PlanFactory, TargetFactory, province

pytestmark = pytest.mark.django_db
MID_2026 = datetime.date(2026, 6, 1)


def entered(indicator, area, **by_year):
    for year, value in by_year.items():
        EnteredValue.objects.create(
            indicator=indicator, area=area, as_of=f"{year[1:]}-12-31", value=value, source="Báo cáo thử"
        )


@pytest.fixture
def national(client):
    client.force_login(User.objects.get(username="lanhdao"))
    return client


@pytest.fixture
def share_target():
    """≥ 60% of communes by 2028, at 44%, 46%, 48% in 2023–2025: the trend reaches 54%."""
    area = province("24")
    share = Indicator.objects.get(code="ntm_commune_share")
    plan = PlanFactory(area=area, first_year=2024, last_year=2028, title="Kế hoạch dự báo thử")
    target = TargetFactory(
        plan=plan,
        indicator=share,
        period=Target.Period.TERM,
        year_from=2024,
        year_to=2028,
        value=D(60),
        wording="Tỷ lệ xã đạt chuẩn trên 60% đến năm 2028 (thử)",
    )
    entered(share, area, y2023=44, y2024=46, y2025=48)
    progress_recompute(targets=Target.objects.filter(pk=target.pk), today=MID_2026)
    return target


def test_the_recompute_stores_the_projection_beside_an_unchanged_status(share_target):
    progress = Progress.objects.get(target=share_target)
    assert D(progress.projection["value"]) == 54 and progress.projection["meets"] is False
    assert D(progress.projection["needed"]) == 4 and progress.projection["needed_years"] == 3
    # The rules judge 2025's 48% against the path from 44% (2023) to 60%, which expects 50.4% by
    # the end of 2025: behind by less than a quarter of the way, at risk; the projection changes nothing.
    assert progress.status == Progress.Status.AT_RISK and progress.actual == 48 and progress.expected == D("50.4")


def test_the_target_page_labels_the_projection_and_what_is_needed(national, share_target):
    response = national.get(share_target.get_absolute_url())
    html = response.content.decode()
    assert "Dự báo đến cuối kỳ" in html and "dự báo không đạt" in html
    assert "Dự báo năm 2028: 54%" in html
    assert "Để đạt: cần tăng 4 điểm %/năm trong 3 năm còn lại." in html
    chart = response.context["trend_chart"]["projection"]
    assert chart["years"] == [2025, 2028] and chart["values"] == [48.0, 54.0]


def test_an_overview_row_flags_the_projection(national, share_target):
    html = national.get(reverse("overview"), {"plan": share_target.plan_id}).content.decode()
    assert 'data-projection-flag="false"' in html and "dự báo: không đạt" in html


def test_a_changed_projection_is_a_new_row_stamp(share_target):
    rows = list(Target.objects.for_rows().filter(pk=share_target.pk))
    before = rows_stamp(rows)
    Progress.objects.filter(target=share_target).update(projection={"year": 2028, "points": 1})
    assert rows_stamp(list(Target.objects.for_rows().filter(pk=share_target.pk))) != before


def test_a_year_without_its_figure_shows_last_years(national):
    area = province("24")
    count = Indicator.objects.get(code="ntm_communes_new")
    target = TargetFactory(
        plan=PlanFactory(area=area, first_year=2026, last_year=2026),
        indicator=count,
        year_from=2026,
        year_to=2026,
        value=D(35),
        wording="Thêm 35 xã đạt chuẩn năm 2026 (thử)",
    )
    entered(count, area, y2025=31)
    progress_recompute(targets=Target.objects.filter(pk=target.pk), today=MID_2026)
    progress = Progress.objects.get(target=target)
    assert progress.actual is None and progress.projection["last"] == {"year": 2025, "actual": "31"}
    html = national.get(target.get_absolute_url()).content.decode()
    assert "Chưa có số liệu · Năm 2025: 31" in html
    assert "Chưa đủ số liệu để dự báo: cần số liệu của ít nhất 2 năm (hiện có 1)." in html
    assert "Để đạt" not in html  # a yearly count needs its target, which the row already says
