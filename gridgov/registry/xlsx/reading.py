"""Reading an upload: the archive checked before it is opened (size, what it unpacks to,
the extent of its sheets), then its first sheet read against the layout of its kind."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from gridgov.core.lib import archive

from .. import xlsx
from .layouts import LAYOUTS, OUTPUT_HEADERS, Column

# The limits of an upload (MAX_BYTES, MAX_ROWS …) are the package's (`xlsx.MAX_ROWS`), read
# there when used: a test or a caller that changes them there changes what is read here.


class SheetError(Exception):
    """A file that cannot be read as the layout asks; `message` names the row and column."""

    def __init__(self, code: str, message: str, cells: list[tuple[int, int]] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.cells = cells or []  # (row, column index) to mark in the error workbook


@dataclass
class Sheet:
    """The rows of an upload: row number (as the spreadsheet shows it) → values by key."""

    title: str
    positions: dict[str, int]  # key → 1-based column index
    headers: dict[str, str]  # key → the header as written
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def column_name(self, key: str) -> str:
        pos = self.positions.get(key)
        if pos is None:
            return ""
        return f"{get_column_letter(pos)}（{self.headers[key]}）"


def _normal_header(value: Any) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"[\s*＊:：]", "", text)


def check_archive(data: bytes) -> None:
    """Refuse what is not an xlsx, or would unpack to too much, before openpyxl reads it."""
    if len(data) > xlsx.MAX_BYTES:
        raise SheetError(
            "file_too_large",
            _("The file is larger than %(mb)s MB.") % {"mb": xlsx.MAX_BYTES // (1024 * 1024)},
        )
    if not data:
        raise SheetError("file_empty", _("The file is empty."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" not in names:
                raise SheetError(
                    "not_xlsx",
                    _("This is not an xlsx workbook (save it as Excel Workbook .xlsx)."),
                )
            try:
                archive.check_members(z, xlsx.MAX_UNPACKED_BYTES)
            except archive.ArchiveTooLarge:
                raise SheetError(
                    "file_too_large", _("The workbook unpacks to too much data.")
                ) from None
            for name in sorted(names):
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    _check_extent(z, name)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise SheetError(
            "not_xlsx", _("This is not an xlsx workbook (save it as Excel Workbook .xlsx).")
        ) from None


# A worksheet's cells, as they appear in its XML: a reference of two or three letters (a
# column past Z), a row number of six digits or more (row 100,000 on), the declared extent.
# (Patterns without a leading `<c\b[^>]*?`, which made the scan ten times slower: any
# attribute `r="…"` with such a value is looked at, cell or row.)
_WIDE_CELL = re.compile(rb"""\sr=["']([A-Z]{2,3})\d""")
_DEEP_ROW = re.compile(rb"""\sr=["'][A-Z]{0,3}(\d{6,})["']""")
_DIMENSION = re.compile(rb"""<dimension\s+ref=["'](?:[A-Z]+\d+:)?([A-Z]+)(\d+)["']""")


def _check_extent(z: zipfile.ZipFile, name: str) -> None:
    """Refuse a sheet that reaches past MAX_COLUMNS columns or MAX_ROWS rows, however few
    cells it holds. Security: the reader makes a grid of the sheet's whole extent before
    any row limit applies; a 5 KB file with cells in A1 and XFD1048576 asked for 512 GiB
    and killed the process. Scanned as the file unpacks, without parsing the XML: only
    the rare references past column Z or row 99,999 are looked at in Python."""
    tail = b""
    with z.open(name) as sheet:
        while chunk := sheet.read(1 << 20):
            text = tail + chunk
            for m in _DIMENSION.finditer(text):
                _within(_column_number(m.group(1)), int(m.group(2)))
            for m in _WIDE_CELL.finditer(text):
                _within(_column_number(m.group(1)), 1)
            for m in _DEEP_ROW.finditer(text):
                _within(1, int(m.group(1)))
            tail = text[-200:]  # a reference cut by the chunk's end is seen again whole


