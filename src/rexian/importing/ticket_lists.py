"""Ticket lists (工单台账): one row per ticket, with its times as columns, no flow records.

Each row becomes `TicketReceived` at its intake time (`columns.at`), `Dispatched` to the lead unit
(`columns.target_unit_id`) at `tickets.dispatched_at` (or the intake time), `Replied` with `tickets.reply`,
and `Closed` at `tickets.closed_at` — or, without a close time, when `tickets.status` is one of
`closed_states` (at the latest time known). A second row for the same ticket is rejected. Columns named in
`action_fields` for these events fill their payloads as in flow mode (`Dispatched: {due_at: 办理时限}`).
"""

from __future__ import annotations

from typing import Iterable

from rexian.importing.action_fields import FieldError, add_fields, payload_fields, prose_columns
from rexian.importing.flow import RowChecks
from rexian.importing.histories import Draft, History, take_intake
from rexian.importing.mapping import Mapping
from rexian.importing.readers import SourceRow
from rexian.importing.rejects import RejectLog
from rexian.importing.values import as_text, is_missing, parse_time, unreadable_time


def ticket_list_histories(rows: Iterable[SourceRow], mapping: Mapping, rejects: RejectLog) -> dict[str, History]:
    checks = RowChecks(mapping, rejects)
    fields = mapping.ticket_list
    histories: dict[str, History] = {}
    for row in rows:
        basics = checks.basics(row)
        if basics is None:
            continue
        ticket_id, received_at = basics
        if ticket_id in histories:
            first = histories[ticket_id].rows[0]
            checks.reject(row, mapping.columns["ticket_id"], ticket_id, f"工单编号重复：已见于 {first[0]} 第 {first[1]} 行",
                          whole_ticket=False)
            continue

        def value(name: str):
            column = fields.get(name)
            raw = row.values.get(column) if column else None
            return column, (None if is_missing(raw, mapping.nulls) else raw)

        times, bad = {}, None
        for name in ("dispatched_at", "closed_at"):
            column, raw = value(name)
            if raw is not None:
                try:
                    times[name] = parse_time(raw, mapping.date_formats, mapping.zone())
                except ValueError:
                    bad = (column, raw)
        if bad:
            checks.reject(row, bad[0], bad[1], "时间无法解析")
            continue
        history = History(ticket_id)
        bad_time = take_intake(history, row.values, mapping)
        if bad_time:
            checks.reject(row, bad_time, row.values.get(bad_time), unreadable_time("受理时间", mapping.date_formats))
            continue
        actor, order = checks.text(row, "actor_id"), (row.file, row.row)
        history.drafts.append(Draft(received_at, "TicketReceived", actor, checks.text(row, "actor_unit_id"),
                                    order=order + (0,)))
        unit = checks.text(row, "target_unit_id")
        if unit:
            history.drafts.append(Draft(times.get("dispatched_at", received_at), "Dispatched", None, None, unit,
                                        order=order + (1,)))
        latest = max(times.values(), default=received_at)
        _, reply = value("reply")
        if reply is not None:
            history.drafts.append(Draft(times.get("closed_at", latest), "Replied", payload={"reply": as_text(reply)},
                                        order=order + (2,)))
        _, status = value("status")
        if "closed_at" in times or (status is not None and as_text(status) in mapping.closed_states):
            payload = {"trigger": "review"} | ({"source_state": as_text(status)} if status is not None else {})
            history.drafts.append(Draft(times.get("closed_at", latest), "Closed", payload=payload, order=order + (3,)))
        try:  # the row's columns named in action_fields fill its events' payloads (a deadline, the reply …)
            for draft in history.drafts:
                add_fields(draft.payload, payload_fields(draft.action, row.values, mapping.action_fields.get(draft.action, {}),
                                                    lambda raw: is_missing(raw, mapping.nulls), mapping.date_formats,
                                                    mapping.zone(),
                                                    prose=prose_columns(mapping.columns, mapping.action_fields)))
        except FieldError as error:
            checks.reject(row, *error.args)
            continue
        history.rows.append((row.file, row.row))
        histories[ticket_id] = history
    return histories
