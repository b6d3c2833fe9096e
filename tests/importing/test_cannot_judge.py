"""Rules on an export that lacks the field they need say "cannot judge" (`rules_cannot_judge`) instead of
firing or missing silently: MS-VISIT-NO-CALL without any visit/call link, DL-OVERDUE when most tickets have
no deadline; FC-NO-EVIDENCE judges each half only where the source records it and says which half failed."""

from rexian.analytics.analyze import analyze
from rexian.analytics.config import load_config
from rexian.analytics.tables import from_frames
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_frames

from .conftest import write_csv

HEADER = ["工单编号", "操作时间", "操作类型", "操作人", "操作部门", "目标部门", "附件", "办理时限"]
COLUMNS = {"ticket_id": "工单编号", "at": "操作时间", "action": "操作类型", "actor_id": "操作人",
           "actor_unit_id": "操作部门", "target_unit_id": "目标部门"}
CALL_HEADER = ["话单编号", "坐席工号", "振铃时间", "应答时间", "关联工单号", "呼叫方向"]
CALLS = {"files": "*话务*", "columns": {"call_id": "话单编号", "agent_id": "坐席工号", "ring_at": "振铃时间",
                                          "answer_at": "应答时间", "ticket_id": "关联工单号", "direction": "呼叫方向"},
         "values": {"direction": {"呼入": "in", "呼出": "out"}}}


def step(ticket, day, hour, word, who="经办人赵六", unit="城管局", target="", attachment="", due=""):
    return [ticket, f"2025-01-{day:02d} {hour:02d}:00", word, who, unit, target, attachment, due]


def analysed(tmp_path, rows, call_rows=None, **mapping):
    inputs = [write_csv(tmp_path / "流转记录.csv", HEADER, rows, encoding="gbk")]
    if call_rows is not None:
        inputs.append(write_csv(tmp_path / "话务记录.csv", CALL_HEADER, call_rows, encoding="gbk"))
        mapping["calls"] = CALLS
    report, events, tickets = import_to_frames(inputs, mapping_from_dict({"source": "cityX", "columns": COLUMNS,
                                                                           **mapping}))
    assert report.rows_rejected == 0, report.rejects.rejects
    frames = report.record_frames
    return analyze(from_frames(events, tickets, frames.get("calls")), load_config())


def fired(analysis, rule_id):
    return {t: f for f in analysis.findings if f.rule_id == rule_id for t in f.ticket_ids}


def visited(ticket, day):
    return [step(ticket, day, 9, "派单", "派单员李四", "市热线中心", "城管局"),
            step(ticket, day, 10, "办结", "审核员王五", "市热线中心"),
            step(ticket, day + 1, 14, "回访", "回访员周丽", "市热线中心")]


def test_a_visit_is_linked_to_its_ticket_s_outbound_call_and_one_with_no_call_fires_naming_the_visitor(tmp_path):
    rows = visited("GD1", 3) + visited("GD2", 6)
    calls = [["C1", "2001", "2025-01-04 13:55", "2025-01-04 13:55", "GD1", "呼出"],
             ["C2", "2001", "2025-01-07 13:55", "", "GD2", "呼出"]]  # GD2: the call was never answered
    analysis = analysed(tmp_path, rows, calls)
    found = fired(analysis, "MS-VISIT-NO-CALL")
    assert set(found) == {"GD2"} and found["GD2"].person_id == "回访员周丽"
    assert "MS-VISIT-NO-CALL" not in analysis.summary["rules_cannot_judge"]


def test_without_any_link_between_visits_and_calls_the_visit_rule_cannot_judge_instead_of_reporting_every_visit(tmp_path):
    calls = [["C1", "2001", "2025-01-04 13:55", "2025-01-04 13:55", "", "呼出"]]
    analysis = analysed(tmp_path, visited("GD1", 3) + visited("GD2", 6), calls)
    assert fired(analysis, "MS-VISIT-NO-CALL") == {}
    assert analysis.summary["rules_cannot_judge"]["MS-VISIT-NO-CALL"] == ["cityX"]


def dispatched(ticket, day, due=""):
    return [step(ticket, day, 9, "派单", "派单员李四", "市热线中心", "城管局", due=due),
            step(ticket, day, 10, "签收")]


