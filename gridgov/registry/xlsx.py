"""Spreadsheets (xlsx) of the registry (R-REG-5): the sheet layouts, import templates,
reading an upload, the error workbook, and exports.

The headers and the value vocabularies (户主, 居民身份证 …) are the file format: they are
Chinese whatever language the page is in, so that a file fills and re-imports the same way
everywhere. Values are also accepted as the stored codes and the English labels. The
explanations in the "说明" sheet and the error reasons follow the job's language (Simplified
Chinese by default).

Nothing here touches the database: `registry.imports` checks and writes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as _ILLEGAL
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from gridgov.core.lib import archive
from gridgov.core.lib import text as text_lib

from .choices import (
    DETAIL_VALUES,
    DocumentType,
    HouseholdType,
    Relation,
    ResidenceStatus,
    ResidentStatus,
    Sex,
    TagKind,
)
from .services import TAG_DETAILS

# Limits of an upload: bigger files are refused before they are opened.
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
# An xlsx is a zip: what it may unpack to (a "zip bomb" unpacks to far more).
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
# Columns a sheet may reach: the widest layout has about 20, plus 错误/状态/原行号.
MAX_COLUMNS = 64

ERROR_HEADER = "错误"
ROW_HEADER = "原行号"
STATUS_HEADER = "状态"
GRID_NAME_HEADER = "网格名称"
MEMBERS_HEADER = "人数"
# Columns this module writes into its own files; an import skips them, so that an error
# workbook or an export can be corrected and imported again.
OUTPUT_HEADERS = frozenset(
    {ERROR_HEADER, ROW_HEADER, STATUS_HEADER, GRID_NAME_HEADER, MEMBERS_HEADER}
)
NOTES_SHEET = "说明"
BAD_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
HEAD_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="B3261E")
HEAD_FONT = Font(bold=True)
AUTHOR = "gridgov"
# A text cell that starts with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    kind: str = "text"  # text, date, bool, int, or a choice set name
    width: int = 14
    max_length: int = 0
    aliases: tuple[str, ...] = ()


# Choice columns: the stored codes of each, with the model's TextChoices (for labels).
CHOICES: dict[str, type[models.TextChoices]] = {
    "household_type": HouseholdType,
    "relation": Relation,
    "document_type": DocumentType,
    "residence_status": ResidenceStatus,
    "sex": Sex,
    "tag_kind": TagKind,
}
# Choice columns of a tag's own fields (services.TAG_DETAILS): column kind → stored codes,
# labelled by choices.DETAIL_VALUES.
DETAIL_CHOICES: dict[str, tuple[str, ...]] = {
    f"detail_{key}": choices
    for fields in TAG_DETAILS.values()
    for key, choices in fields.items()
    if isinstance(choices, tuple)
}
# More spellings officials use (plan 3 says 物管小区).
EXTRA_SPELLINGS: dict[str, dict[str, str]] = {
    "household_type": {"物管小区": "property_managed", "农村散居院落": "agricultural",
                       "农业散居户": "agricultural", "单位": "unit"},
    "relation": {"本人": "head", "妻子": "spouse", "丈夫": "spouse", "夫": "spouse", "妻": "spouse",
                 "儿子": "child", "女儿": "child", "子": "child", "女": "child", "父亲": "parent",
                 "母亲": "parent", "孙子": "grandchild", "孙女": "grandchild", "外孙": "grandchild",
                 "外孙女": "grandchild"},
    "document_type": {"身份证": "resident_id", "二代身份证": "resident_id",
                      "外国人永久居留证": "foreign_permanent_id"},
    "residence_status": {"户籍": "registered", "常住人口": "registered", "流动": "floating",
                         "外来人口": "floating", "境外": "foreign", "外籍": "foreign"},
    "sex": {"男性": "m", "女性": "f", "male": "m", "female": "f"},
    "tag_kind": {"困难户": "hardship", "低保户": "hardship", "特困户": "hardship",
                 "特困人员": "hardship", "独居": "elderly_alone", "空巢": "empty_nest",
                 "留守": "left_behind_child", "残疾": "disability"},
    "detail_assistance": {"低保": "minimum_living", "低保户": "minimum_living",
                          "特困": "extreme_poverty", "特困供养人员": "extreme_poverty",
                          "低收入户": "low_income"},
    "detail_grade": {"一级": "1", "二级": "2", "三级": "3", "四级": "4", "1级": "1",
                     "2级": "2", "3级": "3", "4级": "4"},
    "detail_registered": {"已登记": "yes", "未登记": "no"},
}  # fmt: skip
TRUE_WORDS = {"是", "党员", "中共党员", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "群众", "非党员", "n", "no", "false", "0", ""}

HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    Column("grid", "网格编码", required=True, width=18, aliases=("网格代码",)),
    Column("address", "地址", required=True, width=36, max_length=200, aliases=("住址",)),
    Column("unit", "单元", max_length=10, width=8),
    Column("floor", "楼层", kind="int", width=8),
    Column("room", "房号", max_length=20, width=10, aliases=("门牌号", "房间号")),
    Column("household_type", "户类型", required=True, kind="household_type", width=16),
    Column("building", "楼栋编码", width=22),
)

RESIDENT_COLUMNS: tuple[Column, ...] = (
    Column("grid", "网格编码", required=True, width=18, aliases=("网格代码",)),
    Column("address", "地址", required=True, width=36, max_length=200, aliases=("住址",)),
    Column("unit", "单元", max_length=10, width=8),
    Column("room", "房号", max_length=20, width=10, aliases=("门牌号", "房间号")),
    Column("household_type", "户类型", kind="household_type", width=16),
    Column("name", "姓名", required=True, width=12),
    Column("relation", "与户主关系", required=True, kind="relation", width=12,
           aliases=("关系",)),
    Column("document_type", "证件类型", kind="document_type", width=16),
    Column("id_number", "证件号码", required=True, width=22,
           aliases=("身份证号", "身份证号码", "公民身份号码")),
    Column("birth_date", "出生日期", kind="date", width=12),
    Column("sex", "性别", kind="sex", width=8),
    Column("phone", "联系电话", width=16, aliases=("手机号", "手机号码", "电话")),
    Column("residence_status", "居住类型", kind="residence_status", width=12,
           aliases=("人口类型",)),
    Column("floating_until", "居住证有效期至", kind="date", width=14),
    Column("nationality", "国籍", width=10),
    Column("party_member", "党员", kind="bool", width=8, aliases=("政治面貌",)),
)  # fmt: skip

# The headers of a tag's own fields are the tag form's labels (choices.DETAIL_LABELS) in
# Simplified Chinese, written out: the file format must not move with a translation.
DETAIL_HEADERS = {
    "assistance": "救助类型", "category": "残疾类别", "grade": "残疾等级",
    "guardian": "监护人", "guardian_phone": "监护人电话", "parents_work_in": "父母务工地",
    "emergency_contact": "紧急联系人", "emergency_contact_phone": "紧急联系人电话",
    "group": "人群类别", "since": "失业时间",
    "registered": "已登记失业", "from_place": "户籍地", "purpose": "来华事由",
}  # fmt: skip

TAG_COLUMNS: tuple[Column, ...] = (
    # Exactly one of the two: a tag is on a resident or on a household.
    Column("id_number", "身份证号", width=22,
           aliases=("证件号码", "身份证号码", "公民身份号码")),
    Column("household", "户编号", width=38),
    Column("name", "姓名", width=12),
    Column("tag_kind", "标签类型", required=True, kind="tag_kind", width=14,
           aliases=("标签",)),
    Column("start", "开始日期", required=True, kind="date", width=12, aliases=("起始日期",)),
    Column("end", "结束日期", kind="date", width=12, aliases=("截止日期",)),
    *(
        Column(f"detail_{key}", header, kind=f"detail_{key}" if f"detail_{key}" in
               DETAIL_CHOICES else "text", width=max(12, 2 * len(header) + 4))
        for key, header in DETAIL_HEADERS.items()
    ),
)  # fmt: skip

LAYOUTS: dict[str, tuple[Column, ...]] = {
    "households": HOUSEHOLD_COLUMNS,
    "residents": RESIDENT_COLUMNS,
    "tags": TAG_COLUMNS,
}
SHEET_TITLES = {"households": "住户", "residents": "居民", "tags": "关注标签"}


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


def is_choice(kind: str) -> bool:
    return kind in CHOICES or kind in DETAIL_CHOICES


def _pairs(kind: str) -> list[tuple[str, Any]]:
    """(stored code, lazy label) of a choice set."""
    if kind in CHOICES:
        return list(CHOICES[kind].choices)
    return [(code, DETAIL_VALUES.get(code, code)) for code in DETAIL_CHOICES[kind]]


def labels(kind: str) -> list[str]:
    """The Simplified Chinese labels of a choice set, as the template offers them."""
    with translation.override("zh-hans"):
        return [str(label) for _value, label in _pairs(kind)]


def vocabulary(kind: str) -> dict[str, str]:
    """Every accepted spelling of a choice (lower-cased) → the stored code."""
    pairs = _pairs(kind)
    out: dict[str, str] = {}
    for language in ("en", "zh-hant", "zh-hans"):
        with translation.override(language):
            for value, label in pairs:
                out[str(label).strip().lower()] = value
    for value, _label in pairs:
        out[value.lower()] = value
    out.update(EXTRA_SPELLINGS.get(kind, {}))
    return out


def label_of(kind: str, value: str) -> str:
    with translation.override("zh-hans"):
        return str(dict(_pairs(kind)).get(value, value))


# ---------------------------------------------------------------- neutralising cells


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


# ---------------------------------------------------------------- templates


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
            dv.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            ws.add_data_validation(dv)
        elif col.kind == "bool":
            letter = get_column_letter(i)
            dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
            dv.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
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
        % {"rows": f"{MAX_ROWS:,}", "mb": MAX_BYTES // (1024 * 1024)},
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


# ---------------------------------------------------------------- reading an upload


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
    if len(data) > MAX_BYTES:
        raise SheetError(
            "file_too_large",
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
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
                archive.check_members(z, MAX_UNPACKED_BYTES)
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
    if row > MAX_ROWS + 1:
        # As `read` says it of a sheet with too many rows: the first row past the limit.
        raise SheetError(
            "too_many_rows",
            _("Row %(row)s: a file holds at most %(max)s rows.")
            % {"row": f"{MAX_ROWS + 2:,}", "max": f"{MAX_ROWS:,}"},
        )
    if column > MAX_COLUMNS:
        raise SheetError(
            "too_many_columns",
            _("The sheet reaches beyond column %(columns)s; clear the cells right of the "
              "table (or copy the table into a new workbook).")
            % {"columns": MAX_COLUMNS},
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
        if len(out) >= MAX_ROWS:
            raise SheetError(
                "too_many_rows",
                _("Row %(row)s: a file holds at most %(max)s rows.")
                % {"row": number, "max": f"{MAX_ROWS:,}"},
            )
        n = len(values)
        out.append((number, {k: (values[i] if i < n else None) for k, i in index}))
        if progress is not None and len(out) % 5000 == 0:
            progress(len(out), max(estimate, len(out)))
    return sheet


# ---------------------------------------------------------------- cell values


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def document_number(value: Any) -> str:
    """An ID number cell. Typed as a number, an 18-digit number keeps only 15 significant
    digits: say so, rather than report a wrong check digit."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e14:
        raise CellError(
            _(
                "The number was stored as a number and lost its last digits; format the "
                "column as text and type it again."
            )
        )
    return text(value).replace(" ", "").upper()


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw[:20]})


