"""Call records and agent status read in the same run as the flow records (`calls:` / `agent_status:` /
`roster:` sections of a flow mapping, docs/importing.md): each section names its files (`files:` glob) or its
sheet of each workbook input and maps its columns as a `mode: table` mapping would. Their rows are counted
among the rows read; a bad row is rejected naming file (with sheet), row and column, and loses no ticket."""

from __future__ import annotations

import dataclasses
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Iterator

from rexian.importing.readers import SourceRow, read_rows
from rexian.importing.rejects import RejectLog

WORKBOOKS = (".xlsx", ".xlsm", ".xls")


def is_record_file(path: Path, mapping) -> bool:
    return any(section.files and fnmatch(path.name, section.files) for section in mapping.records.values())


def section_rows(paths: list[Path], section, rejects: RejectLog) -> Iterator[SourceRow]:
    """The section's rows: from the files matching `files`, or else its `sheet` of each workbook input
    (named with the sheet: 导出.xlsx[话务记录], so its rows are told apart from the flow sheet's)."""
    for path in paths:
        if section.files:
            if fnmatch(path.name, section.files):
                yield from read_rows(path, section.mapping, rejects)
        elif path.suffix.lower() in WORKBOOKS:
            sheet_mapping = dataclasses.replace(section.mapping, sheet=section.sheet)
            for row in read_rows(path, sheet_mapping, rejects):
                if not row.file.endswith(f"[{section.sheet}]"):  # the reader names it when the book has several sheets
                    row = dataclasses.replace(row, file=f"{row.file}[{section.sheet}]")
                yield row


def read_sections(paths: list[Path], mapping, rejects: RejectLog, counted) -> dict[str, tuple[list, list]]:
    """Table → (rows, origins) of every record section; `counted(rows)` wraps a row iterator so that its
    rows are counted among the rows read (pipeline._Counted)."""
    from rexian.importing.side_tables import table_rows

    found: dict[str, tuple[list[dict[str, Any]], list[tuple[str, int]]]] = {}
    for table, section in mapping.records.items():
        found[table] = table_rows(counted(section_rows(paths, section, rejects)), section.mapping, rejects)
    return found
