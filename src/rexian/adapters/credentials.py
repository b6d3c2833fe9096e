"""Sign-in material signed by the server's key (docs/trust.md): an account's password hash, a session, an API
token. Someone who can write the database but not read the key file cannot insert a session or a token for
another person, nor put a password hash of their own choosing on an account: the web refuses a row whose MAC
does not hold, and `verify` names it. (A genuine older row put back — a revoked token's row as it was before —
is not caught: the limit is documented.)"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Engine

from rexian.adapters.keys import KeyRing, keyring_for
from rexian.adapters.log_reader import comparable

SIGNED = {"accounts": ("person_id", "password_hash"),
          "sessions": ("token_hash", "person_id", "expires_at"),
          "api_tokens": ("token_hash", "person_id")}


def credential_digest(table: str, row: Mapping[str, Any]) -> str:
    from rexian.domain.eventlog import canonical_json

    return f"credential:{table}:" + canonical_json([comparable(row.get(name)) for name in SIGNED[table]])


def signed(engine: Engine, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row with its `mac` by the current key."""
    return {**row, "mac": keyring_for(engine).sign(credential_digest(table, row))}


def problem(ring: KeyRing, table: str, row: Mapping[str, Any]) -> str | None:
    return ring.problem(credential_digest(table, row), row.get("mac"))


def holds(engine: Engine, table: str, row: Mapping[str, Any]) -> bool:
    return problem(keyring_for(engine), table, row) is None
