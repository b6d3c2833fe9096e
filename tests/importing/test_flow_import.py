"""Flow records (one row per action) become hash-chained events with their original times."""

import copy
import csv

from rexian.domain.chain_check import check_stream
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import build, import_to_directory, sealed_histories

from .conftest import FLOW_HEADER, FLOW_MAPPING, FLOW_ROWS, write_csv


def sealed(report, mapping):
    return dict(sealed_histories(report, mapping))


def test_chinese_action_words_become_our_events_with_their_original_times(flow_csv):
    mapping = mapping_from_dict(FLOW_MAPPING)
    report = build([flow_csv], mapping)
    events = sealed(report, mapping)["GD001"]
    # 转办 from a bureau to a street, with no unit tree in the export: a sideways hand-over (docs/importing.md)
    assert [e["action"] for e in events] == ["TicketReceived", "Dispatched", "ReturnApproved", "Dispatched",
                                            "HandedOver", "Closed"]
    assert str(events[2]["at"]) == "2025-01-03 11:00:00"
    assert events[2]["target_unit_id"] == "环保局" and events[2]["payload"]["source_action"] == "回退"
    assert events[3]["payload"]["redispatch"] is True and events[1]["payload"]["redispatch"] is False
    assert events[4]["target_unit_id"] == "东城街道" and events[4]["payload"]["note"] == "请现场核查"
    assert events[5]["target_unit_id"] is None  # 办结 is not aimed at a unit
    assert {e["source"] for e in events} == {"oldsys"}
    assert check_stream("GD001", events) == []


def test_a_ticket_without_an_intake_row_gets_a_received_event_from_its_first_action(flow_csv):
    mapping = mapping_from_dict(FLOW_MAPPING)
    events = sealed(build([flow_csv], mapping), mapping)["GD002"]
    received = events[0]
    assert received["action"] == "TicketReceived" and received["payload"]["synthesized"] is True
    assert str(received["at"]) == "2025-01-05 08:15:00"
    assert received["payload"]["caller_id"] == "市民乙" and received["payload"]["channel"] == "phone"


def test_broken_rows_are_rejected_with_file_row_column_value_and_reason(tmp_path):
    rows = copy.deepcopy(FLOW_ROWS)
    rows[2][1] = "2025年13月45日"           # line 4: a bad date
    rows[4][0] = ""                         # line 6: no ticket number
    rows[5][2] = "拍脑袋"                     # line 7: a word nobody mapped
    rows.append(list(FLOW_ROWS[7]))          # line 10: the same row twice
    rows.append(["GD003", "05/01/2025"])     # line 11: too few fields
    path = write_csv(tmp_path / "broken.csv", FLOW_HEADER, rows)
    report = import_to_directory(tmp_path / "out", [path], mapping_from_dict(FLOW_MAPPING))
    found = {(r.row, r.column, r.value) for r in report.rejects.rejects}
    assert (4, "操作时间", "2025年13月45日") in found
    assert (6, "工单编号", "") in found
    assert (7, "操作类型", "拍脑袋") in found
    assert any(r.row == 10 and "重复" in r.reason for r in report.rejects.rejects)
    assert any(r.row == 11 and "字段数" in r.reason for r in report.rejects.rejects)
    # GD001 had rejected rows (lines 4 and 7): its other rows go with them, a ticket imports whole or not at all
    assert {r.row for r in report.rejects.rejects if "整件工单未导入" in r.reason} == {2, 3, 5}
    assert report.rows_in == 10 and report.rows_rejected == 8 and report.rows_imported == 2
    with open(tmp_path / "out" / "events.csv", encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert {e["ticket_id"] for e in written} == {"GD002"}
    assert len([e for e in written if e["action"] != "TicketReceived" or "synthesized" not in e["payload"]]) == 2


def test_a_file_missing_a_mapped_column_has_every_row_rejected_naming_the_column(tmp_path):
    header = [name for name in FLOW_HEADER if name != "操作时间"]
    rows = [[value for name, value in zip(FLOW_HEADER, row) if name != "操作时间"] for row in FLOW_ROWS]
    path = write_csv(tmp_path / "nodate.csv", header, rows)
    report = build([path], mapping_from_dict(FLOW_MAPPING))
    assert not report.histories
    assert len(report.rejects.rejects) == len(FLOW_ROWS)
    assert all(r.column == "操作时间" and "缺少列" in r.reason for r in report.rejects.rejects)


def test_unknown_words_can_be_kept_as_progress_notes_when_the_mapping_says_so(tmp_path):
    rows = [list(FLOW_ROWS[0]), ["GD001", "03/01/2025 10:00", "电话回访市民未接通", "x", "", "", "", "", ""]]
    path = write_csv(tmp_path / "odd.csv", FLOW_HEADER, rows)
    mapping = mapping_from_dict({**FLOW_MAPPING, "unknown_action": "ProgressNoted"})
    events = sealed(build([path], mapping), mapping)["GD001"]
    assert events[1]["action"] == "ProgressNoted"
    assert events[1]["payload"]["source_action"] == "电话回访市民未接通"


def test_the_same_rows_always_seal_to_the_same_hashes(flow_csv):
    mapping = mapping_from_dict(FLOW_MAPPING)
    first = sealed(build([flow_csv], mapping), mapping)
    second = sealed(build([flow_csv], mapping), mapping)
    assert [e["hash"] for e in first["GD001"]] == [e["hash"] for e in second["GD001"]]


def test_action_phrases_can_be_matched_by_the_longest_known_word_inside_them(tmp_path):
    rows = [["GD9", "03/01/2025 09:00", "市级派单", "a", "", "城管局", "", "", ""],
            ["GD9", "03/01/2025 10:00", "回退至市中心", "b", "", "市中心", "", "", ""],
            ["GD9", "03/01/2025 11:00", "申请延期审核驳回", "c", "", "", "", "", ""],
            ["GD10", "03/01/2025 12:00", "喝茶", "d", "", "", "", "", ""]]  # another ticket: GD9 stays whole
    path = write_csv(tmp_path / "phrases.csv", FLOW_HEADER, rows)
    exact = build([path], mapping_from_dict(FLOW_MAPPING))
    assert exact.rows_rejected == 4
    mapping = mapping_from_dict({**FLOW_MAPPING, "action_match": "contains"})
    report = build([path], mapping)
    assert [d.action for d in report.histories["GD9"].drafts] == ["Dispatched", "ReturnApproved", "ExtensionRejected"]
    assert [r.row for r in report.rejects.rejects] == [5]
