"""Scoring findings against the simulator's ground truth (docs/interchange.md).

Two views:

- **per family**: a finding matches a truth item when the family is the same and they share a ticket
  (or, for agent findings, the agent). Precision = matching findings / findings; recall = truth items
  found / truth items.
- **per rule**: every truth item names the concrete abuse (`kind`); KIND_RULES says which rules are meant
  to detect each kind. A finding of rule R is correct when it shares a ticket (or agent) with a truth item
  whose kind maps to R (the rule's declared `truth` kinds); R's recall is the share of truth items of its kinds that some R finding matched.
  A truth item without a `kind` (truth written by other tools) supports the precision of every rule of
  its family and counts in no rule's recall. RULE_EVIDENCE lists kinds that make a rule's finding right
  without counting in its recall (unit-level rules that list example tickets).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rexian.analytics.registry import FAMILIES, all_rules


def _kind_rules() -> dict[str, tuple[str, ...]]:
    """kind of abuse (simulate/truth.py KINDS) -> the rules meant to detect it, from the rules' declarations."""
    out: dict[str, tuple[str, ...]] = {}
    for rule_id, rule_def in all_rules().items():
        for kind in rule_def.truth_kinds:
            out[kind] = out.get(kind, ()) + (rule_id,)
    return out


KIND_RULES: dict[str, tuple[str, ...]] = _kind_rules()
# rule -> further kinds whose tickets make its findings right (no recall is counted for them).
RULE_EVIDENCE: dict[str, tuple[str, ...]] = {
    rule_id: rule_def.supporting_kinds for rule_id, rule_def in all_rules().items() if rule_def.supporting_kinds}
FINDING_FIELDS = ("finding_key", "rule_id", "family", "ticket_ids", "agent_id", "unit_id", "person_id")


def _keys(item: dict[str, Any]) -> list[tuple[str, str]]:
    keys = [("t", str(ticket)) for ticket in item.get("ticket_ids") or []]
    if item.get("agent_id"):
        keys.append(("a", str(item["agent_id"])))
    return keys


def _index(items: list[dict[str, Any]], group) -> dict[tuple, list[int]]:
    index: dict[tuple, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        for g in group(item):
            for key in _keys(item):
                index[(g, *key)].append(i)
    return index


def _hits(item: dict[str, Any], groups, index) -> set[int]:
    return {i for g in groups for key in _keys(item) for i in index.get((g, *key), ())}


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _truth_rules(item: dict[str, Any], family_rules: dict[str, set[str]]) -> set[str]:
    """Rules whose findings this truth item makes right."""
    kind = item.get("kind")
    if kind is None:
        return family_rules.get(item["family"], set())
    rules = set(KIND_RULES.get(kind, ()))
    rules.update(rule for rule, kinds in RULE_EVIDENCE.items() if kind in kinds)
    return rules


def _by_family(truth, findings) -> tuple[list[dict], list[bool], list[bool]]:
    truth_index = _index(truth, lambda x: [x["family"]])
    finding_index = _index(findings, lambda x: [x["family"]])
    found = [bool(_hits(t, [t["family"]], finding_index)) for t in truth]
    correct = [bool(_hits(f, [f["family"]], truth_index)) for f in findings]
    families = [f for f in FAMILIES if any(x["family"] == f for x in truth + findings)]
    rows = []
    for family in families + ["(全部)"]:
        t_ids = [i for i, t in enumerate(truth) if family in ("(全部)", t["family"])]
        f_ids = [i for i, f in enumerate(findings) if family in ("(全部)", f["family"])]
        tp_truth, tp_findings = sum(found[i] for i in t_ids), sum(correct[i] for i in f_ids)
        precision, recall = _ratio(tp_findings, len(f_ids)), _ratio(tp_truth, len(t_ids))
        rows.append({"family": family, "truth": len(t_ids), "found": tp_truth, "findings": len(f_ids),
                     "correct": tp_findings, "precision": precision, "recall": recall,
                     "f1": _f1(precision, recall) if f_ids and t_ids else None})
    return rows, found, correct


def _by_rule(truth, findings, show: int | None) -> list[dict]:
    family_rules: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        family_rules[f["family"]].add(f.get("rule_id", "?"))
    truth_index = _index(truth, lambda x: _truth_rules(x, family_rules))
    finding_index = _index(findings, lambda x: [x.get("rule_id", "?")])
    rule_family = {f.get("rule_id", "?"): f["family"] for f in findings}
    rule_family.update({rule_id: rule_def.family for rule_id, rule_def in all_rules().items()})
    expected: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(truth):
        for rule in KIND_RULES.get(t.get("kind"), ()):
            expected[rule].append(i)
    produced: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(findings):
        produced[f.get("rule_id", "?")].append(i)
    rows = []
    for rule in sorted(set(expected) | set(produced)):
        right = [i for i in produced[rule] if _hits(findings[i], [rule], truth_index)]
        found = [i for i in expected[rule] if _hits(truth[i], [rule], finding_index)]
        precision, recall = _ratio(len(right), len(produced[rule])), _ratio(len(found), len(expected[rule]))
        wrong = sorted(set(produced[rule]) - set(right))
        missed = sorted(set(expected[rule]) - set(found))
        rows.append({
            "rule_id": rule, "family": rule_family.get(rule), "truth": len(expected[rule]), "found": len(found),
            "findings": len(produced[rule]), "correct": len(right), "precision": precision, "recall": recall,
            "f1": _f1(precision, recall),
            "misses": [truth[i] for i in missed[:show]],
            "false_alarms": [{k: findings[i].get(k) for k in FINDING_FIELDS} for i in wrong[:show]],
        })
    return rows


def evaluate(truth: list[dict[str, Any]], findings: list[dict[str, Any]], show: int | None = 200) -> dict[str, Any]:
    """Per-family and per-rule precision, recall and F1; per rule up to `show` misses and false alarms
    (all of them with `show=None`)."""
    families, found, correct = _by_family(truth, findings)
    return {
        "families": families,
        "rules": _by_rule(truth, findings, show),
        "misses": [t for t, ok in zip(truth, found) if not ok],
        "false_alarms": [{k: f.get(k) for k in FINDING_FIELDS} for f, ok in zip(findings, correct) if not ok],
    }


def _pct(x: float | None) -> str:
    return "  —  " if x is None else f"{x:5.3f}"


def format_table(result: dict[str, Any]) -> str:
    head = f"{'truth':>7}{'found':>7}{'finds':>7}{'right':>7}  {'prec':>5}  {'recall':>6}  {'F1':>5}"
    lines = [f"{'rule':<24}{'family':<27}" + head]
    for r in result["rules"]:
        lines.append(f"{r['rule_id']:<24}{r['family'] or '?':<27}{r['truth']:>7}{r['found']:>7}{r['findings']:>7}"
                     f"{r['correct']:>7}  {_pct(r['precision'])}  {_pct(r['recall']):>6}  {_pct(r['f1'])}")
    lines += ["", f"{'family':<51}" + head]
    for r in result["families"]:
        lines.append(f"{r['family']:<51}{r['truth']:>7}{r['found']:>7}{r['findings']:>7}{r['correct']:>7}  "
                     f"{_pct(r['precision'])}  {_pct(r['recall']):>6}  {_pct(r['f1'])}")
    lines.append(f"misses: {len(result['misses'])}   false alarms: {len(result['false_alarms'])}")
    return "\n".join(lines)
