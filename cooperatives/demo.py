"""A believable registry for the provinces of the demo plans (2005–2026).

Deterministic: the same seed and the same administrative units give the same
organisations, so `load_demo` can tell what it already created. Organisations
founded before 1/7/2025 sit in communes of the old map; later ones in communes
of the new map that came from the same old province, as they would in a real
registry that is updated as it goes.

The numbers are chosen so that the demo plans' targets have something to
measure, some met and some not: about 50 new HTX a year in Bắc Giang, new THT
growing 7–11% a year, ratings improving over the years, and so on.

It is as patchy as a real registry (`Gaps`, drawn from a random stream of its own so
that the registry underneath stays the same): some HTX file no figures for a year, a
few are suspended, dormant or dissolving since a date (and unrated, with the reason,
from then on), HTX founded in the year are unrated with theirs, some support actions
name a place and no organisation (a provincial stand at a fair, counting the HTX that
took part), and Hà Nội filed nothing at all for 2023.
"""

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from cooperatives.models import AdminUnit, Organisation, Rating, SupportAction, YearlyFigures

SEED = 2025
GAPS_SEED = 2026
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
    # kind → year → the turns of each action of the place with no organisation (an event of the province)
    place_actions: dict[str, dict[int, list[int]]] = field(default_factory=dict)
    repeat_turns: float = 0.0  # the share of trade promotions and fairs an HTX has a second turn of
    trains_agri_officers: bool = False  # the congress's "100% of key officers trained at least once"
    silent_year: int | None = None  # a year the whole province filed no figures and no ratings


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
            A.TRADE_PROMOTION: {2020: 21, 2021: 16, 2022: 24, 2023: 22, 2024: 17, 2025: 23},
            A.TRADE_FAIR: {2020: 52, 2021: 38, 2022: 63, 2023: 70, 2024: 58, 2025: 66},
            A.FUND_LOAN: {2020: 38, 2021: 36, 2022: 45, 2023: 42, 2024: 44, 2025: 42},
            A.NEW_MODEL_CONVERSION: {2020: 3, 2021: 2, 2022: 4, 2023: 5, 2024: 3, 2025: 4},
        },
        place_actions={
            A.TRADE_FAIR: {2021: [7, 5], 2023: [9], 2025: [6]},
            A.TRADE_PROMOTION: {2021: [4], 2024: [3]},
        },
        repeat_turns=0.1,
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
        place_actions={A.MANAGER_TRAINING: {2022: [35]}},  # a provincial course: 35 managers, no one HTX
    ),
    ProvinceProfile(
        "01",
        "0109",
        100,
        {year: 10 for year in range(2019, 2027)},
        actions={A.CONSOLIDATION: {2020: 47}},
        silent_year=2023,
    ),
    ProvinceProfile("93", "6300", 40, {year: 6 for year in range(2019, 2027)}),
]


@dataclass
class Draft:
    """An organisation about to be created, with what its yearly rows are drawn from."""

    organisation: Organisation
    quality: float  # 0..1: drives scores, growth, linkage and alliance membership


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
        before = list(AdminUnit.objects.communes().of_structure("63").inside(old).order_by("code"))
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

    def draft(self, kind, founded_on, commune, province, tax_prefix, sector=None):
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
        draft = Draft(organisation, quality=self.rng.betavariate(2.2, 1.8))
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

    def build(self):
        for profile in PROFILES:
            self.province_drafts(profile)
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
                    unrated_reason=Rating.UnratedReason.NEW if score is None else "",
                )
            )
        return rows

    def score(self, draft: Draft, year) -> Decimal | None:
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


