"""Snapshot logs (one row per update of a ticket, e.g. ServiceNow's audit log) → events, by comparing
each snapshot of a case with the one before it:

Snapshots are ordered by time, then by the `order_by` columns (a modification counter), then file order.

- the first snapshot: `TicketReceived` (at the intake time when mapped), and `Dispatched` to its group;
- the responsible group changes: `Dispatched` with `redispatch: true` and the new group as target unit;
- the state leaves a state mapped to `Closed` for any other: `Reopened`;
- the state enters a state mapped to an action: that action (`SignedFor` once per dispatch, `Closed` once
  per closure, others on every change of state).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from rexian.importing.flow import RowChecks
from rexian.importing.action_fields import FieldError, payload_fields
from rexian.importing.histories import Draft, History, payload_value, take_intake
from rexian.importing.mapping import Mapping
from rexian.importing.readers import SourceRow
from rexian.importing.rejects import RejectLog
from rexian.importing.values import as_text, is_missing, unreadable_time


@dataclass
class Snapshot:
    row: SourceRow
    at: datetime
    order: tuple


def order_value(value: Any) -> tuple:
    """Sort key of one `order_by` value: numbers (sys_mod_count "10" after "9") before text."""
    text = "" if value is None else as_text(value)
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


def snapshot_histories(rows: Iterable[SourceRow], mapping: Mapping, rejects: RejectLog) -> dict[str, History]:
    checks = RowChecks(mapping, rejects)
    rules = mapping.snapshots
    cases: dict[str, list[Snapshot]] = {}
    for row in rows:
        basics = checks.basics(row)
        if basics is None:
            continue
        state = checks_value(row, rules.state, mapping)
        if state is not None and rules.states and state not in rules.states:
            checks.reject(row, rules.state, state, "未知状态：请在映射文件 snapshots.states 中说明它对应哪个事件（或 null）")
            continue
        ticket_id, at = basics
        order = tuple(order_value(row.values.get(column)) for column in rules.order_by)
        cases.setdefault(ticket_id, []).append(Snapshot(row, at, order + ((row.file, row.row),)))
    histories = {}
    for ticket_id, snapshots in cases.items():
        # Time first: a source's modification counter breaks ties within a minute, but real logs hold
        # stray rows with a repeated counter whose time is right (measured on the ServiceNow log).
        snapshots.sort(key=lambda s: (s.at, s.order))
        histories[ticket_id] = _case_history(ticket_id, snapshots, mapping, checks)
    return {ticket_id: history for ticket_id, history in histories.items() if history.rows}


def checks_value(row: SourceRow, column: str | None, mapping: Mapping) -> str | None:
    value = row.values.get(column) if column else None
    return None if is_missing(value, mapping.nulls) else as_text(value)


def _case_history(ticket_id: str, snapshots: list[Snapshot], mapping: Mapping, checks: RowChecks) -> History:
    rules = mapping.snapshots
    history = History(ticket_id)
    unit = state = None
    signed = closed = False
    for snap in snapshots:
        row = snap.row
        bad_time = take_intake(history, row.values, mapping)
        if bad_time:
            checks.reject(row, bad_time, row.values.get(bad_time), unreadable_time("受理时间", mapping.date_formats))
            continue
        history.rows.append((row.file, row.row))
        history.last_values = row.values
        actor = checks.text(row, "actor_id")
        actor_unit = checks.text(row, "actor_unit_id")
        extra = {column: payload_value(row.values.get(column)) for column in mapping.payload_columns
                 if not is_missing(row.values.get(column), mapping.nulls)}
        drafts: list[Draft] = []

        def emit(action: str, target: str | None = None, **payload: Any) -> None:
            drafts.append(Draft(snap.at, action, actor, actor_unit, target, {**extra, **payload},
                                checks.text(row, "source"), (*snap.order, len(drafts))))

        new_state = checks_value(row, rules.state, mapping)
        new_unit = checks_value(row, rules.unit, mapping)
        action = rules.states.get(new_state) if new_state is not None else None
        if closed and new_state is not None and action != "Closed":
            emit("Reopened", new_unit or unit, reason=f"状态由 {state} 变为 {new_state}", trigger="review",
                 source_state=new_state)
            closed, signed = False, True
        if new_unit and new_unit != unit:
            assignee = checks_value(row, rules.assignee, mapping)
            emit("Dispatched", new_unit, **({"assignee": assignee} if assignee else {}))
            unit, signed = new_unit, False
        if new_state is not None and new_state != state and action:
            if action == "Closed":
                if not closed:
                    emit("Closed", trigger="review", source_state=new_state)
                    closed = True
            elif action == "SignedFor":
                if not signed and unit:
                    emit("SignedFor", source_state=new_state)
                    signed = True
            elif action == "ProgressNoted":
                emit("ProgressNoted", kind="progress", note=new_state, source_state=new_state)
            elif action != "Reopened" or not closed:
                emit(action, source_state=new_state)
        state = new_state if new_state is not None else state
        try:  # columns named in action_fields fill the payloads of the events this snapshot made
            for draft in drafts:
                draft.payload.update(payload_fields(draft.action, row.values, mapping.action_fields.get(draft.action, {}),
                                                    lambda raw: is_missing(raw, mapping.nulls), mapping.date_formats,
                                                    mapping.zone()))
        except FieldError as error:
            checks.reject(row, *error.args)  # its ticket is then left out whole
        if len(history.rows) == 1:
            history.opening_dispatches = sum(1 for d in drafts if d.action == "Dispatched")
        history.drafts.extend(drafts)
    if history.received_at is None and history.rows:
        history.received_at = next(s.at for s in snapshots if (s.row.file, s.row.row) in history.rows)
    return history
