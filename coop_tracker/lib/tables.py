"""What every app's tables share: column settings, and exports written formula-safe."""

from django_tables2.export import TableExport
from tablib import Dataset

from coop_tracker.lib.exports import spreadsheet_value, workbook_bytes

# Columns a phone leaves out: name, code, kind, status and rating fit 375 px.
WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


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
