"""Simulator speed: tickets per second writing interchange files, peak memory, SQLite load time.

    PYTHONPATH=src python benchmarks/simulate_bench.py                 # N = 10k and 100k, 2 workers
    PYTHONPATH=src python benchmarks/simulate_bench.py --sizes 10000 --workers 1 2
    PYTHONPATH=src python benchmarks/simulate_bench.py --sizes 1000000 --sqlite-max 1000000

Each measurement runs in a fresh child process, so the peak resident memory (ru_maxrss) is that run's own.
The baseline row is the same run with one worker. Targets (issue 4): 1,000,000 tickets to files in ≤ 5 min
with ≤ 4 GB peak memory on 2 cores; loading them into SQLite in ≤ 15 min. Sizes not run are extrapolated
linearly from the largest size run (marked ~).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import shutil
import tempfile
import time
from pathlib import Path


def _run(kind: str, tickets: int, workers: int, queue) -> None:
    from rexian.simulate.city import Simulation

    started = time.perf_counter()
    simulation = Simulation(tickets, seed=1)
    planned = time.perf_counter() - started
    directory = Path(tempfile.mkdtemp(prefix="simbench-"))
    try:
        if kind == "files":
            from rexian.simulate.output import write_files

            counts = write_files(simulation, directory / "out", workers=workers, batch_size=2000)
            size = sum(path.stat().st_size for path in (directory / "out").rglob("*") if path.is_file())
        else:
            from rexian.adapters.database import make_engine, migrate
            from rexian.simulate.output import write_database

            engine = make_engine(f"sqlite:///{directory / 'city.db'}")
            migrate(engine)
            counts = write_database(simulation, engine, workers=workers, batch_size=5000)
            size = (directory / "city.db").stat().st_size
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    queue.put({"kind": kind, "tickets": tickets, "workers": workers, "seconds": elapsed, "plan_seconds": planned,
               "events": counts.get("events", 0), "peak_mb": max(peak_mb, children), "bytes": size})


def measure(kind: str, tickets: int, workers: int) -> dict:
    context = multiprocessing.get_context("spawn")  # a clean process: its peak memory is this run's alone
    queue = context.Queue()
    process = context.Process(target=_run, args=(kind, tickets, workers, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sqlite-max", type=int, default=100_000, help="largest size also loaded into SQLite")
    parser.add_argument("--json", help="also write the rows as JSON to this file")
    args = parser.parse_args()
    rows = []
    for tickets in args.sizes:
        for workers in args.workers:
            rows.append(measure("files", tickets, workers))
            _print(rows[-1])
        if tickets <= args.sqlite_max:
            rows.append(measure("sqlite", tickets, max(args.workers)))
            _print(rows[-1])
    print()
    print(f"{'target':8} {'N':>9} {'workers':>7} {'seconds':>9} {'tickets/s':>10} {'events/s':>10} {'peak MB':>8}")
    for row in rows:
        print(f"{row['kind']:8} {row['tickets']:>9} {row['workers']:>7} {row['seconds']:>9.1f} "
              f"{row['tickets'] / row['seconds']:>10.0f} {row['events'] / row['seconds']:>10.0f} {row['peak_mb']:>8.0f}")
    largest = max(args.sizes)
    for kind in ("files", "sqlite"):
        done = [row for row in rows if row["kind"] == kind and row["tickets"] == largest]
        if done and largest < 1_000_000:
            best = min(done, key=lambda row: row["seconds"])
            scale = 1_000_000 / largest
            print(f"~{kind:7} {1_000_000:>9} {best['workers']:>7} {best['seconds'] * scale:>9.0f} "
                  f"(extrapolated linearly; peak memory also grows: the plan and call-centre tables stay in memory)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")


def _print(row: dict) -> None:
    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
