"""Writing workbooks: exports of rows (every value neutralised, so that no cell opens as a
formula), a resident as a row of the residents layout, and stored choices as labels."""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from gridgov.core.lib import text as text_lib

from ..choices import ResidentStatus
from .layouts import HEAD_FILL, HEAD_FONT, RESIDENT_COLUMNS, STATUS_HEADER
from .spellings import label_of

# A text cell that starts with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text value made safe to open: a leading = + - @ tab or CR would start a formula
    (CSV/formula injection), so such text gets a leading apostrophe and stays text; and
    characters a workbook cannot hold (control characters: openpyxl raises
    IllegalCharacterError) are dropped, whatever was stored (core.lib.text.printable)."""
    if isinstance(value, str):
        value = text_lib.printable(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


EXPORT_HEADERS = [c.header for c in RESIDENT_COLUMNS] + [STATUS_HEADER]


def write_rows(
    headers: list[str], rows: Iterable[list[Any]], title: str, widths: list[int] | None = None
) -> bytes:
    """A workbook of one sheet (write-only: memory stays flat however many rows). Every
    value goes through `neutralise`."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = HEAD_FONT
        cell.fill = HEAD_FILL
        head.append(cell)
    ws.append(head)
    for row in rows:
        ws.append([neutralise(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def resident_cells(r: Any, id_number: str, phone: str) -> list[Any]:
    """A resident as a row of the residents layout (+ 状态), so an unmasked export can be
    imported again."""
    h = r.household
    return [
        r.grid_code,
        h.address if h else "",
        h.unit if h else "",
        h.room if h else "",
        label_of("household_type", h.household_type) if h else "",
        r.name,
        label_of("relation", r.relation),
        label_of("document_type", r.document_type),
        id_number,
        r.birth_date.isoformat() if r.birth_date else "",
        label_of("sex", r.sex),
        phone,
        label_of("residence_status", r.residence_status),
        r.floating_until.isoformat() if r.floating_until else "",
        r.nationality,
        "是" if r.party_member else "否",
        _status_label(r.status),
    ]


def _status_label(value: str) -> str:
    with translation.override("zh-hans"):
        return str(dict(ResidentStatus.choices).get(value, value))


@functools.cache
def _display_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


def display(choices: type[models.TextChoices], value: str) -> str:
    """A stored choice as an export writes it: its Simplified Chinese label (the file
    format), looked up once per choice set rather than once per cell."""
    return _display_labels(choices).get(value, value)


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def iter_chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
