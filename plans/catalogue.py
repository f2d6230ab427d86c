"""The catalogue of indicators every install ships with: plain data, read by the data migrations
that load it (so a database built by `migrate` alone can hold plans) and by nothing else that
writes. Admins add their own indicators in the browser (/indicators/); `load_demo` adds demo
plans on top of these, never indicators.

Each entry is a dict of Indicator's fields. Values are the stored strings (no model is imported:
a migration must not depend on today's models). Rule parameters follow each rule's declaration in
plans.rules (a test checks every entry against it). To ship a new indicator, add it here and a
data migration that calls `catalogue_load` again: entries already in the database (by code) are
left as they are, since an admin may have corrected them.
"""

# The sectors, as stored and as a name reads them ("Số HTX lĩnh vực nông nghiệp…").
SECTORS = [
    ("agriculture", "nông nghiệp", "agriculture"),
    ("industry_handicraft", "công nghiệp – tiểu thủ công nghiệp", "industry and handicraft"),
    ("construction", "xây dựng", "construction"),
    ("trade_services", "thương mại – dịch vụ", "trade and services"),
    ("transport", "vận tải", "transport"),
    ("peoples_credit_fund", "quỹ tín dụng nhân dân", "people's credit funds"),
    ("environment_services", "môi trường", "environmental services"),
    ("other", "khác", "other sectors"),
]
KINDS = [
    ("htx", "HTX", "cooperatives"),
    ("tht", "THT", "cooperative groups"),
    ("lhhtx", "LH HTX", "unions of cooperatives"),
]
LEVELS = [
    ("good", "tốt", "good"),
    ("fair", "khá", "fair"),
    ("average", "trung bình", "average"),
    ("weak", "yếu", "weak"),
]
BANDS = [
    ("micro", "siêu nhỏ (dưới 50 thành viên)", "Micro cooperatives (under 50 members)"),
    ("small", "nhỏ (50–300 thành viên)", "Small cooperatives (50–300 members)"),
    ("medium", "vừa (trên 300–1.000 thành viên)", "Medium cooperatives (301–1,000 members)"),
    ("large", "lớn (trên 1.000 thành viên)", "Large cooperatives (over 1,000 members)"),
]


def derived(code, name_vi, name_en, unit, count_noun, shape, rule, description="", **params) -> dict:
    return dict(
        code=code,
        name_vi=name_vi,
        name_en=name_en,
        unit=unit,
        count_noun=count_noun,
        shape=shape,
        method="derived",
        rule=rule,
        rule_params=params,
        description=description,
    )


def manual(code, name_vi, name_en, unit, count_noun, shape, description="") -> dict:
    """A figure no registry holds, entered by provincial staff from their reports."""
    entry = derived(code, name_vi, name_en, unit, count_noun, shape, "", description)
    return {**entry, "method": "manual"}


# What the source plans need (the demo's plans read these by code) --------------------------

