"""Reading provincial Excel and CSV lists of organisations, yearly figures and ratings.

Three steps, none of which touches the database:
1. `read_table` (`reading`): bytes → rows of cell values (.xlsx, .xls and .ods through
   python-calamine, .csv in UTF-8 or Windows-1258 with `,` `;` or tab), refusing what is not a
   spreadsheet with a message; it knows nothing of the registry;
2. `parse` (`rows`): rows → one `RowRecord` per data row and every `RowError` (row, column, reason),
   finding the header under title rows, skipping blank rows, a column-numbering row, totals and
   footers;
3. `plan` (`planning`): records + what the registry holds (`Registry`) → what will be created,
   updated or left unchanged, matched by registration code, with the errors only the registry can
   tell (a commune outside the province, another province's organisation).
`cooperatives.services.registry_import` loads the registry, runs them and writes in one transaction.

One job per module:
- `text`: folding and cleaning cell text (`fold`, `clean_text`, `is_blank`);
- `reading`: a file's bytes → a `Table` (`ods_child` reads .ods in a child process);
- `values`: the vocabularies and value parsers (`parse_number`, `parse_money`, `parse_date`, the
  words for kinds, sectors, statuses, levels; `PARSERS`) and the fields each model takes;
- `headers`: the template's headers and their synonyms, a header → its field, unit and year,
  the header row's columns (`find_columns`), the title's year;
- `rows`: the data rows → `ParsedFile` (`parse`), `RowError` and `grouped_errors`;
- `places`: matching communes and districts on the old and new maps (`Places`);
- `planning`: `Registry`, `Plan` and `plan`;
- `mapping`: the mapping step (the columns as read, the fields staff chose);
- `error_report`: the file given back with its errors; `template`: the downloadable template.
The names other code uses are re-exported here.
"""

from . import places, reading  # noqa: F401
from .headers import (  # noqa: F401
    TEMPLATE_HEADERS,
    header_field,
    header_year,
    money_unit,
    normal_header,
)
from .places import CommuneRef, Places, Reading  # noqa: F401
from .planning import Plan, Registry, plan  # noqa: F401
from .reading import (  # noqa: F401
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    ImportFileError,
    Table,
    read_table,
)
from .rows import ParsedFile, RowError, RowRecord, grouped_errors, parse  # noqa: F401
from .template import template_xlsx  # noqa: F401
from .text import clean_text, fold, is_blank  # noqa: F401
from .values import (  # noqa: F401
    FIGURE_FIELDS,
    MONEY_FIELDS,
    PARSERS,
    RATING_FIELDS,
    mappable_fields,
    parse_code,
    parse_commune_code,
    parse_date,
    parse_money,
    parse_number,
    parse_sector,
)
