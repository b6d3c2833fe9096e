"""A person written code first — 「0101王芳」「0101-王芳」「[0101]王芳」 — is read like 「王芳(0101)」 (issue 14): the staff
number is the person, the name is kept beside it; `mapping suggest` sees such a column in a history cell, and a
calls section's agent column written 「周婷(0301)」 or 「0301周婷」 is the agent 0301, as the ticket steps' actor is."""

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from rexian.cli import main
from rexian.importing.mapping import load_mapping, mapping_from_dict
from rexian.importing.person_cells import person_of
from rexian.importing.pipeline import import_to_frames

ACTIONS = {"受理": "TicketReceived", "派单": "Dispatched", "签收": "SignedFor", "办结申请": "ClosureRequested",
           "审核通过": "ClosureApproved"}


@pytest.mark.parametrize("cell", ["0101王芳", "0101-王芳", "[0101]王芳", "【0101】王芳", "0101：王芳", "0101 王芳"])
def test_a_person_written_code_first_is_the_code_with_the_name_beside_it(cell):
    assert person_of(cell) == ("0101", "王芳")


@pytest.mark.parametrize("cell", ["12345热线中心", "0101", "2024年三月", "张三(市城管局)", "云州市城管局", "110指挥中心"])
def test_a_cell_that_is_not_a_code_and_a_name_is_left_as_written(cell):
    assert person_of(cell) == (cell, None)


def _steps(day: int, person: str) -> str:
    return "\n".join([
        f"2026-01-{day:02d} 09:00 云州市12345热线中心 {person.format('0001', '韩雪')} 受理 市民反映路灯不亮",
        f"2026-01-{day:02d} 10:07 云州市12345热线中心 {person.format('0101', '王芳')} 派单 至 云州市城市管理局",
        f"2026-01-{day:02d} 11:00 云州市城市管理局 {person.format('1101', '张伟')} 签收",
        f"2026-01-{day:02d} 15:00 云州市城市管理局 {person.format('1101', '张伟')} 办结申请 已修复",
        f"2026-01-{day:02d} 16:00 云州市12345热线中心 {person.format('0201', '赵敏')} 审核通过"])


@pytest.mark.parametrize("person", ["{0}{1}", "{0}-{1}", "[{0}]{1}"])
def test_suggests_draft_for_a_history_written_code_first_imports_the_code_as_the_person_and_keeps_the_name(
        tmp_path, person):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["工单编号", "受理时间", "处理过程"])
    for day in range(5, 11):
        sheet.append([f"YZ{day}", f"2026-01-{day:02d} 09:00", _steps(day, person)])
    book.save(tmp_path / "工单.xlsx")
    result = CliRunner().invoke(main, ["mapping", "suggest", str(tmp_path / "工单.xlsx"),
                                       "--out", str(tmp_path / "draft.yaml")])
    assert result.exit_code == 0, result.output
    draft = yaml.safe_load((tmp_path / "draft.yaml").read_text(encoding="utf-8"))
    draft["source"] = "yunzhou"
    (tmp_path / "draft.yaml").write_text(yaml.safe_dump(draft, allow_unicode=True), encoding="utf-8")
    report, events, _tickets = import_to_frames([tmp_path / "工单.xlsx"], load_mapping(tmp_path / "draft.yaml"))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    people = {(row.actor_id, (row.payload or {}).get("actor_name")) for row in events.itertuples()
              if row.actor_id is not None}
    assert {("0101", "王芳"), ("1101", "张伟"), ("0201", "赵敏")} <= people, people
    assert not any(actor and not actor.isdigit() for actor, _name in people), people


def test_a_calls_sections_agent_written_name_and_code_or_code_first_is_the_agent_by_code(tmp_path):
    (tmp_path / "flow.csv").write_text(
        "工单编号,时间,动作,处理人,单位\nYZ1,2026-01-05 09:00,受理,0301周婷,云州市12345热线中心\n", encoding="utf-8")
    (tmp_path / "calls.csv").write_text(
        "通话编号,主叫号码,坐席,振铃时间,接听时间,挂机时间\n"
        "C1,13800000001,周婷(0301),2026-01-05 08:58,2026-01-05 08:58,2026-01-05 09:03\n"
        "C2,13800000002,0302李娜,2026-01-05 09:10,2026-01-05 09:10,2026-01-05 09:12\n"
        "C3,13800000003,0303,2026-01-05 09:20,2026-01-05 09:20,2026-01-05 09:22\n", encoding="utf-8")
    mapping = mapping_from_dict({
        "source": "yunzhou", "columns": {"ticket_id": "工单编号", "at": "时间", "action": "动作", "actor_id": "处理人",
                                         "actor_unit_id": "单位"},
        "actions": {"受理": "TicketReceived"},
        "calls": {"files": "calls*.csv", "columns": {"call_id": "通话编号", "caller_phone": "主叫号码", "agent_id": "坐席",
                                                     "ring_at": "振铃时间", "answer_at": "接听时间", "end_at": "挂机时间"}}})
    report, events, _tickets = import_to_frames([tmp_path / "flow.csv", tmp_path / "calls.csv"], mapping)
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert list(events["actor_id"]) == ["0301"]
    calls = report.record_frames["calls"]
    assert dict(zip(calls["call_id"], calls["agent_id"])) == {"C1": "0301", "C2": "0302", "C3": "0303"}
