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
running it again finishes the job. A batch holds SQLite's write lock while it writes; pages that must write (a
disclosure's audit record, a command) wait for it, so a batch takes fewer tickets when the last one held the lock
longer than the setting `import_batch_seconds` (`next_batch_size`), and more again, up to `--batch`, when quick.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable

from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Engine

from rexian.domain.model import WORKFLOW_SOURCE  # the importers use its name too
from rexian.adapters import tables as t
from rexian.adapters.bulk_load import (
    event_tuple,
    insert_event_rows,
    insert_event_tuples,
    insert_ticket_rows,
    record_manifest_of,
)
from rexian.adapters.keys import sign_heads
from rexian.adapters.personal import apart, hold_many
from rexian.adapters.projection import projection_of
from rexian.adapters.repository import event_row
from rexian.domain.model import Ticket

PAYLOAD_TEXT = "payload_text"  # a record's payload already as canonical JSON (set by the fast sealer)
DB_ROW = "db_row"  # and its SQLite row as a tuple in bulk_load.EVENT_COLUMNS order, `at` as db_time text


def _row(record: dict[str, Any]) -> dict[str, Any]:
    """`event_row`, without encoding the payload again when the sealer already did."""
    text = record.get(PAYLOAD_TEXT)
    if text is None:
        return event_row(record)
    return {"ticket_id": record["ticket_id"], "seq": record["seq"], "at": record["at"], "action": record["action"],
            "actor_id": record["actor_id"], "actor_unit_id": record["actor_unit_id"],
            "target_unit_id": record["target_unit_id"], "payload": text, "source": record["source"],
            "prev_hash": record["prev_hash"], "hash": record["hash"]}


@dataclass
class StoreResult:
    tickets_added: int = 0
    tickets_grown: int = 0
    tickets_unchanged: int = 0
    events_added: int = 0
    conflicts: list[str] = field(default_factory=list)  # ticket ids whose stored history differs, or refused
    refusals: dict[str, str] = field(default_factory=dict)  # conflicts refused for another reason → that reason
    written: set[str] | None = None  # when a set: the tickets added or grown, filled as batches commit


def store_histories(engine: Engine, sealed: Iterable[tuple[str, list[dict[str, Any]]]],
                    batch_tickets: int = 500, after_batch: Callable[[int], None] | None = None,
                    written_earlier: frozenset[str] = frozenset(), result: StoreResult | None = None,
                    cache_mb: int = 256, renew: Callable[[Connection], Any] | None = None,
                    batch_seconds: float | None = None) -> StoreResult:
    """`batch_tickets`: the most tickets of one batch (transaction); `batch_seconds`: how long a batch should hold the
    write lock at most (`next_batch_size`; None: no bound, every batch `batch_tickets`).
    `written_earlier`: tickets this same run already added or grew (the fast path, before it handed over
    to this one): found unchanged, they are not counted again. `result`: counts to add to (kept by the caller when
    `sealed` raises half-way). `cache_mb`: SQLite's page cache while writing (the setting `import_cache_mb`).
    `renew(connection)`: called in each batch's transaction (the run's lease, importing/runs.py).

    Every batch is written through one connection, held for the whole run: SQLite drops a connection's whole page
    cache when it begins a transaction after another connection wrote, so batches spread over the pool's
    connections (or a lease renewed on another one between batches) each began with an empty cache, re-read the
    indexes from the file, and left the freed pages to the allocator (docs/speed.md, "Eleventh pass")."""
    result = result if result is not None else StoreResult()
    batch: list[tuple[str, list[dict[str, Any]]]] = []
    number, size = 0, batch_tickets
    with engine.connect() as connection:
        for item in sealed:
            batch.append(item)
            if len(batch) >= size:
                number += 1
                held = _store_batch(connection, batch, result, written_earlier, cache_mb, renew)
                size = next_batch_size(size, batch_tickets, held, batch_seconds)
                batch = []
                if after_batch:
                    after_batch(number)
        if batch:
            _store_batch(connection, batch, result, written_earlier, cache_mb, renew)
            if after_batch:
                after_batch(number + 1)
    return result


