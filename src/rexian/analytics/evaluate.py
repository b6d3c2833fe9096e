"""Scoring findings against the simulator's ground truth (docs/interchange.md).

A finding matches a truth item when the family is the same and they share a ticket (or, for agent
findings, the agent). Precision = matching findings / findings; recall = truth items found / truth items.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rexian.analytics.registry import FAMILIES


def _index(items: list[dict[str, Any]]):
    by_ticket: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_agent: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        for ticket in item.get("ticket_ids") or []:
            by_ticket[(item["family"], str(ticket))].append(i)
        if item.get("agent_id"):
            by_agent[(item["family"], str(item["agent_id"]))].append(i)
    return by_ticket, by_agent


def _matches(item: dict[str, Any], index) -> list[int]:
    by_ticket, by_agent = index
    hits = set()
    for ticket in item.get("ticket_ids") or []:
        hits.update(by_ticket.get((item["family"], str(ticket)), ()))
    if item.get("agent_id"):
        hits.update(by_agent.get((item["family"], str(item["agent_id"])), ()))
    return sorted(hits)


def evaluate(truth: list[dict[str, Any]], findings: list[dict[str, Any]]) -> dict[str, Any]:
    truth_index, finding_index = _index(truth), _index(findings)
    found = [bool(_matches(t, finding_index)) for t in truth]
    correct = [bool(_matches(f, truth_index)) for f in findings]
    families = [f for f in FAMILIES if any(x["family"] == f for x in truth + findings)]
    rows = []
    for family in families + ["(全部)"]:
        t_ids = [i for i, t in enumerate(truth) if family in ("(全部)", t["family"])]
        f_ids = [i for i, f in enumerate(findings) if family in ("(全部)", f["family"])]
        tp_truth, tp_findings = sum(found[i] for i in t_ids), sum(correct[i] for i in f_ids)
        precision = tp_findings / len(f_ids) if f_ids else None
        recall = tp_truth / len(t_ids) if t_ids else None
        f1 = (2 * precision * recall / (precision + recall)) if precision and recall else (0.0 if f_ids and t_ids else None)
        rows.append({"family": family, "truth": len(t_ids), "found": tp_truth, "findings": len(f_ids),
                     "correct": tp_findings, "precision": precision, "recall": recall, "f1": f1})
    by_rule: dict[str, list[bool]] = defaultdict(list)
    for finding, ok in zip(findings, correct):
        by_rule[finding.get("rule_id", "?")].append(ok)
    return {
        "families": rows,
        "rules": [{"rule_id": r, "findings": len(v), "precision": sum(v) / len(v)} for r, v in sorted(by_rule.items())],
        "misses": [t for t, ok in zip(truth, found) if not ok],
        "false_alarms": [{k: f.get(k) for k in ("finding_key", "rule_id", "family", "ticket_ids", "agent_id",
                                                   "unit_id", "person_id")} for f, ok in zip(findings, correct) if not ok],
    }


def format_table(result: dict[str, Any]) -> str:
    def pct(x):
        return "  —  " if x is None else f"{x:5.3f}"

    lines = [f"{'family':<28}{'truth':>7}{'found':>7}{'finds':>7}{'right':>7}  {'prec':>5}  {'recall':>6}  {'F1':>5}"]
    for r in result["families"]:
        lines.append(f"{r['family']:<28}{r['truth']:>7}{r['found']:>7}{r['findings']:>7}{r['correct']:>7}  "
                     f"{pct(r['precision'])}  {pct(r['recall']):>6}  {pct(r['f1'])}")
    lines.append(f"misses: {len(result['misses'])}   false alarms: {len(result['false_alarms'])}")
    return "\n".join(lines)
