"""A row that is several steps at different times (`event_times`): a workflow engine's task row carries its
sign-for (CLAIM_TIME_) beside its outcome (END_TIME_), and a task still running has no end time (tools/blind9)."""

import pytest

from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.pipeline import import_to_frames

from .conftest import write_csv
from .test_database_dumps import rule_findings

HEADER = ["PROC_INST_ID_", "NAME_", "ASSIGNEE_", "CLAIM_TIME_", "END_TIME_", "DELETE_REASON_", "附件", "单位", "目标单位"]
MAPPING = {
    "source": "engine",
    "joined_columns": {"环节结果": ["NAME_", "DELETE_REASON_"]},
    "columns": {"ticket_id": "PROC_INST_ID_", "at": "END_TIME_", "action": "环节结果", "actor_id": "ASSIGNEE_",
                "actor_unit_id": "单位", "target_unit_id": "目标单位"},
    "actions": {"受理 completed": "TicketReceived", "派单 completed": "Dispatched", "承办": "SignedFor",
                "承办 completed": ["SignedFor", "ClosureRequested"]},
    "event_times": {"SignedFor": "CLAIM_TIME_"},
    "action_fields": {"ClosureRequested": {"evidence": "附件"}},
}


def tasks(tmp_path, rows):
    rows = [row + (["center", "dept_a" if row[1] == "派单" else ""] if row[1] in ("受理", "派单") else ["dept_a", ""])
            for row in rows]
    return [write_csv(tmp_path / "ACT_HI_TASKINST.csv", HEADER, rows, bom=True)]


def opened(ticket, day):
    return [[ticket, "受理", "agent1", "", f"{day} 09:00:00", "completed", ""],
            [ticket, "派单", "disp1", "", f"{day} 09:30:00", "completed", ""]]


def test_a_closure_a_quarter_of_an_hour_after_the_claim_fires_the_instant_closure_rule_and_a_next_day_one_does_not(
        tmp_path):
    """Firing: T1 claimed 09:50, closure asked 10:05 → FC-INSTANT names the handler. Near miss: T2 claimed 09:50,
    closure asked the next day."""
    rows = [*opened("T1", "2026-03-05"), ["T1", "承办", "h1", "2026-03-05 09:50:00", "2026-03-05 10:05:00", "completed",
                                          "现场.jpg"],
            *opened("T2", "2026-03-06"), ["T2", "承办", "h2", "2026-03-06 09:50:00", "2026-03-07 10:05:00", "completed",
                                          "现场.jpg"]]
    report, events, tickets = import_to_frames(tasks(tmp_path, rows), mapping_from_dict(MAPPING))
    assert report.rejects.rejects == []
    signed = events[events.action == "SignedFor"].sort_values("ticket_id")
    assert [(t, str(at)) for t, at in zip(signed.ticket_id, signed["at"])] == [
        ("T1", "2026-03-05 09:50:00"), ("T2", "2026-03-06 09:50:00")]
    assert rule_findings(events, tickets, "FC-INSTANT") == [("T1", "h1")]


def test_a_task_still_running_keeps_its_ticket_its_claim_a_sign_for_and_an_unclaimed_one_makes_no_event(tmp_path):
    """Before `event_times` a task row without an end time rejected its ticket whole: the open ticket, the one the
    delay rules are for. A running, claimed task is its sign-for; a running, unclaimed one is a step not yet taken."""
    rows = [*opened("T3", "2026-01-05"), ["T3", "承办", "h3", "2026-01-05 11:00:00", "", "", ""],
            *opened("T4", "2026-01-06"), ["T4", "承办", "", "", "", "", ""]]
    report, events, _ = import_to_frames(tasks(tmp_path, rows), mapping_from_dict(MAPPING))
    assert report.rejects.rejects == []
    assert sorted(events.ticket_id.unique()) == ["T3", "T4"]
    assert list(events[events.ticket_id == "T3"].action) == ["TicketReceived", "Dispatched", "SignedFor"]
    assert list(events[events.ticket_id == "T4"].action) == ["TicketReceived", "Dispatched"]
    assert any("尚未发生的步骤" in note.reason for note in report.rejects.notes)


def test_without_event_times_the_running_task_rejects_its_ticket_and_an_unreadable_claim_is_a_rejected_row(tmp_path):
    rows = [*opened("T5", "2026-01-05"), ["T5", "承办", "h5", "2026-01-05 11:00:00", "", "", ""]]
    plain = {key: value for key, value in MAPPING.items() if key != "event_times"}
    report, events, _ = import_to_frames(tasks(tmp_path, rows), mapping_from_dict(plain))
    assert events.empty and {r.column for r in report.rejects.rejects if r.row == 4} == {"END_TIME_"}
    rows[-1][3] = "昨天"
    report, events, _ = import_to_frames(tasks(tmp_path, rows), mapping_from_dict(MAPPING))
    assert events.empty and {r.column for r in report.rejects.rejects if r.row == 4} == {"CLAIM_TIME_"}


@pytest.mark.parametrize("event_times", [{"签收": "CLAIM_TIME_"}, ["SignedFor"], {}])
def test_event_times_naming_no_event_is_a_mapping_error(event_times):
    with pytest.raises(MappingError, match="event_times"):
        mapping_from_dict({**MAPPING, "event_times": event_times})
