"""The demo's plans: every plan and target of the domain primer's source documents.

Each target keeps the Vietnamese wording of its document (`wording`); the fields
beside it are how that wording reads as data. The documents name old provinces
(Bắc Giang 24, Hòa Bình 17, Hậu Giang 93 and Hà Nội 01 of the 63-province map),
so plans and targets point at those units; the lineage keeps them measurable
after 1/7/2025.
"""

import datetime
from decimal import Decimal

from cooperatives.models import AdminUnit
from plans.models import EnteredValue, Indicator, Plan, Target, Task

D, L, S = Indicator.Shape.FLOW, Indicator.Shape.LEVEL, Indicator.Shape.SHARE
COUNT, PCT, VND, KM = Indicator.Unit.COUNT, Indicator.Unit.PERCENT, Indicator.Unit.VND, Indicator.Unit.KM
R = Indicator.Rule
BILLION = Decimal(1_000_000_000)

# code, Vietnamese name, English name, unit, count noun, shape, rule (None = entered by hand), rule params
INDICATORS = [
    ("htx_founded", "Số HTX thành lập mới", "New cooperatives founded", COUNT, "HTX", D, R.FOUNDED, {"kind": "htx"}),
    (
        "htx_agri_founded",
        "Số HTX nông nghiệp thành lập mới",
        "New agricultural cooperatives founded",
        COUNT,
        "HTX",
        D,
        R.FOUNDED,
        {"kind": "htx", "sector": "agriculture"},
    ),
    (
        "tht_founded",
        "Số THT thành lập mới",
        "New cooperative groups founded",
        COUNT,
        "THT",
        D,
        R.FOUNDED,
        {"kind": "tht"},
    ),
    (
        "union_founded",
        "Số Liên hiệp HTX thành lập mới",
        "New unions of cooperatives founded",
        COUNT,
        "LH HTX",
        D,
        R.FOUNDED,
        {"kind": "lhhtx"},
    ),
    (
        "alliance_members_admitted",
        "Số đơn vị thành viên kết nạp mới vào Liên minh HTX",
        "New member units admitted to the provincial alliance",
        COUNT,
        "đơn vị",
        D,
        R.ALLIANCE_JOINED,
        {},
    ),
    (
        "htx_consolidated",
        "Số HTX được củng cố, kiện toàn",
        "Cooperatives consolidated",
        COUNT,
        "HTX",
        D,
        R.SUPPORT_ACTIONS,
        {"action": "consolidation", "kind": "htx", "distinct_organisations": True},
    ),
    (
        "manager_training_turns",
        "Số lượt cán bộ quản lý HTX được đào tạo, bồi dưỡng",
        "Cooperative manager training (person-turns)",
        COUNT,
        "lượt người",
        D,
        R.SUPPORT_ACTIONS,
        {"action": "manager_training"},
    ),
    (
        "trade_promotion_htx",
        "Số HTX được hỗ trợ xúc tiến thương mại",
        "Cooperatives supported in trade promotion",
        COUNT,
        "HTX",
        D,
        R.SUPPORT_ACTIONS,
        {"action": "trade_promotion", "distinct_organisations": True},
    ),
    (
        "trade_fair_htx",
        "Số HTX tham gia hội chợ, triển lãm",
        "Cooperatives at trade fairs",
        COUNT,
        "HTX",
        D,
        R.SUPPORT_ACTIONS,
        {"action": "trade_fair", "distinct_organisations": True},
    ),
    (
        "fund_loan_projects",
        "Số dự án được vay vốn Quỹ hỗ trợ phát triển HTX",
        "Projects financed by the cooperative development support fund",
        COUNT,
        "dự án",
        D,
        R.SUPPORT_ACTIONS,
        {"action": "fund_loan"},
    ),
    (
        "new_model_htx",
        "Số HTX kiểu mới gắn với chuỗi giá trị được xây dựng",
        "New-model cooperatives in value chains",
        COUNT,
        "HTX",
        D,
        R.SUPPORT_ACTIONS,
        {"action": "new_model", "distinct_organisations": True},
    ),
    (
        "exemplary_htx",
        "Số HTX điển hình tiên tiến ứng dụng công nghệ cao, liên kết tiêu thụ",
        "Exemplary advanced high-tech cooperatives linked to sales",
        COUNT,
        "HTX",
        D,
        R.SUPPORT_ACTIONS,
        {"action": "exemplary_model", "distinct_organisations": True},
    ),
    (
        "htx_agri_rated_good_or_fair",
        "Số HTX nông nghiệp xếp loại khá trở lên",
        "Agricultural cooperatives rated fair or better",
        COUNT,
        "HTX",
        L,
        R.RATED_COUNT,
        {"levels": ["good", "fair"], "sector": "agriculture"},
    ),
    (
        "htx_effective_share",
        "Tỷ lệ HTX hoạt động hiệu quả (xếp loại khá, tốt)",
        "Share of cooperatives operating effectively (rated good or fair)",
        PCT,
        "",
        S,
        R.RATING_SHARE,
        {"levels": ["good", "fair"]},
    ),
    (
        "htx_weak_share",
        "Tỷ lệ HTX xếp loại yếu",
        "Share of cooperatives rated weak",
        PCT,
        "",
        S,
        R.RATING_SHARE,
        {"levels": ["weak"]},
    ),
    (
        "htx_average_revenue",
        "Doanh thu bình quân một HTX",
        "Average revenue per cooperative",
        VND,
        "",
        L,
        R.AVERAGE_REVENUE,
        {},
    ),
    (
        "member_average_income",
        "Thu nhập bình quân của thành viên, người lao động HTX",
        "Average income of cooperative members and workers",
        VND,
        "",
        L,
        R.AVERAGE_INCOME,
        {},
    ),
    (
        "members_total",
        "Số thành viên HTX, THT (hộ gia đình, cá nhân, tổ chức)",
        "Members of cooperatives and cooperative groups",
        COUNT,
        "thành viên",
        L,
        R.MEMBERS,
        {"kinds": ["htx", "tht"]},
    ),
    (
        "htx_small_or_larger_share",
        "Tỷ lệ HTX quy mô nhỏ trở lên",
        "Share of cooperatives small or larger",
        PCT,
        "",
        S,
        R.SIZE_SHARE,
        {"min_band": "small"},
    ),
    (
        "htx_agri_linked_share",
        "Tỷ lệ HTX nông nghiệp liên kết với doanh nghiệp",
        "Share of agricultural cooperatives linked with enterprises",
        PCT,
        "",
        S,
        R.LINKED_SHARE,
        {},
    ),
    (
        "effective_htx_alliance_share",
        "Tỷ lệ HTX hoạt động hiệu quả là thành viên Liên minh HTX",
        "Share of effective cooperatives that are alliance members",
        PCT,
        "",
        S,
        R.ALLIANCE_SHARE,
        {},
    ),
    (
        "htx_agri_trained_share",
        "Tỷ lệ HTX nông nghiệp có cán bộ chủ chốt được đào tạo, bồi dưỡng",
        "Share of agricultural cooperatives whose key officers were trained",
        PCT,
        "",
        S,
        R.TRAINED_SHARE,
        {},
    ),
    (
        "ntm13_communes",
        "Số xã đạt tiêu chí 13 về tổ chức sản xuất",
        "Communes meeting new-rural criterion 13 (production organisation)",
        COUNT,
        "xã",
        L,
        R.NTM13_COMMUNES,
        {},
    ),
    # Figures no registry holds: entered by provincial staff from their reports.
    (
        "ntm_commune_share",
        "Tỷ lệ xã đạt chuẩn nông thôn mới",
        "Share of communes meeting the new-rural standard",
        PCT,
        "",
        S,
        None,
        {},
    ),
    (
        "ntm_communes_new",
        "Số xã đạt chuẩn nông thôn mới tăng thêm",
        "More communes meeting the new-rural standard",
        COUNT,
        "xã",
        D,
        None,
        {},
    ),
    (
        "ntm_advanced_communes_new",
        "Số xã đạt chuẩn nông thôn mới nâng cao tăng thêm",
        "More communes meeting the advanced new-rural standard",
        COUNT,
        "xã",
        D,
        None,
        {},
    ),
    (
        "ntm_model_villages_new",
        "Số thôn đạt chuẩn khu dân cư nông thôn mới kiểu mẫu",
        "Model new-rural villages",
        COUNT,
        "thôn",
        D,
        None,
        {},
    ),
    ("ntm_works_started", "Số công trình khởi công mới", "Works started", COUNT, "công trình", D, None, {}),
    (
        "ntm_capital_disbursed_share",
        "Tỷ lệ giải ngân vốn xây dựng nông thôn mới",
        "Share of new-rural capital disbursed",
        PCT,
        "",
        S,
        None,
        {},
    ),
    (
        "ntm_capital_mobilised",
        "Vốn huy động xây dựng nông thôn mới",
        "Capital mobilised for new-rural building",
        VND,
        "",
        D,
        None,
        {},
    ),
    (
        "value_chain_projects",
        "Số dự án liên kết chuỗi giá trị",
        "Value-chain linkage projects",
        COUNT,
        "dự án",
        D,
        None,
        {},
    ),
    (
        "traceable_products",
        "Số sản phẩm được bảo hộ sở hữu trí tuệ, truy xuất nguồn gốc",
        "Products with IP protection and traceable labels",
        COUNT,
        "sản phẩm",
        D,
        None,
        {},
    ),
    ("rural_roads_km", "Đường giao thông nông thôn xây mới", "Rural roads built", KM, "", D, None, {}),
    ("canals_km", "Kênh mương nội đồng kiên cố hóa", "Canals lined", KM, "", D, None, {}),
    ("cultural_houses", "Số nhà văn hóa xây mới", "Cultural houses built", COUNT, "nhà", D, None, {}),
    ("sports_works", "Số công trình thể thao", "Sports works built", COUNT, "công trình", D, None, {}),
    ("waste_points", "Số điểm tập kết rác thải", "Waste collection points", COUNT, "điểm", D, None, {}),
    (
        "cemeteries",
        "Số nghĩa trang được quy hoạch, cải tạo",
        "Cemeteries built or improved",
        COUNT,
        "nghĩa trang",
        D,
        None,
        {},
    ),
    ("classrooms", "Số phòng học xây mới", "Classrooms built", COUNT, "phòng", D, None, {}),
    (
        "support_fund_capital",
        "Vốn điều lệ Quỹ hỗ trợ phát triển HTX tỉnh",
        "Capital of the provincial cooperative development support fund",
        VND,
        "",
        L,
        None,
        {},
    ),
]

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
RATED, AGRI, EFFECTIVE, COMMUNES, CAPITAL = (
    Target.Denominator.RATED_HTX,
    Target.Denominator.AGRICULTURAL_HTX,
    Target.Denominator.EFFECTIVE_HTX,
    Target.Denominator.COMMUNES,
    Target.Denominator.ALLOCATED_CAPITAL,
)


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


