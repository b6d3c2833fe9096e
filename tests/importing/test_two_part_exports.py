"""Two-part exports: a ticket sheet joined to the flow records by ticket number, from one workbook's two
sheets or from two GBK CSV files, in one mapping and one run."""

import json

from openpyxl import Workbook

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import build, import_to_frames

from .conftest import FLOW_HEADER, FLOW_MAPPING, FLOW_ROWS, write_csv

TICKET_HEADER = ["工单编号", "受理时间", "诉求内容", "来电号码", "事发地址"]
TICKET_ROWS = [
    ["GD001", "03/01/2025 08:55", "小区门口烧烤店夜间噪音扰民", "13800000001", "多福巷1号"],
    ["GD002", "05/01/2025 08:00", "物业不修电梯", "13800000002", "幸福里3栋"],
    ["GD003", "06/01/2025 10:00", "路灯不亮", "13800000003", "东大街"],  # no flow record, intake time given
]
SHEET = {"ticket_id": "工单编号", "intake": {"received_at": "受理时间", "content": "诉求内容",
                                             "caller_phone": "来电号码", "address": "事发地址"}}


def intake(report, ticket_id):
    return report.histories[ticket_id].intake


def test_a_workbook_with_a_ticket_sheet_and_a_flow_sheet_imports_as_one_history_per_ticket(tmp_path):
    book = Workbook()
    flows = book.active
    flows.title = "流转记录"
    flows.append(FLOW_HEADER)
    for row in FLOW_ROWS:
        flows.append(row)
    tickets = book.create_sheet("工单信息")
    tickets.append(TICKET_HEADER)
    for row in TICKET_ROWS:
        tickets.append(row)
    book.save(tmp_path / "export.xlsx")
    mapping = mapping_from_dict({**FLOW_MAPPING, "sheet": "流转记录", "ticket_sheet": {**SHEET, "sheet": "工单信息"}})
    report, events, frame = import_to_frames([tmp_path / "export.xlsx"], mapping)
    assert report.rows_in == len(FLOW_ROWS) + len(TICKET_ROWS) and report.rows_rejected == 0
    assert intake(report, "GD001")["content"] == "小区门口烧烤店夜间噪音扰民"
    assert intake(report, "GD002")["address"] == "幸福里3栋" and intake(report, "GD001")["caller_id"] == "市民甲"
    received = events[events["action"] == "TicketReceived"].set_index("ticket_id")
    assert str(received.loc["GD002", "at"]).startswith("2025-01-05 08:00")
    assert set(frame["ticket_id"]) == {"GD001", "GD002", "GD003"}


def test_two_gbk_files_join_and_a_bad_ticket_row_leaves_its_ticket_out_whole(tmp_path):
    flows = write_csv(tmp_path / "流转记录.csv", FLOW_HEADER, FLOW_ROWS, encoding="gbk")
    rows = [row[:] for row in TICKET_ROWS] + [["GD004", "", "无时间也无流转", "", ""]]
    rows[1][1] = "昨天"
    tickets = write_csv(tmp_path / "工单信息.csv", TICKET_HEADER, rows, encoding="gbk")
    mapping = mapping_from_dict({**FLOW_MAPPING, "ticket_sheet": {**SHEET, "files": "*工单*"}})
    report = build([flows, tickets], mapping)
    assert report.rows_in == report.rows_imported + report.rows_rejected == len(FLOW_ROWS) + len(rows)
    reasons = {(r.file.split("/")[-1], r.row): r.reason for r in report.rejects.rejects}
    assert reasons[("工单信息.csv", 3)].startswith("受理时间无法解析（已尝试格式：")  # the formats tried
    assert "%Y/%m/%d %H:%M" in reasons[("工单信息.csv", 3)]
    assert "无法建立工单" in reasons[("工单信息.csv", 5)]
    assert all("整件工单未导入" in reasons[("流转记录.csv", line)] for line in (8, 9))  # GD002's flow rows
    assert sorted(report.histories) == ["GD001", "GD003"]


