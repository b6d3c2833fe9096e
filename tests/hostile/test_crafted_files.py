"""Files crafted to break the readers (issue 15, sixth round): markup ".xls" with spans and indexes claiming
billions of cells, entity expansion and external entities, a 50 MB cell; an .xlsx zip bomb and a false sheet
size; a Parquet dictionary bomb; a CSV joined from several exports; mapping files with duplicate keys and
nested values. Each ends with a Chinese reason naming the file, every row accounted for and nothing of a
refused file stored. Where memory is the point the import runs in a subprocess with its address space limited
(`RLIMIT_AS`), so a regression fails the test instead of exhausting the machine."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from rexian.adapters import tables as t
from rexian.importing.mapping import MappingError, mapping_from_dict, parse_mapping_text
from rexian.importing.pipeline import build, import_to_database
from tests.hostile.test_import_attacks import balanced, migrated
from tests.importing.conftest import FLOW_HEADER, FLOW_MAPPING, FLOW_ROWS

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 2 << 30  # what every bomb below exhausted (MemoryError, or minutes of work) before the bounds


def tr(cells, cell_attributes=""):
    return "<tr>" + "".join(f"<td{cell_attributes}>{cell}</td>" for cell in cells) + "</tr>"


def html_xls(path, *rows):
    path.write_text("<html><body><table>" + tr(FLOW_HEADER) + "".join(rows) + "</table></body></html>",
                    encoding="utf-8")
    return path


XMLSS_NS = ('xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"')


def xml_row(cells, attributes=""):
    return f"<Row{attributes}>" + "".join(f'<Cell><Data ss:Type="String">{c}</Data></Cell>' for c in cells) + "</Row>"


def xmlss_xls(path, body, doctype=""):
    path.write_text(f'<?xml version="1.0"?>{doctype}<Workbook {XMLSS_NS}><Worksheet ss:Name="工单"><Table>'
                    + xml_row(FLOW_HEADER) + body + "</Table></Worksheet></Workbook>", encoding="utf-8")
    return path


def limited_import(tmp_path, path, mapping=FLOW_MAPPING, env=None):
    """`import_to_database` of one file into a fresh SQLite database, in a subprocess limited to 2 GB of
    address space: (report as a dict, tickets stored)."""
    script = f"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))
from rexian.adapters.database import make_engine, migrate
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_database
from sqlalchemy import text
engine = make_engine(sys.argv[1]); migrate(engine)
report = import_to_database(engine, [sys.argv[2]], mapping_from_dict(json.loads(sys.argv[3])))
with engine.connect() as connection:
    stored = connection.execute(text("select count(*) from tickets")).scalar()
print(json.dumps({{"rows_in": report.rows_in, "imported": report.rows_imported, "rejected": report.rows_rejected,
                  "problems": report.file_problems, "reasons": [r.reason for r in report.rejects.rejects[:5]],
                  "stored": stored}}, ensure_ascii=False))
"""
    environ = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    done = subprocess.run([sys.executable, "-c", script, f"sqlite:///{tmp_path / (path.stem + '.db')}", str(path),
                           json.dumps(mapping, ensure_ascii=False)], capture_output=True, text=True, timeout=600,
                          env=environ, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["rows_in"] == result["imported"] + result["rejected"]
    return result


def refused(result, path, *words):
    """The file was refused whole, in Chinese, naming it; nothing stored."""
    assert result["stored"] == 0 and result["imported"] == 0, result
    problem = next(p for p in result["problems"] if str(path) in p)
    assert "拒绝读取" in problem and path.name in problem.split("：", 1)[1], problem
    for word in words:
        assert word in problem, problem
    return problem


# --- markup ".xls": spans and indexes that claim billions of cells -------------------------------------------

@pytest.mark.parametrize("attack", [
    "rowspan_colspan", "row_index", "cell_index", "merge_across", "wide_but_within_excel"])
def test_a_markup_xls_claiming_billions_of_cells_is_refused_in_bounded_memory(tmp_path, attack):
    row = FLOW_ROWS[0]
    if attack == "rowspan_colspan":
        path = html_xls(tmp_path / "spans.xls", tr(row),
                        "<tr>" + '<td rowspan="2147483647" colspan="2147483647">x</td>' * 300 + "</tr>",
                        tr(row) * 2000)
    elif attack == "wide_but_within_excel":  # inside Excel's size, past the cell budget
        path = html_xls(tmp_path / "wide.xls", tr(row), "<tr>" + '<td colspan="16000" rowspan="1000">x</td>' + "</tr>",
                        tr(row) * 999)
    elif attack == "row_index":
        path = xmlss_xls(tmp_path / "rows.xls", xml_row(row) + xml_row(row, ' ss:Index="2147483647"'))
    elif attack == "cell_index":
        path = xmlss_xls(tmp_path / "cells.xls", xml_row(row) + '<Row><Cell ss:Index="2147483647"><Data '
                         'ss:Type="String">a</Data></Cell></Row>')
    else:
        path = xmlss_xls(tmp_path / "merged.xls", xml_row(row) + '<Row><Cell ss:MergeAcross="2147483647"><Data '
                         'ss:Type="String">a</Data></Cell></Row>')
    env = {"REXIAN_IMPORT_MAX_SHEET_CELLS": "1000000"} if attack == "wide_but_within_excel" else None
    problem = refused(limited_import(tmp_path, path, env=env), path)
    assert ("import_max_sheet_cells" in problem) if env else ("Excel 的范围" in problem)


def test_a_markup_xls_with_a_non_numeric_index_is_refused_in_chinese(tmp_path):
    path = xmlss_xls(tmp_path / "index.xls", xml_row(FLOW_ROWS[0], ' ss:Index="abc"'))
    report = balanced(build([path], mapping_from_dict(FLOW_MAPPING)))
    assert report.rows_imported == 0 and "ss:Index 的值 'abc' 不是整数" in report.file_problems[0]


def test_spans_of_a_genuine_two_row_header_still_read(tmp_path):
    """The bounds take nothing from an ordinary merged header: its rows and values read as before."""
    path = tmp_path / "merged_header.xls"
    path.write_text("<table><tr><td colspan='9'>12345工单明细</td></tr>" + tr(FLOW_HEADER)
                    + "".join(tr(row) for row in FLOW_ROWS) + "</table>", encoding="utf-8")
    report = balanced(build([path], mapping_from_dict(FLOW_MAPPING)))
    assert report.rows_imported == len(FLOW_ROWS) and not report.file_problems


@pytest.mark.parametrize("attack", ["billion_laughs", "external_entity"])
def test_entity_expansion_and_external_entities_in_an_xml_spreadsheet_are_refused_in_chinese(tmp_path, attack):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-VALUE", encoding="utf-8")
    if attack == "billion_laughs":
        doctype = ('<!DOCTYPE Workbook [<!ENTITY a "aaaaaaaaaa">' + "".join(
            f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9)) + "]>")
        cell = "&j;"
    else:
        doctype = f'<!DOCTYPE Workbook [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        cell = "&xxe;"
    path = xmlss_xls(tmp_path / f"{attack}.xls", xml_row(["GD001", cell, *FLOW_ROWS[0][2:]]), doctype)
    result = limited_import(tmp_path, path)
    problem = refused(result, path, "十亿笑" if attack == "billion_laughs" else "外部实体")
    assert "TOPSECRET" not in json.dumps(result, ensure_ascii=False) and "ParseError" not in problem