def next_batch_size(size: int, most: int, held: float, seconds: float | None) -> int:
    """How many tickets the next batch takes, after one of `size` tickets held the write lock `held` seconds: scaled
    down to fit `seconds` when it held it longer (at least one ticket: tickets are never split), doubled back towards
    `most` when it took under half of it."""
    if seconds is None or seconds <= 0:
        return most
    if held > seconds:
        return max(1, min(most, int(size * seconds / held)))
    if held < seconds / 2:
        return min(most, size * 2)
    return min(most, size)


def _store_batch(held: Connection, batch: list[tuple[str, list[dict[str, Any]]]], result: StoreResult,
                 written_earlier: frozenset[str] = frozenset(), cache_mb: int = 256,
                 renew: Callable[[Connection], Any] | None = None) -> float:
    """Write one batch in one transaction; the seconds it held the write lock (from BEGIN IMMEDIATE to COMMIT)."""
    now = datetime.now().replace(microsecond=0)
    ids = [ticket_id for ticket_id, _ in batch]
    began = time.monotonic()
    with held.begin():
        connection = held
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # a larger page cache for the index inserts of big batches (memory only, no durability);
            # it fills up as the database grows, to this bound, and is most of an import's resident memory after Arrow
            connection.exec_driver_sql(f"PRAGMA cache_size=-{max(1, int(cache_mb)) * 1024}")
        heads = {}
        for start in range(0, len(ids), 900):  # within every SQLite's limit of bound parameters
            heads.update((row.ticket_id, row) for row in connection.execute(
                select(t.tickets.c.ticket_id, t.tickets.c.last_seq, t.tickets.c.head_hash, t.tickets.c.version)
                .where(t.tickets.c.ticket_id.in_(ids[start:start + 900]))))
        makers = _creators(connection, [ticket_id for ticket_id in ids if ticket_id in heads])
        today = server_day(connection)
        written = []
        new_rows, new_tickets, grown, held_rows = [], [], [], []
        counts = {"added": 0, "grown": 0, "unchanged": 0}
        for ticket_id, records in batch:
            # Callers' details held apart as the workflow's intake holds them (same key-derived salt every run,
            # so the same file imported again seals the same chain and is found unchanged).
            fast = bool(records) and DB_ROW in records[0]
            records, salt, held = apart(connection, ticket_id, records, _fast_reseal if fast else None)
            if fast and records[0]["hash"] is None:  # sealed unchained (fast.seal_ticket) and nothing held apart
                records = _fast_reseal(records, None, None)
            head = heads.get(ticket_id)
            refusal = refused_import(ticket_id, records, today) if head is None else None
            if refusal is not None:
                result.conflicts.append(ticket_id)
                result.refusals[ticket_id] = refusal
                continue
            if head is None:
                if held:  # held since the call, so the retention period counts from it
                    held_rows.append({"ticket_id": ticket_id, "salt": salt, "held": held, "now": records[0]["at"]})
                new_rows += [(record.get(DB_ROW) or event_tuple(_row(record))) if sqlite else _row(record)
                             for record in records]
                new_tickets.append({**projection_of(Ticket.replay(ticket_id, records), now), "version": 1})
                counts["added"] += 1
                written.append(ticket_id)
                continue
            prefix_matches = head.last_seq <= len(records) and records[head.last_seq - 1]["hash"] == head.head_hash
            if head.last_seq > len(records):
                # Handled further in Rexian since the import: unchanged if the import is its beginning.
                stored = connection.execute(select(t.events.c.hash).where(
                    t.events.c.ticket_id == ticket_id, t.events.c.seq == len(records))).scalar()
                if stored == records[-1]["hash"]:
                    counts["unchanged"] += ticket_id not in written_earlier
                else:
                    result.conflicts.append(ticket_id)
            elif not prefix_matches:
                result.conflicts.append(ticket_id)
            elif head.last_seq == len(records):  # the very same history, whoever created it: nothing to write
                counts["unchanged"] += ticket_id not in written_earlier
            elif not _may_append(makers.get(ticket_id), records[head.last_seq:]):
                result.conflicts.append(ticket_id)
            else:
                new_rows += [(record.get(DB_ROW) or event_tuple(_row(record))) if sqlite else _row(record)
                             for record in records[head.last_seq:]]
                grown.append((ticket_id, head.version, projection_of(Ticket.replay(ticket_id, records), now)))
                counts["grown"] += 1
                written.append(ticket_id)
        # Ticket rows first, events last: the events take the global log sequence's counter (adapters/keys.py),
        # which every writer takes as its last lock, so an import and a workflow command queue, never deadlock.
        for ticket_id, version, projection in grown:
            connection.execute(update(t.tickets).where(t.tickets.c.ticket_id == ticket_id,
                                                       t.tickets.c.version == version)
                               .values(**sign_heads(connection, [projection])[0], version=version + 1))
        insert_ticket_rows(connection, new_tickets)
        hold_many(connection, held_rows)
        if sqlite:
            insert_event_tuples(connection, new_rows)
        else:
            insert_event_rows(connection, new_rows)
        record_manifest_of(connection, new_tickets + [projection for _, _, projection in grown])
        if renew is not None:
            renew(connection)
    took = time.monotonic() - began
    # Counted only once the transaction committed.
    result.tickets_added += counts["added"]
    result.tickets_grown += counts["grown"]
    result.tickets_unchanged += counts["unchanged"]
    result.events_added += len(new_rows)
    if result.written is not None:
        result.written.update(written)
    return took


