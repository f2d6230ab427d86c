"""A believable registry for the provinces of the demo plans (2005–2026).

Deterministic: the same seed and the same administrative units give the same
organisations, so `load_demo` can tell what it already created. Organisations
founded before 1/7/2025 sit in communes of the old map; later ones in communes
of the new map that came from the same old province, as they would in a real
registry that is updated as it goes.

The numbers are chosen so that the demo plans' targets have something to
measure, some met and some not: about 50 new HTX a year in Bắc Giang, new THT
growing 7–11% a year, ratings improving over the years, and so on.
"""

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from cooperatives.models import AdminUnit, Organisation, Rating, SupportAction, YearlyFigures

SEED = 2025
FIRST_FIGURES_YEAR, LAST_FIGURES_YEAR = 2019, 2025
TODAY_IN_DEMO = datetime.date(2026, 10, 31)
HTX, THT, UNION = Organisation.Kind.COOPERATIVE, Organisation.Kind.COOPERATIVE_GROUP, Organisation.Kind.UNION
AGRI = Organisation.Sector.AGRICULTURE
A = SupportAction.Kind

NAME_WORDS = {
    AGRI: [
        "Nông nghiệp",
        "Dịch vụ nông nghiệp",
        "Rau an toàn",
        "Chăn nuôi",
        "Cây ăn quả",
        "Thủy sản",
        "Lúa gạo chất lượng cao",
        "Dược liệu",
    ],
    Organisation.Sector.INDUSTRY_HANDICRAFT: ["Mây tre đan", "Cơ khí", "Chế biến nông sản", "Mộc mỹ nghệ"],
    Organisation.Sector.CONSTRUCTION: ["Xây dựng"],
    Organisation.Sector.TRADE_SERVICES: ["Thương mại dịch vụ", "Dịch vụ tổng hợp"],
    Organisation.Sector.TRANSPORT: ["Vận tải"],
    Organisation.Sector.ENVIRONMENT_SERVICES: ["Môi trường"],
    Organisation.Sector.PEOPLES_CREDIT_FUND: ["Quỹ tín dụng nhân dân"],
}
NON_AGRI_SECTORS = [sector for sector in NAME_WORDS if sector != AGRI]


@dataclass
class ProvinceProfile:
    """How many organisations of each kind were founded in each year in one old province."""

    old_code: str
    tax_prefix: str
    htx_before_2019: int
    htx_per_year: dict[int, int]
    tht_before_2019: int = 0
    tht_per_year: dict[int, int] = field(default_factory=dict)
    unions: list[int] = field(default_factory=list)  # founding years
    actions: dict[str, dict[int, int]] = field(default_factory=dict)  # kind → year → distinct HTX
    trains_agri_officers: bool = False  # the congress's "100% of key officers trained at least once"
    reserved_district: str = ""  # a district whose HTX are drafted one by one (see DISTRICT_HTX)


PROFILES = [
    ProvinceProfile(
        "24",
        "2400",
        220,
        {2019: 45, 2020: 52, 2021: 47, 2022: 55, 2023: 51, 2024: 44, 2025: 50, 2026: 36},
        tht_before_2019=40,
        tht_per_year={2019: 20, 2020: 22, 2021: 24, 2022: 26, 2023: 29, 2024: 31, 2025: 34},
        unions=[2012, 2017, 2021, 2023],
        actions={
            A.TRADE_PROMOTION: {2020: 21, 2021: 18, 2022: 24, 2023: 22, 2024: 19, 2025: 23},
            A.TRADE_FAIR: {2020: 52, 2021: 41, 2022: 63, 2023: 70, 2024: 58, 2025: 66},
            A.FUND_LOAN: {2020: 38, 2021: 36, 2022: 44, 2023: 41, 2024: 43, 2025: 40},
            A.NEW_MODEL_CONVERSION: {2020: 3, 2021: 2, 2022: 4, 2023: 5, 2024: 3, 2025: 4},
        },
        trains_agri_officers=True,
    ),
    ProvinceProfile("27", "2300", 40, {year: 6 for year in range(2019, 2027)}),
    ProvinceProfile(
        "17",
        "5400",
        120,
        {2019: 25, 2020: 28, 2021: 30, 2022: 31, 2023: 29, 2024: 27, 2025: 26, 2026: 15},
        tht_before_2019=30,
        tht_per_year={2019: 8, 2020: 9, 2021: 9, 2022: 12, 2023: 8, 2024: 7, 2025: 8},
        actions={A.CONSOLIDATION: {2022: 32}, A.EXEMPLARY_MODEL: {2022: 16}, A.MANAGER_TRAINING: {2022: 118}},
    ),
    ProvinceProfile(
        "01",
        "0109",
        100,
        {year: 10 for year in range(2019, 2027)},
        actions={A.CONSOLIDATION: {2020: 47}},
    ),
    ProvinceProfile("93", "6300", 40, {year: 6 for year in range(2019, 2027)}, reserved_district="934"),
]

