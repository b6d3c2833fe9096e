"""Findings and metrics exported to Excel for supervisors."""

import json

from click.testing import CliRunner
from openpyxl import load_workbook

from rexian.cli import main

FINDINGS = [
    {"finding_key": "BP-RETURNS:GD001", "rule_id": "BP-RETURNS", "family": "buck_passing", "severity": "high",
     "ticket_ids": ["GD001", "GD007"], "unit_id": "D06", "person_id": None, "agent_id": None,
     "evidence": {"events": [{"ticket_id": "GD001", "seq": 3}], "texts": ["非本单位职责"], "values": {"returns": 3},
                  "thresholds": {"returns": 2}}, "detected_at": "2025-01-07 08:00:00", "status": "new"},
    {"finding_key": "UR-ABANDON:A01", "rule_id": "UR-ABANDON", "family": "unreachable_service", "severity": "low",
     "ticket_ids": [], "agent_id": "A01", "evidence": {"values": {"abandon_rate": 0.31}},
     "detected_at": "2025-01-07 08:00:00", "status": "confirmed"},
]


def test_findings_and_metrics_become_a_workbook_with_chinese_headers(tmp_path):
    findings = tmp_path / "findings.jsonl"
    findings.write_text("\n".join(json.dumps(f, ensure_ascii=False) for f in FINDINGS), encoding="utf-8")
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps({"按期办结率": 0.93, "回访满意率": 0.88}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "report.xlsx"
    result = CliRunner().invoke(main, ["export-findings", str(findings), "--out", str(out), "--metrics", str(metrics)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    rows = list(book["问题线索"].iter_rows(values_only=True))
    assert rows[0][:4] == ("发现编号", "规则", "问题类别", "严重程度")
    assert rows[1][2:5] == ("推诿扯皮", "高", "GD001、GD007") and "非本单位职责" in rows[1][8]
    assert rows[2][7] == "A01" and rows[2][10] == "已确认"
    summary = {row[0]: row[1:] for row in book["分类统计"].iter_rows(min_row=2, values_only=True)}
    assert summary["推诿扯皮"] == (1, 0, 0, 1) and summary["热线/渠道僵尸化"] == (0, 0, 1, 1)
    assert dict(book["指标"].iter_rows(min_row=2, values_only=True))["按期办结率"] == 0.93
