"""The Excel workbook of an analysis: overview, findings, risk ratings, metrics.

Written by `xlsx_writer` (the sheet XML joined as text), not openpyxl: on tens of thousands of findings and
metrics openpyxl's per-cell objects took a third of a small log's analysis (docs/speed.md)."""

from __future__ import annotations

from pathlib import Path

from rexian.analytics.json_text import dumps
from rexian.analytics.outputs import neutralised
from rexian.analytics.registry import FAMILY_NAMES_ZH, SEVERITY_ZH, all_rules
from rexian.analytics.xlsx_writer import Sheet, write_xlsx

SCOPE_ZH = {"ticket": "工单", "unit": "单位", "person": "个人"}


def write_workbook(analysis, path: Path) -> Path:
    rules = all_rules()
    sheets = [_sheet("概览", ["项目", "值"], [[k, v if not isinstance(v, (dict, list)) else dumps(v)]
                                  for k, v in analysis.summary.items()])]
    header = ["线索编号", "规则", "规则名称", "问题类型", "严重程度", "工单", "话务员", "责任单位", "责任人", "证据事件",
              "文本摘录", "计算值", "阈值", "状态"]
    rows = []
    thresholds: dict[int, str] = {}  # a rule's findings share one thresholds dict: written out once
    for f in sorted(analysis.findings, key=lambda f: (f.family, f.rule_id, f.finding_key)):
        ev = f.evidence
        if id(ev["thresholds"]) not in thresholds:
            thresholds[id(ev["thresholds"])] = dumps(ev["thresholds"])
        rows.append([
            f.finding_key, f.rule_id, rules[f.rule_id].name_zh if f.rule_id in rules else "",
            FAMILY_NAMES_ZH.get(f.family, f.family), SEVERITY_ZH.get(f.severity, f.severity), ",".join(f.ticket_ids),
            analysis.person_label(f.agent_id), f.unit_id or "", analysis.person_label(f.person_id),
            ",".join(f"{e['ticket_id']}#{e['seq']}" for e in ev["events"]),
            " | ".join(ev["texts"]), dumps(ev["values"]),
            thresholds[id(ev["thresholds"])], f.status,
        ])
    sheets.append(_sheet("问题线索", header, rows))
    for scope, frame in analysis.risk.items():
        rows = frame[["subject", "score", "level", "findings", "explanation"]].values.tolist()
        if scope == "person":  # a person by name and id, as the findings sheet shows them
            rows = [[analysis.person_label(row[0]), *row[1:]] for row in rows]
        sheets.append(_sheet(f"风险-{SCOPE_ZH[scope]}", [SCOPE_ZH[scope], "风险分", "等级", "线索数", "构成"], rows))
    m = analysis.metrics
    sheets.append(_sheet("指标", ["范围", "对象", "期间", "指标", "值", "分子", "分母", "计算公式"],
                         m[["scope", "scope_id", "period", "metric", "value", "numerator", "denominator",
                            "formula"]].values.tolist()))
    return write_xlsx(path, sheets)


def _sheet(title, header, rows) -> Sheet:
    """Header in bold and frozen, then the rows, each cell guarded (`_safe`, applied by the writer: once per
    distinct text); each column as wide as its header or its first 200 cells (at most 60)."""
    first = [[_safe(v) for v in row] for row in rows[:199]]
    widths = [min(max(max([len(str(name)) * 2] + [min(len(str((row[index] if index < len(row) else "") or "")), 60)
                                                  for row in first]), 8), 60)
              for index, name in enumerate(header)]
    return Sheet(title, header, rows, widths, value=_safe)


def _safe(value):
    """A cell as written: NaN empty, a text that could be read as a formula neutralised (`outputs.neutralised`)."""
    if value.__class__ is int or value is None:
        return value
    return None if isinstance(value, float) and value != value else neutralised(value)
