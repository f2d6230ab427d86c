"""Plans, their indicators and targets, qualitative tasks and hand-entered values.

A target says, in data, what one sentence of a plan says in words: which
indicator, in which area, over which period, compared how, against which
value(s). The wording is kept next to it so that every figure can be checked
against its source. See README, "Targets as data", for how each phrase of the
documents ("trên", "dưới", "từ 6–8%", "hàng năm", "tăng thêm 4%") maps here.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperatives.models import AdminUnit, RoundRows, UnitLineage


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans an account reads: all (those about no named place too), or those whose area lies
        inside or holds its province."""
        province = user.scope_province
        if province is None:
            return self if user.is_active else self.none()
        return self.about_place(province)

    def about_place(self, unit):
        """Plans whose area lies inside `unit` or holds it (old provinces and the nation included).

        Each plan's area is looked up in the lineage (two probes of its unique index) rather than
        matched against every unit inside `unit`: a province holds some 700 units, and hashing
        them cost a millisecond in each of the overview's five queries."""
        lineage = UnitLineage.objects.all()
        return self.filter(
            Exists(lineage.filter(descendant=OuterRef("area"), ancestor=unit))
            | Exists(lineage.filter(ancestor=OuterRef("area"), descendant=unit))
        )

    def in_force(self, year: int):
        return self.filter(first_year__lte=year, last_year__gte=year)

    def current(self, year: int):
        """Plans in force in `year` and those whose period ended within the year before (on
        31/12 of `year` - 1): what a leader reads by default, so that in 2026 the 2020–2025
        term's final statuses are there and not only the plans still running."""
        return self.filter(first_year__lte=year, last_year__gte=year - 1)

    def with_indicator(self, indicator):
        return self.filter(Exists(Target.objects.filter(plan=OuterRef("pk"), indicator=indicator)))

    def year_span(self) -> tuple[int | None, int | None]:
        span = self.aggregate(first=Min("first_year"), last=Max("last_year"))
        return span["first"], span["last"]

    def for_overview(self, indicator=None):
        """Plans with their target rows (progress, indicator) and tasks: three queries in all. The
        prefetch sets each target's plan itself: joining the plans again (and their areas, to sort
        by the plans' order) would only build a second copy of each."""
        targets = Target.objects.select_related("progress", "indicator", "area").order_by("id")
        if indicator is not None:
            targets = targets.filter(indicator=indicator)
        return self.select_related("area").prefetch_related(
            Prefetch("targets", queryset=targets),
            Prefetch("tasks", queryset=Task.objects.order_by("id")),
            Prefetch("results", queryset=ReportedResult.objects.order_by("order", "id")),
        )


