"""Call records and agent status in the same mapping and run as the flow records (`calls:` / `agent_status:`
sections): `analyze --mapping` and `import --db` + `analyze --db` give the same call-centre findings on an
export without interchange folders."""

import json

import pytest
import yaml
from click.testing import CliRunner

from rexian.cli import main
from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.pipeline import build

from .conftest import FLOW_HEADER, FLOW_MAPPING, FLOW_ROWS, write_csv

CALL_HEADER = ["话单编号", "主叫号码", "坐席工号", "振铃时间", "应答时间", "挂机时间", "关联工单号", "呼叫方向"]
CALLS = {"files": "*话务*", "columns": {"call_id": "话单编号", "caller_phone": "主叫号码", "agent_id": "坐席工号",
                                          "ring_at": "振铃时间", "answer_at": "应答时间", "end_at": "挂机时间",
                                          "ticket_id": "关联工单号", "direction": "呼叫方向"},
         "values": {"direction": {"呼入": "in", "呼出": "out"}}}


def call_rows():
    """Agent 1001 leaves 5 of 12 inbound calls unanswered on one day (US-ABANDONED); agent 1002 leaves 2 of 12
    (the near miss, under the 30 % threshold)."""
    rows = []
    for agent, unanswered in (("1001", 5), ("1002", 2)):
        for n in range(12):
            ring = f"10/03/2025 {9 + n // 2:02d}:{(n % 2) * 30:02d}"
            answered = "" if n < unanswered else ring
            rows.append([f"C{agent}{n:02d}", f"1390000{n:04d}", agent, ring, answered, ring, "", "呼入"])
    return rows


def export(tmp_path, extra_call_rows=()):
    flows = write_csv(tmp_path / "流转记录.csv", FLOW_HEADER, FLOW_ROWS, encoding="gbk")
    calls = write_csv(tmp_path / "话务记录.csv", CALL_HEADER, call_rows() + list(extra_call_rows), encoding="gbk")
    return [flows, calls]


def abandoned_agents(out):
    lines = (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    return sorted(f["person_id"] for f in map(json.loads, lines) if f["rule_id"] == "US-ABANDONED")


def test_a_gbk_call_record_file_in_the_flow_mapping_fires_the_call_centre_rule_both_ways_and_the_near_miss_stays_silent(tmp_path):
    inputs = [str(p) for p in export(tmp_path)]
    (tmp_path / "m.yaml").write_text(yaml.safe_dump({**FLOW_MAPPING, "calls": CALLS}, allow_unicode=True),
                                     encoding="utf-8")
    runner = CliRunner()
    mapped = runner.invoke(main, ["analyze", "--mapping", str(tmp_path / "m.yaml"), *inputs,
                                  "--out", str(tmp_path / "mapped")])
    assert mapped.exit_code == 0, mapped.output
    assert "calls 表 24 行" in mapped.output
    db = f"sqlite:///{tmp_path / 'r.db'}"
    imported = runner.invoke(main, ["import", "--db", db, "--mapping", str(tmp_path / "m.yaml"), *inputs,
                                    "--rejects", str(tmp_path / "rej.csv")])
    assert imported.exit_code == 0, imported.output
    assert "数据库 calls 表：新增 24 行" in imported.output
    stored = runner.invoke(main, ["analyze", "--db", db, "--out", str(tmp_path / "stored")])
    assert stored.exit_code == 0, stored.output
    assert abandoned_agents(tmp_path / "mapped") == abandoned_agents(tmp_path / "stored") == ["1001"]


def test_call_rows_are_counted_and_a_bad_one_is_rejected_naming_its_file_row_and_column_without_losing_a_ticket(tmp_path):
    bad = ["C9", "13900000000", "1003", "昨天上午", "", "", "GD001", "呼入"]
    report = build(export(tmp_path, [bad]), mapping_from_dict({**FLOW_MAPPING, "calls": CALLS}))
    assert report.rows_in == len(FLOW_ROWS) + 25 == report.rows_imported + report.rows_rejected
    assert report.rows_rejected == 1 and set(report.histories) == {"GD001", "GD002"}
    reject = report.rejects.rejects[0]
    assert (reject.file.endswith("话务记录.csv"), reject.row, reject.column) == (True, 26, "振铃时间")
    assert len(report.records["calls"][0]) == 24


def test_a_call_section_with_an_unknown_column_or_without_files_or_sheet_is_a_mapping_error():
    with pytest.raises(MappingError, match="calls 段"):
        mapping_from_dict({**FLOW_MAPPING, "calls": {**CALLS, "columns": {"call_idd": "话单编号"}}})
    with pytest.raises(MappingError, match="calls"):
        mapping_from_dict({**FLOW_MAPPING, "calls": {"columns": CALLS["columns"]}})
