"""The demo's plans say what their articles say: one test per sentence of the five source articles.

Each case quotes the sentence as the domain primer's table or issue 11 gives it (in Vietnamese
where they quote the article, else the primer's summary) and asserts how it is stored: target,
reported result or task; indicator and rule; comparator, value, period, years, deadline,
denominator. Nothing here reads a computed figure, so the rules may change underneath.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.models import User
from plans.models import EnteredValue, Indicator, Plan, ReportedResult, Target, Task

pytestmark = pytest.mark.django_db

Y, EVERY, TERM = Target.Period.YEAR, Target.Period.EVERY_YEAR, Target.Period.TERM
C, M, DEN = Target.Comparator, Target.Measure, Target.Denominator
BILLION = Decimal(1_000_000_000)
BAC_GIANG_TERM = (2020, 2025)


@dataclass(frozen=True)
class Reads:
    """A target as its sentence reads."""

    said: str  # the sentence, as the primer or the issue gives it
    wording: str  # the target's stored wording
    indicator: str
    comparator: str
    value: Decimal | int
    period: str
    years: tuple[int, int]
    high: Decimal | int | None = None
    measure: str = M.LEVEL
    denominator: str = ""
    deadline: datetime.date | None = None


TARGETS = [
    # Hà Nội, article 15/08/2019 (the consolidation sentence has its own test below)
    Reads(
        "over 95% of communes recognised as NTM standard by 2020",
        "Trên 95% số xã được công nhận đạt chuẩn nông thôn mới",
        "ntm_commune_share",
        C.ABOVE,
        95,
        Y,
        (2020, 2020),
        denominator=DEN.COMMUNES,
    ),
    # Bắc Giang, Alliance congress, term 2020–2025
    Reads(
        "at least 50 new HTX every year",
        "Hàng năm thành lập mới ít nhất 50 HTX",
        "htx_founded",
        C.AT_LEAST,
        50,
        EVERY,
        BAC_GIANG_TERM,
    ),
    Reads(
        "tăng số THT mới từ 8–10%",
        "Hàng năm tăng số THT mới từ 8–10%",
        "tht_founded",
        C.BETWEEN,
        8,
        EVERY,
        BAC_GIANG_TERM,
        high=10,
        measure=M.GROWTH_PCT,
    ),
    Reads(
        "found 2–3 new unions over the term",
        "Thành lập mới từ 2–3 Liên hiệp HTX trong nhiệm kỳ",
        "union_founded",
        C.BETWEEN,
        2,
        TERM,
        BAC_GIANG_TERM,
        high=3,
    ),
    Reads(
        "HTX rated khá or better above 50% by end of term",
        "Đến cuối nhiệm kỳ, tỷ lệ HTX xếp loại khá trở lên đạt trên 50%",
        "htx_effective_share",
        C.ABOVE,
        50,
        TERM,
        BAC_GIANG_TERM,
        denominator=DEN.RATED_HTX,
    ),
    Reads(
        "weak HTX below 9%",
        "Đến cuối nhiệm kỳ, HTX xếp loại yếu dưới 9%",
        "htx_weak_share",
        C.BELOW,
        9,
        TERM,
        BAC_GIANG_TERM,
        denominator=DEN.RATED_HTX,
    ),
    Reads(
        "3–5 new-model HTX in value chains every year",
        "Hàng năm xây dựng từ 3–5 HTX kiểu mới gắn với chuỗi giá trị",
        "new_model_htx",
        C.BETWEEN,
        3,
        EVERY,
        BAC_GIANG_TERM,
        high=5,
    ),
    Reads(
        "at least 50% of agricultural HTX linked with enterprises by end of term",
        "Đến cuối nhiệm kỳ, ít nhất 50% HTX nông nghiệp liên kết với doanh nghiệp",
        "htx_agri_linked_share",
        C.AT_LEAST,
        50,
        TERM,
        BAC_GIANG_TERM,
        denominator=DEN.AGRICULTURAL_HTX,
    ),
    Reads(
        "100% số cán bộ chủ chốt HTX nông nghiệp tham gia ít nhất một khóa tập huấn",
        "100% số cán bộ chủ chốt HTX nông nghiệp tham gia ít nhất một khóa tập huấn",
        "key_officers_trained_share",
        C.AT_LEAST,
        100,
        TERM,
        BAC_GIANG_TERM,
        denominator=DEN.KEY_OFFICERS,
    ),
    Reads(
        "admit 30 member units every year",
        "Mỗi năm kết nạp 30 đơn vị thành viên",
        "alliance_members_admitted",
        C.AT_LEAST,
        30,
        EVERY,
        BAC_GIANG_TERM,
    ),
    Reads(
        "at least 80% of effective HTX are Alliance members by end of term",
        "Đến cuối nhiệm kỳ, ít nhất 80% HTX hoạt động hiệu quả là thành viên Liên minh HTX tỉnh",
        "effective_htx_alliance_share",
        C.AT_LEAST,
        80,
        TERM,
        BAC_GIANG_TERM,
        denominator=DEN.EFFECTIVE_HTX,
    ),
    Reads(
        "20 lượt HTX được hỗ trợ xúc tiến thương mại",
        "Hàng năm có ít nhất 20 lượt HTX được hỗ trợ xúc tiến thương mại",
        "trade_promotion_turns",
        C.AT_LEAST,
        20,
        EVERY,
        BAC_GIANG_TERM,
    ),
    Reads(
        "50–80 lượt HTX tham gia hội chợ",
        "Hàng năm có 50–80 lượt HTX tham gia hội chợ",
        "trade_fair_turns",
        C.BETWEEN,
        50,
        EVERY,
        BAC_GIANG_TERM,
        high=80,
    ),
    Reads(
        "about 250 loan projects from the provincial HTX Development Support Fund over the term",
        "Quỹ hỗ trợ phát triển HTX cho vay khoảng 250 dự án trong nhiệm kỳ",
        "fund_loan_projects",
        C.ABOUT,
        250,
        TERM,
        BAC_GIANG_TERM,
    ),
    # Bắc Giang, NTM 2020
    Reads(
        "23 more communes at NTM standard",
        "Có thêm 23 xã đạt chuẩn nông thôn mới",
        "ntm_communes_new",
        C.AT_LEAST,
        23,
        Y,
        (2020, 2020),
    ),
    Reads(
        "8 more advanced",
        "Có thêm 8 xã đạt chuẩn nông thôn mới nâng cao",
        "ntm_advanced_communes_new",
        C.AT_LEAST,
        8,
        Y,
        (2020, 2020),
    ),
    Reads(
        "58 model villages",
        "58 thôn đạt chuẩn khu dân cư nông thôn mới kiểu mẫu",
        "ntm_model_villages_new",
        C.AT_LEAST,
        58,
        Y,
        (2020, 2020),
    ),
    Reads(
        "start 298 remaining works",
        "Khởi công mới 298 công trình còn lại",
        "ntm_works_started",
        C.AT_LEAST,
        298,
        Y,
        (2020, 2020),
    ),
    Reads(
        "disburse at least 60% of capital by 30/9/2020 (a deadline inside the year)",
        "Giải ngân tối thiểu 60% kế hoạch vốn đến hết 30/9/2020",
        "ntm_capital_disbursed_share",
        C.AT_LEAST,
        60,
        Y,
        (2020, 2020),
        denominator=DEN.ALLOCATED_CAPITAL,
        deadline=datetime.date(2020, 9, 30),
    ),
    Reads(
        "Khoảng trên 947 tỷ đồng",
        "Huy động khoảng trên 947 tỷ đồng",
        "ntm_capital_mobilised",
        C.AT_LEAST,  # a floor, not "≈": "about" 947 would be met from 899.65 bn
        947 * BILLION,
        Y,
        (2020, 2020),
    ),
    Reads(
        "19 value-chain projects (2 done, 10 under way, 7 in the winter crop)",
        "Thực hiện 19 dự án liên kết chuỗi giá trị (2 dự án đã hoàn thành, 10 dự án đang triển khai, 7 dự án trong "
        "vụ đông)",
        "value_chain_projects",
        C.AT_LEAST,
        19,
        Y,
        (2020, 2020),
    ),
    Reads(
        "12 products with IP and traceable labels (3 done, 9 under way)",
        "12 sản phẩm được bảo hộ sở hữu trí tuệ, dán tem truy xuất nguồn gốc (3 đã hoàn thành, 9 đang thực hiện)",
        "traceable_products",
        C.AT_LEAST,
        12,
        Y,
        (2020, 2020),
    ),
    Reads(
        "106 km of rural roads",
        "106 km đường giao thông nông thôn",
        "rural_roads_km",
        C.AT_LEAST,
        106,
        Y,
        (2020, 2020),
    ),
    Reads(
        "cứng hóa trên 17 km",
        "Cứng hóa trên 17 km kênh mương",
        "canals_km",
        C.ABOVE,  # "trên": strict
        17,
        Y,
        (2020, 2020),
    ),
    Reads("132 cultural houses", "132 nhà văn hóa", "cultural_houses", C.AT_LEAST, 132, Y, (2020, 2020)),
    Reads("43 sports works", "43 công trình thể thao", "sports_works", C.AT_LEAST, 43, Y, (2020, 2020)),
    Reads("85 waste collection points", "85 điểm tập kết rác thải", "waste_points", C.AT_LEAST, 85, Y, (2020, 2020)),
    Reads("63 nghĩa trang", "63 nghĩa trang", "cemeteries", C.AT_LEAST, 63, Y, (2020, 2020)),
    Reads("217 classrooms", "217 phòng học", "classrooms", C.AT_LEAST, 217, Y, (2020, 2020)),
    # Hòa Bình, plan for 2022
    Reads("35 new HTX", "Thành lập mới 35 HTX", "htx_founded", C.AT_LEAST, 35, Y, (2022, 2022)),
    Reads("10 new THT", "Thành lập mới 10 THT", "tht_founded", C.AT_LEAST, 10, Y, (2022, 2022)),
    Reads("consolidate 30 HTX", "Củng cố 30 HTX", "htx_consolidated", C.AT_LEAST, 30, Y, (2022, 2022)),
    Reads(
        "average revenue per HTX +6–8%",
        "Doanh thu bình quân của HTX tăng từ 6–8%",
        "htx_average_revenue",
        C.BETWEEN,
        6,
        Y,
        (2022, 2022),
        high=8,
        measure=M.GROWTH_PCT,
    ),
    Reads(
        "members' income +6% on average",
        "Thu nhập của thành viên HTX tăng bình quân 6%",
        "member_average_income",
        C.AT_LEAST,
        6,
        Y,
        (2022, 2022),
        measure=M.GROWTH_PCT,
    ),
    Reads(
        "households, individuals and other organisations as members of HTX/THT +10%",
        "Số hộ gia đình, cá nhân, tổ chức khác tham gia làm thành viên HTX, THT tăng 10%",
        "members_total",
        C.AT_LEAST,
        10,
        Y,
        (2022, 2022),
        measure=M.GROWTH_PCT,
    ),
    Reads(
        "share of HTX small or larger +4 points",
        "Tỷ lệ HTX quy mô nhỏ trở lên tăng thêm 4%",
        "htx_small_or_larger_share",
        C.AT_LEAST,
        4,
        Y,
        (2022, 2022),
        measure=M.CHANGE_PP,
        denominator=DEN.ACTIVE_HTX,
    ),
    Reads(
        "train 500 manager-turns",
        "Đào tạo, bồi dưỡng 500 lượt cán bộ quản lý HTX",
        "manager_training_turns",
        C.AT_LEAST,
        500,
        Y,
        (2022, 2022),
    ),
    Reads(
        "build 15–20 exemplary advanced HTX applying high technology and linked to sales",
        "Xây dựng từ 15–20 HTX điển hình tiên tiến ứng dụng công nghệ cao, liên kết tiêu thụ sản phẩm",
        "exemplary_htx",
        C.BETWEEN,
        15,
        Y,
        (2022, 2022),
        high=20,
    ),
    Reads(
        "70% of HTX operating effectively",
        "70% HTX hoạt động hiệu quả",
        "htx_effective_share",
        C.AT_LEAST,
        70,
        Y,
        (2022, 2022),
        denominator=DEN.RATED_HTX,
    ),
]


def stored(wording) -> Target:
    return Target.objects.select_related("indicator", "plan", "area").get(wording=wording)


@pytest.mark.parametrize("reads", TARGETS, ids=[reads.said for reads in TARGETS])
def test_each_target_sentence_is_stored_as_it_reads(reads):
    target = stored(reads.wording)
    assert target.indicator.code == reads.indicator
    assert (target.comparator, target.value, target.value_high) == (
        reads.comparator,
        Decimal(reads.value),
        None if reads.high is None else Decimal(reads.high),
    )
    assert (target.period, target.year_from, target.year_to) == (reads.period, *reads.years)
    assert (target.measure, target.denominator, target.deadline) == (reads.measure, reads.denominator, reads.deadline)
    assert target.baseline_year is None and target.baseline_value is None  # growth: against the year before
    assert target.area == target.plan.area


def test_every_target_of_the_demo_is_one_of_the_sentences():
    told = {reads.wording for reads in TARGETS} | {
        f"{HA_NOI} — số HTX ở xã được củng cố",
        f"{HA_NOI} — số xã có HTX được củng cố",
    }
    assert set(Target.objects.values_list("wording", flat=True)) == told


# Hà Nội ------------------------------------------------------------------------------------

HA_NOI = "Củng cố 50 HTX tại 50 xã xây dựng NTM và NTM nâng cao"


def test_ha_noi_consolidation_checks_both_conditions_50_htx_in_xa_and_50_xa():
    """ "củng cố 50 HTX tại 50 xã xây dựng NTM và NTM nâng cao": two conditions, two targets,
    counting only xã (a phường or thị trấn cannot be an NTM commune)."""
    htx, communes = stored(f"{HA_NOI} — số HTX ở xã được củng cố"), stored(f"{HA_NOI} — số xã có HTX được củng cố")
    for target in (htx, communes):
        assert (target.comparator, target.value, target.period, target.year_from) == (C.AT_LEAST, 50, Y, 2020)
        assert (target.area.structure, target.area.code) == ("63", "01")
        assert "phường, thị trấn" in target.note
    assert htx.indicator.rule_params == {
        "action": "consolidation",
        "kind": "htx",
        "distinct_organisations": True,
        "communes_only": True,
    }
    assert communes.indicator.rule_params == {
        "action": "consolidation",
        "kind": "htx",
        "distinct_communes": True,
        "communes_only": True,
    }
    assert (htx.indicator.count_noun, communes.indicator.count_noun) == ("HTX", "xã")


# Turns and officers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wording", "action"),
    [
        ("Hàng năm có ít nhất 20 lượt HTX được hỗ trợ xúc tiến thương mại", "trade_promotion"),
        ("Hàng năm có 50–80 lượt HTX tham gia hội chợ", "trade_fair"),
    ],
)
def test_a_luot_is_a_turn_summed_over_actions_not_an_htx_counted_once(wording, action):
    """ "20 lượt HTX…", "50–80 lượt HTX…": every turn counts, a place's event by the HTX that took part."""
    indicator = stored(wording).indicator
    assert indicator.rule == Indicator.Rule.SUPPORT_ACTIONS
    assert indicator.rule_params == {"action": action}  # no distinct_organisations: the sum of the counts
    assert indicator.count_noun == "lượt HTX"
    assert "Lượt" in stored(wording).note


