"""Benchmark: importing interchange events from Parquet into SQLite.

    PYTHONPATH=src python benchmarks/import_parquet.py [--tickets 20000] [--events-per-ticket 10]

Target (issue 3): 1M tickets / 10M events in ≤ 3 minutes. Prints a table: the baseline is the bare
floor for the same rows (pyarrow read + sqlite3 executemany of ready-made tuples, no checks, no hashing),
then `rexian import` split into its phases, and the projected time for 10M events at the measured rate.
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


def rexian_import(path: Path, db: Path) -> tuple[float, float, int]:
    from rexian.adapters.database import make_engine, migrate
    from rexian.importing.mapping import mapping_from_dict
    from rexian.importing.pipeline import build, finish, sealed_histories
    from rexian.importing.store import store_histories

    mapping = mapping_from_dict({"source": "bench", "columns": {
        "ticket_id": "ticket_id", "at": "at", "action": "action", "actor_id": "actor_id",
        "target_unit_id": "target_unit_id", "payload": "payload"}})
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    began = time.perf_counter()
    report = build([path], mapping)
    read = time.perf_counter() - began
    began = time.perf_counter()
    result = store_histories(engine, sealed_histories(report, mapping), batch_tickets=2000)
    finish(report, result.conflicts)
    return read, time.perf_counter() - began, result.events_added


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--events-per-ticket", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        events = make_parquet(folder / "events.parquet", args.tickets, args.events_per_ticket)
        floor = baseline(folder / "events.parquet", folder / "floor.db")
        read, store, written = rexian_import(folder / "events.parquet", folder / "rexian.db")
    assert written == events
    total = read + store
    print(f"{args.tickets:,} tickets, {events:,} events from Parquet into SQLite")
    print(f"{'step':<44}{'seconds':>10}{'events/s':>12}{'10M events':>12}")
    for name, seconds in (("baseline: read + bare executemany", floor),
                          ("rexian import: read, check, convert", read),
                          ("rexian import: seal, project, store", store),
                          ("rexian import: total", total)):
        print(f"{name:<44}{seconds:>10.1f}{events / seconds:>12,.0f}{10_000_000 / (events / seconds) / 60:>10.1f} min")
    print(f"target: 10M events in 3.0 min — {'met' if 10_000_000 / (events / total) <= 180 else 'NOT met'} "
          f"at the measured rate")


if __name__ == "__main__":
    main()
