"""Findings as files partitioned by month, and reading findings from any of the forms we write.

    OUT/findings/month=YYYY-MM/part.jsonl        one finding a line, the format of findings.jsonl
    OUT/findings_parquet/month=YYYY-MM/part.parquet   the same fields; `evidence` as a JSON string

The month is the month the finding's first ticket was received (for call-centre findings: their day;
otherwise the run's `as_of`), so that a province's findings of one month sit together whichever run found
them. `rexian findings load` reads a findings.jsonl, a directory of these partitions, or Parquet files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FIELDS = ("finding_key", "rule_id", "family", "severity", "ticket_ids", "agent_id", "unit_id", "person_id",
          "evidence", "detected_at", "occurred_at", "status")  # occurred_at: absent from files written before


def month_of(finding: dict[str, Any], received: dict[str, str]) -> str:
    """YYYY-MM: the month the finding's first ticket was received (`received`: ticket id → YYYY-MM), the
    month of a call-centre finding's day, or else the month it was detected."""
    for ticket_id in finding.get("ticket_ids") or []:
        if ticket_id in received:
            return received[ticket_id]
    day = (finding.get("evidence") or {}).get("values", {}).get("day")
    if isinstance(day, str) and len(day) >= 7:
        return day[:7]
    return str(finding["detected_at"])[:7]


def write_partitioned(findings: Iterable[dict[str, Any]], out: str | Path, received: dict[str, str],
                      formats: Iterable[str] = ("jsonl", "parquet")) -> list[Path]:
    """Write the findings under OUT/findings (JSONL) and OUT/findings_parquet, one directory a month."""
    import pandas as pd

    out = Path(out)
    by_month: dict[str, list[dict[str, Any]]] = {}
    for finding in sorted(findings, key=lambda f: f["finding_key"]):
        by_month.setdefault(month_of(finding, received), []).append(finding)
    written = []
    for month, rows in sorted(by_month.items()):
        if "jsonl" in formats:
            path = out / "findings" / f"month={month}" / "part.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                for finding in rows:
                    handle.write(json.dumps(finding, ensure_ascii=False) + "\n")
            written.append(path)
        if "parquet" in formats:
            path = out / "findings_parquet" / f"month={month}" / "part.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            frame = pd.DataFrame([{**{k: f.get(k) for k in FIELDS},
                                   "evidence": json.dumps(f["evidence"], ensure_ascii=False)} for f in rows])
            frame.to_parquet(path, index=False)
            written.append(path)
    return written


def read_findings_any(path: str | Path) -> list[dict[str, Any]]:
    """Findings from a findings.jsonl, a Parquet file, or a directory holding either (searched below it,
    e.g. the month partitions); a directory with neither is an error, not an empty load."""
    path = Path(path)
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in (".jsonl", ".parquet"))
    if not files:
        raise FileNotFoundError(f"no .jsonl or .parquet findings under {path}")
    findings = []
    for file in files:
        findings += _read_parquet(file) if file.suffix == ".parquet" else _read_jsonl(file)
    for finding in findings:  # not stamped: read as a file written before the field (Parquet has no absent)
        if finding.get("occurred_at") is None:
            finding.pop("occurred_at", None)
    return findings


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _read_parquet(path: Path) -> list[dict[str, Any]]:
    import pandas as pd

    rows = []
    for record in pd.read_parquet(path).to_dict("records"):
        finding = {k: record.get(k) for k in FIELDS}
        finding["ticket_ids"] = [str(t) for t in (finding["ticket_ids"] if finding["ticket_ids"] is not None else [])]
        finding["evidence"] = json.loads(finding["evidence"])
        for key in ("agent_id", "unit_id", "person_id", "occurred_at"):
            if not isinstance(finding[key], str):
                finding[key] = None
        rows.append(finding)
    return rows
