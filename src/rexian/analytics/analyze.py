"""One analysis run: rules, metrics and risk over prepared tables."""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable

import pandas as pd

from rexian.analytics.engine import CompiledRules, applicable, run_rules
from rexian.analytics.judging import cannot_judge
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


def idle_rules(data: Data, config: dict[str, Any], rule_ids: list[str]) -> list[str]:
    """Of `rule_ids`, those that cannot fire on this log: rules whose result only an event of certain actions
    can change (their real-time triggers, `triggers.triggers`) when no event of those actions is in the log
    — e.g. the return rules on an export without returns. Their result on the log is their result on an
    empty log: nothing. Running them would only cost their fixed cost (compiling, planning, executing)."""
    from rexian.analytics.triggers import triggers

    wanted = triggers(config)
    present = set(data.fetch("actions", lambda: data.ev.select("action").distinct())["action"])  # Ibis: any engine
    return [rule_id for rule_id in rule_ids if rule_id in wanted and not wanted[rule_id] & present]


def batch_findings(data: Data, config: dict[str, Any], text: TextPort | None = None,
                   progress: Callable[[str], None] | None = None, compiled: CompiledRules | None = None
                   ) -> tuple[list[Any], list[str], list[str], list[str]]:
    """The findings of every enabled rule that can fire on `data`, with the rule ids run, skipped (disabled or
    lacking a table) and idle (none of the actions they watch is in the data)."""
    run, skipped = enabled_rules(data, config)
    idle = idle_rules(data, config, run)
    for rule_id in idle:
        run.remove(rule_id)
        if progress:
            progress(rule_id)
    findings = run_rules(data, config, text, only=run, progress=progress, compiled=compiled)
    stamp_occurred(data, findings)
    return findings, run, skipped, idle


def stamp_occurred(data: Data, findings: list[Any]) -> None:
    """Set each finding's `occurred_at`: the time of the latest event its evidence cites, read from the run's
    own event table (in Ibis: any engine), so findings.jsonl says when the matter happened even for an export
    analysed without importing it. A finding citing no event of the table keeps None (the store falls back to
    a call-centre finding's day, else its detection time)."""
    refs = [(finding.finding_key, str(ref["ticket_id"]), int(ref["seq"])) for finding in findings
            for ref in finding.evidence.get("events") or []
            if ref.get("ticket_id") is not None and ref.get("seq") is not None]
    if not refs:
        return
    frame = pd.DataFrame(refs, columns=["finding_key", "ticket_id", "seq"]).astype({"seq": "int64"})
    if data.remembered is not None:
        data.register("cited_events", frame)  # what the remembered SQL reads

    def occurred():
        cited, ev = data.given("cited_events", frame), data.ev.select("ticket_id", "seq", "at")
        joined = cited.join(ev, [cited.ticket_id == ev.ticket_id, cited.seq == ev.seq])
        return joined.group_by("finding_key").aggregate(occurred_at=joined["at"].max())

    times = data.fetch("occurred", occurred)
    stamped = {key: pd.Timestamp(at).isoformat(timespec="seconds") for key, at in
               zip(times["finding_key"], times["occurred_at"]) if not pd.isna(at)}
    for finding in findings:
        finding.occurred_at = stamped.get(finding.finding_key, finding.occurred_at)


def analyze(data: Data, config: dict[str, Any], text: TextPort | None = None,
            progress: Callable[[str], None] | None = None, inputs: list[str] | None = None,
            compiled: CompiledRules | None = None) -> Analysis:
    if compiled is not None and data.remembered is None:  # (remembering tables give it their connection when made)
        compiled.remember_queries(data.con)
    findings, run, skipped, idle = batch_findings(data, config, text, progress, compiled)
    metrics = compute_metrics(data, config)
    risk = rate(findings, config)
    # In Ibis, so that the same run works on any engine's tables (DuckDB, Spark).
    span = data.fetch("span", lambda: data.ev.aggregate(
        events=data.ev.count(), tickets=data.ev.ticket_id.nunique(), first=data.ev["at"].min(),
        last=data.ev["at"].max())).iloc[0]
    events, tickets, first, last = span["events"], span["tickets"], _time(span["first"]), _time(span["last"])
    summary = {
        "inputs": list(inputs or []), "as_of": str(data.as_of), "events": int(events), "tickets": int(tickets),
        "first_event_at": str(first), "last_event_at": str(last), "rules_run": run, "rules_skipped": skipped,
        "rules_idle": idle, "rules_cannot_judge": cannot_judge(data, run),
        "findings": len(findings), "findings_by_family": dict(Counter(f.family for f in findings)),
        "findings_by_rule": dict(Counter(f.rule_id for f in findings)),
    }
    return Analysis(findings=findings, metrics=metrics, risk=risk, summary=summary)


def _time(value: Any) -> Any:
    """A timestamp as `datetime` (whose str() the summary has always shown), None when there is none."""
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") and not pd.isna(value) else value