PLANS = [
    dict(
        key=("63", "01"),
        issuer="Liên minh HTX thành phố Hà Nội",
        document_number="",
        document_date=datetime.date(2019, 8, 15),
        first_year=2020,
        last_year=2020,
        title="Liên minh HTX TP Hà Nội: củng cố HTX gắn với xây dựng nông thôn mới năm 2020",
        source_reference="Bài viết ngày 15/08/2019 về kế hoạch năm 2020 của Liên minh HTX TP Hà Nội",
        source_text="Năm 2020, Liên minh HTX thành phố phấn đấu củng cố 50 HTX tại 50 xã xây dựng nông thôn mới, "
        "nông thôn mới nâng cao; góp phần đưa trên 95% số xã được công nhận đạt chuẩn nông thôn mới.",
        targets=[
            t(
                "htx_consolidated",
                Y,
                GTE,
                50,
                "Củng cố 50 HTX tại 50 xã xây dựng nông thôn mới, nông thôn mới nâng cao",
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
        source_reference="Kế hoạch số 28/KH-UBND ngày 04/02/2021 của UBND tỉnh Hậu Giang",
        source_text="Kế hoạch chỉ đề ra các nhiệm vụ, không có chỉ tiêu định lượng.",
        targets=[],
        tasks=[
            (
                "Liên kết chuỗi giá trị giữa các tổ chức kinh tế hợp tác",
                "Đẩy mạnh liên kết theo chuỗi giá trị giữa các tổ chức kinh tế hợp tác với nhau và với doanh nghiệp.",
                Task.Status.IN_PROGRESS,
            ),
            (
                "Hình thành cụm liên kết sản xuất ứng dụng công nghệ cao",
                "Hình thành các cụm liên kết sản xuất ứng dụng công nghệ cao có sự tham gia của HTX.",
                Task.Status.IN_PROGRESS,
            ),
            (
                "Thành lập mới Liên hiệp HTX",
                "Vận động, hỗ trợ thành lập mới các Liên hiệp hợp tác xã.",
                Task.Status.NOT_STARTED,
            ),
            (
                "Kiểm tra, nhân rộng mô hình HTX hiệu quả",
                "Tổ chức kiểm tra, đánh giá, nhân rộng các mô hình kinh tế tập thể, HTX hoạt động hiệu quả.",
                Task.Status.DONE,
            ),
        ],
    ),
    dict(
        key=("63", "934"),
        issuer="Huyện ủy Phụng Hiệp",
        document_number="05-NQ/HU",
        document_date=None,
        first_year=2016,
        last_year=2020,
        title="Nghị quyết 05-NQ/HU về phát triển kinh tế tập thể giai đoạn 2016–2020 (kết quả thực hiện)",
        source_reference="Nghị quyết 05-NQ/HU của Huyện ủy; tài liệu nguồn không nêu tên huyện, bản demo đặt tại "
        "huyện Phụng Hiệp (Hậu Giang cũ).",
        source_text="Kết quả: thành lập mới 15 HTX, trong đó 10 HTX nông nghiệp; trong số HTX nông nghiệp có 2 HTX "
        "xếp loại khá, 1 HTX trung bình, 2 HTX yếu, số còn lại chưa xếp loại do mới thành lập năm 2019.",
        targets=[
            t("htx_founded", TERM, GTE, 15, "Thành lập mới 15 HTX"),
            t("htx_agri_founded", TERM, GTE, 10, "Trong đó 10 HTX nông nghiệp"),
            t(
                "htx_agri_rated_good_or_fair",
                Y,
                GTE,
                2,
                "2 HTX nông nghiệp xếp loại khá",
                years=(2019, 2019),
                note="Cùng kỳ: 1 HTX trung bình, 2 HTX yếu, còn lại chưa xếp loại (thành lập năm 2019).",
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
        source_reference="Nghị quyết Đại hội đại biểu Liên minh HTX tỉnh Bắc Giang nhiệm kỳ 2020–2025",
        source_text="Các chỉ tiêu chủ yếu của nhiệm kỳ 2020–2025.",
        targets=[
            t("htx_founded", EVERY, GTE, 50, "Hàng năm thành lập mới ít nhất 50 HTX"),
            t("tht_founded", EVERY, BETWEEN, 8, "Số THT thành lập mới hàng năm tăng từ 8–10%", high=10, measure=GROWTH),
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
                "htx_agri_trained_share",
                TERM,
                GTE,
                100,
                "100% cán bộ chủ chốt HTX nông nghiệp được đào tạo, bồi dưỡng ít nhất một lần",
                denominator=AGRI,
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
            t("trade_promotion_htx", EVERY, GTE, 20, "Hàng năm hỗ trợ ít nhất 20 HTX xúc tiến thương mại"),
            t(
                "trade_fair_htx",
                EVERY,
                BETWEEN,
                50,
                "Hàng năm hỗ trợ từ 50–80 HTX tham gia hội chợ, triển lãm",
                high=80,
            ),
            t(
                "fund_loan_projects",
                TERM,
                ABOUT,
                250,
                "Quỹ hỗ trợ phát triển HTX cho vay khoảng 250 dự án trong nhiệm kỳ",
            ),
            t(
                "support_fund_capital",
                TERM,
                GTE,
                30 * BILLION,
                "Nâng vốn điều lệ Quỹ hỗ trợ phát triển HTX tỉnh lên 30 tỷ đồng",
            ),
        ],
        tasks=[
            (
                "Củng cố các Liên hiệp HTX hiện có",
                "Củng cố, nâng cao hiệu quả hoạt động các Liên hiệp HTX hiện có.",
                Task.Status.IN_PROGRESS,
            ),
            (
                "Hội nghị đối thoại giữa lãnh đạo tỉnh và HTX",
                "Hai năm một lần tổ chức hội nghị đối thoại giữa lãnh đạo tỉnh với các HTX.",
                Task.Status.IN_PROGRESS,
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
        title="Kế hoạch xây dựng nông thôn mới tỉnh Bắc Giang năm 2020",
        source_reference="Kế hoạch xây dựng nông thôn mới năm 2020 của UBND tỉnh Bắc Giang",
        source_text="Năm 2020 phấn đấu có thêm 23 xã đạt chuẩn nông thôn mới, 8 xã đạt chuẩn nông thôn mới nâng "
        "cao, 58 thôn đạt chuẩn khu dân cư nông thôn mới kiểu mẫu.",
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
            t("ntm_capital_mobilised", Y, ABOUT, 947 * BILLION, "Huy động khoảng 947 tỷ đồng"),
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
            t("rural_roads_km", Y, GTE, 106, "Xây dựng 106 km đường giao thông nông thôn"),
            t("canals_km", Y, GTE, 17, "Kiên cố hóa 17 km kênh mương"),
            t("cultural_houses", Y, GTE, 132, "Xây dựng 132 nhà văn hóa"),
            t("sports_works", Y, GTE, 43, "Xây dựng 43 công trình thể thao"),
            t("waste_points", Y, GTE, 85, "Xây dựng 85 điểm tập kết rác thải"),
            t("cemeteries", Y, GTE, 63, "Quy hoạch, cải tạo 63 nghĩa trang"),
            t("classrooms", Y, GTE, 217, "Xây dựng 217 phòng học"),
        ],
        tasks=[],
    ),
    dict(
        key=("63", "17"),
        issuer="UBND tỉnh Hòa Bình",
        document_number="",
        document_date=None,
        first_year=2022,
        last_year=2022,
        title="Kế hoạch phát triển kinh tế tập thể, HTX tỉnh Hòa Bình năm 2022",
        source_reference="Kế hoạch phát triển kinh tế tập thể, hợp tác xã năm 2022 của UBND tỉnh Hòa Bình",
        source_text="Năm 2022 thành lập mới 35 HTX, 10 THT; củng cố 30 HTX; 70% HTX hoạt động hiệu quả.",
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

# Hand-entered figures for the manual targets (indicator, area key, as of, value, source).
ENTERED_VALUES = [
    (
        "ntm_commune_share",
        ("63", "01"),
        datetime.date(2020, 12, 31),
        Decimal("96.9"),
        "Báo cáo tổng kết Chương trình nông thôn mới TP Hà Nội năm 2020",
    ),
    (
        "ntm_capital_disbursed_share",
        ("63", "24"),
        datetime.date(2020, 9, 30),
        Decimal("62.4"),
        "Báo cáo giải ngân vốn nông thôn mới quý III/2020",
    ),
    (
        "ntm_capital_disbursed_share",
        ("63", "24"),
        datetime.date(2020, 12, 31),
        Decimal("97.1"),
        "Báo cáo kết quả xây dựng nông thôn mới năm 2020",
    ),
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
    "sports_works": 43,
    "waste_points": 91,
    "cemeteries": 58,
    "classrooms": 224,
}
ENTERED_VALUES += [
    (code, ("63", "24"), datetime.date(2020, 12, 31), Decimal(value), "Báo cáo kết quả xây dựng nông thôn mới năm 2020")
    for code, value in _NTM_2020_RESULTS.items()
]
ENTERED_VALUES += [
    (
        "support_fund_capital",
        ("63", "24"),
        datetime.date(year, 12, 31),
        Decimal(capital) * BILLION,
        "Báo cáo tài chính Quỹ hỗ trợ phát triển HTX tỉnh",
    )
    for year, capital in [(2020, 12), (2021, 15), (2022, 18), (2023, 22), (2024, 25)]
]
ENTERED_VALUES.append(
    (
        "support_fund_capital",
        ("63", "24"),
        datetime.date(2025, 12, 31),
        27 * BILLION,
        "Báo cáo tài chính Quỹ hỗ trợ phát triển HTX (phần của tỉnh Bắc Giang cũ, sau hợp nhất)",
    )
)


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


def unit(key) -> AdminUnit:
    structure, code = key
    level = {2: "province", 3: "district", 5: "commune"}[len(code)]
    return AdminUnit.objects.get(structure=structure, level=level, code=code)


def indicators_load(tally):
    for code, name_vi, name_en, unit_, noun, shape, rule, params in INDICATORS:
        method = Indicator.Method.DERIVED if rule else Indicator.Method.MANUAL
        values = dict(
            name_vi=name_vi,
            name_en=name_en,
            unit=unit_,
            count_noun=noun,
            shape=shape,
            method=method,
            rule=rule or "",
            rule_params=params,
        )
        tally(save_if_changed(Indicator, {"code": code}, values), "indicators")


def plans_load(tally):
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    for spec in PLANS:
        area = unit(spec["key"])
        plan_values = {
            name: spec[name]
            for name in (
                "issuer",
                "document_number",
                "document_date",
                "first_year",
                "last_year",
                "source_text",
                "source_reference",
            )
        }
        plan, outcome = save_if_changed(Plan, {"area": area, "title": spec["title"]}, plan_values)
        tally((plan, outcome), "plans")
        for target in spec["targets"]:
            tally(target_save(plan, area, indicators[target["indicator"]], target), "targets")
        for title, wording, status in spec["tasks"]:
            tally(
                save_if_changed(Task, {"plan": plan, "title": title}, {"wording": wording, "status": status}), "tasks"
            )


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


def entered_values_load(tally, entered_by):
    indicators = {indicator.code: indicator for indicator in Indicator.objects.filter(method="manual")}
    for code, area_key, as_of, value, source in ENTERED_VALUES:
        lookup = dict(indicator=indicators[code], area=unit(area_key), as_of=as_of)
        tally(
            save_if_changed(EnteredValue, lookup, {"value": value, "source": source, "entered_by": entered_by}),
            "entered values",
        )
