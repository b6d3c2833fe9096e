"""Sheets of further actions (回访记录, 延期申请 …) joined to the flow records by ticket number: their events
complete the flow's bare line for the same step, or are added when the flow has none."""

import json

import pytest
from openpyxl import Workbook

from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.pipeline import build, import_to_frames

FLOW = ["工单编号", "处理时间", "环节名称", "处理人", "处理部门", "流向部门", "处理意见", "办理时限"]
VISITS = ["工单编号", "回访时间", "回访员", "联系情况", "是否解决", "满意度"]
EXTENSIONS = ["工单编号", "申请时间", "申请人", "申请延期至", "审核时间", "审核人", "审核结果", "批准延期至"]

MAPPING = {
    "source": "districtH", "sheet": "处理过程",
    "columns": {"ticket_id": "工单编号", "at": "处理时间", "action": "环节名称", "actor_id": "处理人",
                "actor_unit_id": "处理部门", "target_unit_id": "流向部门", "note": "处理意见"},
    "actions": {"交办": "Dispatched", "申请延期": "ExtensionRequested", "同意延期": "ExtensionApproved",
                "申请办结": "ClosureRequested", "办结审核通过": "ClosureApproved"},
    "action_fields": {"Dispatched": {"due_at": "办理时限"}, "ClosureRequested": {"reply": "处理意见"}},
    "event_sheets": [
        {"sheet": "回访记录", "action": "Visited",
         "columns": {"ticket_id": "工单编号", "at": "回访时间", "actor_id": "回访员"},
         "action_fields": {"Visited": {"reached": "联系情况", "resolved": "是否解决", "satisfaction": "满意度"}}},
        {"sheet": "延期申请",
         "columns": {"ticket_id": "工单编号", "at": "审核时间", "action": "审核结果", "actor_id": "审核人"},
         "actions": {"同意": "ExtensionApproved", "不同意": "ExtensionRejected"},
         "action_fields": {"ExtensionApproved": {"new_due_at": "批准延期至"}}},
    ],
}


def flow_rows(ticket, due, *, extension=False, visit=True, close_day="04-06"):
    rows = [[ticket, "2026-04-01 09:00", "受理", "话务员1", "热线中心", "", "市民反映噪音", ""],
            [ticket, "2026-04-01 10:00", "交办", "派单员1", "热线中心", "城管局", "", due],
            [ticket, "2026-04-01 11:00", "签收", "张三", "城管局", "", "", ""]]
    if extension:
        rows += [[ticket, "2026-04-03 09:00", "申请延期", "张三", "城管局", "", "需协调多个部门", ""],
                 [ticket, "2026-04-03 15:00", "同意延期", "审核员1", "热线中心", "", "同意", ""]]
    rows += [[ticket, f"2026-{close_day} 10:00", "申请办结", "张三", "城管局", "",
              "经现场核查，已责令商户整改，噪音问题已解决，并电话告知市民处理结果。", ""],
             [ticket, f"2026-{close_day} 12:00", "办结审核通过", "审核员1", "热线中心", "", "", ""]]
    if visit:
        rows.append([ticket, f"2026-{close_day} 16:00", "回访", "回访员1", "热线中心", "", "已回访，回访情况见回访记录。", ""])
    return rows


def write_book(path, flows, visits=(), extensions=()):
    book = Workbook()
    for title, header, rows in (("处理过程", FLOW, flows), ("回访记录", VISITS, visits), ("延期申请", EXTENSIONS, extensions)):
        sheet = book.active if title == "处理过程" else book.create_sheet(title)
        sheet.title = title
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def payloads(events, ticket, action):
    rows = events[(events.ticket_id == ticket) & (events.action == action)].sort_values("seq")
    return [json.loads(p) if isinstance(p, str) else p for p in rows.payload]


def findings(events, frame, rule):
    from rexian.analytics.analyze import analyze
    from rexian.analytics.config import load_config
    from rexian.analytics.tables import from_frames

    return sorted((f.ticket_ids[0], f.person_id) for f in analyze(from_frames(events, frame), load_config()).findings
                  if f.rule_id == rule)


def test_a_visit_sheet_completes_the_flows_bare_visit_lines_and_the_rules_read_its_outcome(tmp_path):
    """Firing: the visit sheet says 不满意/未解决 → DS-UNSATISFIED on the one who asked to close. Near miss: 满意."""
    flows = flow_rows("H-1", "2026-04-10 17:30") + flow_rows("H-2", "2026-04-10 17:30")
    visits = [["H-1", "2026-04-06 16:05", "回访员1", "已联系", "02 未解决", "3 不满意"],
              ["H-2", "2026-04-06 16:02", "回访员1", "已联系", "已解决", "满意"]]
    book = write_book(tmp_path / "工单导出.xlsx", flows, visits)
    report, events, frame = import_to_frames([book], mapping_from_dict(MAPPING))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert report.rows_in == len(flows) + len(visits)
    unhappy, happy = payloads(events, "H-1", "Visited"), payloads(events, "H-2", "Visited")
    assert len(unhappy) == len(happy) == 1  # completed, not added a second time
    assert unhappy[0]["satisfaction"] == "unsatisfied" and unhappy[0]["resolved"] is False
    assert unhappy[0]["completed_from"] == "回访记录" and unhappy[0]["note"] == "已回访，回访情况见回访记录。"
    assert happy[0]["satisfaction"] == "satisfied"
    assert findings(events, frame, "DS-UNSATISFIED") == [("H-1", "张三")]


