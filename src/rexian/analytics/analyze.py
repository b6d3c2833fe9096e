"""One analysis run: rules, metrics and risk over prepared tables."""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable

import pandas as pd

from rexian.analytics.engine import applicable, run_rules
from rexian.analytics.metrics import compute_metrics
from rexian.analytics.outputs import Analysis
from rexian.analytics.registry import all_rules
from rexian.analytics.risk import rate
from rexian.analytics.tables import Data
from rexian.analytics.text_port import TextPort


def enabled_rules(data: Data, config: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(rules that will run, rules skipped because a table they need is missing or they are disabled)."""
    run, skipped = [], []
    for rule_id, rule_def in all_rules().items():
        on = ((config.get("rules") or {}).get(rule_id) or {}).get("enabled", True) is not False
        (run if on and applicable(rule_def, data) else skipped).append(rule_id)
    return run, skipped


def analyze(data: Data, config: dict[str, Any], text: TextPort | None = None,
            progress: Callable[[str], None] | None = None, inputs: list[str] | None = None) -> Analysis:
    run, skipped = enabled_rules(data, config)
    findings = run_rules(data, config, text, only=run, progress=progress)
    metrics = compute_metrics(data, config)
    risk = rate(findings, config)
    # In Ibis, so that the same run works on any engine's tables (DuckDB, Spark).
    span = data.ev.aggregate(events=data.ev.count(), tickets=data.ev.ticket_id.nunique(),
                             first=data.ev["at"].min(), last=data.ev["at"].max()).execute().iloc[0]
    events, tickets, first, last = span["events"], span["tickets"], _time(span["first"]), _time(span["last"])
    summary = {
        "inputs": list(inputs or []), "as_of": str(data.as_of), "events": int(events), "tickets": int(tickets),
        "first_event_at": str(first), "last_event_at": str(last), "rules_run": run, "rules_skipped": skipped,
        "findings": len(findings), "findings_by_family": dict(Counter(f.family for f in findings)),
        "findings_by_rule": dict(Counter(f.rule_id for f in findings)),
    }
    return Analysis(findings=findings, metrics=metrics, risk=risk, summary=summary)


def _time(value: Any) -> Any:
    """A timestamp as `datetime` (whose str() the summary has always shown), None when there is none."""
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") and not pd.isna(value) else value
