"""The store of callers' personal data, apart from the event log (domain/personal.py, docs/trust.md).
The one access function for a caller's details is `caller_details`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Callable, Iterator

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from rexian.adapters import tables as t
from rexian.adapters.keys import KeyFileError, keyring_for


def phone_keyer(engine: Engine) -> Callable[[Any], str | None]:
    """phone → the key a held phone is found by: its pseudonym under the server's key (no one without the key
    file can test a phone list against the column); None for no phone. The key ring is read once."""
    pseudonym = keyring_for(engine).pseudonym
    return lambda phone: pseudonym(str(phone)) if phone else None


def phone_key(connection: Connection, phone: Any) -> str | None:
    return phone_keyer(connection.engine)(phone)


def hold(connection: Connection, ticket_id: str, salt: str, held: dict[str, Any], now: datetime) -> None:
    hold_many(connection, [{"ticket_id": ticket_id, "salt": salt, "held": held, "now": now}])


def hold_many(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """`hold` for many tickets in one statement (an import's batch): rows of ticket_id, salt, held, now."""
    if rows:
        key = phone_keyer(connection.engine)
        connection.execute(insert(t.personal_data), [
            {"ticket_id": row["ticket_id"], "salt": row["salt"], "data": json.dumps(row["held"], ensure_ascii=False),
             "held_at": row["now"], "phone_key": key(row["held"].get("caller_phone"))} for row in rows])


def fill_phone_keys(connection: Connection) -> int:
    """Held rows written before phone keys existed get theirs (migration 0011_phone8); returns how many.
    Without a readable key file they stay unkeyed."""
    c = t.personal_data.c
    rows = connection.execute(select(c.ticket_id, c.data).where(c.phone_key.is_(None), c.data.is_not(None))).all()
    if not rows:
        return 0
    try:
        key = phone_keyer(connection.engine)
    except (KeyFileError, OSError, ValueError):
        return 0
    keys = [{"held_ticket": row.ticket_id, "key": key(json.loads(row.data).get("caller_phone"))} for row in rows]
    keys = [row for row in keys if row["key"]]
    if keys:
        connection.execute(update(t.personal_data).where(c.ticket_id == bindparam("held_ticket"))
                           .values(phone_key=bindparam("key")), keys)
    return len(keys)


def held_by_phone(phone: str, key: str):
    """The held tickets of a caller's phone (a subquery), by the indexed pseudonym; the stored details must
    still name that phone (a key left behind, or copied onto another row, finds nothing)."""
    c = t.personal_data.c
    return select(c.ticket_id).where(c.phone_key == key, c.data.like('%"caller_phone": '
                                                                     + json.dumps(phone, ensure_ascii=False) + '%'))


def caller_details(connection: Connection, ticket_id: str) -> dict[str, Any] | None:
    """The caller's name, phone and identifier of a ticket; None when none were held or they were erased."""
    row = connection.execute(select(t.personal_data.c.data).where(t.personal_data.c.ticket_id == ticket_id)).first()
    return json.loads(row.data) if row is not None and row.data else None


def callers_held(connection: Connection, ticket_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The held caller details (name, phone, identifier) of each of these tickets that has them, in one query."""
    if not ticket_ids:
        return {}
    rows = connection.execute(select(t.personal_data.c.ticket_id, t.personal_data.c.data)
                              .where(t.personal_data.c.ticket_id.in_(ticket_ids), t.personal_data.c.data.is_not(None)))
    return {row.ticket_id: json.loads(row.data) for row in rows}


def callers_phones(connection: Connection, ticket_ids: list[str]) -> dict[str, str]:
    """The held caller phone of each of these tickets that has one (a list page's worth, in one query)."""
    phones = {ticket_id: held.get("caller_phone") for ticket_id, held in callers_held(connection, ticket_ids).items()}
    return {ticket_id: phone for ticket_id, phone in phones.items() if phone}


def held_before(connection: Connection, cutoff: datetime) -> list[str]:
    """Tickets whose personal data has been held since before `cutoff` and is not yet erased."""
    rows = connection.execute(select(t.personal_data.c.ticket_id)
                              .where(t.personal_data.c.held_at < cutoff, t.personal_data.c.erased_at.is_(None))
                              .order_by(t.personal_data.c.ticket_id))
    return [row.ticket_id for row in rows]


def still_held(connection: Connection, ticket_ids: list[str]) -> list[str]:
    """Those of these tickets whose caller details are held (not erased)."""
    found: list[str] = []
    for start in range(0, len(ticket_ids), 500):
        found += connection.execute(select(t.personal_data.c.ticket_id).where(
            t.personal_data.c.ticket_id.in_(ticket_ids[start:start + 500]), t.personal_data.c.data.is_not(None))
        ).scalars()
    return sorted(found)


def erase(connection: Connection, ticket_id: str, now: datetime) -> bool:
    done = connection.execute(update(t.personal_data)
                              .where(t.personal_data.c.ticket_id == ticket_id,
                                     or_(t.personal_data.c.erased_at.is_(None), t.personal_data.c.data.is_not(None)))
                              .values(data=None, salt=None, phone_key=None, erased_at=now))
    return done.rowcount == 1


def iter_raw_held(connection: Connection) -> Iterator[tuple[Any, Any, Any, Any, Any]]:
    """(ticket_id, salt, data, erased_at, phone_key) as stored, for `verify`."""
    yield from connection.exec_driver_sql("SELECT ticket_id, salt, data, erased_at, phone_key FROM personal_data")


def apart(connection: Connection, ticket_id: str, records: list[dict[str, Any]], reseal=None
          ) -> tuple[list[dict[str, Any]], str | None, dict[str, Any]]:
    """A ticket's sealed history from someone else's records (an import, the simulator), with its intake's
    caller details taken out exactly as the workflow's intake does (domain/personal.py) and the chain sealed
    again: (records, salt, held). Unchanged when there is nothing to hold or it is already held apart.
    `reseal(records, received, chained)`: a sealer of the caller's own that gives the same chain faster
    (the fast importer's, which reuses the texts it already encoded)."""
    from rexian.adapters.keys import keyring_for
    from rexian.domain.eventlog import GENESIS_HASH, chain_hash
    from rexian.domain.personal import PERSONAL_FIELDS, separate
    from rexian.domain.records import EVENT_FIELDS

    received = next((record for record in records if record["action"] == "TicketReceived"), None)
    payload = received.get("payload") if received is not None else None
    if not isinstance(payload, dict) or "personal_digest" in payload \
            or not any(payload.get(name) for name in PERSONAL_FIELDS):
        return records, None, {}
    ring = keyring_for(connection.engine)
    held = {name: payload[name] for name in PERSONAL_FIELDS if payload.get(name)}
    salt = ring.salt(ticket_id + json.dumps(held, ensure_ascii=False, sort_keys=True))
    chained, held = separate(payload, salt, ring.pseudonym)
    if reseal is not None:
        return reseal(records, received, chained), salt, held
    sealed, prev = [], GENESIS_HASH
    for record in records:
        again = {name: record.get(name) for name in EVENT_FIELDS}
        if record is received:
            again["payload"] = chained
        again["prev_hash"] = prev
        again["hash"] = prev = chain_hash(prev, again)
        sealed.append(again)
    return sealed, salt, held
