"""Findings and metrics to Excel (.xlsx) for supervisors: one sheet of findings (Chinese headers, one row
each), a summary by family and severity, and an optional metrics sheet."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from rexian.domain.vocabulary import FAMILIES as FAMILY_NAMES
from rexian.domain.vocabulary import FINDING_STATUSES as STATUS_NAMES
from rexian.domain.vocabulary import SEVERITIES as SEVERITY_NAMES

from rexian.domain.safe_cells import neutralise, neutralise_row

COLUMNS = (("finding_key", "发现编号"), ("rule_id", "规则"), ("family", "问题类别"), ("severity", "严重程度"),
           ("ticket_ids", "涉及工单"), ("unit_id", "责任单位"), ("person_id", "责任人"), ("agent_id", "坐席"),
           ("evidence", "证据摘要"), ("detected_at", "发现时间"), ("status", "状态"))


def read_findings(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8-sig") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _evidence(evidence: Any) -> str:
    if not isinstance(evidence, dict):
        return "" if evidence is None else str(evidence)
    parts = []
    if evidence.get("texts"):
        parts.append("；".join(str(text) for text in evidence["texts"]))
    if evidence.get("values"):
        parts.append("数值：" + json.dumps(evidence["values"], ensure_ascii=False))
    if evidence.get("thresholds"):
        parts.append("阈值：" + json.dumps(evidence["thresholds"], ensure_ascii=False))
    if evidence.get("events"):
        parts.append("事件：" + "、".join(f"{e.get('ticket_id')}#{e.get('seq')}" for e in evidence["events"]))
    return "\n".join(parts)


def _cell(name: str, finding: dict[str, Any]) -> Any:
    value = finding.get(name)
    if name == "family":
        return FAMILY_NAMES.get(value, value)
    if name == "severity":
        return SEVERITY_NAMES.get(value, value)
    if name == "status":
        return STATUS_NAMES.get(value, value)
    if name == "ticket_ids":
        return "、".join(value or [])
    if name == "evidence":
        return _evidence(value)
    return value


def write_findings_workbook(findings: Iterable[dict[str, Any]], path: str | Path,
                            metrics: dict[str, Any] | None = None) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    findings = list(findings)
    book = Workbook()
    sheet = book.active
    sheet.title = "问题线索"
    sheet.append([title for _, title in COLUMNS])
    for finding in findings:
        sheet.append([neutralise(_cell(name, finding)) for name, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        row[8].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJK", (28, 16, 12, 8, 30, 14, 12, 10, 60, 20, 10)):
        sheet.column_dimensions[letter].width = width
    summary = book.create_sheet("分类统计")
    summary.append(["问题类别", *SEVERITY_NAMES.values(), "合计"])
    counts = Counter((f.get("family"), f.get("severity")) for f in findings)
    for family in sorted({f.get("family") for f in findings}, key=str):
        row = [counts[(family, level)] for level in SEVERITY_NAMES]
        summary.append([neutralise(FAMILY_NAMES.get(family, family)), *row, sum(row)])
    if metrics:
        sheet = book.create_sheet("指标")
        sheet.append(["指标", "数值"])
        for name, value in metrics.items():
            sheet.append(neutralise_row([name, value if isinstance(value, (int, float, str))
                                         else json.dumps(value, ensure_ascii=False)]))
    book.save(path)
    return len(findings)
