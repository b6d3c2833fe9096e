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


def audit_digest(log_seq: Any, row: dict[str, Any]) -> str:
    """What an audit record's `mac` authenticates: its place in the log and every field it records."""
    from rexian.domain.eventlog import canonical_json

    return f"audit:{log_seq}:" + canonical_json([comparable(row.get(name)) for name in AUDITED])


def append_audit(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Audit records (dicts of AUDITED) numbered, signed and inserted in the caller's transaction. The log
    counter is the transaction's last lock (docs/trust.md), so nothing may be written after this in it."""
    if not rows:
        return
    ring = keyring_for(connection.engine)
    first = take_log_seqs(connection, len(rows))
    signed = []
    for number, row in enumerate(rows, first):
        row = {name: row.get(name) for name in AUDITED}
        signed.append({**row, "log_seq": number, "mac": ring.sign(audit_digest(number, row))})
    connection.execute(insert(t.audit_log), signed)