def test_officers_trained_are_counted_over_officers_not_over_htx():
    """ "100% số cán bộ chủ chốt HTX nông nghiệp tham gia ít nhất một khóa tập huấn" """
    target = stored("100% số cán bộ chủ chốt HTX nông nghiệp tham gia ít nhất một khóa tập huấn")
    assert target.indicator.rule == Indicator.Rule.OFFICERS_TRAINED_SHARE
    assert target.indicator.shape == Indicator.Shape.SHARE
    assert target.denominator == DEN.KEY_OFFICERS


def test_a_sentence_read_one_way_says_the_other_in_its_note():
    """ "tăng số THT mới từ 8–10%": new THT growing, or all THT growing."""
    note = stored("Hàng năm tăng số THT mới từ 8–10%").note
    assert "thành lập mới" in note and "Cách đọc khác: tổng số THT" in note
    assert "≈" in stored("Huy động khoảng trên 947 tỷ đồng").note


def test_63_cemeteries_get_no_verb_the_article_does_not_use():
    """ "63 nghĩa trang" """
    target = stored("63 nghĩa trang")
    assert target.indicator.name_vi == "Số nghĩa trang"
    for verb in ("quy hoạch", "cải tạo", "xây"):
        assert verb not in target.wording.lower() and verb not in target.indicator.name_vi.lower()


