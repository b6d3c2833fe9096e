"""Snapshot logs (one row per update of a ticket, e.g. ServiceNow's audit log) → events, by comparing
each snapshot of a case with the one before it:

Snapshots are ordered by time, then by the `order_by` columns (a modification counter), then file order.

- the first snapshot: `TicketReceived` (at the intake time when mapped), and `Dispatched` to its group;
- the responsible group changes: `Dispatched` with `redispatch: true` and the new group as target unit;
- the state leaves a state mapped to `Closed` for any other: `Reopened`;
- the state enters a state mapped to an action (or a list of actions): that action (`SignedFor` once per
  dispatch, `Closed` once per closure, others on every change of state);
- `transitions` ("40>10": ReturnApproved): the state going from one value to another is that event instead — a
  return approved and a return rejected both leave 退单审核中, for different states; a transition's `HandedOver`
  (or `Forwarded`) takes the place of the re-dispatch when the unit changes with it (a unit passing the ticket
  sideways itself, not the centre dispatching it);
- `changes` (first_contact_time: CitizenContacted): a snapshot that made no other event, in which a column's value
  is new, is that column's event — the first in the mapping's order (a table updated in place records a contact
  or a progress note only as a changed column). Not on the opening snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from rexian.importing.flow import RowChecks, warn_unread_visits
from rexian.importing.action_fields import FieldError, payload_fields, prose_columns
from rexian.importing.histories import Draft, History, payload_value, take_intake
from rexian.importing.mapping import Mapping
from rexian.importing.vocabulary import ACTIONS, progress_kind
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


MOVES = ("Dispatched", "HandedOver", "Forwarded")  # events that move the ticket to the snapshot's unit


def _actions(mapped: Any) -> tuple[str, ...] | None:
    """A state's or transition's events: none (null), one, or a list (80 已办结 → [Visited, Closed])."""
    if mapped is None:
        return None
    return tuple(mapped) if isinstance(mapped, (list, tuple)) else (mapped,)


def change_event(spec: Any, value: str, mapping: Mapping) -> tuple[str, dict[str, Any]] | None:
    """The event a column's new value means (`snapshots.changes`): the column's event, or — for {word: target} —
    the target of the first word found inside the value (else of "*"), an event name or an action word read as in
    a flow row (「现场核查」 → ProgressNoted of kind site_visit); None when no word is found and there is no "*"."""
    if not isinstance(spec, dict):
        target = spec
    else:
        target = next((aim for word, aim in spec.items() if word != "*" and word in value), spec.get("*"))
        if target is None:
            return None
    event = target if target in ACTIONS else mapping.action_for(target) or target
    payload: dict[str, Any] = {"note": value}
    if event == "ProgressNoted":
        payload["kind"] = progress_kind(target, mapping.progress_kinds) or "progress"
    return event, payload


def checks_value(row: SourceRow, column: str | None, mapping: Mapping) -> str | None:
    value = row.values.get(column) if column else None
    return None if is_missing(value, mapping.nulls) else as_text(value)


def _case_history(ticket_id: str, snapshots: list[Snapshot], mapping: Mapping, checks: RowChecks) -> History:
    rules = mapping.snapshots
    history = History(ticket_id)
    unit = state = None
    previous: SourceRow | None = None
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
        moved = new_state is not None and new_state != state
        actions = _actions(rules.transitions.get((state or "", new_state or ""))) if moved and state is not None \
            else None
        if actions is None:
            actions = (_actions(rules.states.get(new_state)) if new_state is not None else None) or ()
        if closed and new_state is not None and "Closed" not in actions:
            emit("Reopened", new_unit or unit, reason=f"状态由 {state} 变为 {new_state}", trigger="review",
                 source_state=new_state)
            closed, signed = False, True
        if new_unit and new_unit != unit:
            move = next((action for action in actions if action in MOVES), "Dispatched")
            assignee = checks_value(row, rules.assignee, mapping)
            emit(move, new_unit, **({"assignee": assignee} if assignee else {}))
            unit, signed = new_unit, False
        for action in (actions if moved else ()):
            if action in MOVES:
                continue
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
        if not drafts and previous is not None:
            for column, spec in rules.changes.items():
                value = checks_value(row, column, mapping)
                if value is not None and value != checks_value(previous, column, mapping):
                    found = change_event(spec, value, mapping)
                    if found is not None:
                        emit(found[0], **found[1])
                        break
        previous = row
        state = new_state if new_state is not None else state
        unread: list[tuple[str, Any]] = []
        try:  # columns named in action_fields fill the payloads of the events this snapshot made — visit results
            # through the mapping's `values` ({"1": 满意}), as in flow mode
            for draft in drafts:
                draft.payload.update(payload_fields(draft.action, row.values, mapping.action_fields.get(draft.action, {}),
                                                    lambda raw: is_missing(raw, mapping.nulls), mapping.date_formats,
                                                    mapping.zone(), {**mapping.values, "kind": mapping.progress_kinds},
                                                    unread, prose_columns(mapping.columns, mapping.action_fields)))
        except FieldError as error:
            checks.reject(row, *error.args)  # its ticket is then left out whole
        warn_unread_visits(checks.rejects, row, unread)
        if len(history.rows) == 1:
            history.opening_dispatches = sum(1 for d in drafts if d.action == "Dispatched")
        history.drafts.extend(drafts)
    if history.received_at is None and history.rows:
        history.received_at = next(s.at for s in snapshots if (s.row.file, s.row.row) in history.rows)
    return history
