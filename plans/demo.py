"""The demo's plans: every plan, target, reported result and task of the five source articles.

Each target keeps the Vietnamese wording of its article (`wording`); the fields beside it are
how that wording reads as data, and `note` says why where a phrase could be read otherwise.
The wording is the article's own phrase where the domain primer or issue 11 quotes it (those
phrases, and only those, are the plans' `source_text`), and a faithful Vietnamese rendering of
the primer's summary elsewhere. The articles name old provinces (Bắc Giang 24, Hòa Bình 17,
Hậu Giang 93 and Hà Nội 01 of the 63-province map), so plans and targets point at those units;
the lineage keeps them measurable after 1/7/2025. The district of NQ 05-NQ/HU is not named: its
plan has no area, only the words "a district", and it reports results, not targets.

The hand-entered figures are illustrations (`DEMO_SOURCE`), not any report's. The indicators
the targets read are the shipped catalogue's (plans.catalogue, loaded by `migrate`).
"""

import datetime
from decimal import Decimal

from cooperatives.models import AdminUnit
from plans.models import EnteredValue, Indicator, Plan, ReportedResult, Target, Task

BILLION = Decimal(1_000_000_000)
DEMO_SOURCE = "Số liệu minh họa (bản demo), không phải số liệu của báo cáo nào"

# The shapes of a target sentence, so the table below reads like the documents.
Y, EVERY, TERM = Target.Period.YEAR, Target.Period.EVERY_YEAR, Target.Period.TERM
GTE, GT, LTE, LT, ABOUT, BETWEEN = (
    Target.Comparator.AT_LEAST,
    Target.Comparator.ABOVE,
    Target.Comparator.AT_MOST,
    Target.Comparator.BELOW,
    Target.Comparator.ABOUT,
    Target.Comparator.BETWEEN,
)
LEVEL, GROWTH, PP = Target.Measure.LEVEL, Target.Measure.GROWTH_PCT, Target.Measure.CHANGE_PP
RATED, AGRI, EFFECTIVE, COMMUNES, CAPITAL, OFFICERS = (
    Target.Denominator.RATED_HTX,
    Target.Denominator.AGRICULTURAL_HTX,
    Target.Denominator.EFFECTIVE_HTX,
    Target.Denominator.COMMUNES,
    Target.Denominator.ALLOCATED_CAPITAL,
    Target.Denominator.KEY_OFFICERS,
)
# No article says how its tasks went: until staff report it, none has a status of its own.
UNREPORTED = Task.Status.NOT_REPORTED


def t(
    indicator,
    period,
    comparator,
    value,
    wording,
    *,
    high=None,
    measure=LEVEL,
    denominator="",
    deadline=None,
    years=None,
    note="",
):
    """One target row of the table below; `years` defaults to the plan's years."""
    return dict(
        indicator=indicator,
        period=period,
        comparator=comparator,
        value=Decimal(value),
        value_high=None if high is None else Decimal(high),
        measure=measure,
        denominator=denominator,
        deadline=deadline,
        years=years,
        wording=wording,
        note=note,
    )


def r(indicator, value, unit, wording, *, source, note=""):
    """One reported result: what the document says was done, with no status."""
    return dict(indicator=indicator, value=Decimal(value), unit=unit, wording=wording, source=source, note=note)


HA_NOI_CONSOLIDATION = "Củng cố 50 HTX tại 50 xã xây dựng NTM và NTM nâng cao"
HA_NOI_TWO_CONDITIONS = (
    "Một câu, hai điều kiện, nên là hai mục tiêu: 50 HTX được củng cố và 50 xã có HTX được củng cố. Chỉ tính "
    "HTX ở xã: phường, thị trấn không phải xã xây dựng nông thôn mới."
)
DISTRICT_SOURCE = "Nghị quyết 05-NQ/HU của Huyện ủy (văn bản nguồn không nêu tên huyện)"
DISTRICT_UNDATED = "Văn bản không ghi ngày của số liệu (“kết quả đến nay”, trong giai đoạn 2016–2020)."

