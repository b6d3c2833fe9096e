"""Workbooks: .xlsx (openpyxl), .xls (xlrd), and the HTML tables and XML Spreadsheets named .xls
(importing/markup_sheets.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from rexian.importing.file_limits import SheetBudget, check_xlsx_parts
from rexian.importing.header_rows import blank_row, split_header
from rexian.importing.mapping import Mapping
from rexian.importing.merged_cells import fill_down, xlsx_merges_down
from rexian.importing.rejects import RejectLog
from rexian.importing.source_rows import SourceRow


def sheet_name(path: Path | str, sheet: str, sheets: int) -> str:
    """How a workbook's rows are named in rejects and remarks: with the sheet (导出.xlsx[流转记录]) when the
    workbook has several, so that row 10 of one sheet is told from row 10 of another."""
    return f"{path}[{sheet}]" if sheets > 1 else str(path)


def read_xlsx(path: Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    from openpyxl import load_workbook

    check_xlsx_parts(path)
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book[mapping.sheet] if mapping.sheet else book.worksheets[0]
        name = sheet_name(path, sheet.title, len(book.worksheets))
        # The sheet's declared size (<dimension>) is not trusted: openpyxl would stop at its last row without a
        # word (rows lost) or pad every row to its width (a far cell reference as a time bomb).
        sheet.reset_dimensions()
        rows = fill_down(budgeted(enumerate(sheet.iter_rows(values_only=True), start=1), SheetBudget(path)),
                         sheet_merges_down(sheet))
        header, rows = split_header(rows, mapping, name, rejects)
        for number, cells in rows:
            if not blank_row(cells):  # a row ends at its last cell now: padded to the header, as Excel shows it
                yield SourceRow(name, number, padded(header, cells))
    finally:
        book.close()


def padded(header: list[str] | None, cells: list[Any]) -> dict[str, Any]:
    """A row's cells by column name, a row shorter than the header padded with empty cells."""
    header = header or []
    return dict(zip(header, list(cells) + [None] * (len(header) - len(cells))))


def sheet_merges_down(sheet: Any) -> dict[tuple[int, int], int]:
    """The merges spanning rows of a read-only openpyxl sheet (read-only sheets do not load them)."""
    source = getattr(sheet, "_get_source", None)  # openpyxl's own opener of the worksheet part
    return xlsx_merges_down(source()) if source is not None else {}


def budgeted(rows: Iterator[tuple[int, Any]], budget: SheetBudget) -> Iterator[tuple[int, list[Any]]]:
    """A workbook's numbered rows, each counted against the sheet's cell budget as it is read."""
    for number, cells in rows:
        budget.take(len(cells), row=number, column=len(cells))
        yield number, list(cells)


def read_xls(path: Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    from rexian.importing.markup_sheets import markup_kind, markup_rows

    if markup_kind(path):  # an HTML table or XML Spreadsheet named .xls, as many government systems export
        sheet, sheets, cells_of = markup_rows(path, mapping.sheet)
        if not any(cells_of):
            raise ValueError("文件中没有可读的表格行")
        marked = sheet_name(path, sheet, sheets)
        header, numbered = split_header(((i + 1, row) for i, row in enumerate(cells_of)), mapping, marked, rejects)
        for number, values in numbered:
            if not blank_row(values):  # a row ends at its last cell (ss:Index skips): padded to the header
                yield SourceRow(marked, number, padded(header, values))
        return
    import xlrd

    book = xlrd.open_workbook(str(path))
    sheet = book.sheet_by_name(mapping.sheet) if mapping.sheet else book.sheet_by_index(0)

    def cells(index: int) -> list[Any]:
        values = []
        for cell in sheet.row(index):
            if cell.ctype == xlrd.XL_CELL_DATE:
                values.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                values.append(None)
            else:
                values.append(cell.value)
        return values

    name = sheet_name(path, sheet.name, book.nsheets)
    header, rows = split_header(budgeted(((i + 1, cells(i)) for i in range(sheet.nrows)), SheetBudget(path)),
                                mapping, name, rejects)
    for number, values in rows:
        if not blank_row(values):
            yield SourceRow(name, number, dict(zip(header, values)))
