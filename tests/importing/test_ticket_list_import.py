"""Ticket lists (one row per ticket, times as columns) become a short history per ticket."""

from rexian.domain.model import Ticket
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import build, sealed_histories

from .conftest import write_csv

HEADER = ["工单编号", "受理时间", "诉求内容", "承办单位", "派单时间", "办结时间", "答复内容", "工单状态"]
ROWS = [
    ["W1", "2025-02-01 09:00", "路灯不亮", "城管局", "2025-02-01 09:20", "2025-02-03 15:00", "已修复", "已办结"],
    ["W2", "2025-02-02 10:00", "噪音扰民", "环保局", "", "", "", "办理中"],
    ["W3", "2025-02-02 11:00", "咨询社保", "", "", "", "", "已办结"],
    ["W1", "2025-02-01 09:00", "路灯不亮（重复导出）", "城管局", "", "", "", "已办结"],
    ["W4", "2025-02-02 12:00", "积水", "水务局", "2025-02-02 12:30", "二月三日", "", "已办结"],
]
MAPPING = {"source": "taizhang", "mode": "tickets",
           "columns": {"ticket_id": "工单编号", "at": "受理时间", "target_unit_id": "承办单位"},
           "intake": {"content": "诉求内容"},
           "tickets": {"dispatched_at": "派单时间", "closed_at": "办结时间", "reply": "答复内容", "status": "工单状态"},
           "closed_states": ["已办结"]}


def test_each_ticket_row_becomes_received_dispatched_replied_and_closed_at_its_own_times(tmp_path):
    path = write_csv(tmp_path / "list.csv", HEADER, ROWS)
    mapping = mapping_from_dict(MAPPING)
    report = build([path], mapping)
    histories = dict(sealed_histories(report, mapping))
    w1 = histories["W1"]
    assert [(e["action"], str(e["at"])) for e in w1] == [
        ("TicketReceived", "2025-02-01 09:00:00"), ("Dispatched", "2025-02-01 09:20:00"),
        ("Replied", "2025-02-03 15:00:00"), ("Closed", "2025-02-03 15:00:00")]
    assert w1[0]["payload"]["content"] == "路灯不亮" and w1[1]["target_unit_id"] == "城管局"
    assert Ticket.replay("W2", histories["W2"]).status == "dispatched"
    assert Ticket.replay("W3", histories["W3"]).status == "closed"  # closed by status, no close time given
    rejected = {r.row: r for r in report.rejects.rejects}
    assert "重复" in rejected[5].reason and rejected[6].column == "办结时间"
    assert (report.rows_in, report.rows_imported, report.rows_rejected) == (5, 3, 2)


def test_a_ticket_lists_deadline_column_lands_on_its_dispatch_and_a_bad_one_rejects_the_row_naming_it(tmp_path):
    header = ["工单编号", "受理时间", "诉求内容", "承办单位", "办理时限"]
    rows = [["L1", "2025-02-01 09:00", "路灯不亮", "城管局", "2025-02-06 18:00"],
            ["L2", "2025-02-01 10:00", "噪音扰民", "环保局", "五个工作日"]]
    raw = {**MAPPING, "tickets": {}, "closed_states": [],
           "action_fields": {"Dispatched": {"due_at": "办理时限"}}}
    mapping = mapping_from_dict(raw)
    report = build([write_csv(tmp_path / "list.csv", header, rows)], mapping)
    histories = dict(sealed_histories(report, mapping))
    assert histories["L1"][1]["action"] == "Dispatched" and histories["L1"][1]["payload"]["due_at"] == "2025-02-06 18:00:00"
    [reject] = report.rejects.rejects
    assert (reject.row, reject.column) == (3, "办理时限") and "L2" not in histories
