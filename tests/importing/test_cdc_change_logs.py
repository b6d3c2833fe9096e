"""A change-data-capture log (Debezium JSON lines) of a work-order table updated in place, read as snapshots
(`cdc: debezium`, importing/readers_cdc.py), with transitions and changed columns as events (importing/snapshots.py),
and the captured call table in the same run (blind test 13, tools/blind13)."""

import calendar
import json
from datetime import datetime, timedelta

import pytest

from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.pipeline import build, sealed_histories

MAPPING = {
    "source": "cdc", "mode": "snapshots", "cdc": "debezium", "timezone": "Asia/Shanghai",
    "columns": {"ticket_id": "order_no", "at": "update_time", "actor_id": "update_by"},
    "intake": {"received_at": "accept_time", "content": "content"},
    "values": {"satisfaction": {"1": "满意", "3": "不满意"}, "resolved": {"1": "已解决", "0": "未解决"},
               "reached": {"1": "已联系", "2": "未联系上"}},
    "snapshots": {"order_by": ["cdc.position"], "state": "status", "unit": "dept",
                  "states": {"10": None, "20": None, "30": "SignedFor", "40": "ReturnRequested",
                             "60": "ClosureRequested", "70": "ClosureApproved", "80": ["Visited", "Closed"]},
                  "transitions": {"40>10": "ReturnApproved", "40>30": "ReturnRejected", "30>20": "HandedOver"},
                  "changes": {"contact_time": "CitizenContacted",
                              "opinion": {"现场核查": "现场核查", "*": "ProgressNoted"}}},
    "action_fields": {"Dispatched": {"due_at": "deadline"}, "ReturnRequested": {"reason": "back_reason"},
                      "Visited": {"satisfaction": "sat", "resolved": "solved", "reached": "contact"}},
}
START = datetime(2026, 1, 6, 9, 0)


def wall_ms(t):
    """A MySQL DATETIME as Debezium writes it: the wall clock taken as UTC, in epoch milliseconds."""
    return calendar.timegm(t.timetuple()) * 1000


def iso_utc(t):
    """A MySQL TIMESTAMP as Debezium writes it: the instant, in UTC (the clock of the platform: UTC+8)."""
    return (t - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Table:
    """One ticket's row, changed step by step, written as Debezium change events."""

    def __init__(self):
        self.lines, self.pos = [], 100

    def change(self, op, before, after, at):
        self.pos += 500
        self.lines.append({"before": before, "after": after, "op": op, "ts_ms": wall_ms(at) - 8 * 3600_000 + 300,
                           "source": {"connector": "mysql", "db": "hotline", "table": "t_work_order",
                                      "file": "mysql-bin.000204", "pos": self.pos, "row": 0}, "transaction": None})

    def ticket(self, no, steps):
        row = {"order_no": no, "accept_time": wall_ms(START), "content": "楼下烧烤店油烟直排", "status": "10",
               "dept": None, "deadline": None, "contact_time": None, "opinion": None, "back_reason": None,
               "sat": None, "solved": None, "contact": None, "update_by": "A01", "update_time": iso_utc(START)}
        self.change("c", None, dict(row), START)
        t = START
        for minutes, who, cols in steps:
            t += timedelta(minutes=minutes)
            before = dict(row)
            row.update(cols, update_by=who, update_time=iso_utc(t))
            self.change("u", before, dict(row), t)
        return row

    def write(self, path):
        path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in self.lines), encoding="utf-8")
        return path


