"""The hash chain of the event log (see docs/events.md).

Each event's hash covers the previous event's hash and a canonical encoding of the event, so any change,
removal, insertion or reordering of a ticket's events breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Iterable, Iterator

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "ticket_id",
    "seq",
    "at",
    "action",
    "actor_id",
    "actor_unit_id",
    "target_unit_id",
    "payload",
    "source",
)


def format_time(at: datetime) -> str:
    """The one textual form of a timestamp inside the hash (naive local time, microseconds)."""
    return at.replace(tzinfo=None).isoformat(timespec="microseconds")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_time(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__} in an event payload")


def canonical_bytes(record: dict[str, Any]) -> bytes:
    """The canonical encoding of an event record: only the hashed fields, `at` in its one textual form."""
    body = {name: record.get(name) for name in HASHED_FIELDS}
    at = body["at"]
    if isinstance(at, datetime):
        body["at"] = format_time(at)
    body["payload"] = normalise_payload(body["payload"])
    return canonical_json(body).encode("utf-8")


def normalise_payload(payload: Any) -> dict[str, Any]:
    """Payloads travel as JSON text in files and databases; hash them as the decoded object."""
    if payload is None:
        return {}
    # A round trip through JSON makes datetimes and tuples look exactly as they will after storage.
    decoded: dict[str, Any] = json.loads(payload if isinstance(payload, (str, bytes)) else canonical_json(payload))
    return decoded


def chain_hash(prev_hash: str, record: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_bytes(record)).hexdigest()


def seal(records: Iterable[dict[str, Any]], prev_hash: str = GENESIS_HASH) -> Iterator[dict[str, Any]]:
    """Fill `prev_hash` and `hash` of consecutive records of one ticket, starting after `prev_hash`."""
    for record in records:
        record["prev_hash"] = prev_hash
        record["hash"] = prev_hash = chain_hash(prev_hash, record)
        yield record
