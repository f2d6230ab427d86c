"""The registry: administrative units and the cooperative organisations in them.

Places are one graph (see README, "Places"): every nation, province, district
and commune of both structures (63 provinces before 1/7/2025, 34 from then on)
is an `AdminUnit`; `UnitSuccession` links old units to the new ones they went
into; `UnitLineage` is the closure "descendant lies inside ancestor" over
parents and successions, rebuilt on every import, so that "the HTX of old Bắc
Giang in 2026" and "the HTX of new Bắc Ninh in 2022" are the same join.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, connections, models, router
from django.db.models import Case, Count, Exists, FilteredRelation, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoricalQuerySet
from simple_history.models import HistoricalRecords

MERGER_DATE = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE_MERGER = datetime.date(2025, 6, 30)
NATION_CODE = "VN"


class AdminUnitQuerySet(models.QuerySet):
    def provinces(self):
        return self.filter(level=AdminUnit.Level.PROVINCE)

    def communes(self):
        return self.filter(level=AdminUnit.Level.COMMUNE)

    def of_structure(self, structure):
        return self.filter(structure=structure)

    def valid_on(self, day: datetime.date):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def containing(self, unit):
        """Units whose area holds `unit` (itself included), through the lineage."""
        return self.filter(lineage_descendants__descendant=unit)

    def inside(self, unit):
        """Units lying inside `unit` (itself included), through the lineage."""
        return self.filter(lineage_ancestors__ancestor=unit)

    def visible_to(self, user):
        """Places whose pages an account may open: all, or those inside its province (old ones too)."""
        province = user.scope_province
        if province is None:
            return self if user.is_active else self.none()
        return self.inside(province)

    def current_provinces(self):
        return self.provinces().of_structure(AdminUnit.Structure.FROM_2025).order_by("code")


class AdminUnit(models.Model):
    """A place at any level: the nation, a province, a district or a commune."""

    class Level(models.TextChoices):
        NATION = "nation", _("Toàn quốc")
        PROVINCE = "province", _("Tỉnh/thành phố")
        DISTRICT = "district", _("Quận/huyện")
        COMMUNE = "commune", _("Xã/phường")

    class Structure(models.TextChoices):
        # Which administrative map the unit belongs to. Codes are reused between
        # the two (new Bắc Ninh took old Bắc Giang's 24), so a code is unique
        # only within a structure and level.
        BEFORE_2025 = "63", _("Trước 1/7/2025 (63 tỉnh)")
        FROM_2025 = "34", _("Từ 1/7/2025 (34 tỉnh)")
        ALWAYS = "*", _("Không đổi")

    class Kind(models.TextChoices):
        NATION = "nation", _("Quốc gia")
        MUNICIPALITY = "municipality", _("Thành phố trực thuộc trung ương")
        PROVINCE = "province", _("Tỉnh")
        URBAN_DISTRICT = "urban_district", _("Quận")
        DISTRICT = "district", _("Huyện")
        TOWN = "district_level_town", _("Thị xã")
        PROVINCIAL_CITY = "provincial_city", _("Thành phố thuộc tỉnh")
        MUNICIPAL_CITY = "municipal_city", _("Thành phố thuộc thành phố trực thuộc trung ương")
        WARD = "ward", _("Phường")
        COMMUNE = "commune", _("Xã")
        TOWNSHIP = "commune_level_town", _("Thị trấn")
        SPECIAL_ZONE = "special_administrative_region", _("Đặc khu")

    code = models.CharField(_("mã"), max_length=8)
    name = models.CharField(_("tên"), max_length=100)
    full_name = models.CharField(_("tên đầy đủ"), max_length=150)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=100, blank=True)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("loại"), max_length=32, choices=Kind.choices)
    structure = models.CharField(_("hệ thống"), max_length=2, choices=Structure.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("trực thuộc")
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "structure", "code"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "level", "code"], name="adminunit_code_unique_in_structure"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="adminunit_valid_from_le_valid_to",
            ),
            models.CheckConstraint(
                condition=Q(level="nation") | Q(parent__isnull=False), name="adminunit_only_nation_has_no_parent"
            ),
        ]
        indexes = [
            # Pickers and importers look units up by level and code, across structures.
            models.Index(fields=["level", "code"], name="adminunit_level_code_idx"),
            # The registry sorted by commune: the communes walked by name, each one's organisations
            # joined by their commune's index (a page reads a few communes, not 110,000 rows).
            models.Index(fields=["name", "id"], name="adminunit_name_id_idx"),
        ]

    def __str__(self):
        if self.structure == self.Structure.BEFORE_2025 and self.level == self.Level.PROVINCE:
            return _("%(name)s (cũ)") % {"name": self.full_name}
        return self.full_name

    @property
    def is_before_merger(self) -> bool:
        return self.structure == self.Structure.BEFORE_2025

    def current_province(self) -> "AdminUnit":
        """The 34-province unit that holds this unit today (every old province went whole into one)."""
        province = self
        while province.level != self.Level.PROVINCE:
            province = province.parent
        if province.structure == self.Structure.BEFORE_2025:
            province = province.successions.get().successor
        return province


class ProvinceBoundary(models.Model):
    """A province's outline on the maps: a GeoJSON Polygon or MultiPolygon (longitude, latitude;
    exterior rings clockwise, as d3-geo draws them), loaded by `manage.py import_province_maps`."""

    unit = models.OneToOneField(
        AdminUnit,
        models.CASCADE,
        related_name="boundary",
        limit_choices_to={"level": "province"},
        verbose_name=_("tỉnh/thành phố"),
    )
    geometry = models.JSONField(_("ranh giới"))
    source = models.CharField(_("nguồn"), max_length=200)
    loaded_at = models.DateTimeField(_("nạp lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ranh giới tỉnh")
        verbose_name_plural = _("ranh giới tỉnh")

    def __str__(self):
        return str(self.unit)


class UnitSuccession(models.Model):
    """An old unit whose area went (whole or in part) into a new one."""

    predecessor = models.ForeignKey(AdminUnit, models.CASCADE, related_name="successions", verbose_name=_("đơn vị cũ"))
    successor = models.ForeignKey(AdminUnit, models.CASCADE, related_name="predecessions", verbose_name=_("đơn vị mới"))
    effective_on = models.DateField(_("ngày hiệu lực"), default=MERGER_DATE)

    class Meta:
        verbose_name = _("sắp xếp đơn vị hành chính")
        verbose_name_plural = _("sắp xếp đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unitsuccession_unique_pair"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="unitsuccession_not_self"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"


class UnitLineage(models.Model):
    """Closure row: `descendant` lies inside `ancestor` (every unit lies inside itself).

    Written only by `cooperatives.services.lineage_rebuild`.
    """

    ancestor = models.ForeignKey(AdminUnit, models.CASCADE, related_name="lineage_descendants")
    descendant = models.ForeignKey(AdminUnit, models.CASCADE, related_name="lineage_ancestors")

    class Meta:
        verbose_name = _("quan hệ địa bàn")
        verbose_name_plural = _("quan hệ địa bàn")
        constraints = [
            models.UniqueConstraint(fields=["ancestor", "descendant"], name="unitlineage_unique_pair"),
        ]
        indexes = [
            # Progress rules join organisation.commune → lineage.descendant and group by ancestor.
            models.Index(fields=["descendant", "ancestor"], name="unitlineage_desc_anc_idx"),
        ]

    def __str__(self):
        return f"{self.descendant_id} ⊂ {self.ancestor_id}"


def left_on(prefix=""):
    """When an organisation stopped operating, in SQL: none while its status is active; else its
    dissolution date (dissolved, bankrupt, reorganised), or the date of its status (suspended,
    dormant, dissolving: `status_since`); without either, its founding date, since the registry
    cannot say when it stopped. "Active at a date" (the figures, the registry) means founded by
    then and not stopped by then."""
    return Case(
        When(**{f"{prefix}status": Organisation.Status.ACTIVE}, then=None),
        default=Coalesce(f"{prefix}dissolved_on", f"{prefix}status_since", f"{prefix}founded_on"),
        output_field=models.DateField(),
    )


def operating_at_end_of(year, prefix="") -> Q:
    """Founded by the end of `year` (a number or an expression such as F("year")) and not stopped by
    then: `left_on` as a condition, for rows that reach the organisation through `prefix`."""

    def field(name):
        return f"{prefix}{name}"

    stopped_later = (
        Q(**{field("status"): Organisation.Status.ACTIVE})
        | Q(**{f"{field('dissolved_on')}__year__gt": year})
        | Q(**{f"{field('dissolved_on')}__isnull": True, f"{field('status_since')}__year__gt": year})
        | Q(
            **{
                f"{field('dissolved_on')}__isnull": True,
                f"{field('status_since')}__isnull": True,
                f"{field('founded_on')}__year__gt": year,
            }
        )
    )
    return Q(**{f"{field('founded_on')}__year__lte": year}) & stopped_later


# The registry list's columns sorted on the organisation's own row (Organisation.Meta.indexes).
SORTED_BY = ("name", "registration_code", "kind", "sector", "status", "founded_on")


class OrganisationQuerySet(models.QuerySet):
    def cooperatives(self):
        return self.filter(kind=Organisation.Kind.COOPERATIVE)

    def in_area(self, area):
        """Organisations whose commune lies inside `area` (through the lineage, across the merger)."""
        return self.filter(commune__lineage_ancestors__ancestor=area)

    def active_on(self, day: datetime.date):
        """Operating on `day`: founded by then, and not stopped by then (`left_on`)."""
        return self.alias(left=left_on()).filter(Q(left__isnull=True) | Q(left__gt=day), founded_on__lte=day)

    def visible_to(self, user):
        """The one scope every list of organisations goes through (see accounts.User)."""
        province = user.scope_province
        if province is None:
            return self if user.is_active else self.none()
        return self.filter(province=province)

    def in_area_of_any(self, units):
        return self.filter(commune__lineage_ancestors__ancestor__in=units)

    def in_place(self, unit):
        """Organisations of a place; a current province reads its own column, faster than the lineage,
        and the nation holds every organisation (each has a commune, and every commune lies in it)."""
        if unit.level == AdminUnit.Level.NATION:
            return self.all()
        if unit.level == AdminUnit.Level.PROVINCE and unit.structure == AdminUnit.Structure.FROM_2025:
            return self.filter(province=unit)
        return self.in_area(unit)

    def in_commune(self, commune):
        """Organisations of a commune of today's map, and of the old communes that went into it.

        An old commune split across several new ones counts in each of them: the registry
        holds no finer address to tell which part an organisation was in.
        """
        return self.filter(Q(commune=commune) | Q(commune__successions__successor=commune)).distinct()

    def search(self, words: str):
        return self.filter(Q(name__icontains=words) | Q(registration_code__icontains=words))

    def rated_in(self, year, level):
        """HTX whose counted rating of `year` is `level` (Rating.objects.counted, its test of the kind
        made here): an uncorrelated IN, the year's ratings of that level read once, in organisation
        order from rating_year_level_org_idx."""
        counted = Rating.objects.filter(year=year, level=level).counted_by_scheme()
        return self.filter(kind=Organisation.Kind.COOPERATIVE, pk__in=counted.values("organisation_id"))

    def for_registry(self, rating_year):
        """Rows of the registry list: places joined, and the level each had in `rating_year`."""
        level = Rating.objects.counted().filter(organisation=OuterRef("pk"), year=rating_year).values("level")
        return self.select_related("province", "commune").annotate(rating_level=Subquery(level[:1]))

    def ordered_by_rating(self, year, *, descending=False):
        """From the best level the counted rating of `year` gives (Rating.objects.counted) to the
        worst, then "unrated", then the organisations with none that year (no THT nor union has
        one); `descending`, the other way round. Two outer joins on the year's rating of each scheme
        (one row each at most: a constraint), the TT 01/2020 one first, as counted() reads them:
        a subquery per organisation would run 110,000 times."""

        def of_scheme(scheme):
            return FilteredRelation("ratings", condition=Q(ratings__year=year, ratings__scheme=scheme))

        joined = {"rating_tt01": of_scheme(Rating.Scheme.TT01_2020), "rating_tt09": of_scheme(Rating.Scheme.TT09_2017)}
        level = Coalesce("rating_tt01__level", "rating_tt09__level")
        level = Case(When(kind=Organisation.Kind.COOPERATIVE, then=level))
        rank = Case(*(When(counted_level=lvl, then=n) for n, lvl in enumerate(RATING_ORDER)), default=len(RATING_ORDER))
        ranked = self.annotate(**joined).annotate(counted_level=level).annotate(rating_rank=rank)
        return ranked.order_by("-rating_rank" if descending else "rating_rank")

    def by_rating_in_parts(self, year, *, descending=False):
        """The rows of ordered_by_rating(year, descending) ended by the primary key, as parts (one per
        level of RATING_ORDER, then those with none that year), each in id order: the level's
        counted ratings are a range of rating_year_level_org_idx in organisation order, so a page
        reads a few index entries where the sort ranks all 110,000 organisations (LargeTablePaginator).
        Lazy: a part is built when the page reaches it."""
        # The two schemes ordered_by_rating joins, the TT 01/2020 one first (counted_by_scheme).
        schemes = (Rating.Scheme.TT01_2020, Rating.Scheme.TT09_2017)
        counted = Rating.objects.filter(year=year, scheme__in=schemes).counted_by_scheme()
        cooperative = Q(kind=Organisation.Kind.COOPERATIVE)
        order = "-pk" if descending else "pk"
        ranks = [*RATING_ORDER, None]  # None: no counted rating that year, or not an HTX
        for level in reversed(ranks) if descending else ranks:  # built when read: page 1 reads one
            if level is None:
                ranked = Exists(counted.filter(organisation=OuterRef("pk"), level__in=RATING_ORDER))
                part = self.filter(~cooperative | ~ranked)
            else:
                part = self.filter(cooperative, pk__in=counted.filter(level=level).values("organisation_id"))
            yield part.order_by(order)

    def by_province_in_parts(self, *, descending=False):
        """The rows in the order of their province's code, then id (the registry's sort by province),
        as parts: the organisations of each code (one province; two only if a code was reused), on
        the index (province, id). Lazy: the provinces are read when the first part is."""
        codes = {}  # in the database's order of the codes, as the sort compares them
        for code, pk in (
            AdminUnit.objects.filter(level=AdminUnit.Level.PROVINCE).order_by("code").values_list("code", "pk")
        ):
            codes.setdefault(code, []).append(pk)
        order = "-pk" if descending else "pk"
        for pks in reversed(codes.values()) if descending else codes.values():
            yield self.filter(province_id__in=pks).order_by(order)

    def kind_sector_status_counts(self):
        """One grouped query for the registry in numbers: (kind, sector, status) -> how many."""
        return self.order_by().values("kind", "sector", "status").annotate(count=Count("pk"))

    def founded_by_year(self, **group):
        """Organisations founded per year and kind (and any extra grouping, e.g. an ancestor place)."""
        return (
            self.order_by()
            .annotate(year=ExtractYear("founded_on"))
            .values("year", "kind", **{name: models.F(path) for name, path in group.items()})
            .annotate(count=Count("pk"))
        )


class OrganisationHistoryQuerySet(HistoricalQuerySet):
    """Organisation.history: every saved state of every organisation, deleted ones included."""

    def deleted(self):
        """The last state of each organisation deleted and not restored (a restore writes a later row)."""
        gone = self.latest_of_each().filter(history_type="-")
        return gone.exclude(id__in=Organisation.objects.values("pk"))

    def visible_to(self, user):
        """Rows of the account's province, by the province the organisation had in that state."""
        province = user.scope_province
        if province is None:
            return self if user.is_active else self.none()
        return self.filter(province_id=province.pk)


