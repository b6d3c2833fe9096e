"""Per-action payload fields (`action_fields`, `evidence_words`) and request pairing, through a fourth
foreign-export style (tests/importing/foreign_fields.py): each abuse fires, each near miss stays silent."""

import json

import pytest
import yaml
from click.testing import CliRunner

from rexian.analytics.analyze import analyze
from rexian.analytics.config import load_config
from rexian.analytics.tables import from_frames
from rexian.cli import main
from rexian.domain.vocabulary import UnknownWord, parse_visit_outcome
from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.pipeline import import_to_frames

from . import foreign_fields


def imported(tmp_path, raw_mapping, seed=7):
    export, rules = foreign_fields.generate(seed)
    paths = foreign_fields.write(export, tmp_path)
    report, events, tickets = import_to_frames(paths, mapping_from_dict(raw_mapping))
    return export, rules, report, events, tickets


@pytest.mark.parametrize("seed", [7, 11])
def test_style_d_meets_every_expected_visit_evidence_and_rejection_finding_and_no_near_miss_alarms(tmp_path, seed):
    export, rules, report, events, tickets = imported(tmp_path, foreign_fields.mapping(), seed)
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects][:5]
    findings = analyze(from_frames(events, tickets), load_config()).findings
    result = foreign_fields.score(export, rules, findings)
    assert result["met"] == result["expected"] == 12 and result["alarms"] == 0, result


def test_without_the_visit_and_evidence_fields_the_visit_rules_are_blind_so_the_fields_are_what_makes_them_fire(tmp_path):
    bare = foreign_fields.mapping()
    del bare["action_fields"], bare["evidence_words"]
    export, rules, report, events, tickets = imported(tmp_path, bare)
    findings = analyze(from_frames(events, tickets), load_config()).findings
    assert not [f for f in findings if f.rule_id in ("DS-UNSATISFIED", "FC-UNRESOLVED")]


def test_visit_words_become_satisfaction_resolved_and_reached_in_the_payload(tmp_path):
    export, rules, report, events, tickets = imported(tmp_path, foreign_fields.mapping())
    visits = events[events.action == "Visited"]
    payloads = [p if isinstance(p, dict) else json.loads(p) for p in visits.payload]
    assert {"satisfaction": "unsatisfied", "resolved": True, "reached": True}.items() <= payloads[0].items()
    assert any(p.get("reached") is False and "satisfaction" not in p for p in payloads)


def test_a_note_that_only_mentions_a_photo_is_recorded_as_stated_evidence_and_an_attachment_as_a_reference(tmp_path):
    export, rules, report, events, tickets = imported(tmp_path, foreign_fields.mapping())
    requests = events[events.action == "ClosureRequested"]
    payloads = [p if isinstance(p, dict) else json.loads(p) for p in requests.payload]
    assert {"kind": "photo", "ref": "整改后照片.jpg"} in [e for p in payloads for e in p.get("evidence", [])]
    stated = [e for p in payloads for e in p.get("evidence", []) if e.get("stated")]
    assert stated and stated[0]["kind"] == "photo" and stated[0]["ref"] is None


def test_a_rejection_without_request_number_is_paired_with_the_latest_open_request_of_its_kind(tmp_path):
    export, rules, report, events, tickets = imported(tmp_path, foreign_fields.mapping())
    tid = next(t for t, rule in rules.items() if rule == "FC-REJECTED-CLOSURES")
    history = events[events.ticket_id == tid].sort_values("seq")
    payloads = [p if isinstance(p, dict) else json.loads(p) for p in history.payload]
    pairs = [(a, p.get("request_id")) for a, p in zip(history.action, payloads)
             if a in ("ClosureRequested", "ClosureRejected", "ClosureApproved")]
    assert [a for a, _ in pairs] == ["ClosureRequested", "ClosureRejected"] * 2 + ["ClosureRequested", "ClosureApproved"]
    assert pairs[0][1] == pairs[1][1] != pairs[2][1] == pairs[3][1] != pairs[4][1] == pairs[5][1]