PLANS = [
    dict(
        key=("63", "01"),
        issuer="Liên minh HTX thành phố Hà Nội",
        document_number="",
        document_date=None,
        first_year=2020,
        last_year=2020,
        title="Liên minh HTX TP Hà Nội: củng cố HTX gắn với xây dựng nông thôn mới năm 2020",
        source_reference="Bài viết ngày 15/08/2019 về kế hoạch năm 2020 của Liên minh HTX thành phố Hà Nội "
        "(tiêu chí 13 về tổ chức sản xuất trong xây dựng nông thôn mới)",
        source_text="… củng cố 50 HTX tại 50 xã xây dựng NTM và NTM nâng cao …",
        targets=[
            t(
                "htx_consolidated_in_communes",
                Y,
                GTE,
                50,
                f"{HA_NOI_CONSOLIDATION} — số HTX ở xã được củng cố",
                note=HA_NOI_TWO_CONDITIONS,
            ),
            t(
                "communes_with_htx_consolidated",
                Y,
                GTE,
                50,
                f"{HA_NOI_CONSOLIDATION} — số xã có HTX được củng cố",
                note=HA_NOI_TWO_CONDITIONS,
            ),
            t(
                "ntm_commune_share",
                Y,
                GT,
                95,
                "Trên 95% số xã được công nhận đạt chuẩn nông thôn mới",
                denominator=COMMUNES,
            ),
        ],
        tasks=[],
    ),
    dict(
        key=("63", "93"),
        issuer="UBND tỉnh Hậu Giang",
        document_number="28/KH-UBND",
        document_date=datetime.date(2021, 2, 4),
        first_year=2021,
        last_year=2025,
        title="Kế hoạch 28/KH-UBND thực hiện Nghị quyết 134/NQ-CP về phát triển kinh tế tập thể, HTX giai đoạn "
        "2021–2025, định hướng đến năm 2030",
        source_reference="Kế hoạch số 28/KH-UBND ngày 04/02/2021 của UBND tỉnh Hậu Giang thực hiện Nghị quyết "
        "134/NQ-CP; kế hoạch chỉ đề ra nhiệm vụ, không có chỉ tiêu định lượng",
        source_text="",
        targets=[],
        tasks=[
            (
                "Liên kết chuỗi giá trị giữa các tổ chức kinh tế hợp tác",
                "Liên kết theo chuỗi giá trị giữa các tổ chức kinh tế hợp tác.",
            ),
            (
                "Hình thành cụm liên kết sản xuất ứng dụng công nghệ cao",
                "Hình thành các cụm liên kết sản xuất ứng dụng công nghệ cao.",
            ),
            ("Thành lập mới Liên hiệp HTX", "Thành lập mới các Liên hiệp hợp tác xã."),
            (
                "Kiểm tra, nhân rộng mô hình HTX hiệu quả",
                "Kiểm tra, nhân rộng các mô hình hoạt động hiệu quả.",
            ),
        ],
    ),
    dict(
        key=None,
        area_label="Một huyện (văn bản nguồn không nêu tên huyện)",
        issuer="Huyện ủy",
        document_number="05-NQ/HU",
        document_date=None,
        first_year=2016,
        last_year=2020,
        title="Nghị quyết 05-NQ/HU của Huyện ủy, giai đoạn 2016–2020: kết quả thực hiện",
        source_reference=DISTRICT_SOURCE,
        source_text="Kết quả đến nay… thành lập được 15 HTX… 02 khá…",
        targets=[],
        results=[
            r("htx_founded", 15, "HTX", "Thành lập được 15 HTX", source=DISTRICT_SOURCE, note=DISTRICT_UNDATED),
            r("htx_agri_founded", 10, "HTX", "Trong đó 10 HTX nông nghiệp", source=DISTRICT_SOURCE),
            r(
                "htx_agri_rated_fair",
                2,
                "HTX",
                "HTX nông nghiệp xếp loại khá: 02",
                source=DISTRICT_SOURCE,
                note="“02 khá”: xếp loại khá, không phải “khá trở lên”.",
            ),
            r("htx_agri_rated_average", 1, "HTX", "HTX nông nghiệp xếp loại trung bình: 01", source=DISTRICT_SOURCE),
            r("htx_agri_rated_weak", 2, "HTX", "HTX nông nghiệp xếp loại yếu: 02", source=DISTRICT_SOURCE),
            r(
                "htx_agri_unrated",
                5,
                "HTX",
                "Số HTX nông nghiệp còn lại chưa xếp loại (mới thành lập năm 2019)",
                source=DISTRICT_SOURCE,
                note="Văn bản ghi “số còn lại”: 10 − 2 − 1 − 2 = 5 HTX.",
            ),
        ],
        tasks=[],
    ),
    dict(
        key=("63", "24"),
        issuer="Liên minh HTX tỉnh Bắc Giang",
        document_number="",
        document_date=None,
        first_year=2020,
        last_year=2025,
        title="Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang nhiệm kỳ 2020–2025",
        source_reference="Bài viết về Đại hội Liên minh HTX tỉnh Bắc Giang nhiệm kỳ 2020–2025",
        source_text="… tăng số THT mới từ 8–10% … 100% số cán bộ chủ chốt HTX nông nghiệp tham gia ít nhất một khóa "
        "tập huấn … 20 lượt HTX được hỗ trợ xúc tiến thương mại … 50–80 lượt HTX tham gia hội chợ … Đề xuất UBND tỉnh "
        "nâng vốn Quỹ… lên 30 tỷ đồng …",
        targets=[
            t("htx_founded", EVERY, GTE, 50, "Hàng năm thành lập mới ít nhất 50 HTX"),
            t(
                "tht_founded",
                EVERY,
                BETWEEN,
                8,
                "Hàng năm tăng số THT mới từ 8–10%",
                high=10,
                measure=GROWTH,
                note="Đọc là: số THT thành lập mới trong năm tăng 8–10% so với số thành lập mới năm trước. Cách đọc "
                "khác: tổng số THT tăng 8–10% mỗi năm.",
            ),
            t("union_founded", TERM, BETWEEN, 2, "Thành lập mới từ 2–3 Liên hiệp HTX trong nhiệm kỳ", high=3),
            t(
                "htx_effective_share",
                TERM,
                GT,
                50,
                "Đến cuối nhiệm kỳ, tỷ lệ HTX xếp loại khá trở lên đạt trên 50%",
                denominator=RATED,
            ),
            t("htx_weak_share", TERM, LT, 9, "Đến cuối nhiệm kỳ, HTX xếp loại yếu dưới 9%", denominator=RATED),
            t(
                "new_model_htx",
                EVERY,
                BETWEEN,
                3,
                "Hàng năm xây dựng từ 3–5 HTX kiểu mới gắn với chuỗi giá trị",
                high=5,
            ),
            t(
                "htx_agri_linked_share",
                TERM,
                GTE,
                50,
                "Đến cuối nhiệm kỳ, ít nhất 50% HTX nông nghiệp liên kết với doanh nghiệp",
                denominator=AGRI,
            ),
            t(
                "key_officers_trained_share",
                TERM,
                GTE,
                100,
                "100% số cán bộ chủ chốt HTX nông nghiệp tham gia ít nhất một khóa tập huấn",
                denominator=OFFICERS,
                note="Tính trên cán bộ, không trên HTX: số cán bộ chủ chốt đã tập huấn ít nhất một lần trong nhiệm kỳ "
                "trên số cán bộ chủ chốt của các HTX nông nghiệp, theo số liệu năm của HTX.",
            ),
            t("alliance_members_admitted", EVERY, GTE, 30, "Mỗi năm kết nạp 30 đơn vị thành viên"),
            t(
                "effective_htx_alliance_share",
                TERM,
                GTE,
                80,
                "Đến cuối nhiệm kỳ, ít nhất 80% HTX hoạt động hiệu quả là thành viên Liên minh HTX tỉnh",
                denominator=EFFECTIVE,
            ),
            t(
                "trade_promotion_turns",
                EVERY,
                GTE,
                20,
                "Hàng năm có ít nhất 20 lượt HTX được hỗ trợ xúc tiến thương mại",
                note="“Lượt”: một HTX được hỗ trợ hai lần là hai lượt; một hoạt động chung của địa bàn tính số HTX "
                "tham gia.",
            ),
            t(
                "trade_fair_turns",
                EVERY,
                BETWEEN,
                50,
                "Hàng năm có 50–80 lượt HTX tham gia hội chợ",
                high=80,
                note="“Lượt”: một HTX dự hai hội chợ là hai lượt; một gian hàng chung của tỉnh tính số HTX tham gia.",
            ),
            t(
                "fund_loan_projects",
                TERM,
                ABOUT,
                250,
                "Quỹ hỗ trợ phát triển HTX cho vay khoảng 250 dự án trong nhiệm kỳ",
            ),
        ],
        tasks=[
            ("Củng cố các Liên hiệp HTX hiện có", "Củng cố các Liên hiệp HTX hiện có."),
            # A commitment to propose, not a figure of the fund the Alliance could be judged on.
            (
                "Đề xuất nâng vốn Quỹ hỗ trợ phát triển HTX lên 30 tỷ đồng",
                "Đề xuất UBND tỉnh nâng vốn Quỹ… lên 30 tỷ đồng.",
            ),
            (
                "Hội nghị đối thoại giữa lãnh đạo tỉnh và HTX",
                "Hai năm một lần tổ chức hội nghị đối thoại giữa lãnh đạo tỉnh với các HTX.",
            ),
        ],
    ),
    dict(
        key=("63", "24"),
        issuer="UBND tỉnh Bắc Giang",
        document_number="",
        document_date=None,
        first_year=2020,
        last_year=2020,
        title="Xây dựng nông thôn mới tỉnh Bắc Giang năm 2020",
        source_reference="Bài viết về mục tiêu xây dựng nông thôn mới năm 2020 của tỉnh Bắc Giang (bài không nêu "
        "số, ngày văn bản)",
        source_text="… Khoảng trên 947 tỷ đồng … cứng hóa trên 17 km … 63 nghĩa trang …",
        targets=[
            t("ntm_communes_new", Y, GTE, 23, "Có thêm 23 xã đạt chuẩn nông thôn mới"),
            t("ntm_advanced_communes_new", Y, GTE, 8, "Có thêm 8 xã đạt chuẩn nông thôn mới nâng cao"),
            t("ntm_model_villages_new", Y, GTE, 58, "58 thôn đạt chuẩn khu dân cư nông thôn mới kiểu mẫu"),
            t("ntm_works_started", Y, GTE, 298, "Khởi công mới 298 công trình còn lại"),
            t(
                "ntm_capital_disbursed_share",
                Y,
                GTE,
                60,
                "Giải ngân tối thiểu 60% kế hoạch vốn đến hết 30/9/2020",
                denominator=CAPITAL,
                deadline=datetime.date(2020, 9, 30),
            ),
            t(
                "ntm_capital_mobilised",
                Y,
                GTE,
                947 * BILLION,
                "Huy động khoảng trên 947 tỷ đồng",
                note="“Khoảng trên”: đọc là mức sàn, ít nhất 947 tỷ đồng. Cách đọc khác: khoảng 947 tỷ đồng (≈, đạt "
                "từ 95%, tức 899,65 tỷ đồng).",
            ),
            t(
                "value_chain_projects",
                Y,
                GTE,
                19,
                "Thực hiện 19 dự án liên kết chuỗi giá trị (2 dự án đã hoàn thành, 10 dự án đang triển khai, 7 dự án "
                "trong vụ đông)",
            ),
            t(
                "traceable_products",
                Y,
                GTE,
                12,
                "12 sản phẩm được bảo hộ sở hữu trí tuệ, dán tem truy xuất nguồn gốc (3 đã hoàn thành, 9 đang thực "
                "hiện)",
            ),
            t("rural_roads_km", Y, GTE, 106, "106 km đường giao thông nông thôn"),
            t(
                "canals_km",
                Y,
                GT,
                17,
                "Cứng hóa trên 17 km kênh mương",
                note="“Trên 17 km”: ngưỡng chặt, phải hơn 17 km.",
            ),
            t("cultural_houses", Y, GTE, 132, "132 nhà văn hóa"),
            t("sports_works", Y, GTE, 43, "43 công trình thể thao"),
            t("waste_points", Y, GTE, 85, "85 điểm tập kết rác thải"),
            t(
                "cemeteries",
                Y,
                GTE,
                63,
                "63 nghĩa trang",
                note="Bài viết chỉ nêu “63 nghĩa trang”, không nói xây mới, quy hoạch hay cải tạo.",
            ),
            t("classrooms", Y, GTE, 217, "217 phòng học"),
        ],
        tasks=[
            ("Trung tâm sản phẩm của tỉnh", "Trung tâm sản phẩm của tỉnh Bắc Giang."),
            ("Hai huyện đạt chuẩn nông thôn mới", "Hai huyện đạt chuẩn nông thôn mới."),
        ],
    ),
    dict(
        key=("63", "17"),
        issuer="UBND tỉnh Hòa Bình",
        document_number="",
        document_date=None,
        first_year=2022,
        last_year=2022,
        title="Kế hoạch phát triển kinh tế tập thể, HTX tỉnh Hòa Bình năm 2022",
        source_reference="Bài viết về kế hoạch phát triển kinh tế tập thể, hợp tác xã năm 2022 của UBND tỉnh Hòa Bình",
        source_text="",
        targets=[
            t("htx_founded", Y, GTE, 35, "Thành lập mới 35 HTX"),
            t("tht_founded", Y, GTE, 10, "Thành lập mới 10 THT"),
            t("htx_consolidated", Y, GTE, 30, "Củng cố 30 HTX"),
            t("htx_average_revenue", Y, BETWEEN, 6, "Doanh thu bình quân của HTX tăng từ 6–8%", high=8, measure=GROWTH),
            t("member_average_income", Y, GTE, 6, "Thu nhập của thành viên HTX tăng bình quân 6%", measure=GROWTH),
            t(
                "members_total",
                Y,
                GTE,
                10,
                "Số hộ gia đình, cá nhân, tổ chức khác tham gia làm thành viên HTX, THT tăng 10%",
                measure=GROWTH,
            ),
            t(
                "htx_small_or_larger_share",
                Y,
                GTE,
                4,
                "Tỷ lệ HTX quy mô nhỏ trở lên tăng thêm 4%",
                measure=PP,
                denominator=Target.Denominator.ACTIVE_HTX,
            ),
            t("manager_training_turns", Y, GTE, 500, "Đào tạo, bồi dưỡng 500 lượt cán bộ quản lý HTX"),
            t(
                "exemplary_htx",
                Y,
                BETWEEN,
                15,
                "Xây dựng từ 15–20 HTX điển hình tiên tiến ứng dụng công nghệ cao, liên kết tiêu thụ sản phẩm",
                high=20,
            ),
            t("htx_effective_share", Y, GTE, 70, "70% HTX hoạt động hiệu quả", denominator=RATED),
        ],
        tasks=[],
    ),
]
# Titles an earlier demo gave plans it no longer holds as such: removed when the demo is loaded
# again, so that an old database does not keep them beside their corrected form.
RETIRED_TITLES = [
    "Nghị quyết 05-NQ/HU về phát triển kinh tế tập thể giai đoạn 2016–2020 (kết quả thực hiện)",
    "Kế hoạch xây dựng nông thôn mới tỉnh Bắc Giang năm 2020",
]

