"""The rule registry and the one conversion from a rule's result rows to findings (docs/interchange.md).

A rule is a pure function `(data, params) -> table`. Relational rules return an Ibis expression; text
rules (which need the text port) return a pandas DataFrame. Either way the result has conventional columns:

- `ticket_id` (one ticket) or `ticket_ids` (a list), or `agent_id` for call-centre findings;
- `unit_id`, `person_id`: the responsible unit and individual;
- `seqs`: the sequence numbers of the evidence events of `ticket_id` (for `ticket_ids`, seq 1 of each);
- `subject` (optional): what the finding is about, for the stable `finding_key` (default: the ticket/agent);
- `severity` (optional): high / medium / low (default: the rule's);
- `texts` (optional): text excerpts;
- every other column is a computed value, reported in `evidence.values`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

FAMILIES = (
    "buck_passing", "false_closure", "manufactured_satisfaction", "perfunctory_reply", "forward_no_follow_up",
    "delay", "repeat_complaint", "dissatisfaction", "hostile_attitude", "graft", "improper_banquet",
    "unreachable_service",
)
FAMILY_NAMES_ZH = {
    "buck_passing": "推诿扯皮", "false_closure": "虚假办结", "manufactured_satisfaction": "被满意/数据造假",
    "perfunctory_reply": "敷衍塞责", "forward_no_follow_up": "只转办不跟踪", "delay": "久拖不办",
    "repeat_complaint": "重复投诉", "dissatisfaction": "回访不满意", "hostile_attitude": "态度恶劣",
    "graft": "吃拿卡要", "improper_banquet": "违规吃喝", "unreachable_service": "热线/渠道僵尸化",
}
SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}
CONVENTIONAL = {"ticket_id", "ticket_ids", "agent_id", "unit_id", "person_id", "seqs", "subject", "severity", "texts"}


@dataclass(frozen=True)
class Rule:
    rule_id: str
    family: str
    name_zh: str
    func: Callable[..., Any]
    kind: str = "relational"  # relational (Ibis) | text (pandas + text port)
    needs: tuple[str, ...] = ("ev",)
    severity: str = "medium"
    # Why the rule cannot run on Spark (analytics/spark_engine.py), or "" when it can; tests/spark checks it.
    not_on_spark: str = ""

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()


RULES: dict[str, Rule] = {}


def rule(rule_id: str, family: str, name_zh: str, *, kind: str = "relational", needs: tuple[str, ...] = ("ev",),
         severity: str = "medium", not_on_spark: str = ""):
    """Register a rule function under its id."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family}")

    def register(func):
        RULES[rule_id] = Rule(rule_id, family, name_zh, func, kind, needs, severity, not_on_spark)
        return func

    return register


def all_rules() -> dict[str, Rule]:
    # Importing the rule modules registers their rules.
    from rexian.analytics import (  # noqa: F401
        rules_buck_passing, rules_closure, rules_handling, rules_repeat, rules_service, rules_text,
    )

    return RULES


@dataclass
class Finding:
    finding_key: str
    rule_id: str
    family: str
    severity: str
    ticket_ids: list[str]
    agent_id: str | None
    unit_id: str | None
    person_id: str | None
    evidence: dict[str, Any]
    detected_at: str
    status: str = "new"
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "finding_key": self.finding_key, "rule_id": self.rule_id, "family": self.family,
            "severity": self.severity, "ticket_ids": self.ticket_ids, "agent_id": self.agent_id,
            "unit_id": self.unit_id, "person_id": self.person_id, "evidence": self.evidence,
            "detected_at": self.detected_at, "status": self.status,
        }


def rows_to_findings(rule_def: Rule, rows: list[dict[str, Any]], params: dict[str, Any],
                     detected_at: datetime) -> list[Finding]:
    findings: dict[str, Finding] = {}
    for row in rows:
        ticket_ids = _as_list(row.get("ticket_ids"))
        if not ticket_ids and _present(row.get("ticket_id")):
            ticket_ids = [str(row["ticket_id"])]
        ticket_ids = sorted(dict.fromkeys(str(t) for t in ticket_ids))
        agent_id = _clean(row.get("agent_id"))
        if _present(row.get("ticket_id")):
            events = [{"ticket_id": str(row["ticket_id"]), "seq": int(s)} for s in sorted({int(s) for s in _as_list(row.get("seqs")) if _present(s)})]
        else:
            events = [{"ticket_id": t, "seq": 1} for t in ticket_ids]
        subject = _clean(row.get("subject")) or (ticket_ids[0] if len(ticket_ids) == 1 else agent_id) \
            or ",".join(ticket_ids)
        key = f"{rule_def.rule_id}:{subject}"
        values = {k: _json_value(v) for k, v in row.items() if k not in CONVENTIONAL}
        texts = [str(t) for t in _as_list(row.get("texts")) if _present(t)]
        finding = Finding(
            finding_key=key, rule_id=rule_def.rule_id, family=rule_def.family,
            severity=_clean(row.get("severity")) or rule_def.severity, ticket_ids=ticket_ids, agent_id=agent_id,
            unit_id=_clean(row.get("unit_id")), person_id=_clean(row.get("person_id")),
            evidence={"events": events, "texts": texts, "values": values, "thresholds": params},
            detected_at=detected_at.isoformat(timespec="seconds"),
        )
        findings.setdefault(key, finding)
    return list(findings.values())


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return False
    except ImportError:  # pragma: no cover
        pass
    return True


def _clean(value: Any) -> str | None:
    return str(value) if _present(value) and str(value) != "" else None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return list(value)
    if hasattr(value, "tolist"):
        return list(value.tolist())
    return [value] if _present(value) else []


def _json_value(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy scalars and arrays
        return _json_value(value.tolist())
    if not _present(value):
        return None
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (bool, int, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
