"""Columns looked up in another table of the export (`lookups`): the history tables of a workflow engine
(Activiti / Flowable), where a task row names only its process instance, its unit is its candidate group in
another table and its form fields are rows of a long key/value variables table (tools/blind9)."""

import json

import pytest

from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.mapping_check import check
from rexian.importing.pipeline import import_to_frames

from .conftest import write_csv
from .test_database_dumps import rule_findings

TASKS = ["ID_", "PROC_INST_ID_", "NAME_", "ASSIGNEE_", "END_TIME_", "DELETE_REASON_"]
REPLY = "经现场核查，已责令商户整改，噪音问题已解决，并电话告知市民处理结果。"


def engine_dump(tmp_path, visits):
    """Two process instances (tickets GD1, GD2) each dispatched, handled, closed and visited; `visits` gives each
    visit task's satisfaction variable (None: no such variable)."""
    tasks, links, details, procs = [], [], [], []
    for n, (ticket, satisfaction) in enumerate(visits.items(), start=1):
        pid, day = f"{n}00", f"2026-03-0{n + 4}"
        procs.append([pid, ticket])
        steps = [("受理", "agent1", "09:00", "center"), ("派单", "disp1", "09:30", "center"),
                 ("承办", "h1", "15:00", "dept_a"), ("办结审核", "rev1", "16:00", "center"),
                 ("回访", "vis1", "18:00", "center")]
        for k, (name, who, hhmm, group) in enumerate(steps):
            tid = f"{pid}{k}"
            tasks.append([tid, pid, name, who, f"{day} {hhmm}:00.000", "completed"])
            links.append([f"L{tid}", group, "candidate", tid])
            links.append([f"P{tid}", "", "participant", ""])
            if name == "派单":
                details.append([tid, "handleDept", "string", "dept_a", ""])
            if name == "承办":
                details += [[tid, "replyContent", "string", REPLY, ""], [tid, "attachFiles", "string", "现场.jpg", ""]]
            if name == "回访" and satisfaction:
                details.append([tid, "satisfaction", "string", "不满意", ""])  # an earlier value, overwritten
                details.append([tid, "satisfaction", "string", satisfaction, ""])
                details.append([tid, "isSolved", "long", "", "0" if satisfaction == "不满意" else "1"])
    write_csv(tmp_path / "ACT_HI_TASKINST.csv", TASKS, tasks, bom=True)
    write_csv(tmp_path / "ACT_HI_IDENTITYLINK.csv", ["ID_", "GROUP_ID_", "TYPE_", "TASK_ID_"], links, bom=True)
    write_csv(tmp_path / "ACT_HI_DETAIL.csv", ["TASK_ID_", "NAME_", "VAR_TYPE_", "TEXT_", "LONG_"], details, bom=True)
    write_csv(tmp_path / "ACT_HI_PROCINST.csv", ["ID_", "BUSINESS_KEY_"], procs, bom=True)
    return [tmp_path / name for name in ("ACT_HI_TASKINST.csv", "ACT_HI_IDENTITYLINK.csv", "ACT_HI_DETAIL.csv",
                                         "ACT_HI_PROCINST.csv")]


MAPPING = {
    "source": "engine", "date_formats": ["%Y-%m-%d %H:%M:%S.%f"],
    "lookups": [
        {"files": "*PROCINST*", "key": "ID_", "by": "PROC_INST_ID_", "columns": {"工单编号": "BUSINESS_KEY_"}},
        {"files": "*IDENTITYLINK*", "key": "TASK_ID_", "by": "ID_", "where": {"TYPE_": "candidate"},
         "columns": {"办理单位": "GROUP_ID_"}},
        {"files": "*DETAIL*", "key": "TASK_ID_", "by": "ID_", "pivot": {"name": "NAME_", "value": ["TEXT_", "LONG_"]},
         "columns": {"流向单位": "handleDept", "答复": "replyContent", "附件": "attachFiles", "满意度": "satisfaction",
                     "是否解决": "isSolved"}},
    ],
    "columns": {"ticket_id": "工单编号", "at": "END_TIME_", "action": "NAME_", "actor_id": "ASSIGNEE_",
                "actor_unit_id": "办理单位", "target_unit_id": "流向单位"},
    "actions": {"承办": "ClosureRequested", "办结审核": "ClosureApproved"},
    "action_fields": {"ClosureRequested": {"reply": "答复", "evidence": "附件"},
                      "Visited": {"satisfaction": "满意度", "resolved": "是否解决"}},
    "values": {"resolved": {"1": "已解决", "0": "未解决"}},
}


