"""What every app's tables share: column settings, a page size the query string cannot raise, a
paginator for lists of a hundred thousand rows, and exports limited to the formats a page offers,
written formula-safe."""

import django_tables2 as tables
from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage, Paginator
from django.db.models import F, OrderBy
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_tables2.export import ExportMixin as TablesExportMixin
from django_tables2.export import TableExport
from django_tables2.paginators import LazyPaginator
from django_tables2.rows import BoundRows
from tablib import Dataset

from coop_tracker.lib.exports import spreadsheet_value, workbook_bytes
from coop_tracker.lib.stamps import digest, record_state

# Columns a phone leaves out: name, code, kind, status and rating fit 375 px.
WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}
MAX_PER_PAGE = 100


class Table(tables.Table):
    """The base of every table of the project. django-tables2 takes the page size from the query
    string (?per_page=), and ?per_page=100000 returned every row of the registry on one page: here
    a page holds at most MAX_PER_PAGE rows, whatever the request asks."""

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        per_page = min(max(per_page or self._meta.per_page, 1), MAX_PER_PAGE)
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)

    @property
    def rows_stamp(self) -> str | None:
        """A digest of every value the page's rows show: the records' fields and annotations, the
        related rows joined to them, the columns shown. A table whose template is
        tables/cached_rows.html caches its rendered rows under it (with the language), so a changed
        name, place or rating is a new key and a stale row is never served (as the overview's
        rows: plans.views.rows_stamp). None for a table not paginated (nothing cached)."""
        page = getattr(self, "page", None)
        if page is None:
            return None
        columns = f"{type(self).__module__}.{type(self).__qualname__}:{[c.name for c in self.columns]}"
        return digest(columns, *(record_state(row.record) for row in page.object_list))

    # (the ordered queryset, its parts): set by a column's order_<name> through order_in_parts.
    ordered_in_parts = None

    def order_in_parts(self, ordered, parts):
        """A column's custom order (django-tables2's order_<name>) that no index serves, given also
        as consecutive parts, each a queryset in primary-key order whose rows all come before the
        next part's in `ordered`: LargeTablePaginator reads a page of a large list part by part
        (ids_in_parts), each an index range, instead of sorting every row. `parts` may be lazy."""
        self.ordered_in_parts = (ordered, parts)
        return ordered, True