DEADLINE = wall_ms(datetime(2026, 1, 12, 18, 0))
RETURNED_THEN_HANDED_OVER = [
    (10, "D01", {"status": "20", "dept": "U1", "deadline": DEADLINE, "opinion": "请按职责办理"}),
    (30, "P1", {"status": "30"}),
    (20, "P1", {"status": "40", "back_reason": "非我单位职责"}),
    (60, "R01", {"status": "10", "dept": None}),                      # return approved: back to the centre
    (10, "D01", {"status": "20", "dept": "U2", "opinion": "请按职责办理"}),
    (30, "P2", {"status": "30"}),
    (40, "P2", {"contact_time": wall_ms(datetime(2026, 1, 6, 12, 0)), "opinion": "已电话联系诉求人"}),
    (60, "P2", {"opinion": "已派员到现场核查，情况属实"}),
    (30, "P2", {"status": "20", "dept": "U3", "opinion": "属第三单位职责，转办"}),   # 转办 sideways, by P2
    (30, "P3", {"status": "30"}),
    (30, "P3", {"status": "40", "back_reason": "请中心再核"}),
    (60, "R01", {"status": "30"}),                                    # return rejected
    (60, "P3", {"status": "60"}),
    (60, "R01", {"status": "70"}),
    (600, "V01", {"status": "80", "sat": "3", "solved": "0", "contact": "1"}),
]


def events(tmp_path, table, mapping=MAPPING, extra=()):
    m = mapping_from_dict(mapping)
    report = build([table.write(tmp_path / "ods_t_work_order.json"), *extra], m)
    return report, dict(sealed_histories(report, m))


def test_each_change_is_read_as_its_row_image_with_the_tables_own_column_names(tmp_path):
    table = Table()
    table.ticket("T1", RETURNED_THEN_HANDED_OVER)
    report, histories = events(tmp_path, table)
    assert report.rows_in == len(RETURNED_THEN_HANDED_OVER) + 1 and report.rows_rejected == 0
    received, dispatched = histories["T1"][0], histories["T1"][1]
    # update_time (ISO, UTC) moved into the centre's zone; accept_time and deadline (DATETIME as epoch ms) are
    # the wall clock as written, not eight hours late
    assert str(received["at"]) == "2026-01-06 09:00:00"
    assert str(dispatched["at"]) == "2026-01-06 09:10:00"
    assert dispatched["payload"]["due_at"] == "2026-01-12 18:00:00"


def test_transitions_and_changed_columns_become_the_steps_a_table_updated_in_place_records(tmp_path):
    table = Table()
    table.ticket("T1", RETURNED_THEN_HANDED_OVER)
    _, histories = events(tmp_path, table)
    steps = [(e["action"], e["actor_id"], e["target_unit_id"]) for e in histories["T1"]]
    assert steps == [
        ("TicketReceived", None, None), ("Dispatched", "D01", "U1"), ("SignedFor", "P1", None),
        ("ReturnRequested", "P1", None), ("ReturnApproved", "R01", None), ("Dispatched", "D01", "U2"),
        ("SignedFor", "P2", None), ("CitizenContacted", "P2", None), ("ProgressNoted", "P2", None),
        ("HandedOver", "P2", "U3"), ("SignedFor", "P3", None), ("ReturnRequested", "P3", None),
        ("ReturnRejected", "R01", None), ("ClosureRequested", "P3", None), ("ClosureApproved", "R01", None),
        ("Visited", "V01", None), ("Closed", "V01", None)]   # no Reopened: 70 is not a closed state
    progress = next(e for e in histories["T1"] if e["action"] == "ProgressNoted")
    assert progress["payload"]["kind"] == "site_visit"  # the action word found in the note: verification
    visit = next(e for e in histories["T1"] if e["action"] == "Visited")
    # the visit's coded results through the mapping's values, as in flow mode
    assert visit["payload"]["satisfaction"] == "unsatisfied" and visit["payload"]["resolved"] is False
    assert "outcome_unread" not in visit["payload"]


def test_a_changed_column_makes_no_event_on_a_snapshot_that_made_one_already(tmp_path):
    table = Table()
    table.ticket("T2", [(10, "D01", {"status": "20", "dept": "U1", "opinion": "请按职责办理"}),
                        (30, "P1", {"status": "30", "opinion": "已签收"})])
    _, histories = events(tmp_path, table)
    assert [e["action"] for e in histories["T2"]] == ["TicketReceived", "Dispatched", "SignedFor"]


