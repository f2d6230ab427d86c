"""Chart and table data for the registry pages, from a few grouped rows."""

from collections import Counter, defaultdict

from django.utils.translation import gettext as _

from cooperatives.models import Organisation, Rating, SizeBand


def rating_chart(rows) -> dict:
    """Stacked bars: HTX per rating level and year, from (year, level, count) rows."""
    years = sorted({row["year"] for row in rows})
    cells = {(row["year"], row["level"]): row["count"] for row in rows}
    return {
        "years": years,
        "series": [
            {"level": level, "name": str(label), "values": [cells.get((year, level), 0) for year in years]}
            for level, label in Rating.Level.choices
        ],
        "title": _("Xếp loại HTX qua các năm"),
    }


def _tally(rows, field, choices) -> list[tuple[str, int]]:
    counts = Counter()
    for row in rows:
        counts[row[field]] += row["count"]
    return [(str(label), counts[value]) for value, label in choices if counts[value]]


def registry_numbers(rows, size_rows, rating_rows) -> dict:
    """The registry in numbers: by kind, sector and status (one grouped query), size and rating."""
    rows = list(rows)
    latest = max((row["year"] for row in rating_rows), default=None)
    return {
        "total": sum(row["count"] for row in rows),
        "by_kind": _tally(rows, "kind", Organisation.Kind.choices),
        "by_sector": _tally(rows, "sector", Organisation.Sector.choices),
        "by_status": _tally(rows, "status", Organisation.Status.choices),
        "by_size": _tally(size_rows, "band", SizeBand.choices),
        "rating_year": latest,
        "by_rating": _tally([row for row in rating_rows if row["year"] == latest], "level", Rating.Level.choices),
    }


def founded_chart(rows) -> dict:
    """New organisations per year and kind."""
    years = sorted({row["year"] for row in rows})
    cells = {(row["year"], row["kind"]): row["count"] for row in rows}
    return {
        "years": years,
        "series": [
            {"name": str(label), "values": [cells.get((year, kind), 0) for year in years]}
            for kind, label in Organisation.Kind.choices
        ],
        "title": _("Số tổ chức thành lập mới theo năm"),
    }


def history_chart(rows, predecessors) -> dict:
    """New HTX per year in each old province a current province was formed from."""
    names = {unit.pk: str(unit) for unit in predecessors}
    series = defaultdict(dict)
    for row in rows:
        series[row["place"]][row["year"]] = series[row["place"]].get(row["year"], 0) + row["count"]
    years = sorted({row["year"] for row in rows})
    return {
        "years": years,
        "series": [
            {"name": names[place], "values": [series[place].get(year, 0) for year in years]}
            for place in names
            if place in series
        ],
        "title": _("HTX thành lập mới theo năm, theo tỉnh cũ"),
    }