def boolean(value: Any) -> bool:
    if value is True or value is False:
        return value
    raw = text(value).lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise CellError(_("Write 是 or 否, not %(value)s.") % {"value": raw[:20]})


def integer(value: Any) -> int | None:
    raw = text(value)
    if not raw:
        return None
    try:
        number = int(raw)
    except ValueError:
        raise CellError(_("%(value)s is not a whole number.") % {"value": raw[:20]}) from None
    if not -10 <= number <= 300:
        raise CellError(_("%(value)s is out of range.") % {"value": raw[:20]})
    return number


def choice(value: Any, kind: str, vocab: dict[str, str]) -> str:
    raw = text(value)
    if not raw:
        return ""
    code = vocab.get(raw.lower())
    if code is None:
        raise CellError(
            _("Unknown value %(value)s; write one of: %(allowed)s.")
            % {"value": raw[:30], "allowed": "、".join(labels(kind))}
        )
    return code


# ---------------------------------------------------------------- the error workbook


@dataclass
class Problem:
    row: int
    key: str | None  # the column's key; None for the row as a whole
    message: str


def _mark(cell: Any, message: str) -> None:
    cell.fill = BAD_FILL
    previous = cell.comment.text + "\n" if cell.comment is not None else ""
    # A message may quote the cell, whose text may hold characters XML cannot carry.
    comment = Comment(previous + _ILLEGAL.sub("", message), AUTHOR)
    comment.width, comment.height = 240, 90
    cell.comment = comment