# Tasks -------------------------------------------------------------------------------------

TASKS = [
    ("value-chain linkages between cooperative organisations", "Kế hoạch 28/KH-UBND", "Liên kết chuỗi giá trị"),
    ("high-tech production clusters", "Kế hoạch 28/KH-UBND", "công nghệ cao"),
    ("form new unions of cooperatives", "Kế hoạch 28/KH-UBND", "Thành lập mới Liên hiệp HTX"),
    ("inspect and replicate effective models", "Kế hoạch 28/KH-UBND", "nhân rộng"),
    ("consolidate existing unions", "Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang", "Liên hiệp HTX hiện có"),
    ("Đề xuất UBND tỉnh nâng vốn Quỹ… lên 30 tỷ đồng", "Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang", "30 tỷ"),
    (
        "a dialogue conference between provincial leaders and HTX every two years",
        "Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang",
        "đối thoại",
    ),
    ("Bắc Giang's product centre", "Xây dựng nông thôn mới tỉnh Bắc Giang năm 2020", "Trung tâm sản phẩm"),
    ("its two districts reaching NTM", "Xây dựng nông thôn mới tỉnh Bắc Giang năm 2020", "Hai huyện"),
]


@pytest.mark.parametrize(("said", "plan", "title"), TASKS, ids=[said for said, _, _ in TASKS])
def test_each_task_sentence_is_a_task_with_no_status_it_was_not_given(said, plan, title):
    task = Task.objects.get(plan__title__startswith=plan, title__contains=title)
    assert task.status == Task.Status.NOT_REPORTED
    assert task.status_updated_on is None


