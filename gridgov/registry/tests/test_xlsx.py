"""Sheet layouts, templates, reading uploads and writing error workbooks (registry.xlsx);
no database."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.core.lib.text import printable
from gridgov.registry import xlsx
from gridgov.registry.tests.sheets import (
    HOUSEHOLD_HEADERS,
    RESIDENT_HEADERS,
    id_number,
    opened,
    resident,
    residents_file,
    workbook,
)


def test_it_makes_templates_with_chinese_headers_and_an_explanation_sheet() -> None:
    book = opened(xlsx.template("residents"))
    assert book.sheetnames == ["居民", "说明"]
    sheet, notes = book["居民"], book["说明"]
    assert [c.value for c in sheet[1]] == RESIDENT_HEADERS
    assert sheet.max_row == 1  # no sample row that could be imported by mistake
    assert sheet["A1"].font.b and sheet["F1"].font.color.rgb == "00B3261E"  # required: red
    assert sheet.column_dimensions["I"].number_format == "@"  # ID numbers typed as text
    assert [c.value for c in notes["A"][1:17]] == RESIDENT_HEADERS
    assert notes["C8"].value == "户主、配偶、子女、父母、孙子女、其他"  # zh-hans
    lists = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in sheet.data_validations.dataValidation
    }
    assert lists["P2"] == '"是,否"'
    assert [c.value for c in opened(xlsx.template("households"))["住户"][1]] == HOUSEHOLD_HEADERS


def test_it_reads_rows_by_header_whatever_the_column_order_and_spelling() -> None:
    data = workbook(["姓名", " 身份证号 ", "与户主关系*", "网格编码", "住址", "错误"],
                    [["张三", id_number(1), "户主", "640402001001001", "一号", "旧的错误"],
                     [None, None, None, None, None, None],
                     ["李四", id_number(2), "子女", "640402001001001", "一号", None]])  # fmt: skip
    sheet = xlsx.read(data, "residents")
    assert [n for n, _v in sheet.rows] == [2, 4]  # the empty row 3 is skipped
    assert sheet.rows[0][1]["id_number"] == id_number(1)
    assert sheet.rows[0][1]["address"] == "一号"
    assert sheet.positions == {"name": 1, "id_number": 2, "relation": 3, "grid": 4, "address": 5}
    assert sheet.column_name("id_number") == "B（身份证号）"


@pytest.mark.parametrize(
    ("headers", "code", "message"),
    [
        (["网格编码", "地址", "姓名", "与户主关系", "证件号码", "爱好"], "bad_layout",
         "第1行第 F 列：未知的列“爱好”。"),
        (["网格编码", "地址", "姓名", "证件号码"], "bad_layout",
         "第1行：缺少必填列 与户主关系。"),
        (["网格编码", "地址", "姓名", "姓名", "与户主关系", "证件号码"], "duplicate_header",
         "第1行第 D 列：列“姓名”重复出现。"),
    ],
)  # fmt: skip
def test_it_names_the_column_of_a_wrong_layout(headers: list[str], code: str, message: str) -> None:
    with pytest.raises(xlsx.SheetError) as e:
        xlsx.read(workbook(headers, [["x"] * len(headers)]), "residents")
    assert (e.value.code, e.value.message) == (code, message)


def test_it_refuses_files_that_are_not_workbooks_or_too_big(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def code(data: bytes) -> str:
        with pytest.raises(xlsx.SheetError) as e:
            xlsx.read(data, "residents")
        return e.value.code

    assert code(b"") == "file_empty"
    assert code(b"name,id\n") == "not_xlsx"
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    assert code(zipped.getvalue()) == "not_xlsx"
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as z:
        z.writestr("xl/workbook.xml", "<<<")
    assert code(damaged.getvalue()) == "not_xlsx"
    monkeypatch.setattr(xlsx, "MAX_BYTES", 100)
    assert code(residents_file([])) == "file_too_large"


def test_it_refuses_a_zip_that_unpacks_to_too_much(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(xlsx.SheetError) as e:
        xlsx.read(residents_file([resident()] * 5), "residents")
    assert e.value.code == "file_too_large"


def test_it_stops_at_the_row_limit_and_names_the_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    with pytest.raises(xlsx.SheetError) as e:
        xlsx.read(residents_file([resident()] * 4), "residents")
    assert (e.value.code, e.value.message) == (
        "too_many_rows",
        "第 5 行：每个文件最多 3 行。",
    )


def test_it_explains_an_id_number_typed_as_a_number() -> None:
    with pytest.raises(xlsx.CellError) as e:
        xlsx.document_number(6.404021990010112e17)
    assert "丢失末几位" in e.value.message
    assert xlsx.document_number(" 64040219900101123x ") == "64040219900101123X"
    assert xlsx.document_number(12345678) == "12345678"  # a short passport number is fine


@pytest.mark.parametrize(
    ("value", "expected"),
    [(dt.datetime(2020, 5, 6, 0, 0), dt.date(2020, 5, 6)), ("2020-05-06", dt.date(2020, 5, 6)),
     ("2020/5/6", dt.date(2020, 5, 6)), ("20200506", dt.date(2020, 5, 6)),
     (20200506, dt.date(2020, 5, 6)),
     ("2020年5月6日", dt.date(2020, 5, 6)), ("", None), (None, None)],
)  # fmt: skip
def test_it_reads_dates_as_officials_write_them(value: object, expected: dt.date | None) -> None:
    assert xlsx.date(value) == expected


def test_it_reads_choices_in_chinese_english_or_codes() -> None:
    vocab = xlsx.vocabulary("household_type")
    assert [xlsx.choice(v, "household_type", vocab) for v in
            ("物业小区", "物管小区", "Unit courtyard", "agricultural", "自治院落", "")] == [
        "property_managed", "property_managed", "unit", "agricultural", "self_governing", "",
    ]  # fmt: skip
    with pytest.raises(xlsx.CellError) as e:
        xlsx.choice("别墅", "household_type", vocab)
    assert e.value.message.endswith("自治院落、单位院落、物业小区、农业散居院落。")
    assert [xlsx.boolean(v) for v in ("是", "否", None, True, "Y", 0)] == [
        True, False, False, True, True, False]  # fmt: skip


@given(st.text(min_size=1, max_size=20))
def test_it_neutralises_every_text_that_would_start_a_formula(text: str) -> None:
    out = xlsx.neutralise(text)
    kept = printable(text)  # what a workbook can hold of it
    if kept[:1] in tuple("=+-@\t\r"):
        assert out == "'" + kept
    else:
        assert out == kept
    assert xlsx.neutralise(-5) == -5  # numbers are not formulas


def test_it_writes_exports_whose_cells_stay_text() -> None:
    data = xlsx.write_rows(["姓名", "电话"], [["=HYPERLINK(\"http://x\")", "+8613900000000"],
                                            ["@SUM(A1)", "-1"]], "居民")  # fmt: skip
    sheet = opened(data)["居民"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["'=HYPERLINK(\"http://x\")", "'+8613900000000"], ["'@SUM(A1)", "'-1"]]  # fmt: skip
    assert all(c.data_type == "s" for row in sheet.iter_rows(min_row=2) for c in row)


def test_it_marks_bad_cells_and_lists_the_row_problems() -> None:
    data = residents_file([resident(), resident(name="")])
    sheet = xlsx.read(data, "residents")
    problems = [xlsx.Problem(3, "name", "姓名必填。"), xlsx.Problem(3, "phone", "号码不对。")]
    book = opened(xlsx.error_workbook(data, sheet, problems, only_bad_rows=False))
    ws = book.worksheets[0]
    assert ws["F3"].fill.start_color.rgb == "00FFC7CE" and ws["F3"].comment.text == "姓名必填。"
    assert ws["L3"].comment.text == "号码不对。"
    assert ws["F2"].comment is None and ws["F2"].fill.fill_type is None
    assert (ws["Q1"].value, ws["Q2"].value, ws["Q3"].value) == (
        "错误", None, "姓名：姓名必填。；联系电话：号码不对。")  # fmt: skip
    # Imported again after correcting, the column 错误 is skipped and then reused.
    again = xlsx.error_workbook(
        xlsx.error_workbook(data, sheet, problems, only_bad_rows=False),
        sheet,
        [],
        only_bad_rows=False,
    )
    assert [c.value for c in opened(again).worksheets[0][1]][-1] == "错误"
    assert opened(again).worksheets[0].max_column == 17
