"""The supervisor's desk: its hash-chained event log, the projection of its objects, and the outbox of
finding changes with its webhook delivery log.

Same `metadata` as `tables.py`; migration `0004_desk` creates exactly these tables and the two columns it
adds to `findings`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from rexian.adapters.tables import _event_columns, metadata

# One stream per desk object (clue, supervision order, bulletin, finding decisions), chained exactly like a
# ticket's events; `stream` kinds are told apart by the projection's `kind`.
supervision_events = Table(
    "supervision_events", metadata, *_event_columns(),
    UniqueConstraint("ticket_id", "seq", name="uq_supervision_events_stream_seq"),
    Index("ix_supervision_events_log_seq", "log_seq", unique=True),
)

# The projection of each desk stream (like `tickets` for ticket streams): what lists and pages read, and the
# head (last seq, hash) that `verify` checks the stream against.
supervision_records = Table(
    "supervision_records", metadata,
    Column("stream_id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # finding / clue / order / bulletin
    Column("status", String(32), nullable=False),
    Column("title", Text),
    Column("unit_id", String(64)),
    Column("person_id", String(64)),
    Column("officer_id", String(64)),
    Column("batch", String(32)),
    Column("due_at", DateTime),
    Column("state", Text, nullable=False),  # JSON of the replayed object
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("last_seq", Integer, nullable=False),
    Column("head_hash", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_supervision_records_kind_status", "kind", "status"),
    Index("ix_supervision_records_unit", "unit_id"),
)

# Every finding change, written in the same transaction as the change itself; `key` is the idempotency key
# a webhook receiver de-duplicates on (one per change, the same on every retry).
outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(240), nullable=False, unique=True),
    Column("topic", String(32), nullable=False),  # finding.added / finding.updated / finding.decided ...
    Column("ref", String(200), nullable=False),  # the finding key
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    # The server's MAC of key, topic, ref, payload and time (adapters/desk_store.py: outbox_digest): a row inserted
    # or rewritten by SQL is neither pushed to dashboards nor sent, signed with the webhook secret, to partners.
    Column("mac", String(80)),
    # Since 0013_trust10: the row's number on the global log sequence and its own number among the outbox rows
    # (counter `outbox`: 1, 2, 3 … without gaps), both under the MAC, so a row deleted is a gap `verify` and the
    # dispatcher name (rows from before: NULL).
    Column("log_seq", BigInteger),
    Column("outbox_seq", BigInteger),
    Index("ix_outbox_log_seq", "log_seq", unique=True),
    # SQLite: AUTOINCREMENT (since 0014_trust11), so the id of a deleted newest row is never handed out again — a
    # reused id sat behind the dispatcher's cursor and was never sent.
    sqlite_autoincrement=True,
)

webhook_cursors = Table(
    "webhook_cursors", metadata,
    Column("endpoint", String(500), primary_key=True),
    Column("last_outbox_id", Integer, nullable=False),
    # The server's MAC of endpoint and position (adapters/bookkeeping.py, since 0014_trust11): a cursor moved ahead
    # by SQL, skipping rows that would never be sent, is not trusted by the dispatcher and is named by `verify`.
    Column("mac", String(80)),
)

webhook_deliveries = Table(
    "webhook_deliveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("outbox_id", Integer, nullable=False),
    Column("endpoint", String(500), nullable=False),
    Column("status", String(16), nullable=False),  # pending / delivered / failed / refused (a forged outbox row)
    Column("attempts", Integer, nullable=False),
    Column("next_at", DateTime, nullable=False),
    Column("last_error", Text),
    Column("delivered_at", DateTime),
    # The server's MAC of the outbox row's key, the endpoint, status and next attempt (adapters/bookkeeping.py, since
    # 0014_trust11): a delivery marked `delivered` by SQL though never sent is named by `verify` and sent again.
    Column("mac", String(80)),
    UniqueConstraint("outbox_id", "endpoint", name="uq_webhook_deliveries_outbox_endpoint"),
    Index("ix_webhook_deliveries_due", "status", "next_at"),
)

webhook_attempts = Table(
    "webhook_attempts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", Integer, nullable=False),
    Column("at", DateTime, nullable=False),
    Column("http_status", Integer),
    Column("error", Text),
    Column("millis", Integer),
    Index("ix_webhook_attempts_delivery", "delivery_id"),
)
