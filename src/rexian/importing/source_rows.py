"""A row as read from an export (`SourceRow`), its ticket number, and the reject of a row too long to read —
shared by every format's reader (importing/readers.py and the read_* modules)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rexian.importing.mapping import Mapping
from rexian.importing.rejects import RejectLog


BAD_BYTES = re.compile("[\udc80-\udcff]")  # undecodable bytes kept by `surrogateescape`


@dataclass
class SourceRow:
    file: str
    row: int
    values: dict[str, Any]


def ticket_of(values: dict[str, Any], mapping: Mapping) -> str | None:
    """The row's ticket number when it can be read (to leave the whole ticket out when the row is rejected)."""
    from rexian.importing.values import as_text, is_missing

    value = values.get(mapping.columns.get("ticket_id"))
    if is_missing(value, mapping.nulls) or isinstance(value, (dict, list)):
        return None
    text = as_text(value)
    return text if "\x00" not in text and not BAD_BYTES.search(text) else None


def reject_long(rejects: RejectLog, row: SourceRow, column: str, length: int, limit: int, mapping: Mapping) -> None:
    """Reject a row for a field over `import_max_field_chars` (the row's values may hold only its beginning)."""
    rejects.add(row.file, row.row, column, str(row.values.get(column))[:200],
                f"字段长 {length} 字符，超过上限 {limit}（设置 import_max_field_chars）", ticket_of(row.values, mapping))