class Plan(models.Model):
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255)
    # None when the document names no place the registry holds (NQ 05-NQ/HU: "a district" it does
    # not name): `area_label` says so, and the plan stays off every province's pages and counts
    # (PlanQuerySet.about_place), visible only to admins and national accounts.
    area = models.ForeignKey(
        AdminUnit, models.PROTECT, null=True, blank=True, related_name="plans", verbose_name=_("địa bàn")
    )
    area_label = models.CharField(
        _("địa bàn theo văn bản"),
        max_length=255,
        blank=True,
        help_text=_("Khi văn bản không nêu rõ địa bàn, ví dụ: “một huyện (văn bản không nêu tên)”."),
    )
    document_number = models.CharField(_("số hiệu văn bản"), max_length=50, blank=True)
    document_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    title = models.CharField(_("tên kế hoạch"), max_length=500)
    first_year = models.PositiveSmallIntegerField(_("từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"))
    source_text = models.TextField(_("trích nguyên văn"), blank=True)
    source_reference = models.CharField(_("nguồn"), max_length=500, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-last_year", "area__code", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(first_year__lte=F("last_year")), name="plan_first_year_le_last_year"),
            models.UniqueConstraint(fields=["area", "title"], name="plan_unique_title_in_area"),
            models.UniqueConstraint(
                fields=["title"], condition=Q(area__isnull=True), name="plan_unique_title_without_area"
            ),
            models.CheckConstraint(condition=Q(area__isnull=False) | ~Q(area_label=""), name="plan_area_or_label"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plan_detail", args=[self.pk])

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    @property
    def place(self) -> str:
        """Where the plan is about, as a page prints it: the unit, or the document's own words."""
        return str(self.area) if self.area_id else self.area_label

    def is_editable_by(self, user) -> bool:
        """Admins edit every plan, staff the plans about a place inside their province, leaders none.
        A plan about no known place belongs to no province: only national accounts (admins) edit it."""
        if self.area_id is None:
            return user.can_edit_registry and user.scope_province is None
        return user.can_edit_registry and AdminUnit.objects.visible_to(user).filter(pk=self.area_id).exists()


class Indicator(models.Model):
    """What is measured. Derived indicators name a rule of the progress engine;
    manual ones read `EnteredValue` rows typed in by provincial staff."""

    class Unit(models.TextChoices):
        COUNT = "count", _("số lượng")
        PERCENT = "percent", _("%")
        VND = "vnd", _("đồng")
        KM = "km", _("km")

    class Method(models.TextChoices):
        DERIVED = "derived", _("Tính từ cơ sở dữ liệu HTX")
        MANUAL = "manual", _("Nhập tay")

    class Shape(models.TextChoices):
        # How the figure behaves over a period; the status rules depend on it.
        FLOW = "flow", _("Số phát sinh trong kỳ")
        LEVEL = "level", _("Số tại thời điểm")
        SHARE = "share", _("Tỷ lệ tại thời điểm")

    class Rule(models.TextChoices):
        # Stable names of the progress engine's rules; `rule_params` narrows them
        # (e.g. {"kind": "htx", "sector": "agriculture"}).
        FOUNDED = "founded", _("Số tổ chức thành lập mới")
        ACTIVE = "active", _("Số tổ chức đang hoạt động")
        ALLIANCE_JOINED = "alliance_joined", _("Số thành viên mới kết nạp vào Liên minh HTX")
        SUPPORT_ACTIONS = "support_actions", _("Số lượt hỗ trợ theo loại")
        RATED_COUNT = "rated_count", _("Số HTX theo xếp loại")
        RATING_SHARE = "rating_share", _("Tỷ lệ HTX theo xếp loại")
        AVERAGE_REVENUE = "average_revenue", _("Doanh thu bình quân một HTX")
        AVERAGE_INCOME = "average_income", _("Thu nhập bình quân của thành viên")
        MEMBERS = "members", _("Tổng số thành viên")
        AVERAGE_FIGURE = (
            "average_figure",
            _("Số liệu bình quân một HTX (thành viên, lao động, vốn, doanh thu, lợi nhuận)"),
        )
        SIZE_COUNT = "size_count", _("Số HTX theo quy mô")
        SIZE_SHARE = "size_share", _("Tỷ lệ HTX theo quy mô (ví dụ: quy mô nhỏ trở lên)")
        LINKED_SHARE = "linked_share", _("Tỷ lệ HTX nông nghiệp liên kết với doanh nghiệp")
        ALLIANCE_SHARE = "alliance_share", _("Tỷ lệ HTX hiệu quả là thành viên Liên minh")
        TRAINED_SHARE = "trained_share", _("Tỷ lệ HTX nông nghiệp có cán bộ chủ chốt được đào tạo")
        NTM13_COMMUNES = "ntm13_communes", _("Số xã đạt tiêu chí 13 (tổ chức sản xuất)")
        OFFICERS_TRAINED_SHARE = "officers_trained_share", _("Tỷ lệ cán bộ chủ chốt HTX nông nghiệp được tập huấn")
        NTM_COMMUNES = "ntm_communes", _("Số xã đạt chuẩn nông thôn mới (theo mức) cuối năm")
        NTM_RECOGNISED = "ntm_recognised", _("Số xã được công nhận nông thôn mới (theo mức) trong năm")
        NTM_SHARE = "ntm_share", _("Tỷ lệ xã đạt chuẩn nông thôn mới (theo mức)")

    code = models.SlugField(_("mã chỉ tiêu"), max_length=60, unique=True)
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=255)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=255)
    unit = models.CharField(_("đơn vị"), max_length=8, choices=Unit.choices)
    count_noun = models.CharField(
        _("đơn vị đếm"), max_length=40, blank=True, help_text=_("Ví dụ: HTX, xã, lượt người.")
    )
    shape = models.CharField(_("dạng"), max_length=6, choices=Shape.choices)
    method = models.CharField(_("cách đo"), max_length=8, choices=Method.choices)
    rule = models.CharField(_("quy tắc tính"), max_length=30, choices=Rule.choices, blank=True)
    rule_params = models.JSONField(_("tham số quy tắc"), default=dict, blank=True)
    description = models.TextField(_("định nghĩa"), blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method="derived", rule__gt="") | Q(method="manual", rule=""),
                name="indicator_rule_iff_derived",
            ),
            models.CheckConstraint(condition=~Q(shape="share") | Q(unit="percent"), name="indicator_share_is_percent"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """A derived indicator names a rule this code knows, with parameters its rule accepts and
        the shape of figure it gives (plans.rules: one declaration per rule, also read by the
        indicator form and the recompute); an indicator entered by hand names no rule."""
        from plans.rules import RULES  # the rules read this module's models

        if self.method == self.Method.MANUAL:
            if self.rule or self.rule_params:
                raise ValidationError({"rule": _("Chỉ tiêu nhập tay không có quy tắc tính.")})
            return
        if self.rule not in RULES:
            raise ValidationError({"rule": _("Chọn quy tắc tính cho chỉ tiêu tính từ cơ sở dữ liệu.")})
        rule = RULES[self.rule]
        try:
            if not getattr(self, "params_checked", False):  # the indicator form says it field by field
                rule.check(self.rule_params)
        except ValidationError as error:
            raise ValidationError({"rule_params": error.messages}) from error
        if self.shape and self.shape != rule.shape:
            raise ValidationError(
                {"shape": _("Quy tắc này cho %(shape)s.") % {"shape": self.Shape(rule.shape).label.lower()}}
            )

    @property
    def name(self) -> str:
        """The name in the active language (indicators carry both)."""
        return self.name_en if get_language() == "en" and self.name_en else self.name_vi

    @property
    def is_manual(self) -> bool:
        return self.method == self.Method.MANUAL


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(plan__in=Plan.objects.visible_to(user).values("pk"))

    def for_rows(self):
        """What a row of targets shows: its progress, indicator, area and plan."""
        return self.select_related("progress", "indicator", "area", "plan").order_by("plan", "id")


class Target(models.Model):
    class Period(models.TextChoices):
        YEAR = "year", _("Trong năm")
        EVERY_YEAR = "every_year", _("Hàng năm")
        TERM = "term", _("Đến cuối kỳ")

    class Comparator(models.TextChoices):
        AT_LEAST = "gte", _("ít nhất (≥)")
        ABOVE = "gt", _("trên (>)")
        AT_MOST = "lte", _("tối đa (≤)")
        BELOW = "lt", _("dưới (<)")
        ABOUT = "about", _("khoảng (≈)")
        BETWEEN = "between", _("từ … đến …")

    class Measure(models.TextChoices):
        LEVEL = "level", _("Giá trị chỉ tiêu")
        GROWTH_PCT = "growth_pct", _("Tăng trưởng (%) so với kỳ gốc")
        CHANGE_PP = "change_pp", _("Tăng thêm (điểm %) so với kỳ gốc")

    class Denominator(models.TextChoices):
        RATED_HTX = "rated_htx", _("HTX được xếp loại")
        ACTIVE_HTX = "active_htx", _("HTX đang hoạt động")
        AGRICULTURAL_HTX = "agricultural_htx", _("HTX nông nghiệp đang hoạt động")
        EFFECTIVE_HTX = "effective_htx", _("HTX hoạt động hiệu quả")
        KEY_OFFICERS = "key_officers", _("Cán bộ chủ chốt của HTX nông nghiệp")
        COMMUNES = "communes", _("Số xã trên địa bàn")
        # A subset as the denominator: "40% of NTM communes advanced" is over the standard xã only.
        NTM_COMMUNES = "ntm_communes", _("Xã đạt chuẩn nông thôn mới")
        ALLOCATED_CAPITAL = "allocated_capital", _("Kế hoạch vốn được giao")
        NONE = "", _("—")

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="targets", verbose_name=_("kế hoạch"))
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="targets", verbose_name=_("chỉ tiêu"))
    area = models.ForeignKey(AdminUnit, models.PROTECT, related_name="targets", verbose_name=_("địa bàn"))
    period = models.CharField(_("kỳ"), max_length=10, choices=Period.choices)
    year_from = models.PositiveSmallIntegerField(_("từ năm"))
    year_to = models.PositiveSmallIntegerField(_("đến năm"))
    deadline = models.DateField(_("hạn hoàn thành"), null=True, blank=True, help_text=_("Ví dụ: đến hết 30/9/2020."))
    comparator = models.CharField(_("so sánh"), max_length=7, choices=Comparator.choices)
    value = models.DecimalField(_("giá trị (hoặc cận dưới)"), max_digits=20, decimal_places=4)
    value_high = models.DecimalField(_("cận trên"), max_digits=20, decimal_places=4, null=True, blank=True)
    measure = models.CharField(_("đo bằng"), max_length=10, choices=Measure.choices, default=Measure.LEVEL)
    baseline_year = models.PositiveSmallIntegerField(
        _("năm gốc"), null=True, blank=True, help_text=_("Để trống: so với năm trước.")
    )
    baseline_value = models.DecimalField(
        _("giá trị gốc"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Để trống: lấy giá trị chỉ tiêu của năm gốc."),
    )
    denominator = models.CharField(
        _("mẫu số"), max_length=20, choices=Denominator.choices, blank=True, help_text=_("Bắt buộc với chỉ tiêu tỷ lệ.")
    )
    wording = models.TextField(_("nguyên văn"))
    note = models.TextField(_("ghi chú"), blank=True)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator", "area", "period", "year_from", "year_to"],
                name="target_one_per_plan_indicator_area_period",
            ),
            models.CheckConstraint(condition=Q(year_from__lte=F("year_to")), name="target_year_from_le_year_to"),
            models.CheckConstraint(
                condition=~Q(period="year") | Q(year_from=F("year_to")), name="target_one_year_period_is_one_year"
            ),
            models.CheckConstraint(
                condition=Q(comparator="between", value_high__isnull=False, value__lte=F("value_high"))
                | (~Q(comparator="between") & Q(value_high__isnull=True)),
                name="target_range_low_le_high",
            ),
            models.CheckConstraint(
                condition=~Q(measure="level") | Q(baseline_year__isnull=True, baseline_value__isnull=True),
                name="target_baseline_only_for_changes",
            ),
        ]

    def __str__(self):
        return self.wording

    def get_absolute_url(self):
        return reverse("target_detail", args=[self.pk])

    @property
    def years(self) -> range:
        return range(self.year_from, self.year_to + 1)

    @property
    def is_range(self) -> bool:
        return self.comparator == self.Comparator.BETWEEN


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Tasks an account may update: those of plans about a place inside its province (for a
        national account, also those of plans about no known place)."""
        places = Q(plan__area__in=AdminUnit.objects.visible_to(user).values("pk"))
        if user.is_active and user.scope_province is None:
            places |= Q(plan__area__isnull=True)
        return self.filter(places)


class Task(models.Model):
    """A qualitative task of a plan, tracked by its status rather than a number."""

    class Status(models.TextChoices):
        # Until someone reports where a task stands, it stands nowhere we know of: a document
        # states the task, never how it went.
        NOT_REPORTED = "not_reported", _("Chưa cập nhật tình trạng")
        NOT_STARTED = "not_started", _("Chưa triển khai")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Đã hoàn thành")
        STALLED = "stalled", _("Chậm, vướng mắc")

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="tasks", verbose_name=_("kế hoạch"))
    title = models.CharField(_("nhiệm vụ"), max_length=255)
    wording = models.TextField(_("nguyên văn"))
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices, default=Status.NOT_REPORTED)
    status_note = models.TextField(_("ghi chú tình trạng"), blank=True)
    status_updated_on = models.DateField(_("cập nhật tình trạng ngày"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "title"], name="task_unique_title_in_plan")]

    def __str__(self):
        return self.title


class ReportedResult(models.Model):
    """A figure a document reports as already done ("Kết quả đến nay… thành lập được 15 HTX"),
    kept beside the plan's targets with its date and source. Nothing is judged against it, so it
    has no status; the indicator, where one fits, says what the figure counts."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="results", verbose_name=_("kế hoạch"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    wording = models.TextField(_("nguyên văn"))
    indicator = models.ForeignKey(
        Indicator, models.PROTECT, null=True, blank=True, related_name="results", verbose_name=_("chỉ tiêu")
    )
    value = models.DecimalField(_("số liệu"), max_digits=20, decimal_places=4)
    unit = models.CharField(_("đơn vị"), max_length=40, blank=True, help_text=_("Ví dụ: HTX, xã, tỷ đồng."))
    as_of = models.DateField(
        _("số liệu đến ngày"), null=True, blank=True, help_text=_("Để trống khi văn bản không ghi ngày (“đến nay”).")
    )
    source = models.CharField(_("nguồn"), max_length=255)
    note = models.TextField(_("ghi chú"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kết quả đã báo cáo")
        verbose_name_plural = _("kết quả đã báo cáo")
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "wording"], name="reportedresult_unique_wording_in_plan"),
        ]

    def __str__(self):
        return self.wording


class EnteredValueQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Figures of the places an account reads (its province, old or new, and what lies inside)."""
        return self.filter(area__in=AdminUnit.objects.visible_to(user).values("pk"))

    def behind(self, target):
        """The hand-entered figures a manual target reads, latest first."""
        return self.filter(indicator=target.indicator_id, area=target.area_id).select_related("entered_by")


class EnteredValue(RoundRows, models.Model):
    """A figure no registry holds (NTM communes, km of road, fund capital), typed in by staff.

    For a flow indicator the value is the count so far in the year of `as_of`;
    for a level or share, the value on that date.
    """

    indicator = models.ForeignKey(
        Indicator,
        models.PROTECT,
        related_name="entered_values",
        limit_choices_to={"method": "manual"},
        verbose_name=_("chỉ tiêu"),
    )
    area = models.ForeignKey(AdminUnit, models.PROTECT, related_name="entered_values", verbose_name=_("địa bàn"))
    as_of = models.DateField(_("số liệu đến ngày"))
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=4)
    source = models.CharField(_("nguồn số liệu"), max_length=255)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người nhập")
    )
    entered_at = models.DateTimeField(_("nhập lúc"), auto_now=True)

    objects = EnteredValueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("số liệu nhập tay")
        verbose_name_plural = _("số liệu nhập tay")
        ordering = ["indicator", "area", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "as_of"], name="enteredvalue_one_per_indicator_area_date"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} – {self.area} – {self.as_of:%d/%m/%Y}: {self.value}"

    round_kind = "entered_values"

    def round_key(self):
        year = self._year_of("as_of")
        return None if year is None else (year, self.area_id)

    @classmethod
    def round_filter(cls, province, year) -> Q:
        return Q(as_of__year=year, area__lineage_ancestors__ancestor=province)

    def clean(self):
        self.check_round()


class ProgressQuerySet(models.QuerySet):
    def status_counts(self) -> dict[str, int]:
        """Targets per status, every status present (0 where none), in one grouped query; targets
        whose figure could not be computed only when there are some."""
        found = dict(self.order_by().values_list("status").annotate(count=Count("pk")))
        statuses = [s for s in Progress.Status.values if s != Progress.Status.ERROR or found.get(s)]
        return {status: found.get(status, 0) for status in statuses}

    def failed(self):
        """Targets whose indicator could not be computed at the last recompute."""
        return self.filter(status=Progress.Status.ERROR)

    def of_plans(self, plans, indicator=None):
        progress = self.filter(target__plan__in=plans.values("pk"))
        return progress.filter(target__indicator=indicator) if indicator is not None else progress

    def for_comparison(self, target):
        """Stored figures of the same indicator, measured the same way, for every province that has
        one, largest first: (area id, year, figure) tuples. An indicator every province's plans
        share has some 400 of them, and building three model instances for each (the progress with
        its JSON explanation, the target, the area) was most of a provincial target page's time."""
        return (
            self.filter(
                target__indicator=target.indicator_id,
                target__measure=target.measure,
                target__denominator=target.denominator,
                target__area__level=AdminUnit.Level.PROVINCE,
                actual__isnull=False,
            )
            .order_by("-actual")
            .values_list("target__area_id", "year", "actual")
        )


