"""The export's organisation tree (`unit_tree` in a flow mapping): which unit is below which, so that a
转办/移交 is told apart — down to a subordinate unit it is a forward (`Forwarded`: the unit stays responsible),
to any other unit a sideways hand-over (`HandedOver`: the receiver becomes the lead unit).

The tree is a sheet of the workbook or a file of its own, one row per unit with its parent unit, named as the
flow records name units. Without a tree, a hand-over word stays `HandedOver` (what 转办 means between the
units of a 12345 platform), and `rexian mapping check` says so."""

from __future__ import annotations

import dataclasses
from fnmatch import fnmatch
from pathlib import Path

from rexian.importing.mapping import UnitTree
from rexian.importing.readers import read_rows
from rexian.importing.rejects import RejectLog
from rexian.importing.values import as_text, is_missing


def is_tree_file(path: Path, tree: UnitTree | None) -> bool:
    return bool(tree and tree.files) and fnmatch(path.name, tree.files)


def unit_parents(inputs: list[Path], mapping, rejects: RejectLog) -> dict[str, str | None]:
    """Unit → parent unit, from the tree's rows; a row without a unit is rejected, naming the column."""
    tree = mapping.unit_tree
    sheet_mapping = dataclasses.replace(mapping, mode="table", sheet=tree.sheet, columns={}, ticket_sheet=None,
                                        unit_tree=None)
    parents: dict[str, str | None] = {}
    for path in inputs:
        if is_tree_file(path, tree):
            rows = read_rows(path, sheet_mapping, rejects)
        elif not tree.files and tree.sheet and path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            rows = (dataclasses.replace(row, file=f"{row.file}[{tree.sheet}]")
                    for row in read_rows(path, sheet_mapping, rejects))
        else:
            continue
        for row in rows:
            unit, parent = row.values.get(tree.unit), row.values.get(tree.parent)
            if tree.unit not in row.values or is_missing(unit, mapping.nulls):
                rejects.add(row.file, row.row, tree.unit, unit, f"单位表缺少单位名称（列「{tree.unit}」）")
                continue
            parents[as_text(unit)] = None if is_missing(parent, mapping.nulls) else as_text(parent)
    return parents


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
