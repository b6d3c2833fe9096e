"""Bulk loading of whole ticket histories (the simulator, later the importers) into a migrated database.

The events are the domain's sealed records, written as `event_row` makes them and the ticket projections
as `projection_of` makes them (version 1), in large executemany batches inside the caller's transaction,
so that `rexian verify` sees exactly what the live application would have written.

On SQLite the rows go straight to the driver (`exec_driver_sql` executemany with ready-made tuples, times
as the text SQLAlchemy's `DateTime` stores), skipping SQLAlchemy's per-row parameter processing; on other
databases through Core `insert`. tests/importing check that both give identical rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from rexian.adapters import tables as t, word_index
from rexian.adapters.keys import event_digest, keyring_for, sign_heads, sign_rows, take_log_seqs
from rexian.adapters.manifests import record_manifest
from rexian.adapters.repository import OrgRepository, event_row
from rexian.domain.org import Organisation
from rexian.domain.records import EVENT_FIELDS
from rexian.domain.org_changes import plan_changes

TICKET_COLUMNS = tuple(column.name for column in t.tickets.columns)
EVENT_COLUMNS = EVENT_FIELDS
# Tuples carry EVENT_COLUMNS; the global log sequence number and the server's MAC are added as they are inserted
# (adapters/keys.py).
_INSERT_EVENTS = (f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}, log_seq, mac) "
                  f"VALUES ({', '.join('?' for _ in EVENT_COLUMNS)}, ?, ?)")
_INSERT_TICKETS = (f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}) "
                   f"VALUES ({', '.join('?' for _ in TICKET_COLUMNS)})")


def db_time(value: datetime | None) -> str | None:
    """A time as SQLAlchemy's SQLite `DateTime` stores it (always with microseconds)."""
    if value is None:
        return None
    return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}:"
            f"{value.second:02d}.{value.microsecond:06d}")


def event_tuple(r: dict[str, Any]) -> tuple:
    """An event row (dict, `payload` already JSON text) as the SQLite tuple of `insert_event_tuples`."""
    return (r["ticket_id"], r["seq"], db_time(r["at"]), r["action"], r["actor_id"], r["actor_unit_id"],
            r["target_unit_id"], r["payload"], r["source"], r["prev_hash"], r["hash"])


def insert_event_rows(connection: Connection, rows: list[dict[str, Any]]) -> int:
    """Insert event rows (dicts with every column of `EVENT_COLUMNS`; `payload` already JSON text)."""
    if not rows:
        return 0
    if connection.dialect.name == "sqlite":
        insert_event_tuples(connection, [event_tuple(r) for r in rows])
    else:
        connection.execute(insert(t.events), sign_rows(connection, [dict(r) for r in rows]))
    return len(rows)


def insert_event_tuples(connection: Connection, rows: list[tuple]) -> int:
    """SQLite only: event rows already as tuples in `EVENT_COLUMNS` order, `at` as `db_time` text."""
    if rows:
        sign = keyring_for(connection.engine).sign
        first = take_log_seqs(connection, len(rows))
        connection.exec_driver_sql(_INSERT_EVENTS, [(*row, number, sign(event_digest(number, row[10])))
                                                    for number, row in enumerate(rows, first)])
    return len(rows)


def insert_ticket_rows(connection: Connection, rows: list[dict[str, Any]]) -> int:
    """Insert ticket projections (dicts; a missing column is null), each with the MAC of its chain head."""
    if not rows:
        return 0
    rows = sign_heads(connection, [dict(row) for row in rows])
    if connection.dialect.name == "sqlite":
        tuples = [tuple([db_time(v) if isinstance(v, datetime) else v for v in map(row.get, TICKET_COLUMNS)])
                  for row in rows]
        word_index.insert_indexed(connection, lambda: connection.exec_driver_sql(_INSERT_TICKETS, tuples),
                                  [row["ticket_id"] for row in rows])
    else:
        connection.execute(insert(t.tickets), [{name: row.get(name) for name in TICKET_COLUMNS} for row in rows])
    return len(rows)


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
    """Insert sealed event records and ticket projections (dicts with every `tickets` column), and the signed
    manifest of the tickets written (adapters/manifests.py)."""
    projections = list(projections)
    records = _held_apart(connection, records, projections)
    written = (insert_event_rows(connection, [event_row(record) for record in records]),
               insert_ticket_rows(connection, projections))
    record_manifest_of(connection, projections)
    return written


def _held_apart(connection: Connection, records: Iterable[dict], projections: list[dict]) -> list[dict]:
    """Callers' details held apart as the workflow's intake holds them (adapters/personal.py): the tickets
    concerned sealed again and their projections replayed (`projections` updated in place)."""
    from rexian.adapters.personal import apart, hold
    from rexian.adapters.projection import projection_of
    from rexian.domain.model import Ticket

    by_ticket: dict[str, list[dict]] = {}
    for record in records:
        by_ticket.setdefault(record["ticket_id"], []).append(record)
    out, changed = [], {}
    for ticket_id, history in by_ticket.items():
        history, salt, held = apart(connection, ticket_id, history)
        if held:
            hold(connection, ticket_id, salt, held, history[0]["at"])
            changed[ticket_id] = history
        out += history
    for index, row in enumerate(projections):
        if row["ticket_id"] in changed:
            projections[index] = {**row, **projection_of(Ticket.replay(row["ticket_id"], changed[row["ticket_id"]]),
                                                         row.get("updated_at"))}
    return out


def record_manifest_of(connection: Connection, projections: list[dict]) -> None:
    """The manifest of ticket projections just written, named by their source."""
    if projections:
        sources = sorted({str(row.get("source")) for row in projections})
        record_manifest(connection, ",".join(sources),
                        [(row["ticket_id"], row["last_seq"], row["head_hash"]) for row in projections])