def error_workbook(
    data: bytes, sheet: Sheet | None, problems: list[Problem], *, only_bad_rows: bool
) -> bytes:
    """The upload with each bad cell coloured and annotated, and a column 错误 listing each
    row's problems.

    `only_bad_rows`: a new workbook of the rejected rows only (with their row number in the
    upload, 原行号), for "import the valid rows": what comes back is what is left to fix.

    Both are written write-only, row after row. Loading the upload with openpyxl to mark it
    in place took ~30 s of CPU and 1.2 GB for 100,000 rows (every cell an object); instead
    the upload is read again with calamine (~1 s) and every cell of its first sheet, of
    every column (also those the import skips), is written back at its row and column, so
    that the row numbers in the messages stay right: ~6 s with 1 % of the rows bad, ~13 s
    with half of them (openpyxl keeps the comments in memory until it saves).
    What that gives up: the other sheets (说明), formulas (their last values are kept), and
    the upload's own styles, widths and drop-down lists (the layout's widths and text
    format are set again).
    """
    by_row: dict[int, list[Problem]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(p)
    if only_bad_rows and sheet is not None:
        return _rejected_rows(sheet, by_row)
    # A layout that could not be read (sheet None) was still read by calamine up to its
    # header row, whose problems are marked by column ("#3").
    return _marked_upload(data, sheet, by_row)


def _joined(sheet: Sheet | None, items: list[Problem]) -> str:
    parts = []
    for p in items:
        where = sheet.headers.get(p.key, "") if sheet is not None and p.key else ""
        parts.append(f"{where}：{p.message}" if where else p.message)
    return "；".join(parts)


def _marked_upload(data: bytes, sheet: Sheet | None, by_row: dict[int, list[Problem]]) -> bytes:
    positions = sheet.positions if sheet is not None else {}
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        upload = book.get_sheet_by_index(0)
        top, left = upload.start or (0, 0)
        rows = _from_a1(upload.iter_rows(), top, left)
        head = next(rows, [])
        # A column 错误 already there (a corrected error workbook imported again) is reused.
        error_col = next(
            (i for i, v in enumerate(head, start=1) if _normal_header(v) == ERROR_HEADER),
            left + upload.width + 1,
        )
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(upload.name)
        _layout(ws, positions, error_col)
        head = _put(head, error_col, ERROR_HEADER)
        ws.append(_head_cells(ws, head, _marks(by_row.get(1, []), positions), error_col))
        for number, values in enumerate(rows, start=2):
            items = by_row.get(number)
            # The old text of a reused 错误 column goes: a row fixed since has no problem.
            _put(values, error_col, _joined(sheet, items) if items else None)
            ws.append(_cells(ws, values, _marks(items, positions) if items else {}))
    finally:
        book.close()
    return _saved(wb)


def _from_a1(rows: Iterable[list[Any]], top: int, left: int) -> Iterator[list[Any]]:
    """The rows of a calamine sheet from row 1 and column A (calamine starts at the first
    cell in use, `top` and `left`), each a new list."""
    for _n in range(top):
        yield []
    pad = [None] * left
    for values in rows:
        yield pad + values


def _put(values: list[Any], column: int, value: Any) -> list[Any]:
    if len(values) < column:
        values.extend([None] * (column - len(values)))
    values[column - 1] = value
    return values


def _rejected_rows(sheet: Sheet, by_row: dict[int, list[Problem]]) -> bytes:
    keys = sorted(sheet.positions, key=sheet.positions.__getitem__)
    columns = {k: i for i, k in enumerate(keys, start=1)}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet.title[:31] or "Sheet1")
    error_col = len(keys) + 2
    _layout(ws, columns, error_col)
    headers = [sheet.headers[k] for k in keys] + [ROW_HEADER, ERROR_HEADER]
    ws.append(_head_cells(ws, headers, {}, error_col))
    values = dict(sheet.rows)
    for row in sorted(by_row):
        if row not in values:
            continue
        items = by_row[row]
        cells = [values[row].get(k) for k in keys] + [row, _joined(sheet, items)]
        ws.append(_cells(ws, cells, _marks(items, columns)))
    return _saved(wb)