# Hand-entered figures for the manual targets (indicator, area key, as of, value): illustrations,
# all with DEMO_SOURCE. One is missing on purpose, as in a real round of reports: the sports
# works of Bắc Giang's 2020 NTM plan were never entered, so that target shows "no data".
ENTERED_VALUES = [
    ("ntm_commune_share", ("63", "01"), datetime.date(2020, 12, 31), Decimal("96.9")),
    ("ntm_capital_disbursed_share", ("63", "24"), datetime.date(2020, 9, 30), Decimal("62.4")),
    ("ntm_capital_disbursed_share", ("63", "24"), datetime.date(2020, 12, 31), Decimal("97.1")),
]
_NTM_2020_RESULTS = {
    "ntm_communes_new": 24,
    "ntm_advanced_communes_new": 8,
    "ntm_model_villages_new": 61,
    "ntm_works_started": 289,
    "ntm_capital_mobilised": 981 * BILLION,
    "value_chain_projects": 19,
    "traceable_products": 10,
    "rural_roads_km": Decimal("112.5"),
    "canals_km": Decimal("15.2"),
    "cultural_houses": 140,
    "waste_points": 91,
    "cemeteries": 58,
    "classrooms": 224,
}
ENTERED_VALUES += [
    (code, ("63", "24"), datetime.date(2020, 12, 31), Decimal(value)) for code, value in _NTM_2020_RESULTS.items()
]


