"""`rexian analyze --mapping`: a foreign export is analysed directly, imported in memory through its mapping."""

import csv
import json

import yaml
from click.testing import CliRunner

from rexian.cli import main

HEADER = ["工单编号", "操作时间", "操作类型", "操作人", "操作部门", "目标部门", "处理意见"]
ROWS = [
    # GD1 bounces: 城管局 → 环保局 → 城管局 (A→B→A)
    ["GD1", "03/01/2025 09:00", "受理", "话务员张三", "市热线中心", "", ""],
    ["GD1", "03/01/2025 09:30", "派单", "派单员李四", "市热线中心", "城管局", ""],
    ["GD1", "03/01/2025 11:00", "申请退单", "经办人赵六", "城管局", "", "非本单位职责"],
    ["GD1", "03/01/2025 11:30", "派单", "派单员李四", "市热线中心", "环保局", ""],
    ["GD1", "04/01/2025 10:00", "申请退单", "经办人钱七", "环保局", "", "非本单位职责"],
    ["GD1", "04/01/2025 11:00", "派单", "派单员李四", "市热线中心", "城管局", ""],
    ["GD1", "06/01/2025 16:20", "办结", "审核员王五", "市热线中心", "", "已处理"],
    # GD2 goes to one unit and is closed
    ["GD2", "05/01/2025 08:15", "派单", "派单员李四", "市热线中心", "住建局", ""],
    ["GD2", "05/01/2025 09:00", "签收", "经办人孙八", "住建局", "", ""],
    ["GD2", "05/01/2025 17:00", "办结", "审核员王五", "市热线中心", "", ""],
    # a row the mapping cannot read: its time is not a date
    ["GD3", "not a date", "派单", "派单员李四", "市热线中心", "住建局", ""],
]
MAPPING = {
    "source": "oldsys", "date_format": "%d/%m/%Y %H:%M",
    "columns": {"ticket_id": "工单编号", "at": "操作时间", "action": "操作类型", "actor_id": "操作人",
                "actor_unit_id": "操作部门", "target_unit_id": "目标部门", "note": "处理意见"},
}


def _run(tmp_path, *extra):
    export = tmp_path / "flow.csv"
    with open(export, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *ROWS])
    mapping = tmp_path / "flow.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyze", *extra, str(export), "--out", str(out)]
                                if not extra else ["analyze", "--mapping", str(mapping), str(export), "--out", str(out)])
    return result, out


def test_a_foreign_csv_is_analysed_through_its_mapping_and_the_bounce_is_found(tmp_path):
    result, out = _run(tmp_path, "--mapping")
    assert result.exit_code == 0, result.output
    findings = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    pingpong = [f for f in findings if f["rule_id"] == "BP-PINGPONG"]
    assert [(f["ticket_ids"], f["unit_id"], f["person_id"]) for f in pingpong] == [(["GD1"], "城管局", "经办人赵六")]
    assert "2 张工单" in result.output


def test_the_import_counts_are_reported_and_the_unreadable_row_is_rejected(tmp_path):
    result, _out = _run(tmp_path, "--mapping")
    assert result.exit_code == 0, result.output
    assert "读入 11 行：导入 10 行，拒收 1 行" in result.output


def test_an_export_file_without_a_mapping_is_refused_with_a_hint(tmp_path):
    result, _out = _run(tmp_path)
    assert result.exit_code != 0 and "--mapping" in result.output


def test_analyze_with_a_mapping_writes_its_rejects_file_as_import_does(tmp_path):
    result, out = _run(tmp_path, "--mapping")
    assert result.exit_code == 0, result.output
    with open(out / "rejects.csv", encoding="utf-8-sig") as handle:
        rejects = list(csv.DictReader(handle))
    assert len(rejects) == 1 and rejects[0]["file"].endswith("flow.csv") and rejects[0]["row"]
    assert "拒收清单" in result.output
