"""Admins define indicators in the browser: names, unit, count noun, what is measured, and the
rule's own parameters as fields; a bad combination is refused in Vietnamese; a preview computes
the unsaved indicator for a place and year; saving one that targets use recomputes them; one in
use cannot be deleted."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import User
from cooperatives.models import AdminUnit, Organisation
from plans.models import Indicator, Progress, Target
from plans.tasks import recompute_indicator_progress
from tests.factories import province

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    client.force_login(User.objects.get(username="admin"))
    return client


def indicator_post(**changes):
    data = {
        "name_vi": "Số THT đang hoạt động cuối năm (thử)",
        "name_en": "THT active at the end of the year (test)",
        "code": "",
        "method": "derived",
        "rule": "active",
        "unit": "count",
        "count_noun": "THT",
        "shape": "",
        "description": "Tổ hợp tác thành lập đến hết năm, chưa ngừng hoạt động.",
        "param_kinds": ["tht"],
        "preview_area": "",
        "preview_year": "",
        "preview_denominator": "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_the_list_shows_the_catalogue_and_how_many_targets_read_each(admin):
    response = admin.get(reverse("indicator_list"), {"q": "thành lập mới"})
    rows = {row.record.code: row.record.in_use for row in response.context["table"].page.object_list}
    assert rows["htx_founded"] == Target.objects.filter(indicator__code="htx_founded").count() > 0
    assert "htx_average_revenue" not in rows
    assert "Số HTX thành lập mới" in response.content.decode()


def test_an_admin_defines_a_derived_indicator_with_its_rule_s_parameters(admin):
    response = admin.post(reverse("indicator_create"), indicator_post())
    assert response.status_code == 302
    made = Indicator.objects.get(name_en="THT active at the end of the year (test)")
    assert (made.code, made.rule, made.rule_params, made.shape) == (
        "tht_active_at_the_end_of_the_year_test",
        "active",
        {"kind": "tht"},  # one kind: stored as the catalogue spells it
        "level",  # the rule's own shape
    )
    two_kinds = admin.post(
        reverse("indicator_create"),
        indicator_post(
            name_en="HTX and THT", code="htx_tht_active", param_kinds=["htx", "tht"], param_sectors=["transport"]
        ),
    )
    assert two_kinds.status_code == 302
    assert Indicator.objects.get(code="htx_tht_active").rule_params == {"kinds": ["htx", "tht"], "sector": "transport"}


def test_parameters_of_another_rule_left_on_the_page_are_not_stored(admin):
    admin.post(
        reverse("indicator_create"),
        indicator_post(code="tht_active_x", param_levels=["good"], param_action="trade_fair"),
    )
    assert Indicator.objects.get(code="tht_active_x").rule_params == {"kind": "tht"}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (dict(rule="rating_share", param_kinds=None), "param_levels", "Cần chọn: Mức xếp loại."),
        (
            dict(rule="rating_share", param_kinds=None, param_levels=["unrated"]),
            "param_levels",
            "HTX chưa xếp loại không nằm trong mẫu số",
        ),
        (
            dict(
                rule="support_actions",
                param_action="trade_fair",
                param_distinct_organisations="on",
                param_distinct_communes="on",
            ),
            "param_distinct_communes",
            "Chọn một cách đếm",
        ),
        (dict(rule="size_count", param_kinds=None), "param_min_band", "Chọn quy mô từ"),
        (dict(rule="founded", shape="share", unit="percent"), "shape", "Quy tắc này cho số phát sinh trong kỳ."),
    ],
)
def test_a_bad_combination_is_refused_on_its_field_in_vietnamese_and_nothing_is_saved(admin, changes, field, words):
    before = Indicator.objects.count()
    response = admin.post(reverse("indicator_create"), indicator_post(**changes))
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert Indicator.objects.count() == before


def test_the_preview_computes_the_unsaved_indicator_for_a_place_and_year_and_saves_nothing(admin):
    place = province("24")
    before = Indicator.objects.count()
    response = admin.post(
        reverse("indicator_create"),
        indicator_post(param_kinds=["htx"], preview="1", preview_area=place.pk, preview_year="2024"),
    )
    assert response.status_code == 200 and Indicator.objects.count() == before
    preview = response.context["preview"]
    active = Organisation.objects.in_place(place).cooperatives().active_on(datetime.date(2024, 12, 31))
    assert preview.error == "" and preview.measure.value == active.count() > 10
    assert preview.counted == active.count() and len(preview.rows) == 10
    assert {row.pk for row in preview.rows} <= set(active.values_list("pk", flat=True))
    html = response.content.decode()
    assert "data-preview-value" in html and preview.rows[0].name in html


def test_the_preview_of_a_share_shows_its_numerator_and_denominator(admin):
    old_bac_giang = AdminUnit.objects.get(structure="63", level="province", code="24")
    share = indicator_post(
        rule="rating_share", param_kinds=None, param_levels=["good", "fair"], unit="percent", count_noun=""
    )
    response = admin.post(
        reverse("indicator_create"),
        {
            **share,
            "preview": "1",
            "preview_area": old_bac_giang.pk,
            "preview_year": "2025",
            "preview_denominator": "rated_htx",
        },
    )
    preview = response.context["preview"]
    stored = Progress.objects.get(target__wording__contains="tỷ lệ HTX xếp loại khá trở lên đạt trên 50%")
    assert (preview.measure.numerator, preview.measure.denominator) == (stored.numerator, stored.denominator)
    assert "được xếp loại" in preview.denominator_label
    assert "data-preview-denominator" in response.content.decode()


def test_a_preview_that_cannot_be_computed_says_why(admin):
    response = admin.post(
        reverse("indicator_create"),
        indicator_post(preview="1", preview_denominator="rated_htx"),  # a count has no denominator
    )
    assert "không tính trên mẫu số" in response.context["preview"].error


def test_the_form_of_a_catalogue_indicator_starts_with_its_parameters(admin):
    indicator = Indicator.objects.get(code="htx_consolidated_in_communes")
    form = admin.get(reverse("indicator_update", args=[indicator.pk])).context["form"]
    assert form["param_action"].value() == "consolidation"
    assert form["param_kinds"].value() == ["htx"]
    assert form["param_communes_only"].value() is True


def test_saving_an_indicator_that_targets_use_recomputes_them(admin, django_capture_on_commit_callbacks):
    weak = Indicator.objects.get(code="htx_weak_share")
    target = Target.objects.get(indicator=weak)
    before = Progress.objects.get(target=target).numerator
    post = indicator_post(
        name_vi=weak.name_vi,
        name_en=weak.name_en,
        code=weak.code,
        rule="rating_share",
        unit="percent",
        count_noun="",
        shape="share",
        param_kinds=None,
        param_levels=["weak", "average"],
    )
    with django_capture_on_commit_callbacks() as queued:
        assert admin.post(reverse("indicator_update", args=[weak.pk]), post).status_code == 302
    assert len(queued) == 1  # recompute_indicator_progress, after the commit
    weak.refresh_from_db()
    assert weak.rule_params == {"levels": ["weak", "average"]}
    assert recompute_indicator_progress(weak.pk) == 1
    assert Progress.objects.get(target=target).numerator > before


def test_an_indicator_in_use_cannot_be_deleted_and_one_unused_can(admin):
    used = Indicator.objects.get(code="htx_founded")
    response = admin.post(reverse("indicator_delete", args=[used.pk]))
    assert response.status_code == 409 and "không xóa được" in response.content.decode()
    assert Indicator.objects.filter(pk=used.pk).exists()
    unused = Indicator.objects.get(code="htx_size_large")
    assert admin.post(reverse("indicator_delete", args=[unused.pk])).status_code == 302
    assert not Indicator.objects.filter(pk=unused.pk).exists()


def test_a_manual_indicator_is_created_the_same_way_with_no_rule(admin):
    post = indicator_post(
        name_vi="Số km kênh mương được kiên cố hóa (thử)",
        name_en="Canals lined (test)",
        code="canals_lined_test",
        method="manual",
        unit="km",
        count_noun="",
        shape="flow",
        param_levels=["good"],
    )
    assert admin.post(reverse("indicator_create"), post).status_code == 302
    made = Indicator.objects.get(code="canals_lined_test")
    assert (made.method, made.rule, made.rule_params, made.unit) == ("manual", "", {}, "km")


def test_a_target_may_use_only_a_denominator_its_indicator_allows(admin):
    from tests.plans.test_plan_form import founded, plan_post

    share = founded(indicator=Indicator.objects.get(code="htx_effective_share").pk, denominator="key_officers")
    response = admin.post(reverse("plan_create"), plan_post(province("24"), t0=share))
    assert response.status_code == 200
    errors = response.context["targets"].forms[0].errors["denominator"]
    assert "không tính trên mẫu số “Cán bộ chủ chốt của HTX nông nghiệp”" in " ".join(errors)
