"""The import templates: the sheet to fill, with drop-down lists, and "说明" explaining
each column."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import xlsx
from ..choices import TagKind
from ..services import TAG_DETAILS
from .layouts import (
    HEAD_FILL,
    HEAD_FONT,
    LAYOUTS,
    NOTES_SHEET,
    REQUIRED_FONT,
    SHEET_TITLES,
    Column,
)
from .spellings import is_choice, labels

# The limits of an upload (MAX_BYTES, MAX_ROWS …) are the package's (`xlsx.MAX_ROWS`), read
# there when used: a test or a caller that changes them there changes what is read here.


def _help() -> dict[str, str]:
    """What each column holds, for the "说明" sheet (translated when called)."""
    return {
        "grid": _("The 15-digit code of the grid the household is registered in."),
        "address": _(
            "Address of the household. Grid code + address + unit + room name one household."
        ),
        "unit": _("Building unit, if any."),
        "floor": _("Floor number, if any."),
        "room": _("Room number, if any."),
        "household_type": _(
            "Household type. On the residents sheet only needed for a household that is not "
            "registered yet: it is then created."
        ),
        "building": _("Code of a registered building in the grid, if any."),
        "name": _("Full name."),
        "relation": _("Relation to the head of the household."),
        "document_type": _("Identity document; empty means resident identity card."),
        "id_number": _(
            "Document number. Format the column as text: an 18-digit number typed as a "
            "number loses its last digits."
        ),
        "birth_date": _(
            "Only for documents other than the resident identity card, which carries the "
            "birth date (YYYY-MM-DD)."
        ),
        "sex": _("Only for documents other than the resident identity card."),
        "phone": _("Mobile (11 digits) or landline (0 + area code + number)."),
        "residence_status": _("Empty means registered resident."),
        "floating_until": _("For floating population: the residence permit's expiry date."),
        "nationality": _("Required for foreign nationals."),
        "party_member": _("是 or 否; empty means 否."),
    }


def _tag_help() -> dict[str, str]:
    """What each column of the tags layout holds (translated when called)."""
    kinds_of: dict[str, list[str]] = {}
    with translation.override("zh-hans"):
        for kind, fields in TAG_DETAILS.items():
            for key in fields:
                kinds_of.setdefault(key, []).append(str(TagKind(kind).label))
    out = {
        "id_number": _(
            "ID number of the resident the tag is on (a registered resident in your area). "
            "Format the column as text. Leave empty for a tag on a household."
        ),
        "household": _(
            "Household number (shown on the household's page) of a household the tag is on. "
            "Fill in either the ID number or the household number, not both."
        ),
        "name": _("Optional: the resident's name, checked against the registry."),
        "tag_kind": _("Kind of the tag."),
        "start": _("Date from which the tag holds (YYYY-MM-DD)."),
        "end": _("Date until which it holds, if known; not before the start."),
    }
    for key, kinds in kinds_of.items():
        out[f"detail_{key}"] = _("Only for a tag of kind %(kinds)s; leave empty otherwise.") % {
            "kinds": "、".join(kinds)
        }
    return out


def _header_row(ws: Any, columns: Iterable[Column]) -> None:
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font = REQUIRED_FONT if col.required else HEAD_FONT
        cell.fill = HEAD_FILL
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = col.width
        if col.kind in ("text", "int") or is_choice(col.kind):
            # Typed as text: ID numbers and phones keep every digit and leading zeros.
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"


def template(kind: str) -> bytes:
    """The import template of `kind`: the sheet to fill, and "说明" explaining each column."""
    columns = LAYOUTS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLES[kind]
    _header_row(ws, columns)
    for i, col in enumerate(columns, start=1):
        if is_choice(col.kind):
            letter = get_column_letter(i)
            options = ",".join(labels(col.kind))
            dv = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
            dv.add(f"{letter}2:{letter}{xlsx.MAX_ROWS + 1}")
            ws.add_data_validation(dv)
        elif col.kind == "bool":
            letter = get_column_letter(i)
            dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
            dv.add(f"{letter}2:{letter}{xlsx.MAX_ROWS + 1}")
            ws.add_data_validation(dv)

    notes = wb.create_sheet(NOTES_SHEET)
    help_ = _help() | (_tag_help() if kind == "tags" else {})
    notes.append([_("Column"), _("Required"), _("Allowed values"), _("What to fill in")])
    for cell in notes[1]:
        cell.font = HEAD_FONT
        cell.fill = HEAD_FILL
    for col in columns:
        allowed = "、".join(labels(col.kind)) if is_choice(col.kind) else ""
        if col.kind == "bool":
            allowed = "是、否"
        elif col.kind == "date":
            allowed = "YYYY-MM-DD"
        notes.append([col.header, _("yes") if col.required else "", allowed, help_[col.key]])
    notes.append([])
    what = {"households": _("household"), "residents": _("resident"), "tags": _("tag")}[kind]
    rules = [
        _("Fill in the first sheet, one row per %(what)s; keep the header row as it is.")
        % {"what": what},
        _("At most %(rows)s rows and %(mb)s MB per file.")
        % {"rows": f"{xlsx.MAX_ROWS:,}", "mb": xlsx.MAX_BYTES // (1024 * 1024)},
        _(
            "Every row is checked before anything is saved. Rows with problems come back in "
            "an error workbook: each bad cell is coloured and carries a note with the reason, "
            "and the column 错误 lists the row's problems."
        ),
    ]
    if kind == "tags":
        rules.append(
            _(
                "Importing the same file again changes nothing: a tag of the same kind on the "
                "same resident or household from the same start date is the same tag; its end "
                "date and fields are updated from the file."
            )
        )
        rules.append(_("Fill in only the fields of the row's kind of tag; leave the others empty."))
    else:
        rules.append(
            _(
                "Importing the same file again changes nothing: households are matched by grid "
                "code + address + unit + room, residents by document number."
            )
        )
    if kind == "residents":
        rules.append(
            _(
                "A resident joins the household at the grid code + address + unit + room of "
                "the row. Import households first, or fill in 户类型 to create the household."
            )
        )
        rules.append(
            _(
                "A person who already lives in another household is refused: moving people "
                "between households is done on the resident's page."
            )
        )
    for rule in rules:
        notes.append([rule])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 8
    notes.column_dimensions["C"].width = 40
    notes.column_dimensions["D"].width = 80
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