# The district of NQ 05-NQ/HU (placed in Phụng Hiệp, Hậu Giang): 15 HTX founded in
# 2016–2019, 10 agricultural; in 2019 the agricultural ones were rated 2 khá, 1 trung
# bình, 2 yếu, and the 5 founded that year were not rated. (founded year, sector, 2019 score)
DISTRICT_CODE = "934"
DISTRICT_HTX = [
    (2016, AGRI, Decimal("71")),
    (2017, AGRI, Decimal("68.5")),
    (2017, AGRI, Decimal("55")),
    (2018, AGRI, Decimal("44")),
    (2018, AGRI, Decimal("38")),
    (2019, AGRI, None),
    (2019, AGRI, None),
    (2019, AGRI, None),
    (2019, AGRI, None),
    (2019, AGRI, None),
    (2016, Organisation.Sector.TRADE_SERVICES, Decimal("60")),
    (2017, Organisation.Sector.TRANSPORT, Decimal("66")),
    (2018, Organisation.Sector.INDUSTRY_HANDICRAFT, Decimal("52")),
    (2018, Organisation.Sector.CONSTRUCTION, Decimal("58")),
    (2019, Organisation.Sector.ENVIRONMENT_SERVICES, None),
]


@dataclass
class Draft:
    """An organisation about to be created, with what its yearly rows are drawn from."""

    organisation: Organisation
    quality: float  # 0..1: drives scores, growth, linkage and alliance membership
    fixed_scores: dict[int, Decimal | None] = field(default_factory=dict)