class Gaps:
    """Where the demo registry is as patchy as a real one. Drawn from a random stream of its own,
    after the registry is drafted, so the registry underneath stays the same. `profiles` maps
    id(organisation) to its province's profile (unsaved organisations cannot be dict keys)."""

    MISSING_FIGURES = 0.04  # organisation-years whose figures were never filed
    # A few HTX stopped since a date and not dissolved (yet): the statuses a registry holds.
    STOPPED = (
        (Organisation.Status.SUSPENDED, 0.012),
        (Organisation.Status.DORMANT, 0.006),
        (Organisation.Status.DISSOLVING, 0.006),
    )
    TERM_FROM = 2020  # "trained at least once in the term" (Bắc Giang's 2020–2025 congress)

    def __init__(self, profiles, seed=GAPS_SEED):
        self.rng = random.Random(seed)
        self.profiles = profiles

    def silent(self, org, year) -> bool:
        return self.profiles[id(org)].silent_year == year

    def stop(self, drafts):
        """Suspend, lay dormant or start dissolving a few HTX, each since a day of 2021–2025."""
        for draft in drafts:
            org = draft.organisation
            if org.kind != HTX or org.dissolved_on or org.founded_on.year > 2023:
                continue
            roll = self.rng.random()
            for status, share in self.STOPPED:
                if roll < share:
                    first = max(org.founded_on + datetime.timedelta(days=400), datetime.date(2021, 1, 1))
                    org.status = status
                    org.status_since = first + datetime.timedelta(days=self.rng.randrange((LAST_DAY - first).days))
                    break
                roll -= share

    def figures(self, figures):
        """Drop the figures never filed: a stopped HTX's from the year it stopped, a silent
        province's in its silent year, and a few organisation-years at random."""
        kept = []
        for row in figures:
            if stopped_by(row.organisation, row.year) or self.silent(row.organisation, row.year):
                continue
            if self.rng.random() >= self.MISSING_FIGURES:
                kept.append(row)
        return kept

    def ratings(self, ratings):
        """A stopped HTX is unrated from the year it stopped (stopped more than 3 months, TT 01/2020);
        a silent province has no ratings in its silent year."""
        kept = []
        for row in ratings:
            if self.silent(row.organisation, row.year):
                continue
            if stopped_by(row.organisation, row.year):
                row.self_score = row.verified_score = None
                row.level, row.unrated_reason = Rating.Level.UNRATED, Rating.UnratedReason.STOPPED
            kept.append(row)
        return kept

    def actions(self, actions):
        """No support for an HTX once stopped; a second turn for some trade promotions and fairs;
        and the events of a province, which name no organisation and count the HTX that took part."""
        kept = [
            a for a in actions if not (a.organisation.status_since and a.occurred_on >= a.organisation.status_since)
        ]
        for action in list(kept):
            share = self.profiles[id(action.organisation)].repeat_turns if action.kind in TURNS else 0
            if share and self.rng.random() < share:
                again = datetime.date(action.occurred_on.year, self.rng.randint(1, 12), self.rng.randint(1, 28))
                kept.append(another_turn(action, max(again, action.organisation.founded_on)))
        for profile in PROFILES:
            kept += self.place_actions(profile)
        return kept

    def place_actions(self, profile):
        if not profile.place_actions:
            return []
        old = AdminUnit.objects.get(structure=AdminUnit.Structure.BEFORE_2025, level="province", code=profile.old_code)
        rows = []
        for kind, per_year in profile.place_actions.items():
            for year, turns in per_year.items():
                for count in turns:
                    # In the first half of the year: the old province still stood.
                    day = datetime.date(year, self.rng.randint(1, 6), self.rng.randint(1, 28))
                    description = PLACE_EVENTS[kind] % {"count": count}
                    rows.append(
                        SupportAction(
                            kind=kind,
                            occurred_on=day,
                            area=old,
                            province=old.current_province(),
                            count=count,
                            description=description,
                        )
                    )
        return rows

    def key_officers(self, figures, actions, drafts):
        """The key officers of the agricultural HTX of `drafts`, and how many of them were trained at
        least once in the term by each year (the officers a training course counted, from its year)."""
        officers = {id(d.organisation): self.rng.randint(3, 7) for d in drafts if is_agri_htx(d.organisation)}
        trained = {}  # id(organisation) -> (first training year, officers trained)
        for action in actions:
            if action.kind == A.MANAGER_TRAINING and id(action.organisation) in officers:
                year, count = trained.get(id(action.organisation), (9999, 0))
                trained[id(action.organisation)] = (min(year, action.occurred_on.year), count + action.count)
        for row in figures:
            if id(row.organisation) in officers:
                row.key_officers = officers[id(row.organisation)]
                if row.year >= self.TERM_FROM:
                    since, count = trained.get(id(row.organisation), (9999, 0))
                    row.key_officers_trained = min(row.key_officers, count) if row.year >= since else 0


