"""The parts of an export `mapping suggest` samples: each file, each sheet of a workbook, the records and nested
arrays of JSON pages and XML packages — with the column that names the ticket and the one that names the action."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rexian.importing.header_words import match_headers
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.readers import read_rows
from rexian.importing.rejects import RejectLog
from rexian.importing.suggest_words import HEADER_SYNONYMS
from rexian.importing.values import as_text


SAMPLE_ROWS = 2000


def sample(path: Path, sheet: str | None = None) -> tuple[list[str], list[dict[str, Any]], RejectLog]:
    mapping = mapping_from_dict({"source": "suggest", "mode": "table", "table": "units", "sheet": sheet})
    mapping.columns = {}
    rejects = RejectLog()
    rows = []
    for row in read_rows(path, mapping, rejects):
        rows.append(row.values)
        if len(rows) >= SAMPLE_ROWS:
            break
    headers = list(rows[0]) if rows else []
    return headers, rows, rejects


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook (empty for other files)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        from rexian.importing.file_limits import check_xlsx_parts

        check_xlsx_parts(path)
        book = load_workbook(path, read_only=True)
        try:
            return list(book.sheetnames)
        finally:
            book.close()
    if suffix == ".xls":
        import xlrd

        from rexian.importing.markup_sheets import markup_kind, sheet_names

        if markup_kind(path):
            return sheet_names(path)

        return list(xlrd.open_workbook(str(path), on_demand=True).sheet_names())
    return []


@dataclass
class Part:
    """One file or one sheet of the export, sampled."""

    path: Path
    sheet: str | None
    headers: list[str]
    rows: list[dict[str, Any]]
    ticket_column: str | None = None
    action_column: str | None = None
    label: str | None = None  # what the part is called when not by its file or sheet (a JSON array: visitList)
    glob: str | None = None  # the file-name pattern of its files (JSON pages: page_*.json)
    json_records: str | None = None  # JSON documents: the path to the records ("" for a list document)
    json_rows: str | None = None  # … and the nested array whose elements are this part's rows
    document_kind: str = "json"  # a document's format: its mapping key (json / xml)

    def is_ticket_sheet(self) -> bool:
        """One row per ticket and no action column: a ticket sheet (工单信息), not flow records."""
        if not self.ticket_column or self.action_column or not self.rows:
            return False
        ids = [as_text(row.get(self.ticket_column)) for row in self.rows if row.get(self.ticket_column) is not None]
        return bool(ids) and len(set(ids)) == len(ids)


def sampled_parts(paths: list[Path], sheet: str | None, notes: list[str]) -> list[Part]:
    parts: list[Part] = []
    json_pages: dict[str, list[Path]] = {}
    for path in paths:
        document = json_document(path)
        if document is not None:
            json_pages.setdefault(page_glob(path), []).append(path)
            continue
        if path.suffix.lower() == ".xml":  # an XML file that does not parse: say why, do not sample it as text
            notes.append(f"{path.name}: {xml_problem(path)}")
            continue
        for name in (sheet_names(path) or [None]):
            file_headers, file_rows, rejects = sample(path, name)
            notes += [f"{r.file}{f'[{name}]' if name else ''}: {r.reason}" for r in rejects.rejects + rejects.notes
                      if r.row is None]
            if file_headers:
                part = Part(path, name, file_headers, file_rows)
                part.ticket_column = match_headers(file_headers, {"ticket_id": HEADER_SYNONYMS["ticket_id"]}, set()).get("ticket_id")
                part.action_column = match_headers(file_headers, {"action": HEADER_SYNONYMS["action"][:-1]}, set()).get("action")
                parts.append(part)
    for glob, pages in json_pages.items():
        parts += json_parts(pages, glob, notes)
    for part in parts:
        if part.json_rows:  # an array of JSON records: its own fields' time and action words, not the record's
            own = [h for h in part.headers if h.startswith(part.json_rows + ".")]
            part.action_column = match_headers(own, {"action": HEADER_SYNONYMS["action"][:-1]}, set()).get("action")
    if sheet:  # the flow sheet named: it is never the ticket sheet
        for part in parts:
            if part.sheet == sheet:
                part.action_column = part.action_column or "?"
    return parts


def json_document(path: Path) -> Any:
    """The document of a `.json` file that parses whole (an API's page) or of an `.xml` file (a data-exchange
    package, importing/xml_documents.py), else None (JSON Lines, another file, an XML file that does not parse)."""
    import json

    if path.suffix.lower() == ".xml":
        from rexian.importing.xml_documents import XmlDocumentError, xml_document

        try:
            return xml_document(path.read_bytes())
        except (OSError, XmlDocumentError):
            return None
    if path.suffix.lower() != ".json":
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    return document if isinstance(document, (dict, list)) else None


def xml_problem(path: Path) -> str:
    from rexian.importing.xml_documents import XmlDocumentError, xml_document

    try:
        xml_document(path.read_bytes())
    except (OSError, XmlDocumentError) as error:
        return str(error)
    return "XML 文档"


def page_glob(path: Path) -> str:
    """page_0001.json → page_*.json: the pattern of the pages of one paged answer."""
    import re

    return re.sub(r"\d+", "*", path.name)


def json_parts(pages: list[Path], glob: str, notes: list[str]) -> list[Part]:
    """The parts of a paged API answer: its records (one row per record: a ticket sheet) and each nested array of
    objects in them (one row per element: flow records, visits, returns …), sampled from the first pages."""
    from rexian.importing.json_documents import JsonPaths, arrays_of_objects, at_path, document_rows, records_hint

    kind = "xml" if pages[0].suffix.lower() == ".xml" else "json"
    first = json_document(pages[0])
    hint = records_hint(first) if isinstance(first, dict) else None
    records = hint[0] if hint else ""
    arrays: list[str] = []
    rows_by_part: dict[str | None, list[dict[str, Any]]] = {}
    for page in pages:
        document = first if page == pages[0] else json_document(page)
        found = at_path(document, records or None)
        for record in found if isinstance(found, list) else []:
            if isinstance(record, dict):
                arrays += [a for a in arrays_of_objects(record) if a not in arrays]
        for rows in (None, *arrays):
            have = rows_by_part.setdefault(rows, [])
            if len(have) < SAMPLE_ROWS:
                have += [row for _, row in document_rows(document, JsonPaths(records or None, rows), page.name,
                                                         lambda reason: None, kind)][:SAMPLE_ROWS - len(have)]
    parts = []
    for rows, sampled in rows_by_part.items():
        if not sampled:
            continue
        headers = list(dict.fromkeys(header for row in sampled for header in row))  # a later page's columns too
        if rows is None:  # the records: their own fields, not their arrays'
            headers = [h for h in headers if not any(h == a or h.startswith(a + ".") for a in arrays)]
        else:  # the element's fields first: its time and person before the record's
            headers = [h for h in headers if h.startswith(rows + ".")] + [h for h in headers if not any(
                h == a or h.startswith(a + ".") for a in arrays)]
        part = Part(pages[0], None, headers, sampled, label=rows or "records", glob=glob, json_records=records,
                     json_rows=rows, document_kind=kind)
        part.ticket_column = match_headers([h for h in headers if not rows or not h.startswith(rows + ".")],
                                           {"ticket_id": HEADER_SYNONYMS["ticket_id"]}, set()).get("ticket_id")
        parts.append(part)
    what = ("XML 文档（数据交换包）", "XML documents") if kind == "xml" else ("JSON 文档（接口分页返回）", "JSON documents")
    notes.append(f"{glob}（{len(pages)} 个文件）是 {what[0]}：记录在 {records or '文档本身'}，"
                 f"其中的数组 {'、'.join(arrays) or '（无）'} 每个元素可作一行（{kind}.rows，docs/importing.md「{what[1]}」）")
    return parts


# English action words of API exports (operType DISPATCH, APPLY_FINISH, FINISH_AUDIT_PASS): a word alone, or a
# request kind with an application or a verdict — the same pairing as the Chinese words, never a guess from one
# word inside a longer phrase.
