"""The Excel workbook of an analysis (openpyxl): overview, findings, risk ratings, metrics.

Written in openpyxl's write-only mode: rows stream to the file instead of being held as cell objects,
about twice as fast and in a fraction of the memory on tens of thousands of findings and metrics."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from rexian.analytics.registry import FAMILY_NAMES_ZH, SEVERITY_ZH, all_rules
from rexian.domain.safe_cells import neutralise

SCOPE_ZH = {"ticket": "工单", "unit": "单位", "person": "个人"}


def write_workbook(analysis, path: Path) -> Path:
    rules = all_rules()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("概览")
    _rows(sheet, ["项目", "值"], [[k, v if not isinstance(v, (dict, list)) else json.dumps(v, ensure_ascii=False)]
                                  for k, v in analysis.summary.items()])
    sheet = book.create_sheet("问题线索")
    header = ["线索编号", "规则", "规则名称", "问题类型", "严重程度", "工单", "话务员", "责任单位", "责任人", "证据事件",
              "文本摘录", "计算值", "阈值", "状态"]
    rows = []
    for f in sorted(analysis.findings, key=lambda f: (f.family, f.rule_id, f.finding_key)):
        ev = f.evidence
        rows.append([
            f.finding_key, f.rule_id, rules[f.rule_id].name_zh if f.rule_id in rules else "",
            FAMILY_NAMES_ZH.get(f.family, f.family), SEVERITY_ZH.get(f.severity, f.severity), ",".join(f.ticket_ids),
            f.agent_id or "", f.unit_id or "", f.person_id or "",
            ",".join(f"{e['ticket_id']}#{e['seq']}" for e in ev["events"]),
            " | ".join(ev["texts"]), json.dumps(ev["values"], ensure_ascii=False),
            json.dumps(ev["thresholds"], ensure_ascii=False), f.status,
        ])
    _rows(sheet, header, rows)
    for scope, frame in analysis.risk.items():
        sheet = book.create_sheet(f"风险-{SCOPE_ZH[scope]}")
        _rows(sheet, [SCOPE_ZH[scope], "风险分", "等级", "线索数", "构成"],
              frame[["subject", "score", "level", "findings", "explanation"]].values.tolist())
    sheet = book.create_sheet("指标")
    m = analysis.metrics
    _rows(sheet, ["范围", "对象", "期间", "指标", "值", "分子", "分母", "计算公式"],
          m[["scope", "scope_id", "period", "metric", "value", "numerator", "denominator", "formula"]].values.tolist())
    book.save(path)
    return path


def _rows(sheet, header, rows) -> None:
    """Header in bold and frozen, then the rows; each column as wide as its header or its first 200 cells
    (at most 60). A write-only sheet takes its layout before its first row."""
    values = [[None if _nan(v) else neutralise(v) for v in row] for row in rows]
    for index, title in enumerate(header):
        width = max([len(str(title)) * 2] + [min(len(str((row[index] if index < len(row) else "") or "")), 60)
                                             for row in values[:199]])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(width, 8), 60)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_bold(sheet, title, bold) for title in header])
    for row in values:
        sheet.append(row)


def _bold(sheet, value, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def _nan(value) -> bool:
    return isinstance(value, float) and value != value
