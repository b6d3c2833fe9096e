"""Columns looked up in another table of the export (`lookups` in a flow mapping).

A database dump of a platform built on a workflow engine (Activiti / Flowable) keeps what one step means in several
tables: the task row names only its process instance (the ticket number is in the instance table's
BUSINESS_KEY_), its unit is its candidate group in another table, its form fields (the visit's satisfaction, the
audit's verdict, the attachments) are rows of a long key/value variables table. A lookup adds such columns to
every row that carries the key, before anything else reads the row — so `columns`, `intake`, `action_fields`,
`joined_columns` and the code table name them as if the export had written them beside the step:

    lookups:
      - files: "*ACT_HI_PROCINST*"             # or  sheet: 流程实例
        key: ID_                               # the table's key column
        by: PROC_INST_ID_                      # the column of the row holding the key
        columns: {工单编号: BUSINESS_KEY_}      # new column: the table's column
      - files: "*ACT_HI_DETAIL*"               # a long key/value table, pivoted: one column per name
        key: TASK_ID_
        by: ID_
        where: {TYPE_: VariableUpdate}         # only the table's rows with these values
        pivot: {name: NAME_, value: [TEXT_, LONG_, DOUBLE_]}   # the first value column written
        columns: {回访满意度: satisfaction, 是否解决: isSolved}   # new column: the name

Lookups run in order (a later one may use a column an earlier one added); a column the row already holds with a
value is never overwritten, so two lookups on different keys (a task's id, a comment's task id) can fill the same
column. A key given two different values in a plain lookup keeps the first and is told among the file problems;
in a pivot, the last value written for a (key, name) counts (file order: an engine's variable history appends
each update). A lookup table is held in memory and is not read as flow records."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rexian.importing.values import as_text, is_missing


@dataclass
class Lookup:
    """One `lookups` entry; `rows` (key → {new column: value}) is filled from the inputs at the start of a run."""

    key: str
    by: str
    columns: dict[str, str]  # new column → the table's column (or, with a pivot, the name)
    sheet: str | None = None
    files: str | None = None
    where: dict[str, str] = field(default_factory=dict)
    pivot_name: str | None = None
    pivot_values: tuple[str, ...] = ()
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    found: int = 0  # rows of the run that found their key
    absent: set[str] = field(default_factory=set)  # columns (or names) it names that its table never holds
    missed: int = 0  # rows carrying the key column whose key the table lacks

    def label(self) -> str:
        return self.files or f"[{self.sheet}]"


def read_lookups(raw: Any, where: str, error: type) -> list[Lookup]:
    """The `lookups` section (a list), or []; a wrong shape is `error` (MappingError) naming what is expected."""
    if raw is None:
        return []
    expected = ("lookups 应为列表，每项 {files: 文件名模式 或 sheet: 工作表, key: 该表的键列, by: 本行中存键的列, "
                "columns: {新列名: 该表的列}}，长表另加 pivot: {name: 名称列, value: [取值列 …]}（columns 写 {新列名: 名称}），"
                "可加 where: {列: 值}")
    if not isinstance(raw, list) or not raw:
        raise error(f"{where}：{expected}")
    keys = {"sheet", "files", "key", "by", "columns", "where", "pivot"}
    out = []
    for n, item in enumerate(raw, 1):
        here = f"{where}：lookups 第 {n} 项"
        if (not isinstance(item, dict) or set(item) - keys or not item.get("key") or not item.get("by")
                or not (item.get("sheet") or item.get("files")) or not isinstance(item.get("columns"), dict)
                or not item["columns"] or not isinstance(item.get("where") or {}, dict)):
            raise error(f"{here}：{expected}")
        pivot = item.get("pivot")
        name, values = None, ()
        if pivot is not None:
            value = pivot.get("value") if isinstance(pivot, dict) else None
            value = [value] if isinstance(value, str) else value
            if (not isinstance(pivot, dict) or set(pivot) - {"name", "value"} or not pivot.get("name")
                    or not isinstance(value, list) or not value):
                raise error(f"{here}：pivot 应为 {{name: 名称列, value: [取值列 …]}}")
            name, values = str(pivot["name"]), tuple(str(v) for v in value)
        out.append(Lookup(key=str(item["key"]), by=str(item["by"]),
                          columns={str(new): str(old) for new, old in item["columns"].items()},
                          sheet=item.get("sheet") and str(item["sheet"]), files=item.get("files") and str(item["files"]),
                          where={str(k): as_text(v) for k, v in (item.get("where") or {}).items()},
                          pivot_name=name, pivot_values=values))
    return out


def load_lookups(inputs: list[Path], mapping: Any, rejects: Any) -> None:
    """Fill every lookup's `rows` from its table; a row without a key is told among the file problems."""
    import dataclasses

    from rexian.importing.unit_tree import side_sheet_rows

    plain = dataclasses.replace(mapping, lookups=[])
    for lookup in mapping.lookups:
        lookup.rows.clear()
        lookup.found = lookup.missed = 0
        names = {old: new for new, old in lookup.columns.items()}
        held_columns: set[str] = set()
        held_names: set[str] = set()
        for row in side_sheet_rows(inputs, plain, lookup.sheet, lookup.files, rejects):
            values = row.values
            held_columns.update(values)
            if any(as_text(values.get(col)) != want for col, want in lookup.where.items()):
                continue
            key = values.get(lookup.key)
            if is_missing(key, mapping.nulls):
                continue  # a row of the table with no key (an instance-level variable looked up by task) adds nothing
            held = lookup.rows.setdefault(as_text(key), {})
            if lookup.pivot_name is not None:
                held_names.add(as_text(values.get(lookup.pivot_name)))
                new = names.get(as_text(values.get(lookup.pivot_name)))
                value = next((values[col] for col in lookup.pivot_values
                              if not is_missing(values.get(col), mapping.nulls)), None)
                if new is not None:
                    held[new] = value
                continue
            for new, old in lookup.columns.items():
                value = values.get(old)
                if new in held and held[new] != value:
                    rejects.add(row.file, row.row, old, value, f"查找表中键 {lookup.key}={as_text(key)} 另有一行"
                                                               f"（{old}={held[new]!r}）：保留前者")
                    continue
                held[new] = value
        wanted = [lookup.key, *lookup.where, *((lookup.pivot_name, *lookup.pivot_values) if lookup.pivot_name else
                                                lookup.columns.values())]
        lookup.absent = {column for column in wanted if column not in held_columns}
        if lookup.pivot_name is not None:
            lookup.absent |= {name for name in lookup.columns.values() if name not in held_names}


def add_looked_up(values: dict[str, Any], lookups: list[Lookup], nulls: frozenset[str]) -> dict[str, Any]:
    """The row's values with the columns its keys find (a column the row holds with a value stays)."""
    row, copied = values, False  # copied once, when the first column is added (most rows gain none)
    for lookup in lookups:
        key = row.get(lookup.by)
        if is_missing(key, nulls):
            continue
        found = lookup.rows.get(as_text(key))
        if found is None:
            lookup.missed += 1
            continue
        lookup.found += 1
        for new, value in found.items():
            if is_missing(row.get(new), nulls):
                if not copied:
                    row, copied = dict(row), True
                row[new] = value
    return row


def lookup_summary(lookups: list[Lookup]) -> list[str]:
    """What `mapping check` says of the lookups: rows that found their key, and those that did not."""
    return [f"查找表 {lookup.label()}（{lookup.key} ← 本行 {lookup.by}）：{len(lookup.rows)} 个键；"
            f"{lookup.found} 行查到" + (f"，{lookup.missed} 行的键在表中没有" if lookup.missed else "")
            + (f"；表中没有：{'、'.join(sorted(lookup.absent))}（核对列名或名称），对应的列将为空" if lookup.absent else "")
            for lookup in lookups]
