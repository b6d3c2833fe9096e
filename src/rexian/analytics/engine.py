"""Running the rules over prepared tables and turning their rows into findings."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Iterable

from rexian.analytics.config import rule_params
from rexian.analytics.registry import Finding, Rule, all_rules, rows_to_findings
from rexian.analytics.tables import Data
from rexian.analytics.text_port import TextPort, default_text_port, remembering


def applicable(rule_def: Rule, data: Data) -> bool:
    """A rule runs only when the tables it needs are present (calls and agent_status are optional)."""
    return all(data.has(name) for name in rule_def.needs)


def run_rule(rule_def: Rule, data: Data, config: dict[str, Any], text: TextPort | None = None,
             detected_at: datetime | None = None) -> list[Finding]:
    params = rule_params(config, rule_def.rule_id)
    if params.pop("enabled", True) is False or not applicable(rule_def, data):
        return []
    if rule_def.kind == "text":
        frame = rule_def.func(data, params, text or default_text_port())
    else:
        frame = rule_def.func(data, params).execute()
    rows = frame.to_dict("records") if frame is not None else []
    return rows_to_findings(rule_def, rows, params, detected_at or data.as_of)


def run_rules(data: Data, config: dict[str, Any], text: TextPort | None = None,
              only: Iterable[str] | None = None,
              progress: Callable[[str], None] | None = None) -> list[Finding]:
    """All enabled rules (or those in `only`), in registry order; findings deduplicated by key."""
    rules = all_rules()
    wanted = list(only) if only else list(rules)
    # One text port for the run, remembering its answers: the rules over words share most of their texts.
    # Unbounded: one answer per distinct text of this log, dropped with the run.
    text = remembering(text or default_text_port(), size=None)
    findings: dict[str, Finding] = {}
    for rule_id in wanted:
        for finding in run_rule(rules[rule_id], data, config, text):
            findings.setdefault(finding.finding_key, finding)
        if progress:
            progress(rule_id)
    return list(findings.values())