def test_a_50_mb_cell_in_a_markup_xls_rejects_its_row_and_the_rest_is_stored(tmp_path):
    path = tmp_path / "cell.xls"
    huge = ["GD002", *FLOW_ROWS[6][1:6], "a" * 50_000_000, *FLOW_ROWS[6][7:]]
    html_xls(path, tr(FLOW_ROWS[0]), tr(huge))
    result = limited_import(tmp_path, path)
    assert result["stored"] == 1 and result["rejected"] == 1 and not result["problems"]
    assert "超过上限" in result["reasons"][0]


# --- .xlsx: a zip bomb, a false sheet size, a far cell ---------------------------------------------------------

def workbook(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(FLOW_HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def rewritten(source, target, change):
    """A copy of an .xlsx with some members replaced or added: change(name, data) -> data; extra members in
    change.extra."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, change(item.filename, zin.read(item.filename)))
        for name, data in getattr(change, "extra", {}).items():
            zout.writestr(name, data)
    return target


def test_an_xlsx_zip_bomb_of_shared_strings_is_refused_before_it_is_unpacked(tmp_path):
    base = workbook(tmp_path / "base.xlsx", [FLOW_ROWS[0]])

    def change(name, data):
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats'
                                b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                b"</Relationships>")
        return data

    change.extra = {"xl/sharedStrings.xml": b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b"<si><t>" + b"a" * 3_000_000 + b"</t></si></sst>"}
    path = rewritten(base, tmp_path / "bomb.xlsx", change)
    assert path.stat().st_size < 100_000  # 3 MB unpacked from a few kilobytes; the setting scales it down
    result = limited_import(tmp_path, path, env={"REXIAN_IMPORT_MAX_SHARED_STRINGS_MB": "1"})
    refused(result, path, "xl/sharedStrings.xml", "import_max_shared_strings_mb")


def test_an_xlsx_part_unpacking_past_the_setting_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("REXIAN_IMPORT_MAX_UNPACKED_MB", "1")
    base = workbook(tmp_path / "base.xlsx", [FLOW_ROWS[0]])
    padding = b"<!--" + b" " * 2_000_000 + b"-->"
    path = rewritten(base, tmp_path / "padded.xlsx", lambda name, data: data.replace(
        b"<sheetData>", padding + b"<sheetData>") if name == "xl/worksheets/sheet1.xml" else data)
    report = balanced(build([path], mapping_from_dict(FLOW_MAPPING)))
    assert report.rows_imported == 0 and "import_max_unpacked_mb" in report.file_problems[0]


def test_rows_past_an_xlsx_sheets_declared_size_are_read_not_dropped(tmp_path):
    """A sheet whose <dimension> says A1:I2 but holds more rows: every row is read (openpyxl stopped at the
    declared last row without a word)."""
    base = workbook(tmp_path / "base.xlsx", FLOW_ROWS)
    path = rewritten(base, tmp_path / "short.xlsx", lambda name, data: data.replace(
        b'<dimension ref="A1:I9"/>', b'<dimension ref="A1:I2"/>') if name == "xl/worksheets/sheet1.xml" else data)
    report = balanced(build([path], mapping_from_dict(FLOW_MAPPING)))
    assert report.rows_in == len(FLOW_ROWS) and report.rows_imported == len(FLOW_ROWS)


def test_rows_of_an_xlsx_ending_early_read_as_empty_cells_not_as_missing_columns(tmp_path):
    """Read past its declared size, a sheet's rows end at their last cell: they still read as the header's
    width, so an empty required cell is 「必填字段 … 为空」, not a column missing from the file."""
    path = workbook(tmp_path / "short.xlsx", [FLOW_ROWS[0][:4], ["GD002", "03/01/2025 09:00"]])
    report = balanced(build([path], mapping_from_dict(FLOW_MAPPING)))
    assert report.rows_imported == 1 and [r.reason for r in report.rejects.rejects] == ["必填字段 action 为空"]


def test_a_far_cell_in_an_xlsx_is_bounded_and_a_row_past_excels_size_refuses_the_whole_file(tmp_path):
    base = workbook(tmp_path / "base.xlsx", FLOW_ROWS)
    far = rewritten(base, tmp_path / "far.xlsx", lambda name, data: data.replace(b"</sheetData>", (
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
        if name == "xl/worksheets/sheet1.xml" else data)
    result = limited_import(tmp_path, far)
    assert result["stored"] == 2 and result["rejected"] == 1  # the far row is a row, rejected for its ticket
    beyond = rewritten(base, tmp_path / "beyond.xlsx", lambda name, data: data.replace(b"</sheetData>", (
        b'<row r="2147483647"><c r="A2147483647" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
        if name == "xl/worksheets/sheet1.xml" else data)
    result = limited_import(tmp_path, beyond)
    refused(result, beyond, "Excel 的范围")  # the rows read before the bound are not stored either
    assert result["rejected"] == len(FLOW_ROWS)


# --- Parquet ------------------------------------------------------------------------------------------------

def dictionary_bomb(path, rows=50_000, value_chars=1_000_000, schema_kept=True):
    """A Parquet file of a few hundred kilobytes whose dictionary page repeats a 3 MB note in every row
    (150 GB once decoded)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    note = pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), pa.array(["长" * value_chars]))
    columns = {"工单编号": pa.array([f"GD{n:06d}" for n in range(rows)]),
               "操作时间": pa.array(["03/01/2025 09:00"] * rows), "操作类型": pa.array(["受理"] * rows),
               "处理意见": note}
    pq.write_table(pa.table(columns), path, compression="zstd", store_schema=schema_kept)
    return path