def test_a_ticket_deleted_at_the_source_is_left_out_with_a_remark_not_a_reject(tmp_path):
    table = Table()
    kept = table.ticket("T1", RETURNED_THEN_HANDED_OVER[:2])
    gone = table.ticket("DUP9", [(5, "A01", {"opinion": "重复工单，作废"})])
    table.change("d", gone, None, START + timedelta(minutes=9))
    table.lines.append(None)  # the Kafka tombstone after a delete
    report, histories = events(tmp_path, table)
    assert set(histories) == {"T1"} and kept["order_no"] == "T1"
    assert report.rows_rejected == 0
    assert any("DUP9" in r.reason and "op=d" in r.reason for r in report.rejects.notes)


def test_a_captured_call_table_is_read_in_the_same_run_one_call_from_its_last_image(tmp_path):
    calls = Table()
    ring = datetime(2026, 1, 7, 10, 0)
    row = {"call_id": "C1", "agent_no": "V01", "callee_no": "13900001111", "order_no": "T1",
           "ring_time": wall_ms(ring), "answer_time": None, "hangup_time": None, "direction": "2"}
    calls.change("c", None, dict(row), ring)
    answered = dict(row, answer_time=wall_ms(ring + timedelta(seconds=9)))
    calls.change("u", row, answered, ring)
    calls.change("u", answered, dict(answered, hangup_time=wall_ms(ring + timedelta(minutes=3))), ring)
    path = calls.write(tmp_path / "ods_t_call_record.json")
    table = Table()
    table.ticket("T1", RETURNED_THEN_HANDED_OVER)
    mapping = {**MAPPING, "calls": {"files": "*t_call_record*", "columns": {
        "call_id": "call_id", "agent_id": "agent_no", "caller_phone": "callee_no", "ticket_id": "order_no",
        "ring_at": "ring_time", "answer_at": "answer_time", "end_at": "hangup_time", "direction": "direction"},
        "values": {"direction": {"1": "in", "2": "out"}}}}
    report, histories = events(tmp_path, table, mapping, extra=[path])
    rows, _ = report.records["calls"]
    assert len(rows) == 1 and report.rows_rejected == 0
    assert str(rows[0]["answer_at"]) == "2026-01-07 10:00:09"   # the wall clock, as the platform wrote it
    assert "T1" in histories


def test_the_changers_unit_comes_from_the_staff_table_by_a_lookup(tmp_path):
    staff = tmp_path / "dim_sys_user.csv"
    staff.write_text("user_code,dept_id\nP1,U1\nP2,U2\nP3,U3\nD01,C\nR01,C\nV01,C\nA01,C\n", encoding="utf-8")
    table = Table()
    table.ticket("T1", RETURNED_THEN_HANDED_OVER)
    mapping = {**MAPPING, "lookups": [{"files": "dim_sys_user*", "key": "user_code", "by": "update_by",
                                       "columns": {"changer_dept": "dept_id"}}],
               "columns": {**MAPPING["columns"], "actor_unit_id": "changer_dept"}}
    _, histories = events(tmp_path, table, mapping, extra=[staff])
    handed = next(e for e in histories["T1"] if e["action"] == "HandedOver")
    assert handed["actor_unit_id"] == "U2"


def test_a_cdc_mapping_names_a_known_format_and_a_transition_names_two_states():
    with pytest.raises(MappingError, match="cdc"):
        mapping_from_dict({**MAPPING, "cdc": "maxwell"})
    with pytest.raises(MappingError, match="原状态>新状态"):
        mapping_from_dict({**MAPPING, "snapshots": {**MAPPING["snapshots"], "transitions": {"40": "ReturnApproved"}}})


def test_a_snapshot_logs_coded_visit_results_read_through_the_mappings_values(tmp_path):
    path = tmp_path / "snapshots.csv"
    path.write_text("no,at,state,group,sat\n"
                    "T9,2026-01-06 09:00,new,G1,\n"
                    "T9,2026-01-07 09:00,visited,G1,3\n", encoding="utf-8")
    mapping = mapping_from_dict({"source": "s", "mode": "snapshots", "columns": {"ticket_id": "no", "at": "at"},
                                 "values": {"satisfaction": {"3": "不满意"}},
                                 "snapshots": {"state": "state", "unit": "group",
                                               "states": {"new": None, "visited": "Visited"}},
                                 "action_fields": {"Visited": {"satisfaction": "sat"}}})
    report = build([path], mapping)
    visit = next(e for e in dict(sealed_histories(report, mapping))["T9"] if e["action"] == "Visited")
    assert visit["payload"].get("satisfaction") == "unsatisfied"   # before: outcome_unread 「3」