SOURCE_PLANS = [
    derived(
        "htx_founded", "Số HTX thành lập mới", "New cooperatives founded", "count", "HTX", "flow", "founded", kind="htx"
    ),
    derived(
        "htx_agri_founded",
        "Số HTX nông nghiệp thành lập mới",
        "New agricultural cooperatives founded",
        "count",
        "HTX",
        "flow",
        "founded",
        kind="htx",
        sector="agriculture",
    ),
    derived(
        "tht_founded",
        "Số THT thành lập mới",
        "New cooperative groups founded",
        "count",
        "THT",
        "flow",
        "founded",
        kind="tht",
    ),
    derived(
        "union_founded",
        "Số Liên hiệp HTX thành lập mới",
        "New unions of cooperatives founded",
        "count",
        "LH HTX",
        "flow",
        "founded",
        kind="lhhtx",
    ),
    derived(
        "alliance_members_admitted",
        "Số đơn vị thành viên kết nạp mới vào Liên minh HTX",
        "New member units admitted to the provincial alliance",
        "count",
        "đơn vị",
        "flow",
        "alliance_joined",
    ),
    derived(
        "htx_consolidated",
        "Số HTX được củng cố, kiện toàn",
        "Cooperatives consolidated",
        "count",
        "HTX",
        "flow",
        "support_actions",
        action="consolidation",
        kind="htx",
        distinct_organisations=True,
    ),
    # A xã, not a phường or thị trấn: only a xã can be building new-rural standards.
    derived(
        "htx_consolidated_in_communes",
        "Số HTX ở xã được củng cố, kiện toàn",
        "Cooperatives in rural communes (xã) consolidated",
        "count",
        "HTX",
        "flow",
        "support_actions",
        action="consolidation",
        kind="htx",
        distinct_organisations=True,
        communes_only=True,
    ),
    derived(
        "communes_with_htx_consolidated",
        "Số xã có HTX được củng cố, kiện toàn",
        "Rural communes (xã) with a cooperative consolidated",
        "count",
        "xã",
        "flow",
        "support_actions",
        action="consolidation",
        kind="htx",
        distinct_communes=True,
        communes_only=True,
    ),
    derived(
        "manager_training_turns",
        "Số lượt cán bộ quản lý HTX được đào tạo, bồi dưỡng",
        "Cooperative manager training (person-turns)",
        "count",
        "lượt người",
        "flow",
        "support_actions",
        action="manager_training",
    ),
    derived(
        "trade_promotion_htx",
        "Số HTX được hỗ trợ xúc tiến thương mại",
        "Cooperatives supported in trade promotion",
        "count",
        "HTX",
        "flow",
        "support_actions",
        action="trade_promotion",
        distinct_organisations=True,
    ),
    # "lượt HTX": turns, not organisations. Each action records its turns in `count` (1 for
    # one HTX; for an event of a place, how many HTX took part), and the turns are summed.
    derived(
        "trade_promotion_turns",
        "Số lượt HTX được hỗ trợ xúc tiến thương mại",
        "Cooperative turns supported in trade promotion",
        "count",
        "lượt HTX",
        "flow",
        "support_actions",
        action="trade_promotion",
    ),
    derived(
        "trade_fair_turns",
        "Số lượt HTX tham gia hội chợ, triển lãm",
        "Cooperative turns at trade fairs",
        "count",
        "lượt HTX",
        "flow",
        "support_actions",
        action="trade_fair",
    ),
    derived(
        "trade_fair_htx",
        "Số HTX tham gia hội chợ, triển lãm",
        "Cooperatives at trade fairs",
        "count",
        "HTX",
        "flow",
        "support_actions",
        action="trade_fair",
        distinct_organisations=True,
    ),
    derived(
        "fund_loan_projects",
        "Số dự án được vay vốn Quỹ hỗ trợ phát triển HTX",
        "Projects financed by the cooperative development support fund",
        "count",
        "dự án",
        "flow",
        "support_actions",
        action="fund_loan",
    ),
    derived(
        "new_model_htx",
        "Số HTX kiểu mới gắn với chuỗi giá trị được xây dựng",
        "New-model cooperatives in value chains",
        "count",
        "HTX",
        "flow",
        "support_actions",
        action="new_model",
        distinct_organisations=True,
    ),
    derived(
        "exemplary_htx",
        "Số HTX điển hình tiên tiến ứng dụng công nghệ cao, liên kết tiêu thụ",
        "Exemplary advanced high-tech cooperatives linked to sales",
        "count",
        "HTX",
        "flow",
        "support_actions",
        action="exemplary_model",
        distinct_organisations=True,
    ),
    # One level each: "02 khá" is not "khá trở lên" (the district's reported results).
    *[
        derived(
            f"htx_agri_{code}",
            f"Số HTX nông nghiệp {vi}",
            f"Agricultural cooperatives {en}",
            "count",
            "HTX",
            "level",
            "rated_count",
            levels=[level],
            sector="agriculture",
        )
        for code, level, vi, en in [
            ("rated_fair", "fair", "xếp loại khá", "rated fair"),
            ("rated_average", "average", "xếp loại trung bình", "rated average"),
            ("rated_weak", "weak", "xếp loại yếu", "rated weak"),
            ("unrated", "unrated", "chưa xếp loại", "not rated"),
        ]
    ],
    derived(
        "htx_effective_share",
        "Tỷ lệ HTX hoạt động hiệu quả (xếp loại khá, tốt)",
        "Share of cooperatives operating effectively (rated good or fair)",
        "percent",
        "",
        "share",
        "rating_share",
        levels=["good", "fair"],
    ),
    derived(
        "htx_weak_share",
        "Tỷ lệ HTX xếp loại yếu",
        "Share of cooperatives rated weak",
        "percent",
        "",
        "share",
        "rating_share",
        levels=["weak"],
    ),
    derived(
        "htx_average_revenue",
        "Doanh thu bình quân một HTX",
        "Average revenue per cooperative",
        "vnd",
        "",
        "level",
        "average_revenue",
    ),
    derived(
        "member_average_income",
        "Thu nhập bình quân của thành viên, người lao động HTX",
        "Average income of cooperative members and workers",
        "vnd",
        "",
        "level",
        "average_income",
    ),
    derived(
        "members_total",
        "Số thành viên HTX, THT (hộ gia đình, cá nhân, tổ chức)",
        "Members of cooperatives and cooperative groups",
        "count",
        "thành viên",
        "level",
        "members",
        kinds=["htx", "tht"],
    ),
    derived(
        "htx_small_or_larger_share",
        "Tỷ lệ HTX quy mô nhỏ trở lên",
        "Share of cooperatives small or larger",
        "percent",
        "",
        "share",
        "size_share",
        min_band="small",
    ),
    derived(
        "htx_agri_linked_share",
        "Tỷ lệ HTX nông nghiệp liên kết với doanh nghiệp",
        "Share of agricultural cooperatives linked with enterprises",
        "percent",
        "",
        "share",
        "linked_share",
    ),
    derived(
        "effective_htx_alliance_share",
        "Tỷ lệ HTX hoạt động hiệu quả là thành viên Liên minh HTX",
        "Share of effective cooperatives that are alliance members",
        "percent",
        "",
        "share",
        "alliance_share",
    ),
    derived(
        "htx_agri_trained_share",
        "Tỷ lệ HTX nông nghiệp có cán bộ chủ chốt được đào tạo, bồi dưỡng",
        "Share of agricultural cooperatives whose key officers were trained",
        "percent",
        "",
        "share",
        "trained_share",
    ),
    # Over officers, not HTX: key officers trained at least once in the term over the key
    # officers of agricultural HTX, from the yearly figures (key_officers, key_officers_trained).
    derived(
        "key_officers_trained_share",
        "Tỷ lệ cán bộ chủ chốt HTX nông nghiệp tham gia ít nhất một khóa tập huấn",
        "Share of key officers of agricultural cooperatives trained at least once",
        "percent",
        "",
        "share",
        "officers_trained_share",
    ),
    derived(
        "ntm13_communes",
        "Số xã đạt tiêu chí 13 về tổ chức sản xuất",
        "Communes meeting new-rural criterion 13 (production organisation)",
        "count",
        "xã",
        "level",
        "ntm13_communes",
    ),
    # Figures no registry holds: entered by provincial staff from their reports.
    manual(
        "ntm_commune_share",
        "Tỷ lệ xã đạt chuẩn nông thôn mới",
        "Share of communes meeting the new-rural standard",
        "percent",
        "",
        "share",
    ),
    manual(
        "ntm_communes_new",
        "Số xã đạt chuẩn nông thôn mới tăng thêm",
        "More communes meeting the new-rural standard",
        "count",
        "xã",
        "flow",
    ),
    manual(
        "ntm_advanced_communes_new",
        "Số xã đạt chuẩn nông thôn mới nâng cao tăng thêm",
        "More communes meeting the advanced new-rural standard",
        "count",
        "xã",
        "flow",
    ),
    manual(
        "ntm_model_villages_new",
        "Số thôn đạt chuẩn khu dân cư nông thôn mới kiểu mẫu",
        "Model new-rural villages",
        "count",
        "thôn",
        "flow",
    ),
    manual("ntm_works_started", "Số công trình khởi công mới", "Works started", "count", "công trình", "flow"),
    manual(
        "ntm_capital_disbursed_share",
        "Tỷ lệ giải ngân vốn xây dựng nông thôn mới",
        "Share of new-rural capital disbursed",
        "percent",
        "",
        "share",
    ),
    manual(
        "ntm_capital_mobilised",
        "Vốn huy động xây dựng nông thôn mới",
        "Capital mobilised for new-rural building",
        "vnd",
        "",
        "flow",
    ),
    manual(
        "value_chain_projects",
        "Số dự án liên kết chuỗi giá trị",
        "Value-chain linkage projects",
        "count",
        "dự án",
        "flow",
    ),
    manual(
        "traceable_products",
        "Số sản phẩm được bảo hộ sở hữu trí tuệ, truy xuất nguồn gốc",
        "Products with IP protection and traceable labels",
        "count",
        "sản phẩm",
        "flow",
    ),
    # The works of the NTM plan, named as the document names them (no verb it does not use).
    manual("rural_roads_km", "Đường giao thông nông thôn", "Rural roads", "km", "", "flow"),
    manual("canals_km", "Kênh mương được cứng hóa", "Canals hardened", "km", "", "flow"),
    manual("cultural_houses", "Số nhà văn hóa", "Cultural houses", "count", "nhà", "flow"),
    manual("sports_works", "Số công trình thể thao", "Sports works", "count", "công trình", "flow"),
    manual("waste_points", "Số điểm tập kết rác thải", "Waste collection points", "count", "điểm", "flow"),
    manual("cemeteries", "Số nghĩa trang", "Cemeteries", "count", "nghĩa trang", "flow"),
    manual("classrooms", "Số phòng học", "Classrooms", "count", "phòng", "flow"),
    manual(
        "support_fund_capital",
        "Vốn điều lệ Quỹ hỗ trợ phát triển HTX tỉnh",
        "Capital of the provincial cooperative development support fund",
        "vnd",
        "",
        "level",
    ),
]