def test_an_unreadable_visit_result_keeps_the_ticket_and_the_visit_with_its_outcome_unknown_and_names_the_cell(tmp_path):
    export, rules = foreign_fields.generate(7)
    visit = next(row for row in export.flows if row[2] == "回访")
    visit[7] = "还行吧"
    paths = foreign_fields.write(export, tmp_path)
    report, events, tickets = import_to_frames(paths, mapping_from_dict(foreign_fields.mapping()))
    assert not [r for r in report.rejects.rejects if r.value == "还行吧"]  # no row lost for one verdict
    remarks = [r for r in report.rejects.notes if r.value == "还行吧"]
    assert len(remarks) == 1 and remarks[0].column == "回访结果" and remarks[0].row is not None
    assert remarks[0].reason.startswith("提示：回访结果无法识别") and "values" in remarks[0].reason
    visits = events[(events.ticket_id == visit[0]) & (events.action == "Visited")]
    payloads = [json.loads(p) if isinstance(p, str) else p for p in visits.payload]
    unread = [p for p in payloads if p.get("outcome_unread") == "还行吧"]
    assert unread and "satisfaction" not in unread[0] and "resolved" not in unread[0]
    written = tmp_path / "rejects.csv"
    report.rejects.write_csv(written)
    assert "提示：回访结果无法识别" in written.read_text(encoding="utf-8-sig")


def test_a_values_translation_of_a_visit_field_is_applied_to_its_cells(tmp_path):
    export, rules = foreign_fields.generate(7)
    visit = next(row for row in export.flows if row[2] == "回访")
    visit[7] = "好评"
    paths = foreign_fields.write(export, tmp_path)
    raw = {**foreign_fields.mapping(), "values": {"satisfaction": {"好评": "满意"}}}
    report, events, tickets = import_to_frames(paths, mapping_from_dict(raw))
    visits = events[(events.ticket_id == visit[0]) & (events.action == "Visited")]
    payloads = [json.loads(p) if isinstance(p, str) else p for p in visits.payload]
    assert any(p.get("satisfaction") == "satisfied" for p in payloads)
    assert not report.rejects.notes and not report.rejects.rejects


def test_a_values_key_that_is_neither_a_mapped_field_nor_a_visit_field_is_a_mapping_error_naming_it():
    with pytest.raises(MappingError, match="回访结果"):
        mapping_from_dict({**foreign_fields.mapping(), "values": {"回访结果": {"好评": "满意"}}})
    with pytest.raises(MappingError, match="satisfaction"):
        mapping_from_dict({**foreign_fields.mapping(), "values": {"satisfaction": {"好评": "很好很好"}}})


@pytest.mark.parametrize("text, expected", [
    ("满意", {"satisfaction": "satisfied", "reached": True}),
    ("基本满意", {"satisfaction": "basically_satisfied", "reached": True}),
    ("一般", {"satisfaction": "basically_satisfied", "reached": True}),
    ("非常不满意", {"satisfaction": "unsatisfied", "reached": True}),
    ("不满意（未解决）", {"satisfaction": "unsatisfied", "resolved": False, "reached": True}),
    ("未联系上", {"reached": False}),
    ("很满意", {"satisfaction": "satisfied", "reached": True}),
    ("不太满意", {"satisfaction": "unsatisfied", "reached": True}),
    ("部分解决", {"resolved": False, "reached": True}),
    ("正在解决", {"resolved": False, "reached": True}),
    ("满意度：满意", {"satisfaction": "satisfied", "reached": True}),
    ("满意度：不满意；解决情况：未解决", {"satisfaction": "unsatisfied", "resolved": False, "reached": True}),
    ("拒绝回访", {"reached": False}),
    ("无法评价", {}),
    ("其他", {}),
])
def test_the_visit_parser_reads_the_words_platforms_write(text, expected):
    assert parse_visit_outcome(text) == expected


def test_a_yes_no_column_mapped_to_resolved_reads_as_resolved_and_an_unknown_word_is_an_error():
    assert parse_visit_outcome("否", "resolved") == {"resolved": False, "reached": True}
    with pytest.raises(UnknownWord):
        parse_visit_outcome("否")  # 否 says nothing about satisfaction


def test_a_field_an_event_does_not_carry_is_a_mapping_error_listing_the_fields_it_has():
    with pytest.raises(MappingError, match="reply"):
        mapping_from_dict({**foreign_fields.mapping(), "action_fields": {"Visited": {"reply": "办理意见"}}})
    with pytest.raises(MappingError, match="Visitd"):
        mapping_from_dict({**foreign_fields.mapping(), "action_fields": {"Visitd": {"satisfaction": "回访结果"}}})


