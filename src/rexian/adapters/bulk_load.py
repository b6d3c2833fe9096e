"""Bulk loading of whole ticket histories (the simulator, later the importers) into a migrated database.

The events are the domain's sealed records, written as `event_row` makes them and the ticket projections
as `projection_of` makes them (version 1), in large executemany batches inside the caller's transaction,
so that `rexian verify` sees exactly what the live application would have written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from rexian.adapters import tables as t
from rexian.adapters.repository import OrgRepository, event_row
from rexian.domain.org import Organisation
from rexian.domain.org_changes import plan_changes

TICKET_COLUMNS = tuple(column.name for column in t.tickets.columns)


class NotEmpty(Exception):
    """Bulk loading writes into an empty database only; it never merges into existing data."""


def require_empty(connection: Connection) -> None:
    for table in (t.units, t.events, t.tickets):
        if connection.execute(select(func.count()).select_from(table)).scalar():
            raise NotEmpty(f"数据库中已有{table.name}数据，批量导入只写入空数据库")


def load_organisation(connection: Connection, changes: Iterable[Mapping[str, Any]], at: datetime,
                      actor_id: str | None = None) -> int:
    """Check the organisation changes as a whole, insert their rows and log them on the ORG chain."""
    plan = plan_changes(Organisation(), list(changes))
    by_table: dict[str, list[dict]] = {}
    for table, row in plan.rows:
        by_table.setdefault(table, []).append(row)
    for table, rows in by_table.items():
        connection.execute(insert(t.metadata.tables[table]), rows)
    records = [{"at": at, "action": action, "actor_id": actor_id, "actor_unit_id": None,
                "target_unit_id": row.get("unit_id"), "payload": payload, "source": "rexian"}
               for (_, row), (action, payload) in zip(plan.rows, plan.events)]
    OrgRepository(connection).log(records)
    return len(records)


def load_tickets(connection: Connection, records: Iterable[dict], projections: Iterable[dict]) -> tuple[int, int]:
    """Insert sealed event records and ticket projections (dicts with every `tickets` column)."""
    event_rows = [event_row(record) for record in records]
    ticket_rows = [{name: projection.get(name) for name in TICKET_COLUMNS} for projection in projections]
    if event_rows:
        connection.execute(insert(t.events), event_rows)
    if ticket_rows:
        connection.execute(insert(t.tickets), ticket_rows)
    return len(event_rows), len(ticket_rows)
