"""Benchmark: `rexian verify` (chains, signatures, projections, numbering, checkpoints) against the chain-only
check it grew from, on the same simulated database in the same run.

    PYTHONPATH=src python benchmarks/verify_bench.py --tickets 5000
    PYTHONPATH=src python benchmarks/verify_bench.py --tickets 50000 --db /tmp/verify_50k.db

The database is written by the simulator (`simulate --db`, every event signed) once and reused when it exists.
Printed: seconds and peak memory of taking a checkpoint, of the baseline (each stream's hash chain only, rows
read through the same raw reader) and of the full verify, with events per second.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--db", default=None, help="SQLite file to write once and reuse")
    args = parser.parse_args()

    from rexian.adapters.database import make_engine, migrate
    from rexian.adapters.log_reader import iter_raw_streams
    from rexian.domain.chain_check import check_stream, read_event_row
    from rexian.service.checkpoints import make_checkpoint
    from rexian.service.verify import verify_database
    from rexian.simulate.city import Simulation
    from rexian.simulate.output import write_database

    path = Path(args.db or Path(tempfile.mkdtemp()) / f"verify_{args.tickets}.db")
    engine = make_engine(f"sqlite:///{path}")
    if not path.exists():
        print(f"simulating {args.tickets} tickets into {path} …", flush=True)
        migrate(engine)
        write_database(Simulation(args.tickets, 1), engine)

    rows = []
    start = time.perf_counter()
    make_checkpoint(engine, __import__("datetime").datetime.now())
    rows.append(("checkpoint (new events only)", time.perf_counter() - start, None))

    start, events = time.perf_counter(), 0
    with engine.connect() as connection:
        for stream, raw in iter_raw_streams(connection):
            records = [record for record, _ in map(read_event_row, raw) if record is not None]
            events += len(records)
            check_stream(stream, records)
    rows.append(("baseline: hash chains only", time.perf_counter() - start, events))

    start = time.perf_counter()
    report = verify_database(engine)
    rows.append(("verify (everything)", time.perf_counter() - start, report.events))
    assert report.intact, report.lines()[:5]

    print(f"\n{'step':<32}{'seconds':>10}{'events/s':>12}")
    for name, seconds, count in rows:
        rate = f"{count / seconds:,.0f}" if count else "-"
        print(f"{name:<32}{seconds:>10.2f}{rate:>12}")
    print(f"peak memory {_peak_mb():.0f} MB; {report.tickets} tickets, {report.events} events")


if __name__ == "__main__":
    main()