def _column_number(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + (c - 64)
    return n


def _within(column: int, row: int) -> None:
    if row > xlsx.MAX_ROWS + 1:
        # As `read` says it of a sheet with too many rows: the first row past the limit.
        raise SheetError(
            "too_many_rows",
            _("Row %(row)s: a file holds at most %(max)s rows.")
            % {"row": f"{xlsx.MAX_ROWS + 2:,}", "max": f"{xlsx.MAX_ROWS:,}"},
        )
    if column > xlsx.MAX_COLUMNS:
        raise SheetError(
            "too_many_columns",
            _("The sheet reaches beyond column %(columns)s; clear the cells right of the "
              "table (or copy the table into a new workbook).")
            % {"columns": xlsx.MAX_COLUMNS},
        )  # fmt: skip


def read(data: bytes, kind: str, progress: Callable[[int, int], None] | None = None) -> Sheet:
    """The first sheet of an upload, checked against the layout of `kind`.

    Raises SheetError for a file that is not an xlsx, too large, too many rows, or whose
    header row misses a required column or has one the layout does not know.

    Read with calamine (Rust): openpyxl's reader parses XML in Python at about 6,000 rows a
    second, which alone would spend the import's whole budget (>= 5,000 rows/s). Calamine
    expands no XML entities, so entity bombs do not go off; `check_archive` bounds the rest.
    """
    check_archive(data)
    columns = LAYOUTS[kind]
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        ws = wb.get_sheet_by_index(0)
        top, left = ws.start or (0, 0)
        rows = iter(ws.iter_rows())
    except Exception:
        # Damaged archives and sheets raise several kinds of error from the Rust side.
        raise SheetError("not_xlsx", _("The workbook is damaged and cannot be read.")) from None
    try:
        return _rows(ws.name, rows, top, left, ws.height, columns, progress)
    except SheetError:
        raise
    except Exception:
        raise SheetError("not_xlsx", _("The workbook is damaged and cannot be read.")) from None
    finally:
        wb.close()


def _rows(
    title: str,
    rows: Iterator[list[Any]],
    top: int,
    left: int,
    height: int,
    columns: tuple[Column, ...],
    progress: Callable[[int, int], None] | None,
) -> Sheet:
    head = next(rows, None)
    if head is None or top > 0:
        raise SheetError("no_header", _("Row 1 should hold the column headers; it is empty."))
    by_header: dict[str, Column] = {}
    for col in columns:
        for name in (col.header, *col.aliases):
            by_header[name] = col
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[tuple[int, str]] = []
    for i, raw in enumerate(head, start=left + 1):
        name = _normal_header(raw)
        if not name or name in OUTPUT_HEADERS:
            continue
        found = by_header.get(name)
        if found is None:
            unknown.append((i, str(raw)))
            continue
        if found.key in positions:
            raise SheetError(
                "duplicate_header",
                _("Row 1, column %(col)s: the column %(header)s appears twice.")
                % {"col": get_column_letter(i), "header": found.header},
                [(1, i)],
            )
        positions[found.key] = i
        headers[found.key] = str(raw).strip()
    problems = [
        _("Row 1, column %(col)s: unknown column %(header)s.")
        % {"col": get_column_letter(i), "header": name}
        for i, name in unknown
    ]
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        problems.append(
            _("Row 1: the required column(s) %(headers)s are missing.")
            % {"headers": "、".join(missing)}
        )
    if problems:
        raise SheetError("bad_layout", " ".join(problems), [(1, i) for i, _n in unknown])
    sheet = Sheet(title, positions, headers)
    index = [(c.key, positions[c.key] - 1 - left) for c in columns if c.key in positions]
    estimate = max(height - 1, 1)
    out = sheet.rows
    for number, values in enumerate(rows, start=top + 2):
        if not any(v != "" and v is not None for v in values):
            continue
        if len(out) >= xlsx.MAX_ROWS:
            raise SheetError(
                "too_many_rows",
                _("Row %(row)s: a file holds at most %(max)s rows.")
                % {"row": number, "max": f"{xlsx.MAX_ROWS:,}"},
            )
        n = len(values)
        out.append((number, {k: (values[i] if i < n else None) for k, i in index}))
        if progress is not None and len(out) % 5000 == 0:
            progress(len(out), max(estimate, len(out)))
    return sheet