def test_suggest_proposes_the_visit_and_attachment_columns_and_check_says_what_is_lacking_without_them(tmp_path):
    export, _ = foreign_fields.generate(7)
    path = foreign_fields.write(export, tmp_path)[0]
    runner = CliRunner()
    drafted = runner.invoke(main, ["mapping", "suggest", str(path), "--out", str(tmp_path / "m.yaml")])
    assert drafted.exit_code == 0, drafted.output
    proposal = yaml.safe_load((tmp_path / "m.yaml").read_text(encoding="utf-8"))
    assert proposal["action_fields"]["Visited"] == {"satisfaction": "回访结果"}
    assert proposal["action_fields"]["ClosureRequested"] == {"evidence": "附件", "reply": "办理意见"}
    bare = foreign_fields.mapping()
    del bare["action_fields"]
    (tmp_path / "bare.yaml").write_text(yaml.safe_dump(bare, allow_unicode=True), encoding="utf-8")
    checked = runner.invoke(main, ["mapping", "check", str(tmp_path / "bare.yaml"), str(path)])
    assert "回访事件没有满意度 →" in checked.output and "DS-UNSATISFIED" in checked.output
    assert "回访事件没有解决情况 →" in checked.output and "FC-UNRESOLVED" in checked.output
    (tmp_path / "full.yaml").write_text(yaml.safe_dump(foreign_fields.mapping(), allow_unicode=True), encoding="utf-8")
    full = runner.invoke(main, ["mapping", "check", str(tmp_path / "full.yaml"), str(path)])
    assert "回访事件没有满意度" not in full.output and "办结申请没有佐证材料" not in full.output


def test_a_source_that_lost_the_evidence_visit_and_deadline_fields_is_reported_as_not_judged_instead_of_fired_on(tmp_path):
    bare = foreign_fields.mapping()
    del bare["action_fields"], bare["evidence_words"]
    export, rules, report, events, tickets = imported(tmp_path, bare)
    analysis = analyze(from_frames(events, tickets), load_config())
    cannot = analysis.summary["rules_cannot_judge"]
    assert {rule: cannot.get(rule) for rule in ("FC-NO-EVIDENCE", "DS-UNSATISFIED", "FC-UNRESOLVED", "DL-OVERDUE")} == {
        "FC-NO-EVIDENCE": ["styleD"], "DS-UNSATISFIED": ["styleD"], "FC-UNRESOLVED": ["styleD"], "DL-OVERDUE": ["styleD"]}
    assert not [f for f in analysis.findings if f.rule_id == "FC-NO-EVIDENCE"]


def test_once_the_fields_are_mapped_the_same_source_is_judged_and_only_the_deadline_is_still_missing(tmp_path):
    export, rules, report, events, tickets = imported(tmp_path, foreign_fields.mapping())
    cannot = analyze(from_frames(events, tickets), load_config()).summary["rules_cannot_judge"]
    assert "FC-NO-EVIDENCE" not in cannot and "DS-UNSATISFIED" not in cannot and cannot["DL-OVERDUE"] == ["styleD"]


def test_one_row_meaning_a_visit_that_closes_the_ticket_yields_both_events_and_the_findings_still_hold(tmp_path):
    export, rules = foreign_fields.generate(7)
    rows, merged = [], 0
    for row in export.flows:
        if row[2] == "办结" and rows and rows[-1][2] == "回访" and rows[-1][0] == row[0]:
            rows[-1][2] = "回访并办结"
            merged += 1
            continue
        rows.append(row)
    export.flows = rows
    raw = {**foreign_fields.mapping(), "actions": {"回访并办结": ["Visited", "Closed"]}}
    report, events, tickets = import_to_frames(foreign_fields.write(export, tmp_path), mapping_from_dict(raw))
    assert report.rows_rejected == 0 and report.rows_in == len(rows)
    closes = events[events.action == "Closed"]
    assert len(closes) == merged > 0
    payloads = [p if isinstance(p, dict) else json.loads(p) for p in closes.payload]
    assert all(p["trigger"] == "visit" and p["source_action"] == "回访并办结" for p in payloads)
    for ticket_id, close in zip(closes.ticket_id, closes.itertuples()):
        visit = events[(events.ticket_id == ticket_id) & (events.action == "Visited")].iloc[-1]
        assert visit.seq == close.seq - 1 and visit["at"] == close.at
    findings = analyze(from_frames(events, tickets), load_config()).findings
    result = foreign_fields.score(export, rules, findings)
    assert result["met"] == result["expected"] and result["alarms"] == 0, result


def test_a_word_mapped_to_an_empty_or_unknown_list_of_events_is_a_mapping_error():
    with pytest.raises(MappingError):
        mapping_from_dict({**foreign_fields.mapping(), "actions": {"回访并办结": []}})
    with pytest.raises(MappingError, match="Closd"):
        mapping_from_dict({**foreign_fields.mapping(), "actions": {"回访并办结": ["Visited", "Closd"]}})