# National stock and structure targets: how many organisations are active at a year's end, how
# many members they have, how HTX are rated and how large they are --------------------------

ACTIVE_AT_YEAR_END = "Tổ chức thành lập đến hết năm và chưa giải thể, tạm ngừng, ngừng hoạt động hay đang giải thể."
NATIONAL = [
    *[
        derived(
            f"{'union' if kind == 'lhhtx' else kind}_active",
            f"Số {noun} đang hoạt động cuối năm",
            f"{en.capitalize()} active at the end of the year",
            "count",
            noun,
            "level",
            "active",
            ACTIVE_AT_YEAR_END,
            kind=kind,
        )
        for kind, noun, en in KINDS
    ],
    *[
        derived(
            f"htx_active_{sector}",
            f"Số HTX lĩnh vực {vi} đang hoạt động cuối năm",
            f"Cooperatives in {en} active at the end of the year",
            "count",
            "HTX",
            "level",
            "active",
            ACTIVE_AT_YEAR_END,
            kind="htx",
            sector=sector,
        )
        for sector, vi, en in SECTORS
    ],
    *[
        derived(
            f"htx_founded_{sector}",
            f"Số HTX lĩnh vực {vi} thành lập mới",
            f"New cooperatives in {en}",
            "count",
            "HTX",
            "flow",
            "founded",
            "HTX có ngày thành lập trong năm.",
            kind="htx",
            sector=sector,
        )
        for sector, vi, en in SECTORS
        if sector != "agriculture"  # htx_agri_founded, above
    ],
    *[
        derived(
            f"{'union' if kind == 'lhhtx' else kind}_members",
            f"Số thành viên {noun}",
            f"Members of {en}",
            "count",
            "thành viên",
            "level",
            "members",
            "Tổng số thành viên theo số liệu năm các tổ chức báo cáo.",
            kind=kind,
        )
        for kind, noun, en in KINDS
    ],
    *[
        derived(
            f"htx_rated_{level}",
            f"Số HTX xếp loại {vi}",
            f"Cooperatives rated {en}",
            "count",
            "HTX",
            "level",
            "rated_count",
            "Theo xếp loại được tính của năm (TT 01/2020, hoặc TT 09/2017 với HTX nông nghiệp).",
            levels=[level],
        )
        for level, vi, en in LEVELS
    ],
    derived(
        "htx_unrated",
        "Số HTX chưa xếp loại",
        "Cooperatives not rated",
        "count",
        "HTX",
        "level",
        "rated_count",
        "Hoạt động chưa đủ 12 tháng hoặc ngừng hoạt động quá 3 tháng trong năm.",
        levels=["unrated"],
    ),
    derived(
        "htx_effective",
        "Số HTX hoạt động hiệu quả (xếp loại khá, tốt)",
        "Cooperatives operating effectively (rated good or fair)",
        "count",
        "HTX",
        "level",
        "rated_count",
        levels=["good", "fair"],
    ),
    *[
        derived(
            f"htx_{level}_share",
            f"Tỷ lệ HTX xếp loại {vi}",
            f"Share of cooperatives rated {en}",
            "percent",
            "",
            "share",
            "rating_share",
            levels=[level],
        )
        for level, vi, en in LEVELS
        if level != "weak"  # htx_weak_share, above
    ],
    *[
        derived(
            f"htx_size_{band}",
            f"Số HTX quy mô {vi}",
            en,
            "count",
            "HTX",
            "level",
            "size_count",
            "HTX báo cáo số thành viên năm, theo quy mô của TT 01/2020/TT-BKHĐT điều 4.",
            min_band=band,
            max_band=band,
        )
        for band, vi, en in BANDS
    ],
    *[
        derived(
            f"htx_average_{code}",
            f"{vi} bình quân một HTX",
            f"Average {en} per cooperative",
            unit,
            noun,
            "level",
            "average_figure",
            "Bình quân trên các HTX báo cáo số liệu này trong năm.",
            field=field,
        )
        for code, field, vi, en, unit, noun in [
            ("members", "members", "Số thành viên", "members", "count", "thành viên"),
            ("workers", "workers", "Số lao động thường xuyên", "regular workers", "count", "người"),
            ("capital", "charter_capital", "Vốn điều lệ", "charter capital", "vnd", ""),
            ("profit", "profit", "Lợi nhuận", "profit", "vnd", ""),
        ]
    ],
]

