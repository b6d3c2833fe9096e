"""Writing an analysis: findings.jsonl, metrics.csv/.json, risk tables, the workbook and the report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rexian.analytics.json_text import dumps, indented_records
from rexian.analytics.registry import Finding


@dataclass
class Analysis:
    findings: list[Finding]
    metrics: pd.DataFrame
    risk: dict[str, pd.DataFrame]
    summary: dict[str, Any]
    # Person id → name (`person_names`: a staff roster's, else the name the events carry beside the code);
    # shown in the reports beside the id, which stays what the findings and the scorers key on.
    names: dict[str, str] = field(default_factory=dict)

    def person_label(self, person_id: str | None) -> str:
        from rexian.domain.records import named

        return named(person_id, self.names)


def person_names(events: pd.DataFrame | None, roster: Any = None) -> dict[str, str]:
    """Person id → name, the one map every output names people by (report.html, analysis.xlsx, risk_person.csv).

    A staff roster (people written as 工号 only) is the authority; a person it does not name is named by the name
    the events carry beside the code (payload `actor_name`: an export writing 王芳（0101）, docs/importing.md) —
    the name most of their events carry, where it changed. Nobody else is named (the id is shown alone)."""
    from rexian.domain.records import roster_names, written_names

    names = written_names(zip(events["actor_id"], events["payload"])) \
        if events is not None and {"actor_id", "payload"} <= set(events.columns) else {}
    names.update(roster_names(roster))
    return names


def read_findings(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_all(analysis: Analysis, out: str | Path) -> list[Path]:
    from rexian.analytics.report_excel import write_workbook
    from rexian.analytics.report_html import write_report

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "findings.jsonl", out / "metrics.csv", out / "metrics.json"]
    with open(written[0], "w", encoding="utf-8") as handle:
        for finding in sorted(analysis.findings, key=lambda f: f.finding_key):
            handle.write(dumps(finding.as_dict()) + "\n")
    _safe(analysis.metrics).to_csv(written[1], index=False, encoding="utf-8")
    written[2].write_text(indented_records(_records(analysis.metrics)), encoding="utf-8")
    for scope, frame in analysis.risk.items():
        path = out / f"risk_{scope}.csv"
        frame = frame.drop(columns=["contributions"])
        if scope == "person":  # the name beside the id (blank where nothing names the person)
            frame.insert(1, "name", [analysis.names.get(subject, "") for subject in frame["subject"]])
        _safe(frame).to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    written.append(write_workbook(analysis, out / "analysis.xlsx"))
    written.append(write_report(analysis, out / "report.html"))
    (out / "summary.json").write_text(json.dumps(analysis.summary, ensure_ascii=False, indent=1), encoding="utf-8")
    written.append(out / "summary.json")
    return written


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells neutralised for spreadsheets (domain/safe_cells.py); numbers untouched. Text is an `object`
    column or, since pandas 3, a `str` one (which the `object` test alone let through unguarded)."""
    from rexian.domain.safe_cells import neutralise

    return frame.apply(lambda column: column.map(neutralise)
                       if column.dtype == object or pd.api.types.is_string_dtype(column.dtype) else column)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(frame.to_json(orient="records", force_ascii=False))