class RegistryBuilder:
    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)
        self.names: set[str] = set()
        self.sequence: dict[str, int] = {}
        self.drafts: list[Draft] = []
        self.by_profile: list[tuple[ProvinceProfile, list[Draft]]] = []

    # Places -----------------------------------------------------------------

    def places(self, profile: ProvinceProfile):
        old = AdminUnit.objects.get(structure=AdminUnit.Structure.BEFORE_2025, level="province", code=profile.old_code)
        before = (
            AdminUnit.objects.communes().of_structure("63").inside(old).exclude(parent__code=profile.reserved_district)
        )
        before = list(before.order_by("code"))
        after = list(AdminUnit.objects.communes().of_structure("34").inside(old).order_by("code"))
        return old.current_province(), before, after

    def commune_for(self, day, before, after):
        return self.rng.choice(after if day >= datetime.date(2025, 7, 1) and after else before)

    # Organisations ----------------------------------------------------------

    def founding_day(self, year):
        last = TODAY_IN_DEMO if year == TODAY_IN_DEMO.year else datetime.date(year, 12, 31)
        first = datetime.date(year, 1, 1)
        return first + datetime.timedelta(days=self.rng.randrange((last - first).days + 1))

    def unique_name(self, stem):
        name, n = stem, 1
        while name in self.names:
            n += 1
            name = f"{stem} số {n}"
        self.names.add(name)
        return name

    def registration_code(self, prefix):
        self.sequence[prefix] = self.sequence.get(prefix, 0) + 1
        return f"{prefix}{self.sequence[prefix]:06d}"

    def draft(self, kind, founded_on, commune, province, tax_prefix, sector=None, fixed_scores=None):
        sector = sector or (
            AGRI if self.rng.random() < (0.67 if kind == HTX else 0.8) else self.rng.choice(NON_AGRI_SECTORS)
        )
        word = self.rng.choice(NAME_WORDS[sector])
        prefix = {HTX: "HTX", THT: "Tổ hợp tác", UNION: "Liên hiệp HTX"}[kind]
        organisation = Organisation(
            kind=kind,
            sector=sector,
            name=self.unique_name(f"{prefix} {word} {commune.name}"),
            registration_code="" if kind == THT else self.registration_code(tax_prefix),
            province=province,
            commune=commune,
            founded_on=founded_on,
            registered_on=founded_on,
        )
        draft = Draft(organisation, quality=self.rng.betavariate(2.2, 1.8), fixed_scores=fixed_scores or {})
        self.drafts.append(draft)
        return draft

    def province_drafts(self, profile: ProvinceProfile):
        province, before, after = self.places(profile)
        cohorts = [(HTX, year, n) for year, n in profile.htx_per_year.items()]
        cohorts += [(THT, year, n) for year, n in profile.tht_per_year.items()]
        cohorts += [(UNION, year, 1) for year in profile.unions]
        cohorts += [(HTX, None, profile.htx_before_2019), (THT, None, profile.tht_before_2019)]
        drafts = []
        for kind, year, count in cohorts:
            for _ in range(count):
                day = self.founding_day(year or self.rng.randrange(2005, 2019))
                commune = self.commune_for(day, before, after)
                drafts.append(self.draft(kind, day, commune, province, profile.tax_prefix))
        self.by_profile.append((profile, drafts))

    def district_drafts(self):
        district = AdminUnit.objects.get(structure="63", level="district", code=DISTRICT_CODE)
        communes = list(AdminUnit.objects.communes().filter(parent=district).order_by("code"))
        province = district.current_province()
        for year, sector, score in DISTRICT_HTX:
            self.draft(
                HTX,
                self.founding_day(year),
                self.rng.choice(communes),
                province,
                "6300",
                sector=sector,
                fixed_scores={2019: score},
            )

    def build(self):
        for profile in PROFILES:
            self.province_drafts(profile)
        self.district_drafts()
        for draft in self.drafts:
            self.settle(draft)
        return self.drafts

    def settle(self, draft: Draft):
        """Alliance membership and dissolution, drawn once per organisation."""
        org = draft.organisation
        joined = org.founded_on + datetime.timedelta(days=self.rng.randrange(30, 900))
        if org.kind != THT and joined <= TODAY_IN_DEMO and self.rng.random() < 0.35 + 0.6 * draft.quality:
            org.alliance_joined_on = joined
        if org.founded_on.year < 2019 and self.rng.random() < 0.12 * (1.2 - draft.quality):
            org.dissolved_on = self.founding_day(self.rng.randrange(2019, 2026))
            org.status = Organisation.Status.DISSOLVED
            org.status_since = org.dissolved_on
            if org.alliance_joined_on and org.alliance_joined_on > org.dissolved_on:
                org.alliance_joined_on = None


