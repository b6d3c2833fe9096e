"""An export that writes people as staff numbers (工号) only, with a staff roster beside it: the analysis
reports name the person beside the number the findings key on, whether the export is analysed through its
mapping or after `rexian import`."""

import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from rexian.cli import main
from tests.importing.conftest import write_csv
from tests.importing.test_cannot_judge import CALL_HEADER, CALLS, COLUMNS, HEADER, visited

ROSTER = {"files": "*人员*", "columns": {"person_id": "工号", "name": "姓名", "unit_id": "单位"}}


def export(tmp_path, roster_rows):
    rows = [[cell.replace("回访员周丽", "1023") for cell in row] for t, d in (("GD1", 3), ("GD2", 6))
            for row in visited(t, d)]
    files = [write_csv(tmp_path / "流转记录.csv", HEADER, rows, encoding="gbk"),
             write_csv(tmp_path / "话务记录.csv", CALL_HEADER,
                       [["C1", "2001", "2025-01-04 13:55", "2025-01-04 13:55", "GD1", "呼出"]], encoding="gbk")]
    mapping = {"source": "cityX", "columns": COLUMNS, "calls": CALLS}
    if roster_rows is not None:
        files.append(write_csv(tmp_path / "人员表.csv", ["工号", "姓名", "单位"], roster_rows, encoding="gbk"))
        mapping["roster"] = ROSTER
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return [str(f) for f in files]


def who_is_named(out):
    html = (out / "report.html").read_text(encoding="utf-8")
    sheet = load_workbook(out / "analysis.xlsx", read_only=True)["问题线索"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("责任人")
    return html, [row[column] for row in rows[1:] if row[1] == "MS-VISIT-NO-CALL"]


def test_the_reports_name_a_staff_number_from_the_roster_the_export_carries(tmp_path):
    files = export(tmp_path, [["1023", "周丽", "市热线中心"], ["2001", "王强", "市热线中心"]])
    result = CliRunner().invoke(main, ["analyze", *files, "--mapping", str(tmp_path / "m.yaml"),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    html, named = who_is_named(tmp_path / "out")
    assert named == ["周丽（1023）"] and "周丽（1023）" in html
    findings = (tmp_path / "out" / "findings.jsonl").read_text(encoding="utf-8")
    assert '"person_id": "1023"' in findings  # the findings keep the number the events carry


def test_without_a_roster_the_reports_show_the_staff_number_as_the_export_wrote_it(tmp_path):
    files = export(tmp_path, None)
    result = CliRunner().invoke(main, ["analyze", *files, "--mapping", str(tmp_path / "m.yaml"),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    html, named = who_is_named(tmp_path / "out")
    assert named == ["1023"] and "周丽" not in html
