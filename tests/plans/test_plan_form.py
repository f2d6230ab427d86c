"""Staff enter a plan of their province from its document: the plan, its targets and tasks."""

import datetime
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from cooperatives.models import AdminUnit
from plans.models import Indicator, PendingRecompute, Plan, Progress, Target
from plans.services import progress_recompute_pending
from tests.factories import logged_in, province

pytestmark = pytest.mark.django_db


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def plan_post(area, **targets):
    """A new plan of 2026–2030 about `area`, with the given target rows (prefix index → fields)."""
    data = {
        "title": "Kế hoạch phát triển HTX giai đoạn 2026–2030",
        "issuer": "UBND tỉnh Bắc Ninh",
        "document_number": "123/KH-UBND",
        "document_date": "2026-03-15",
        "area": area.pk,
        "first_year": "2026",
        "last_year": "2030",
        "source_reference": "",
        "source_text": "Thành lập mới 150 HTX; tỷ lệ HTX khá, tốt đạt trên 60%.",
        **management("targets", len(targets)),
        **management("tasks", 1),
        "tasks-0-title": "Rà soát, giải thể HTX ngừng hoạt động",
        "tasks-0-wording": "Rà soát, giải thể dứt điểm các HTX ngừng hoạt động.",
    }
    for index, fields in targets.items():
        data.update({f"targets-{index[1:]}-{name}": value for name, value in fields.items()})
    return data


def founded(**changes):
    return {
        "wording": "Thành lập mới 150 HTX",
        "indicator": Indicator.objects.get(code="htx_founded").pk,
        "area": "",
        "period": "term",
        "year_from": "2026",
        "year_to": "2030",
        "comparator": "gte",
        "value": "150",
        "measure": "level",
        "denominator": "",
        **changes,
    }


def test_staff_enter_a_plan_with_targets_and_tasks_in_one_save(client):
    staff = logged_in(client, "canbo.bacninh")
    response = staff.post(reverse("plan_create"), plan_post(province("24"), t0=founded()))
    plan = Plan.objects.get(title="Kế hoạch phát triển HTX giai đoạn 2026–2030")
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    target = plan.targets.get()
    assert (target.area, target.value, target.period) == (province("24"), 150, "term")  # area: the plan's
    assert plan.tasks.get().title == "Rà soát, giải thể HTX ngừng hoạt động"
    # Saving marked the plan's place for the recompute (plans.signals queues it), which measures it.
    assert PendingRecompute.objects.filter(area=province("24"), source=PendingRecompute.Source.TARGETS).exists()
    progress_recompute_pending()
    assert Progress.objects.get(target=target).status != Progress.Status.NO_DATA


def test_decimal_commas_and_a_range_are_read_as_the_documents_write_them(client):
    staff = logged_in(client, "canbo.bacninh")
    revenue = founded(
        wording="Doanh thu bình quân tăng 6–8%/năm",
        indicator=Indicator.objects.get(code="htx_average_revenue").pk,
        period="every_year",
        comparator="between",
        value="6",
        value_high="8,5",
        measure="growth_pct",
    )
    assert staff.post(reverse("plan_create"), plan_post(province("24"), t0=revenue)).status_code == 302
    target = Target.objects.get(wording="Doanh thu bình quân tăng 6–8%/năm")
    assert (target.value, str(target.value_high)) == (6, "8.5000")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"year_from": "2029", "year_to": "2027"}, "year_to", "Năm kết thúc không thể trước năm bắt đầu."),
        ({"period": "year", "year_to": "2027"}, "year_to", "năm bắt đầu và năm kết thúc phải trùng nhau"),
        ({"comparator": "between"}, "value_high", "cần cận trên"),
        ({"comparator": "between", "value_high": "100"}, "value_high", "Cận trên không thể nhỏ hơn cận dưới."),
        ({"value_high": "200"}, "value_high", "Chỉ nhập cận trên"),
        ({"baseline_year": "2025"}, "baseline_year", "chỉ dùng khi đo bằng mức tăng"),
        ({"year_from": "2021"}, "year_from", "phải nằm trong thời kỳ của kế hoạch (2026–2030)"),
        ({"value": "một trăm"}, "value", "Nhập một số"),
    ],
)
def test_each_rule_of_the_database_is_said_in_vietnamese_and_nothing_is_saved(client, changes, field, message):
    staff = logged_in(client, "canbo.bacninh")
    response = staff.post(reverse("plan_create"), plan_post(province("24"), t0=founded(**changes)))
    assert response.status_code == 200
    errors = response.context["targets"].forms[0].errors
    assert any(message in error for error in errors[field]), errors
    assert "Chưa lưu" in response.content.decode()
    assert not Plan.objects.filter(title="Kế hoạch phát triển HTX giai đoạn 2026–2030").exists()


