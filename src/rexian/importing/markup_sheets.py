"""".xls" files that are not Excel binaries: many government systems export an HTML table or an XML
Spreadsheet 2003 document and name it `.xls` (Excel opens both). Read their rows as cells, the way the binary
reader gives them, so that the same header search and mapping apply.

HTML: the table with the most rows; a cell spanning columns holds its value in the first of them (as Excel
opens it) and `rowspan` fills it down; rows of merged cells only near the top (a title, the upper row of a
two-row header) are skipped, so a two-row merged header yields one complete header row. XML Spreadsheet: `ss:Index` and
`ss:MergeAcross` place cells, `ss:MergeDown` fills a cell's value into the rows below it covers (merged_cells.py),
`ss:Type="DateTime"` and `"Number"` are typed. Parsed with the standard
library: expat bounds entity expansion and external entities are never read; both are refused with a Chinese
message (`file_limits.xml_problem`). Spans, `ss:Index` and `ss:MergeAcross` are counted against the sheet's cell
budget (`file_limits.SheetBudget`) before any cell is made, so a `rowspan="2147483647"` is refused, not filled.
"""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse

from rexian.importing.file_limits import EXCEL_ROWS, FileProblem, SheetBudget, xml_problem
from rexian.importing.header_rows import blank_row
from rexian.importing.merged_cells import cover

OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
SNIFF_BYTES = 4096
XMLSS = "urn:schemas-microsoft-com:office:spreadsheet"


def markup_kind(path: Path) -> str | None:
    """`html` or `xmlss` for a ".xls" that is really markup; None for an Excel binary (or anything else)."""
    with open(path, "rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if head.startswith(OLE2_MAGIC):
        return None
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n").lower()
    text = text.replace(b"\x00", b"")  # UTF-16 exports
    if b"urn:schemas-microsoft-com:office:spreadsheet" in text and b"<workbook" in text:
        return "xmlss"
    if text.startswith(b"<") and (b"<table" in text or b"<html" in text or b"<!doctype html" in text):
        return "html"
    return None


def sheet_names(path: Path) -> list[str]:
    """The worksheet names of an XML Spreadsheet; one nameless "sheet" for an HTML table."""
    if markup_kind(path) != "xmlss":
        return ["Sheet1"]
    names = []
    try:
        for _, element in iterparse(path, events=("start",)):
            if element.tag == f"{{{XMLSS}}}Worksheet":
                names.append(element.get(f"{{{XMLSS}}}Name") or f"Sheet{len(names) + 1}")
    except ParseError as error:
        raise xml_problem(path, error) from None
    return names


def markup_rows(path: Path, sheet: str | None = None) -> tuple[str, int, list[list[Any]]]:
    """(sheet name, number of sheets, rows of cells) of a markup ".xls"."""
    if markup_kind(path) == "xmlss":
        try:
            return _xmlss_rows(path, sheet)
        except ParseError as error:
            raise xml_problem(path, error) from None
    return "Sheet1", 1, _html_rows(path)


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self.depth = 0
        self.row: list[tuple[str, int, int]] | None = None
        self.cell: list[str] | None = None
        self.span = (1, 1)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "table":
            self.depth += 1
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
            self.span = (_count(values.get("colspan")), _count(values.get("rowspan")))
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(("".join(self.cell).strip(), *self.span))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1].append(self.row)
            self.row = None
        elif tag == "table":
            self.depth -= 1

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


MERGED_HEADER_ROWS = 10  # merged-only rows are taken for title or header rows only this near the top


def _count(value: str | None) -> int:
    """A span as browsers read it: at least 1; at most Excel's width, the budget refusing what is too large."""
    try:
        return max(1, min(int(value or 1), EXCEL_ROWS + 1))
    except ValueError:
        return 1


