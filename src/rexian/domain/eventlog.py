"""The hash chain of the event log (see docs/events.md).

Each event's hash covers the previous event's hash and a canonical encoding of the event, so any change,
removal, insertion or reordering of a ticket's events breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any, Iterable, Iterator

try:  # the C encoder json.dumps builds on every call, built once (payloads decoded from JSON hold no cycles)
    from json.encoder import c_make_encoder as _c_make_encoder  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - CPython always has it
    _c_make_encoder = None

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
    if at.tzinfo is not None:
        at = at.replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def canonical_json(value: Any) -> str:
    """The one canonical JSON text: sorted keys, no spaces, UTF-8 characters as they are."""
    if _ENCODER is not None:
        return "".join(_ENCODER(value, 0))
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_time(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__} in an event payload")


_ENCODER = (_c_make_encoder(None, _default, encode_basestring, None, ":", ",", True, False, True)
            if _c_make_encoder is not None else None)


_text = encode_basestring


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring(value)
    if type(value) is int:  # a sequence number: JSON writes an int as its decimal digits (not a bool: exact type)
        return int.__repr__(value)
    return canonical_json(value)


def event_body(ticket_id: Any, seq: Any, at: Any, action: Any, actor_id: Any, actor_unit_id: Any,
               target_unit_id: Any, payload_text: str, source: Any) -> str:
    """THE canonical encoding of an event (the one encoder used by the service, the simulator and the fast
    importer): the hashed fields as a JSON object in sorted key order, `at` in its one textual form and the
    payload as its canonical JSON text (`canonical_json`). Equal to `canonical_json` of the same object."""
    at_text = format_time(at) if isinstance(at, datetime) else at
    # Text fields are encoded inline (the common case, millions of times in an import or a simulation);
    # anything else goes through `_scalar`, which gives the same text for strings.
    return (f'{{"action":{_text(action) if type(action) is str else _scalar(action)},'
            f'"actor_id":{_text(actor_id) if type(actor_id) is str else _scalar(actor_id)},'
            f'"actor_unit_id":{_text(actor_unit_id) if type(actor_unit_id) is str else _scalar(actor_unit_id)},'
            f'"at":{_text(at_text) if type(at_text) is str else _scalar(at_text)},'
            f'"payload":{payload_text},"seq":{_scalar(seq)},'
            f'"source":{_text(source) if type(source) is str else _scalar(source)},'
            f'"target_unit_id":{_text(target_unit_id) if type(target_unit_id) is str else _scalar(target_unit_id)},'
            f'"ticket_id":{_text(ticket_id) if type(ticket_id) is str else _scalar(ticket_id)}}}')


def body_hash(prev_hash: str, body: str) -> str:
    """The chain hash of an encoded event body after `prev_hash`."""
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def canonical_bytes(record: dict[str, Any]) -> bytes:
    """The canonical encoding of an event record: only the hashed fields, `at` in its one textual form."""
    return _record_body(record).encode("utf-8")


def _record_body(record: dict[str, Any]) -> str:
    get = record.get
    return event_body(get("ticket_id"), get("seq"), get("at"), get("action"), get("actor_id"),
                      get("actor_unit_id"), get("target_unit_id"),
                      canonical_json(normalise_payload(get("payload"))), get("source"))


def normalise_payload(payload: Any) -> dict[str, Any]:
    """Payloads travel as JSON text in files and databases; hash them as the decoded object."""
    if payload is None:
        return {}
    # A round trip through JSON makes datetimes and tuples look exactly as they will after storage.
    decoded: dict[str, Any] = json.loads(payload if isinstance(payload, (str, bytes)) else canonical_json(payload))
    return decoded


def chain_hash(prev_hash: str, record: dict[str, Any]) -> str:
    return body_hash(prev_hash, _record_body(record))


class NotCanonical(ValueError):
    """A stored payload text that is not the one canonical form of its value (damage, not data)."""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        twice = sorted({key for key in keys if keys.count(key) > 1})
        raise NotCanonical(f"重复的键：{', '.join(twice)}")
    return dict(pairs)


def read_stored_payload(text: Any) -> dict[str, Any]:
    """A payload as stored (canonical JSON text of an object), decoded; anything else — not JSON, not an
    object, a duplicate key (readers disagree on which one wins), other spacing or key order — raises
    `NotCanonical`: it was not written by Rexian."""
    if not isinstance(text, str):
        raise NotCanonical(f"载荷不是文本（{type(text).__name__}）")
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except NotCanonical:
        raise
    except (ValueError, RecursionError) as error:
        raise NotCanonical(f"载荷不是JSON：{str(error)[:60]}") from None
    if not isinstance(value, dict):
        raise NotCanonical("载荷不是JSON对象")
    if canonical_json(value) != text:
        raise NotCanonical("载荷不是规范形式（空格、键序或转义不同）")
    return value


def seal(records: Iterable[dict[str, Any]], prev_hash: str = GENESIS_HASH) -> Iterator[dict[str, Any]]:
    """Fill `prev_hash` and `hash` of consecutive records of one ticket, starting after `prev_hash`."""
    for record in records:
        record["prev_hash"] = prev_hash
        record["hash"] = prev_hash = chain_hash(prev_hash, record)
        yield record
