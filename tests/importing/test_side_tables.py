"""Call records, agent status and the staff roster into their interchange tables (big-data collision)."""

import csv
from datetime import date, datetime

import pyarrow.parquet as pq
import pytest

from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.pipeline import import_to_directory

from .conftest import write_csv

CALLS_MAPPING = {
    "source": "acd", "mode": "table", "table": "calls", "date_format": "%Y/%m/%d %H:%M:%S",
    "columns": {"call_id": "话单号", "caller_phone": "主叫号码", "agent_id": "坐席工号", "ring_at": "振铃时间",
                "answer_at": "应答时间", "end_at": "挂机时间", "abandoned": "是否放弃", "ticket_id": "工单编号",
                "direction": "呼叫方向"},
    "values": {"direction": {"呼入": "in", "呼出": "out"}},
    "constants": {"queue": "12345"},
}


def test_call_records_import_with_their_times_flags_and_vocabulary(tmp_path):
    rows = [["C1", "13800000000", "A01", "2025/01/03 09:00:00", "2025/01/03 09:00:20", "2025/01/03 09:05:00", "否", "GD001", "呼入"],
            ["C2", "13800000001", "", "2025/01/03 09:01:00", "", "2025/01/03 09:02:00", "是", "", "呼入"],
            ["C2", "13800000001", "", "2025/01/03 09:01:00", "", "2025/01/03 09:02:00", "是", "", "呼入"],
            ["C3", "13800000002", "A02", "昨天上午", "", "", "否", "", "呼出"]]
    path = write_csv(tmp_path / "calls.csv", list(CALLS_MAPPING["columns"].values()), rows, encoding="gbk")
    report = import_to_directory(tmp_path / "out", [path], mapping_from_dict(CALLS_MAPPING), "parquet")
    assert (report.rows_in, report.rows_imported, report.rows_rejected) == (4, 2, 2)
    assert {(r.row, r.column) for r in report.rejects.rejects} == {(4, None), (5, "振铃时间")}
    calls = {row["call_id"]: row for row in pq.read_table(tmp_path / "out" / "calls.parquet").to_pylist()}
    assert calls["C1"]["answer_at"] == datetime(2025, 1, 3, 9, 0, 20) and calls["C1"]["abandoned"] is False
    assert calls["C2"]["abandoned"] is True and calls["C2"]["answer_at"] is None
    assert calls["C1"]["direction"] == "in" and calls["C1"]["queue"] == "12345"


def test_a_roster_with_leadership_changes_keeps_each_appointment(tmp_path):
    rows = [["P1", "张三", "城管局", "局长", "2020-01-01", "2023-06-30"],
            ["P1", "张三", "环保局", "局长", "2023-07-01", ""],
            ["P2", "李四", "城管局", "局长", "2023-07-01", ""]]
    path = write_csv(tmp_path / "roster.csv", ["工号", "姓名", "单位", "职务", "任职开始", "任职结束"], rows)
    mapping = mapping_from_dict({"source": "hr", "mode": "table", "table": "roster", "columns": {
        "person_id": "工号", "name": "姓名", "unit_id": "单位", "position": "职务", "start_date": "任职开始",
        "end_date": "任职结束"}})
    report = import_to_directory(tmp_path / "out", [path], mapping)
    assert report.rows_imported == 3 and not report.rejects.rejects
    with open(tmp_path / "out" / "roster.csv", encoding="utf-8") as handle:
        roster = list(csv.DictReader(handle))
    assert [(r["person_id"], r["unit_id"], r["start_date"], r["end_date"]) for r in roster] == [
        ("P1", "城管局", "2020-01-01", "2023-06-30"), ("P1", "环保局", "2023-07-01", ""),
        ("P2", "城管局", "2023-07-01", "")]
    assert report.table_rows[0]["start_date"] == date(2020, 1, 1)


def test_a_table_mapping_naming_columns_the_table_does_not_have_is_refused():
    with pytest.raises(MappingError, match="salary"):
        mapping_from_dict({"source": "hr", "mode": "table", "table": "roster", "columns": {"salary": "工资"}})