def test_hau_giang_holds_tasks_and_no_number():
    plan = Plan.objects.get(document_number="28/KH-UBND")
    assert not plan.targets.exists() and not plan.results.exists()
    assert plan.tasks.count() == 4
    assert (plan.document_date, plan.first_year, plan.last_year) == (datetime.date(2021, 2, 4), 2021, 2025)


def test_the_fund_s_30_billion_is_a_task_to_propose_not_a_target():
    """ "Đề xuất UBND tỉnh nâng vốn Quỹ… lên 30 tỷ đồng" is the Alliance's commitment to propose."""
    assert not Target.objects.filter(indicator__code="support_fund_capital").exists()
    task = Task.objects.get(title__contains="30 tỷ đồng")
    assert task.wording.startswith("Đề xuất UBND tỉnh nâng vốn Quỹ")


# The district: reported results ------------------------------------------------------------

RESULTS = [
    ("Kết quả đến nay… thành lập được 15 HTX…", "Thành lập được 15 HTX", "htx_founded", 15),
    ("15 HTX founded, 10 of them agricultural", "Trong đó 10 HTX nông nghiệp", "htx_agri_founded", 10),
    ("02 khá", "HTX nông nghiệp xếp loại khá: 02", "htx_agri_rated_fair", 2),
    ("1 trung bình", "HTX nông nghiệp xếp loại trung bình: 01", "htx_agri_rated_average", 1),
    ("2 yếu", "HTX nông nghiệp xếp loại yếu: 02", "htx_agri_rated_weak", 2),
    (
        "the rest unrated (founded 2019)",
        "Số HTX nông nghiệp còn lại chưa xếp loại (mới thành lập năm 2019)",
        "htx_agri_unrated",
        5,
    ),
]


