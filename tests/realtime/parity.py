"""Batch findings of a database's whole log, restricted to the real-time rules, for comparison."""

from __future__ import annotations

import pandas as pd

from rexian.analytics.config import load_config
from rexian.analytics.engine import run_rules
from rexian.analytics.realtime import realtime_rule_ids
from rexian.analytics.tables import from_frames


def batch_findings(engine, config=None) -> dict[str, dict]:
    config = config or load_config()
    events = pd.read_sql_table("events", engine)
    tickets = pd.read_sql_table("tickets", engine)
    findings = run_rules(from_frames(events, tickets), config, only=realtime_rule_ids(config))
    return {f.finding_key: f.as_dict() for f in findings}


def comparable(finding: dict) -> dict:
    """What must agree between batch and real time: everything but when it was detected and its status (and
    `occurred_at`: a batch run stamps it from its tables, a real-time finding gets it as it is stored)."""
    return {k: v for k, v in finding.items() if k not in ("detected_at", "occurred_at", "status", "updated_at", "source",
                                                         "decided_by", "decided_at", "reason", "change",
                                                         "contradicted_at", "contradiction")}
