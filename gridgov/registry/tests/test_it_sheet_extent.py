"""A workbook whose sheet reaches far beyond the table (a few bytes can declare a cell at
XFD1048576) is refused before the reader makes a grid of its extent."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from gridgov.registry import xlsx

from .sheets import resident, residents_file


def far_cell(row: int, column: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "姓名"
    ws.cell(row=row, column=column, value="x")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        (1_048_576, 16_384, "too_many_rows"),
        (300_000, 100, "too_many_rows"),
        (2, 65, "too_many_columns"),
        (2, 16_384, "too_many_columns"),
        (100_002, 1, "too_many_rows"),
    ],
)
def test_it_refuses_a_sheet_reaching_past_the_limits(row: int, column: int, code: str) -> None:
    data = far_cell(row, column)
    assert len(data) < 10_000
    with pytest.raises(xlsx.SheetError) as e:
        xlsx.check_archive(data)
    assert e.value.code == code


@pytest.mark.parametrize(("row", "column"), [(100_001, 1), (2, 64)])
def test_it_takes_a_sheet_up_to_the_limits(row: int, column: int) -> None:
    xlsx.check_archive(far_cell(row, column))
    xlsx.check_archive(residents_file([resident()]))
