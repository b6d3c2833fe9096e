"""Writing imported histories into the database: idempotent, resumable, whole tickets per transaction.

For each ticket the stored head (last seq, head hash) is compared with the imported chain. Because each
hash covers everything before it, "the stored head hash equals the imported hash at the same seq" means
the stored history is exactly the beginning of the imported one:
- no stored ticket → insert all its events and its projection;
- same length → unchanged, nothing written (importing the same file twice adds nothing);
- stored history is a prefix → append the new events (the source's history grew);
- stored history longer, the imported one its beginning → unchanged (the ticket was handled on in Rexian);
- anything else → a conflict: the ticket's rows are rejected, the stored history is left alone.
Each batch of whole tickets is one transaction, so a killed run leaves only complete tickets behind and
running it again finishes the job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from rexian.adapters import tables as t
from rexian.adapters.repository import event_row, projection_of
from rexian.domain.model import Ticket


@dataclass
class StoreResult:
    tickets_added: int = 0
    tickets_grown: int = 0
    tickets_unchanged: int = 0
    events_added: int = 0
    conflicts: list[str] = field(default_factory=list)  # ticket ids whose stored history differs


def store_histories(engine: Engine, sealed: Iterable[tuple[str, list[dict[str, Any]]]],
                    batch_tickets: int = 500, after_batch: Callable[[int], None] | None = None) -> StoreResult:
    result = StoreResult()
    batch: list[tuple[str, list[dict[str, Any]]]] = []
    number = 0
    for item in sealed:
        batch.append(item)
        if len(batch) >= batch_tickets:
            number += 1
            _store_batch(engine, batch, result)
            batch = []
            if after_batch:
                after_batch(number)
    if batch:
        _store_batch(engine, batch, result)
        if after_batch:
            after_batch(number + 1)
    return result


def _store_batch(engine: Engine, batch: list[tuple[str, list[dict[str, Any]]]], result: StoreResult) -> None:
    now = datetime.now().replace(microsecond=0)
    ids = [ticket_id for ticket_id, _ in batch]
    with engine.begin() as connection:
        heads = {row.ticket_id: row for row in connection.execute(
            select(t.tickets.c.ticket_id, t.tickets.c.last_seq, t.tickets.c.head_hash, t.tickets.c.version)
            .where(t.tickets.c.ticket_id.in_(ids)))}
        new_rows, new_tickets, grown = [], [], []
        counts = {"added": 0, "grown": 0, "unchanged": 0}
        for ticket_id, records in batch:
            head = heads.get(ticket_id)
            if head is None:
                new_rows += [event_row(record) for record in records]
                new_tickets.append({**projection_of(Ticket.replay(ticket_id, records), now), "version": 1})
                counts["added"] += 1
                continue
            prefix_matches = head.last_seq <= len(records) and records[head.last_seq - 1]["hash"] == head.head_hash
            if head.last_seq > len(records):
                # Handled further in Rexian since the import: unchanged if the import is its beginning.
                stored = connection.execute(select(t.events.c.hash).where(
                    t.events.c.ticket_id == ticket_id, t.events.c.seq == len(records))).scalar()
                if stored == records[-1]["hash"]:
                    counts["unchanged"] += 1
                else:
                    result.conflicts.append(ticket_id)
            elif not prefix_matches:
                result.conflicts.append(ticket_id)
            elif head.last_seq == len(records):
                counts["unchanged"] += 1
            else:
                new_rows += [event_row(record) for record in records[head.last_seq:]]
                grown.append((ticket_id, head.version, projection_of(Ticket.replay(ticket_id, records), now)))
                counts["grown"] += 1
        if new_rows:
            connection.execute(insert(t.events), new_rows)
        if new_tickets:
            connection.execute(insert(t.tickets), new_tickets)
        for ticket_id, version, projection in grown:
            connection.execute(update(t.tickets).where(t.tickets.c.ticket_id == ticket_id,
                                                       t.tickets.c.version == version)
                               .values(**projection, version=version + 1))
    # Counted only once the transaction committed.
    result.tickets_added += counts["added"]
    result.tickets_grown += counts["grown"]
    result.tickets_unchanged += counts["unchanged"]
    result.events_added += len(new_rows)


def start_run(engine: Engine, source: str, inputs: list[str], mapping: str | None) -> int:
    with engine.begin() as connection:
        done = connection.execute(insert(t.imports).values(
            source=source, inputs="\n".join(inputs), mapping=mapping,
            started_at=datetime.now().replace(microsecond=0), status="running"))
        return done.inserted_primary_key[0]


def finish_run(engine: Engine, import_id: int, status: str, **counts: int) -> None:
    with engine.begin() as connection:
        connection.execute(update(t.imports).where(t.imports.c.import_id == import_id).values(
            status=status, finished_at=datetime.now().replace(microsecond=0), **counts))