# New-rural recognition of xã, from the registry's dated decisions (cooperatives.NtmRecognition):
# at each level at a year's end, newly recognised in a year, and the shares ------------------

NTM_LEVELS = [
    ("standard", "đạt chuẩn nông thôn mới", "meeting the new-rural standard"),
    ("advanced", "đạt chuẩn nông thôn mới nâng cao", "meeting the advanced new-rural standard"),
    ("model", "đạt chuẩn nông thôn mới kiểu mẫu", "meeting the model new-rural standard"),
]
NTM = [
    *[
        derived(
            f"ntm_{level}_communes",
            f"Số xã {vi} (cuối năm)",
            f"Communes {en} (at the end of the year)",
            "count",
            "xã",
            "level",
            "ntm_communes",
            "Xã có quyết định công nhận còn hiệu lực cuối năm (tính cả xã đạt mức cao hơn).",
            level=level,
        )
        for level, vi, en in NTM_LEVELS
    ],
    *[
        derived(
            f"ntm_{level}_recognised",
            f"Số xã được công nhận {vi} trong năm",
            f"Communes recognised as {en} in the year",
            "count",
            "xã",
            "flow",
            "ntm_recognised",
            "Xã có quyết định công nhận ở mức này trong năm.",
            level=level,
        )
        for level, vi, en in NTM_LEVELS
    ],
    derived(
        "ntm_standard_share",
        "Tỷ lệ xã đạt chuẩn nông thôn mới (theo quyết định công nhận)",
        "Share of communes meeting the new-rural standard (by recognition decisions)",
        "percent",
        "",
        "share",
        "ntm_share",
        "Xã đạt chuẩn (cả nâng cao, kiểu mẫu) cuối năm trên số xã của địa bàn.",
        level="standard",
        denominators=["communes"],
    ),
    *[
        derived(
            f"ntm_{level}_share",
            f"Tỷ lệ xã {vi} trong số xã đạt chuẩn",
            f"Share of new-rural communes {en}",
            "percent",
            "",
            "share",
            "ntm_share",
            "Mẫu số là các xã đã đạt chuẩn nông thôn mới cuối năm, không phải mọi xã.",
            level=level,
            denominators=["ntm_communes", "communes"],
        )
        for level, vi, en in NTM_LEVELS[1:]
    ],
]

INDICATORS = SOURCE_PLANS + NATIONAL + NTM


def catalogue_load(indicator_model, entries=None) -> int:
    """Create the catalogue's indicators missing from the database (by code); those there already
    stay as they are. `indicator_model` is the model a migration gives (apps.get_model). Returns
    how many were created."""
    have = set(indicator_model.objects.values_list("code", flat=True))
    fields = {field.name for field in indicator_model._meta.fields}  # the model as of the migration
    missing = [
        indicator_model(**{name: value for name, value in entry.items() if name in fields})
        for entry in entries or INDICATORS
        if entry["code"] not in have
    ]
    indicator_model.objects.bulk_create(missing)
    return len(missing)