class Progress(models.Model):
    """The stored answer to "how far along is this target?", written only by the recompute.

    Pages read these rows; `plans.services.progress_recompute` is the one place that writes them.
    """

    class Status(models.TextChoices):
        ACHIEVED = "achieved", _("Đã đạt")
        ON_TRACK = "on_track", _("Đúng tiến độ")
        AT_RISK = "at_risk", _("Có nguy cơ không đạt")
        OFF_TRACK = "off_track", _("Chậm tiến độ")
        MISSED = "missed", _("Không đạt")
        NO_DATA = "no_data", _("Chưa có số liệu")
        # Its indicator could not be computed (a rule this code does not know, parameters the
        # rule refuses, a query that failed): the reason is kept in `explanation["error"]`.
        ERROR = "error", _("Lỗi khi tính")

    class Band(models.TextChoices):
        BELOW = "below", _("Dưới khoảng")
        WITHIN = "within", _("Trong khoảng")
        ABOVE = "above", _("Trên khoảng")
        NONE = "", _("—")

    target = models.OneToOneField(Target, models.CASCADE, related_name="progress", verbose_name=_("mục tiêu"))
    year = models.PositiveSmallIntegerField(_("năm của số liệu"), null=True, blank=True)
    actual = models.DecimalField(_("thực hiện"), max_digits=24, decimal_places=4, null=True, blank=True)
    ratio = models.DecimalField(_("tỷ lệ hoàn thành"), max_digits=12, decimal_places=4, null=True, blank=True)
    expected = models.DecimalField(
        _("mức cần đạt theo tiến độ"), max_digits=24, decimal_places=4, null=True, blank=True
    )
    numerator = models.DecimalField(_("tử số"), max_digits=24, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("mẫu số"), max_digits=24, decimal_places=4, null=True, blank=True)
    band = models.CharField(_("so với khoảng"), max_length=6, choices=Band.choices, blank=True)
    status = models.CharField(_("tình trạng"), max_length=9, choices=Status.choices)
    # The parts of the one-line explanation (plans.evaluation._parts), worded when shown, in
    # the reader's language, by plans.figures.explain.
    explanation = models.JSONField(_("giải thích"), default=dict, blank=True)
    # Where a running target is heading (plans.projection): a projection, never its status.
    projection = models.JSONField(_("dự báo"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"))

    objects = ProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("tiến độ mục tiêu")
        verbose_name_plural = _("tiến độ mục tiêu")
        indexes = [
            # The overview counts targets by status.
            models.Index(fields=["status"], name="progress_status_idx"),
        ]

    def __str__(self):
        return f"{self.target}: {self.get_status_display()}"

    @property
    def percent(self) -> Decimal | None:
        """How far along, in percent of the target (100 = met exactly)."""
        return None if self.ratio is None else self.ratio * 100

    @property
    def bar_percent(self) -> int:
        """The width of a progress bar: the percent, held between 0 and 100."""
        return 0 if self.ratio is None else int(max(0, min(100, self.ratio * 100)))


class ProgressYear(models.Model):
    """One target's figure in one year of its period: the trend, and each year of an "every year" target."""

    target = models.ForeignKey(Target, models.CASCADE, related_name="progress_years", verbose_name=_("mục tiêu"))
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị chỉ tiêu"), max_digits=24, decimal_places=4, null=True, blank=True)
    actual = models.DecimalField(_("thực hiện"), max_digits=24, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("tử số"), max_digits=24, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("mẫu số"), max_digits=24, decimal_places=4, null=True, blank=True)
    expected = models.DecimalField(_("mức theo lộ trình"), max_digits=24, decimal_places=4, null=True, blank=True)
    band = models.CharField(_("so với khoảng"), max_length=6, choices=Progress.Band.choices, blank=True)
    status = models.CharField(_("tình trạng"), max_length=9, choices=Progress.Status.choices)

    class Meta:
        verbose_name = _("tiến độ theo năm")
        verbose_name_plural = _("tiến độ theo năm")
        ordering = ["target", "year"]
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="progressyear_one_per_target_year")]

    def __str__(self):
        return f"{self.target} – {self.year}"


