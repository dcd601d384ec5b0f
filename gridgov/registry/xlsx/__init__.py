"""Spreadsheets (xlsx) of the registry (R-REG-5): the sheet layouts, import templates,
reading an upload, the error workbook, and exports.

The headers and the value vocabularies (户主, 居民身份证 …) are the file format: they are
Chinese whatever language the page is in, so that a file fills and re-imports the same way
everywhere. Values are also accepted as the stored codes and the English labels. The
explanations in the "说明" sheet and the error reasons follow the job's language (Simplified
Chinese by default).

Nothing here touches the database: `registry.imports` checks and writes.

The package: `layouts` (the columns of each kind, headers, styles), `spellings` (the
vocabularies of the choice columns), `templates` (the import templates), `reading` (checking
and reading an upload), `cells` (cell values), `errorbook` (the error workbook) and `writing`
(exports). The limits of an upload are here: the modules read them off the package when
they use them.
"""

from .cells import (
    DATE_FORMATS,
    CellError,
    boolean,
    choice,
    date,
    document_number,
    integer,
    text,
)
from .errorbook import Problem, error_workbook
from .layouts import (
    AUTHOR,
    BAD_FILL,
    DETAIL_HEADERS,
    ERROR_HEADER,
    GRID_NAME_HEADER,
    HEAD_FILL,
    HEAD_FONT,
    HOUSEHOLD_COLUMNS,
    LAYOUTS,
    MEMBERS_HEADER,
    NOTES_SHEET,
    OUTPUT_HEADERS,
    REQUIRED_FONT,
    RESIDENT_COLUMNS,
    ROW_HEADER,
    SHEET_TITLES,
    STATUS_HEADER,
    TAG_COLUMNS,
    Column,
)
from .reading import Sheet, SheetError, check_archive, read
from .spellings import (
    CHOICES,
    DETAIL_CHOICES,
    EXTRA_SPELLINGS,
    FALSE_WORDS,
    TRUE_WORDS,
    is_choice,
    label_of,
    labels,
    vocabulary,
)
from .templates import template
from .writing import (
    EXPORT_HEADERS,
    FORMULA_STARTS,
    display,
    iter_chunks,
    neutralise,
    resident_cells,
    write_rows,
    yes_no,
)

# Limits of an upload: bigger files are refused before they are opened.
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
# An xlsx is a zip: what it may unpack to (a "zip bomb" unpacks to far more).
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
# Columns a sheet may reach: the widest layout has about 20, plus 错误/状态/原行号.
MAX_COLUMNS = 64

__all__ = [
    "AUTHOR",
    "BAD_FILL",
    "CHOICES",
    "DATE_FORMATS",
    "DETAIL_CHOICES",
    "DETAIL_HEADERS",
    "ERROR_HEADER",
    "EXPORT_HEADERS",
    "EXTRA_SPELLINGS",
    "FALSE_WORDS",
    "FORMULA_STARTS",
    "GRID_NAME_HEADER",
    "HEAD_FILL",
    "HEAD_FONT",
    "HOUSEHOLD_COLUMNS",
    "LAYOUTS",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MEMBERS_HEADER",
    "NOTES_SHEET",
    "OUTPUT_HEADERS",
    "REQUIRED_FONT",
    "RESIDENT_COLUMNS",
    "ROW_HEADER",
    "SHEET_TITLES",
    "STATUS_HEADER",
    "TAG_COLUMNS",
    "TRUE_WORDS",
    "CellError",
    "Column",
    "Problem",
    "Sheet",
    "SheetError",
    "boolean",
    "check_archive",
    "choice",
    "date",
    "display",
    "document_number",
    "error_workbook",
    "integer",
    "is_choice",
    "iter_chunks",
    "label_of",
    "labels",
    "neutralise",
    "read",
    "resident_cells",
    "template",
    "text",
    "vocabulary",
    "write_rows",
    "yes_no",
]