class Organisation(models.Model):
    """A cooperative group (THT), cooperative (HTX) or union of cooperatives (LH HTX)."""

    class Kind(models.TextChoices):
        COOPERATIVE_GROUP = "tht", _("Tổ hợp tác")
        COOPERATIVE = "htx", _("Hợp tác xã")
        UNION = "lhhtx", _("Liên hiệp hợp tác xã")

    class Sector(models.TextChoices):
        AGRICULTURE = "agriculture", _("Nông nghiệp")
        INDUSTRY_HANDICRAFT = "industry_handicraft", _("Công nghiệp – tiểu thủ công nghiệp")
        CONSTRUCTION = "construction", _("Xây dựng")
        TRADE_SERVICES = "trade_services", _("Thương mại – dịch vụ")
        TRANSPORT = "transport", _("Vận tải")
        PEOPLES_CREDIT_FUND = "peoples_credit_fund", _("Quỹ tín dụng nhân dân")
        ENVIRONMENT_SERVICES = "environment_services", _("Môi trường")
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang hoạt động")
        SUSPENDED = "suspended", _("Tạm ngừng")
        DORMANT = "dormant", _("Ngừng hoạt động")
        DISSOLVING = "dissolving", _("Đang giải thể")
        DISSOLVED = "dissolved", _("Đã giải thể")
        BANKRUPT = "bankrupt", _("Phá sản")
        REORGANISED = "reorganised", _("Tổ chức lại")

    ENDED_STATUSES = (Status.DISSOLVED, Status.BANKRUPT, Status.REORGANISED)

    kind = models.CharField(_("loại hình"), max_length=5, choices=Kind.choices)
    registration_code = models.CharField(
        _("mã số đăng ký"),
        max_length=20,
        blank=True,
        help_text=_("Mã số HTX/LH HTX (mã số thuế 10 số); THT có thể để trống."),
    )
    name = models.CharField(_("tên"), max_length=255)
    foreign_name = models.CharField(_("tên nước ngoài"), max_length=255, blank=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    sector = models.CharField(_("lĩnh vực"), max_length=24, choices=Sector.choices)
    business_lines = models.TextField(_("ngành nghề kinh doanh"), blank=True)
    province = models.ForeignKey(
        AdminUnit,
        models.PROTECT,
        related_name="+",
        limit_choices_to={"level": AdminUnit.Level.PROVINCE, "structure": AdminUnit.Structure.FROM_2025},
        blank=True,
        verbose_name=_("tỉnh/thành phố quản lý"),
        help_text=_("Tỉnh hiện hành (34 tỉnh); tự điền theo xã."),
    )
    # Required: every figure is placed through the commune's lineage (README, "Places").
    commune = models.ForeignKey(
        AdminUnit,
        models.PROTECT,
        related_name="organisations",
        limit_choices_to={"level": AdminUnit.Level.COMMUNE},
        verbose_name=_("xã/phường"),
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    legal_representative = models.CharField(_("người đại diện theo pháp luật"), max_length=150, blank=True)
    founded_on = models.DateField(_("ngày thành lập"))
    # Provincial lists often give only the founding year: it is stored as 1 January of that year.
    founded_year_only = models.BooleanField(
        _("chỉ biết năm thành lập"), default=False, help_text=_("Ngày thành lập ghi là 01/01 của năm đó.")
    )
    registered_on = models.DateField(_("ngày đăng ký"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    status_since = models.DateField(_("tình trạng từ ngày"), null=True, blank=True)
    dissolved_on = models.DateField(
        _("ngày chấm dứt hoạt động"), null=True, blank=True, help_text=_("Giải thể, phá sản hoặc tổ chức lại.")
    )
    alliance_joined_on = models.DateField(
        _("ngày gia nhập Liên minh HTX tỉnh"), null=True, blank=True, help_text=_("Để trống nếu không là thành viên.")
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(historical_queryset=OrganisationHistoryQuerySet)

    class Meta:
        verbose_name = _("tổ chức kinh tế hợp tác")
        verbose_name_plural = _("tổ chức kinh tế hợp tác")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_code"],
                condition=~Q(registration_code=""),
                name="organisation_registration_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=models.F("founded_on")),
                name="organisation_dissolved_after_founded",
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(status__in=["dissolved", "bankrupt", "reorganised"]),
                name="organisation_dissolved_on_needs_ended_status",
            ),
        ]
        indexes = [
            # Staff lists and per-province aggregates filter by province and kind.
            models.Index(fields=["province", "kind"], name="organisation_province_kind_idx"),
            # A province's organisations by name: the round page's score issues (the first 200 by
            # name, 25 → 6 ms at national scale; without it PostgreSQL walks every name of the country).
            models.Index(fields=["province", "name", "id"], name="org_province_name_id_idx"),
            # "Founded in a period" counts scan by kind and founding date.
            models.Index(fields=["kind", "founded_on"], name="organisation_kind_founded_idx"),
            # The registry list's sorts, each ended by the primary key (a total order: LargeTablePaginator),
            # read backwards for the descending ones: a page of the national registry is a short
            # index-only scan, not a sort of 110,000 rows.
            *(models.Index(fields=[field, "id"], name=f"org_{field[:12]}_id_idx") for field in SORTED_BY),
            # The registry filtered by kind and status (the active HTX): its capped count, index-only.
            models.Index(fields=["kind", "status"], name="org_kind_status_idx"),
            # The sort by province, read province by province in id order (by_province_in_parts).
            models.Index(fields=["province", "id"], name="org_province_id_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Derived, never typed: the progress rules group current provinces on this column.
        self.province = self.commune.current_province()
        super().save(*args, **kwargs)  # post_save announces what changed (cooperatives.signals)
        self._remember_values(kwargs.get("update_fields"))

    def get_absolute_url(self):
        return reverse("organisation_detail", args=[self.pk])

    # The row as read from the database or last saved, attname -> value; None for a new instance.
    _loaded_values: dict | None = None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def changed_fields(self, among=None) -> frozenset[str] | None:
        """The attnames whose values differ from the row as loaded or last saved (of `among`, field
        names, if given); None for an instance never read nor saved: all of it is new.

        A field deferred when loaded and set since counts as changed; one never loaded does not."""
        if self._loaded_values is None:
            return None
        loaded, now = self._loaded_values, self.__dict__
        return frozenset(name for name in self._attnames(among) if name not in loaded or loaded[name] != now[name])

    def _remember_values(self, update_fields):
        saved = {name: self.__dict__[name] for name in self._attnames(update_fields)}
        self._loaded_values = {**(self._loaded_values or {}), **saved}

    def _attnames(self, among) -> list[str]:
        """The loaded or set attnames (an unloaded deferred field is missing from __dict__)."""
        fields = self._meta.concrete_fields if among is None else [self._meta.get_field(name) for name in among]
        return [field.attname for field in fields if field.attname in self.__dict__]

    @property
    def is_alliance_member(self) -> bool:
        return self.alliance_joined_on is not None

    @property
    def left_on(self) -> datetime.date | None:
        """The day it stopped operating (the same rule as `left_on()` in SQL)."""
        if self.status == self.Status.ACTIVE:
            return None
        return self.dissolved_on or self.status_since or self.founded_on

    def is_active_on(self, day: datetime.date) -> bool:
        return self.founded_on <= day and (self.left_on is None or self.left_on > day)


class RoundRows:
    """A model whose rows belong to a province's reporting round by a year and a place (mixed into
    YearlyFigures, Rating, SupportAction and plans' EnteredValue; `ROUND_ROW_MODELS` lists them).

    `round_key()`: (year, id of the place) of the row as it is now; `round_filter(province, year)`:
    the rows of that round, as a condition that works on the model and on its history."""

    round_kind: str  # the name of its count, in a RoundEvent's counts

    def round_key(self):
        raise NotImplementedError

    @classmethod
    def round_filter(cls, province, year) -> Q:
        raise NotImplementedError

    def _year_of(self, name) -> int | None:
        """The year of a field, a year or a date, however it was set (a save takes "2025-06-30")."""
        try:
            value = self._meta.get_field(name).to_python(getattr(self, name))
        except ValidationError:
            return None  # the save itself refuses it
        return getattr(value, "year", value)

    def _organisation_key(self, year):
        """(year, commune of the row's organisation), for the rows of an organisation."""
        if year is None or self.organisation_id is None:
            return None
        commune = Organisation.objects.filter(pk=self.organisation_id).values_list("commune_id", flat=True).first()
        return (year, commune)

    def check_round(self) -> None:
        """Refuse (RoundLocked) a write into a locked round: of the row as stored, and as it would be."""
        keys = {self.round_key()}
        if self.pk is not None:
            stored = type(self)._default_manager.filter(pk=self.pk).first()
            if stored is not None:
                keys.add(stored.round_key())
        found = ReportingRound.objects.locking(keys)
        if found is not None:
            raise RoundLocked(found)


class OrganisationYearRows(RoundRows):
    """Rows of an organisation and a year (yearly figures, ratings): their round is the year's of
    the province the organisation lies in."""

    def round_key(self):
        return self._organisation_key(self._year_of("year"))

    @classmethod
    def round_filter(cls, province, year) -> Q:
        if province.structure == AdminUnit.Structure.FROM_2025:  # its own column: faster than the lineage
            return Q(year=year, organisation__province=province)
        return Q(year=year, organisation__commune__lineage_ancestors__ancestor=province)


class YearlyFiguresQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Figures of the organisations the account reads."""
        return self.filter(organisation__in=Organisation.objects.visible_to(user).values("pk"))

    def of_cooperatives(self):
        return self.filter(organisation__kind=Organisation.Kind.COOPERATIVE)

    def size_counts(self):
        """HTX per size band (TT 01/2020 art. 4), in one grouped query."""
        band = SizeBand.expression()
        return (
            self.filter(members__isnull=False).order_by().annotate(band=band).values("band").annotate(count=Count("pk"))
        )


TRAINED_OFFICERS_MESSAGE = _("Số cán bộ chủ chốt đã được tập huấn không thể vượt số cán bộ chủ chốt.")


class YearlyFigures(OrganisationYearRows, models.Model):
    """One organisation's figures for one year, as reported by 15/12 (TT 09/2024)."""

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="yearly_figures", verbose_name=_("tổ chức")
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    members = models.PositiveIntegerField(_("số thành viên"), null=True, blank=True)
    workers = models.PositiveIntegerField(_("số lao động thường xuyên"), null=True, blank=True)
    charter_capital = models.DecimalField(
        _("vốn điều lệ (đồng)"), max_digits=18, decimal_places=0, null=True, blank=True
    )
    revenue = models.DecimalField(_("doanh thu (đồng)"), max_digits=18, decimal_places=0, null=True, blank=True)
    profit = models.DecimalField(_("lợi nhuận (đồng)"), max_digits=18, decimal_places=0, null=True, blank=True)
    average_income = models.DecimalField(
        _("thu nhập bình quân (đồng/người/năm)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    linked_with_enterprise = models.BooleanField(_("liên kết với doanh nghiệp"), default=False)
    high_technology = models.BooleanField(_("ứng dụng công nghệ cao"), default=False)
    ocop_products = models.PositiveSmallIntegerField(_("số sản phẩm OCOP"), default=0)
    ocop_max_stars = models.PositiveSmallIntegerField(
        _("hạng sao OCOP cao nhất"), null=True, blank=True, validators=[MinValueValidator(3), MaxValueValidator(5)]
    )
    # "100% số cán bộ chủ chốt HTX … tham gia ít nhất một khóa tập huấn": counted over people.
    key_officers = models.PositiveIntegerField(_("số cán bộ chủ chốt"), null=True, blank=True)
    key_officers_trained = models.PositiveIntegerField(
        _("số cán bộ chủ chốt đã được tập huấn"),
        null=True,
        blank=True,
        help_text=_("Đã tham gia ít nhất một khóa tập huấn trong nhiệm kỳ."),
    )

    objects = YearlyFiguresQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("số liệu năm")
        verbose_name_plural = _("số liệu năm")
        ordering = ["organisation", "year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="yearlyfigures_one_per_organisation_year"),
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2100), name="yearlyfigures_year_range"),
            models.CheckConstraint(
                condition=Q(ocop_max_stars__isnull=True) | Q(ocop_max_stars__gte=3, ocop_max_stars__lte=5),
                name="yearlyfigures_ocop_stars_3_to_5",
            ),
            models.CheckConstraint(
                condition=Q(charter_capital__isnull=True) | Q(charter_capital__gte=0),
                name="yearlyfigures_capital_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(revenue__isnull=True) | Q(revenue__gte=0), name="yearlyfigures_revenue_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(key_officers_trained__isnull=True)
                | Q(key_officers__isnull=False, key_officers_trained__lte=models.F("key_officers")),
                name="yearlyfigures_trained_officers_among_officers",
            ),
        ]
        indexes = [
            # Per-year aggregates (average revenue, income, size bands) scan one year at a time.
            models.Index(fields=["year", "organisation"], name="yearlyfigures_year_org_idx"),
            # The progress rules read these columns for every HTX of a place: with them in the
            # index a one-province recompute reads no table rows (80 → 30 ms at national scale).
            # Every column a rule reads of the figures must be here, or PostgreSQL reads the table
            # again (the key officers, read by the trained share, were missing: 50 → 15 ms).
            # PostgreSQL only; SQLite builds it on the key columns.
            models.Index(
                fields=["organisation", "year"],
                include=[
                    "members",
                    "revenue",
                    "average_income",
                    "linked_with_enterprise",
                    "key_officers",
                    "key_officers_trained",
                ],
                name="yearlyfigures_cover2_idx",
            ),
            # The API lists a year's figures page after page in id order (its cursor): without it
            # PostgreSQL walks the primary key past every other year (300 ms at national scale).
            models.Index(fields=["year", "id"], name="yearlyfigures_year_id_idx"),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.year}"

    round_kind = "figures"

    def clean(self):
        self.check_round()
        trained, officers = self.key_officers_trained, self.key_officers
        if trained is not None and (officers is None or trained > officers):
            raise ValidationError({"key_officers_trained": TRAINED_OFFICERS_MESSAGE})

    @property
    def revenue_millions(self) -> Decimal | None:
        """Revenue in triệu đồng, as reports print it."""
        return None if self.revenue is None else self.revenue / 1_000_000


class SizeBand(models.TextChoices):
    """HTX size by members (TT 01/2020/TT-BKHĐT art. 4)."""

    MICRO = "micro", _("Siêu nhỏ (dưới 50 thành viên)")
    SMALL = "small", _("Nhỏ (50–300)")
    MEDIUM = "medium", _("Vừa (trên 300–1.000)")
    LARGE = "large", _("Lớn (trên 1.000)")

    @classmethod
    def for_members(cls, members: int | None):
        if members is None:
            return None
        return next((band for band, most in SIZE_BAND_LIMITS if members <= most), cls.LARGE)

    @classmethod
    def expression(cls, field: str = "members"):
        """The same bands in SQL, for grouped counts."""
        whens = [When(**{f"{field}__lte": most}, then=models.Value(band)) for band, most in SIZE_BAND_LIMITS]
        return Case(*whens, default=models.Value(cls.LARGE))


# The most members of each band (the one law, read by Python, SQL and the progress rules).
SIZE_BAND_LIMITS = ((SizeBand.MICRO, 49), (SizeBand.SMALL, 300), (SizeBand.MEDIUM, 1000))
SMALL_OR_LARGER_FROM = SIZE_BAND_LIMITS[0][1] + 1


def _score_band(field: str) -> Q:
    """The legal bands of TT 01/2020 as a condition tying `level` to a score field."""
    return (
        Q(**{f"{field}__gte": 80}, level="good")
        | Q(**{f"{field}__gte": 65, f"{field}__lt": 80}, level="fair")
        | Q(**{f"{field}__gte": 50, f"{field}__lt": 65}, level="average")
        | Q(**{f"{field}__lt": 50}, level="weak")
    )


class RatingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Ratings of the organisations the account reads."""
        return self.filter(organisation__in=Organisation.objects.visible_to(user).values("pk"))

    def counted(self, *, years: tuple[int, int] | None = None):
        """The rating that counts, one per HTX and year: under TT 01/2020 (every HTX since 1/4/2020)
        where there is one, else under the agricultural scheme TT 09/2017; within a rating the
        verified score over the self-score (the level follows it: a database constraint). Ratings of
        organisations that are not HTX count nowhere. The one definition the progress rules, the
        registry list, the province page and every drill-down read.

        `years=(first, last)` narrows to those years and, when none of them holds a TT 09/2017
        rating, leaves out the de-duplicating subquery: the same rows, 1.5× faster to aggregate."""
        rows = self.filter(organisation__kind=Organisation.Kind.COOPERATIVE)
        if years is not None:
            rows = rows.filter(year__range=years)
            if not Rating.objects.filter(year__range=years, scheme=Rating.Scheme.TT09_2017).exists():
                return rows
        return rows.counted_by_scheme()

    def counted_by_scheme(self):
        """counted() without its test of the organisation's kind, for a caller that makes it on the
        organisation itself (Organisation.objects.rated_in): a join less, and the rows of a year and
        level are then a range of rating_year_level_org_idx in organisation order."""
        general = Rating.objects.filter(
            organisation=OuterRef("organisation"), year=OuterRef("year"), scheme=Rating.Scheme.TT01_2020
        )
        return self.filter(Q(scheme=Rating.Scheme.TT01_2020) | ~Exists(general))

    def of_organisations(self, organisations):
        return self.filter(organisation__in=organisations.values("pk"))

    def years(self) -> list[int]:
        """Every year that has a rating, latest first, in a dozen index look-ups (one per year found,
        on rating_year_level_org_idx) where SELECT DISTINCT reads the whole index: 20–40 ms at national
        scale, on every request of the registry list. Of all ratings: it takes no filter."""
        table = connection.ops.quote_name(Rating._meta.db_table)
        sql = (
            f"WITH RECURSIVE found(year) AS (SELECT MAX(year) FROM {table} "
            f"UNION ALL SELECT (SELECT MAX(year) FROM {table} WHERE year < found.year) FROM found "
            "WHERE found.year IS NOT NULL) SELECT year FROM found WHERE year IS NOT NULL"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [year for (year,) in cursor.fetchall()]

    def level_counts_by_year(self):
        """The rating distribution: (year, level) -> how many HTX, in one grouped query."""
        return self.order_by("year").values("year", "level").annotate(count=Count("pk"))


# The levels from best to worst, "unrated" last: the registry's order (a list sorted by rating).
RATING_ORDER = ("good", "fair", "average", "weak", "unrated")


class Rating(OrganisationYearRows, models.Model):
    """The yearly classification (xếp loại) of an HTX under one legal scheme."""

    class Scheme(models.TextChoices):
        TT01_2020 = "tt01_2020", _("TT 01/2020/TT-BKHĐT (mọi HTX)")
        TT09_2017 = "tt09_2017", _("TT 09/2017/TT-BNNPTNT (HTX nông nghiệp)")

    class Level(models.TextChoices):
        GOOD = "good", _("Tốt")
        FAIR = "fair", _("Khá")
        AVERAGE = "average", _("Trung bình")
        WEAK = "weak", _("Yếu")
        UNRATED = "unrated", _("Chưa xếp loại")

        @classmethod
        def for_score(cls, score: Decimal):
            if score >= 80:
                return cls.GOOD
            if score >= 65:
                return cls.FAIR
            if score >= 50:
                return cls.AVERAGE
            return cls.WEAK

    class UnratedReason(models.TextChoices):
        # The two cases TT 01/2020 leaves an HTX unrated for the year.
        NEW = "new", _("Hoạt động chưa đủ 12 tháng trong năm")
        STOPPED = "stopped", _("Ngừng hoạt động quá 3 tháng trong năm")
        NONE = "", _("—")

    EFFECTIVE_LEVELS = (Level.GOOD, Level.FAIR)  # "hoạt động hiệu quả" = Tốt or Khá

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="ratings", verbose_name=_("tổ chức"))
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    scheme = models.CharField(_("văn bản đánh giá"), max_length=10, choices=Scheme.choices, default=Scheme.TT01_2020)
    self_score = models.DecimalField(
        _("điểm tự chấm"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    verified_score = models.DecimalField(
        _("điểm thẩm định"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Điểm do huyện/tỉnh thẩm định; được dùng thay điểm tự chấm khi có."),
    )
    level = models.CharField(_("xếp loại"), max_length=8, choices=Level.choices, blank=True)
    unrated_reason = models.CharField(_("lý do chưa xếp loại"), max_length=8, choices=UnratedReason.choices, blank=True)

    objects = RatingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("xếp loại")
        verbose_name_plural = _("xếp loại")
        ordering = ["organisation", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "scheme"], name="rating_one_per_organisation_year_scheme"
            ),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0, self_score__lte=100),
                name="rating_self_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(verified_score__isnull=True) | Q(verified_score__gte=0, verified_score__lte=100),
                name="rating_verified_score_0_100",
            ),
            # A score fixes the level by the legal bands: the verified score where
            # there is one, else the self-assessed score; with no score, any level.
            models.CheckConstraint(
                condition=(Q(verified_score__isnull=False) & _score_band("verified_score"))
                | (Q(verified_score__isnull=True, self_score__isnull=False) & _score_band("self_score"))
                | Q(verified_score__isnull=True, self_score__isnull=True, level__gt=""),
                name="rating_level_follows_score",
            ),
            models.CheckConstraint(
                condition=Q(unrated_reason="") | Q(level="unrated"), name="rating_reason_only_when_unrated"
            ),
        ]
        indexes = [
            # Rating shares are computed one year at a time over all organisations; the registry
            # sorted or filtered by rating reads a year's level in organisation order (an index-only
            # range: Organisation.objects.by_rating_in_parts, rated_in).
            models.Index(
                fields=["year", "level", "organisation"], include=["scheme"], name="rating_year_level_org_idx"
            ),
            # The recompute asks whether any TT 09/2017 rating needs de-duplicating against TT 01/2020.
            models.Index(fields=["year"], condition=Q(scheme="tt09_2017"), name="rating_agri_scheme_year_idx"),
            # A one-province recompute reads the level of every HTX of the place from the index alone.
            models.Index(
                fields=["organisation", "year"], include=["level", "scheme"], name="rating_org_year_cover_idx"
            ),
            # The API lists a year's ratings page after page in id order (its cursor).
            models.Index(fields=["year", "id"], name="rating_year_id_idx"),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.year}: {self.get_level_display()}"

    def save(self, *args, **kwargs):
        if self.score is not None:
            self.level = self.Level.for_score(self.score)
        super().save(*args, **kwargs)

    round_kind = "ratings"

    def clean(self):
        self.check_round()
        if self.score is not None:
            self.level = self.Level.for_score(self.score)
        elif not self.level:
            raise ValidationError({"level": _("Nhập điểm hoặc chọn xếp loại.")})
        if self.unrated_reason and self.level != self.Level.UNRATED:
            raise ValidationError({"unrated_reason": _("Chỉ ghi lý do khi HTX chưa được xếp loại.")})

    @property
    def score(self) -> Decimal | None:
        """The score that counts: verified where it exists (domain primer, "Rating")."""
        return self.verified_score if self.verified_score is not None else self.self_score

    @property
    def is_effective(self) -> bool:
        return self.level in self.EFFECTIVE_LEVELS


class SupportActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Actions in the account's province (every action carries its place's current province)."""
        province = user.scope_province
        if province is None:
            return self if user.is_active else self.none()
        return self.filter(province=province)


class SupportAction(RoundRows, models.Model):
    """Something done to develop the collective economy: a consolidation, a training, a loan…"""

    class Kind(models.TextChoices):
        CONSOLIDATION = "consolidation", _("Củng cố, kiện toàn")
        MANAGER_TRAINING = "manager_training", _("Đào tạo, bồi dưỡng cán bộ quản lý")
        TRADE_PROMOTION = "trade_promotion", _("Hỗ trợ xúc tiến thương mại")
        TRADE_FAIR = "trade_fair", _("Tham gia hội chợ, triển lãm")
        FUND_LOAN = "fund_loan", _("Vay vốn Quỹ hỗ trợ phát triển HTX")
        NEW_MODEL_CONVERSION = "new_model", _("Chuyển đổi, xây dựng HTX kiểu mới gắn với chuỗi giá trị")
        EXEMPLARY_MODEL = "exemplary_model", _("Xây dựng HTX điển hình tiên tiến")
        OTHER = "other", _("Khác")

    kind = models.CharField(_("loại hỗ trợ"), max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(_("ngày"))
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, null=True, blank=True, related_name="support_actions", verbose_name=_("tổ chức")
    )
    area = models.ForeignKey(
        AdminUnit,
        models.PROTECT,
        related_name="support_actions",
        verbose_name=_("địa bàn"),
        help_text=_("Xã hoặc tỉnh nơi thực hiện; theo tổ chức nếu có."),
    )
    province = models.ForeignKey(
        AdminUnit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tỉnh/thành phố hiện hành"),
        help_text=_("Tự điền theo địa bàn."),
    )
    count = models.PositiveIntegerField(
        _("số lượng"), default=1, help_text=_("Ví dụ: số lượt người được đào tạo, số dự án được vay.")
    )
    amount = models.DecimalField(_("số tiền (đồng)"), max_digits=18, decimal_places=0, null=True, blank=True)
    description = models.CharField(_("nội dung"), max_length=255, blank=True)

    objects = SupportActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hoạt động hỗ trợ")
        verbose_name_plural = _("hoạt động hỗ trợ")
        ordering = ["-occurred_on"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="supportaction_count_positive"),
        ]
        indexes = [
            # "Actions of a kind in a year" counts.
            models.Index(fields=["kind", "occurred_on"], name="supportaction_kind_date_idx"),
            # The first training of each organisation (the trained share).
            models.Index(fields=["organisation", "kind", "occurred_on"], name="supportaction_org_kind_idx"),
            # The list of actions, latest first, nationally and in a province (LargeTablePaginator).
            models.Index(fields=["occurred_on", "id"], name="supportaction_date_idx"),
            models.Index(fields=["province", "occurred_on", "id"], name="supportaction_prov_date_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.occurred_on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.organisation_id and not self.area_id:
            self.area = self.organisation.commune
        # Derived, never typed: the progress rules group current provinces on this column.
        self.province = None if self.area.level == AdminUnit.Level.NATION else self.area.current_province()
        super().save(*args, **kwargs)
        self.loaded_area_id, self.loaded_organisation_id = self.area_id, self.organisation_id

    round_kind = "actions"

    def round_key(self):
        year = self._year_of("occurred_on")
        if year is None:
            return None
        if self.area_id is None:
            return self._organisation_key(year)
        return (year, self.area_id)

    @classmethod
    def round_filter(cls, province, year) -> Q:
        if province.structure == AdminUnit.Structure.FROM_2025:  # its own column: faster than the lineage
            return Q(occurred_on__year=year, province=province)
        return Q(occurred_on__year=year, area__lineage_ancestors__ancestor=province)

    def clean(self):
        self.check_round()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Where it was as loaded: an action moved to another place (or organisation) changes the
        # figures of both.
        instance.loaded_area_id = instance.__dict__.get("area_id")
        instance.loaded_organisation_id = instance.__dict__.get("organisation_id")
        return instance


class NtmRecognitionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Recognitions of communes in the account's province (each carries its current province)."""
        province = user.scope_province
        if province is None:
            return self if user.is_active else self.none()
        return self.filter(province=province)

    def in_force_on(self, day: datetime.date):
        """Recognitions standing on `day`: decided by then, not withdrawn by then, of a commune that
        is still a unit then (an old commune's stop on 30/6/2025, when it was merged)."""
        return self.filter(
            Q(decided_on__lte=day),
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day),
            Q(commune__valid_to__isnull=True) | Q(commune__valid_to__gte=day),
        )


class NtmRecognition(models.Model):
    """A xã recognised as meeting the new-rural standard (nông thôn mới đạt chuẩn), advanced
    (nâng cao) or model (kiểu mẫu), by a dated decision; a later decision may withdraw it. An
    advanced or model xã is a standard xã too: counts "at standard" include the higher levels."""

    class Level(models.TextChoices):
        STANDARD = "standard", _("Đạt chuẩn nông thôn mới")
        ADVANCED = "advanced", _("Đạt chuẩn nông thôn mới nâng cao")
        MODEL = "model", _("Đạt chuẩn nông thôn mới kiểu mẫu")

        @classmethod
        def at_least(cls, level) -> list[str]:
            """The level and those above it."""
            values = cls.values
            return values[values.index(level) :]

    commune = models.ForeignKey(
        AdminUnit,
        models.PROTECT,
        related_name="ntm_recognitions",
        limit_choices_to={"level": AdminUnit.Level.COMMUNE, "kind": AdminUnit.Kind.COMMUNE},
        verbose_name=_("xã"),
    )
    province = models.ForeignKey(
        AdminUnit,
        models.PROTECT,
        related_name="+",
        verbose_name=_("tỉnh/thành phố hiện hành"),
        help_text=_("Tự điền theo xã."),
    )
    level = models.CharField(_("mức công nhận"), max_length=8, choices=Level.choices)
    decision_number = models.CharField(_("số quyết định công nhận"), max_length=60)
    decided_on = models.DateField(_("ngày quyết định"))
    withdrawn_on = models.DateField(
        _("ngày thu hồi"), null=True, blank=True, help_text=_("Khi một quyết định sau thu hồi công nhận.")
    )
    withdrawal_decision = models.CharField(_("số quyết định thu hồi"), max_length=60, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    objects = NtmRecognitionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("công nhận nông thôn mới")
        verbose_name_plural = _("công nhận nông thôn mới")
        ordering = ["commune", "decided_on", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "level", "decided_on"], name="ntmrecognition_one_per_commune_level_day"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("decided_on")),
                name="ntmrecognition_withdrawn_after_decided",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=False) | Q(withdrawal_decision=""),
                name="ntmrecognition_withdrawal_decision_has_date",
            ),
        ]
        indexes = [
            # The recompute groups a current province's recognitions on this column, by decision date.
            models.Index(fields=["province", "decided_on"], name="ntmrecognition_province_idx"),
        ]

    def __str__(self):
        return f"{self.commune} – {self.get_level_display()} ({self.decided_on:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        # Derived, never typed: the progress rules group current provinces on this column.
        self.province = self.commune.current_province()
        super().save(*args, **kwargs)

    def clean(self):
        commune = self.commune if self.commune_id else None
        if commune is not None and (commune.level != AdminUnit.Level.COMMUNE or commune.kind != AdminUnit.Kind.COMMUNE):
            raise ValidationError(_("Chỉ xã được công nhận nông thôn mới (không phải phường, thị trấn)."))
        if commune is not None and self.decided_on:
            if commune.valid_to and self.decided_on > commune.valid_to:
                raise ValidationError(
                    {"decided_on": _("Xã này không còn từ %(day)s.") % {"day": f"{commune.valid_to:%d/%m/%Y}"}}
                )
            if commune.valid_from and self.decided_on < commune.valid_from:
                raise ValidationError(
                    {"decided_on": _("Xã này được lập từ %(day)s.") % {"day": f"{commune.valid_from:%d/%m/%Y}"}}
                )
        if self.withdrawn_on and self.decided_on and self.withdrawn_on < self.decided_on:
            raise ValidationError({"withdrawn_on": _("Ngày thu hồi không thể trước ngày quyết định công nhận.")})
        if self.withdrawal_decision and not self.withdrawn_on:
            raise ValidationError({"withdrawn_on": _("Nhập ngày của quyết định thu hồi.")})

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None


class RegistryImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An account sees its own uploads into its province only: another account's import is a
        404, and so is one into a province the account has since been moved from."""
        if not user.is_active:
            return self.none()
        mine = self.filter(created_by=user)
        return mine if user.scope_province is None else mine.filter(province=user.scope_province)


class RegistryImport(models.Model):
    """An uploaded list of organisations, yearly figures and ratings, kept between its preview and
    its commit (cooperatives.importing reads it; cooperatives.services writes it). Its content is
    dropped once it can no longer be committed (committed, refused, failed), and after a week."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Đang kiểm tra")
        CHECKED = "checked", _("Sẵn sàng nhập")
        INVALID = "invalid", _("Có lỗi")
        QUEUED = "queued", _("Chờ nhập")
        COMMITTING = "committing", _("Đang nhập")
        COMMITTED = "committed", _("Đã nhập")
        FAILED = "failed", _("Nhập không thành công")
        CANCELLED = "cancelled", _("Đã huỷ, không nhập")

    class Kind(models.TextChoices):
        REGISTRY = "registry", _("Tổ chức, số liệu và xếp loại")
        NTM = "ntm", _("Công nhận nông thôn mới của xã")

    RUNNING = (Status.CHECKING, Status.QUEUED, Status.COMMITTING)

    # What the list holds: organisations (cooperatives.importing) or communes' new-rural
    # recognitions (cooperatives.importing.recognitions), read through the same steps.
    kind = models.CharField(_("loại danh sách"), max_length=8, choices=Kind.choices, default=Kind.REGISTRY)
    created_by = models.ForeignKey(
        "accounts.User", models.CASCADE, related_name="registry_imports", verbose_name=_("người tải lên")
    )
    province = models.ForeignKey(
        AdminUnit,
        models.PROTECT,
        related_name="+",
        limit_choices_to={"level": AdminUnit.Level.PROVINCE, "structure": AdminUnit.Structure.FROM_2025},
        verbose_name=_("tỉnh/thành phố"),
    )
    file_name = models.CharField(_("tên tệp"), max_length=255)
    content = models.BinaryField(_("nội dung tệp"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    rows_total = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("số dòng đã đọc"), default=0)
    counts = models.JSONField(_("số lượng"), default=dict, blank=True)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    notes = models.JSONField(_("ghi chú"), default=list, blank=True)
    warning = models.TextField(_("lỗi sau khi lưu"), blank=True, help_text=_("Dữ liệu đã lưu; bước sau đó bị lỗi."))
    rows = models.JSONField(_("xem trước"), default=list, blank=True)
    # Rows whose place has candidates (an old commune split across several new ones): [row, column,
    # message, [[commune id, code, name], …]]; and the commune staff chose for each, {"row": id}.
    questions = models.JSONField(_("câu hỏi về địa bàn"), default=list, blank=True)
    choices = models.JSONField(_("xã/phường đã chọn"), default=dict, blank=True)
    # The run (a worker's task, or a request) holding a check or a commit, and its last sign of life:
    # a run whose heartbeat stops was killed (cooperatives.services.registry_imports_end_dead).
    claim = models.CharField(_("lượt xử lý"), max_length=32, blank=True)
    heartbeat_at = models.DateTimeField(_("lần báo gần nhất"), null=True, blank=True)
    retryable = models.BooleanField(_("chạy lại được"), default=False, help_text=_("Tệp còn giữ: kiểm tra lại được."))
    created_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    # The last change of status or progress: an upload "running" with none for long was left by a
    # process that died (cooperatives.services.registry_imports_expire).
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    committed_at = models.DateTimeField(_("nhập lúc"), null=True, blank=True)
    # The mapping step (cooperatives.importing.mapping): how the file's columns were read, the fields
    # staff chose over the proposals (normalised header -> field, "" not imported), the year they gave.
    reading = models.JSONField(_("cách đọc tệp"), default=dict, blank=True)
    mapping = models.JSONField(_("cột đã chọn"), default=dict, blank=True)
    year = models.PositiveSmallIntegerField(_("năm số liệu đã chọn"), null=True, blank=True)
    mapping_confirmed = models.BooleanField(_("đã xem cách đọc cột"), default=False)
    # Staff chose to import the rows without an error and leave the others out (their errors stay).
    valid_rows_only = models.BooleanField(_("chỉ nhập các dòng hợp lệ"), default=False)

    objects = RegistryImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt nhập Excel")
        verbose_name_plural = _("lượt nhập Excel")
        ordering = ["-created_at"]
        indexes = [
            # The upload page lists an account's latest imports.
            models.Index(fields=["created_by", "-created_at"], name="registryimport_user_idx"),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("registry_import_detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def preview_rows(self) -> list[list]:
        """The stored preview: each row's number, code and name, then what it does to the
        organisation, its figures and its rating (a recognition, for a list of communes) in words,
        translated once rather than once per cell."""
        words = {"create": _("Thêm mới"), "update": _("Cập nhật"), "unchanged": _("Không đổi")}
        words = {**{action: str(word) for action, word in words.items()}, None: ""}
        return [[*row[:3], *(words[action] for action in row[3:])] for row in self.rows]

    @property
    def can_run_again(self) -> bool:
        """Its file is kept and it can be checked again: a question on a commune to answer, or a run
        that died."""
        return self.status in (self.Status.INVALID, self.Status.FAILED) and bool(self.questions or self.retryable)

    @property
    def row_choices(self) -> dict[int, int]:
        """The communes staff chose, as `importing.plan` takes them."""
        return {int(row): int(pk) for row, pk in self.choices.items()}

    @property
    def open_questions(self) -> list[dict]:
        """The questions with what staff chose so far, for the preview's selects."""
        return [
            {
                "row": row,
                "column": column,
                "message": message,
                "candidates": candidates,
                "chosen": self.choices.get(str(row)),
            }
            for row, column, message, candidates in self.questions
        ]

    @property
    def valid_rows(self) -> int:
        """Data rows that import when the rows with an error are left out (0 when none can)."""
        return self.reading.get("valid_rows", 0) if self.reading.get("importable") else 0

    @property
    def can_change_mapping(self) -> bool:
        return self.status in (self.Status.CHECKED, self.Status.INVALID) and bool(self.reading.get("columns"))

    @property
    def can_import_valid_rows(self) -> bool:
        return self.status == self.Status.INVALID and self.valid_rows > 0

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))


# Reporting rounds ---------------------------------------------------------------------------
#
# A province's yearly report (issue 16): its yearly figures, ratings, support actions and
# hand-entered values of one year, submitted by its staff, accepted or returned by the national
# verifier. While a round is submitted or accepted its rows are locked, on every write path, by
# one rule: `RoundRows.check_round()`, run by the models' clean() (forms, the Django admin, the
# API's FormSerializer), by their pre_save and pre_delete signals (any save or delete through the
# ORM, cascades included), by the import's planner (cooperatives.importing, the bulk API too), and
# on PostgreSQL by a trigger on each table (QuerySet.update, COPY, raw SQL).

# What the PostgreSQL trigger raises; cooperatives.middleware turns it into the message.
LOCKED_SQL_PREFIX = "reporting_round_locked:"


def structure_of_year(year: int) -> str:
    """The map a year's report is made on: the 34 provinces from 2025 (the year ends after the
    merger of 1/7/2025), the 63 before."""
    return AdminUnit.Structure.FROM_2025 if year >= MERGER_DATE.year else AdminUnit.Structure.BEFORE_2025


class RoundLocked(ValidationError):
    """A write into a submitted or accepted reporting round."""

    def __init__(self, reporting_round):
        super().__init__(reporting_round.locked_message(), code="round_locked")
        self.reporting_round = reporting_round


class ReportingRoundQuerySet(models.QuerySet):
    def locked(self):
        return self.filter(state__in=ReportingRound.LOCKED_STATES)

    def locking(self, keys):
        """The first locked round holding any of `keys`, (year, unit id) pairs, or None: a round
        holds the rows of its year whose place lies inside its province (old units included)."""
        keys = {key for key in keys if key is not None and key[1] is not None}
        if not keys:
            return None
        condition = Q()
        for year, unit in keys:
            condition |= Q(year=year, province__lineage_descendants__descendant_id=unit)
        return self.locked().filter(condition).select_related("province").first()

    def visible_to(self, user):
        """Rounds of the account's province and of the old provinces it was formed from."""
        province = user.scope_province
        if province is None:
            return self if user.is_active else self.none()
        return self.filter(province__in=AdminUnit.objects.inside(province).provinces())


class ReportingRound(models.Model):
    """A province's yearly report: open → submitted → accepted, or returned; reopened on request."""

    class State(models.TextChoices):
        OPEN = "open", _("Đang nhập số liệu")
        SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
        ACCEPTED = "accepted", _("Đã duyệt")
        RETURNED = "returned", _("Bị trả lại")
        REOPENED = "reopened", _("Đã mở lại")

    LOCKED_STATES = (State.SUBMITTED, State.ACCEPTED)

    province = models.ForeignKey(
        AdminUnit,
        models.PROTECT,
        related_name="reporting_rounds",
        limit_choices_to={"level": AdminUnit.Level.PROVINCE},
        verbose_name=_("tỉnh/thành phố"),
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.OPEN)
    changed_at = models.DateTimeField(_("đổi trạng thái lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # The latest acceptance: what changed since then is listed when the round comes back.
    accepted_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    reopen_requested = models.BooleanField(_("xin mở lại"), default=False)

    objects = ReportingRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("kỳ báo cáo năm")
        verbose_name_plural = _("kỳ báo cáo năm")
        ordering = ["-year", "province__code"]
        permissions = [("verify_reportinground", _("Duyệt báo cáo năm của các tỉnh (cấp quốc gia)"))]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="reportinground_one_per_province_year"),
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2100), name="reportinground_year_range"),
        ]
        indexes = [
            # Every write of a round's rows asks whether a locked round holds it (and the trigger).
            models.Index(
                fields=["year", "province"],
                condition=Q(state__in=["submitted", "accepted"]),
                name="reportinground_locked_idx",
            ),
        ]

    def __str__(self):
        return _("Báo cáo năm %(year)s – %(province)s") % {"year": self.year, "province": self.province}

    def get_absolute_url(self):
        return reverse("reporting_round", args=[self.province.code, self.year])

    @property
    def is_locked(self) -> bool:
        return self.state in self.LOCKED_STATES

    @property
    def current_province(self) -> AdminUnit:
        """The province of today's map whose staff report for this one (an old province's successor)."""
        return self.province.current_province()

    def allowed_actions(self, user) -> list[str]:
        """The transitions `user` may make now (RoundEvent.Action values)."""
        Action, State = RoundEvent.Action, self.State
        staff = user.can_write_into(self.current_province)
        verifier = user.can_verify_rounds
        allowed = []
        if staff and self.state in (State.OPEN, State.RETURNED, State.REOPENED):
            allowed.append(Action.SUBMIT)
        if verifier and self.state == State.SUBMITTED:
            allowed += [Action.ACCEPT, Action.RETURN]
        if staff and self.state == State.ACCEPTED and not self.reopen_requested:
            allowed.append(Action.REQUEST_REOPEN)
        if verifier and self.state == State.ACCEPTED:
            allowed.append(Action.REOPEN)
        return allowed

    def reviewed(self):
        """When the verifier last decided on the round, and how: its latest acceptance, or, never
        accepted, its latest return; (None, None) before either. What changed since is what the
        verifier has not seen (cooperatives.reporting.changes_since)."""
        if self.accepted_at is not None:
            return self.accepted_at, RoundEvent.Action.ACCEPT
        returned = self.events.filter(action=RoundEvent.Action.RETURN).order_by("-at").first() if self.pk else None
        return (returned.at, RoundEvent.Action.RETURN) if returned else (None, None)

    def counts(self) -> dict[str, int]:
        """How many rows of each kind the round holds now."""
        return {
            model.round_kind: model._default_manager.filter(model.round_filter(self.province, self.year)).count()
            for model in ROUND_ROW_MODELS
        }

    def locked_message(self) -> str:
        when = self.submitted_at if self.state == self.State.SUBMITTED else self.accepted_at
        return _(
            "Báo cáo năm %(year)s của %(province)s %(state)s (%(when)s): số liệu năm, xếp loại, hoạt động "
            "hỗ trợ và số liệu nhập tay của năm đó đã bị khóa, không sửa được. Cán bộ duyệt cấp quốc gia "
            "hoặc quản trị viên có thể trả lại hoặc mở lại kỳ báo cáo (cán bộ tỉnh gửi đề nghị mở lại ở "
            "trang kỳ báo cáo)."
        ) % {
            "year": self.year,
            "province": self.province.full_name,
            "state": (_("đã được gửi duyệt") if self.state == self.State.SUBMITTED else _("đã được duyệt")),
            "when": f"{timezone.localtime(when):%d/%m/%Y %H:%M}" if when else "—",
        }