class LargeTablePaginator(LazyPaginator):
    """Pages of a table over a large queryset (the national registry: 110,000 organisations), at
    the cost of one small page whichever page is asked for, in an order that is total.

    - The count stops at COUNT_CAP rows (`capped`: the page says "more than 10,000"): counting every
      row of the registry cost more than the page itself. Under the cap the count is exact and the
      pages are numbered to the last, as Django's paginator does; over it, they are numbered up to
      the one asked for and the next (LazyPaginator), and any page can be asked for.
    - The page's ids are read first, alone (an index-only scan of the index that serves the sort,
      OFFSET included), then its rows with their joins and annotations: an OFFSET over the full
      rows would join and annotate every row it skips (page 2,000: 50,000 of them).
    - The primary key ends every ordering (in the direction of the first term), so that rows
      with the same name, kind or date never move between pages.
    """

    COUNT_CAP = 10_000
    MAX_PAGE = 10_000_000  # past the cap, the furthest page asked for (a billion rows of 100)

    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.queryset = getattr(getattr(object_list, "data", None), "data", None)  # BoundRows -> TableData -> QuerySet

    @cached_property
    def count(self) -> int:
        """The number of rows, up to COUNT_CAP + 1 (one more than the cap: `capped`)."""
        if self.queryset is None:
            return len(self.object_list)
        return self.queryset.order_by().values("pk")[: self.COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.COUNT_CAP

    def page(self, number):
        if self.queryset is None:
            return super().page(number)
        number = self.validate_number(number or 1)
        if not self.capped:
            self._num_pages = self._final_num_pages = max(1, -(-self.count // self.per_page))
        if number > (self._final_num_pages or self.MAX_PAGE):  # no OFFSET past a 64-bit integer
            raise EmptyPage(_("Trang này không có dòng nào."))
        ids = self.page_ids((number - 1) * self.per_page, self.per_page + 1)
        if not ids and number != 1:
            raise EmptyPage(_("Trang này không có dòng nào."))
        if self.capped:
            self._num_pages = number + 1 if len(ids) > self.per_page else number
            self._final_num_pages = None if len(ids) > self.per_page else number
        ids = ids[: self.per_page]
        rows = self.rows_of(ids)
        table = self.object_list.table
        return self._get_page(list(BoundRows([rows[pk] for pk in ids], table)), number, self)

    def page_ids(self, bottom: int, size: int) -> list:
        """The ids of `size` rows from the `bottom`-th, in the queryset's order ended by its primary
        key: one query, or part by part (Table.order_in_parts) for a list past the cap, where a
        sort of every row cost more than reading a few parts (under it, a sort of at most
        COUNT_CAP rows is cheaper than the parts, most of them empty in a province's list)."""
        in_parts = getattr(getattr(self.object_list, "table", None), "ordered_in_parts", None)
        if in_parts is not None and in_parts[0] is self.queryset and self.capped:
            return ids_in_parts(in_parts[1], bottom, size)
        return list(self.ordered(self.queryset).values_list("pk", flat=True)[bottom : bottom + size])

    def rows_of(self, ids) -> dict:
        """The page's rows by id, with the queryset's joins and annotations. Without annotations,
        read by their ids alone: the queryset's filters chose them already, and some are costly to
        run again (what a national figure counted: a NOT IN over 110,000 organisations)."""
        query = self.queryset.query
        plain = self.queryset._iterable_class is ModelIterable  # model instances, not values()
        if query.annotations or query.distinct or query.extra or not plain:
            return self.queryset.order_by().in_bulk(ids)
        rows = self.queryset.model._base_manager.filter(pk__in=ids)
        rows.query.select_related = query.select_related
        rows.query.deferred_loading = query.deferred_loading
        return {row.pk: row for row in rows}

    @staticmethod
    def ordered(queryset):
        """The queryset's ordering, ended by its primary key."""
        terms = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
        first = terms[0] if terms else "pk"
        descending = first.descending if isinstance(first, OrderBy) else str(first).startswith("-")
        return queryset.order_by(*terms, F("pk").desc() if descending else F("pk").asc())

    @property
    def num_pages(self):
        return self._num_pages


def ids_in_parts(parts, skip: int, size: int) -> list:
    """The ids of `size` rows from the `skip`-th of the parts put end to end (each a queryset in its
    final order): a part is read only if the page reaches it, and a part wholly skipped is counted,
    up to the rows left to skip, as an OFFSET would walk them."""
    ids = []
    for part in parts:
        if len(ids) >= size:
            break
        found = list(part.values_list("pk", flat=True)[skip : skip + size - len(ids)])
        if found:
            ids += found
            skip = 0
        elif skip:  # the part holds at most `skip` rows, all before the page
            skip -= part.order_by().values("pk")[:skip].count()
    return ids


class SafeTableExport(TableExport):
    """django-tables2's export, with every cell written through coop_tracker.lib.exports: tablib
    writes a name beginning with "=" as a live formula in Excel, and as it is in a CSV."""

    def export(self):
        rows = [self.dataset.headers or [], *self.dataset]
        if self.format == self.XLSX:
            return workbook_bytes(self.dataset.title or "", rows)
        safe = Dataset(title=self.dataset.title)
        safe.headers = [spreadsheet_value(value, csv=True) for value in rows[0]] or None
        for row in rows[1:]:
            safe.append([spreadsheet_value(value, csv=True) for value in row])
        return safe.export(self.format)


class ExportMixin(TablesExportMixin):
    """django-tables2's export view mixin, answering only the formats the page offers
    (`export_formats`): it would otherwise write any tablib knows (?_export=json, latex…, and a 500
    for those whose library is not installed). Written through SafeTableExport."""

    export_class = SafeTableExport

    def render_to_response(self, context, **kwargs):
        export_format = self.request.GET.get(self.export_trigger_param)
        if export_format is not None and export_format not in self.export_formats:
            raise BadRequest(f"export format {export_format!r} is not offered")
        return super().render_to_response(context, **kwargs)