@pytest.mark.parametrize("schema_kept", [True, False])
def test_a_parquet_dictionary_bomb_rejects_each_row_by_its_length_in_bounded_memory(tmp_path, schema_kept):
    path = dictionary_bomb(tmp_path / "bomb.parquet", schema_kept=schema_kept)
    assert path.stat().st_size < 2_000_000
    mapping = {**FLOW_MAPPING, "columns": {key: value for key, value in FLOW_MAPPING["columns"].items()
                                           if value in ("工单编号", "操作时间", "操作类型", "处理意见")},
               "intake": {}}
    result = limited_import(tmp_path, path, mapping)
    assert result["stored"] == 0 and result["rejected"] == result["rows_in"] == 50_000 and not result["problems"]
    assert "字段长 1000000 字符，超过上限" in result["reasons"][0]


def test_the_fast_path_hands_a_parquet_dictionary_bomb_to_the_bounded_reader(tmp_path):
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = 20_000
    note = pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), pa.array(["长" * 1_000_000]))
    table = pa.table({"ticket_id": pa.array([f"T{n:07d}" for n in range(rows)]),
                      "at": pa.array([datetime.datetime(2025, 1, 1)] * rows, pa.timestamp("us")),
                      "action": pa.array(["TicketReceived"] * rows), "note": note})
    path = tmp_path / "interchange.parquet"
    pq.write_table(table, path, compression="zstd", store_schema=False)  # the note reads as a plain string
    mapping = {"source": "x", "columns": {name: name for name in ("ticket_id", "at", "action", "note")}}
    result = limited_import(tmp_path, path, mapping)
    assert result["stored"] == 0 and result["rejected"] == rows and "超过上限" in result["reasons"][0]


