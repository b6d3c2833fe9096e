"""Every reader: encodings, spreadsheets, JSON Lines, Parquet, compressed and truncated files."""

import gzip
import json
from datetime import datetime

import pytest

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import build
from rexian.importing.readers import decode

from .conftest import FLOW_HEADER, FLOW_MAPPING, FLOW_ROWS, write_csv


def intake_of(report, ticket_id="GD001"):
    return report.histories[ticket_id].intake


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_gbk_export_is_detected_and_read_without_mojibake(tmp_path, encoding):
    path = write_csv(tmp_path / "gbk.csv", FLOW_HEADER, FLOW_ROWS, encoding=encoding)
    report = build([path], mapping_from_dict(FLOW_MAPPING))
    assert report.rows_in == report.rows_imported == len(FLOW_ROWS) and not report.rejects.rejects
    assert intake_of(report)["category"] == "噪音"
    assert decode(path.read_bytes(), None)[1] == "gb18030"


def test_a_utf8_file_with_a_byte_order_mark_keeps_its_first_column_name(tmp_path):
    path = write_csv(tmp_path / "bom.csv", FLOW_HEADER, FLOW_ROWS, bom=True)
    report = build([path], mapping_from_dict(FLOW_MAPPING))
    assert not report.rejects.rejects and set(report.histories) == {"GD001", "GD002"}


def test_the_mapping_may_name_the_encoding(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", FLOW_HEADER, FLOW_ROWS, encoding="gbk")
    report = build([path], mapping_from_dict({**FLOW_MAPPING, "encoding": "gbk"}))
    assert intake_of(report)["caller_id"] == "市民甲"


def test_a_row_with_bytes_the_encoding_cannot_read_is_rejected_with_its_ticket_and_the_rest_is_read(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", FLOW_HEADER, FLOW_ROWS, encoding="gbk")
    data = path.read_bytes().replace("市民乙".encode("gbk"), b"\xff\xfe\xff", 1)  # first GD002 row, line 8
    path.write_bytes(data)
    report = build([path], mapping_from_dict({**FLOW_MAPPING, "encoding": "gbk"}))
    # The bad row is named with its column; GD002's other row goes with it (a ticket imports whole or not at all)
    assert [(r.row, r.column) for r in report.rejects.rejects] == [(8, "来电人"), (9, None)]
    assert "整件工单未导入" in report.rejects.rejects[1].reason
    assert report.rows_in == len(FLOW_ROWS) and report.rows_imported == len(FLOW_ROWS) - 2
    assert sorted(report.histories) == ["GD001"]


def test_a_truncated_compressed_file_keeps_its_whole_rows_and_rejects_the_cut_one(tmp_path):
    whole = write_csv(tmp_path / "flow.csv", FLOW_HEADER, FLOW_ROWS).read_bytes()
    packed = gzip.compress(whole)
    path = tmp_path / "flow.csv.gz"
    path.write_bytes(packed[: len(packed) - 12])  # cut the end off, as an interrupted copy would
    report = build([path], mapping_from_dict(FLOW_MAPPING))
    assert any(r.row is None and "截断" in r.reason for r in report.rejects.rejects)
    assert report.rows_in == report.rows_imported + report.rows_rejected
    assert report.rows_rejected >= 1 and report.rows_imported >= len(FLOW_ROWS) - 2


def test_an_excel_workbook_with_real_dates_and_numeric_ticket_numbers_imports(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "时间", "动作"])
    sheet.append([1001, datetime(2025, 3, 1, 9, 0), "受理"])
    sheet.append([1001, datetime(2025, 3, 1, 10, 0), "转办"])
    sheet.append([1002, "not a date", "办结"])  # another ticket: 1001 stays whole
    book.save(tmp_path / "book.xlsx")
    mapping = mapping_from_dict({"source": "excel", "columns": {"ticket_id": "编号", "at": "时间", "action": "动作"}})
    report = build([tmp_path / "book.xlsx"], mapping)
    assert list(report.histories) == ["1001"]
    assert [r.row for r in report.rejects.rejects] == [4]
    assert [d.action for d in report.histories["1001"].drafts] == ["TicketReceived", "HandedOver"]


def test_json_lines_with_a_broken_last_line_keep_the_good_lines(tmp_path):
    lines = [json.dumps({"id": "J1", "t": "2025-03-01 09:00:00", "a": "受理", "payload": {"x": 1}}, ensure_ascii=False),
             json.dumps({"id": "J1", "t": "2025-03-01 09:05:00", "a": "派单", "unit": "U1"}, ensure_ascii=False),
             '{"id": "J1", "t": "2025-03-0']
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    mapping = mapping_from_dict({"source": "j", "columns": {"ticket_id": "id", "at": "t", "action": "a",
                                                           "target_unit_id": "unit", "payload": "payload"}})
    report = build([path], mapping)
    assert [r.row for r in report.rejects.rejects] == [3]
    drafts = report.histories["J1"].drafts
    assert drafts[0].payload["x"] == 1 and drafts[1].target_unit_id == "U1"


def test_parquet_rows_import_with_their_timestamps(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": ["P1", "P1"], "t": [datetime(2025, 3, 1, 9), datetime(2025, 3, 2, 9)],
                      "a": ["TicketReceived", "Closed"]})
    pq.write_table(table, tmp_path / "log.parquet")
    mapping = mapping_from_dict({"source": "p", "columns": {"ticket_id": "id", "at": "t", "action": "a"}})
    report = build([tmp_path / "log.parquet"], mapping)
    assert [d.at for d in report.histories["P1"].drafts] == [datetime(2025, 3, 1, 9), datetime(2025, 3, 2, 9)]


