"""What moved a share of HTX by rating from one year to the next: the change split into bars that
add up to it exactly (a waterfall), each bar the HTX behind it.

The share is the rule's own (plans.rules.RatingShare): its numerator and denominator Parts list
the organisations counted in each year, from Rating.objects.counted, as the figure and the target
page's list read them. Every HTX whose place in the numerator or the denominator differs between
the two years falls in one group, taken in this order:

    newly founded (after the first year), dissolved or stopped (in the second year), newly rated
    (no counted level the first year), no longer rated, upgraded, downgraded, other (none of these:
    moved to another place, changed kind);

and an HTX whose level changed without moving the share is still listed in its group. The bars
are the share after each group's HTX take their second-year place less the share before
(sequential decomposition), so they telescope to the change, in exact fractions.
"""

import datetime
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Organisation, Rating, left_on
from plans.models import Indicator, Target

HUNDRED = Fraction(100)
# Better first: an HTX moving left in this list was upgraded.
LEVEL_RANK = {Rating.Level.GOOD: 4, Rating.Level.FAIR: 3, Rating.Level.AVERAGE: 2, Rating.Level.WEAK: 1}
GROUPS = [
    ("founded", _("Thành lập mới")),
    ("dissolved", _("Giải thể, ngừng hoạt động")),
    ("newly_rated", _("Mới được xếp loại")),
    ("no_longer_rated", _("Không còn được xếp loại")),
    ("upgraded", _("Lên hạng")),
    ("downgraded", _("Xuống hạng")),
    ("other", _("Khác (chuyển địa bàn, đổi loại hình…)")),
]
LABELS = dict(GROUPS)


@dataclass
class Bar:
    key: str
    label: str
    delta: Fraction  # percentage points of the share
    organisations: list[int] = field(default_factory=list)


@dataclass
class Breakdown:
    first: int
    second: int
    before: Fraction | None
    after: Fraction | None
    counts: dict  # numerator and denominator of each year
    bars: list[Bar]

    @property
    def change(self) -> Fraction | None:
        return None if self.before is None or self.after is None else self.after - self.before


def applies(target: Target) -> bool:
    return target.indicator.method == Indicator.Method.DERIVED and target.indicator.rule == Indicator.Rule.RATING_SHARE


def share_of(numerator: set, denominator: set) -> Fraction | None:
    return Fraction(len(numerator)) * HUNDRED / len(denominator) if denominator else None


def breakdown(target: Target, second: int, organisations=None) -> Breakdown:
    """The change of the target's share from `second - 1` to `second`. `organisations` narrows the
    HTX read (an account's visible ones); by default all."""
    from plans.services import rule_of  # the services import the rules this module reads

    first = second - 1
    rule, params = rule_of(target.indicator), target.indicator.rule_params
    numerator_part, denominator_part = rule.parts(params, target.denominator, second)

    def members(part, year) -> set[int]:
        rows = part.listed(target.area, year)
        if organisations is not None:
            rows = rows.filter(pk__in=organisations.values("pk"))
        return set(rows.values_list("pk", flat=True))

    n0, d0 = members(numerator_part, first), members(denominator_part, first)
    n1, d1 = members(numerator_part, second), members(denominator_part, second)
    moved = {pk for pk in n0 | d0 | n1 | d1 if (pk in n0, pk in d0) != (pk in n1, pk in d1)}
    levels = _levels(n0 | d0 | n1 | d1, first, second)
    groups = _grouped(n0 | d0 | n1 | d1, moved, levels, first, second)
    bars, numerator, denominator = [], set(n0), set(d0)
    for key, label in GROUPS:
        ids = groups.get(key, [])
        if not ids:
            continue
        before = share_of(numerator, denominator) or Fraction(0)
        for pk in ids:
            (numerator.add if pk in n1 else numerator.discard)(pk)
            (denominator.add if pk in d1 else denominator.discard)(pk)
        after = share_of(numerator, denominator) or Fraction(0)
        bars.append(Bar(key, str(label), after - before, sorted(ids)))
    counts = {"first": (len(n0), len(d0)), "second": (len(n1), len(d1))}
    return Breakdown(first, second, share_of(n0, d0), share_of(n1, d1), counts, bars)


def _levels(ids: set[int], first: int, second: int) -> dict[tuple[int, int], str]:
    rows = Rating.objects.counted(years=(first, second)).filter(organisation__in=ids)
    return {(pk, year): level for pk, year, level in rows.values_list("organisation_id", "year", "level")}


def _grouped(ids: set[int], moved: set[int], levels: dict, first: int, second: int) -> dict[str, list[int]]:
    """Each HTX that moved the share or changed level, in the first group of GROUPS it fits."""
    end_first, end_second = datetime.date(first, 12, 31), datetime.date(second, 12, 31)
    founded = set(Organisation.objects.filter(pk__in=ids, founded_on__gt=end_first).values_list("pk", flat=True))
    stopped = set(
        Organisation.objects.filter(pk__in=ids)
        .alias(left=left_on())
        .filter(Q(left__gt=end_first) & Q(left__lte=end_second))
        .values_list("pk", flat=True)
    )
    groups: dict[str, list[int]] = {}
    for pk in sorted(ids):
        before, after = LEVEL_RANK.get(levels.get((pk, first))), LEVEL_RANK.get(levels.get((pk, second)))
        if pk not in moved and before == after:
            continue
        if pk in founded:
            key = "founded"
        elif pk in stopped:
            key = "dissolved"
        elif before is None and after is not None:
            key = "newly_rated"
        elif before is not None and after is None:
            key = "no_longer_rated"
        elif before is not None and after > before:
            key = "upgraded"
        elif before is not None and after < before:
            key = "downgraded"
        else:
            key = "other"
        groups.setdefault(key, []).append(pk)
    return groups


def chart(result: Breakdown, url_of) -> dict:
    """A waterfall: the first year's share, one bar per group, the second year's share."""
    bars = [
        {"label": bar.label, "value": float(bar.delta), "count": len(bar.organisations), "url": url_of(bar.key)}
        for bar in result.bars
    ]
    return {
        "first": {"label": str(result.first), "value": float(result.before or 0)},
        "second": {"label": str(result.second), "value": float(result.after or 0)},
        "bars": bars,
        "title": str(_("Điều gì làm tỷ lệ thay đổi từ %(first)s đến %(second)s"))
        % {"first": result.first, "second": result.second},
    }