def nested_bomb(path, rows=1_000, value_chars=1_000_000, schema_kept=True):
    """A Parquet file of a few kilobytes with a list column and a struct column whose every element is the same
    3 MB dictionary entry (6 GB once decoded): nested columns were decoded, unmeasured, with the row."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    note = pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), pa.array(["长" * value_chars]))
    columns = {"工单编号": pa.array([f"GD{n:06d}" for n in range(rows)]),
               "操作时间": pa.array(["03/01/2025 09:00"] * rows), "操作类型": pa.array(["受理"] * rows),
               "附件": pa.ListArray.from_arrays(pa.array(range(rows + 1), pa.int32()), note),
               "详情": pa.StructArray.from_arrays([note], names=["正文"])}
    pq.write_table(pa.table(columns), path, compression="zstd", store_schema=schema_kept)
    return path


@pytest.mark.parametrize("schema_kept", [True, False])
def test_list_and_struct_parquet_columns_are_left_unread_and_the_rows_imported_in_bounded_memory(tmp_path,
                                                                                                  schema_kept):
    path = nested_bomb(tmp_path / "nested.parquet", schema_kept=schema_kept)
    assert path.stat().st_size < 100_000
    mapping = {**FLOW_MAPPING, "columns": {key: value for key, value in FLOW_MAPPING["columns"].items()
                                           if value in ("工单编号", "操作时间", "操作类型")}, "intake": {}}
    result = limited_import(tmp_path, path, mapping)
    assert result["stored"] == result["imported"] == result["rows_in"] == 1_000 and not result["problems"]


def test_a_mapping_naming_a_list_column_is_told_it_is_not_read(tmp_path):
    path = nested_bomb(tmp_path / "nested.parquet", rows=3, value_chars=10)
    mapping = {**FLOW_MAPPING, "columns": {**{key: value for key, value in FLOW_MAPPING["columns"].items()
                                              if value in ("工单编号", "操作时间", "操作类型")}, "note": "附件"},
               "intake": {}}
    report = balanced(build([path], mapping_from_dict(mapping)))
    assert any("附件" in note.reason and "列表或结构" in note.reason for note in report.rejects.notes)


def test_a_parquet_column_unpacking_past_the_setting_is_refused(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    monkeypatch.setenv("REXIAN_IMPORT_MAX_UNPACKED_MB", "1")
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"工单编号": [f"GD{n:07d}" for n in range(200_000)], "操作时间": ["x"] * 200_000,
                             "操作类型": ["受理"] * 200_000}), path, use_dictionary=False, compression="zstd")
    report = balanced(build([path], mapping_from_dict(FLOW_MAPPING)))
    assert report.rows_in == 0 and "import_max_unpacked_mb" in report.file_problems[0]
    assert "big.parquet" in report.file_problems[0]


# --- CSV joined from several exports ------------------------------------------------------------------------

def test_a_csv_joined_from_exports_with_mixed_line_ends_boms_and_a_nul_loses_no_row(tmp_path, db_url):
    def line(number, note=""):
        return f"GD{number:03d},03/01/2025 09:00,受理,话务员张三,市热线中心,,{note},市民甲,噪音"

    header = ",".join(FLOW_HEADER)
    text = ("\ufeff" + header + "\r\n" + line(1) + "\n" + line(2) + "\r" + line(3) + "\r\n" + line(4, "中\ufeff间")
            + "\n" + "\ufeff" + line(5) + "\n" + line(6, "含\x00字节") + "\r\n" + "\ufeff" + header + "\n" + line(7) + "\n")
    path = tmp_path / "joined.csv"
    path.write_bytes(text.encode("utf-8"))
    engine = migrated(db_url)
    report = balanced(import_to_database(engine, [path], mapping_from_dict(FLOW_MAPPING)))
    with engine.connect() as connection:
        tickets = set(connection.execute(select(t.tickets.c.ticket_id)).scalars())
    assert tickets == {"GD001", "GD002", "GD003", "GD004", "GD005", "GD007"}  # GD005 without an invisible BOM
    assert [(r.row, r.column) for r in report.rejects.rejects] == [(7, "处理意见")]
    notes = {(note.row, note.reason) for note in report.rejects.notes}
    assert (6, "提示：行首有字节顺序标记（BOM，多个文件首尾相接？），已去掉") in notes
    assert (8, "提示：重复的表头行（多个文件首尾相接？），不是数据，未读取") in notes


# --- mapping files --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ("source: a\nsource: b\ncolumns: {ticket_id: 工单编号, at: 操作时间, action: 操作类型}\n", "'source' 出现两次"),
    ("source: a\ncolumns: {ticket_id: 工单编号, at: 操作时间, action: 操作类型, at: 受理时间}\n", "'at' 出现两次"),
    ("source: a\ncolumns: {ticket_id: {x: {y: 1}}, at: 操作时间, action: 操作类型}\n", "columns.ticket_id"),
    ("source: [a, b]\ncolumns: {ticket_id: 工单编号, at: 操作时间, action: 操作类型}\n", "source 应为一个文字值"),
    ("source: a\nencoding: {gbk: 1}\ncolumns: {ticket_id: 工单编号, at: 操作时间, action: 操作类型}\n", "encoding"),
    ("source: a\ncolumns: {? {a: 1} : b}\n", "键必须是文字"),
    ("source: a\nsheet: " + "9" * 5000 + "\n", "数值过长"),
], ids=["duplicate_top_key", "duplicate_column", "nested_column", "list_source", "dict_encoding", "mapping_key",
        "5000_digits"])
def test_duplicate_keys_nested_values_and_huge_numbers_in_a_mapping_are_refused(text, words):
    with pytest.raises(MappingError) as refusal:
        mapping_from_dict(parse_mapping_text(text) or {})
    assert words in str(refusal.value)
