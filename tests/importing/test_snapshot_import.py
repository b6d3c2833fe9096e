"""Snapshot logs: events reconstructed by comparing consecutive snapshots of a case."""

import copy

from rexian.domain.chain_check import check_stream
from rexian.importing.counters import compare_counters
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import build, sealed_histories

from .conftest import SNAPSHOT_HEADER, SNAPSHOT_MAPPING, SNAPSHOT_ROWS, write_csv


def events_of(report, mapping):
    return dict(sealed_histories(report, mapping))


def test_group_changes_state_changes_and_a_reopen_become_events(snapshot_csv):
    mapping = mapping_from_dict(SNAPSHOT_MAPPING)
    events = events_of(build([snapshot_csv], mapping), mapping)["INC1"]
    assert [(e["action"], e["target_unit_id"]) for e in events] == [
        ("TicketReceived", None), ("Dispatched", "Group A"), ("SignedFor", None), ("Dispatched", "Group B"),
        ("Closed", None), ("Reopened", "Group B"), ("Closed", None)]
    assert str(events[0]["at"]) == "2016-03-01 07:55:00"  # the intake time, not the first snapshot's
    assert events[3]["payload"]["redispatch"] is True
    assert str(events[5]["at"]) == "2016-03-03 09:00:00"
    assert check_stream("INC1", events) == []


def test_snapshots_are_ordered_by_time_then_by_the_modification_counter(snapshot_csv):
    mapping = mapping_from_dict(SNAPSHOT_MAPPING)
    events = events_of(build([snapshot_csv], mapping), mapping)["INC2"]
    assert [e["action"] for e in events] == ["TicketReceived", "Dispatched", "SignedFor", "ProgressNoted"]
    assert events[3]["payload"]["note"] == "Awaiting User Info"


def test_the_reconstruction_agrees_with_the_sources_own_counters(snapshot_csv):
    mapping = mapping_from_dict(SNAPSHOT_MAPPING)
    agreements = {a.column: a for a in compare_counters(build([snapshot_csv], mapping).histories, mapping)}
    assert agreements["reassignment_count"].agreeing == 2 and agreements["reopen_count"].agreeing == 2


def test_a_missing_snapshot_shows_as_a_counter_disagreement(tmp_path):
    rows = [row for row in SNAPSHOT_ROWS if not (row[0] == "INC1" and row[4] == "3")]  # lose the move to Group B
    path = write_csv(tmp_path / "gappy.csv", SNAPSHOT_HEADER, rows)
    mapping = mapping_from_dict(SNAPSHOT_MAPPING)
    agreements = {a.column: a for a in compare_counters(build([path], mapping).histories, mapping)}
    # the snapshot after the gap already shows Group B, so the move is still seen; drop all Group B rows instead
    assert agreements["reassignment_count"].tickets == 2
    rows = [row for row in SNAPSHOT_ROWS if not (row[0] == "INC1" and row[2] == "Group B")]
    rows.append(["INC1", "Closed", "Group A", "8/3/2016 12:00", "8", "1/3/2016 07:55", "2", "1"])
    path = write_csv(tmp_path / "gappy2.csv", SNAPSHOT_HEADER, rows)
    agreements = {a.column: a for a in compare_counters(build([path], mapping).histories, mapping)}
    assert agreements["reassignment_count"].differences == {-1: 1}


def test_an_unknown_state_and_a_duplicate_snapshot_are_rejected(tmp_path):
    rows = copy.deepcopy(SNAPSHOT_ROWS)
    rows[2][1] = "Teleported"
    rows.append(list(SNAPSHOT_ROWS[0]))
    path = write_csv(tmp_path / "odd.csv", SNAPSHOT_HEADER, rows)
    report = build([path], mapping_from_dict(SNAPSHOT_MAPPING))
    reasons = {r.row: r.reason for r in report.rejects.rejects}
    assert "未知状态" in reasons[4] and "重复" in reasons[len(rows) + 1]
    # INC1 had a rejected row: it is left out whole (its other rows say so); INC2 imports
    assert all("整件工单未导入" in reasons[line] for line in range(2, 11) if line != 4)
    assert sorted(report.histories) == ["INC2"]
    assert report.rows_in == len(rows) == report.rows_imported + 10


def test_action_fields_fill_the_payloads_of_the_events_a_snapshot_makes(snapshot_csv):
    raw = {**SNAPSHOT_MAPPING, "action_fields": {"Dispatched": {"due_at": "opened_at"}}}
    mapping = mapping_from_dict(raw)
    events = events_of(build([snapshot_csv], mapping), mapping)["INC1"]
    dispatches = [e for e in events if e["action"] == "Dispatched"]
    assert [e["payload"]["due_at"] for e in dispatches] == ["2016-03-01 07:55:00"] * 2
    assert all("due_at" not in e["payload"] for e in events if e["action"] != "Dispatched")
