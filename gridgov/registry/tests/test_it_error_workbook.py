"""The error workbook of an import (registry.xlsx.error_workbook, through registry.imports):
every row of the upload in its place, the bad cells coloured and annotated, ID numbers kept
as text, and the column 错误 reused when a corrected error workbook comes back."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from gridgov.registry import imports, xlsx
from gridgov.registry.tests.sheets import (
    RESIDENT_HEADERS,
    id_number,
    opened,
    resident,
    residents_file,
    workbook,
    wrong_check_digit,
)

pytestmark = pytest.mark.django_db

BAD = "00FFC7CE"


def run(data: bytes, mode: str = "all") -> imports.Outcome:
    return imports.run_import(actor=imports.SYSTEM, kind="residents", mode=mode, data=data)


def values(ws: Any) -> list[list[Any]]:
    """Every row from row 1 (blank rows too); empty cells as None."""
    return [[None if c.value == "" else c.value for c in row] for row in ws.iter_rows()]


def as_text(data: bytes, coordinate: str) -> bytes:
    book = opened(data)
    book.worksheets[0][coordinate].data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def marked(ws: Any) -> dict[str, str]:
    return {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}


def test_it_keeps_every_row_in_its_place_and_marks_the_bad_cells(cast: Any) -> None:
    # Given an upload with a column the import skips (状态) and a blank row 4
    data = workbook([*RESIDENT_HEADERS, "状态"], [
        [*resident(name="好人", number=id_number(30)), "在册"],                    # row 2
        [*resident(name="错号", number=wrong_check_digit(id_number(31))), "在册"], # row 3
        [],                                                                        # row 4
        [*resident(name="电话", number=id_number(32), phone="12345"), "在册"],     # row 5
        [*resident(name="公式", number=id_number(33)), "=1+1"],                    # row 6
    ])  # fmt: skip
    data = as_text(data, "Q6")  # typed as text, as a spreadsheet program stores "'=1+1"

    # When it is imported
    outcome = run(data)

    # Then the error workbook holds the upload cell for cell, plus the column 错误
    assert outcome.status == "rejected"
    assert [(p.row, p.key) for p in outcome.problems] == [(3, "id_number"), (5, "phone")]
    ws = opened(outcome.error_file).worksheets[0]
    upload = values(opened(data).worksheets[0])
    assert [row[:17] for row in values(ws)] == upload
    assert [row[17] for row in values(ws)] == [
        "错误", None, f"证件号码：{outcome.problems[0].message}", None,
        f"联系电话：{outcome.problems[1].message}", None,
    ]  # fmt: skip
    # Only the bad cells are coloured and carry their reason.
    assert marked(ws) == {"I3": outcome.problems[0].message, "L5": outcome.problems[1].message}
    assert (ws["I3"].fill.start_color.rgb, ws["L5"].fill.start_color.rgb) == (BAD, BAD)
    assert ws["I2"].fill.start_color.rgb != BAD
    # ID numbers stay text, and so does text that looks like a formula.
    assert {(ws.cell(row=r, column=9).data_type, type(ws.cell(row=r, column=9).value))
            for r in (2, 3, 5, 6)} == {("s", str)}  # fmt: skip
    assert ws.column_dimensions["I"].number_format == "@"
    assert (ws["Q6"].value, ws["Q6"].data_type) == ("=1+1", "s")


def test_it_reuses_the_column_of_errors_when_a_corrected_error_workbook_comes_back(
    cast: Any,
) -> None:
    # Given the error workbook of an upload with two bad rows, row 2 then corrected
    first = run(residents_file([
        resident(name="错号", number=wrong_check_digit(id_number(40))),
        resident(name="电话", number=id_number(41), phone="12345"),
    ])).error_file  # fmt: skip
    book = opened(first)
    book.worksheets[0]["I2"] = id_number(40)
    corrected = io.BytesIO()
    book.save(corrected)

    # When it is imported again
    again = run(corrected.getvalue())

    # Then row 3 alone is marked, and 错误 is the same column, its old text gone
    assert [(p.row, p.key) for p in again.problems] == [(3, "phone")]
    ws = opened(again.error_file).worksheets[0]
    assert [c.value for c in ws[1]] == [*RESIDENT_HEADERS, "错误"]
    assert [c.value for c in ws["Q"]] == ["错误", None, f"联系电话：{again.problems[0].message}"]
    assert marked(ws) == {"L3": again.problems[0].message}
    assert ws["I2"].value == id_number(40) and ws["I2"].fill.start_color.rgb != BAD


def test_it_marks_an_unknown_column_on_row_one_and_keeps_the_rows(cast: Any) -> None:
    data = workbook([*RESIDENT_HEADERS, "备注"], [[*resident(number=id_number(50)), "x"]])

    outcome = run(data)

    assert outcome.status == "rejected"
    ws = opened(outcome.error_file).worksheets[0]
    assert marked(ws) == {"Q1": outcome.message}
    assert ws["Q1"].fill.start_color.rgb == BAD
    assert [row[:17] for row in values(ws)] == values(opened(data).worksheets[0])
    assert ws["R1"].value == "错误" and ws["R2"].value is None


def test_it_writes_dates_numbers_and_formula_like_text_back_as_they_were() -> None:
    row = resident(number=id_number(60), name='=HYPERLINK("http://x")')
    row[RESIDENT_HEADERS.index("出生日期")] = dt.date(1980, 1, 2)
    row[RESIDENT_HEADERS.index("联系电话")] = 13912345678  # typed as a number
    data = as_text(residents_file([row]), "F2")
    sheet = xlsx.read(data, "residents")
    problems = [xlsx.Problem(2, "name", "姓名不对。"), xlsx.Problem(2, "name", "太长。")]

    # The whole upload, then the rejected rows only: both have the layout's columns in order.
    for only_bad_rows in (False, True):
        book = opened(xlsx.error_workbook(data, sheet, problems, only_bad_rows=only_bad_rows))
        ws = book.worksheets[0]
        assert (ws["F2"].value, ws["F2"].data_type) == ('=HYPERLINK("http://x")', "s")
        assert ws["F2"].comment.text == "姓名不对。\n太长。"
        assert ws["J2"].value == dt.datetime(1980, 1, 2) and ws["J2"].is_date
        assert ws["L2"].value == 13912345678
        assert (ws["I2"].value, ws["I2"].data_type) == (id_number(60), "s")
    assert [ws["Q2"].value, ws["R1"].value] == [2, "错误"]  # 原行号 of the rejected rows
