"""Run as a script by `reading._read_ods`, never imported: reads an OpenDocument spreadsheet (.ods)
from standard input with python-calamine and writes its sheets to standard output, one JSON line
per row, each sheet after a line {"sheet": name, "end": last row or null, "first_column": n}.

calamine read some crafted .ods sheets for minutes: in a process of its own, with a memory limit
set here and a time limit set by its parent, such a file costs a bounded time and nothing else.
"""

import datetime
import io
import json
import resource
import sys

MEMORY_BYTES = 1024 * 1024 * 1024
MAX_COLUMNS = 200  # reading.MAX_COLUMNS (this script imports nothing of the project)


def encoded(value):
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"time": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"seconds": value.total_seconds()}
    raise TypeError(type(value).__name__)


def main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
    out = sys.stdout
    for meta in workbook.sheets_metadata:
        if "Chart" in str(meta.typ):
            continue
        sheet = workbook.get_sheet_by_name(meta.name)
        first_column = sheet.start[1] if sheet.start else 0
        head = {"sheet": meta.name, "end": sheet.end[0] if sheet.end else None, "first_column": first_column}
        out.write(json.dumps(head) + "\n")
        for values in sheet.iter_rows():
            out.write(json.dumps(values[: MAX_COLUMNS - first_column], default=encoded) + "\n")


if __name__ == "__main__":
    main()