class RoundEvent(models.Model):
    """One transition of a round: who, when, the note, and how many rows the round held then."""

    class Action(models.TextChoices):
        # What each does to the state: ReportingRound.allowed_actions() and services.round_transition().
        SUBMIT = "submit", _("Gửi duyệt")
        ACCEPT = "accept", _("Duyệt")
        RETURN = "return", _("Trả lại")
        REQUEST_REOPEN = "request_reopen", _("Đề nghị mở lại")
        REOPEN = "reopen", _("Mở lại")

    reporting_round = models.ForeignKey(
        ReportingRound, models.CASCADE, related_name="events", verbose_name=_("kỳ báo cáo")
    )
    action = models.CharField(_("thao tác"), max_length=16, choices=Action.choices)
    state = models.CharField(_("trạng thái sau"), max_length=10, choices=ReportingRound.State.choices)
    by = models.ForeignKey(
        "accounts.User", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người thực hiện")
    )
    at = models.DateTimeField(_("lúc"))
    note = models.TextField(_("ghi chú"), blank=True)
    counts = models.JSONField(_("số dòng lúc đó"), default=dict, blank=True)

    class Meta:
        verbose_name = _("thao tác kỳ báo cáo")
        verbose_name_plural = _("thao tác kỳ báo cáo")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.reporting_round} – {self.get_action_display()} ({self.at:%d/%m/%Y})"

    @property
    def named_counts(self) -> list[tuple[str, int]]:
        """The rows the round held at that moment, each kind by its name."""
        names = {model.round_kind: str(model._meta.verbose_name).capitalize() for model in ROUND_ROW_MODELS}
        return [(names.get(kind, kind), count) for kind, count in self.counts.items()]


