"""Readers: a file in, numbered rows out (`SourceRow`), problems to the reject log.

Every format yields rows as {source column: value}. Row numbers are what a person opening the file sees:
the line where a CSV record starts, the spreadsheet row, the JSON Lines line, the Parquet record (1-based),
the XES event (1-based, in file order).
"""

from __future__ import annotations

import dataclasses
import re
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Iterator

from rexian.importing.file_limits import FileProblem
from rexian.importing.lookups import add_looked_up
from rexian.importing.mapping import Mapping
from rexian.importing.read_documents import read_jsonl, read_xml
from rexian.importing.read_parquet import is_nested, read_parquet
from rexian.importing.read_sheets import read_xls, read_xlsx
from rexian.importing.read_text import decode, guess_delimiter, open_text, read_csv
from rexian.importing.rejects import RejectLog
from rexian.importing.source_rows import SourceRow, reject_long, ticket_of
from rexian.importing.values import joined_value

# Names other modules take from here (the readers of each format live in read_text, read_sheets, read_documents,
# read_parquet; the header search in header_rows; the row in source_rows).
__all__ = ["FORMATS", "SourceRow", "decode", "detect_format", "is_nested", "is_part_file", "is_summary_row",
           "join_columns", "open_text", "part_rows", "read_rows", "screened", "ticket_of", "_guess_delimiter"]
_guess_delimiter = guess_delimiter  # the name importing/fast_sources.py imports

FORMATS = ("csv", "xlsx", "xls", "jsonl", "parquet", "xes", "xml")


def detect_format(path: Path, mapping: Mapping) -> str:
    aliases = {"tsv": "csv", "txt": "csv", "json": "jsonl", "ndjson": "jsonl", "xlsm": "xlsx", "pq": "parquet"}
    if mapping.format:
        return aliases.get(mapping.format, mapping.format)
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    suffix = suffixes[-1].lstrip(".") if suffixes else ""
    found = aliases.get(suffix, suffix)
    if found not in FORMATS:
        raise ValueError(f"无法从扩展名判断 {path.name} 的格式；请在映射文件中写 format: {'/'.join(FORMATS)}")
    return found