# The layouts' columns by key (the layouts agree on a key's kind and width).
_COLUMNS = {c.key: c for layout in LAYOUTS.values() for c in layout}


def _layout(ws: Any, positions: dict[str, int], error_col: int) -> None:
    """Widths and formats of a write-only sheet's columns (set before its first row)."""
    for key, pos in positions.items():
        column = ws.column_dimensions[get_column_letter(pos)]
        column.width = _COLUMNS[key].width
        if _COLUMNS[key].kind != "date":
            # Text, so that a number typed in while correcting keeps every digit.
            column.number_format = "@"
    ws.column_dimensions[get_column_letter(error_col)].width = 60
    ws.freeze_panes = "A2"


def _marks(items: list[Problem], positions: dict[str, int]) -> dict[int, list[str]]:
    """The messages of one row's problems by the column (1-based) of the cell they mark; a
    problem of the header row may name its column as "#n"."""
    out: dict[int, list[str]] = {}
    for p in items:
        pos = positions.get(p.key) if p.key else None
        if pos is None and p.row == 1 and p.key and p.key.startswith("#"):
            pos = int(p.key[1:])
        if pos is not None:
            out.setdefault(pos, []).append(p.message)
    return out


def _head_cells(ws: Any, headers: list[Any], marks: dict[int, list[str]], error_col: int) -> list:
    cells = _cells(ws, headers, marks, every=True)
    for i, cell in enumerate(cells, start=1):
        cell.font = REQUIRED_FONT if i == error_col else HEAD_FONT
        if i not in marks:
            cell.fill = HEAD_FILL
    return cells


def _cells(
    ws: Any, values: list[Any], marks: dict[int, list[str]], *, every: bool = False
) -> list[Any]:
    """A row for a write-only sheet: each value as read (calamine), a WriteOnlyCell where
    it is marked bad (`every`: everywhere, to be styled). Text stays text, never a formula."""
    out: list[Any] = []
    for i, value in enumerate(values, start=1):
        if isinstance(value, str):
            if _ILLEGAL.search(value):
                value = _ILLEGAL.sub("", value)
            if not value:
                value = None
            elif value[0] == "=":
                # openpyxl would write it as a formula, to be run when the file is opened.
                cell = WriteOnlyCell(ws, value)
                cell.data_type = "s"
                value = cell
        if every or i in marks:
            cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value)
            for message in marks.get(i, ()):
                _mark(cell, message)
            value = cell
        out.append(value)
    return out


def _saved(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- exports


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
