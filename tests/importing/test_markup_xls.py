"""".xls" exports that are really an HTML table or an XML Spreadsheet 2003 (as many government systems write
them) read like the binary ones: the same rows, header search and mapping."""

from html import escape

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.markup_sheets import markup_kind
from rexian.importing.pipeline import build
from rexian.importing.readers import read_rows
from rexian.importing.rejects import RejectLog

from .conftest import FLOW_HEADER, FLOW_MAPPING, FLOW_ROWS, write_csv


def html_export(path, header, rows):
    """A title row, a two-row header whose first cells span both rows and whose last two share a group."""
    first = "".join(f'<th rowspan="2">{escape(name)}</th>' for name in header[:-2])
    groups = '<th colspan="2">来电信息</th>'
    second = "".join(f"<th>{escape(name)}</th>" for name in header[-2:])
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    path.write_text(f'<html><head><meta charset="utf-8"></head><body><table border="1">'
                    f'<tr><td colspan="{len(header)}">XX市12345政务服务便民热线工单流转明细</td></tr>'
                    f"<tr>{first}{groups}</tr><tr>{second}</tr>{body}</table></body></html>", encoding="utf-8")
    return path


def xmlss_export(path, header, rows):
    def cells(values):
        return "".join(f'<Cell><Data ss:Type="String">{escape(v)}</Data></Cell>' for v in values)

    title = (f'<Row><Cell ss:MergeAcross="{len(header) - 1}"><Data ss:Type="String">XX市12345热线工单导出'
             '</Data></Cell></Row>')  # a merged title row above the header
    sheet = title + "".join(f"<Row>{cells(row)}</Row>" for row in [header, *rows])
    path.write_text('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
                    'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
                    '<Worksheet ss:Name="说明"><Table><Row><Cell><Data ss:Type="String">导出说明</Data></Cell></Row>'
                    '</Table></Worksheet>'
                    f'<Worksheet ss:Name="流转记录"><Table>{sheet}</Table></Worksheet></Workbook>', encoding="utf-8")
    return path


def test_an_html_table_named_xls_imports_like_the_csv_with_its_merged_header(tmp_path):
    path = html_export(tmp_path / "流转明细.xls", FLOW_HEADER, FLOW_ROWS)
    assert markup_kind(path) == "html"
    from_html = build([path], mapping_from_dict(FLOW_MAPPING))
    from_csv = build([write_csv(tmp_path / "flow.csv", FLOW_HEADER, FLOW_ROWS)], mapping_from_dict(FLOW_MAPPING))
    assert from_html.rows_in == from_html.rows_imported == len(FLOW_ROWS) and not from_html.rejects.rejects
    assert {k: v.intake for k, v in from_html.histories.items()} == {k: v.intake for k, v in from_csv.histories.items()}


def test_an_xml_spreadsheet_named_xls_reads_the_sheet_the_mapping_names(tmp_path):
    path = xmlss_export(tmp_path / "工单导出.xls", FLOW_HEADER, FLOW_ROWS)
    assert markup_kind(path) == "xmlss"
    report = build([path], mapping_from_dict({**FLOW_MAPPING, "sheet": "流转记录"}))
    assert report.rows_imported == len(FLOW_ROWS) and set(report.histories) == {"GD001", "GD002"}


def test_a_typed_xml_spreadsheet_keeps_dates_numbers_and_placed_cells(tmp_path):
    path = tmp_path / "x.xls"
    path.write_text('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
                    'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table>'
                    '<Row><Cell><Data ss:Type="String">编号</Data></Cell><Cell><Data ss:Type="String">时间</Data></Cell>'
                    '<Cell><Data ss:Type="String">次数</Data></Cell></Row>'
                    '<Row><Cell><Data ss:Type="String">GD9</Data></Cell>'
                    '<Cell ss:Index="3"><Data ss:Type="Number">2</Data></Cell></Row>'
                    '<Row><Cell><Data ss:Type="String">GD8</Data></Cell>'
                    '<Cell><Data ss:Type="DateTime">2026-03-05T09:14:00.000</Data></Cell></Row>'
                    '</Table></Worksheet></Workbook>', encoding="utf-8")
    columns = {"ticket_id": "编号", "at": "时间", "action": "次数"}
    mapping = mapping_from_dict({**FLOW_MAPPING, "format": "xls", "columns": columns})
    rows = [row.values for row in read_rows(path, mapping, RejectLog())]
    assert rows[0] == {"编号": "GD9", "时间": None, "次数": 2}
    assert str(rows[1]["时间"]) == "2026-03-05 09:14:00"


def test_an_html_file_with_no_table_is_a_file_problem_not_a_traceback(tmp_path):
    path = tmp_path / "empty.xls"
    path.write_text("<html><body><p>无数据</p></body></html>", encoding="utf-8")
    rejects = RejectLog()
    assert list(read_rows(path, mapping_from_dict({**FLOW_MAPPING, "format": "xls"}), rejects)) == []
    assert rejects.failed() and "没有可读的表格" in rejects.rejects[0].reason


def test_mapping_suggest_reads_an_xml_spreadsheet_named_xls_past_its_merged_title(tmp_path):
    from rexian.importing.suggest import suggest

    suggested, notes = suggest([xmlss_export(tmp_path / "工单导出.xls", FLOW_HEADER, FLOW_ROWS)])
    assert suggested["sheet"] == "流转记录"
    assert suggested["columns"]["ticket_id"] == "工单编号" and suggested["columns"]["action"] == "操作类型"
    assert any("表头在第 2 行" in note for note in notes)


def test_a_totals_row_at_the_foot_is_noted_not_rejected_and_a_ticket_row_is_never_taken_for_one(tmp_path):
    header = ["序号", *FLOW_HEADER]
    rows = [[str(i + 1), *row] for i, row in enumerate(FLOW_ROWS)] + [["合计", "", f"共 {len(FLOW_ROWS)} 条"]]
    report = build([html_export(tmp_path / "流转明细.xls", header, rows)], mapping_from_dict(FLOW_MAPPING))
    assert not report.rejects.rejects and report.rows_imported == len(FLOW_ROWS)
    assert any("合计行" in note.reason for note in report.rejects.notes)
    mislabelled = [["合计", *FLOW_ROWS[0][:-1]]]  # 「合计」 in the first cell of a row that has a ticket number
    report = build([html_export(tmp_path / "b.xls", header, mislabelled)], mapping_from_dict(FLOW_MAPPING))
    assert report.rows_in == 1 and not any("合计行" in note.reason for note in report.rejects.notes)
