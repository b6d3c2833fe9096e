"""Storing the desk's event streams and the outbox, always inside the caller's transaction.

A desk stream is appended to exactly as a ticket's is: the records are sealed onto the stream's head with
`eventlog.seal`, written as `event_row`s, and the projection row moves on under optimistic concurrency
(its `version`), so two officers acting on the same clue at once cannot fork its chain.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from rexian.adapters import desk_tables as dt
from rexian.adapters.keys import sign_rows
from rexian.adapters.repository import event_row, row_to_record
from rexian.domain.errors import Conflict
from rexian.domain.eventlog import GENESIS_HASH, canonical_json, seal

SOURCE = "rexian-desk"


def stream_events(connection: Connection, stream_id: str) -> list[dict[str, Any]]:
    rows = connection.execute(select(dt.supervision_events).where(dt.supervision_events.c.ticket_id == stream_id)
                              .order_by(dt.supervision_events.c.seq))
    return [row_to_record(row) for row in rows]


def record(connection: Connection, stream_id: str) -> Any:
    return connection.execute(select(dt.supervision_records)
                              .where(dt.supervision_records.c.stream_id == stream_id)).first()


def append(connection: Connection, stream_id: str, kind: str, events: Iterable[dict[str, Any]], now: datetime,
           projection: dict[str, Any], expected_version: int | None = None) -> list[dict[str, Any]]:
    """Seal `events` (action, actor, payload …) onto the stream and move its projection to `projection`
    (status, title, unit_id, … and `state`, a JSON-able dict). Returns the stored records."""
    events = list(events)
    if not events:
        return []
    head = record(connection, stream_id)
    last_seq, prev_hash, version = (head.last_seq, head.head_hash, head.version) if head else (0, GENESIS_HASH, 0)
    if expected_version is not None and expected_version != version:
        raise Conflict("desk.changed", "该记录已被他人修改，请刷新后重试")
    records = [{**event, "ticket_id": stream_id, "seq": last_seq + i, "at": now, "source": SOURCE,
                "payload": event.get("payload") or {}} for i, event in enumerate(events, 1)]
    records = list(seal(records, prev_hash))
    values = {**{k: v for k, v in projection.items() if k != "state"},
              "state": canonical_json(projection.get("state") or {}), "updated_at": now,
              "last_seq": records[-1]["seq"], "head_hash": records[-1]["hash"]}
    if head is None:
        connection.execute(insert(dt.supervision_records).values(
            stream_id=stream_id, kind=kind, created_at=now, version=1, **values))
    else:
        done = connection.execute(update(dt.supervision_records).where(
            dt.supervision_records.c.stream_id == stream_id, dt.supervision_records.c.version == version)
            .values(version=version + 1, **values))
        if done.rowcount != 1:
            raise Conflict("desk.changed", "该记录已被他人修改，请刷新后重试")
    connection.execute(insert(dt.supervision_events), sign_rows(connection, [event_row(r) for r in records]))
    return records


def enqueue(connection: Connection, topic: str, ref: str, payload: dict[str, Any], now: datetime) -> str:
    """One change for dashboards and webhooks, in the caller's transaction (`enqueue_many`); its key."""
    return enqueue_many(connection, [(topic, ref, payload)], now)[0]


def enqueue_many(connection: Connection, changes: Iterable[tuple[str, str, dict[str, Any]]], now: datetime) -> list[str]:
    """Changes (topic, ref, payload) for dashboards and webhooks, in the caller's transaction. Each key is made once
    here and travels unchanged with every delivery attempt (the receiver's idempotency key). Each row takes its
    number on the global log sequence and its own number among the outbox rows (`outbox_seq`, counter `outbox`:
    1, 2, 3 … without gaps), both under its MAC, so a row deleted leaves a gap. The log counter first, then the
    outbox's (every outbox writer in that order: no deadlock); both held to commit, so outbox numbers commit in order
    and a gap a reader sees is a row deleted, never one committing late. Many changes take one statement (a
    batch of findings stored at once: one INSERT per row cost three quarters of storing a finding)."""
    from rexian.adapters.keys import keyring_for, take_log_seqs
    from rexian.adapters.repository import next_counter

    changes = list(changes)
    if not changes:
        return []
    first = take_log_seqs(connection, len(changes))
    ordinal = next_counter(connection, OUTBOX_COUNTER, len(changes)) - len(changes) + 1
    ring = keyring_for(connection.engine)  # after the numbers: a rotation holds the counter (keys.rotate_keys)
    rows = []
    for offset, (topic, ref, payload) in enumerate(changes):
        row = {"key": f"{topic}:{ref}:{uuid.uuid4().hex[:16]}", "topic": topic, "ref": ref, "created_at": now,
               "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str),
               "log_seq": first + offset, "outbox_seq": ordinal + offset}
        rows.append({**row, "mac": ring.sign(outbox_digest(row))})
    connection.execute(insert(dt.outbox), rows)
    return [row["key"] for row in rows]


def outbox_digest(row: Any) -> str:
    """What an outbox row's MAC covers: everything a dashboard or a webhook receiver is sent, and (rows since
    0013_trust10) its log number and its number among the outbox rows, so that a row deleted leaves a gap."""
    from rexian.adapters.bookkeeping import signed_text

    values = row if isinstance(row, Mapping) else row._mapping
    signed = OUTBOX_SIGNED if values.get("log_seq") is None and values.get("outbox_seq") is None else OUTBOX_NUMBERED
    return "outbox:" + signed_text(*(values.get(name) for name in signed))


OUTBOX_SIGNED = ("key", "topic", "ref", "payload", "created_at")
OUTBOX_NUMBERED = (*OUTBOX_SIGNED, "log_seq", "outbox_seq")
OUTBOX_COUNTER = "outbox"  # the counter of `outbox_seq`


def outbox_problem(ring: Any, row: Any) -> str | None:
    """Why an outbox row (with its `mac`) was not written by this server; None when it was. Any key of the ring
    will do (a row is pushed once, soon after it is written; rows from before a rotation are still delivered)."""
    values = row if isinstance(row, Mapping) else row._mapping
    return ring.problem(outbox_digest(values), values.get("mac"))
