"""Writing an analysis: findings.jsonl, metrics.csv/.json, risk tables, the workbook and the report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rexian.analytics.json_text import dumps, indented_records
from rexian.analytics.registry import Finding
from rexian.domain.safe_cells import FORMULA_STARTS, neutralise


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


def person_names(events: pd.DataFrame | None, roster: Any = None, people: Any = None) -> dict[str, str]:
    """Person id → name from events in a DataFrame (`records.person_names`: the organisation's people, else a staff
    roster, else the name most of a person's events carry beside the code — payload `actor_name`, an export
    writing 王芳（0101）, docs/importing.md). Nobody else is named (the id is shown alone)."""
    from rexian.domain.records import person_names as merged, written_names

    written = written_names(zip(events["actor_id"], events["payload"])) \
        if events is not None and {"actor_id", "payload"} <= set(events.columns) else {}
    return merged(written, roster, people)


# The events' written names grouped in the engine (DuckDB or Spark SQL alike, over the raw events every run
# prepares): only the rows that may carry a name are parsed, and only the groups come back.
_WRITTEN_NAMES_SQL = ("SELECT actor_id, {extract}(CAST(payload AS {text}), '$.actor_name') AS name, count(*) AS n "
                      "FROM raw_events WHERE actor_id IS NOT NULL AND payload LIKE '%\"actor_name\"%' GROUP BY 1, 2")


def names_in(data: Any, roster: Any = None, people: Any = None) -> dict[str, str]:
    """Person id → name for an analysis run's prepared tables (`tables.Data` on DuckDB, `SparkData` on Spark):
    the one map every `analyze` output names people by — report.html, analysis.xlsx, risk_person.csv and the
    `person_name` beside the `person_id` in the findings files (`finding_record`). The rule is
    `records.person_names` (people table, roster, then the events' written names)."""
    from rexian.domain.records import counted_names, person_names as merged

    if getattr(type(data), "spark", None) is not None:  # SparkData: the same query in Spark SQL
        rows = [tuple(row) for row in data.spark.sql(
            _WRITTEN_NAMES_SQL.format(extract="get_json_object", text="STRING")).collect()]
    else:
        rows = data.raw.execute(_WRITTEN_NAMES_SQL.format(extract="json_extract_string", text="VARCHAR")).fetchall()
    return merged(counted_names(rows), roster, people)


def finding_record(finding: Finding, names: dict[str, str]) -> dict[str, Any]:
    """A finding as the findings files write it: its fields, and beside the `person_id` the scorers and
    `rexian findings load` key on, the person's name (`person_name`) where something names them."""
    name = names.get(finding.person_id) if finding.person_id else None
    record: dict[str, Any] = {}
    for key, value in finding.as_dict().items():
        record[key] = value
        if key == "person_id" and name:
            record["person_name"] = name
    return record


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
            handle.write(dumps(finding_record(finding, analysis.names)) + "\n")
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
    return frame.apply(lambda column: column.map(neutralised)
                       if column.dtype == object or pd.api.types.is_string_dtype(column.dtype) else column)


_MAY_NEED_PREFIX = frozenset(FORMULA_STARTS + ("'",))


def neutralised(value: Any) -> Any:
    """`safe_cells.neutralise(value)`, a text's first character looked at first: nearly every cell of an
    analysis starts with none of the characters `neutralise` looks for (the CSV files and the workbook guard
    hundreds of thousands of cells of a small log)."""
    if value.__class__ is str:
        return neutralise(value) if value[:1] in _MAY_NEED_PREFIX else value
    return neutralise(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(frame.to_json(orient="records", force_ascii=False))