# The models whose rows a round holds, in the order pages list them (plans adds EnteredValue).
ROUND_ROW_MODELS: list[type] = [YearlyFigures, Rating, SupportAction]


def guard_round(sender, instance, **kwargs):
    """pre_save and pre_delete of every RoundRows model (connected in the apps' ready())."""
    instance.check_round()


class ExportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An export is its owner's only: another account's, an admin's included, is a 404."""
        if not user.is_active:
            return self.none()
        return self.filter(created_by=user)


class Export(models.Model):
    """An export too large to write within a request (the registry as filtered, a large plan's
    report), written by a Celery worker and kept a day for its owner to download
    (cooperatives.exports; the hourly `expire_exports` deletes it after that). The file is kept in
    the database, which every web and worker host shares, as `ExportChunk`s."""

    class Kind(models.TextChoices):
        REGISTRY = "registry", _("Sổ đăng ký HTX")
        PLAN_REPORT = "plan_report", _("Báo cáo tiến độ kế hoạch")
        IMPORT_ERRORS = "import_errors", _("Báo cáo lỗi của tệp nhập")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Chờ xuất")
        RUNNING = "running", _("Đang xuất")
        DONE = "done", _("Đã xuất xong")
        FAILED = "failed", _("Xuất không thành công")

    RUNNING = (Status.QUEUED, Status.RUNNING)

    created_by = models.ForeignKey(
        "accounts.User", models.CASCADE, related_name="exports", verbose_name=_("người xuất")
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    format = models.CharField(_("định dạng"), max_length=4)
    # What to export: the registry list's query string, {"plan": id} or {"upload": id}.
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("số dòng đã ghi"), default=0)
    size = models.PositiveBigIntegerField(_("kích thước (byte)"), default=0)
    message = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("tệp xuất")
        verbose_name_plural = _("tệp xuất")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="export_created_idx")]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("export_detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def percent_done(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ExportChunk(models.Model):
    """A piece (about a megabyte) of an export's file: written and read back one at a time, so
    neither the worker nor the web process ever holds a whole national export."""

    export = models.ForeignKey(Export, models.CASCADE, related_name="chunks", verbose_name=_("tệp xuất"))
    number = models.PositiveIntegerField(_("thứ tự"))
    data = models.BinaryField(_("nội dung"))

    class Meta:
        verbose_name = _("phần tệp xuất")
        verbose_name_plural = _("phần tệp xuất")
        constraints = [models.UniqueConstraint(fields=["export", "number"], name="exportchunk_export_number_unique")]

    def __str__(self):
        return f"{self.export_id} #{self.number}"


class ImportMapping(models.Model):
    """How staff of a province read the columns of a list, remembered for the next file with the
    same headers (a list kept for years comes back each year with the same columns)."""

    province = models.ForeignKey(AdminUnit, models.CASCADE, related_name="+", verbose_name=_("tỉnh/thành phố"))
    # sha256 of the normalised headers in order (cooperatives.importing.mapping.headers_digest).
    header_digest = models.CharField(_("dấu tiêu đề"), max_length=64)
    headers = models.JSONField(_("tiêu đề cột"), default=list)
    mapping = models.JSONField(_("cột đã chọn"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        "accounts.User", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người chọn")
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("cách đọc cột đã nhớ")
        verbose_name_plural = _("cách đọc cột đã nhớ")
        constraints = [
            models.UniqueConstraint(fields=["province", "header_digest"], name="importmapping_province_headers_uniq"),
        ]

    def __str__(self):
        return f"{self.province} · {', '.join(self.headers[:4])}"


# The models whose every change registry_stamp() sees (with the lineage): what may be cached under it.
REGISTRY_STAMPED = (Organisation, YearlyFigures, Rating, SupportAction, NtmRecognition)


def registry_stamp() -> tuple:
    """What changes whenever a row of the registry changes, in six index look-ups: every save,
    delete and import of an organisation, yearly figures, rating, support action or new-rural
    recognition writes a history row (README, "History and restore"), and an import of
    administrative units adds lineage rows. Pages and the API cache what they aggregate of the
    registry under it (the API's counts, the reporting page's completeness, the target and province
    pages, what a target's figure counted): a change is a new key, and nothing stale is served."""
    tops = [(model.history.model._meta.db_table, "history_id") for model in REGISTRY_STAMPED]
    tops.append((UnitLineage._meta.db_table, "id"))
    database = connections[router.db_for_read(Organisation)]  # the replica for a page, if there is one
    quote = database.ops.quote_name
    # One round trip: each MAX is a look-up at the end of its primary key's index.
    sql = "SELECT " + ", ".join(f"(SELECT MAX({quote(column)}) FROM {quote(table)})" for table, column in tops)
    with database.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())