@pytest.mark.parametrize(("said", "wording", "indicator", "value"), RESULTS, ids=[said for said, *_ in RESULTS])
def test_each_district_sentence_is_a_reported_result_not_a_target(said, wording, indicator, value):
    result = ReportedResult.objects.select_related("plan", "indicator").get(wording=wording)
    assert (result.indicator.code, result.value, result.unit) == (indicator, Decimal(value), "HTX")
    assert result.plan.document_number == "05-NQ/HU"
    assert result.as_of is None  # the resolution dates none of its figures
    assert not hasattr(result, "status")


def test_the_districts_ratings_are_one_level_each_and_the_unrated_are_counted():
    """ "02 khá" is not "khá trở lên"; the trung bình, yếu and unrated HTX are results of their own."""
    levels = {
        result.indicator.code: result.indicator.rule_params["levels"]
        for result in ReportedResult.objects.filter(plan__document_number="05-NQ/HU", indicator__rule="rated_count")
    }
    assert levels == {
        "htx_agri_rated_fair": ["fair"],
        "htx_agri_rated_average": ["average"],
        "htx_agri_rated_weak": ["weak"],
        "htx_agri_unrated": ["unrated"],
    }
    values = ReportedResult.objects.filter(plan__document_number="05-NQ/HU").values_list("value", flat=True)
    assert sum(values[2:]) == values[1]  # 2 + 1 + 2 + 5 = the 10 agricultural HTX


