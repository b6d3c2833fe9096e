"""Finding the header row of a CSV file or a sheet: below a title or an export date, over two rows of merged
cells, or — for `mapping suggest`, which knows no column yet — the widest of the first rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from rexian.importing.mapping import Mapping
from rexian.importing.rejects import RejectLog


def _header(cells: list[Any]) -> list[str]:
    return [("" if cell is None else str(cell)).strip().lstrip("\ufeff") for cell in cells]


HEADER_SEARCH_ROWS = 20


def blank_row(cells: list[Any]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def split_header(rows: Iterator[tuple[int, list[Any]]], mapping: Mapping, path: Path,
                 rejects: RejectLog) -> tuple[list[str] | None, Iterator[tuple[int, list[Any]]]]:
    """The header row and the rows after it. Exports often put a title (「12345工单明细表」) or an
    export date above the header: the header is the first row naming every required column of the
    mapping, searched in the first rows; failing that, the first non-empty row."""
    wanted = mapping.header_columns() or set(mapping.columns.values())
    if not wanted:  # no column known yet (mapping suggest): the widest of the first rows, a title has one cell
        return _widest_header(rows, path, rejects)
    seen: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if blank_row(cells):
            continue
        seen.append((number, cells))
        if wanted <= set(_header(cells)):
            upper = _upper_row(seen)
            if upper is not None and _merged_down(upper, cells):  # its names merged down from the row above
                _note_two_rows(path, rejects, number, len(seen) - 2)
                return _header(two_row_header(upper, cells)), rows
            below = next(rows, None)
            if below is not None and _completes(cells, below[1], mapping, wanted):
                _note_two_rows(path, rejects, below[0], len(seen) - 1)
                return _header(two_row_header(cells, below[1])), rows
            if len(seen) > 1:
                rejects.note(str(path), f"表头在第 {number} 行；其上 {len(seen) - 1} 行（标题等）不是数据，未读取")
            return _header(cells), _chain([below] if below is not None else [], rows)
        upper = _upper_row(seen)
        if upper is not None and wanted <= set(_header(two_row_header(upper, cells))):
            _note_two_rows(path, rejects, number, len(seen) - 2)
            return _header(two_row_header(upper, cells)), rows
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if not seen:
        return None, iter(())
    return _header(seen[0][1]), _chain(seen[1:], rows)


def _merged_down(upper: list[Any], lower: list[Any]) -> bool:
    """Whether a header row holds names merged down from the row above (filled into it: merged_cells.py)."""
    return any(up is not None and str(up).strip() and up == low for up, low in zip(upper, lower))


def _completes(upper: list[Any], lower: list[Any], mapping: Mapping, wanted: set[str]) -> bool:
    """Whether the row below a row naming every required column is the lower row of a header over two rows: the
    upper row alone names the required columns (「工单编号」 merged down over both rows) but the two together name
    more of the mapping's columns (受理时间, 诉求内容 … under 「工单基本信息」)."""
    if _filled(upper) < 2:
        return False
    known = set(mapping.columns.values()) | {str(column) for column in mapping.intake.values()}
    both = set(_header(two_row_header(upper, lower)))
    return wanted <= both and len(known & both) > len(known & set(_header(upper)))


def _widest_header(rows: Iterator[tuple[int, list[Any]]], path: Path,
                   rejects: RejectLog) -> tuple[list[str] | None, Iterator[tuple[int, list[Any]]]]:
    seen: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if not blank_row(cells):
            seen.append((number, cells))
            if len(seen) >= HEADER_SEARCH_ROWS:
                break
    if not seen:
        return None, iter(())
    # Each row alone, and each row completed by the row above it (a header written over two rows): the widest wins,
    # the earlier of equals — so a two-row header is taken before a data row as wide as it.
    candidates: list[tuple[int, int, list[Any], bool]] = []
    for at, (_, cells) in enumerate(seen):
        upper = _upper_row(seen[:at + 1])
        if upper is not None:
            joined = two_row_header(upper, cells)
            if _filled(joined) > _filled(cells) or _merged_down(upper, cells):
                candidates.append((_filled(joined), at, joined, True))
                continue
        candidates.append((_filled(cells), at, cells, False))
    width, at, cells, two_rows = max(candidates, key=lambda candidate: (candidate[0], -candidate[1]))
    if two_rows:
        _note_two_rows(path, rejects, seen[at][0], at - 1)
    elif at:
        rejects.note(str(path), f"表头在第 {seen[at][0]} 行；其上 {at} 行（标题等）不是数据，未读取")
    return _header(cells), _chain(seen[at + 1:], rows)


def _filled(cells: list[Any]) -> int:
    return sum(cell is not None and str(cell).strip() != "" for cell in cells)


def _upper_row(seen: list[tuple[int, list[Any]]]) -> list[Any] | None:
    """The row just above the last one seen when it may be the upper row of a two-row header: the line right
    above it, with two or more filled cells (a title has one)."""
    if len(seen) < 2 or seen[-2][0] != seen[-1][0] - 1 or _filled(seen[-2][1]) < 2:
        return None
    return seen[-2][1]


def two_row_header(upper: list[Any], lower: list[Any]) -> list[Any]:
    """A header written over two rows with merged cells (「工单编号」 merged down over both, 「受理信息」 merged across
    受理时间/诉求内容 below it): each column's name is the lower row's, else the upper's (a name merged down)."""
    width = max(len(upper), len(lower))
    padded_upper, padded_lower = list(upper) + [None] * (width - len(upper)), list(lower) + [None] * (width - len(lower))
    return [low if low is not None and str(low).strip() else up for up, low in zip(padded_upper, padded_lower)]


def _note_two_rows(path: Path | str, rejects: RejectLog, number: int, above: int) -> None:
    title = f"；其上 {above} 行（标题等）不是数据，未读取" if above > 0 else ""
    rejects.note(str(path), f"表头占第 {number - 1}–{number} 两行（合并单元格）：列名取下一行的，下一行为空处取上一行的{title}")


def _chain(buffered: list[tuple[int, list[Any]]], rest: Iterator[tuple[int, list[Any]]]):
    yield from buffered
    yield from rest
