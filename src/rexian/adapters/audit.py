"""The audit log of personal-data reads and account changes, tamper-evident like the events (docs/trust.md): each
record takes its number on the global log sequence (the events' counter, so a record deleted leaves a gap
`verify` names, as a deleted event does) and a MAC by the server's key over that number and its content."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from rexian.adapters import tables as t
from rexian.adapters.keys import keyring_for, take_log_seqs
from rexian.adapters.log_reader import comparable

AUDITED = ("at", "person_id", "action", "ticket_id", "reason")
ACCOUNT_STATE = "account_state"  # an account enabled, disabled or locked out (person_id: the account's own person)


def record_digest(kind: str, log_seq: Any, row: Any, names: tuple[str, ...]) -> str:
    """What a numbered record's `mac` authenticates: its kind, its place in the log and every field it records
    (read as stored on any database: `comparable`)."""
    from rexian.domain.eventlog import canonical_json

    return f"{kind}:{log_seq}:" + canonical_json([comparable(row.get(name)) for name in names])


def audit_digest(log_seq: Any, row: Any) -> str:
    return record_digest("audit", log_seq, row, AUDITED)


def append_signed(connection: Connection, table: Any, kind: str, names: tuple[str, ...],
                  rows: list[dict[str, Any]]) -> int | None:
    """Records (dicts of `names`) numbered on the global log sequence, signed and inserted into `table` in the
    caller's transaction; the first number (None when there are none). The log counter is the transaction's
    last lock (docs/trust.md): only rows it already holds may be written after this."""
    if not rows:
        return None
    first = take_log_seqs(connection, len(rows))
    ring = keyring_for(connection.engine)  # after the numbers: a rotation holds the counter (keys.rotate_keys)
    signed = []
    for number, row in enumerate(rows, first):
        row = {name: row.get(name) for name in names}
        signed.append({**row, "log_seq": number, "mac": ring.sign(record_digest(kind, number, row, names))})
    connection.execute(insert(table), signed)
    return first


def append_audit(connection: Connection, rows: list[dict[str, Any]]) -> int | None:
    """Audit records (dicts of AUDITED), numbered and signed; the first number."""
    return append_signed(connection, t.audit_log, "audit", AUDITED, rows)
