"""The monthly bulletin (通报): its numbers from the findings store, its words editable until issued, and
its Word (.docx) and Excel renderings.

Counted: findings whose matter happened in the month (`occurred_at`: the time of the triggering event, not
when a batch run detected it — a batch run over an import detects years of matters on one day) that were not
dismissed (排除的问题线索不计入通报), by family and by
responsible unit, beside the previous month's counts and the change. Typical cases: the month's confirmed
findings, highest severity first, with their evidence (the triggering events and texts) and the ticket's
title. The counts are never edited by hand (domain/clues.py `edit_bulletin`); the words are.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from rexian.adapters.database import reading
from rexian.adapters import findings_tables as ft
from rexian.adapters import tables as t
from rexian.adapters.record_store import staff_names
from rexian.analytics.registry import FAMILY_NAMES_ZH, SEVERITY_ZH, all_rules
from rexian.domain.clues import action_label
from rexian.domain.records import named
from rexian.text.masking import mask_personal_data

BULLETIN_MASKED = ("phone", "id_card", "bank_card", "address", "name")  # name: 「我叫…」, text/masking.py

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
COUNTING_RULE = ("统计口径：问题发生在当月（以触发该问题线索的事件时间为准，而非系统发现时间）且未被排除的问题线索；"
                 "环比 = 本月 − 上月。")


def month_bounds(period: str) -> tuple[datetime, datetime]:
    year, month = (int(x) for x in period.split("-"))
    start = datetime(year, month, 1)
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    return start, end


def previous_period(period: str) -> str:
    start, _ = month_bounds(period)
    prior = date(start.year - (start.month == 1), (start.month - 2) % 12 + 1, 1)
    return f"{prior:%Y-%m}"


def counts(engine: Engine, period: str, column: str) -> dict[str, int]:
    """Findings of `period` not dismissed, grouped by `column` (family or unit_id) — the bulletin's numbers."""
    start, end = month_bounds(period)
    c = ft.findings.c
    with reading(engine) as connection:
        rows = connection.execute(select(c[column], func.count()).where(
            c.occurred_at >= start, c.occurred_at < end, c.status != "dismissed").group_by(c[column])).all()
    return {(key or "(未指明)"): n for key, n in rows}


def has_data(engine: Engine, period: str) -> bool:
    """Whether `period` has data: an event of the log, or a finding that happened, in it. A month before an
    export begins has none, and its 「0」 would make every figure of the first month a rise (「较上月增加34条」) —
    it reads 「无数据」 instead."""
    start, end = month_bounds(period)
    e, c = t.events.c, ft.findings.c
    with reading(engine) as connection:
        return any(connection.execute(select(column).where(when >= start, when < end).limit(1)).first() is not None
                   for column, when in ((e.id, e["at"]), (c.finding_key, c.occurred_at)))


def months_with_findings(engine: Engine, limit: int = 12) -> list[tuple[str, int]]:
    """The latest months that have findings to report, newest first, counted as a bulletin counts them
    (happened in the month, not dismissed): a supervisor picking a month sees where the findings are."""
    from sqlalchemy import extract

    c = ft.findings.c
    year, month = extract("year", c.occurred_at), extract("month", c.occurred_at)
    with reading(engine) as connection:
        rows = connection.execute(select(year, month, func.count()).where(c.status != "dismissed",
                                                                          c.occurred_at.is_not(None))
                                  .group_by(year, month).order_by(year.desc(), month.desc()).limit(limit)).all()
    return [(f"{int(y):04d}-{int(m):02d}", n) for y, m, n in rows]


def bulletin_content(engine: Engine, period: str, issuer: str, number_prefix: str, drafted: date,
                     typical: int = 5) -> dict[str, Any]:
    previous = previous_period(period)
    with reading(engine) as connection:
        names = staff_names(connection)
        units = dict(connection.execute(select(t.units.c.unit_id, t.units.c.name)).all())
    covered = has_data(engine, previous)
    tables = {}
    for column, names in (("family", FAMILY_NAMES_ZH), ("unit_id", units)):
        now, before = counts(engine, period, column), counts(engine, previous, column)
        tables[column] = [{"code": key, "name": names.get(key, key), "count": now.get(key, 0),
                           "previous": before.get(key, 0) if covered else None,
                           "change": now.get(key, 0) - before.get(key, 0) if covered else None}
                          for key in sorted(set(now) | set(before), key=lambda k: (-now.get(k, 0), k))]
    total = sum(row["count"] for row in tables["family"])
    total_before = sum(row["previous"] for row in tables["family"]) if covered else None
    year, month = period.split("-")
    return {
        "period": period, "previous_period": previous,
        # The heading of a real 通报: who issues it, its number and issue (one a month: the month's number),
        # and its date — the drafting date until it is issued, then the issuing date (`dated`).
        "issuer": issuer, "number": f"{number_prefix}〔{year}〕{int(month)}号", "issue": f"{year}年第{int(month)}期",
        "drafted_on": drafted.isoformat(),
        "title": f"关于{year}年{int(month)}月12345热线问题线索情况的通报",
        "preface": f"{year}年{int(month)}月，监督平台共发现问题线索{total}条，{_change_words(total, total_before)}。"
                   "现将有关情况通报如下。",
        "closing": "各单位要对照问题认真整改，举一反三，切实做到接诉即办、真办实办。",
        "total": total, "previous_total": total_before, "previous_covered": covered, "counting_rule": COUNTING_RULE,
        "by_family": tables["family"], "by_unit": tables["unit_id"],
        "typical_cases": typical_cases(engine, period, typical, names),
    }


