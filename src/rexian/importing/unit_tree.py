"""Tables beside the flow records: the export's organisation tree (`unit_tree` in a flow mapping): which unit is below which, so that a
转办/移交 is told apart — down to a subordinate unit it is a forward (`Forwarded`: the unit stays responsible),
to any other unit a sideways hand-over (`HandedOver`: the receiver becomes the lead unit).

The tree is a sheet of the workbook or a file of its own, one row per unit with its parent unit, named as the
flow records name units. Without a tree, a hand-over word stays `HandedOver` (what 转办 means between the
units of a 12345 platform), and `rexian mapping check` says so.

Also the export's categories table with each category's time limit (`deadlines.categories`), read the same
way, so that deadlines are computed per category (importing/deadlines.py)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from rexian.importing.readers import part_rows
from rexian.importing.rejects import RejectLog
from rexian.importing.values import as_text, is_missing


def side_sheet_rows(inputs: list[Path], mapping, sheet: str | None, files: str | None, rejects: RejectLog):
    """The rows of a table beside the flow records (the unit tree, the categories table), read as a table."""
    sheet_mapping = dataclasses.replace(mapping, mode="table", sheet=sheet, columns={}, ticket_sheet=None,
                                        unit_tree=None, category_limits=None, lookups=[])
    return part_rows(inputs, sheet_mapping, sheet, files, rejects)


def unit_parents(inputs: list[Path], mapping, rejects: RejectLog) -> dict[str, str | None]:
    """Unit → parent unit, from the tree's rows; a row without a unit is rejected, naming the column."""
    tree = mapping.unit_tree
    parents: dict[str, str | None] = {}
    for row in side_sheet_rows(inputs, mapping, tree.sheet, tree.files, rejects):
        unit, parent = row.values.get(tree.unit), row.values.get(tree.parent)
        if tree.unit not in row.values or is_missing(unit, mapping.nulls):
            rejects.add(row.file, row.row, tree.unit, unit, f"单位表缺少单位名称（列「{tree.unit}」）")
            continue
        parents[as_text(unit)] = None if is_missing(parent, mapping.nulls) else as_text(parent)
    return parents


def category_days(inputs: list[Path], mapping, rejects: RejectLog) -> dict[str, int]:
    """Category → time limit in working days, from the export's categories table (`deadlines.categories`);
    a limit that is not a positive whole number of days (「5个工作日」 reads 5) is rejected, naming the column."""
    table = mapping.category_limits
    days: dict[str, int] = {}
    for row in side_sheet_rows(inputs, mapping, table.sheet, table.files, rejects):
        category, value = row.values.get(table.category), row.values.get(table.days)
        if is_missing(category, mapping.nulls) or is_missing(value, mapping.nulls):
            continue  # a category without a limit keeps the setting's default_handle_days
        digits = re.match(r"\s*(\d+)(?:\.0+)?\s*(?:个)?(?:工作日|天|日)?\s*$", as_text(value))
        if not digits or int(digits.group(1)) <= 0:
            rejects.add(row.file, row.row, table.days, value, f"分类表的时限无法读作工作日数（列「{table.days}」）")
            continue
        days[as_text(category)] = int(digits.group(1))
    return days


def is_below(parents: dict[str, str | None], unit: str | None, ancestor: str | None) -> bool:
    """Whether `unit` sits anywhere below `ancestor` in the tree (a cycle in bad data stops the walk)."""
    seen: set[str] = set()
    current = parents.get(unit or "")
    while current and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def settle_hand_overs(histories: dict, parents: dict[str, str | None]) -> int:
    """Turn each hand-over aimed below its own unit into a forward down; the count of those turned."""
    turned = 0
    for history in histories.values():
        for index, draft in enumerate(history.drafts, start=1):
            if draft.action == "HandedOver" and is_below(parents, draft.target_unit_id, draft.actor_unit_id):
                draft.action = "Forwarded"
                draft.payload.setdefault("forward_id", f"F{index}")
                draft.payload["unit_tree"] = "下级单位：按下派导入"
                turned += 1
    return turned