def test_an_approved_new_deadline_from_the_extension_sheet_keeps_a_timely_extension_from_being_overdue(tmp_path):
    """Near miss: closed after the first deadline, before the approved new one. Firing: closed after both."""
    flows = (flow_rows("H-3", "2026-04-05 17:30", extension=True, close_day="04-08")
             + flow_rows("H-4", "2026-04-05 17:30", extension=True, close_day="04-20"))
    extensions = [[t, "2026-04-03 09:00", "张三", "2026-04-12 17:30", "2026-04-03 15:00", "审核员1", "同意",
                   "2026-04-12 17:30"] for t in ("H-3", "H-4")]
    book = write_book(tmp_path / "工单导出.xlsx", flows, extensions=extensions)
    report, events, frame = import_to_frames([book], mapping_from_dict(MAPPING))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    approved = payloads(events, "H-3", "ExtensionApproved")
    assert len(approved) == 1 and approved[0]["new_due_at"].startswith("2026-04-12 17:30")
    assert [ticket for ticket, _ in findings(events, frame, "DL-OVERDUE")] == ["H-4"]
    without = mapping_from_dict({**MAPPING, "event_sheets": MAPPING["event_sheets"][:1]})  # the sheet unread
    _, events, frame = import_to_frames([book], without)
    assert [ticket for ticket, _ in findings(events, frame, "DL-OVERDUE")] == ["H-3", "H-4"]


def test_a_visit_the_flow_does_not_record_is_added_with_its_visitor(tmp_path):
    flows = flow_rows("H-5", "2026-04-10 17:30", visit=False)
    visits = [["H-5", "2026-04-07 10:00", "回访员2", "未联系上", "", ""]]
    report, events, _ = import_to_frames([write_book(tmp_path / "b.xlsx", flows, visits)], mapping_from_dict(MAPPING))
    visit = events[(events.ticket_id == "H-5") & (events.action == "Visited")]
    assert list(visit.actor_id) == ["回访员2"]
    payload = payloads(events, "H-5", "Visited")[0]
    assert payload["from_event_sheet"] == "回访记录" and payload["reached"] is False


def test_a_visit_far_from_the_flows_visit_is_a_second_visit_not_a_completion(tmp_path):
    flows = flow_rows("H-6", "2026-04-10 17:30")
    visits = [["H-6", "2026-04-06 16:00", "回访员1", "已联系", "已解决", "满意"],
              ["H-6", "2026-04-20 09:00", "回访员3", "已联系", "未解决", "不满意"]]  # two weeks later: a re-visit
    report, events, _ = import_to_frames([write_book(tmp_path / "b.xlsx", flows, visits)], mapping_from_dict(MAPPING))
    visits_made = payloads(events, "H-6", "Visited")
    assert [v.get("completed_from") or v.get("from_event_sheet") for v in visits_made] == ["回访记录", "回访记录"]
    assert [v["satisfaction"] for v in visits_made] == ["satisfied", "unsatisfied"]
    assert "completed_from" in visits_made[0] and "from_event_sheet" in visits_made[1]


def test_a_bad_row_of_a_visit_sheet_is_rejected_naming_its_sheet_row_and_column_and_leaves_its_ticket_out(tmp_path):
    flows = flow_rows("H-7", "2026-04-10 17:30") + flow_rows("H-8", "2026-04-10 17:30")
    visits = [["H-7", "四月六日", "回访员1", "已联系", "已解决", "满意"],
              ["H-8", "2026-04-06 16:00", "回访员1", "已联系", "已解决", "满意"]]
    book = write_book(tmp_path / "导出.xlsx", flows, visits)
    report = build([book], mapping_from_dict(MAPPING))
    bad = [r for r in report.rejects.rejects if r.file.endswith("[回访记录]")]
    assert [(r.row, r.column, r.value) for r in bad] == [(2, "回访时间", "四月六日")]
    assert sorted(report.histories) == ["H-8"]
    assert report.rows_in == report.rows_imported + report.rows_rejected == len(flows) + len(visits)


