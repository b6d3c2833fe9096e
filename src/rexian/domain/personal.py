"""Callers' personal data held apart from the chained events (个人信息保护法; docs/trust.md).

A workflow intake's TicketReceived event does not carry the caller's name, phone or own identifier: they are
held in a separate store that can be erased after the retention period. The event carries instead
- `caller_id`: a pseudonym (a keyed hash of the caller's identifier or phone), so repeat-caller rules still see
  the same caller, and
- `personal_digest`: a salted digest of exactly what is held, so that the held data is tamper-evident while it
  exists, and the chain still verifies once it is erased (the digest reveals nothing without the salt).
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable

from rexian.domain.eventlog import canonical_json

PERSONAL_FIELDS = ("caller_id", "caller_name", "caller_phone")


def personal_digest(salt: str, held: dict[str, Any]) -> str:
    return hashlib.sha256((salt + canonical_json(held)).encode("utf-8")).hexdigest()


def separate(payload: dict[str, Any], salt: str,
             pseudonym: Callable[[str], str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the payload to chain, the personal data to hold apart). Nothing to hold: the payload unchanged."""
    held = {name: payload[name] for name in PERSONAL_FIELDS if payload.get(name)}
    if not held:
        return payload, {}
    chained = {name: value for name, value in payload.items() if name not in PERSONAL_FIELDS}
    chained["caller_id"] = pseudonym(str(held.get("caller_id") or held.get("caller_phone") or held["caller_name"]))
    chained["personal_digest"] = personal_digest(salt, held)
    return chained, held
