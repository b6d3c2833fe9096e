"""Benchmark: importing interchange events from Parquet into SQLite.

    PYTHONPATH=src python benchmarks/import_parquet.py [--tickets 20000] [--events-per-ticket 10]
        [--events DIR/events.parquet] [--general-rows 200000] [--before-src OLD/src] [--skip-general]

Target (issue 3): 1M tickets / 10M events in ≤ 3 minutes. Prints a table: the baseline is the bare
floor for the same rows (pyarrow read + sqlite3 executemany of ready-made tuples, no checks, no hashing),
then `rexian import` by the general path (`fast=False`: read, check, convert, then seal, project, store)
and by the fast path (the default for Parquet in Rexian's vocabulary), all in the same run, with the
projected time for 10M events at each measured rate. `--events` measures an interchange file as well (e.g.
`rexian simulate --out`); the general path then runs on its first `--general-rows` rows only (a rate).

Each import runs in a child process of its own, so its CPU seconds and peak resident memory are its own
(issue 16: ≤ 2 GB whatever the file size; the streaming fast path holds `import_chunk_rows` rows at a time).
`--before-src` runs the fast path a second time with another checkout's `src` first on the path (e.g. the
code before streaming, from `git archive`), in the same run on the same file.
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
    """The floor, in a spawned process of its own: the rows it holds as Python objects would otherwise stay
    in this process, and every import's child would inherit that high-water mark as its peak (Linux keeps
    ru_maxrss across fork and exec), so the peak MB printed below would be this step's, not the import's."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_baseline, path, db).result()


def _baseline(path: Path, db: Path) -> float:
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


CHILD = """
import json, sys, time
from rexian.adapters.database import make_engine, migrate
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_database

path, db, mapping, fast = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4] == "1"
engine = make_engine(f"sqlite:///{db}")
migrate(engine)
began = time.perf_counter()
report = import_to_database(engine, [path], mapping_from_dict(mapping), batch_tickets=2000, fast=fast)
print(json.dumps({"seconds": time.perf_counter() - began, "events": report.events_added}))
"""


def rexian_import(path: Path, db: Path, mapping: dict, fast: bool, src: Path | None = None) -> tuple[float, int]:
    """One import in a child process (`src` first on its path when given); its wall seconds and events
    written. Its CPU seconds and peak memory are kept in PEAKS (printed under the tables)."""
    import json
    import os
    import subprocess
    import sys

    src = src or Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(db), json.dumps(mapping), "1" if fast else "0"],
                             env=env, stdout=subprocess.PIPE, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"import failed (exit {child.returncode})")
    done = json.loads(out.strip().splitlines()[-1])
    PEAKS.append((f"{'fast' if fast else 'general'} {src}", usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024))
    return done["seconds"], done["events"]


PEAKS: list[tuple[str, float, float]] = []  # (which run, CPU seconds, peak resident MB)


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
    parser.add_argument("--before-src", type=Path, help="another checkout's src: its fast path measured too")
    parser.add_argument("--skip-general", action="store_true", help="leave out the general path (slow)")
    args = parser.parse_args()
    import os

    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores shared: read CPU seconds beside wall)")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        events = make_parquet(folder / "events.parquet", args.tickets, args.events_per_ticket)
        floor = baseline(folder / "events.parquet", folder / "floor.db")
        lines = [("baseline: read + bare executemany", floor, events)]
        if not args.skip_general:
            general, written = rexian_import(folder / "events.parquet", folder / "general.db", GENERATED, False)
            assert written == events
            lines.append(("rexian import, general path", general, events))
        if args.before_src:
            before, written = rexian_import(folder / "events.parquet", folder / "before.db", GENERATED, True,
                                            args.before_src)
            assert written == events
            lines.append(("rexian import, fast path before", before, events))
        fast, written = rexian_import(folder / "events.parquet", folder / "fast.db", GENERATED, True)
        assert written == events
        lines.append(("rexian import, fast path (streaming)", fast, events))
        table(f"generated: {args.tickets:,} tickets, {events:,} events (payload {{\"note\":\"x\"}}) from Parquet "
              f"into SQLite", lines)
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
            lines = [("baseline: read + bare executemany", floor, rows)]
            if not args.skip_general:
                general, written = rexian_import(sample, folder / "general2.db", INTERCHANGE, False)
                assert written == cut
                lines.append((f"rexian import, general path ({cut:,} rows)", general, cut))
            if args.before_src:
                before, written = rexian_import(args.events, folder / "before2.db", INTERCHANGE, True, args.before_src)
                assert written == rows
                lines.append(("rexian import, fast path before", before, rows))
            fast, written = rexian_import(args.events, folder / "fast2.db", INTERCHANGE, True)
            assert written == rows
            lines.append(("rexian import, fast path (streaming)", fast, rows))
            table(f"{args.events}: {rows:,} events from Parquet into SQLite", lines)
    print(f"{'child process':<60}{'CPU s':>8}{'peak MB':>10}")
    for name, cpu, peak in PEAKS:
        print(f"{name[-60:]:<60}{cpu:>8.1f}{peak:>10,.0f}")


if __name__ == "__main__":
    main()
