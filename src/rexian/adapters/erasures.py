"""The erasure ledger: which tickets' caller details were erased, and when — kept outside the database, beside
the server's key file (`rexian.db.keys` → `rexian.db.keys.erasures`), so that restoring a database backup older
than an erasure cannot take the erasure back unnoticed (docs/trust.md).

One JSON line per erasure: {"ticket", "intake", "erased_at", "mac"}: the ticket number, the hash of its first
event (so that a ticket of the same number in another database on the same key is not taken for it), the time,
and the MAC by the server's key over all three. It holds no personal data. `verify` names every ticket the ledger lists whose details the
database holds again; `rexian personal-data erase` (which `rexian restore` runs) erases them again. Carry it
with the key file: a restore on another machine reads it beside the key file it is given.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from rexian.adapters.keys import KeyRing


def ledger_path(ring: KeyRing) -> Path | None:
    """Beside the key file; None for a key that lives only in memory (an in-memory test database)."""
    return ring.path.with_name(ring.path.name + ".erasures") if ring.path else None


def _digest(ticket_id: str, intake: str, erased_at: str) -> str:
    return f"erased:{ticket_id}:{intake}:{erased_at}"


def record_erasure(ring: KeyRing, ticket_id: str, intake: str, erased_at: datetime) -> None:
    """Append one erasure to the ledger (after the erasure's own transaction has committed), flushed to disk."""
    path = ledger_path(ring)
    if path is None:
        return
    stamp = erased_at.isoformat(timespec="seconds")
    line = json.dumps({"ticket": ticket_id, "intake": intake, "erased_at": stamp,
                       "mac": ring.sign(_digest(ticket_id, intake, stamp))}, ensure_ascii=False)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def read_ledger(ring: KeyRing) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """(ticket → (hash of its first event, when its details were erased), problems): a line that is not an
    erasure signed by the server's key is a problem, named by its line number, and not used."""
    path = ledger_path(ring)
    if path is None or not path.exists():
        return {}, []
    erased: dict[str, tuple[str, str]] = {}
    problems = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                ticket_id, intake, stamp = str(entry["ticket"]), str(entry["intake"]), str(entry["erased_at"])
            except (ValueError, KeyError, TypeError):
                problems.append(f"擦除清单第{number}行无法读取")
                continue
            problem = ring.problem(_digest(ticket_id, intake, stamp), entry.get("mac"))
            if problem:
                problems.append(f"擦除清单第{number}行（工单{ticket_id}）{problem}")
                continue
            erased.setdefault(ticket_id, (intake, stamp))
    return erased, problems


def first_hashes(connection: Any, ticket_ids: list[str]) -> dict[str, str]:
    """The hash of each of these tickets' first event, as stored."""
    from sqlalchemy import select

    from rexian.adapters import tables as t

    found: dict[str, str] = {}
    for start in range(0, len(ticket_ids), 500):
        found.update((row.ticket_id, row.hash) for row in connection.execute(select(
            t.events.c.ticket_id, t.events.c.hash).where(t.events.c.ticket_id.in_(ticket_ids[start:start + 500]),
                                                        t.events.c.seq == 1)))
    return found


def came_back(connection: Any, ledger: dict[str, tuple[str, str]], ticket_ids: list[str]) -> list[str]:
    """Those of `ticket_ids` (ledger tickets holding caller details again) that are the very tickets erased —
    their first event's hash as the ledger recorded it — not a later ticket under a reused number."""
    intakes = first_hashes(connection, ticket_ids)
    return [ticket_id for ticket_id in ticket_ids if intakes.get(ticket_id) == ledger[ticket_id][0]]