def save_if_changed(model, lookup: dict, values: dict):
    """get-or-create by `lookup`, and save `values` only where they differ, so a
    second run of the demo writes nothing (not even a history row)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), "created"
    changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if not changed:
        return obj, "unchanged"
    for name, value in changed.items():
        setattr(obj, name, value)
    obj.save()
    return obj, "updated"


def unit(key) -> AdminUnit | None:
    if key is None:
        return None
    structure, code = key
    level = {2: "province", 3: "district", 5: "commune"}[len(code)]
    return AdminUnit.objects.get(structure=structure, level=level, code=code)


def missing_indicators() -> set[str]:
    """Codes the demo's targets and results read that the database does not hold."""
    wanted = {target["indicator"] for spec in PLANS for target in spec["targets"]}
    wanted |= {result["indicator"] for spec in PLANS for result in spec.get("results", []) if result["indicator"]}
    return wanted - set(Indicator.objects.filter(code__in=wanted).values_list("code", flat=True))


PLAN_FIELDS = ("issuer", "document_number", "document_date", "first_year", "last_year", "source_text")


def plans_load(tally):
    """Every plan of PLANS with exactly its targets, results and tasks (rows a spec no longer
    holds are removed, so a database loaded by an earlier demo ends up the same as a new one)."""
    for title in RETIRED_TITLES:
        for plan in Plan.objects.filter(title=title):
            plan.delete()
            tally((plan, "deleted"), "plans")
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    for spec in PLANS:
        area = unit(spec["key"])
        values = {name: spec[name] for name in PLAN_FIELDS}
        values.update(area=area, area_label=spec.get("area_label", ""), source_reference=spec["source_reference"])
        plan, outcome = save_if_changed(Plan, {"title": spec["title"]}, values)
        tally((plan, outcome), "plans")
        kept = [target_save(plan, area, indicators[target["indicator"]], target) for target in spec["targets"]]
        _prune(plan.targets, kept, "targets", tally)
        kept = [result_save(plan, order, indicators, result) for order, result in enumerate(spec.get("results", []), 1)]
        _prune(plan.results, kept, "results", tally)
        kept = [task_save(plan, title, wording) for title, wording in spec["tasks"]]
        _prune(plan.tasks, kept, "tasks", tally)