def test_organisation_tables_load_into_the_database_through_the_organisation_checks(tmp_path):
    from click.testing import CliRunner

    from rexian.bootstrap import bootstrap
    from rexian.cli import main
    from rexian.service.verify import verify_database

    from .conftest import write_mapping

    units = write_csv(tmp_path / "units.csv", ["单位编码", "单位名称", "类型", "上级"], [
        ["S01", "东华门街道", "street", "G01"], ["G01", "东城区政府", "district", ""], ["C00", "热线中心", "centre", ""]],
        encoding="gbk")
    mapping = write_mapping(tmp_path / "units.yaml", {"source": "hr", "mode": "table", "table": "units", "columns": {
        "unit_id": "单位编码", "name": "单位名称", "kind": "类型", "parent_id": "上级"}})
    db = f"sqlite:///{tmp_path / 'org.db'}"
    runner = CliRunner()
    result = runner.invoke(main, ["import", "--db", db, "--mapping", str(mapping), "--rejects", str(tmp_path / "r.csv"),
                                  str(units)])
    assert result.exit_code == 0, result.output
    assert "变更 3 项" in result.output
    organisation = bootstrap(db).organisation()
    assert organisation.unit("S01").parent_id == "G01" and organisation.unit("G01").name == "东城区政府"
    again = runner.invoke(main, ["import", "--db", db, "--mapping", str(mapping), "--rejects", str(tmp_path / "r.csv"),
                                 str(units)])
    assert "变更 0 项" in again.output
    bad = write_csv(tmp_path / "bad.csv", ["单位编码", "单位名称", "类型", "上级"], [["S09", "无名街道", "street", "G99"]])
    refused = runner.invoke(main, ["import", "--db", db, "--mapping", str(mapping), "--rejects", str(tmp_path / "r.csv"),
                                   str(bad)])
    assert refused.exit_code != 0 and "G99" in refused.output
    assert bootstrap(db).organisation().unit("S09") is None and verify_database(bootstrap(db).engine).intact


def _calls_file(tmp_path, name, rows):
    return write_csv(tmp_path / name, list(CALLS_MAPPING["columns"].values()), rows, encoding="gbk")


def test_call_records_go_into_the_database_once_and_a_changed_record_is_rejected_not_written_over(tmp_path):
    import yaml
    from click.testing import CliRunner
    from sqlalchemy import create_engine, text

    from rexian.cli import main

    mapping = tmp_path / "calls.yaml"
    mapping.write_text(yaml.safe_dump(CALLS_MAPPING, allow_unicode=True), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    first = [["C1", "13800000000", "A01", "2025/01/03 09:00:00", "2025/01/03 09:00:20", "2025/01/03 09:05:00", "否",
              "GD001", "呼入"],
             ["C2", "13800000001", "", "2025/01/03 09:01:00", "", "2025/01/03 09:02:00", "是", "", "呼入"]]
    runner = CliRunner()
    loaded = runner.invoke(main, ["import", "--mapping", str(mapping), "--db", url,
                                  "--rejects", str(tmp_path / "r1.csv"), str(_calls_file(tmp_path, "a.csv", first))])
    assert loaded.exit_code == 0, loaded.output
    assert "新增 2 行" in loaded.output
    again = runner.invoke(main, ["import", "--mapping", str(mapping), "--db", url,
                                 "--rejects", str(tmp_path / "r2.csv"), str(_calls_file(tmp_path, "a.csv", first))])
    assert again.exit_code == 0 and "新增 0 行，已有且相同 2 行" in again.output

    changed = [first[0], [*first[1][:6], "否", *first[1][7:]]]  # C2 now claims it was answered
    clash = runner.invoke(main, ["import", "--mapping", str(mapping), "--db", url, "--rejects",
                                 str(tmp_path / "r3.csv"), str(_calls_file(tmp_path, "b.csv", changed))])
    assert clash.exit_code == 1, clash.output
    with open(tmp_path / "r3.csv", encoding="utf-8-sig") as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["file"].endswith("b.csv"), r["row"], r["column"], r["value"]) for r in rejected] == [
        (True, "3", "abandoned", "C2")]
    with create_engine(url).connect() as connection:
        stored = connection.execute(text("SELECT call_id, abandoned, import_id FROM calls ORDER BY call_id")).all()
        phones = connection.execute(text("SELECT caller_phone FROM calls ORDER BY call_id")).scalars().all()
        runs = connection.execute(text("SELECT status FROM imports ORDER BY import_id")).scalars().all()
    assert [(call_id, bool(abandoned)) for call_id, abandoned, _ in stored] == [("C1", False), ("C2", True)]
    assert all(import_id is not None for *_, import_id in stored) and runs == ["done", "done", "failed"]
    # The caller's number is personal data: only its keyed pseudonym is stored.
    assert all(phone.startswith("P") and "1380000" not in phone for phone in phones) and len(set(phones)) == 2