def test_a_share_needs_its_denominator_and_two_rows_cannot_say_the_same(client):
    staff = logged_in(client, "canbo.bacninh")
    share = founded(indicator=Indicator.objects.get(code="htx_effective_share").pk, value="60", comparator="gt")
    response = staff.post(reverse("plan_create"), plan_post(province("24"), t0=share, t1=founded(), t2=founded()))
    forms = response.context["targets"].forms
    assert "Chỉ tiêu tỷ lệ cần mẫu số." in forms[0].errors["denominator"]
    assert "Kế hoạch đã có mục tiêu của chỉ tiêu này, cùng địa bàn và kỳ." in forms[2].errors["indicator"]
    assert not Plan.objects.filter(title__startswith="Kế hoạch phát triển HTX giai đoạn 2026").exists()


def test_staff_edit_their_province_s_plan_and_delete_a_target(client):
    staff = logged_in(client, "canbo.bacninh")
    staff.post(reverse("plan_create"), plan_post(province("24"), t0=founded()))
    plan = Plan.objects.get(title="Kế hoạch phát triển HTX giai đoạn 2026–2030")
    target, task = plan.targets.get(), plan.tasks.get()
    page = staff.get(reverse("plan_update", args=[plan.pk]))
    assert page.status_code == 200 and "Thành lập mới 150 HTX" in page.content.decode()
    data = {
        **plan_post(province("24")),
        **management("targets", 1, initial=1),
        **{f"targets-0-{k}": v for k, v in founded(value="160").items()},
        "targets-0-id": target.pk,
        **management("tasks", 1, initial=1),
        "tasks-0-id": task.pk,
        "tasks-0-title": task.title,
        "tasks-0-wording": task.wording,
        "tasks-0-DELETE": "on",
    }
    assert staff.post(reverse("plan_update", args=[plan.pk]), data).status_code == 302
    target.refresh_from_db()
    assert target.value == 160 and not plan.tasks.exists()
    assert target.history.count() == 2


def test_scope_staff_cannot_edit_national_or_other_provinces_plans_and_leaders_write_nothing(client):
    national = Plan.objects.filter(area__level="nation").first()
    other = Plan.objects.exclude(area__in=AdminUnit.objects.inside(province("24"))).exclude(area__level="nation")[0]
    staff = logged_in(client, "canbo.bacninh")
    if national:
        assert staff.get(reverse("plan_update", args=[national.pk])).status_code == 403  # they read it
    assert staff.get(reverse("plan_update", args=[other.pk])).status_code == 404
    # The area picker offers only places inside Bắc Ninh.
    areas = staff.get(reverse("plan_create")).context["form"].fields["area"].queryset
    assert province("24") in areas and province("25") not in areas
    response = staff.post(reverse("plan_create"), plan_post(province("25"), t0=founded()))
    assert "area" in response.context["form"].errors
    leader = logged_in(client, "lanhdao.bacninh")
    assert leader.get(reverse("plan_create")).status_code == 403
    assert leader.post(reverse("plan_create"), plan_post(province("24"), t0=founded())).status_code == 403
    assert not Plan.objects.filter(title="Kế hoạch phát triển HTX giai đoạn 2026–2030").exists()


def test_editors_find_the_form_from_the_overview_and_the_plan(client):
    staff = logged_in(client, "canbo.bacninh")
    assert reverse("plan_create") in staff.get(reverse("overview")).content.decode()
    own = Plan.objects.filter(area=province("24", "63")).first() or Plan.objects.filter(area=province("24")).first()
    assert reverse("plan_update", args=[own.pk]) in staff.get(own.get_absolute_url()).content.decode()
    leader = logged_in(client, "lanhdao.bacninh")
    assert reverse("plan_create") not in leader.get(reverse("overview")).content.decode()


def test_an_admin_enters_a_plan_about_a_place_the_document_does_not_name(client):
    admin = logged_in(client, "admin")
    data = {**plan_post(province("24")), "area": "", "area_label": "Một xã (văn bản không nêu tên)"}
    assert admin.post(reverse("plan_create"), data).status_code == 302
    plan = Plan.objects.get(title="Kế hoạch phát triển HTX giai đoạn 2026–2030")
    assert (plan.area, plan.place) == (None, "Một xã (văn bản không nêu tên)")
    assert plan.is_editable_by(User.objects.get(username="admin"))
    assert not plan.is_editable_by(User.objects.get(username="canbo.bacninh"))