def test_deadlines_on_a_few_tickets_only_make_the_overdue_rule_say_cannot_judge_and_on_most_it_fires(tmp_path):
    few = dispatched("GD1", 3, due="2025-01-05 18:00") + [r for n in range(2, 5) for r in dispatched(f"GD{n}", 3)]
    analysis = analysed(tmp_path, few, action_fields={"Dispatched": {"due_at": "办理时限"}})
    assert analysis.summary["rules_cannot_judge"]["DL-OVERDUE"] == ["cityX"] and fired(analysis, "DL-OVERDUE") == {}
    most = [r for n in range(1, 4) for r in dispatched(f"GD{n}", 3, due="2025-01-05 18:00")] + dispatched("GD4", 9)
    analysis = analysed(tmp_path, most, action_fields={"Dispatched": {"due_at": "办理时限"}})
    assert "DL-OVERDUE" not in analysis.summary["rules_cannot_judge"]
    assert set(fired(analysis, "DL-OVERDUE")) == {"GD1", "GD2", "GD3"}


def closure(ticket, day, contact, attachment=""):
    rows = [step(ticket, day, 9, "派单", "派单员李四", "市热线中心", "城管局"), step(ticket, day, 10, "签收")]
    if contact:
        rows.append(step(ticket, day, 11, "联系市民"))
    return rows + [step(ticket, day, 12, "申请办结", attachment=attachment)]


def test_closure_evidence_is_judged_per_half_and_the_finding_says_which_half_failed(tmp_path):
    fields = {"action_fields": {"ClosureRequested": {"evidence": "附件"}}}
    # The export records no citizen contact at all: only the evidence half can be judged.
    rows = closure("GD1", 3, contact=False, attachment="现场.jpg") + closure("GD2", 3, contact=False)
    found = fired(analysed(tmp_path, rows, **fields), "FC-NO-EVIDENCE")
    assert set(found) == {"GD2"}
    values = found["GD2"].evidence["values"]
    assert values["lacking"] == "evidence" and values["lacking_zh"] == "未附佐证材料（该来源没有联系市民记录，联系未判断）"
    # Both recorded: each request fails the half it lacks, and says so.
    rows = (closure("GD1", 3, contact=True, attachment="现场.jpg") + closure("GD2", 3, contact=True)
            + closure("GD3", 3, contact=False, attachment="整改前后.jpg") + closure("GD4", 3, contact=False))
    found = fired(analysed(tmp_path, rows, **fields), "FC-NO-EVIDENCE")
    assert {t: f.evidence["values"]["lacking_zh"] for t, f in found.items()} == {
        "GD2": "未附佐证材料", "GD3": "办结前未联系市民", "GD4": "未附佐证材料且办结前未联系市民"}
    assert found["GD4"].severity == "high" and found["GD3"].severity == "medium"


def visits_naming_calls(tmp_path, call_rows):
    rows = [row + [call] for ticket, day, call in (("GD1", 3, "C1"), ("GD2", 6, "C2"))
            for row, call in zip(visited(ticket, day), ("", "", call))]
    inputs = [write_csv(tmp_path / "流转记录.csv", HEADER + ["关联话单"], rows, encoding="gbk"),
              write_csv(tmp_path / "话务记录.csv", CALL_HEADER, call_rows, encoding="gbk")]
    report, events, tickets = import_to_frames(inputs, mapping_from_dict({
        "source": "cityX", "columns": COLUMNS, "calls": CALLS, "action_fields": {"Visited": {"call_id": "关联话单"}}}))
    assert report.rows_rejected == 0, report.rejects.rejects
    return analyze(from_frames(events, tickets, report.record_frames.get("calls")), load_config())


def test_visits_naming_their_calls_are_not_judged_against_a_call_table_with_no_rows(tmp_path):
    # A call file whose every row was lost (or that came empty) supports no visit and refutes none.
    analysis = visits_naming_calls(tmp_path, [])
    assert fired(analysis, "MS-VISIT-NO-CALL") == {}
    assert analysis.summary["rules_cannot_judge"]["MS-VISIT-NO-CALL"] == ["cityX"]


def test_visits_naming_their_calls_are_judged_when_the_call_table_has_rows(tmp_path):
    analysis = visits_naming_calls(tmp_path, [["C1", "2001", "2025-01-04 13:55", "2025-01-04 13:55", "GD1", "呼出"]])
    assert set(fired(analysis, "MS-VISIT-NO-CALL")) == {"GD2"}
    assert "MS-VISIT-NO-CALL" not in analysis.summary["rules_cannot_judge"]
