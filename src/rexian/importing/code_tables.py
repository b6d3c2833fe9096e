"""The export's code table (码表, `code_table` in a flow mapping): database dumps write operations, visit results,
channels, states and categories as codes, and deliver their meaning as a dictionary of (category, code, name)
rows (DMLB, DM, DMMC). Named in the mapping with the columns it decodes, every such cell is read as its name
before anything else reads the row — so the built-in action words (派单, 申请退单 …), the visit-result words
(满意, 未解决 …) and the mapping's own `actions` / `values` apply to the names, in the flow records, the ticket
sheet, the event sheets and the call records alike.

A code the table does not hold is kept as written and told once per file, column and code (a remark naming the
first row), never guessed: an operation code added to the platform after the dictionary was exported then shows
up as an unknown action word, rejected with its ticket, as any unknown word is."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rexian.importing.values import as_text, is_missing


@dataclass
class CodeTable:
    """Where the dictionary is (`sheet` of each workbook input, or files matching `files`), its three columns, and
    `columns`: source column → its category in the dictionary (CZLX: CZLX, MYD: 满意度代码 …). `names` (column →
    code → name) is filled from the inputs at the start of a run; `decoded` and `unknown` count what was read."""

    category: str
    code: str
    name: str
    columns: dict[str, str]
    sheet: str | None = None
    files: str | None = None
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    decoded: Counter[str] = field(default_factory=Counter)  # column → cells read as a name
    unknown: Counter[tuple[str, str]] = field(default_factory=Counter)  # (column, code) → cells the table lacks

    def decode(self, values: dict[str, Any], nulls: frozenset[str], file: str, row: int | None,
               rejects: Any) -> dict[str, Any]:
        """The row's values with each coded cell replaced by its name."""
        out = None
        for column, codes in self.names.items():
            value = values.get(column)
            if value is None or is_missing(value, nulls):
                continue
            code = as_text(value)
            name = codes.get(code)
            if name is None:
                self.unknown[(column, code)] += 1
                if self.unknown[(column, code)] == 1:
                    rejects.note(file, f"码表中没有 {column}={code}（类别 {self.columns[column]}）：按原值读取", row)
                continue
            out = out if out is not None else dict(values)
            out[column] = name
            self.decoded[column] += 1
        return values if out is None else out

    def summary(self) -> list[str]:
        """What `mapping check` says of the decoding: per column, cells read as names and codes not in the table."""
        lines = []
        for column, category in self.columns.items():
            missing = {code: count for (col, code), count in self.unknown.items() if col == column}
            if column not in self.names:
                lines.append(f"码表：类别 {category}（列「{column}」）在码表中没有任何代码：该列按原值读取")
            elif missing or self.decoded[column]:
                told = "、".join(f"{code}（{count} 格）" for code, count in sorted(missing.items()))
                lines.append(f"码表：列「{column}」{self.decoded[column]} 格译为名称" + (f"；码表中没有的代码：{told}，按原值读取"
                                                                                      if told else ""))
        return lines


def read_code_table(raw: Any, where: str, error: type) -> CodeTable | None:
    """The `code_table` section, or None; a wrong shape is `error` (MappingError) naming what is expected."""
    if raw is None:
        return None
    expected = ("code_table 应为 {files: 文件名模式 或 sheet: 工作表, category: 代码类别列, code: 代码列, name: 名称列, "
                "columns: {源列: 代码类别}}")
    keys = {"sheet", "files", "category", "code", "name", "columns"}
    if (not isinstance(raw, dict) or set(raw) - keys or not all(raw.get(key) for key in ("category", "code", "name"))
            or not (raw.get("sheet") or raw.get("files")) or not isinstance(raw.get("columns"), dict)
            or not raw["columns"]):
        raise error(f"{where}：{expected}")
    return CodeTable(category=str(raw["category"]), code=str(raw["code"]), name=str(raw["name"]),
                     columns={str(column): str(category) for column, category in raw["columns"].items()},
                     sheet=raw.get("sheet") and str(raw["sheet"]), files=raw.get("files") and str(raw["files"]))


def load_code_table(inputs: list[Path], mapping: Any, rejects: Any) -> None:
    """Fill `mapping.code_table.names` from the dictionary's rows; a row without a category or code is told
    among the file problems (as for the unit tree), a code given two names keeps the first, told likewise."""
    from rexian.importing.unit_tree import side_sheet_rows

    table = mapping.code_table
    table.names.clear(), table.decoded.clear(), table.unknown.clear()  # a mapping may be run more than once
    wanted: dict[str, list[str]] = {}
    for column, category in table.columns.items():
        wanted.setdefault(category, []).append(column)
    plain = dataclasses.replace(mapping, code_table=None)
    for row in side_sheet_rows(inputs, plain, table.sheet, table.files, rejects):
        category, code, name = (row.values.get(column) for column in (table.category, table.code, table.name))
        if is_missing(category, mapping.nulls) or is_missing(code, mapping.nulls):
            rejects.add(row.file, row.row, table.code, code, f"码表行缺少代码类别或代码（列「{table.category}」「{table.code}」）")
            continue
        for column in wanted.get(as_text(category), ()):
            codes = table.names.setdefault(column, {})
            text = "" if is_missing(name, mapping.nulls) else as_text(name)
            if not text:
                continue  # a code without a name stays as written (and is told when read)
            if as_text(code) in codes and codes[as_text(code)] != text:
                rejects.add(row.file, row.row, table.name, name, f"码表中 {as_text(category)}={as_text(code)} 已有名称"
                                                                 f"「{codes[as_text(code)]}」：保留前者")
                continue
            codes[as_text(code)] = text