def test_the_district_is_a_place_the_source_does_not_name_and_no_province_counts_it():
    plan = Plan.objects.get(document_number="05-NQ/HU")
    assert plan.area is None and "không nêu tên" in plan.area_label
    assert (plan.first_year, plan.last_year) == (2016, 2020)
    assert not plan.targets.exists() and "Phụng Hiệp" not in plan.source_reference + plan.title
    assert plan in Plan.objects.visible_to(User.objects.get(username="lanhdao"))
    assert plan not in Plan.objects.visible_to(User.objects.get(username="lanhdao.bacninh"))


# Sources -----------------------------------------------------------------------------------


def test_plans_cite_articles_and_quote_only_the_phrases_the_issue_quotes():
    for plan in Plan.objects.all():
        assert plan.source_reference
        assert "Kế hoạch xây dựng nông thôn mới năm 2020 của UBND" not in plan.source_reference
    assert Plan.objects.get(document_number="05-NQ/HU").source_text.startswith("Kết quả đến nay…")
    assert "củng cố 50 HTX tại 50 xã xây dựng NTM và NTM nâng cao" in Plan.objects.get(area__code="01").source_text


def test_every_entered_value_is_labelled_an_illustration():
    assert set(EnteredValue.objects.values_list("source", flat=True)) == {
        "Số liệu minh họa (bản demo), không phải số liệu của báo cáo nào"
    }