def typical_cases(engine: Engine, period: str, limit: int, names: dict[str, str]) -> list[dict[str, Any]]:
    start, end = month_bounds(period)
    c = ft.findings.c
    rules = all_rules()
    with reading(engine) as connection:
        rows = connection.execute(select(ft.findings).where(
            c.occurred_at >= start, c.occurred_at < end, c.status == "confirmed")).all()
        rows = sorted(rows, key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.occurred_at, r.finding_key))[:limit]
        cases = []
        for row in rows:
            ticket_ids = json.loads(row.ticket_ids)
            evidence = json.loads(row.evidence)
            title = connection.execute(select(t.tickets.c.title).where(t.tickets.c.ticket_id.in_(ticket_ids[:1]))
                                       ).scalar() if ticket_ids else None
            actions = _trigger_actions(connection, evidence.get("events", []))
            rule = rules.get(row.rule_id)
            cases.append({
                "finding_key": row.finding_key, "rule": rule.name_zh if rule else row.rule_id,
                "family": FAMILY_NAMES_ZH.get(row.family, row.family),
                "severity": SEVERITY_ZH.get(row.severity, row.severity),
                "unit": named(row.unit_id, names), "person": named(row.person_id, names),
                "ticket_ids": ticket_ids, "ticket_title": title or "",
                # A bulletin is published: citizens' words in it never carry their phone or ID numbers, nor
                # the house numbers of their addresses.
                "evidence": "；".join(actions + [mask_personal_data(str(text), BULLETIN_MASKED)[:80]
                                                for text in evidence.get("texts", [])[:2]]),
                "comment": row.reason or "",
                # when the matter happened (the month it is counted in) and when the system found it
                "occurred_on": f"{row.occurred_at:%Y-%m-%d}" if row.occurred_at else "",
                "detected_on": f"{row.detected_at:%Y-%m-%d}",
            })
    return cases


def _trigger_actions(connection, events: list[dict[str, Any]]) -> list[str]:
    out = []
    for ref in events[:6]:
        row = connection.execute(select(t.events.c.at, t.events.c.action).where(
            t.events.c.ticket_id == ref.get("ticket_id"), t.events.c.seq == ref.get("seq"))).first()
        if row is not None:
            out.append(f"{row.at:%Y-%m-%d %H:%M} {action_label(row.action)}")  # cases can span a new year
    return out


def dated(content: dict[str, Any], issued_at: datetime | None) -> str:
    """The date printed on the bulletin, in the Chinese form (2026年3月5日): the issuing date once issued,
    the drafting date on a draft."""
    day = issued_at.date() if issued_at else date.fromisoformat(content["drafted_on"]) \
        if content.get("drafted_on") else None
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def heading_lines(content: dict[str, Any], issued_at: datetime | None) -> dict[str, str]:
    """发文单位, 期次, 文号 and 日期 as the Word and Excel files and the page print them."""
    return {"发文单位": content.get("issuer", ""), "期次": content.get("issue", ""), "文号": content.get("number", ""),
            "日期": dated(content, issued_at) + ("" if issued_at else "（草稿日期，印发时改为印发日期）")}


