"""Import manifests (docs/trust.md): every batch of whole tickets an import or `simulate --db` stores is
recorded, in the batch's own transaction, as a manifest of its tickets with their event counts and chain
heads, signed with the server's key and chained to the previous manifest by its MAC. Imported tickets get no
number from the day's counter, so this is what lets `verify` name one deleted whole between two checkpoints.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy import String, func, insert, or_, select, type_coerce
from sqlalchemy.engine import Connection

from rexian.adapters import tables as t
from rexian.adapters.database import database_now
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
        number=number, made_at=database_now(connection), source=source[:64], tickets=tickets,
        previous_mac=previous, mac=mac))
    return number


def manifest_count(connection: Connection) -> int:
    return connection.execute(select(func.count()).select_from(t.import_manifests)).scalar() or 0


def iter_raw_manifests(connection: Connection) -> Iterator[tuple[Any, Any, Any, Any, Any]]:
    """(number, source, tickets, previous_mac, mac) as stored, in number order."""
    yield from connection.exec_driver_sql(
        "SELECT number, source, tickets, previous_mac, mac FROM import_manifests ORDER BY number")


@dataclass(frozen=True)
class ImportBatch:
    """The import manifest (batch) that brought a ticket: its number, source, time, and how many of the ticket's
    events it brought (events after those were added later, e.g. by the workflow)."""

    number: int
    source: str
    made_at: datetime | None  # None: not readable as a time (the column is not under the MAC: SQL can write it)
    events: int
    signed: bool = True  # False: the manifest row is not the server's (inserted or rewritten by SQL; verify names it)


class ManifestRanges:
    """The first and last ticket id of each import manifest, read once per manifest (the table is append-only), so
    that finding the manifest of one ticket reads only the manifests whose range holds it, not every manifest's
    whole list (a million imported tickets are some 40 MB of lists). One per long-lived process (the web)."""

    CHECKED = 64  # manifests whose MAC check is remembered (a 500-ticket manifest's text is ≈ 42 KB)

    def __init__(self) -> None:
        self._ranges: list[tuple[int, str, str]] = []  # (number, first ticket id, last ticket id)
        self._lock = threading.Lock()
        # number → (the row as it was checked, whether the key signed it). The row is compared whole at every use
        # (≈5 µs for 42 KB) instead of checking its MAC again (≈550 µs), so a row rewritten since is checked anew.
        self._checked: OrderedDict[int, tuple[tuple[Any, ...], bool]] = OrderedDict()

    def genuine(self, connection: Connection, row: tuple[Any, ...]) -> bool:
        """Whether the server's key signed this manifest row (number, source, tickets, previous MAC, MAC) as read."""
        with self._lock:
            seen = self._checked.get(row[0])
            if seen is not None and seen[0] == row:
                self._checked.move_to_end(row[0])
                return seen[1]
        verdict = _genuine(connection, *row)
        with self._lock:
            self._checked[row[0]] = (row, verdict)
            self._checked.move_to_end(row[0])
            while len(self._checked) > self.CHECKED:
                self._checked.popitem(last=False)
        return verdict

    def candidates(self, connection: Connection, ticket_id: str) -> list[int]:
        c = t.import_manifests.c
        with self._lock:
            after = self._ranges[-1][0] if self._ranges else 0
            for number, tickets in connection.execute(select(c.number, c.tickets).where(c.number > after)
                                                      .order_by(c.number)):
                try:
                    listed = json.loads(tickets)
                except (TypeError, ValueError, RecursionError):
                    # a row not written by Rexian (verify names it): read past it. Before trust13 one such row
                    # inserted by SQL made every ticket page a 500, at every request, until it was removed.
                    continue
                if isinstance(listed, dict) and listed and all(isinstance(key, str) for key in listed):
                    self._ranges.append((number, min(listed), max(listed)))
            return [number for number, first, last in self._ranges if first <= ticket_id <= last]


def imported_by(connection: Connection, ticket_id: str, ranges: ManifestRanges | None = None) -> ImportBatch | None:
    """The first import manifest that lists a ticket (an import or `simulate --db` wrote it), or None: the ticket
    was born in the workflow. Read for one ticket at a time (`rexian show`; the web's ticket page with `ranges`).
    Each manifest read is checked against the server's key: a row inserted or rewritten by SQL (listing a workflow
    ticket, naming another source) is passed over for a genuine one, and returned `signed=False` only when no
    genuine manifest lists the ticket, so that it is shown as forged, not as the attacker's import."""
    key = json.dumps(ticket_id, ensure_ascii=False) + ":"
    c = t.import_manifests.c
    # `made_at` as stored (not under the MAC: SQLite keeps any text there, which the DateTime type would raise on)
    query = select(c.number, c.source, c.tickets, c.previous_mac, c.mac,
                   type_coerce(c.made_at, String)).order_by(c.number)
    if ranges is None:
        query = query.where(c.tickets.contains(key))
    else:
        numbers = ranges.candidates(connection, ticket_id)
        if not numbers:
            return None
        query = query.where(c.number.in_(numbers))
    forged = None
    for number, source, tickets, previous_mac, mac, made_at in connection.execute(query):
        at = tickets.find(key) if isinstance(tickets, str) else -1  # a key of the JSON object: an id in quotes
        if at < 0:                                                    # followed by ':' (a hash is followed by ']')
            continue
        count = _COUNT.match(tickets, at + len(key))
        events = int(count.group(1)) if count else 0
        row = (number, source, tickets, previous_mac, mac)
        if ranges.genuine(connection, row) if ranges is not None else _genuine(connection, *row):
            return ImportBatch(number, source, _as_time(made_at), events)
        forged = forged or ImportBatch(number, str(source), None, events, signed=False)
    return forged


def _as_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):  # PostgreSQL's driver
        return value
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _genuine(connection: Connection, number: Any, source: Any, tickets: str, previous_mac: Any, mac: Any) -> bool:
    """Whether the server's key signed this manifest row as stored (the check `verify` makes, its chain apart)."""
    try:
        return keyring_for(connection.engine).document_problem(
            manifest_document(number, source, tickets, previous_mac), mac) is None
    except (TypeError, ValueError, RecursionError):  # a value no genuine row holds
        return False


_COUNT = re.compile(r"\[(\d+),")


def batch_files(connection: Connection, batch: ImportBatch) -> list[str]:
    """The input files (names without their directories) of the import run that wrote a manifest: the run of the
    same source that was running when the manifest was made; [] when none is recorded (`simulate --db`, a bulk
    load) or the runs cannot be told apart."""
    if not batch.signed or batch.made_at is None:
        return []
    c = t.imports.c
    # Both times are the database's clock in the centre's zone, to the second (`database_now`).
    runs = connection.execute(select(c.inputs).where(
        c.source == batch.source, c.started_at <= batch.made_at,
        or_(c.finished_at.is_(None), c.finished_at >= batch.made_at))).scalars().all()
    if len(runs) != 1:
        return []
    return [PurePath(line.replace("\\", "/")).name for line in runs[0].splitlines() if line.strip()]