def test_the_ticket_sheets_close_time_status_and_visit_result_become_events_the_rules_judge(tmp_path):
    """Firing: 不满意 in the ticket sheet → DS-UNSATISFIED on the closure requester. Near miss: 满意."""
    from openpyxl import Workbook

    from rexian.analytics.analyze import analyze
    from rexian.analytics.config import load_config
    from rexian.analytics.tables import from_frames
    from rexian.importing.mapping import mapping_from_dict
    from rexian.importing.pipeline import import_to_frames

    book = Workbook()
    tickets = book.active
    tickets.title = "工单信息"
    tickets.append(["工单编号", "受理时间", "办结时间", "工单状态", "回访结果"])
    tickets.append(["T-1", "2025-04-01 08:00", "2025-04-02 18:00", "已办结", "不满意"])
    tickets.append(["T-2", "2025-04-01 08:00", "2025-04-02 18:00", "已办结", "满意"])
    tickets.append(["T-3", "2025-04-01 08:00", "", "已归档", ""])
    flows = book.create_sheet("流转记录")
    flows.append(["工单编号", "操作时间", "操作类型", "操作人", "操作部门", "目标部门"])
    for tid, person in (("T-1", "甲"), ("T-2", "乙"), ("T-3", "丙")):
        flows.append([tid, "2025-04-01 09:00", "派单", "派单员", "市热线中心", "城管局"])
        flows.append([tid, "2025-04-02 10:00", "申请办结", person, "城管局", ""])
    book.save(tmp_path / "导出.xlsx")
    raw = {"source": "cityA", "sheet": "流转记录", "closed_states": ["已办结", "已归档"],
           "columns": {"ticket_id": "工单编号", "at": "操作时间", "action": "操作类型", "actor_id": "操作人",
                       "actor_unit_id": "操作部门", "target_unit_id": "目标部门"},
           "ticket_sheet": {"sheet": "工单信息", "ticket_id": "工单编号", "intake": {"received_at": "受理时间"},
                            "closed_at": "办结时间", "status": "工单状态", "visit_result": "回访结果"}}
    report, events, frame = import_to_frames([tmp_path / "导出.xlsx"], mapping_from_dict(raw))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    actions = {tid: list(events[events.ticket_id == tid].sort_values("seq").action) for tid in ("T-1", "T-3")}
    assert actions["T-1"][-2:] == ["Visited", "Closed"] and actions["T-3"][-1] == "Closed"
    assert "Visited" not in actions["T-3"]
    findings = [f for f in analyze(from_frames(events, frame), load_config()).findings if f.rule_id == "DS-UNSATISFIED"]
    assert [(f.ticket_ids, f.person_id) for f in findings] == [(["T-1"], "甲")]


def test_an_unreadable_visit_result_in_the_ticket_sheet_keeps_the_ticket_with_the_visit_unknown_naming_the_cell(tmp_path):
    from openpyxl import Workbook

    from rexian.importing.mapping import mapping_from_dict
    from rexian.importing.pipeline import import_to_frames

    book = Workbook()
    book.active.title = "工单信息"
    book.active.append(["工单编号", "回访结果"])
    book.active.append(["T-1", "还行"])
    flows = book.create_sheet("流转记录")
    flows.append(["工单编号", "操作时间", "操作类型"])
    flows.append(["T-1", "2025-04-01 09:00", "派单"])
    book.save(tmp_path / "导出.xlsx")
    raw = {"source": "cityA", "sheet": "流转记录",
           "columns": {"ticket_id": "工单编号", "at": "操作时间", "action": "操作类型"},
           "ticket_sheet": {"sheet": "工单信息", "ticket_id": "工单编号", "visit_result": "回访结果"}}
    report, events, frame = import_to_frames([tmp_path / "导出.xlsx"], mapping_from_dict(raw))
    assert not report.rejects.rejects
    remarks = [(r.file, r.row, r.column, r.value) for r in report.rejects.notes]
    assert remarks == [(f"{tmp_path / '导出.xlsx'}[工单信息]", 2, "回访结果", "还行")]  # file, sheet, row, column
    visits = events[(events.ticket_id == "T-1") & (events.action == "Visited")]
    payload = visits.payload.iloc[0]
    payload = json.loads(payload) if isinstance(payload, str) else payload
    assert payload["outcome_unread"] == "还行" and "satisfaction" not in payload


def test_a_reject_of_the_flow_sheet_of_a_two_part_workbook_names_the_file_with_its_sheet_row_and_column(tmp_path):
    book = Workbook()
    book.active.title = "工单信息"
    book.active.append(["工单编号", "受理时间"])
    book.active.append(["T-1", "2025-04-01 08:00"])
    flows = book.create_sheet("流转记录")
    flows.append(["12345工单流转记录"])  # a title row above the header
    flows.append(["工单编号", "操作时间", "操作类型"])
    flows.append(["T-1", "2025-04-01 09:00", "派单"])
    flows.append(["T-1", "四月一日", "签收"])
    book.save(tmp_path / "导出.xlsx")
    raw = {"source": "cityA", "sheet": "流转记录",
           "columns": {"ticket_id": "工单编号", "at": "操作时间", "action": "操作类型"},
           "ticket_sheet": {"sheet": "工单信息", "ticket_id": "工单编号", "intake": {"received_at": "受理时间"}}}
    report = build([tmp_path / "导出.xlsx"], mapping_from_dict(raw))
    flow_name = f"{tmp_path / '导出.xlsx'}[流转记录]"
    first = report.rejects.rejects[0]
    assert (first.file, first.row, first.column, first.value) == (flow_name, 4, "操作时间", "四月一日")
    assert {r.file for r in report.rejects.rejects} == {flow_name, f"{tmp_path / '导出.xlsx'}[工单信息]"}
    assert [note.file for note in report.rejects.notes] == [flow_name]  # the title row's remark names the sheet