class ProgressSnapshot(models.Model):
    """The overall progress of a target as it stood on a day: the dated history for trend charts."""

    target = models.ForeignKey(Target, models.CASCADE, related_name="snapshots", verbose_name=_("mục tiêu"))
    day = models.DateField(_("ngày"))
    actual = models.DecimalField(_("thực hiện"), max_digits=24, decimal_places=4, null=True, blank=True)
    ratio = models.DecimalField(_("tỷ lệ hoàn thành"), max_digits=12, decimal_places=4, null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=9, choices=Progress.Status.choices)

    class Meta:
        verbose_name = _("lịch sử tiến độ")
        verbose_name_plural = _("lịch sử tiến độ")
        ordering = ["target", "day"]
        constraints = [models.UniqueConstraint(fields=["target", "day"], name="progresssnapshot_one_per_target_day")]

    def __str__(self):
        return f"{self.target} – {self.day:%d/%m/%Y}"


class PendingRecompute(models.Model):
    """A place whose source rows of one kind changed since the last recompute (see plans.signals).

    Edits add rows here in their own transaction; one task drains them all, so a
    burst of edits costs one recompute, not one per edit. The kind of source limits
    the recompute to the targets whose indicators read it.
    """

    class Source(models.TextChoices):
        ORGANISATIONS = "organisations", _("Tổ chức")
        SECTOR = "sector", _("Lĩnh vực của tổ chức")
        ALLIANCE = "alliance", _("Thành viên Liên minh HTX")
        FIGURES = "figures", _("Số liệu năm")
        RATINGS = "ratings", _("Xếp loại")
        ACTIONS = "actions", _("Hoạt động hỗ trợ")
        NTM = "ntm", _("Công nhận nông thôn mới")
        ENTERED = "entered", _("Số liệu nhập tay")
        TARGETS = "targets", _("Mục tiêu")

    area = models.ForeignKey(AdminUnit, models.CASCADE, related_name="+")
    source = models.CharField(max_length=13, choices=Source.choices)
    requested_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chờ tính lại")
        verbose_name_plural = _("chờ tính lại")
        constraints = [models.UniqueConstraint(fields=["area", "source"], name="pendingrecompute_one_per_area_source")]

    def __str__(self):
        return f"{self.area} ({self.get_source_display()})"