def _html_rows(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    text = None
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            text = data.decode(encoding)
            if encoding != "utf-16" or "<" in text:
                break
        except UnicodeDecodeError:
            continue
    parser = _Tables()
    parser.feed(text if text is not None else data.decode("utf-8", errors="replace"))
    parser.close()
    if not parser.tables:
        return []
    table = max(parser.tables, key=len)
    rows: list[list[Any]] = []
    pending: dict[int, tuple[str, int]] = {}  # column -> (value, rows still to fill) from a rowspan above
    budget = SheetBudget(path)
    for number, cells in enumerate(table):
        row = _placed(cells, pending, budget, number + 1)
        if number < MERGED_HEADER_ROWS and number + 1 < len(table) and cells and all(
                rowspan > 1 or colspan > 1 for _, colspan, rowspan in cells):
            # A row of merged cells only (a title, or the upper row of a two-row header): its rowspan cells
            # reach the row below, which then holds every column's own name; the group names are dropped.
            continue
        rows.append(row)
    return rows


def _placed(cells: list[tuple[str, int, int]], pending: dict[int, tuple[str, int]], budget: SheetBudget,
            number: int) -> list[Any]:
    """One table row's values by column: cells spanning columns hold their value in the first (as Excel opens
    it); columns a rowspan above still covers take its value, and the cell's own rowspan is carried down.
    Every cell is counted against the budget before it is made."""
    row: list[Any] = []
    queue = iter(cells)
    column = 0
    last_pending = max(pending, default=-1)
    spanned = 0
    cell = next(queue, None)
    while cell is not None or column <= last_pending:
        if column in pending:
            value, left = pending[column]
            row.append(value)
            if left > 1:
                pending[column] = (value, left - 1)
            else:
                del pending[column]
            column += 1
            continue
        if cell is None:
            break
        (value, colspan, rowspan), cell = cell, next(queue, None)
        budget.take(colspan, row=number + rowspan - 1, column=column + colspan)
        spanned += colspan
        for offset in range(colspan):
            row.append((value or None) if offset == 0 else None)
            if rowspan > 1:
                pending[column + offset] = (value or None, rowspan - 1)
                last_pending = max(last_pending, column + offset)
        column += colspan
    budget.take(len(row) - spanned, row=number, column=len(row))  # the cells a rowspan above filled in
    return row


def _xmlss_rows(path: Path, sheet: str | None) -> tuple[str, int, list[list[Any]]]:
    """The rows of the named worksheet (the first when None), read in one pass that also counts the sheets."""
    ns = f"{{{XMLSS}}}"
    names: list[str] = []
    rows: list[list[Any]] = []
    budget = SheetBudget(path)
    wanted = sheet
    row: list[Any] | None = None
    merges: dict[tuple[int, int], int] = {}  # this row's cells merged down: (row, column) → last row covered
    pending: dict[int, tuple[Any, int]] = {}  # column → (value, last row) of merges from rows above
    for event, element in iterparse(path, events=("start", "end")):
        tag = element.tag
        if event == "start" and tag == ns + "Worksheet":
            names.append(element.get(ns + "Name") or f"Sheet{len(names) + 1}")
            wanted = wanted or names[-1]
        elif event == "start" and tag == ns + "Row" and names and names[-1] == wanted:
            row = []
            index = _index(path, element.get(ns + "Index"), "Row 的 ss:Index")
            budget.take(max(0, index - 1 - len(rows)), row=max(index, len(rows) + 1))
            while len(rows) < index - 1:
                rows.append([])
        elif event == "end" and tag == ns + "Cell" and row is not None:
            index = _index(path, element.get(ns + "Index"), "Cell 的 ss:Index")
            merged = _index(path, element.get(ns + "MergeAcross"), "Cell 的 ss:MergeAcross")
            end = max(index - 1, len(row)) + 1 + merged
            budget.take(end - len(row), row=len(rows) + 1, column=end)
            while len(row) < index - 1:
                row.append(None)
            data = element.find(ns + "Data")
            value = _typed(data.get(ns + "Type"), "".join(data.itertext())) if data is not None else None
            down = _index(path, element.get(ns + "MergeDown"), "Cell 的 ss:MergeDown")
            if down and value is not None:  # filled into the rows below it covers (merged_cells.py)
                merges[(len(rows) + 1, len(row))] = len(rows) + 1 + down
            row.extend([value] + [None] * merged)  # merged: first cell only
            element.clear()
        elif event == "end" and tag == ns + "Row" and row is not None:
            if pending and not blank_row(row):
                width = len(row)
                row = cover(row, pending, len(rows) + 1)
                budget.take(len(row) - width, row=len(rows) + 1, column=len(row))
            for (_start, column), last in merges.items():
                pending[column] = (row[column], last)
            merges.clear()
            rows.append(row)
            row = None
    if wanted not in names:
        raise ValueError(f"工作簿中没有名为 {wanted} 的工作表（有：{'、'.join(names)}）")
    return wanted, len(names), rows


def _index(path: Path, text: str | None, attribute: str) -> int:
    """An `ss:Index` / `ss:MergeAcross` number (0 when absent); anything else refuses the file in Chinese."""
    if text is None:
        return 0
    try:
        return max(0, int(text))
    except ValueError:
        raise FileProblem(f"{path.name}：XML 表格中 {attribute} 的值 {text[:40]!r} 不是整数，拒绝读取") from None


def _typed(kind: str | None, text: str) -> Any:
    if kind == "Number":
        try:
            number = float(text)
        except ValueError:
            return text  # not a number after all: the text, for the row's own check to judge
        return int(number) if number.is_integer() else number
    if kind == "DateTime":
        try:
            return datetime.fromisoformat(text.rstrip("Z"))
        except ValueError:
            return text
    return text
