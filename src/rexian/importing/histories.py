"""A ticket's imported history: drafted events from source rows, then numbered and hash-chained.

Sealing is deterministic (same rows → same records → same hashes), which is what makes a second import of
the same file recognisable as "nothing new".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rexian.adapters.projection import projection_of
from rexian.domain.eventlog import seal
from rexian.domain.model import Ticket
from rexian.domain.records import columns
from rexian.importing.action_fields import pair_requests
from rexian.importing.unit_moves import apply_unit_moves
from rexian.domain.deadlines import DeadlinePolicy
from rexian.importing.deadlines import set_deadlines
from rexian.importing.mapping import Mapping
from rexian.importing.person_cells import person_id
from rexian.importing.values import as_text, is_missing, parse_time

INTERCHANGE_TICKET_COLUMNS = columns("tickets")
SPECIAL_INTAKE = ("received_at", "received_by")


@dataclass
class Draft:
    at: datetime
    action: str
    actor_id: str | None = None
    actor_unit_id: str | None = None
    target_unit_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    order: tuple = ()  # ties on `at` keep the source's order
    unit: str | None = None  # the unit the row says holds the ticket after it (`moves:`, importing/unit_moves.py)


@dataclass
class History:
    ticket_id: str
    drafts: list[Draft] = field(default_factory=list)
    rows: list[tuple[str, int]] = field(default_factory=list)  # the source rows it was made from
    intake: dict[str, Any] = field(default_factory=dict)
    received_at: datetime | None = None
    received_by: str | None = None
    last_values: dict[str, Any] = field(default_factory=dict)  # the last source row (snapshot counters)
    opening_dispatches: int = 0  # dispatches made by the first snapshot (assigned when opened)


def payload_value(value: Any) -> Any:
    """A source value as it can sit in a JSON payload."""
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return as_text(value)


def take_intake(history: History, values: dict[str, Any], mapping: Mapping) -> str | None:
    """Fill intake fields not known yet from this row; returns the column whose time is unreadable."""
    for name, column in mapping.intake.items():
        value = values.get(column)
        if is_missing(value, mapping.nulls):
            continue
        if name == "received_at":
            if history.received_at is None:
                try:
                    history.received_at = parse_time(value, mapping.date_formats, mapping.zone())
                except ValueError:
                    return column
        elif name == "received_by":
            history.received_by = history.received_by or person_id(as_text(value))
        elif name not in history.intake:
            vocabulary = mapping.values.get(name)
            text = as_text(value)
            history.intake[name] = vocabulary.get(text, text) if vocabulary else payload_value(value)
    return None


def intake_payload(history: History, mapping: Mapping) -> dict[str, Any]:
    payload = {name: value for name, value in mapping.constants.items()}
    payload.update(history.intake)
    for name in ("lon", "lat"):
        if payload.get(name) is not None:
            try:
                payload[name] = float(payload[name])
            except (TypeError, ValueError):
                payload.pop(name)
    return payload


def seal_history(history: History, mapping: Mapping, deadlines: DeadlinePolicy | None = None) -> list[dict[str, Any]]:
    """One ticket's records, numbered and chained; a dispatch without a deadline gets one from `deadlines` when the
    mapping asks (`deadlines:`): the database's calendar on import, the year files elsewhere (importing/deadlines.py)."""
    drafts = sorted(history.drafts, key=lambda d: (d.at, d.order))
    if mapping.moves is not None:
        drafts = apply_unit_moves(drafts, mapping.moves)
    pair_requests(history.ticket_id, drafts)
    received = next((d for d in drafts if d.action == "TicketReceived"), None)
    if received is None:
        at = min([d.at for d in drafts] + ([history.received_at] if history.received_at else []))
        received = Draft(at, "TicketReceived", history.received_by, payload={"synthesized": True})
    else:
        drafts.remove(received)
    received.payload = {**intake_payload(history, mapping), **received.payload}
    if mapping.deadlines is not None:
        set_deadlines(drafts, received.payload, mapping.deadlines, deadlines)
    records, dispatched = [], False
    for seq, draft in enumerate([received, *drafts], start=1):
        payload = dict(draft.payload)
        if draft.action == "Dispatched":
            payload.setdefault("lead_unit_id", draft.target_unit_id)
            payload.setdefault("redispatch", dispatched)
            dispatched = True
        records.append({
            "ticket_id": history.ticket_id, "seq": seq, "at": draft.at, "action": draft.action,
            "actor_id": draft.actor_id, "actor_unit_id": draft.actor_unit_id,
            "target_unit_id": draft.target_unit_id, "payload": payload,
            "source": draft.source or mapping.source,
        })
    return list(seal(records))


def ticket_row(ticket_id: str, records: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """The interchange `tickets` row of a sealed history."""
    projection = projection_of(Ticket.replay(ticket_id, records), now)
    return {column: projection.get(column) for column in INTERCHANGE_TICKET_COLUMNS}