def _prune(rows, kept, what, tally):
    for result in kept:
        tally(result, what)
    for row in rows.exclude(pk__in=[obj.pk for obj, _ in kept]):
        row.delete()
        tally((row, "deleted"), what)


def target_save(plan, area, indicator, spec):
    year_from, year_to = spec["years"] or (plan.first_year, plan.last_year)
    lookup = dict(
        plan=plan, indicator=indicator, area=area, period=spec["period"], year_from=year_from, year_to=year_to
    )
    values = {
        name: spec[name]
        for name in ("comparator", "value", "value_high", "measure", "denominator", "deadline", "wording", "note")
    }
    return save_if_changed(Target, lookup, values)


def task_save(plan, title, wording):
    """A task as its document states it. A status nobody reported (no date of update: an earlier
    demo's invention) goes back to "not reported"; one staff have set is theirs to keep."""
    task = Task.objects.filter(plan=plan, title=title).first()
    values = {"wording": wording}
    if task is not None and task.status_updated_on is None:
        values["status"] = UNREPORTED
    return save_if_changed(Task, {"plan": plan, "title": title}, values)


def result_save(plan, order, indicators, spec):
    values = dict(
        order=order,
        indicator=indicators[spec["indicator"]] if spec["indicator"] else None,
        value=spec["value"],
        unit=spec["unit"],
        as_of=None,
        source=spec["source"],
        note=spec["note"],
    )
    return save_if_changed(ReportedResult, {"plan": plan, "wording": spec["wording"]}, values)


def entered_values_load(tally, entered_by):
    indicators = {indicator.code: indicator for indicator in Indicator.objects.filter(method="manual")}
    for code, area_key, as_of, value in ENTERED_VALUES:
        lookup = dict(indicator=indicators[code], area=unit(area_key), as_of=as_of)
        tally(
            save_if_changed(EnteredValue, lookup, {"value": value, "source": DEMO_SOURCE, "entered_by": entered_by}),
            "entered values",
        )