class RecomputeSchedule(models.Model):
    """A single row saying since when a drain task is queued; claimed with a conditional update.

    A claim older than CLAIM_EXPIRES is void, so a message lost by the broker (or purged)
    delays the next recompute by that much at worst instead of stopping them.
    """

    CLAIM_EXPIRES = datetime.timedelta(seconds=60)

    queued_at = models.DateTimeField(null=True, blank=True)
    last_full_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lịch tính lại")
        verbose_name_plural = _("lịch tính lại")

    def __str__(self):
        return f"queued since {self.queued_at}"

    @classmethod
    def current(cls) -> "RecomputeSchedule":
        """The row (unsaved and empty before the first recompute): what the pages say about freshness."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class NationalParts(models.Model):
    """One province's part of a national figure: a column of the recompute's grouped rows (an
    aggregate of one source, by year) over the rows of that province, as last computed; and, in
    the row of `province` TOTAL, the nation's sum of them.

    A national target is the sum of the provinces' parts (plans.national): an edit in one
    province recomputes that province's part and corrects the total by it, instead of grouping the
    whole country again. `signature` says exactly what was computed (the source, the aggregate
    with its conditions, the years); parts of another signature are never added.
    Written only by the recompute (plans.national).
    """

    NO_PROVINCE = 0  # the rows without a province (an action of the nation's own)
    TOTAL = -1  # the nation's sum of the parts

    column = models.CharField(max_length=200)  # source, column name and deadline
    province = models.IntegerField(help_text="Id of a current province; 0: rows without one; -1: the total.")
    signature = models.CharField(max_length=64)
    years = models.JSONField(default=dict)  # year -> value (a sum of decimals as text)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phần của các tỉnh trong số liệu toàn quốc")
        verbose_name_plural = _("phần của các tỉnh trong số liệu toàn quốc")
        constraints = [models.UniqueConstraint(fields=["column", "province"], name="nationalparts_one_per_province")]

    def __str__(self):
        return f"{self.column} – {self.province}"