def payloads(events, action):
    rows = events[events.action == action].sort_values("ticket_id")
    return {row.ticket_id: (row.actor_unit_id, row.target_unit_id,
                            json.loads(row.payload) if isinstance(row.payload, str) else row.payload)
            for row in rows.itertuples()}


def test_task_rows_take_the_ticket_number_the_unit_and_the_pivoted_variables_and_the_rules_judge_them(tmp_path):
    """Firing: GD1's visit variables say 不满意 / isSolved 0 → DS-UNSATISFIED names the handler who asked to close.
    Near miss: GD2's last satisfaction update is 满意 (an earlier 不满意 was overwritten): silent."""
    report, events, tickets = import_to_frames(engine_dump(tmp_path, {"GD1": "不满意", "GD2": "满意"}),
                                               mapping_from_dict(MAPPING))
    assert report.rejects.rejects == []
    assert sorted(events.ticket_id.unique()) == ["GD1", "GD2"]  # the order number, not the process instance
    dispatch = payloads(events, "Dispatched")
    assert dispatch["GD1"][:2] == ("center", "dept_a")
    closure = payloads(events, "ClosureRequested")
    assert closure["GD1"][0] == "dept_a" and closure["GD1"][2]["reply"] == REPLY
    assert closure["GD1"][2]["evidence"][0]["ref"] == "现场.jpg"
    visit = payloads(events, "Visited")
    assert (visit["GD1"][2]["satisfaction"], visit["GD1"][2]["resolved"]) == ("unsatisfied", False)
    assert (visit["GD2"][2]["satisfaction"], visit["GD2"][2]["resolved"]) == ("satisfied", True)
    assert rule_findings(events, tickets, "DS-UNSATISFIED") == [("GD1", "h1")]


def test_without_the_variables_table_the_visits_carry_no_verdict_and_check_names_what_the_lookup_lacks(tmp_path):
    """Near miss of the pivot: the same dump without ACT_HI_DETAIL's satisfaction rows gives no verdict — the rule
    cannot judge rather than report — and `mapping check` names the names the table never holds."""
    inputs = engine_dump(tmp_path, {"GD1": None, "GD2": None})
    report, events, tickets = import_to_frames(inputs, mapping_from_dict(MAPPING))
    assert report.rejects.rejects == []
    assert all("satisfaction" not in p for *_, p in payloads(events, "Visited").values())
    assert rule_findings(events, tickets, "DS-UNSATISFIED") == []
    _, lines = check(inputs, mapping_from_dict(MAPPING))
    said = "\n".join(lines)
    assert "查找表 *DETAIL*" in said and "表中没有：isSolved、satisfaction" in said
    assert not any("映射所指的列不存在" in line for line in lines)  # looked-up columns are not typos


def test_a_row_whose_key_the_lookup_table_lacks_keeps_its_own_cells_and_is_counted(tmp_path):
    """A task of a process instance the instance table lacks has no ticket number: rejected as any row without
    one, naming the column; the other ticket imports."""
    inputs = engine_dump(tmp_path, {"GD1": "满意", "GD2": "满意"})
    write_csv(tmp_path / "ACT_HI_PROCINST.csv", ["ID_", "BUSINESS_KEY_"], [["100", "GD1"]], bom=True)
    mapping = mapping_from_dict(MAPPING)
    report, events, _ = import_to_frames(inputs, mapping)
    assert sorted(events.ticket_id.unique()) == ["GD1"]
    assert {r.column for r in report.rejects.rejects} == {"工单编号"}
    assert mapping.lookups[0].missed == 5


def test_a_key_with_two_values_keeps_the_first_and_is_told(tmp_path):
    inputs = engine_dump(tmp_path, {"GD1": "满意"})
    write_csv(tmp_path / "ACT_HI_PROCINST.csv", ["ID_", "BUSINESS_KEY_"], [["100", "GD1"], ["100", "GDX"]], bom=True)
    report, events, _ = import_to_frames(inputs, mapping_from_dict(MAPPING))
    assert sorted(events.ticket_id.unique()) == ["GD1"]
    assert any("键 ID_=100 另有一行" in r.reason for r in report.side_rejects.rejects)


@pytest.mark.parametrize("lookups", [{"files": "*X*"}, [{"files": "*X*", "key": "ID_", "columns": {"a": "b"}}],
                                     [{"key": "ID_", "by": "K", "columns": {"a": "b"}}],
                                     [{"files": "*X*", "key": "ID_", "by": "K", "columns": {"a": "b"},
                                       "pivot": {"name": "NAME_"}}]])
def test_a_lookup_of_the_wrong_shape_is_a_mapping_error_naming_what_is_expected(lookups):
    with pytest.raises(MappingError, match="lookups"):
        mapping_from_dict({**MAPPING, "lookups": lookups})
