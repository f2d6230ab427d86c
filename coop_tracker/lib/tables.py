"""What every app's tables share: column settings, a page size the query string cannot raise, and
exports limited to the formats a page offers, written formula-safe."""

import django_tables2 as tables
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django_tables2.export import ExportMixin as TablesExportMixin
from django_tables2.export import TableExport
from tablib import Dataset

from coop_tracker.lib.exports import spreadsheet_value, workbook_bytes

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
