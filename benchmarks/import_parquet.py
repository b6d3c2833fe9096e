"""Benchmark: importing interchange events from Parquet into SQLite.

    PYTHONPATH=src python benchmarks/import_parquet.py [--tickets 20000] [--events-per-ticket 10]
        [--events DIR/events.parquet] [--general-rows 200000]

Target (issue 3): 1M tickets / 10M events in ≤ 3 minutes. Prints a table: the baseline is the bare
floor for the same rows (pyarrow read + sqlite3 executemany of ready-made tuples, no checks, no hashing),
then `rexian import` by the general path (`fast=False`: read, check, convert, then seal, project, store)
and by the fast path (the default for Parquet in Rexian's vocabulary), all in the same run, with the
projected time for 10M events at each measured rate. `--events` measures an interchange file as well (e.g.
`rexian simulate --out`); the general path then runs on its first `--general-rows` rows only (a rate).
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ACTIONS = ["TicketReceived", "Dispatched", "SignedFor", "ProgressNoted", "CitizenContacted", "Replied",
           "ClosureRequested", "ClosureApproved", "Visited", "Closed"]


def make_parquet(path: Path, tickets: int, per_ticket: int) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    start = datetime(2025, 1, 1, 8)
    columns = {name: [] for name in ("ticket_id", "at", "action", "actor_id", "target_unit_id", "payload")}
    for n in range(tickets):
        at = start + timedelta(minutes=n)
        for k in range(per_ticket):
            columns["ticket_id"].append(f"RX{n:09d}")
            columns["at"].append(at + timedelta(hours=k))
            columns["action"].append(ACTIONS[k % len(ACTIONS)])
            columns["actor_id"].append(f"P{n % 500}")
            columns["target_unit_id"].append(f"U{n % 40}" if ACTIONS[k % len(ACTIONS)] == "Dispatched" else None)
            columns["payload"].append('{"note":"x"}')
    pq.write_table(pa.table(columns), path)
    return tickets * per_ticket


def baseline(path: Path, db: Path) -> float:
    import pyarrow.parquet as pq

    began = time.perf_counter()
    table = pq.read_table(path).to_pylist()
    connection = sqlite3.connect(db)
    connection.execute("create table e (ticket_id text, seq int, at text, action text, actor_id text, "
                       "target_unit_id text, payload text)")
    connection.executemany("insert into e values (?,?,?,?,?,?,?)",
                           [(r["ticket_id"], i, str(r["at"]), r["action"], r["actor_id"], r["target_unit_id"],
                             r["payload"]) for i, r in enumerate(table)])
    connection.commit()
    connection.close()
    return time.perf_counter() - began


def rexian_import(path: Path, db: Path, mapping: dict, fast: bool) -> tuple[float, int]:
    from rexian.adapters.database import make_engine, migrate
    from rexian.importing.mapping import mapping_from_dict
    from rexian.importing.pipeline import import_to_database

    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    began = time.perf_counter()
    report = import_to_database(engine, [path], mapping_from_dict(mapping), batch_tickets=2000, fast=fast)
    took = time.perf_counter() - began
    engine.dispose()
    return took, report.events_added


GENERATED = {"source": "bench", "columns": {name: name for name in (
    "ticket_id", "at", "action", "actor_id", "target_unit_id", "payload")}}
INTERCHANGE = {"source": "bench", "columns": {name: name for name in (
    "ticket_id", "at", "action", "actor_id", "actor_unit_id", "target_unit_id", "payload", "source")}}


def table(title: str, lines: list[tuple[str, float, int]]) -> float:
    print(title)
    print(f"{'step':<44}{'seconds':>10}{'events/s':>12}{'10M events':>12}")
    for name, seconds, events in lines:
        print(f"{name:<44}{seconds:>10.1f}{events / seconds:>12,.0f}{10_000_000 / (events / seconds) / 60:>10.1f} min")
    fast_seconds, fast_events = lines[-1][1], lines[-1][2]
    projected = 10_000_000 / (fast_events / fast_seconds)
    print(f"target: 10M events in 3.0 min — {'met' if projected <= 180 else 'NOT met'} at the fast path's rate\n")
    return projected


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--events-per-ticket", type=int, default=10)
    parser.add_argument("--events", type=Path, help="an interchange events.parquet to measure as well")
    parser.add_argument("--general-rows", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        events = make_parquet(folder / "events.parquet", args.tickets, args.events_per_ticket)
        floor = baseline(folder / "events.parquet", folder / "floor.db")
        general, written = rexian_import(folder / "events.parquet", folder / "general.db", GENERATED, False)
        assert written == events
        fast, written = rexian_import(folder / "events.parquet", folder / "fast.db", GENERATED, True)
        assert written == events
        table(f"generated: {args.tickets:,} tickets, {events:,} events (payload {{\"note\":\"x\"}}) from Parquet "
              f"into SQLite", [("baseline: read + bare executemany", floor, events),
                               ("rexian import, general path", general, events),
                               ("rexian import, fast path", fast, events)])
        if args.events:
            import pyarrow.parquet as pq

            rows = pq.ParquetFile(args.events).metadata.num_rows
            sample = folder / "sample.parquet"
            whole = pq.read_table(args.events)
            cut = min(args.general_rows, rows)
            ids = whole.column("ticket_id").slice(0, cut + 1).to_pylist()
            while 0 < cut < rows and ids[cut] == ids[cut - 1]:  # whole tickets only
                cut -= 1
            pq.write_table(whole.slice(0, cut), sample)
            del whole
            floor = baseline(args.events, folder / "floor2.db")
            general, written = rexian_import(sample, folder / "general2.db", INTERCHANGE, False)
            assert written == cut
            fast, written = rexian_import(args.events, folder / "fast2.db", INTERCHANGE, True)
            assert written == rows
            table(f"{args.events}: {rows:,} events from Parquet into SQLite",
                  [("baseline: read + bare executemany", floor, rows),
                   (f"rexian import, general path ({cut:,} rows)", general, cut),
                   ("rexian import, fast path", fast, rows)])


if __name__ == "__main__":
    main()
