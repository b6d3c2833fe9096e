"""The other interchange tables (docs/interchange.md): organisation, call records, agent status and the
staff roster used for big-data collision (大数据碰撞). One source row → one row of the table, each value
parsed to its type; a row with a missing key, an unreadable value or a repeated key is rejected."""

from __future__ import annotations

from typing import Any, Iterable

from rexian.domain.records import BOOL, DATE, INT, KEYS, TIME, columns, kinds
from rexian.domain.visible_text import hidden_problem
from rexian.importing.person_cells import person_id
from rexian.importing.readers import SourceRow
from rexian.importing.rejects import RejectLog
from rexian.importing.values import as_text, is_missing, parse_time

# Per table: its key and required columns; its key, columns and their kinds come from the declaration
# (domain/records.py), as `spec(table, "key" | "columns" | "times" | "dates" | "bools" | "ints")`.
# Required: the key, except where a part of it may be empty ('' area = any area; a roster row may lack dates).
_REQUIRED = {"catalogue": ("category", "lead_unit_id"), "roster": ("person_id",)}
_KIND_PARTS = {"times": TIME, "dates": DATE, "bools": BOOL, "ints": INT}
TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    name: {"key": key, "required": _REQUIRED.get(name, key), "columns": columns(name),
           **{part: tuple(c for c, kind in kinds(name).items() if kind == wanted)
              for part, wanted in _KIND_PARTS.items()}}
    for name, key in KEYS.items()
}
# The tables whose rows name units, people and categories (picked and read by eye): a name or code holding an
# invisible or direction-changing character is rejected with its row (domain/visible_text.py), the rest still read.
NAMING_TABLES = frozenset({"units", "people", "categories", "catalogue", "roster"})
TRUE_WORDS = {"1", "true", "yes", "y", "t", "是", "真", "放弃", "未接"}
FALSE_WORDS = {"0", "false", "no", "n", "f", "否", "假", "接通", "已接"}


def spec(table: str, part: str) -> tuple[str, ...]:
    return TABLES[table].get(part, ())


# The columns holding a person: an agent written 「周婷(0301)」 or 「0301周婷」 is the agent 0301, as the flow
# records' actor is (person_cells), so that a call record and the ticket steps of one agent meet.
PERSON_COLUMNS = frozenset({"agent_id", "person_id"})


def _convert(table: str, name: str, value: Any, mapping) -> Any:
    vocabulary = mapping.values.get(name)
    if vocabulary and as_text(value) in vocabulary:
        return vocabulary[as_text(value)]
    if name in PERSON_COLUMNS:
        return person_id(as_text(value))
    if name in spec(table, "times"):
        return parse_time(value, mapping.date_formats, mapping.zone())
    if name in spec(table, "dates"):
        return parse_time(value, mapping.date_formats, mapping.zone()).date()
    if name in spec(table, "bools"):
        if isinstance(value, bool):
            return value
        word = as_text(value).lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise ValueError(value)
    if name in spec(table, "ints"):
        return int(float(as_text(value)))
    return as_text(value)


def table_rows(rows: Iterable[SourceRow], mapping, rejects: RejectLog
               ) -> tuple[list[dict[str, Any]], list[tuple[str, int]]]:
    """The table's rows and, for each, the (file, row) it came from."""
    table = mapping.table
    required = spec(table, "required")
    out, origins, keys = [], [], {}
    for row in rows:
        record, problem = {}, None
        for name in spec(table, "columns"):
            column = mapping.columns.get(name)
            if column is None:
                value = mapping.constants.get(name)
            elif column not in row.values:
                problem = (column, None, f"文件缺少列「{column}」（映射中的 {name}）")
                break
            else:
                value = row.values[column]
            if is_missing(value, mapping.nulls):
                if name in required:
                    problem = (column, value, f"必填字段 {name} 为空")
                    break
                record[name] = None
                continue
            try:
                record[name] = _convert(table, name, value, mapping)
            except (TypeError, ValueError):
                problem = (column, value, f"{name} 的值无法解析")
                break
            hidden = hidden_problem(record[name], name) if table in NAMING_TABLES else None
            if hidden:
                problem = (column, value, hidden)
                break
        if problem is None:
            key = tuple(record.get(name) for name in spec(table, "key"))
            first = keys.get(key)
            if first is not None:
                problem = (None, "/".join(str(k) for k in key), f"重复的键：与 {first[0]} 第 {first[1]} 行相同")
            else:
                keys[key] = (row.file, row.row)
        if problem is not None:
            rejects.add(row.file, row.row, *problem)
            continue
        out.append(record)
        origins.append((row.file, row.row))
    return out, origins
