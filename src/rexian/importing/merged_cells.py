"""Cells merged down over several rows, filled into the rows they cover.

A report-style export (报表式导出) writes a ticket's number once, merged down over the ticket's row and its flow
rows (openpyxl `merge_cells("B5:B22")`, SpreadsheetML `ss:MergeDown="17"`); Excel shows it on every row, but the
file holds it only in the first. As the HTML reader does for `rowspan` (markup_sheets.py), the value is filled
down into the rows the merge covers — only into rows holding something else (a merge reaching past the data must
not make rows of its own), and only in the merge's first column (a cell merged across holds its value in the
first of its columns, as everywhere).
"""

from __future__ import annotations

import re
from typing import Any, Iterator

MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)([0-9]+):[A-Z]+([0-9]+)"')
CHUNK = 1 << 20


def xlsx_merges_down(source: Any) -> dict[tuple[int, int], int]:
    """(first row, column) → last row (1-based rows, 0-based columns) of each merge spanning rows, read from a
    worksheet part's bytes. The `<mergeCells>` list follows the sheet data, so the part is scanned as bytes for it
    (decompressed in chunks, never parsed as a tree)."""
    merges: dict[tuple[int, int], int] = {}
    tail = b""
    with source:
        while True:
            chunk = source.read(CHUNK)
            if not chunk:
                break
            data = tail + chunk
            end = 0
            if b"mergeCell" not in data:  # the sheet data: skipped at memchr speed, only the list at the end is parsed
                tail = data[-200:]
                continue
            for match in MERGE_REF.finditer(data):
                letters, first, last = match.group(1), int(match.group(2)), int(match.group(3))
                if last > first:
                    merges[(first, _column(letters))] = last
                end = match.end()
            tail = data[max(end, len(data) - 200):]
    return merges


def _column(letters: bytes) -> int:
    """A column's letters as a 0-based index (A → 0, AA → 26)."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def fill_down(rows: Iterator[tuple[int, list[Any]]],
              merges: dict[tuple[int, int], int]) -> Iterator[tuple[int, list[Any]]]:
    """The numbered rows with each merge's value filled into the later rows it covers."""
    if not merges:
        yield from rows
        return
    starts: dict[int, list[tuple[int, int]]] = {}
    for (row, column), last in merges.items():
        starts.setdefault(row, []).append((column, last))
    pending: dict[int, tuple[Any, int]] = {}  # column → (value, last row it covers)
    for number, cells in rows:
        if pending and any(cell is not None and str(cell).strip() != "" for cell in cells):
            cells = cover(cells, pending, number)
        for column, last in starts.get(number, ()):
            value = cells[column] if column < len(cells) else None
            if value is not None:
                pending[column] = (value, last)
        yield number, cells


def cover(cells: list[Any], pending: dict[int, tuple[Any, int]], number: int) -> list[Any]:
    """`cells` with the pending merged values of the columns it leaves empty; merges ending above are dropped."""
    cells = list(cells)
    for column, (value, last) in list(pending.items()):
        if last < number:
            del pending[column]
            continue
        if column >= len(cells):
            cells.extend([None] * (column + 1 - len(cells)))
        if cells[column] is None or str(cells[column]).strip() == "":
            cells[column] = value
    return cells
