"""Column settings every app's tables share."""

# Columns a phone leaves out: name, code, kind, status and rating fit 375 px.
WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}