def _deadline_export(tmp_path):
    """Two noise tickets dispatched 2025-04-01 09:00: D-1 asks to close on 04-21 (late), D-2 on 04-03."""
    intake = ["2025-04-01 08:50", "噪音扰民", "噪音"]
    rows = []
    for tid, person, closed in (("D-1", "城管局-甲", "2025-04-21 10:00"), ("D-2", "城管局-乙", "2025-04-03 10:00")):
        place = [f"幸福里{tid[-1]}号"]
        rows += [[tid, "2025-04-01 09:00", "派单", "派单员", "市热线中心", "城管局", "", "", "", "", *intake, *place],
                 [tid, "2025-04-01 10:00", "签收", person, "城管局", "", "", "", "", "", *intake, *place],
                 [tid, closed, "申请办结", person, "城管局", "", "已处理", "", "a.jpg", "", *intake, *place]]
    export = foreign_fields.Export(flows=rows)
    return foreign_fields.write(export, tmp_path)


def test_computed_deadlines_from_the_category_time_limit_let_the_overdue_rule_fire_on_a_late_closure_only(tmp_path):
    raw = {**foreign_fields.mapping(), "deadlines": {"handle_days": {"噪音": 5}}}
    report, events, tickets = import_to_frames(_deadline_export(tmp_path), mapping_from_dict(raw))
    dispatch = events[events.action == "Dispatched"].payload.iloc[0]
    dispatch = dispatch if isinstance(dispatch, dict) else json.loads(dispatch)
    assert dispatch["due_computed"] is True and dispatch["due_at"] == "2025-04-09 09:00:00"  # 5 working days (Qingming 4-6)
    analysis = analyze(from_frames(events, tickets), load_config())
    late = [f for f in analysis.findings if f.rule_id == "DL-OVERDUE"]
    assert [f.ticket_ids for f in late] == [["D-1"]] and late[0].person_id == "城管局-甲"
    assert "DL-OVERDUE" not in analysis.summary["rules_cannot_judge"]


def test_time_limits_read_from_the_exports_categories_table_give_the_same_deadlines(tmp_path):
    from .conftest import write_csv

    limits = write_csv(tmp_path / "问题分类.csv", ["分类名称", "办理时限"],
                       [["噪音", "5个工作日"], ["道路", "15"], ["路灯", "三天"]], encoding="gbk")
    raw = {**foreign_fields.mapping(),
           "deadlines": {"categories": {"files": "*分类*", "category": "分类名称", "days": "办理时限"}}}
    report, events, tickets = import_to_frames(_deadline_export(tmp_path / "flows") + [limits], mapping_from_dict(raw))
    dispatch = events[events.action == "Dispatched"].payload.iloc[0]
    dispatch = dispatch if isinstance(dispatch, dict) else json.loads(dispatch)
    assert dispatch["due_computed"] is True and dispatch["due_at"] == "2025-04-09 09:00:00"  # 噪音: 5 working days
    assert report.rows_rejected == 0  # the categories table's rows are not flow rows …
    assert [p for p in report.file_problems if "办理时限" in p and "第 4 行" in p]  # … but 「三天」 is reported


def test_without_a_deadline_column_or_computed_deadlines_the_overdue_rule_says_it_cannot_judge(tmp_path):
    report, events, tickets = import_to_frames(_deadline_export(tmp_path), mapping_from_dict(foreign_fields.mapping()))
    analysis = analyze(from_frames(events, tickets), load_config())
    assert analysis.summary["rules_cannot_judge"]["DL-OVERDUE"] == ["styleD"]
    assert not [f for f in analysis.findings if f.rule_id == "DL-OVERDUE"]


def test_a_deadline_column_mapped_on_the_dispatch_wins_over_the_computed_one(tmp_path):
    raw = {**foreign_fields.mapping(), "deadlines": True,
           "action_fields": {**foreign_fields.mapping()["action_fields"], "Dispatched": {"due_at": "受理时间"}}}
    report, events, tickets = import_to_frames(_deadline_export(tmp_path), mapping_from_dict(raw))
    payload = events[events.action == "Dispatched"].payload.iloc[0]
    payload = payload if isinstance(payload, dict) else json.loads(payload)
    assert payload["due_at"] == "2025-04-01 08:50:00" and "due_computed" not in payload