def read_rows(path: str | Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    path = Path(path)
    try:
        kind = detect_format(path, mapping)
    except ValueError as error:
        rejects.add(str(path), None, None, None, str(error))
        return
    reader = {"csv": read_csv, "xlsx": read_xlsx, "xls": read_xls, "jsonl": read_jsonl,
              "parquet": read_parquet, "xml": read_xml, "xes": _read_xes}[kind]
    from rexian.settings import load_settings

    limit = load_settings().import_max_field_chars
    try:
        for row in reader(path, mapping, rejects):
            if mapping.lookups:  # first: the looked-up columns are read like the row's own
                row = dataclasses.replace(row, values=add_looked_up(row.values, mapping.lookups, mapping.nulls))
            if mapping.code_table is not None and mapping.code_table.names:
                row = dataclasses.replace(row, values=mapping.code_table.decode(row.values, mapping.nulls, row.file,
                                                                                 row.row, rejects))
            if mapping.joined_columns:  # after decoding: a joined column holds the names
                row = join_columns(row, mapping)
            if is_summary_row(row.values, mapping):
                rejects.note(row.file, "合计行（汇总，不是工单），未读取", row.row)
                continue
            if screened(row, mapping, rejects, limit):
                yield row
    except FileProblem as error:  # refused by a bound (file_limits): the reason is already a sentence
        rejects.refuse_file(str(path), f"文件无法读取：{error}")
    except Exception as error:  # an unreadable file is reported, the other inputs still import
        rejects.add(str(path), None, None, None, f"文件无法读取：{type(error).__name__}: {error}")


def _read_xes(path: Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    """An XES log's events as rows, then read like any other format's rows (joined_columns — an event log's
    activity is often two attributes, concept:name and lifecycle:transition —, lookups, the field checks)."""
    from rexian.importing.xes import read_xes

    return read_xes(path, rejects)


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def is_part_file(path: Path, files: str | None) -> bool:
    """Whether `path` is a file of an export's part named by a file-name pattern (`files:` of a section)."""
    return bool(files) and fnmatch(path.name, files)


def part_rows(inputs: list[Path], mapping: Mapping, sheet: str | None, files: str | None,
              rejects: RejectLog) -> Iterator[SourceRow]:
    """The rows of one part of a several-part export (the ticket sheet, the unit tree, the categories table,
    call records …), read with `mapping`: from the input files matching `files`, or else the `sheet` of each
    workbook input — its rows named with the sheet (导出.xlsx[工单信息]), for row 2 of one sheet is not row 2
    of another."""
    for path in inputs:
        if is_part_file(path, files):
            yield from read_rows(path, mapping, rejects)
        elif not files and sheet and path.suffix.lower() in WORKBOOK_SUFFIXES:
            sheet_mapping = mapping if mapping.sheet == sheet else dataclasses.replace(mapping, sheet=sheet)
            for row in read_rows(path, sheet_mapping, rejects):
                if not row.file.endswith(f"[{sheet}]"):  # the reader names it when the book has several sheets
                    row = dataclasses.replace(row, file=f"{row.file}[{sheet}]")
                yield row


# 「合计」「合计：78件」「总计 78 条」「共计78单」「共 78 条记录」: a totals line, not a ticket.
SUMMARY_WORDS = re.compile(r"^\s*(?:(?:合\s*计|总\s*计|小\s*计|共\s*计)\s*[：:]?\s*共?|共)\s*(?:\d[\d,，]*\s*"
                           r"(?:件|条|个|单|笔|项|张)?\s*(?:工单|记录|数据)?)?\s*$")


def join_columns(row: SourceRow, mapping: Mapping) -> SourceRow:
    """The row with each of the mapping's `joined_columns` (name → source columns) added: a date column and
    a time-of-day column read as one time, or cells joined by a space."""
    values = dict(row.values)
    for name, parts in mapping.joined_columns.items():
        if any(part in values for part in parts):
            values[name] = joined_value([values.get(part) for part in parts], mapping.nulls)
    return dataclasses.replace(row, values=values)


# A report's group line: 「澜江市城市管理局 小计」「小计（城管局）」「城管局合计：12件」 — a name before or after the word.
GROUP_TOTAL_WORDS = re.compile(r"^\s*(?:\S.{0,39}?)?\s*(?:小\s*计|合\s*计|总\s*计)\s*(?:[：:]\s*\S.{0,39}|[（(][^）)]{0,40}[）)])?"
                               r"\s*$")


def is_summary_row(values: dict[str, Any], mapping: Mapping) -> bool:
    """A totals row of an export (「合计」 at the foot, 「城管局 小计」 after a group of a report; in its first filled
    cell, no ticket number of its own): a summary, not a ticket's row."""
    first = next((value for value in values.values() if value is not None and str(value).strip()), None)
    if first is None or not (SUMMARY_WORDS.match(str(first)) or GROUP_TOTAL_WORDS.match(str(first))):
        return False
    ticket = ticket_of(values, mapping)
    return ticket is None or bool(SUMMARY_WORDS.match(ticket))


def screened(row: SourceRow, mapping: Mapping, rejects: RejectLog, limit: int) -> bool:
    """Whether a row is fit to convert: no NUL byte (PostgreSQL refuses them in text) and no field longer
    than `import_max_field_chars`. A failing row is rejected alone; the reader goes on with the next."""
    for column, value in row.values.items():
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            rejects.add(row.file, row.row, column, value.replace("\x00", "\\0"), "字段含 NUL 字节（\\0）",
                        ticket_of(row.values, mapping))
            return False
        if len(value) > limit:
            reject_long(rejects, row, column, len(value), limit, mapping)
            return False
    return True
