"""Event logs that write on every event the unit holding the case (`moves:`): a change of that unit is a move.

Public event logs (BPI Challenge 2013's `org:group`, 2014's `Assignment Group`, a hospital log's department)
do not record a dispatch to the first team: the case is opened there, and later moves show only as a new team
on the next event — sometimes on an event of its own (BPIC 2013's Queued / Awaiting Assignment, 2014's
Reassignment), sometimes on whatever the new team does first. With

    moves: {unit: "org:group"}            # optionally  as: HandedOver  (default Dispatched)

the case's first unit is an arrival there, and every event whose unit differs from the case's current one is a
move to it: the event itself when it is a move (Dispatched, HandedOver) — aimed at the new unit, its actor acting
for the unit **left** (BPIC 2013's Queued event names the new team and, as its resource, the owner who pushed it
there) —, else a move made just before it (payload `synthesized: true`, no actor), the event then acting for the
new unit. Events with no unit written change nothing. Every other event acts for the unit it names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

MOVES = ("Dispatched", "HandedOver")


@dataclass(frozen=True)
class UnitMoves:
    unit: str                    # the source column naming the unit that holds the case after the event
    action: str = "Dispatched"   # what a move the log does not record as an event of its own is imported as


def read_unit_moves(raw: Any, where: str, mode: str, error: type[Exception]) -> UnitMoves | None:
    if raw is None:
        return None
    if mode != "flow":
        raise error(f"{where}：moves 只用于 flow 模式（snapshots 模式的 snapshots.unit 已把单位的变化读作派单）")
    if not isinstance(raw, dict) or not isinstance(raw.get("unit"), str) or set(raw) - {"unit", "as"}:
        raise error(f"{where}：moves 应为 {{unit: 列名}}（每条事件所写的、此刻持有该案件的单位列，如 org:group），"
                    f"可加 as: Dispatched 或 HandedOver")
    action = raw.get("as", "Dispatched")
    if action not in MOVES:
        raise error(f"{where}：moves.as 应为 Dispatched 或 HandedOver，而不是 {action!r}")
    return UnitMoves(unit=raw["unit"], action=action)


def apply_unit_moves(drafts: list, moves: UnitMoves) -> list:
    """`drafts` (one ticket's, in time order) with the moves their units show: see the module's docstring."""
    out, current = [], None
    for draft in drafts:
        unit = draft.unit
        if not unit or draft.action == "TicketReceived":
            out.append(draft)
            continue
        if unit == current:  # a move word to the team that has it (re-queued within the team): aimed there
            out.append(replace(draft, actor_unit_id=draft.actor_unit_id or unit,
                               target_unit_id=draft.target_unit_id or (unit if draft.action in MOVES else None)))
            continue
        if draft.action in MOVES:
            out.append(replace(draft, target_unit_id=unit, actor_unit_id=current))
        else:
            payload: dict[str, Any] = {"synthesized": True, "moved_by": "unit_column"}
            out.append(type(draft)(draft.at, moves.action, None, current, unit, payload, draft.source, draft.order))
            out.append(replace(draft, actor_unit_id=unit))
        current = unit
    return out

