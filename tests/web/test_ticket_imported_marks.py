"""The ticket page tells an imported ticket and its imported steps (「导入」, with the source, the import batch and
its file) from the workflow's own doing, also when the export came from another Rexian (source `rexian`); the list's
Excel export names categories in Chinese."""

import re

import pytest

from rexian.domain import commands as c
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_database
from tests.importing.conftest import FLOW_HEADER, FLOW_MAPPING, write_csv

ONE_LIFE = [
    ["GD009", "03/01/2025 09:00", "受理", "A01", "C00", "", "", "市民丙", "噪音"],
    ["GD009", "03/01/2025 09:30", "派单", "D01", "C00", "D02", "", "市民丙", "噪音"],
    ["GD009", "03/01/2025 10:00", "签收", "H0201", "D02", "", "", "市民丙", "噪音"],
]


@pytest.mark.parametrize("source", ["oldsys", "rexian"])
def test_an_imported_tickets_page_marks_its_steps_imported_with_source_batch_and_file(source, hotline, client_for,
                                                                                      tmp_path):
    path = write_csv(tmp_path / "flows_2025.csv", FLOW_HEADER, ONE_LIFE)
    report = import_to_database(hotline.engine, [path], mapping_from_dict({**FLOW_MAPPING, "source": source}))
    assert report.tickets_added == 1
    page = client_for("R01").get("/tickets/GD009").text
    banner = re.search(r'id="imported">(.*?)</div>', page, re.S).group(1)
    named = {"oldsys": "oldsys", "rexian": "本系统格式的导出"}[source]  # another platform by its mapping's name
    assert "导入" in banner and f"来源：{named}" in banner and "flows_2025.csv" in banner and "第 1 批" in banner
    assert page.count('<span class="mark imported"') == 3  # each of the three steps
    api = client_for("R01").get("/api/v1/tickets/GD009").json()
    assert [e["imported"] for e in api["events"]] == [source] * 3 and api["imported"]["source"] == source


def test_a_ticket_born_in_the_workflow_carries_no_import_mark(hotline, client_for):
    tid = hotline.handle(c.Intake(actor_id="A01", content="小区门口路灯坏了一个月", category="0202")).ticket_id
    page = client_for("R01").get(f"/tickets/{tid}").text
    assert 'id="imported"' not in page and 'class="mark imported"' not in page
    assert client_for("R01").get(f"/api/v1/tickets/{tid}").json()["imported"] is None


def test_the_excel_export_names_each_category_in_chinese_beside_its_code(hotline, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    hotline.handle(c.Intake(actor_id="A01", content="楼上装修每天早上七点就开始电钻", category="0202"))
    book = load_workbook(BytesIO(client_for("R01").get("/tickets/export.xlsx").content))
    header, *rows = book.active.iter_rows(values_only=True)
    row = dict(zip(header, rows[0]))
    assert row["分类"] == "噪声扰民" and row["分类代码"] == "0202"
