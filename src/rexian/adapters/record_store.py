"""Calls, agent status and the roster in the database (adapters/tables.py `_record_table`), stored as
imported: a row whose key is already stored with the same values is skipped (importing a file again changes
nothing); with other values it is a conflict, reported and never written over.

A call's caller number is personal data (docs/trust.md): it is stored as the caller's keyed pseudonym (the
same one the tickets' `caller_id` takes when the caller is known by phone), so calls of one caller still go
together and no phone number sits in the database outside the held store.

Each row is written numbered and signed (0017_trust11c, adapters/bookkeeping.py `sign_records`): the call-centre
rules read these rows, so one edited, inserted or deleted by SQL is named by `rexian verify`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import and_, insert, select
from sqlalchemy.engine import Connection

from rexian.adapters import tables as t
from rexian.adapters.bookkeeping import sign_records
from rexian.adapters.upgrade_seal import unverified_at
from rexian.domain import records


@dataclass
class Stored:
    inserted: int = 0
    unchanged: int = 0
    conflicts: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)  # (new row, columns differing)


def store_records(connection: Connection, name: str, rows: Iterable[dict[str, Any]],
                  import_id: int | None = None, batch: int = 2000) -> Stored:
    """Insert `rows` of table `name` (one of records.RECORD_TABLES) in the caller's transaction."""
    table = t.metadata.tables[name]
    key, columns = records.KEYS[name], records.columns(name)
    result = Stored()
    rows = _pseudonymised(connection, name, list(rows))
    for start in range(0, len(rows), batch):
        chunk = [{column: row.get(column) for column in columns} for row in rows[start:start + batch]]
        stored = _stored(connection, table, key, chunk)
        fresh, vouched = [], []
        for row in chunk:
            before = stored.get(tuple(row[k] for k in key))
            if before is None:
                fresh.append({**row, "import_id": import_id})
                stored[tuple(row[k] for k in key)] = row
            else:
                differing = [column for column in columns if not _same(before.get(column), row[column])]
                if differing:
                    result.conflicts.append((row, differing))
                else:
                    result.unchanged += 1
                    if unverified_at(before.get("mac")):
                        vouched.append(before)
        if vouched:
            _vouch(connection, name, vouched)
        if fresh:
            connection.execute(insert(table), sign_records(connection, name, fresh))
            result.inserted += len(fresh)
    return result


def read_records(connection: Connection, name: str):
    """Table `name` as a DataFrame of its declared columns (not the store's own id columns); None when the
    table is absent or empty, so that the rules needing it are skipped rather than run on nothing."""
    import pandas as pd
    from sqlalchemy import inspect

    inspector = inspect(connection)
    if not inspector.has_table(name):
        return None
    present = {column["name"] for column in inspector.get_columns(name)}  # another program's table may lack some
    frame = pd.read_sql_table(name, connection, columns=[c for c in records.columns(name) if c in present])
    return None if frame.empty else frame


def staff_names(connection: Connection) -> dict[str, str]:
    """Unit and person id → name: the organisation's units, and its people named as every output names them
    (`records.person_names`: the people table, else the imported staff roster — an export's staff written as 工号;
    the desk does not read the events' written names, which `rexian analyze` adds)."""
    names = dict(connection.execute(select(t.units.c.unit_id, t.units.c.name)).all())
    names.update(records.person_names({}, read_records(connection, "roster"), people_rows(connection)))
    return names


def people_rows(connection: Connection) -> list[dict[str, Any]]:
    """The organisation's people as (person_id, name) rows, for `records.person_names`."""
    return [{"person_id": person_id, "name": name}
            for person_id, name in connection.execute(select(t.people.c.person_id, t.people.c.name))]


def _pseudonymised(connection: Connection, name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if name != "calls" or not any(row.get("caller_phone") for row in rows):
        return rows
    from rexian.adapters.keys import keyring_for

    ring = keyring_for(connection.engine)
    return [{**row, "caller_phone": ring.pseudonym(str(row["caller_phone"]))} if row.get("caller_phone") else row
            for row in rows]


def _stored(connection: Connection, table, key: tuple[str, ...], chunk: list[dict[str, Any]]) -> dict:
    """The stored rows sharing a first key column with the chunk, by full key."""
    first = table.c[key[0]]
    values = {row[key[0]] for row in chunk if row[key[0]] is not None}
    condition = first.in_(values) if values else and_(False)
    found = connection.execute(select(*(table.c[c] for c in (*records.columns(table.name), *_OWN))).where(condition))
    return {tuple(row._mapping[k] for k in key): dict(row._mapping) for row in found}


_OWN = ("id", "import_id", "record_seq", "mac")  # the store's own columns, read with a stored row


def _vouch(connection: Connection, name: str, rows: list[dict[str, Any]]) -> None:
    """Rows an upgrade found and could not check (「升级前未能核实」, adapters/upgrade_seal.py), now met again unchanged in
    an import of their source: signed as they stand (number and import run kept), so `verify` passes them."""
    from sqlalchemy import update

    from rexian.adapters.bookkeeping import record_digest
    from rexian.adapters.keys import keyring_for

    table, ring = t.metadata.tables[name], keyring_for(connection.engine)
    for row in rows:
        connection.execute(update(table).where(table.c.id == row["id"]).values(mac=ring.sign(record_digest(name, row))))


def _same(stored: Any, new: Any) -> bool:
    return stored == new or (stored is None and new in ("", None))