def _fast_reseal(records, received, chained):
    from rexian.importing.fast import reseal

    return reseal(records, received, chained)




CLOCK_ALLOWANCE = timedelta(hours=1)  # how far the importing machine's clock may lag the server's (docs/trust.md)


def server_day(connection=None, now: datetime | None = None) -> str:
    """The earliest day (YYYYMMDD) the workflow's intake may be numbering by now, as the server counts days: in
    the centre's time zone (setting `timezone`, as the server's clock reads it — not this machine's zone), by
    the later of this machine's clock and the database server's, less CLOCK_ALLOWANCE for a clock that lags.
    An import may run elsewhere than the server (PostgreSQL): a clock a few minutes slow, or a machine on UTC
    while the centre is on Beijing time (from 00:00 to 08:00 its date was still yesterday's), would otherwise
    let an import take today's numbers. `now`: this machine's time (aware), for tests."""
    from zoneinfo import ZoneInfo

    from rexian.settings import load_settings

    clocks = [now or datetime.now(timezone.utc)]
    if connection is not None:
        try:
            stamp = connection.exec_driver_sql("SELECT CURRENT_TIMESTAMP").scalar()
            stamp = stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp))
            clocks.append(stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc))  # SQLite: UTC text
        except (ValueError, TypeError):
            pass
    centre = max(clocks).astimezone(ZoneInfo(load_settings()["timezone"]))
    return (centre - CLOCK_ALLOWANCE).strftime("%Y%m%d")


def refused_import(ticket_id: str, records: list[dict[str, Any]], today: str | None = None) -> str | None:
    """Why an import may not create this ticket, or None. The workflow's ticket numbers are handed out by the
    day's counter alone: an imported ticket holding one of today or a later day stopped every intake of that day
    once the counter reached it (issue 15). (Earlier days' numbers, as another Rexian's export carries them, are
    imported: their counters never move again.) `today`: YYYYMMDD, `server_day`."""
    from rexian.service.hotline import is_workflow_number

    today = today or server_day()
    if is_workflow_number(ticket_id) and ticket_id[2:10] >= today:
        return ("工单编号是本系统工作流今天或以后的编号（RX+日期+6位序号，只由当日计数器分配），导入占用它会使当天的"
                "受理无法取号：未导入")
    return None


def _creators(connection, ids: list[str]) -> dict[str, str | None]:
    """Per stored ticket: the source of its first event, i.e. who created it."""
    found: dict[str, str | None] = {}
    for start in range(0, len(ids), 900):
        found.update(connection.execute(select(t.events.c.ticket_id, t.events.c.source).where(
            t.events.c.ticket_id.in_(ids[start:start + 900]), t.events.c.seq == 1)).all())
    return found


def _may_append(creator: str | None, appended: list[dict[str, Any]]) -> bool:
    """An import touches only tickets its own source created: a ticket born in the workflow, or imported
    from another source, is never appended to (its rows are rejected as a conflict)."""
    return creator not in (None, WORKFLOW_SOURCE) and all(record["source"] == creator for record in appended)
