"""A flow history held in one cell of a one-row-per-ticket export (`history: {column, line}`): each line a step,
converted like ordinary flow rows. Three platform line formats written here (none of them blind test 5's)."""

import csv
import json

import openpyxl
import pytest

from rexian.analytics.analyze import analyze
from rexian.analytics.config import load_config
from rexian.analytics.tables import from_frames
from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.pipeline import build, import_to_frames

ACTIONS = {"受理": "TicketReceived", "派单": "Dispatched", "签收": "SignedFor", "退回申请": "ReturnRequested",
           "同意退回": "ReturnApproved", "联系市民": "CitizenContacted", "办结申请": "ClosureRequested",
           "审核通过": "ClosureApproved", "回访": "Visited", "办结": "Closed"}

# Format 1: 「2026-03-05 09:14 【派单】王芳（热线中心）→城管局：请依职责办理」 in an .xlsx.
LINE_1 = (r"^(?P<at>\d{4}-\d{2}-\d{2} \d{2}:\d{2})\s*【(?P<action>[^】]+)】(?P<actor_id>[^（：→]*)(?:（(?P<actor_unit_id>[^）]*)）)?"
          r"(?:→(?P<target_unit_id>[^：]+))?(?:：(?P<note>.*))?$")
# Format 2: 「[03-05 09:14] 张三(城管局) 签收」, no year; a dispatch 「… 派单至 城管局」.
LINE_2 = (r"^\[(?P<at>\d{2}-\d{2} \d{2}:\d{2})\]\s*(?P<actor_id>[^(\s]+)\((?P<actor_unit_id>[^)]+)\)\s*(?P<action>[^\s：至]+)"
          r"(?:至\s*(?P<target_unit_id>\S+))?(?:：(?P<note>.*))?$")
# Format 3: 「2026/3/5 9:14 城管局 张三 签收 已联系市民」, space separated, a target after 「→」.
LINE_3 = (r"^(?P<at>\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2})\s+(?P<actor_unit_id>\S+)\s+(?P<actor_id>\S+)\s+(?P<action>\S+)"
          r"(?:\s+→(?P<target_unit_id>\S+))?(?:\s+(?P<note>.+))?$")


def _pingpong_1(tid):
    return "\n".join([
        "2026-03-05 09:00 【受理】坐席甲（热线中心）：市民反映路灯不亮", "2026-03-05 09:10 【派单】王芳（热线中心）→城管局：请办理",
        "2026-03-05 10:00 【退回申请】张三（城管局）：非我局职责", "2026-03-05 11:00 【同意退回】审核员（热线中心）",
        "2026-03-05 11:10 【派单】王芳（热线中心）→供电公司：请办理", "2026-03-05 12:00 【退回申请】李四（供电公司）：路灯归城管",
        "2026-03-05 13:00 【同意退回】审核员（热线中心）", "2026-03-05 13:10 【派单】王芳（热线中心）→城管局：请办理",
        "2026-03-05 14:00 【签收】张三（城管局）"])


def _chain_1(tid):  # near miss: passed on through three different units, never back
    return "\n".join([
        "2026-03-06 09:00 【受理】坐席甲（热线中心）：市民反映路灯不亮", "2026-03-06 09:10 【派单】王芳（热线中心）→城管局：请办理",
        "2026-03-06 10:00 【退回申请】张三（城管局）：非我局职责", "2026-03-06 11:00 【同意退回】审核员（热线中心）",
        "2026-03-06 11:10 【派单】王芳（热线中心）→供电公司：请办理", "2026-03-06 12:00 【退回申请】李四（供电公司）：不归我们",
        "2026-03-06 13:00 【同意退回】审核员（热线中心）", "2026-03-06 13:10 【派单】王芳（热线中心）→街道办：请办理",
        "2026-03-06 14:00 【签收】赵六（街道办）"])


def _xlsx(path, rows, header=("工单号", "受理时间", "地址", "流转记录", "满意度", "是否解决")):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "工单"
    sheet.append(["某市12345工单导出（含流转记录）"])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def _mapping(line, **extra):
    return {"source": "cells", "columns": {"ticket_id": "工单号"}, "intake": {"received_at": "受理时间", "address": "地址"},
            "history": {"column": "流转记录", "line": line, **extra.pop("history", {})}, "actions": ACTIONS, **extra}


def _payloads(events, ticket, action):
    rows = events[(events.ticket_id == ticket) & (events.action == action)].sort_values("seq")
    return [json.loads(p) if isinstance(p, str) else p for p in rows.payload]


def test_bracketed_action_lines_become_flow_events_and_a_ping_pong_names_who_returned_it(tmp_path):
    path = _xlsx(tmp_path / "导出.xlsx", [("A1", "2026-03-05 09:00", "东湖路1号", _pingpong_1("A1"), None, None),
                                          ("A2", "2026-03-06 09:00", "西湖路2号", _chain_1("A2"), None, None)])
    report, events, tickets = import_to_frames([path], mapping_from_dict(_mapping(LINE_1)))
    assert (report.rows_in, report.rows_imported, report.rows_rejected) == (2, 2, 0)
    a1 = events[events.ticket_id == "A1"].sort_values("seq")
    assert list(a1.action) == ["TicketReceived", "Dispatched", "ReturnRequested", "ReturnApproved", "Dispatched",
                               "ReturnRequested", "ReturnApproved", "Dispatched", "SignedFor"]
    assert list(a1.target_unit_id.fillna(""))[1::3] == ["城管局", "供电公司", "城管局"]
    assert _payloads(events, "A1", "ReturnRequested")[0]["note"] == "非我局职责"
    findings = analyze(from_frames(events, tickets), load_config()).findings
    pingpong = [f for f in findings if f.rule_id == "BP-PINGPONG"]
    assert [(f.ticket_ids[0], f.unit_id, f.person_id) for f in pingpong] == [("A1", "城管局", "张三")]


