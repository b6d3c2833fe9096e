"""The monthly bulletin: its numbers recounted from the findings store in the .docx and the Excel, its words
edited before issue, frozen after."""

import io
from datetime import datetime

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from desk.conftest import finding
from rexian.adapters import findings_tables as ft
from rexian.adapters.findings import FindingRepository
from rexian.domain.errors import NotAllowed, WrongState
from rexian.service.bulletin import render_docx, render_xlsx
from rexian.service.verify import verify_database


def _recount(engine, start, end):
    """Findings of the month not dismissed, by family, straight from the store."""
    counts = {}
    with engine.connect() as connection:
        for row in connection.execute(select(ft.findings.c.family, ft.findings.c.status, ft.findings.c.detected_at)):
            if start <= row.detected_at < end and row.status != "dismissed":
                counts[row.family] = counts.get(row.family, 0) + 1
    return counts


def test_the_bulletins_numbers_equal_the_findings_store_in_word_and_excel(desk_app):
    app, desk = desk_app
    store = FindingRepository(app.engine)
    store.upsert([finding("RX5", detected_at="2026-03-02T08:00:00"),
                  finding("RX6", rule_id="DS-UNSATISFIED", family="dissatisfaction", detected_at="2026-03-03T08:00:00"),
                  finding("RX7", detected_at="2026-02-20T08:00:00")], "batch", datetime(2026, 3, 5))
    desk.decide(["BP-RETURNS:RX5"], "dismiss", "J01", "职责争议已裁定")
    desk.decide(["BP-RETURNS:RX1", "FC-UNRESOLVED:RX4"], "confirm", "J01", "属实")
    bulletin_id = desk.draft_bulletin("J01", "2026-03")
    content = desk.bulletin(bulletin_id)["content"]

    expected = _recount(app.engine, datetime(2026, 3, 1), datetime(2026, 4, 1))
    previous = _recount(app.engine, datetime(2026, 2, 1), datetime(2026, 3, 1))
    assert {r["code"]: r["count"] for r in content["by_family"] if r["count"]} == expected
    assert {r["code"]: r["previous"] for r in content["by_family"] if r["previous"]} == previous
    assert content["total"] == sum(expected.values()) == 4

    from rexian.analytics.registry import FAMILY_NAMES_ZH
    word = Document(io.BytesIO(render_docx(content, bulletin_id)))
    family_rows = {row.cells[0].text: row.cells[1].text for row in word.tables[0].rows[1:]}
    assert family_rows.pop("合计") == "4"
    assert {name: int(n) for name, n in family_rows.items() if int(n)} == {
        FAMILY_NAMES_ZH[family]: n for family, n in expected.items()}
    assert sum(int(row.cells[1].text) for row in word.tables[1].rows[1:]) == 4
    assert "BP-RETURNS" not in word.paragraphs[0].text and any("典型案例" in p.text for p in word.paragraphs)

    sheet = load_workbook(io.BytesIO(render_xlsx(content)))["按类别"]
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows.pop("合计") == 4 and {k: v for k, v in rows.items() if v} == {
        FAMILY_NAMES_ZH[family]: n for family, n in expected.items()}
    assert [c["finding_key"] for c in content["typical_cases"]] == ["BP-RETURNS:RX1", "FC-UNRESOLVED:RX4"]


def test_a_draft_is_edited_in_words_only_then_issued_and_frozen(desk_app):
    app, desk = desk_app
    bulletin_id = desk.draft_bulletin("J01", "2026-03")
    with pytest.raises(NotAllowed):
        desk.edit_bulletin(bulletin_id, "J01", {"total": 0})
    with pytest.raises(NotAllowed):
        desk.edit_bulletin(bulletin_id, "H0201", {"title": "x"})
    desk.edit_bulletin(bulletin_id, "J01", {"preface": "三月份问题线索情况如下。"})
    desk.issue_bulletin(bulletin_id, "J01")
    with pytest.raises(WrongState):
        desk.edit_bulletin(bulletin_id, "J01", {"preface": "改"})
    shown = desk.bulletin(bulletin_id)
    assert shown["state"] == "issued" and shown["content"]["preface"] == "三月份问题线索情况如下。"
    assert [e["action"] for e in shown["events"]] == ["BulletinDrafted", "BulletinEdited", "BulletinIssued"]
    assert verify_database(app.engine).intact


