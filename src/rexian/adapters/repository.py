"""Repositories over SQLAlchemy Core: tickets (rebuilt from their events), the organisation, and the
append-only event tables. All work happens on one connection inside the caller's transaction."""

from __future__ import annotations

import json
import weakref
from datetime import date, datetime
from typing import Any, Iterable

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from rexian.adapters import tables as t
from rexian.adapters.keys import sign_heads, sign_rows
from rexian.adapters.org_trust import ORG_STREAM, trusted_rows
from rexian.domain.errors import Conflict
from rexian.domain.eventlog import GENESIS_HASH, canonical_json, chain_hash, normalise_payload
from rexian.adapters.projection import projection_of
from rexian.domain.model import Ticket
from rexian.domain.org import CalendarDay, CatalogueEntry, Category, Organisation, Person, Unit
from rexian.domain.records import EVENT_FIELDS



def event_row(record: dict[str, Any]) -> dict[str, Any]:
    """A sealed event record as a database row: the payload as the canonical JSON the hash covers."""
    row = {column: record.get(column) for column in EVENT_FIELDS if column != "payload"}
    row["payload"] = canonical_json(normalise_payload(record.get("payload")))
    return row


def row_to_record(row: Any) -> dict[str, Any]:
    record = dict(row._mapping)
    record["payload"] = json.loads(record["payload"]) if record.get("payload") else {}
    return record


class TicketRepository:
    def __init__(self, connection: Connection):
        self.connection = connection
        self.seen: list[Ticket] = []

    def get(self, ticket_id: str) -> Ticket | None:
        version = self.connection.execute(
            select(t.tickets.c.version).where(t.tickets.c.ticket_id == ticket_id)).scalar()
        if version is None:
            return None
        ticket = Ticket.replay(ticket_id, self.events(ticket_id), version=version)
        self.seen.append(ticket)
        return ticket

    def new(self, ticket_id: str) -> Ticket:
        ticket = Ticket(ticket_id=ticket_id)
        self.seen.append(ticket)
        return ticket

    def events(self, ticket_id: str) -> list[dict[str, Any]]:
        rows = self.connection.execute(
            select(t.events).where(t.events.c.ticket_id == ticket_id).order_by(t.events.c.seq))
        return [row_to_record(row) for row in rows]

    def save(self, ticket: Ticket, now: datetime) -> None:
        self.save_all([ticket], now)

    def save_all(self, tickets: list[Ticket], now: datetime, request: tuple[str, str] | None = None) -> None:
        """Append the tickets' new events and move their projections on, refusing if someone else moved one
        first (optimistic concurrency on `version`). `request`: (key digest, command fingerprint) of an idempotent
        command, written on each of its events under their MAC (0018_trust12: what a retry is answered from)."""
        changed = [ticket for ticket in tickets if ticket.new_events]
        # The projections move first: a stale version is then refused as a conflict before any event row is
        # tried (and, on PostgreSQL, the row lock makes the second writer wait for the first to finish). The
        # events come last, with the global log sequence's counter (adapters/keys.py) as the last lock taken.
        for ticket in changed:
            projection = sign_heads(self.connection, [projection_of(ticket, now)])[0]
            if ticket.version == 0:
                self.connection.execute(insert(t.tickets).values(**projection, version=1))
                continue
            done = self.connection.execute(
                update(t.tickets)
                .where(t.tickets.c.ticket_id == ticket.ticket_id, t.tickets.c.version == ticket.version)
                .values(**projection, version=ticket.version + 1))
            if done.rowcount != 1:
                raise Conflict("concurrency.ticket_changed",
                               f"工单{ticket.ticket_id}已被他人修改，请刷新后重试")
        if not changed:
            return
        request_key, request_command = request or (None, None)
        self.connection.execute(insert(t.events), sign_rows(
            self.connection, [{**event_row(record), "request_key": request_key, "request_command": request_command}
                              for ticket in changed for record in ticket.new_events]))
        for ticket in changed:
            ticket.version += 1
            ticket.new_events = []


# Each database's organisation as last read from its chain, with the chain's version then (engine → (version,
# organisation)): kept per process until the ORG chain grows (OrgRepository.current).
_CURRENT: weakref.WeakKeyDictionary[Any, tuple[tuple[int, str | None], Organisation]] = weakref.WeakKeyDictionary()