def test_lines_without_a_year_take_the_intake_year_and_move_on_a_year_at_new_year(tmp_path):
    cell = "\n".join(["[12-31 23:50] 坐席乙(热线中心) 受理：噪音扰民", "[12-31 23:55] 王芳(热线中心) 派单至 城管局",
                      "[01-02 09:00] 张三(城管局) 签收", "[01-02 10:00] 张三(城管局) 联系市民：已电话联系"])
    path = tmp_path / "list.csv"
    with open(path, "w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows([["工单号", "受理时间", "地址", "流转记录"], ["B1", "2025-12-31 23:50", "南湖路", cell]])
    report, events, tickets = import_to_frames([path], mapping_from_dict(_mapping(LINE_2)))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    b1 = events.sort_values("seq")
    assert [str(at)[:16] for at in b1["at"]] == ["2025-12-31 23:50", "2025-12-31 23:55", "2026-01-02 09:00", "2026-01-02 10:00"]
    assert list(b1.action) == ["TicketReceived", "Dispatched", "SignedFor", "CitizenContacted"]
    assert b1.target_unit_id.iloc[1] == "城管局" and b1.actor_id.iloc[2] == "张三"


def test_space_separated_lines_with_a_visit_completed_by_the_ticket_rows_satisfaction_and_resolved_columns(tmp_path):
    def cell(tid, visitor):
        return "\n".join([
            "2026/3/5 9:00 热线中心 坐席甲 受理 市民反映污水外溢", "2026/3/5 9:10 热线中心 王芳 派单 →水务局 请办理",
            "2026/3/5 10:00 水务局 张三 签收", "2026/3/5 11:00 水务局 张三 联系市民 已电话联系",
            "2026/3/6 9:00 水务局 张三 办结申请 已疏通管道", "续：附现场照片两张",
            "2026/3/6 10:00 热线中心 审核员 审核通过", f"2026/3/7 9:00 {visitor[0]} {visitor[1]} 回访 已回访",
            "2026/3/7 9:05 热线中心 回访员 办结"])
    path = _xlsx(tmp_path / "导出.xlsx", [
        ("C1", "2026-03-05 09:00", "北湖路3号", cell("C1", ("热线中心", "回访员")), "不满意", "否"),
        ("C2", "2026-03-05 09:00", "北湖路4号", cell("C2", ("水务局", "张三")), "满意", "是")])
    raw = _mapping(LINE_3, history={"visit_result": {"satisfaction": "满意度", "resolved": "是否解决"}},
                   evidence_words=["照片"], action_fields={"ClosureRequested": {"reply": "流转记录.note"}})
    report, events, tickets = import_to_frames([path], mapping_from_dict(raw))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    [visit] = _payloads(events, "C1", "Visited")
    assert visit["satisfaction"] == "unsatisfied" and visit["resolved"] is False and visit["outcome_from_ticket_sheet"]
    [request] = _payloads(events, "C1", "ClosureRequested")
    assert request["reply"] == "已疏通管道\n续：附现场照片两张" and request["evidence"][0]["stated"]
    assert any("并入上一步" in note.reason for note in report.rejects.notes)
    findings = analyze(from_frames(events, tickets), load_config()).findings
    fired = {(f.rule_id, f.ticket_ids[0], f.person_id) for f in findings}
    assert {("DS-UNSATISFIED", "C1", "张三"), ("FC-UNRESOLVED", "C1", "张三"),
            ("MS-VISIT-BY-HANDLER", "C2", "张三")} <= fired
    assert not {rule for rule, ticket, _ in fired if ticket == "C2"} & {"DS-UNSATISFIED", "FC-UNRESOLVED"}


def test_an_empty_cell_a_cell_the_pattern_does_not_fit_and_a_repeated_ticket_row_are_rejected_naming_the_row(tmp_path):
    good = "2026-03-05 09:00 【受理】坐席甲（热线中心）：问题\n2026-03-05 09:10 【派单】王芳（热线中心）→城管局"
    path = _xlsx(tmp_path / "导出.xlsx", [("D1", "2026-03-05 09:00", "a", good, None, None),
                                          ("D2", "2026-03-05 09:00", "b", None, None, None),
                                          ("D3", "2026-03-05 09:00", "c", "3月5日 派单给城管局\n" + good, None, None),
                                          ("D1", "2026-03-05 09:00", "a", good + "\n2026-03-05 10:00 【签收】张三（城管局）", None, None)])
    report = build([path], mapping_from_dict(_mapping(LINE_1)))
    assert (report.rows_in, report.rows_imported, report.rows_rejected) == (4, 1, 3)
    reasons = {r.row: r.reason for r in report.rejects.rejects}
    assert reasons[4].startswith("处理过程为空") and "不符合 history.line" in reasons[5] and "重复" in reasons[6]
    assert set(report.histories) == {"D1"} and len(report.histories["D1"].drafts) == 2


@pytest.mark.parametrize("history, message", [
    ({"column": "流转记录"}, "history 应为"),
    ({"column": "流转记录", "line": "(?P<at>.*"}, "不是有效的正则"),
    ({"column": "流转记录", "line": r"(?P<at>\S+) (?P<note>.*)"}, "(?P<action>…)"),
    ({"column": "流转记录", "line": LINE_1, "visit_result": {"满意度": "x"}}, "visit_result 的键"),
])
def test_a_wrong_history_section_is_a_mapping_error_saying_what_is_wrong(history, message):
    with pytest.raises(MappingError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        mapping_from_dict({"source": "x", "columns": {"ticket_id": "工单号"}, "history": history})