def test_a_parquet_input_s_footer_is_read_once_by_each_reader(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from rexian.importing.fast_sources import ParquetSource

    table = pa.table({"id": ["P1", "P1"], "t": [datetime(2025, 3, 1, 9), datetime(2025, 3, 2, 9)],
                      "a": ["TicketReceived", "Closed"]})
    pq.write_table(table, tmp_path / "log.parquet")
    footers: list[str] = []
    opened = pq.ParquetFile

    class Counted(opened):
        def __init__(self, source, *args, metadata=None, **kwargs):
            if metadata is None:  # pyarrow parses the footer itself
                footers.append(str(source))
            super().__init__(source, *args, metadata=metadata, **kwargs)

    monkeypatch.setattr(pq, "ParquetFile", Counted)
    mapping = mapping_from_dict({"source": "p", "columns": {"ticket_id": "id", "at": "t", "action": "a"}})
    report = build([tmp_path / "log.parquet"], mapping)
    assert [d.action for d in report.histories["P1"].drafts] == ["TicketReceived", "Closed"]
    assert len(footers) == 1  # the general path's reader

    source = ParquetSource([tmp_path / "log.parquet"])
    assert sum(batch.num_rows for batch in source.batches(1)) == 2
    assert len(footers) == 2  # and the fast path's: one more, not two


def test_an_unreadable_file_is_reported_and_the_other_inputs_still_import(tmp_path, flow_csv):
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not parquet")
    report = build([broken, flow_csv], mapping_from_dict(FLOW_MAPPING))
    assert any(r.file == str(broken) and r.row is None for r in report.rejects.rejects)
    assert set(report.histories) == {"GD001", "GD002"}


def test_a_plain_file_cut_inside_its_last_field_does_not_import_that_row(tmp_path):
    whole = write_csv(tmp_path / "flow.csv", FLOW_HEADER, FLOW_ROWS).read_bytes()
    path = tmp_path / "cut.csv"
    path.write_bytes(whole[: whole.rindex("物业".encode()) + 3])  # the last row ends in half a character
    report = build([path], mapping_from_dict(FLOW_MAPPING))
    assert [(r.row, "截断" in r.reason) for r in report.rejects.rejects if r.row] == [(9, True)]
    assert report.rows_in == len(FLOW_ROWS) and report.rows_imported == len(FLOW_ROWS) - 1


def test_a_semicolon_separated_export_is_recognised_without_being_told(tmp_path):
    text = "\n".join([";".join(FLOW_HEADER)] + [";".join(row) for row in FLOW_ROWS]) + "\n"
    path = tmp_path / "semi.csv"
    path.write_text(text, encoding="utf-8")
    report = build([path], mapping_from_dict(FLOW_MAPPING))
    assert report.rows_imported == len(FLOW_ROWS) and not report.rejects.rejects


def test_a_wrongly_declared_encoding_rejects_rows_and_names_the_likely_one(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", FLOW_HEADER, FLOW_ROWS, encoding="gbk")
    report = build([path], mapping_from_dict({**FLOW_MAPPING, "encoding": "utf-8"}))
    assert report.rows_rejected > 0 and report.rows_in == report.rows_imported + report.rows_rejected
    assert any(r.row is None and "gb18030" in r.reason for r in report.rejects.rejects)


def test_excel_date_serials_in_cells_not_formatted_as_dates_are_read_as_times(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["编号", "时间", "动作"])
    book.active.append(["E1", 45658.375, "受理"])  # 2025-01-01 09:00
    book.save(tmp_path / "serial.xlsx")
    mapping = mapping_from_dict({"source": "excel", "columns": {"ticket_id": "编号", "at": "时间", "action": "动作"}})
    report = build([tmp_path / "serial.xlsx"], mapping)
    assert report.histories["E1"].drafts[0].at == datetime(2025, 1, 1, 9, 0)


def test_an_excel_serial_written_with_a_few_decimals_is_read_to_the_nearest_second(tmp_path):
    from rexian.importing.values import parse_time

    assert parse_time(46122.423611, (), None) == datetime(2026, 4, 10, 10, 10)  # not 10:09:59.990400
    assert parse_time(46122.4236111111, (), None) == datetime(2026, 4, 10, 10, 10)
    assert parse_time(46122.42362, (), None) == datetime(2026, 4, 10, 10, 10, 1)  # a second later stays a second later


def test_a_title_above_the_header_is_skipped_and_reported(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["12345热线工单流转明细表"])
    sheet.append(["导出时间：2025-03-02"])
    sheet.append([])
    sheet.append(["编号", "时间", "动作"])
    sheet.append(["T1", datetime(2025, 3, 1, 9, 0), "受理"])
    sheet.append(["合计", None, None])
    book.save(tmp_path / "titled.xlsx")
    mapping = mapping_from_dict({"source": "excel", "columns": {"ticket_id": "编号", "at": "时间", "action": "动作"}})
    report = build([tmp_path / "titled.xlsx"], mapping)
    assert list(report.histories) == ["T1"] and report.histories["T1"].rows == [(str(tmp_path / "titled.xlsx"), 5)]
    assert any(r.row is None and "第 4 行" in r.reason for r in report.rejects.notes)  # told as a remark …
    assert not report.rejects.file_problems() and "表头" not in str(report.rejects.rejects)  # … not as a reject
    # the totals line is not a ticket: told as a remark with its row, and the export is not failed for it
    assert not report.rejects.rejects and [r.row for r in report.rejects.notes if "合计行" in r.reason] == [6]