class YearlyRows:
    """Yearly figures, ratings and support actions for drafted organisations."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def years_of(self, org):
        last = org.dissolved_on.year - 1 if org.dissolved_on else LAST_FIGURES_YEAR
        return range(max(org.founded_on.year, FIRST_FIGURES_YEAR), last + 1)

    def figures(self, draft: Draft):
        org, q, rng = draft.organisation, draft.quality, self.rng
        base_members = rng.lognormvariate(3.7, 0.9) if org.kind != THT else rng.randint(4, 25)
        base_revenue = rng.lognormvariate(21.0, 1.0) * (0.6 + q)
        link_year = 2016 + int((1 - q) * 14 + rng.random() * 4) if org.sector == AGRI else 2100
        rows = []
        for year in self.years_of(org):
            age = year - FIRST_FIGURES_YEAR
            growth = (1.03 + 0.06 * q) ** age
            members = max(2 if org.kind == THT else 5, round(base_members * (1.02 + 0.03 * q) ** age))
            rows.append(
                YearlyFigures(
                    organisation=org,
                    year=year,
                    members=members,
                    workers=max(1, round(members * rng.uniform(0.2, 0.6))),
                    charter_capital=round_vnd(base_revenue * rng.uniform(0.2, 0.5)),
                    revenue=round_vnd(base_revenue * growth * rng.uniform(0.95, 1.05)),
                    profit=round_vnd(base_revenue * growth * rng.uniform(-0.02, 0.12)),
                    average_income=round_vnd(rng.uniform(38e6, 52e6) * (1 + 0.5 * q) * (1.04 + 0.04 * q) ** age),
                    linked_with_enterprise=year >= link_year,
                    high_technology=q > 0.75 and year >= 2021,
                    ocop_products=(1 + int(q * 3)) if q > 0.7 and year >= 2020 else 0,
                    ocop_max_stars=(3 if q < 0.9 else 4) if q > 0.7 and year >= 2020 else None,
                )
            )
        return rows

    def ratings(self, draft: Draft):
        org = draft.organisation
        if org.kind != HTX:
            return []
        rows = []
        for year in self.years_of(org):
            score = self.score(draft, year)
            # Not rated when operating for under 12 months in the year (TT 01/2020).
            level = Rating.Level.for_score(score) if score is not None else Rating.Level.UNRATED
            self_score = None if score is None else min(Decimal(100), score + Decimal(self.rng.randint(0, 6)))
            rows.append(
                Rating(
                    organisation=org,
                    year=year,
                    scheme=Rating.Scheme.TT01_2020,
                    self_score=self_score,
                    verified_score=score,
                    level=level,
                )
            )
        return rows

    def score(self, draft: Draft, year) -> Decimal | None:
        if year in draft.fixed_scores:
            return draft.fixed_scores[year]
        if draft.organisation.founded_on.year == year:
            return None
        raw = 45 + 28 * draft.quality + 1.2 * (year - FIRST_FIGURES_YEAR) + self.rng.gauss(0, 9)
        return Decimal(str(round(min(100.0, max(15.0, raw)), 1)))

    def officer_trainings(self, drafts):
        """Key officers of most agricultural HTX trained at least once in 2020–2025."""
        rows = []
        for draft in drafts:
            org = draft.organisation
            if (
                org.kind == HTX
                and org.sector == AGRI
                and org.founded_on.year < 2026
                and self.rng.random() < 0.55 + 0.4 * draft.quality
            ):
                year = self.rng.randrange(max(2020, org.founded_on.year), 2026)
                if org.is_active_on(datetime.date(year, 12, 31)):
                    rows.append(self.action(org, A.MANAGER_TRAINING, year))
        return rows

    def province_actions(self, drafts, profile: ProvinceProfile):
        """Actions of the profile's kinds, each on distinct HTX active through that year."""
        rows = []
        for kind, per_year in profile.actions.items():
            for year, count in per_year.items():
                active = [
                    d.organisation
                    for d in drafts
                    if d.organisation.kind == HTX and d.organisation.is_active_on(datetime.date(year, 12, 31))
                ]
                rows += [self.action(org, kind, year) for org in self.rng.sample(active, min(count, len(active)))]
        return rows

    def action(self, org, kind, year):
        # A training course counts the people trained (3–6 officers of one HTX); other actions count 1.
        count = self.rng.randint(3, 6) if kind == A.MANAGER_TRAINING else 1
        day = datetime.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        return SupportAction(
            kind=kind,
            occurred_on=max(day, org.founded_on),
            organisation=org,
            area=org.commune,
            count=count,
            province=org.province,
        )


def registry_load(seed=SEED) -> dict[str, int]:
    """Create the demo registry, leaving alone the organisations it already created.

    Returns how many rows of each kind were created.
    """
    builder = RegistryBuilder(seed)
    drafts = builder.build()
    rows = YearlyRows(builder.rng)
    existing = set(Organisation.objects.filter(name__in=builder.names).values_list("name", flat=True))
    new = [draft for draft in drafts if draft.organisation.name not in existing]
    figures = [row for draft in drafts for row in rows.figures(draft)]
    ratings = [row for draft in drafts for row in rows.ratings(draft)]
    actions = []
    for profile, group in builder.by_profile:
        actions += rows.province_actions(group, profile)
        if profile.trains_agri_officers:
            actions += rows.officer_trainings(group)
    # Bulk inserts write no history: each row gets its "created" row, so the first correction of
    # a demo record shows its before → after like any other.
    Organisation.objects.bulk_create([draft.organisation for draft in new], batch_size=500)
    Organisation.history.bulk_history_create([draft.organisation for draft in new], batch_size=500)
    new_ids = {id(draft.organisation) for draft in new}
    created = {"organisations": len(new)}
    for what, model, batch in (
        ("yearly figures", YearlyFigures, figures),
        ("ratings", Rating, ratings),
        ("support actions", SupportAction, actions),
    ):
        fresh = [row for row in batch if id(row.organisation) in new_ids]
        model.objects.bulk_create(fresh, batch_size=1000)
        model.history.bulk_history_create(fresh, batch_size=1000)
        created[what] = len(fresh)
    return created


def round_vnd(value: float) -> Decimal:
    """Round to the thousand đồng, as reports do."""
    return Decimal(int(math.floor(value / 1000)) * 1000)
