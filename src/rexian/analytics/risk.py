"""Risk rating per ticket, unit and person: the sum of what each finding contributes, explained.

A finding contributes `severity_points[severity] x family_weight[family]` (rules.yaml `risk`) to each
ticket it names, to its responsible unit and to its responsible person (or agent). The level is 高 at or
above the scope's `high` threshold, 中 at or above `medium`, else 低.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

import pandas as pd

from rexian.analytics.registry import Finding

LEVEL_ZH = {"high": "高", "medium": "中", "low": "低"}
SCOPES = ("ticket", "unit", "person")


def finding_points(finding: Finding, config: dict[str, Any]) -> float:
    risk = config["risk"]
    return float(risk["severity_points"].get(finding.severity, 0)) * float(risk["family_weight"].get(finding.family, 1.0))


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
        points: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for finding in findings:
            for subject in subjects(finding, scope):
                points[subject][finding.rule_id].append(finding_points(finding, config))
        thresholds = config["risk"]["levels"][scope]
        rows = []
        for subject, by_rule in points.items():
            score = sum(sum(v) for v in by_rule.values())
            parts = sorted(by_rule.items(), key=lambda item: -sum(item[1]))
            rows.append({
                "subject": subject, "score": round(score, 2), "level": _level(score, thresholds),
                "findings": sum(len(v) for v in by_rule.values()),
                "explanation": "；".join(f"{rule_id}×{len(v)}={sum(v):g}分" for rule_id, v in parts),
                "contributions": [{"rule_id": rule_id, "count": len(v), "points": round(sum(v), 2)}
                                  for rule_id, v in parts],
            })
        frame = pd.DataFrame(rows, columns=["subject", "score", "level", "findings", "explanation", "contributions"])
        tables[scope] = frame.sort_values(["score", "subject"], ascending=[False, True]).reset_index(drop=True)
    return tables


def _level(score: float, thresholds: dict[str, float]) -> str:
    if score >= thresholds["high"]:
        return LEVEL_ZH["high"]
    if score >= thresholds["medium"]:
        return LEVEL_ZH["medium"]
    return LEVEL_ZH["low"]