def test_a_visit_file_beside_the_flow_file_is_read_as_visits_not_as_flow_rows(tmp_path):
    from tests.importing.conftest import write_csv

    flows = write_csv(tmp_path / "处理过程.csv", FLOW, flow_rows("H-9", "2026-04-10 17:30"), encoding="gbk")
    visits = write_csv(tmp_path / "回访记录.csv", VISITS, [["H-9", "2026-04-06 16:00", "回访员1", "已联系", "未解决",
                                                         "不满意"]], encoding="gbk")
    raw = {**MAPPING, "event_sheets": [{**MAPPING["event_sheets"][0], "files": "*回访*"}]}
    del raw["event_sheets"][0]["sheet"]
    report, events, _ = import_to_frames([flows, visits], mapping_from_dict(raw))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert payloads(events, "H-9", "Visited")[0]["satisfaction"] == "unsatisfied"


@pytest.mark.parametrize("section, message", [
    ({"sheet": "回访记录", "columns": {"ticket_id": "工单编号", "at": "回访时间"}}, "二者取一"),
    ({"sheet": "回访记录", "action": "Visited", "columns": {"ticket_id": "工单编号", "at": "回访时间", "action": "x"}},
     "二者取一"),
    ({"sheet": "回访记录", "action": "Visited", "columns": {"ticket_id": "工单编号"}}, "ticket_id 和 at"),
    ({"action": "Visited", "columns": {"ticket_id": "工单编号", "at": "回访时间"}}, "sheet"),
    ({"sheet": "回访记录", "action": "回访了", "columns": {"ticket_id": "工单编号", "at": "回访时间"}}, "不是已知的事件"),
    ({"sheet": "回访记录", "action": "Visited", "columns": {"ticket_id": "工单编号", "at": "回访时间"},
      "match_within": "一天"}, "match_within"),
    ({"sheet": "回访记录", "action": "Visited", "columns": {"ticket_id": "工单编号", "at": "回访时间"}, "visit": 1},
     "未知的键 visit"),
])
def test_a_malformed_event_sheet_section_is_a_mapping_error_that_says_what_is_wrong(section, message):
    with pytest.raises(MappingError, match=message):
        mapping_from_dict({**MAPPING, "event_sheets": [section]})


def test_the_main_mappings_intake_translations_do_not_break_an_event_sheet():
    mapping = mapping_from_dict({**MAPPING, "intake": {"urgency": "紧急程度"}, "values": {"urgency": {"紧急": "urgent"},
                                                                                   "satisfaction": {"好评": "满意"}}})
    assert mapping.event_sheets[0].mapping.values == {"satisfaction": {"好评": "满意"}}


def test_a_date_column_and_a_time_of_day_column_join_into_the_intake_time(tmp_path):
    from datetime import date, time

    book = Workbook()
    tickets = book.active
    tickets.title = "工单基本信息"
    tickets.append(["工单编号", "受理日期", "受理时间", "诉求内容"])
    tickets.append(["H-20", date(2026, 1, 5), time(10, 59), "路灯不亮"])  # Excel date and time cells
    tickets.append(["H-21", "2026/1/6", "8:05", "井盖缺失"])  # … or text
    tickets.append(["合计：2件", None, None, None])  # the platform's totals line
    flows = book.create_sheet("处理过程")
    flows.append(FLOW)
    flows.append(["H-20", "2026-01-05 11:30", "交办", "派单员1", "热线中心", "城管局", "", ""])
    flows.append(["H-21", "2026-01-06 09:00", "交办", "派单员1", "热线中心", "城管局", "", ""])
    book.save(tmp_path / "b.xlsx")
    raw = {**MAPPING, "joined_columns": {"受理时刻": ["受理日期", "受理时间"]}, "event_sheets": [],
           "ticket_sheet": {"sheet": "工单基本信息", "ticket_id": "工单编号",
                            "intake": {"received_at": "受理时刻", "content": "诉求内容"}}}
    report, events, _ = import_to_frames([tmp_path / "b.xlsx"], mapping_from_dict(raw))
    assert not report.rejects.rejects, [r.reason for r in report.rejects.rejects]
    assert any("合计行" in note.reason for note in report.rejects.notes)
    received = events[events.action == "TicketReceived"].set_index("ticket_id")["at"]
    assert str(received["H-20"]).startswith("2026-01-05 10:59") and str(received["H-21"]).startswith("2026-01-06 08:05")


@pytest.mark.parametrize("cell", ["合计：78件", "总计 78 条", "共计78单", "共 78 条记录", "合计:1,024件工单"])
def test_a_totals_line_with_its_count_is_a_summary_not_a_ticket(cell):
    from rexian.importing.readers import is_summary_row

    mapping = mapping_from_dict(MAPPING)
    assert is_summary_row({"工单编号": cell, "处理时间": None}, mapping)


@pytest.mark.parametrize("cell", ["合计费用问题", "共享单车乱停", "78"])
def test_a_row_that_only_begins_like_a_total_is_still_a_row(cell):
    from rexian.importing.readers import is_summary_row

    assert not is_summary_row({"工单编号": cell, "处理时间": "2026-01-05"}, mapping_from_dict(MAPPING))


def test_joined_columns_must_name_at_least_two_columns():
    with pytest.raises(MappingError, match="joined_columns"):
        mapping_from_dict({**MAPPING, "joined_columns": {"受理时刻": "受理日期"}})
