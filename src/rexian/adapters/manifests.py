"""Import manifests (docs/trust.md): every batch of whole tickets an import or `simulate --db` stores is
recorded, in the batch's own transaction, as a manifest of its tickets with their event counts and chain
heads, signed with the server's key and chained to the previous manifest by its MAC. Imported tickets get no
number from the day's counter, so this is what lets `verify` name one deleted whole between two checkpoints.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from rexian.adapters import tables as t
from rexian.adapters.keys import keyring_for

FIRST_PREVIOUS = "-"  # what the first manifest names as its predecessor


def manifest_document(number: int, source: str, tickets: str, previous_mac: str) -> dict[str, Any]:
    """What a manifest's MAC covers (`tickets` as the stored JSON text, so verify checks exactly what is stored)."""
    return {"kind": "import-manifest", "number": number, "source": source, "tickets": tickets,
            "previous": previous_mac}


def record_manifest(connection: Connection, source: str, heads: Iterable[tuple[str, int, str]]) -> int | None:
    """Append the signed manifest of the tickets just written: (ticket id, event count, head hash) each."""
    listed = {ticket_id: [count, head] for ticket_id, count, head in heads}
    if not listed:
        return None
    last = connection.execute(select(t.import_manifests.c.number, t.import_manifests.c.mac)
                              .order_by(t.import_manifests.c.number.desc()).limit(1)).first()
    number, previous = (last.number + 1, last.mac) if last else (1, FIRST_PREVIOUS)
    tickets = json.dumps(listed, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    mac = keyring_for(connection.engine).sign_document(manifest_document(number, source, tickets, previous))
    connection.execute(insert(t.import_manifests).values(
        number=number, made_at=datetime.now().replace(microsecond=0), source=source[:64], tickets=tickets,
        previous_mac=previous, mac=mac))
    return number


def manifest_count(connection: Connection) -> int:
    return connection.execute(select(func.count()).select_from(t.import_manifests)).scalar() or 0


def iter_raw_manifests(connection: Connection) -> Iterator[tuple[Any, Any, Any, Any, Any]]:
    """(number, source, tickets, previous_mac, mac) as stored, in number order."""
    yield from connection.exec_driver_sql(
        "SELECT number, source, tickets, previous_mac, mac FROM import_manifests ORDER BY number")


def imported_by(connection: Connection, ticket_id: str) -> str | None:
    """The source of the first import manifest that lists a ticket (an import or `simulate --db` wrote it), or
    None: the ticket was born in the workflow. Read for one ticket at a time (`rexian show`)."""
    key = json.dumps(ticket_id, ensure_ascii=False) + ":"
    c = t.import_manifests.c
    for source, tickets in connection.execute(select(c.source, c.tickets).where(c.tickets.contains(key))
                                              .order_by(c.number)):
        if ticket_id in json.loads(tickets):
            return source
    return None
