"""Reading the log as stored, for `verify`: raw driver values, no type processing, so that a row however
malformed (text in a number or time column, a payload that is not JSON) is read, not raised on.

The checks decide what a value means (domain/chain_check.py); this module only fetches.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

EVENT_FIELDS = ("id", "ticket_id", "seq", "at", "action", "actor_id", "actor_unit_id", "target_unit_id",
                "payload", "source", "prev_hash", "hash", "mac", "log_seq")
TABLES = ("events", "org_events", "supervision_events")
# A workflow event's request (0018_trust12: its idempotency key's digest and command fingerprint, under its MAC).
REQUEST_FIELDS = ("request_key", "request_command")


def _rows(connection: Connection, sql: str, batch: int = 20_000) -> Iterator[tuple]:
    result = connection.exec_driver_sql(sql, execution_options={"stream_results": True, "yield_per": batch})
    yield from result


def iter_raw_streams(connection: Connection, table: str = "events") -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    """Every stream of an event table with its raw rows in stored (id) order."""
    assert table in TABLES
    current, rows = None, []
    fields = EVENT_FIELDS + REQUEST_FIELDS if table == "events" else EVENT_FIELDS
    sql = f"SELECT {', '.join(fields)} FROM {table} ORDER BY ticket_id, id"
    for values in _rows(connection, sql):
        row = dict(zip(fields, values))
        if row["ticket_id"] != current and rows:
            yield current, rows
            rows = []
        current = row["ticket_id"]
        rows.append(row)
    if rows:
        yield current, rows


AUDIT = "audit_log"  # numbered on the same log sequence and signed (adapters/audit.py)
AUDIT_FIELDS = ("id", "at", "person_id", "action", "ticket_id", "reason", "log_seq", "mac")
FINDING_CHANGES = "finding_events"  # the findings' signed changes, on the same sequence (adapters/findings.py)
FINDING_CHANGE_FIELDS = ("id", "finding_key", "at", "actor_id", "old_status", "new_status", "reason", "digest",
                         "log_seq", "mac")
OUTBOX = "outbox"  # what dashboards and webhooks are sent: numbered since 0013_trust10 (adapters/desk_store.py)
IDEMPOTENCY = "idempotency"  # a key's record of what its command did: numbered since 0015_trust11b (service/hotline.py)
# Numbered records outside the event tables: table → its stream column (an audit record's ticket, a finding's key).
RECORDS = {AUDIT: "ticket_id", FINDING_CHANGES: "finding_key"}
CALL_RECORDS = ("calls", "agent_status", "roster")  # numbered on their own counters (0017_trust11c)
# What a checkpoint digests of a row: (position, stream, place, authenticator); a record's MAC covers its content.
_DIGESTED = {**{table: "id, ticket_id, seq, hash" for table in TABLES},
             **{table: f"id, {stream}, log_seq, mac" for table, stream in RECORDS.items()},
             OUTBOX: "id, key, log_seq, mac",  # since 0014_trust11; the MAC covers its content and outbox number
             # since 0018_trust12: an idempotency record has no id, its place is its log number (unnumbered records
             # are named by verify on their own); a call-centre record's MAC covers its columns and number
             IDEMPOTENCY: f"log_seq, {IDEMPOTENCY}.key, log_seq, mac",
             **{table: "id, import_id, record_seq, mac" for table in CALL_RECORDS}}
# The column a checkpoint bounds a table's range by: its id, growing as rows are added.
POSITION = {IDEMPOTENCY: "log_seq"}


def iter_raw_by_id(connection: Connection, table: str, after: int, upto: int | None = None) -> Iterator[tuple]:
    """(id, ticket_id, seq, hash) of the rows with `after` < id <= `upto`, in id order (audit records:
    (id, ticket_id, log_seq, mac); `POSITION` names the tables placed by another column than id)."""
    place = POSITION.get(table, "id")
    bound = "" if upto is None else f" AND {place} <= {int(upto)}"
    yield from _rows(connection, f"SELECT {_DIGESTED[table]} FROM {table} WHERE {place} > {int(after)}{bound} "
                                 f"ORDER BY {place}")


def iter_log_sequence(connection: Connection) -> Iterator[tuple]:
    """(log_seq, table, stream, seq) of every event of every event table and of every numbered record (audit
    records, the findings' changes, the outbox's rows, the idempotency records; stream: its ticket, finding, ref or
    key, seq: its id, or an idempotency record's number), in log
    sequence order (the
    database merges the tables' unique indexes), for the check that the global sequence has no gaps."""
    parts = " UNION ALL ".join([*(f"SELECT log_seq, '{table}' AS tbl, ticket_id, seq FROM {table}" for table in TABLES),
                                *(f"SELECT log_seq, '{table}' AS tbl, {stream}, id FROM {table}"
                                  for table, stream in RECORDS.items()),
                                # the outbox's numbered rows (0013_trust10; digested by checkpoints since 0014_trust11)
                                f"SELECT log_seq, '{OUTBOX}' AS tbl, ref, id FROM {OUTBOX} WHERE log_seq IS NOT NULL",
                                # the idempotency records (0015_trust11b): one deleted would let its retry act again
                                f"SELECT log_seq, '{IDEMPOTENCY}' AS tbl, {IDEMPOTENCY}.key, log_seq FROM {IDEMPOTENCY} "
                                f"WHERE log_seq IS NOT NULL"])
    yield from _rows(connection, f"SELECT log_seq, tbl, ticket_id, seq FROM ({parts}) AS log ORDER BY log_seq")


def iter_raw_audit(connection: Connection) -> Iterator[dict[str, Any]]:
    for values in _rows(connection, f"SELECT {', '.join(AUDIT_FIELDS)} FROM {AUDIT} ORDER BY id"):
        yield dict(zip(AUDIT_FIELDS, values))


def iter_raw_finding_changes(connection: Connection) -> Iterator[dict[str, Any]]:
    """The findings' changes in log order (rows without a number last, in id order)."""
    order = "CASE WHEN log_seq IS NULL THEN 1 ELSE 0 END, log_seq, id"
    for values in _rows(connection, f"SELECT {', '.join(FINDING_CHANGE_FIELDS)} FROM {FINDING_CHANGES} ORDER BY {order}"):
        yield dict(zip(FINDING_CHANGE_FIELDS, values))


def raw_ticket_rows(connection: Connection) -> Iterator[dict[str, Any]]:
    from rexian.adapters.tables import tickets

    names = [column.name for column in tickets.columns]
    for values in _rows(connection, f"SELECT {', '.join(names)} FROM tickets"):
        yield dict(zip(names, values))


def raw_rows(connection: Connection, table_name: str, names: tuple[str, ...] | None = None) -> Iterator[dict[str, Any]]:
    """Every row of a declared table (all its columns, or `names`) as stored, for the projection checks."""
    from rexian.adapters import desk_tables, findings_tables  # noqa: F401 - declare their tables on the metadata
    from rexian.adapters.tables import metadata

    table = metadata.tables[table_name]
    names = names or tuple(column.name for column in table.columns)
    assert set(names) <= set(table.c.keys())
    for values in _rows(connection, f"SELECT {', '.join(names)} FROM {table_name}"):
        yield dict(zip(names, values))


def counters(connection: Connection) -> dict[Any, Any]:
    return dict(connection.exec_driver_sql("SELECT name, value FROM counters").all())


def comparable(value: Any) -> Any:
    """A stored value in one form on every database: times as SQLAlchemy's SQLite text, numbers as numbers."""
    if isinstance(value, datetime):
        return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}:"
                f"{value.second:02d}.{value.microsecond:06d}")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        # SQLite stores a BLOB in any column. No genuine signed value is bytes (the digests' JSON cannot encode
        # them: verify stopped with a TypeError, trust13), and no column value is a list, so this form cannot
        # collide with a genuine value: the row's digest simply differs from what was signed.
        return ["bytes", bytes(value).hex()]
    return value