def test_the_word_bulletin_sets_a_chinese_font_and_names_a_missing_responsible_person_outright(desk_app):
    from docx.oxml.ns import qn

    app, desk = desk_app
    FindingRepository(app.engine).upsert([finding("RX8", person_id=None, detected_at="2026-03-06T08:00:00")],
                                         "batch", datetime(2026, 3, 6))
    desk.decide(["BP-RETURNS:RX8"], "confirm", "J01", "属实")
    bulletin_id = desk.draft_bulletin("J01", "2026-03")
    word = Document(io.BytesIO(render_docx(desk.bulletin(bulletin_id)["content"], bulletin_id)))
    fonts = word.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    case = next(p.text for p in word.paragraphs if "RX8" in p.text)
    assert "（责任人未明确）：" in case and " ：" not in case


def test_the_issued_bulletin_carries_its_issuing_office_number_issue_and_date_and_still_the_stores_numbers(
        make_app, tmp_path):
    from rexian.bootstrap import desk_services

    app = make_app(f"sqlite:///{tmp_path / 'b.db'}", bulletin_issuer="东城区12345热线中心",
                   bulletin_number_prefix="东热督", scheduled_rules_minutes=0)
    desk = desk_services(app).desk
    desk.clock = lambda: datetime(2026, 4, 3, 9, 30)
    FindingRepository(app.engine).upsert([finding("RX1", detected_at="2026-03-02T08:00:00"),
                                          finding("RX2", rule_id="DL-OVERDUE", family="delay",
                                                  detected_at="2026-03-09T08:00:00")], "batch", datetime(2026, 3, 10))
    bulletin_id = desk.draft_bulletin("J01", "2026-03")
    draft = desk.bulletin(bulletin_id)
    draft_word = "\n".join(p.text for p in Document(io.BytesIO(render_docx(draft["content"], bulletin_id))).paragraphs)
    assert "2026年4月3日（草稿日期" in draft_word

    desk.clock = lambda: datetime(2026, 4, 7, 15, 0)
    desk.issue_bulletin(bulletin_id, "J01")
    issued = desk.bulletin(bulletin_id)
    word = Document(io.BytesIO(render_docx(issued["content"], bulletin_id, issued["state"], issued["issued_at"])))
    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs[0] == "东城区12345热线中心\n通报"  # the masthead
    assert "2026年第3期" in paragraphs and "东热督〔2026〕3号" in paragraphs
    assert paragraphs[-2:] == ["东城区12345热线中心", "2026年4月7日"]  # the signature block: office and issue date
    assert "关于2026年3月12345热线问题线索情况的通报" in paragraphs

    book = load_workbook(io.BytesIO(render_xlsx(issued["content"], issued["issued_at"])))
    about = {row[0]: row[1] for row in book["通报信息"].iter_rows(values_only=True)}
    assert about == {"标题": "关于2026年3月12345热线问题线索情况的通报", "发文单位": "东城区12345热线中心",
                     "期次": "2026年第3期", "文号": "东热督〔2026〕3号", "日期": "2026年4月7日"}
    expected = _recount(app.engine, datetime(2026, 3, 1), datetime(2026, 4, 1))
    counted = {r[0]: r[1] for r in book["按类别"].iter_rows(min_row=3, values_only=True)}
    assert counted.pop("合计") == sum(expected.values()) == 2
    from rexian.analytics.registry import FAMILY_NAMES_ZH
    assert {k: v for k, v in counted.items() if v} == {FAMILY_NAMES_ZH[f]: n for f, n in expected.items()}
    assert word.tables[0].rows[-1].cells[1].text == "2"
