"""The analysis workbook's own XLSX writer: what it writes reads back in openpyxl exactly."""

from __future__ import annotations

import math

from openpyxl import load_workbook

from rexian.analytics.xlsx_writer import Sheet, write_xlsx


def test_a_written_workbook_reads_back_with_the_same_values_types_and_layout(tmp_path):
    import numpy as np

    rows = [
        ["小区路灯不亮", 3, 0.7333, None, True],
        ["<b>&\"引号\"</b>", np.int64(7), np.float64(1.5), "", False],
        ["  前后有空格  ", -5, float("nan"), "多行\n文本", 12345678901234],
    ]
    path = write_xlsx(tmp_path / "a.xlsx", [Sheet("问题线索", ["甲", "乙", "丙", "丁", "戊"], rows, [30, 8, 8, 12, 8]),
                                            Sheet("概览", ["项目"], [["x"]], [10])])
    book = load_workbook(path)
    assert book.sheetnames == ["问题线索", "概览"]
    sheet = book["问题线索"]
    got = list(sheet.iter_rows(values_only=True))
    assert got[0] == ("甲", "乙", "丙", "丁", "戊")
    assert got[1] == ("小区路灯不亮", 3, 0.7333, None, True)
    assert got[2] == ("<b>&\"引号\"</b>", 7, 1.5, None, False)
    assert got[3] == ("  前后有空格  ", -5, None, "多行\n文本", 12345678901234)
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.column_dimensions["A"].width == 30 and sheet.column_dimensions["D"].width == 12
    assert list(book["概览"].iter_rows(values_only=True)) == [("项目",), ("x",)]


def test_characters_xml_cannot_carry_are_dropped_instead_of_breaking_the_file(tmp_path):
    path = write_xlsx(tmp_path / "b.xlsx", [Sheet("s", ["h"], [["前\x00中\x1f后\x0b"], [math.inf]], [8])])
    values = [row[0] for row in load_workbook(path)["s"].iter_rows(min_row=2, values_only=True)]
    assert values == ["前中后", "inf"]


def test_a_sheet_title_with_quotes_and_an_ampersand_reads_back_as_written(tmp_path):
    titles = ["单位 \"甲\" & '乙'", "<概览>"]
    path = write_xlsx(tmp_path / "c.xlsx", [Sheet(title, ["h"], [["v"]], [8]) for title in titles])
    assert load_workbook(path).sheetnames == titles


def test_numbers_of_every_kind_are_written_as_their_exact_value():
    import numpy as np

    from rexian.analytics.xlsx_writer import _cell

    assert _cell(155) == "<c><v>155</v></c>"
    assert _cell(10**20) == "<c><v>100000000000000000000</v></c>"
    assert _cell(0.6008) == "<c><v>0.6008</v></c>"
    assert _cell(1e-7, ' s="1"') == '<c s="1"><v>1e-07</v></c>'
    assert _cell(np.int64(7)) == "<c><v>7</v></c>"
    assert _cell(np.float64(0.1)) == "<c><v>0.1</v></c>"
    assert _cell(True) == '<c t="b"><v>1</v></c>'
    assert _cell(float("nan")) == _cell(np.float64("nan")) == "<c/>"
    assert _cell(float("inf")) == '<c t="inlineStr"><is><t>inf</t></is></c>'
    assert _cell(float("-inf")) == '<c t="inlineStr"><is><t>-inf</t></is></c>'
