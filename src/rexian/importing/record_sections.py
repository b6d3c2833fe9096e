"""Call records and agent status read in the same run as the flow records (`calls:` / `agent_status:` /
`roster:` sections of a flow mapping, docs/importing.md): each section names its files (`files:` glob) or its
sheet of each workbook input and maps its columns as a `mode: table` mapping would. Their rows are counted
among the rows read; a bad row is rejected naming file (with sheet), row and column, and loses no ticket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rexian.importing.readers import is_part_file, part_rows
from rexian.importing.rejects import RejectLog


def is_record_file(path: Path, mapping) -> bool:
    return any(is_part_file(path, section.files) for section in mapping.records.values())


def read_sections(paths: list[Path], mapping, rejects: RejectLog, counted) -> dict[str, tuple[list, list]]:
    """Table → (rows, origins) of every record section; `counted(rows)` wraps a row iterator so that its
    rows are counted among the rows read (pipeline._Counted)."""
    from rexian.importing.side_tables import table_rows

    found: dict[str, tuple[list[dict[str, Any]], list[tuple[str, int]]]] = {}
    for table, section in mapping.records.items():
        rows = part_rows(paths, section.mapping, section.sheet, section.files, rejects)
        found[table] = table_rows(counted(rows), section.mapping, rejects)
    return found
