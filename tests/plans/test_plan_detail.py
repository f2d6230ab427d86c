"""A plan's page: its source, its targets with progress, its tasks and the chart's data."""

import json

import pytest
from django.urls import reverse

from accounts.models import User
from plans.models import Plan

pytestmark = pytest.mark.django_db


def plan(title_start) -> Plan:
    return Plan.objects.get(title__startswith=title_start)


@pytest.fixture
def national(client):
    client.force_login(User.objects.get(username="lanhdao"))
    return client


def test_it_shows_the_source_and_every_target_with_its_status(national):
    bac_giang = plan("Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang")
    html = national.get(bac_giang.get_absolute_url()).content.decode()
    assert bac_giang.source_reference in html
    for target in bac_giang.targets.select_related("progress"):
        assert target.get_absolute_url() in html
    assert html.count('data-status="') == bac_giang.targets.count()


def test_the_chart_gets_each_targets_achievement_in_percent(national):
    hoa_binh = plan("Kế hoạch phát triển kinh tế tập thể, HTX tỉnh Hòa Bình")
    response = national.get(hoa_binh.get_absolute_url())
    chart = json.loads(response.context["plan_chart"] and json.dumps(response.context["plan_chart"]))
    founded = hoa_binh.targets.get(wording__contains="35 HTX").progress
    assert round(float(founded.ratio) * 100, 1) in chart["values"]
    assert len(chart["values"]) == hoa_binh.targets.count()


def test_a_plan_of_tasks_only_lists_its_tasks(national):
    hau_giang = plan("Kế hoạch 28/KH-UBND")
    html = national.get(hau_giang.get_absolute_url()).content.decode()
    for task in hau_giang.tasks.all():
        assert task.title in html
        assert str(task.get_status_display()) in html


def test_a_plan_outside_a_provincial_leaders_province_is_not_found(client):
    client.force_login(User.objects.get(username="lanhdao.bacninh"))
    assert client.get(plan("Kế hoạch 28/KH-UBND").get_absolute_url()).status_code == 404


def test_its_query_count_is_bounded(national, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):  # 9th: the accepted reporting rounds (final figures)
        national.get(plan("Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang").get_absolute_url())


def test_a_plan_of_reported_results_lists_them_without_a_status(national):
    district = Plan.objects.get(document_number="05-NQ/HU")
    html = national.get(district.get_absolute_url()).content.decode()
    assert "Kết quả đã báo cáo" in html
    for result in district.results.all():
        assert result.wording in html
    assert "Một huyện (văn bản nguồn không nêu tên huyện)" in html
    assert "không ghi ngày" in html
    assert 'data-status="' not in html


def test_a_plan_about_no_named_place_is_for_national_accounts_only(client):
    district = Plan.objects.get(document_number="05-NQ/HU")
    client.force_login(User.objects.get(username="lanhdao.bacninh"))
    assert client.get(district.get_absolute_url()).status_code == 404
    client.force_login(User.objects.get(username="admin"))
    html = client.get(district.get_absolute_url()).content.decode()
    assert reverse("plan_update", args=[district.pk]) in html


def test_a_plan_ended_says_its_status_is_final(national):
    hoa_binh = plan("Kế hoạch phát triển kinh tế tập thể, HTX tỉnh Hòa Bình")
    assert "Đã kết thúc năm 2022: tình trạng cuối kỳ" in national.get(hoa_binh.get_absolute_url()).content.decode()