TURNS = (A.TRADE_PROMOTION, A.TRADE_FAIR)
LAST_DAY = datetime.date(2025, 12, 31)
PLACE_EVENTS = {
    A.TRADE_FAIR: "Gian hàng chung của tỉnh tại hội chợ: %(count)s HTX tham gia",
    A.TRADE_PROMOTION: "Hội nghị xúc tiến thương mại của tỉnh: %(count)s HTX tham gia",
    A.MANAGER_TRAINING: "Lớp bồi dưỡng cán bộ quản lý HTX của tỉnh: %(count)s học viên",
}


def stopped_by(org, year) -> bool:
    """Whether an organisation was suspended, dormant or dissolving in `year` (it files nothing then)."""
    return org is not None and org.status_since is not None and not org.dissolved_on and org.status_since.year <= year


def is_agri_htx(org) -> bool:
    return org.kind == HTX and org.sector == AGRI


def another_turn(action, day):
    """The same HTX supported again in the year: one more turn."""
    return SupportAction(
        kind=action.kind, occurred_on=day, organisation=action.organisation, area=action.area, province=action.province
    )


def registry_load(seed=SEED) -> dict[str, int]:
    """Create the demo registry, leaving alone the organisations (and the events of a place) it
    already created. Returns how many rows of each kind were created.
    """
    builder = RegistryBuilder(seed)
    drafts = builder.build()
    profiles = {id(d.organisation): profile for profile, group in builder.by_profile for d in group}
    gaps = Gaps(profiles)
    gaps.stop(drafts)
    rows = YearlyRows(builder.rng)
    existing = set(Organisation.objects.filter(name__in=builder.names).values_list("name", flat=True))
    new = [draft for draft in drafts if draft.organisation.name not in existing]
    figures = gaps.figures([row for draft in drafts for row in rows.figures(draft)])
    ratings = gaps.ratings([row for draft in drafts for row in rows.ratings(draft)])
    actions = []
    for profile, group in builder.by_profile:
        actions += rows.province_actions(group, profile)
        if profile.trains_agri_officers:
            actions += rows.officer_trainings(group)
    actions = gaps.actions(actions)
    for profile, group in builder.by_profile:
        if profile.trains_agri_officers:
            gaps.key_officers(figures, actions, group)
    # Bulk inserts write no history: each row gets its "created" row, so the first correction of
    # a demo record shows its before → after like any other.
    Organisation.objects.bulk_create([draft.organisation for draft in new], batch_size=500)
    Organisation.history.bulk_history_create([draft.organisation for draft in new], batch_size=500)
    new_ids = {id(draft.organisation) for draft in new}
    created = {"organisations": len(new)}
    events = set(
        SupportAction.objects.filter(organisation__isnull=True).values_list("kind", "occurred_on", "description")
    )
    for what, model, batch in (
        ("yearly figures", YearlyFigures, figures),
        ("ratings", Rating, ratings),
        ("support actions", SupportAction, actions),
    ):
        fresh = [row for row in batch if id(row.organisation) in new_ids or _new_event(row, events)]
        model.objects.bulk_create(fresh, batch_size=1000)
        model.history.bulk_history_create(fresh, batch_size=1000)
        created[what] = len(fresh)
    return created


def _new_event(row, events) -> bool:
    """An action of a place (no organisation) not created yet."""
    return (
        isinstance(row, SupportAction)
        and row.organisation is None
        and ((row.kind, row.occurred_on, row.description) not in events)
    )


def round_vnd(value: float) -> Decimal:
    """Round to the thousand đồng, as reports do."""
    return Decimal(int(math.floor(value / 1000)) * 1000)
