"""The store of callers' personal data, apart from the event log (domain/personal.py, docs/trust.md).
The one access function for a caller's details is `caller_details`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterator

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from rexian.adapters import tables as t


def hold(connection: Connection, ticket_id: str, salt: str, held: dict[str, Any], now: datetime) -> None:
    connection.execute(insert(t.personal_data).values(ticket_id=ticket_id, salt=salt,
                                                      data=json.dumps(held, ensure_ascii=False), held_at=now))


def caller_details(connection: Connection, ticket_id: str) -> dict[str, Any] | None:
    """The caller's name, phone and identifier of a ticket; None when none were held or they were erased."""
    row = connection.execute(select(t.personal_data.c.data).where(t.personal_data.c.ticket_id == ticket_id)).first()
    return json.loads(row.data) if row is not None and row.data else None


def held_before(connection: Connection, cutoff: datetime) -> list[str]:
    """Tickets whose personal data has been held since before `cutoff` and is not yet erased."""
    rows = connection.execute(select(t.personal_data.c.ticket_id)
                              .where(t.personal_data.c.held_at < cutoff, t.personal_data.c.erased_at.is_(None))
                              .order_by(t.personal_data.c.ticket_id))
    return [row.ticket_id for row in rows]


def erase(connection: Connection, ticket_id: str, now: datetime) -> bool:
    done = connection.execute(update(t.personal_data)
                              .where(t.personal_data.c.ticket_id == ticket_id, t.personal_data.c.erased_at.is_(None))
                              .values(data=None, salt=None, erased_at=now))
    return done.rowcount == 1


def iter_raw_held(connection: Connection) -> Iterator[tuple[Any, Any, Any, Any]]:
    """(ticket_id, salt, data, erased_at) as stored, for `verify`."""
    yield from connection.exec_driver_sql("SELECT ticket_id, salt, data, erased_at FROM personal_data")
