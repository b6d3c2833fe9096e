"""Scoring findings against ground truth per rule: the kind of abuse decides which rule should find it."""

import json

from click.testing import CliRunner

from rexian.analytics.evaluate import KIND_RULES, evaluate, format_table
from rexian.cli import main


def _truth(kind, family, *tickets, agent=None):
    return {"family": family, "kind": kind, "ticket_ids": list(tickets), "agent_id": agent, "unit_id": "U1",
            "person_id": None, "note": ""}


def _finding(rule, family, *tickets, agent=None):
    return {"finding_key": f"{rule}:{tickets[0] if tickets else agent}", "rule_id": rule, "family": family,
            "ticket_ids": list(tickets), "agent_id": agent, "unit_id": "U1", "person_id": None}


def _rule(result, rule_id):
    return next(row for row in result["rules"] if row["rule_id"] == rule_id)


def test_a_finding_is_right_only_when_its_ticket_carries_a_kind_its_rule_detects():
    truth = [_truth("overdue", "delay", "T1")]
    findings = [_finding("DL-OVERDUE", "delay", "T1"), _finding("DL-IDLE", "delay", "T1")]
    result = evaluate(truth, findings)
    assert _rule(result, "DL-OVERDUE")["precision"] == 1.0 and _rule(result, "DL-OVERDUE")["recall"] == 1.0
    idle = _rule(result, "DL-IDLE")
    assert idle["precision"] == 0.0 and idle["recall"] is None
    assert [f["finding_key"] for f in idle["false_alarms"]] == ["DL-IDLE:T1"]
    # The family view still counts both as right: same family, same ticket.
    delay = next(row for row in result["families"] if row["family"] == "delay")
    assert delay["precision"] == 1.0


def test_recall_per_rule_counts_the_truth_items_of_its_kinds_that_a_finding_matched():
    truth = [_truth("return_rejected", "buck_passing", t) for t in ("T1", "T2", "T3", "T4")]
    findings = [_finding("BP-REJECTED", "buck_passing", "T1"), _finding("BP-REJECTED", "buck_passing", "T2"),
                _finding("BP-REJECTED", "buck_passing", "T3"), _finding("BP-REJECTED", "buck_passing", "T9")]
    row = _rule(evaluate(truth, findings), "BP-REJECTED")
    assert (row["truth"], row["found"], row["findings"], row["correct"]) == (4, 3, 4, 3)
    assert row["precision"] == 0.75 and row["recall"] == 0.75 and abs(row["f1"] - 0.75) < 1e-9
    assert [m["ticket_ids"] for m in row["misses"]] == [["T4"]]
    assert [f["ticket_ids"] for f in row["false_alarms"]] == [["T9"]]


def test_a_rule_that_never_fires_on_its_kind_has_zero_recall_and_no_precision():
    row = _rule(evaluate([_truth("instant_closure", "false_closure", "T1")], []), "FC-INSTANT")
    assert row["recall"] == 0.0 and row["precision"] is None and row["findings"] == 0


def test_agent_findings_match_truth_items_by_agent():
    truth = [_truth("zombie_agent", "unreachable_service", agent="A1")]
    findings = [_finding("US-AWAY", "unreachable_service", agent="A1"),
                _finding("US-FAKE-BUSY", "unreachable_service", agent="A2")]
    result = evaluate(truth, findings)
    assert _rule(result, "US-AWAY")["precision"] == 1.0 and _rule(result, "US-AWAY")["recall"] == 1.0
    assert _rule(result, "US-FAKE-BUSY")["precision"] == 0.0 and _rule(result, "US-FAKE-BUSY")["recall"] == 0.0


def test_truth_without_a_kind_supports_precision_of_its_family_rules_but_no_recall():
    truth = [{"family": "buck_passing", "ticket_ids": ["T1"]}]
    row = _rule(evaluate(truth, [_finding("BP-RETURNS", "buck_passing", "T1")]), "BP-RETURNS")
    assert row["precision"] == 1.0 and row["recall"] is None


def test_every_kind_maps_to_rules_and_the_table_lists_each_rule():
    assert all(KIND_RULES.values())
    result = evaluate([_truth("overdue", "delay", "T1")], [_finding("DL-OVERDUE", "delay", "T1")])
    table = format_table(result)
    assert "DL-OVERDUE" in table and "delay" in table and "1.000" in table


def test_the_evaluate_command_writes_per_rule_figures_and_lists_as_json(tmp_path):
    truth, findings, report = tmp_path / "truth.jsonl", tmp_path / "findings.jsonl", tmp_path / "e.json"
    truth.write_text("\n".join(json.dumps(x) for x in [_truth("overdue", "delay", "T1"),
                                                        _truth("overdue", "delay", "T2")]), encoding="utf-8")
    findings.write_text(json.dumps(_finding("DL-OVERDUE", "delay", "T1")), encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "--truth", str(truth), "--findings", str(findings),
                                       "--json", str(report)])
    assert result.exit_code == 0, result.output
    assert "DL-OVERDUE" in result.output and "misses" in result.output
    row = next(r for r in json.loads(report.read_text(encoding="utf-8"))["rules"] if r["rule_id"] == "DL-OVERDUE")
    assert row["recall"] == 0.5 and row["precision"] == 1.0 and row["misses"][0]["ticket_ids"] == ["T2"]
