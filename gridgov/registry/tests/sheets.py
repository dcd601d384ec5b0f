"""Workbooks for the registry's spreadsheet tests (import, export, browser)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook, load_workbook

from gridgov.core.lib import idnumbers
from gridgov.registry import xlsx

A1, A2, B1 = "640402001001001", "640402001001002", "640402002001001"


def id_number(n: int, birth: dt.date = dt.date(1980, 1, 1)) -> str:
    """A valid ID number, different for each n (sequence n, birth date moved by n // 999)."""
    return idnumbers.make("640402", birth + dt.timedelta(days=n // 999), n % 999 + 1)


def wrong_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


def workbook(headers: list[str], rows: list[list[Any]], *, title: str = "居民") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


RESIDENT_HEADERS = [c.header for c in xlsx.RESIDENT_COLUMNS]
HOUSEHOLD_HEADERS = [c.header for c in xlsx.HOUSEHOLD_COLUMNS]


def resident(
    *, grid: str = A1, address: str = "甲社区第1网格0号", name: str = "张三",
    relation: str = "户主",
    number: str = "", phone: str = "13912345678", unit: str = "", room: str = "",
    household_type: str = "", **extra: Any,
) -> list[Any]:  # fmt: skip
    row = {
        "网格编码": grid, "地址": address, "单元": unit, "房号": room, "户类型": household_type,
        "姓名": name, "与户主关系": relation, "证件类型": "", "证件号码": number or id_number(1),
        "出生日期": None, "性别": None, "联系电话": phone, "居住类型": "", "居住证有效期至": None,
        "国籍": "", "党员": "否",
    }  # fmt: skip
    row.update(extra)
    return [row[h] for h in RESIDENT_HEADERS]


def residents_file(rows: list[list[Any]]) -> bytes:
    return workbook(RESIDENT_HEADERS, rows)


def household(
    *, grid: str = A1, address: str = "新村1号", unit: str = "", floor: Any = None,
    room: str = "", household_type: str = "单位院落", building: str = "",
) -> list[Any]:  # fmt: skip
    return [grid, address, unit, floor, room, household_type, building]


def households_file(rows: list[list[Any]]) -> bytes:
    return workbook(HOUSEHOLD_HEADERS, rows, title="住户")


def opened(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


TAG_HEADERS = [c.header for c in xlsx.TAG_COLUMNS]


def tag(*, number: str = "", household: Any = "", kind: str = "困难家庭",
        start: Any = "2024-01-01", **extra: Any) -> list[Any]:  # fmt: skip
    """A row of the tags layout; `extra` fills other columns by their header."""
    row: dict[str, Any] = dict.fromkeys(TAG_HEADERS)
    row.update({"身份证号": number, "户编号": str(household) if household else "",
                "标签类型": kind, "开始日期": start})  # fmt: skip
    row.update(extra)
    return [row[h] for h in TAG_HEADERS]


def tags_file(rows: list[list[Any]]) -> bytes:
    return workbook(TAG_HEADERS, rows, title="关注标签")