class OrgRepository:
    """The organisation tables, with every change logged on the hash-chained `org_events` stream."""

    def __init__(self, connection: Connection):
        self.connection = connection

    def version(self) -> tuple[int, str | None]:
        """The ORG chain's length and head hash: any change of the organisation (an `org load`, an admin's edit in
        the browser, a calendar day) appends to it, in this process or any other."""
        c = t.org_events.c
        count = self.connection.execute(select(func.count()).select_from(t.org_events)).scalar_one()
        head = self.connection.execute(select(c.hash).where(c.ticket_id == ORG_STREAM)
                                       .order_by(c.seq.desc()).limit(1)).scalar()
        return int(count), head

    def current(self) -> Organisation:
        """`load`, served from a per-process cache of this database's organisation until its ORG chain grows: the
        whole chain is verified when it changed, not at every decision (≈ 0.2 CPU s at 5,000 people). Rows edited
        in the tables alone act no more than through `load` (they never act: the chain's rows are used); a person
        whose row was edited is suspended from the next time the chain grows or the process starts. The returned
        organisation is shared: read it, never change it."""
        engine = self.connection.engine
        version = self.version()
        cached = _CURRENT.get(engine)
        if cached is None or cached[0] != version:
            cached = (version, self.load())
            _CURRENT[engine] = cached
        return cached[1]

    def load(self) -> Organisation:
        """The organisation as its signed chain says it (adapters/org_trust.py): rows edited in the tables alone
        do not act, and a person whose row was edited is suspended (inactive) until the rows agree again."""
        rows, suspended = trusted_rows(self.connection)
        org = Organisation()
        for row in rows["units"]:
            org.units[row["unit_id"]] = Unit(row["unit_id"], row["name"], row["kind"], row.get("parent_id"),
                                             row.get("area"), bool(row.get("active", True)))
        for row in rows["people"]:
            roles = frozenset(role for role in str(row.get("roles") or "").split(",") if role)
            org.people[row["person_id"]] = Person(row["person_id"], row["name"], row["unit_id"], roles,
                                                  row.get("phone"), bool(row.get("active", True))
                                                  and row["person_id"] not in suspended)
        for row in rows["categories"]:
            org.categories[row["code"]] = Category(row["code"], row["name"], row.get("parent_code"),
                                                   row.get("handle_days"), row.get("urgent_hours"))
        for row in rows["catalogue"]:
            assisting = tuple(unit for unit in str(row.get("assisting_unit_ids") or "").split(",") if unit)
            org.catalogue.append(CatalogueEntry(row["category"], row["lead_unit_id"], row.get("area") or None,
                                                assisting))
        for row in rows["calendar_days"]:
            day = date.fromisoformat(row["day"])
            org.calendar[day] = CalendarDay(day, row["kind"], row["name"])
        return org

    def upsert(self, table_name: str, row: dict[str, Any]) -> bool:
        """Insert or replace one organisation row; False when it was already exactly so."""
        table = t.metadata.tables[table_name]
        keys = [column.name for column in table.primary_key.columns]
        where = [table.c[key] == row[key] for key in keys]
        current = self.connection.execute(select(table).where(*where)).first()
        if current is not None and {k: v for k, v in current._mapping.items()} == {**current._mapping, **row}:
            return False
        if current is None:
            self.connection.execute(insert(table).values(**row))
        else:
            self.connection.execute(update(table).where(*where).values(**row))
        return True

    def log(self, records: Iterable[dict[str, Any]]) -> None:
        """Append organisation events to the ORG stream's hash chain."""
        last = self.connection.execute(
            select(t.org_events.c.seq, t.org_events.c.hash)
            .where(t.org_events.c.ticket_id == ORG_STREAM).order_by(t.org_events.c.seq.desc()).limit(1)).first()
        seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
        rows = []
        for record in records:
            seq += 1
            record = {**record, "ticket_id": ORG_STREAM, "seq": seq, "prev_hash": prev_hash}
            record["hash"] = prev_hash = chain_hash(prev_hash, record)
            rows.append(event_row(record))
        if rows:
            self.connection.execute(insert(t.org_events), sign_rows(self.connection, rows))


def next_counter(connection: Connection, name: str, by: int = 1) -> int:
    """The next value of a named counter (moved on by `by`, returning the last value taken), inside the caller's
    transaction: one upsert, so that many first-of-the-day intakes at once queue on the row instead of colliding
    on its insert (PostgreSQL). A rolled-back transaction gives its values back: the counter has no gaps."""
    dialect = connection.dialect.name
    if dialect in ("postgresql", "sqlite"):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as upsert
        else:
            from sqlalchemy.dialects.sqlite import insert as upsert
        statement = upsert(t.counters).values(name=name, value=by)
        statement = statement.on_conflict_do_update(index_elements=[t.counters.c.name],
                                                    set_={"value": t.counters.c.value + by})
        return connection.execute(statement.returning(t.counters.c.value)).scalar_one()
    done = connection.execute(update(t.counters).where(t.counters.c.name == name)
                              .values(value=t.counters.c.value + by))
    if done.rowcount == 0:
        connection.execute(insert(t.counters).values(name=name, value=by))
    return connection.execute(select(t.counters.c.value).where(t.counters.c.name == name)).scalar_one()
