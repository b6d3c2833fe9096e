"""What `mapping suggest` proposes for a process-mining event log (XES, or a CSV such as BPI Challenge 2014's).

Such logs differ from a hotline platform's flow records in four ways this module reads from the sample:

- the action column: a header word (activity) may match an event's serial number (IncidentActivity_Number)
  before its type (IncidentActivity_Type); a column whose values are nearly all different is no action column,
  and another header of the same kind with few values is taken;
- the activity is two attributes: BPI Challenge 2013 writes the Status in `concept:name` and the Sub Status in
  `lifecycle:transition` (Queued / Awaiting Assignment, Accepted / Wait - User): when the transitions are not the
  XES lifecycle's own words (start, complete …) they are joined to the action (`joined_columns`);
- the unit is written on every event (org:group, Assignment Group, Involved ST) and no column names a receiving
  unit: a unit that changes within cases is proposed as `moves: {unit: …}` (importing/unit_moves.py);
- times in several zones (a routing system writing UTC beside local time): `timezone` is proposed.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from rexian.importing.time_offsets import mixed, offset_minutes
from rexian.importing.values import as_text

LIFECYCLE = "lifecycle:transition"
# The XES standard lifecycle model's transitions: an activity's phases, not part of what was done.
STANDARD_TRANSITIONS = {"schedule", "assign", "reassign", "start", "suspend", "resume", "complete", "autoskip",
                        "manualskip", "withdraw", "ate_abort", "pi_abort", "unknown"}
ACTION_WORDS = ("type", "activity", "status", "event", "action", "concept:name")
UNIT_WORDS = ("org:group", "assignment group", "assignment_group", "involved st", "workgroup", "team", "group",
              "department")


def _distinct(rows: list[dict[str, Any]], column: str) -> Counter:
    return Counter(as_text(row.get(column)) for row in rows if row.get(column) not in (None, ""))


def _words(header: str) -> set[str]:
    """A header's words, whatever their separators or case (IncidentActivity_Type: incident, activity, type;
    never 「action」 inside Interaction)."""
    return {word.casefold() for word in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", header)} | {header.casefold()}


def better_action_column(columns: dict[str, str], headers: list[str], rows: list[dict[str, Any]],
                         taken: set[str], notes: list[str]) -> None:
    """Replace an action column whose values are nearly all different (a serial number) by a header of the same
    kind with few distinct values (IncidentActivity_Number → IncidentActivity_Type)."""
    column = columns.get("action")
    if not column or len(rows) < 20:
        return
    if len(_distinct(rows, column)) <= max(30, len(rows) // 2):
        return
    candidates = []
    for header in headers:
        words = _distinct(rows, header)
        if header != column and header not in taken and _words(header) & set(ACTION_WORDS) \
                and 1 < len(words) <= max(30, len(rows) // 10):
            candidates.append((len(words), header))
    if not candidates:
        return
    chosen = min(candidates)[1]
    taken.discard(column)
    taken.add(chosen)
    columns["action"] = chosen
    notes.append(f"「{column}」的值几乎各不相同（是事件编号，不是动作）：动作取「{chosen}」")


def event_log_columns(proposal: dict[str, Any], columns: dict[str, str], headers: list[str],
                      rows: list[dict[str, Any]], taken: set[str], notes: list[str]) -> None:
    """Joined activity, `moves` and `timezone` for an event log (see the module's docstring). `rows` gain the
    joined column, so the action words proposed next are the joined ones."""
    _joined_activity(proposal, columns, headers, rows, taken, notes)
    _moves(proposal, columns, headers, rows, taken, notes)
    _timezone(proposal, columns, rows, notes)


def _joined_activity(proposal, columns, headers, rows, taken, notes) -> None:
    action = columns.get("action")
    if not action or LIFECYCLE not in headers or action == LIFECYCLE:
        return
    transitions = _distinct(rows, LIFECYCLE)
    if not transitions:
        return
    words = {word.casefold() for word in transitions}
    if words <= STANDARD_TRANSITIONS:
        if {"start", "complete"} <= words:
            notes.append("lifecycle:transition 写的是活动的 start / complete：每个活动两条都导入为事件（时间各自为准）；"
                         "只要其一时把它并入动作（joined_columns: {动作: [concept:name, lifecycle:transition]}）再在 "
                         "actions 中把不要的一种写作 ProgressNoted")
        return
    joined = f"{action} + {LIFECYCLE}"
    proposal.setdefault("joined_columns", {})[joined] = [action, LIFECYCLE]
    for row in rows:
        parts = [as_text(row.get(name)) for name in (action, LIFECYCLE) if row.get(name) not in (None, "")]
        row[joined] = " ".join(parts) if parts else None
    columns["action"] = joined
    taken.add(LIFECYCLE)
    notes.append(f"lifecycle:transition 写的不是活动的 start/complete，而是子状态（{'、'.join(list(transitions)[:4])} …）："
                 f"与「{action}」合为动作（joined_columns，如 BPI Challenge 2013 的 Status + Sub Status）")


def _moves(proposal, columns, headers, rows, taken, notes) -> None:
    if "target_unit_id" in columns or "ticket_id" not in columns:
        return
    unit = columns.get("actor_unit_id") or next(
        (h for word in UNIT_WORDS for h in headers if h not in taken and word in h.casefold()), None)
    if not unit:
        return
    held: dict[str, set[str]] = {}
    for row in rows:
        value = row.get(unit)
        if value not in (None, ""):
            held.setdefault(as_text(row.get(columns["ticket_id"])), set()).add(as_text(value))
    changing = sum(1 for units in held.values() if len(units) > 1)
    if not changing:
        return
    columns.pop("actor_unit_id", None)
    taken.add(unit)
    proposal["moves"] = {"unit": unit}
    notes.append(f"每条事件都写有单位「{unit}」，没有接收单位列，{changing}/{len(held)} 个案件内单位有变化：作为此刻持有"
                 f"案件的单位（moves），案件到第一个单位和每次单位变化都读作移交，日志自己的移交事件（如 Queued、"
                 f"Reassignment）记为离开的单位所为；请在 actions 中把这类移交词写作 Dispatched")


def _timezone(proposal, columns, rows, notes) -> None:
    column = columns.get("at")
    if not column:
        return
    offsets = {m for m in (offset_minutes(row.get(column)) for row in rows) if m is not None}
    if not mixed(offsets):
        return
    from rexian.settings import load_settings

    zone = load_settings().timezone
    proposal["timezone"] = zone
    notes.append(f"「{column}」的时间写有不同时区的偏移（{len(offsets)} 种）：不写 timezone 时偏移被丢弃、事件先后会颠倒；"
                 f"建议 timezone: {zone}（或来源所在地的时区，如 Europe/Amsterdam）")
