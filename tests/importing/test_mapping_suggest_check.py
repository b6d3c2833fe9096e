"""`rexian mapping suggest` drafts a mapping from an unfamiliar export; `rexian mapping check` dry-runs one."""

import yaml
from click.testing import CliRunner

from rexian.cli import main

from .conftest import FLOW_HEADER, FLOW_ROWS, write_csv


def test_suggest_reads_chinese_headers_action_words_and_the_date_format_of_a_gbk_export(tmp_path):
    export = write_csv(tmp_path / "流转记录.csv", FLOW_HEADER, FLOW_ROWS, encoding="gbk")
    result = CliRunner().invoke(main, ["mapping", "suggest", str(export), "--out", str(tmp_path / "m.yaml")])
    assert result.exit_code == 0, result.output
    proposal = yaml.safe_load((tmp_path / "m.yaml").read_text(encoding="utf-8"))
    assert proposal["columns"] == {"ticket_id": "工单编号", "at": "操作时间", "action": "操作类型", "actor_id": "操作人",
                                   "actor_unit_id": "操作部门", "target_unit_id": "目标部门", "note": "处理意见"}
    assert proposal["intake"] == {"caller_name": "来电人", "category": "问题分类"}  # a name is no identity
    assert proposal["date_formats"] == ["%d/%m/%Y %H:%M"]
    assert proposal["actions"]["派单"] == "Dispatched" and "动作词「派单」出现 3 次" in result.output


def test_suggest_marks_words_it_does_not_know_and_check_then_names_them_and_exits_non_zero(tmp_path):
    rows = [row[:] for row in FLOW_ROWS]
    rows[5][2] = "甩锅"
    export = write_csv(tmp_path / "f.csv", FLOW_HEADER, rows)
    runner = CliRunner()
    drafted = runner.invoke(main, ["mapping", "suggest", str(export), "--out", str(tmp_path / "m.yaml")])
    proposal = yaml.safe_load((tmp_path / "m.yaml").read_text(encoding="utf-8"))
    assert proposal["actions"]["甩锅"] == "?" and "甩锅" in drafted.output
    del proposal["actions"]["甩锅"]
    proposal["source"] = "oldsys"
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(proposal, allow_unicode=True), encoding="utf-8")
    checked = runner.invoke(main, ["mapping", "check", str(tmp_path / "m.yaml"), str(export)])
    assert checked.exit_code == 1
    assert "未映射的动作词「甩锅」：1 行" in checked.output
    assert "没有回访事件" in checked.output and "MS-VISIT-NO-CALL" in checked.output
    assert "没有操作人" not in checked.output  # the export names its people


def test_check_of_a_complete_mapping_exits_zero_and_says_what_it_would_import(tmp_path, flow_mapping_file, flow_csv):
    result = CliRunner().invoke(main, ["mapping", "check", str(flow_mapping_file), str(flow_csv)])
    assert result.exit_code == 0, result.output
    assert "读入 8 行：可导入 8 行，拒收 0 行；工单 2 件" in result.output