# --- renderings ------------------------------------------------------------------------------------------
def render_docx(content: dict[str, Any], bulletin_id: str = "", status: str = "draft",
                issued_at: datetime | None = None) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    _chinese_font(document.styles["Normal"], "宋体", Pt(12))
    for level, size in ((1, Pt(18)), (2, Pt(14))):  # black 黑体, not Word's blue Latin theme headings
        _chinese_font(document.styles[f"Heading {level}"], "黑体", size)
    head = heading_lines(content, issued_at)
    masthead = document.add_paragraph()
    masthead.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = masthead.add_run(f"{head['发文单位']}\n通报")
    run.bold, run.font.size = True, Pt(22)
    issue = document.add_paragraph(head["期次"])
    issue.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = document.add_paragraph(head["文号"])
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = document.add_heading(content["title"], level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if status != "issued":
        document.add_paragraph("（草稿，未印发）")
    if bulletin_id:
        document.add_paragraph(f"编号：{bulletin_id}")
    document.add_paragraph(content["preface"])
    document.add_heading("一、问题线索按类别统计", level=2)
    _table(document, ["类别", "本月", "上月", "环比"],
           [[r["name"], r["count"], _previous(r["previous"]), _signed(r["change"])] for r in content["by_family"]]
           + [["合计", content["total"], _previous(content["previous_total"]), _total_change(content)]])
    document.add_heading("二、问题线索按责任单位统计", level=2)
    _table(document, ["责任单位", "本月", "上月", "环比"],
           [[r["name"], r["count"], _previous(r["previous"]), _signed(r["change"])] for r in content["by_unit"]])
    document.add_paragraph(content["counting_rule"])
    document.add_heading("三、典型案例", level=2)
    for n, case in enumerate(content["typical_cases"], 1):
        tickets = "、".join(case["ticket_ids"][:3]) + (f"等{len(case['ticket_ids'])}件" if len(case["ticket_ids"]) > 3 else "")
        document.add_paragraph(f"{n}. {_responsible(case)}：{case['rule']}（{case['family']}，"
                               f"风险{case['severity']}）。工单{tickets}"
                               f"{('“' + case['ticket_title'] + '”') if case['ticket_title'] else ''}。")
        document.add_paragraph(f"{_dates(case)}证据：{case['evidence']}")
        if case.get("comment"):
            document.add_paragraph(f"说明：{case['comment']}")
    document.add_paragraph(content["closing"])
    for line in (head["发文单位"], head["日期"]):  # the signature block (落款): issuing office and date
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _responsible(case: dict[str, Any]) -> str:
    """The unit and the person answerable, said outright when the data names no person (责任追究到个人)."""
    unit = case["unit"] or "责任单位未明确"
    return f"{unit}{case['person']}" if case["person"] else f"{unit}（责任人未明确）"


def _change_words(now: int, before: int | None) -> str:
    if before is None:
        return "上月无数据，不作环比"
    if now == before:
        return "与上月持平"
    return f"较上月{'增加' if now > before else '减少'}{abs(now - before)}条"


def _chinese_font(style, name: str, size) -> None:
    """A style's font for Chinese text too: python-docx sets only the Latin font, and Word would show the
    Chinese in its default East Asian font (and headings in the theme's blue)."""
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    style.font.name = name
    style.font.size = size
    style.font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _table(document, header: list[str], rows: list[list[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = str(value)


def render_xlsx(content: dict[str, Any], issued_at: datetime | None = None) -> bytes:
    from openpyxl import Workbook

    from rexian.domain.safe_cells import neutralise_row  # every row: titles, comments and citizens' words are text

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "按类别"
    sheet.append(neutralise_row([content["title"]]))
    sheet.append(neutralise_row(["类别", "本月", "上月", "环比"]))
    for r in content["by_family"]:
        sheet.append(neutralise_row([r["name"], r["count"], _previous(r["previous"]), r["change"]]))
    sheet.append(neutralise_row(["合计", content["total"], _previous(content["previous_total"]),
                                 _total_change(content, signed=False)]))
    units = workbook.create_sheet("按单位")
    units.append(neutralise_row(["责任单位", "单位编码", "本月", "上月", "环比"]))
    for r in content["by_unit"]:
        units.append(neutralise_row([r["name"], r["code"], r["count"], _previous(r["previous"]), r["change"]]))
    cases = workbook.create_sheet("典型案例")
    cases.append(neutralise_row(["问题线索", "规则", "类别", "风险", "责任单位", "责任人", "工单", "工单标题",
                                 "发生日期", "发现日期", "证据", "说明"]))
    for c in content["typical_cases"]:
        cases.append(neutralise_row([c["finding_key"], c["rule"], c["family"], c["severity"], c["unit"], c["person"],
                                     "、".join(c["ticket_ids"]), c["ticket_title"], c.get("occurred_on", ""),
                                     c.get("detected_on", ""), c["evidence"], c.get("comment", "")]))
    workbook.create_sheet("口径").append(neutralise_row([content["counting_rule"]]))
    about = workbook.create_sheet("通报信息", 0)  # first: what a reader of a real 通报 looks at first
    about.append(neutralise_row(["标题", content["title"]]))
    for name, value in heading_lines(content, issued_at).items():
        about.append(neutralise_row([name, value]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _dates(case: dict[str, Any]) -> str:
    """「发生于…，系统发现于…。」 of a typical case (bulletins drafted before the dates were kept have none)."""
    if not case.get("occurred_on"):
        return ""
    return f"发生于{case['occurred_on']}，系统发现于{case['detected_on']}。"


def _signed(n: int | None) -> str:
    if n is None:
        return "—"
    return f"+{n}" if n > 0 else str(n)


def _previous(n: int | None) -> int | str:
    """上月's cell: its count, or 「无数据」 when the log does not reach back into that month."""
    return "无数据" if n is None else n


def _total_change(content: dict[str, Any], signed: bool = True) -> int | str | None:
    """本月 − 上月 of the totals; none when 上月 has no data."""
    change = None if content["previous_total"] is None else content["total"] - content["previous_total"]
    return _signed(change) if signed else change
