"""The database schema (SQLAlchemy Core). Migrations in `migrations/versions` create exactly this.

Times are naive local wall-clock times of the centre (setting `timezone`). Event payloads are stored as
canonical JSON text, the same bytes the hash covers.
"""

from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, Float, Index, Integer, LargeBinary, MetaData,
                        String, Table, Text, UniqueConstraint, func)

from rexian.domain import records

metadata = MetaData()

units = Table(
    "units", metadata,
    Column("unit_id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("parent_id", String(64)),
    Column("area", String(64)),
    Column("active", Boolean, nullable=False, default=True),
)

people = Table(
    "people", metadata,
    Column("person_id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("unit_id", String(64), nullable=False),
    Column("roles", Text, nullable=False),  # comma-separated role codes
    Column("phone", String(64)),
    Column("active", Boolean, nullable=False, default=True),
)

categories = Table(
    "categories", metadata,
    Column("code", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("parent_code", String(64)),
    Column("handle_days", Integer),
    Column("urgent_hours", Integer),
)

catalogue = Table(
    "catalogue", metadata,
    Column("category", String(64), primary_key=True),
    Column("area", String(64), primary_key=True),  # '' = any area
    Column("lead_unit_id", String(64), nullable=False),
    Column("assisting_unit_ids", Text, nullable=False, default=""),
)

# The administrator's days of the working calendar over the year files (docs/calendar.md), logged on the ORG chain.
calendar_days = Table(
    "calendar_days", metadata,
    Column("day", String(10), primary_key=True),  # YYYY-MM-DD
    Column("kind", String(16), nullable=False),  # holiday / workday / ordinary
    Column("name", Text, nullable=False),  # why: the holiday, the notice
)


def _event_columns() -> list[Column]:
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("ticket_id", String(64), nullable=False),
        Column("seq", Integer, nullable=False),
        Column("at", DateTime, nullable=False),
        Column("action", String(64), nullable=False),
        Column("actor_id", String(64)),
        Column("actor_unit_id", String(64)),
        Column("target_unit_id", String(64)),
        Column("payload", Text, nullable=False),
        Column("source", String(64), nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
        Column("mac", String(80)),  # the server's key id and MAC of `hash` and `log_seq` (adapters/keys.py)
        # The event's place in the one global log sequence across all event tables, gap-free (0006_trust3).
        Column("log_seq", BigInteger),
    ]


events = Table(
    "events", metadata, *_event_columns(),
    # The request a workflow command was sent with (0018_trust12): a digest of its idempotency key and the command's
    # fingerprint, on every event the command appended, under the event's MAC (adapters/keys.py `event_digest`). A
    # retry whose idempotency record was deleted by SQL finds what it did here and is answered, not run twice.
    Column("request_key", String(64)),
    Column("request_command", String(64)),
    UniqueConstraint("ticket_id", "seq", name="uq_events_ticket_seq"),
    Index("ix_events_log_seq", "log_seq", unique=True),
    Index("ix_events_action_at", "action", "at"),
    Index("ix_events_at", "at"),
    Index("ix_events_request_key", "request_key"),
)

org_events = Table(
    "org_events", metadata, *_event_columns(),
    UniqueConstraint("ticket_id", "seq", name="uq_org_events_stream_seq"),
    Index("ix_org_events_log_seq", "log_seq", unique=True),
)

tickets = Table(
    "tickets", metadata,
    Column("ticket_id", String(64), primary_key=True),
    Column("status", String(32), nullable=False),
    Column("received_at", DateTime),
    Column("channel", String(32)),
    Column("category", String(64)),
    Column("urgency", String(16)),
    Column("kind", String(32)),
    Column("area", String(64)),
    Column("address", Text),
    Column("place_id", String(64)),
    Column("lon", Float),
    Column("lat", Float),
    Column("caller_id", String(64)),
    Column("caller_phone", String(64)),
    Column("title", Text),
    Column("content", Text),
    Column("first_unit_id", String(64)),
    Column("lead_unit_id", String(64)),
    Column("due_at", DateTime),
    Column("closed_at", DateTime),
    Column("source", String(64), nullable=False),
    Column("last_seq", Integer, nullable=False),
    Column("head_hash", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime),
    Column("head_mac", String(80)),  # the server's MAC of ticket, last_seq and head_hash (adapters/keys.py)
    Index("ix_tickets_status", "status"),
    Index("ix_tickets_lead_unit", "lead_unit_id"),
    Index("ix_tickets_received_at", "received_at"),
    Index("ix_tickets_caller_phone", "caller_phone"),  # the web's search by phone and the caller's history
    Index("ix_tickets_lead_unit_due", "lead_unit_id", "status", "due_at"),  # inboxes sorted by deadline
)

# The web's lists at a city's scale (0005_perf): the unit a ticket belongs to for scope (its lead unit, or
# before dispatch the first unit; web/queries.py asks exactly this expression), then state and deadline, so an
# inbox is read in deadline order off the index; and state with time and category for filtered lists. Both
# end with the ticket id, which the list's order and its page-of-ids query need.
SCOPE_UNIT = func.coalesce(tickets.c.lead_unit_id, tickets.c.first_unit_id)
LIST_INDEXES = (
    # the two unit columns at the end make it covering for SQLite before 3.41, which reads the row otherwise
    Index("ix_tickets_scope_status_due", SCOPE_UNIT, tickets.c.status, tickets.c.due_at, tickets.c.ticket_id,
          tickets.c.lead_unit_id, tickets.c.first_unit_id),
    Index("ix_tickets_status_received", tickets.c.status, tickets.c.received_at, tickets.c.category,
          tickets.c.ticket_id),
)

idempotency = Table(
    "idempotency", metadata,
    Column("key", String(200), primary_key=True),
    Column("command", String(64), nullable=False),
    Column("ticket_id", String(64)),
    Column("result", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    # The server's MAC of key, command, ticket and result (adapters/bookkeeping.py, since 0014_trust11): a result
    # rewritten by SQL is refused instead of being answered to the retried request, and named by `verify`.
    Column("mac", String(80)),
    # Its number on the global log sequence, under the MAC (0015_trust11b): a record deleted by SQL — its retry would
    # act a second time, a duplicate intake — is a gap in the log sequence that `verify` names.
    Column("log_seq", BigInteger),
    Index("ix_idempotency_log_seq", "log_seq", unique=True),
)

counters = Table(
    "counters", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),  # 64 bits: the `log` counter numbers every event
)

APPEND_ONLY_TABLES = ("events", "org_events")

# Callers' personal data held apart from the chained events (domain/personal.py): erased after the retention
# period (`data` and `salt` emptied, `erased_at` set) while the chain, which holds only a salted digest, verifies.
personal_data = Table(
    "personal_data", metadata,
    Column("ticket_id", String(64), primary_key=True),
    Column("salt", String(64)),
    Column("data", Text),
    Column("held_at", DateTime, nullable=False),
    Column("erased_at", DateTime),
    # The caller's phone as its keyed pseudonym (adapters/keys.py): the web's search by phone and the caller's
    # history find held tickets by an index instead of reading every held row; emptied with `data` at erasure.
    Column("phone_key", String(32)),
    Index("ix_personal_data_phone_key", "phone_key"),
)

# Signed checkpoints over the whole log (docs/trust.md): checkpoint n digests every event with an id up to
# `events_upto` (and `org_events_upto`) after checkpoint n-1's digest; exported as small files to file elsewhere.
checkpoints = Table(
    "checkpoints", metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("made_at", DateTime, nullable=False),
    Column("events_upto", Integer, nullable=False),
    Column("org_events_upto", Integer, nullable=False),
    Column("events", Integer, nullable=False),
    Column("org_events", Integer, nullable=False),
    # The desk's events too, and the audit records, since 0007_attack5 (empty in older checkpoints).
    Column("supervision_events_upto", Integer),
    Column("supervision_events", Integer),
    Column("audit_log_upto", Integer),
    Column("audit_log", Integer),
    # The findings' signed changes, since 0009_trust7.
    Column("finding_events_upto", Integer),
    Column("finding_events", Integer),
    # The outbox's rows (what dashboards and webhooks are sent), since 0014_trust11.
    Column("outbox_upto", Integer),
    Column("outbox", Integer),
    # Since 0018_trust12: the idempotency records (bounded by log number) and the call-centre records (by id).
    *(Column(name, BigInteger if table == "idempotency" and name.endswith("_upto") else Integer)
      for table in ("idempotency", "calls", "agent_status", "roster") for name in (f"{table}_upto", table)),
    Column("previous_digest", String(64), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("mac", String(80), nullable=False),
)

# One row per import run (docs/importing.md). A run that was killed is marked `interrupted` once its lease expires
# (importing/runs.py): its whole-ticket batches that were committed are kept, and running the same import again
# completes it.
imports = Table(
    "imports", metadata,
    Column("import_id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False),
    Column("inputs", Text, nullable=False),
    Column("mapping", Text),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("status", String(16), nullable=False),  # running / done / failed / interrupted (killed: runs.py)
    Column("rows_in", Integer),
    Column("rows_imported", Integer),
    Column("rows_rejected", Integer),
    Column("tickets_added", Integer),
    Column("tickets_grown", Integer),
    Column("tickets_unchanged", Integer),
    Column("events_added", Integer),
    # While running: who runs it (host and process id, shown only) and its lease, renewed by a heartbeat, so that a
    # run killed half way is told from one still working and marked interrupted (importing/runs.py).
    Column("runner", String(128)),
    Column("progressed_at", DateTime),
)

# Import manifests (docs/trust.md): each batch an import or `simulate --db` stores records its tickets with their
# event counts and chain heads, signed with the server's key and chained to the manifest before it, so that a
# whole imported ticket deleted (it has no counter number) is named by `verify`. Append-only.
import_manifests = Table(
    "import_manifests", metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("made_at", DateTime, nullable=False),
    Column("source", String(64), nullable=False),
    Column("tickets", Text, nullable=False),  # JSON {ticket_id: [event count, head hash]}
    Column("previous_mac", String(80), nullable=False),
    Column("mac", String(80), nullable=False),
)

# --- the web application (docs/web.md): accounts tied to the organisation's people, their sessions and API
# tokens, the audit of unmasked reads, uploaded evidence files and the citizen portal's query codes.
accounts = Table(
    "accounts", metadata,
    Column("person_id", String(64), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    # The log number of the account's newest account-state audit record (0009_trust7), and the server's MAC of
    # person, password hash, active, failed attempts, lock and that number (adapters/credentials.py).
    Column("state_seq", BigInteger),
    Column("mac", String(80)),
)

sessions = Table(
    "sessions", metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 of the cookie value, never the value
    Column("person_id", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    # The log number of the account's newest state record when the session began: a password change or a
    # disabling numbered after it ends the session, even put back by SQL (adapters/credentials.py).
    Column("issued_seq", BigInteger),
    Column("mac", String(80)),  # the server's MAC of token hash, person, expiry and issued_seq (adapters/credentials.py)
    Index("ix_sessions_person", "person_id"),
)

api_tokens = Table(
    "api_tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("person_id", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Column("issued_seq", BigInteger),  # as for sessions: a disabling numbered after it revokes the token for good
    Column("mac", String(80)),  # the server's MAC of token hash, person and issued_seq (adapters/credentials.py)
    # When the token last let a request in, to the minute (written at most once a minute a token: 0016_web11).
    Column("last_used_at", DateTime),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("person_id", String(64), nullable=False),
    Column("action", String(32), nullable=False),  # unmask / sign_in / account ...
    Column("ticket_id", String(64)),
    Column("reason", Text, nullable=False),
    # Numbered on the global log sequence and signed like an event (adapters/audit.py, 0007_attack5), so that
    # a record deleted or rewritten — a supervisor's own unmasking — is named by `verify`.
    Column("log_seq", BigInteger),
    Column("mac", String(80)),
    Index("ix_audit_at", "at"),
    Index("ix_audit_log_log_seq", "log_seq", unique=True),
    # An account's newest state record, looked up at every sign-in and token use (0009_trust7).
    Index("ix_audit_log_person_action", "person_id", "action", "log_seq"),
)

attachments = Table(
    "attachments", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("ticket_id", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("uploaded_by", String(64)),
    Column("uploaded_at", DateTime, nullable=False),
    Index("ix_attachments_ticket", "ticket_id"),
)

portal_codes = Table(
    "portal_codes", metadata,
    Column("ticket_id", String(64), primary_key=True),
    Column("code_hash", String(64), nullable=False),  # the server's MAC of ticket and the code's sha256 (web/portal.py)
    Column("rating", String(32)),
    Column("rated_at", DateTime),
)


# The call centre's and personnel's records (calls, agent status, roster), stored as imported: their columns
# come from the interchange declaration (domain/records.py), with a surrogate id and the declared key unique.
_RECORD_TYPES = {records.TEXT: Text, records.INT: BigInteger, records.FLOAT: Float, records.BOOL: Boolean,
                 records.TIME: DateTime, records.DATE: Date}


def _record_table(name: str) -> Table:
    key = records.KEYS[name]
    return Table(
        name, metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        *(Column(column, String(64) if column in key and kind == records.TEXT else _RECORD_TYPES[kind])
          for column, kind in records.TABLES[name]),
        Column("import_id", Integer),  # the import run that brought the row (imports.import_id), if any
        # Since 0017_trust11c: its number among the table's rows (counter `records:<name>`) and the server's MAC over
        # its columns, import run and number (adapters/bookkeeping.py `record_digest`): an edit, insert or deletion
        # by SQL changes what the call-centre rules find, and `verify` names it.
        Column("record_seq", BigInteger),
        Column("mac", String(80)),
        UniqueConstraint(*key, name=f"uq_{name}_key"),
        Index(f"ix_{name}_record_seq", "record_seq", unique=True),
    )


calls, agent_status, roster = (_record_table(name) for name in records.RECORD_TABLES)