def test_a_plan_needs_a_place_or_the_documents_words_for_it(client):
    admin = logged_in(client, "admin")
    response = admin.post(reverse("plan_create"), {**plan_post(province("24")), "area": ""})
    assert "area" in response.context["form"].errors
    staff = logged_in(client, "canbo.bacninh")
    data = {**plan_post(province("24")), "area": "", "area_label": "Một huyện"}
    assert "area" in staff.post(reverse("plan_create"), data).context["form"].errors  # staff plan for their province


def test_on_a_new_install_the_first_admin_enters_a_national_plan_on_the_shipped_catalogue(client, monkeypatch):
    """Nothing but `migrate` (the provinces, the catalogue) and `createsuperuser`."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "quan-tri-dau-tien-2026")
    call_command("createsuperuser", username="quantri", email="qt@example.org", interactive=False, verbosity=0)
    admin = User.objects.get(username="quantri")
    assert (admin.role, admin.province, admin.can_edit_registry) == (User.Role.ADMIN, None, True)
    client.force_login(admin)
    nation = AdminUnit.objects.get(level=AdminUnit.Level.NATION)
    active = founded(wording="Cả nước có 40.000 HTX đang hoạt động", period="year", year_from="2026", year_to="2026")
    active.update(indicator=Indicator.objects.get(code="htx_active").pk, value="40.000")
    response = client.post(reverse("plan_create"), plan_post(nation, t0=active))
    assert response.status_code == 302
    target = Plan.objects.get(title="Kế hoạch phát triển HTX giai đoạn 2026–2030").targets.get()
    assert (target.area, target.indicator.code, target.value) == (nation, "htx_active", 40000)


def area_select(html) -> str:
    return re.search(r'<select name="area"[^>]*>(.*?)</select>', html, re.S).group(0)


def test_the_area_list_starts_with_the_account_s_province_then_its_old_provinces_then_districts(client):
    html = area_select(logged_in(client, "canbo.bacninh").get(reverse("plan_create")).content.decode())
    assert "data-searchable" in html
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    labels = [unescape(label) for label, _options in groups]
    assert labels[:2] == ["Tỉnh/thành phố của tài khoản", "Các tỉnh cũ hợp thành (trước 1/7/2025)"]
    assert re.findall(r">([^<]+)</option>", groups[0][1]) == ["Tỉnh Bắc Ninh"]
    assert [unescape(n) for n in re.findall(r">([^<]+)</option>", groups[1][1])] == [
        "Tỉnh Bắc Giang (cũ)",
        "Tỉnh Bắc Ninh (cũ)",
    ]
    assert labels[2:] == ["Quận/huyện của Tỉnh Bắc Giang (cũ)", "Quận/huyện của Tỉnh Bắc Ninh (cũ)"]
    yen_the = AdminUnit.objects.get(level="district", structure="63", full_name="Huyện Yên Thế")
    assert f'<option value="{yen_the.pk}">Huyện Yên Thế (không còn từ 1/7/2025)</option>' in unescape(html)


def test_for_an_admin_the_nation_comes_first_then_today_s_provinces_then_the_old_ones(client):
    html = area_select(logged_in(client, "admin").get(reverse("plan_create")).content.decode())
    labels = [unescape(label) for label in re.findall(r'<optgroup label="([^"]+)">', html)]
    assert labels[:3] == ["Toàn quốc", "Tỉnh/thành phố (từ 1/7/2025)", "Tỉnh/thành phố cũ (trước 1/7/2025)"]
    assert len(labels) == 3 + 63  # the districts of each old province


def test_saved_numbers_and_dates_come_back_as_they_were_typed(client):
    staff = logged_in(client, "canbo.bacninh")
    revenue = founded(
        wording="Doanh thu bình quân đạt 65.000.000 đồng",
        indicator=Indicator.objects.get(code="htx_average_revenue").pk,
        period="year",
        year_from="2026",
        year_to="2026",
        value="65.000.000",
        deadline="30/09/2026",
    )
    data = plan_post(province("24"), t0=founded(value="60"), t1=revenue)
    data["document_date"] = "15/03/2026"
    assert staff.post(reverse("plan_create"), data).status_code == 302
    plan = Plan.objects.get(title="Kế hoạch phát triển HTX giai đoạn 2026–2030")
    assert plan.document_date == datetime.date(2026, 3, 15)
    assert plan.targets.get(indicator__code="htx_average_revenue").deadline == datetime.date(2026, 9, 30)
    html = staff.get(reverse("plan_update", args=[plan.pk])).content.decode()
    for shown in ('value="60"', 'value="65.000.000"', 'value="30/09/2026"', 'value="15/03/2026"'):
        assert shown in html
    assert "60.0000" not in html and "65000000" not in html