def test_suggest_proposes_a_snapshot_mapping_for_a_change_log_with_its_status_forks_and_changed_columns(tmp_path):
    from rexian.importing.suggest import suggest

    table = Table()
    table.ticket("T1", RETURNED_THEN_HANDED_OVER)
    table.ticket("T2", RETURNED_THEN_HANDED_OVER[:3] + [(60, "R01", {"status": "30"})])
    staff = tmp_path / "dim_sys_user.csv"
    staff.write_text("user_code,user_name,dept_id\nP1,甲,U1\nP2,乙,U2\n", encoding="utf-8")
    proposal, notes = suggest([table.write(tmp_path / "ods_t_work_order.json"), staff])
    assert proposal["mode"] == "snapshots" and proposal["cdc"] == "debezium"
    assert proposal["columns"]["ticket_id"] == "order_no" and proposal["columns"]["at"] == "update_time"
    assert proposal["columns"]["actor_id"] == "update_by" and proposal["columns"]["actor_unit_id"] == "changer_dept"
    assert proposal["lookups"][0]["key"] == "user_code" and proposal["lookups"][0]["by"] == "update_by"
    rules = proposal["snapshots"]
    assert rules["state"] == "status" and rules["unit"] == "dept" and rules["order_by"] == ["cdc.position"]
    assert set(rules["states"]) == {"10", "20", "30", "40", "60", "70", "80"}
    assert {"40>10", "40>30"} <= set(rules["transitions"])     # the return's two outcomes, to be named
    assert list(rules["changes"])[0] == "contact_time"          # before the free-text note that changes with it
    assert rules["changes"]["contact_time"] == "CitizenContacted"
    assert proposal["action_fields"]["ReturnRequested"] == {"reason": "back_reason"}   # the table's own English name
    assert any("Debezium" in note for note in notes)


def test_canal_messages_are_read_as_the_same_changes(tmp_path):
    """Alibaba Canal's canal-json: every value text, `old` holding the changed columns' old values."""
    def message(number, kind, row, old=None):
        return {"data": [row], "old": old, "type": kind, "table": "t_work_order", "database": "hotline",
                "id": number, "es": 1767661200000 + number, "ts": 1767661200500 + number, "isDdl": False}

    row = {"order_no": "T1", "accept_time": "2026-01-06 09:00:00", "status": "10", "dept": None,
           "update_by": "A01", "update_time": "2026-01-06 09:00:00", "deadline": None}
    dispatched = dict(row, status="20", dept="U1", update_by="D01", update_time="2026-01-06 09:10:00",
                      deadline="2026-01-12 18:00:00")
    lines = [message(1, "INSERT", row), {"type": "QUERY", "isDdl": True, "sql": "ALTER TABLE …"},
             message(2, "UPDATE", dispatched, [{"status": "10", "dept": None, "update_by": "A01"}]),
             message(3, "INSERT", dict(row, order_no="DUP")), message(4, "DELETE", dict(row, order_no="DUP"))]
    path = tmp_path / "canal_t_work_order.json"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    m = mapping_from_dict({**MAPPING, "cdc": "canal"})
    report = build([path], m)
    histories = dict(sealed_histories(report, m))
    assert set(histories) == {"T1"} and report.rows_rejected == 0
    dispatch = histories["T1"][1]
    assert (dispatch["action"], dispatch["target_unit_id"], str(dispatch["at"])) == ("Dispatched", "U1",
                                                                                     "2026-01-06 09:10:00")
    assert dispatch["payload"]["due_at"] == "2026-01-12 18:00:00"
