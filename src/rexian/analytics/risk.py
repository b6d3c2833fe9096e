"""Risk rating per ticket, unit and person: the sum of what each finding contributes, explained.

A finding contributes `severity_points[severity] x family_weight[family]` (rules.yaml `risk`) to each
ticket it names, to its responsible unit and to its responsible person (or agent). The level is 高 at or
above the scope's `high` threshold, 中 at or above `medium`, else 低.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Iterable

import pandas as pd

from rexian.analytics.registry import Finding

LEVEL_ZH = {"high": "高", "medium": "中", "low": "低"}
SCOPES = ("ticket", "unit", "person")


def _points(family: str, severity: str, config: dict[str, Any]) -> float:
    risk = config["risk"]
    return float(risk["severity_points"].get(severity, 0)) * float(risk["family_weight"].get(family, 1.0))


def subjects(finding: Finding, scope: str) -> list[str]:
    if scope == "ticket":
        return list(finding.ticket_ids)
    if scope == "unit":
        return [finding.unit_id] if finding.unit_id else []
    person = finding.person_id or finding.agent_id
    return [person] if person else []


def rate(findings: Iterable[Finding], config: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """One table per scope: subject, score, level (高/中/低), findings, and the explanation."""
    findings = list(findings)
    tables = {}
    for scope in SCOPES:
        counts: Counter[tuple[str, str, str, str]] = Counter()
        for finding in findings:
            for subject in subjects(finding, scope):
                counts[(subject, finding.rule_id, finding.family, finding.severity)] += 1
        tables[scope] = rate_counts([(*group, n) for group, n in counts.items()], scope, config)
    return tables


def rate_counts(groups: Iterable[tuple[str, str, str, str, int]], scope: str, config: dict[str, Any]) -> pd.DataFrame:
    """The table of one scope from counted findings: (subject, rule, family, severity, how many) — what a
    database can count without reading every finding (the desk's dashboard)."""
    points: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0, 0.0]))
    for subject, rule_id, family, severity, n in groups:
        part = points[subject][rule_id]
        part[0] += int(n)
        part[1] += int(n) * _points(family, severity, config)
    thresholds = config["risk"]["levels"][scope]
    rows = []
    for subject, by_rule in points.items():
        score = sum(points for _, points in by_rule.values())
        parts = sorted(by_rule.items(), key=lambda item: (-item[1][1], item[0]))
        rows.append({
            "subject": subject, "score": round(score, 2), "level": _level(score, thresholds),
            "findings": sum(n for n, _ in by_rule.values()),
            "explanation": "；".join(f"{rule_id}×{n}={p:g}分" for rule_id, (n, p) in parts),
            "contributions": [{"rule_id": rule_id, "count": n, "points": round(p, 2)} for rule_id, (n, p) in parts],
        })
    frame = pd.DataFrame(rows, columns=["subject", "score", "level", "findings", "explanation", "contributions"])
    return frame.sort_values(["score", "subject"], ascending=[False, True]).reset_index(drop=True)


def _level(score: float, thresholds: dict[str, float]) -> str:
    if score >= thresholds["high"]:
        return LEVEL_ZH["high"]
    if score >= thresholds["medium"]:
        return LEVEL_ZH["medium"]
    return LEVEL_ZH["low"]
