"""Simulator speed: tickets per second writing interchange files, peak memory, SQLite load time.

    PYTHONPATH=src python benchmarks/simulate_bench.py                 # N = 10k and 100k, 2 workers
    PYTHONPATH=src python benchmarks/simulate_bench.py --sizes 10000 --workers 1 2
    PYTHONPATH=src python benchmarks/simulate_bench.py --sizes 1000000 --sqlite-max 1000000
    PYTHONPATH=src python benchmarks/simulate_bench.py --sizes 100000 --workers 2 --formats parquet \
        --before-src /tmp/before/src --sqlite-max 0

Each measurement runs in a fresh child process, so the peak resident memory (ru_maxrss) is that run's own,
and so are its CPU seconds: the writing process's own (`main CPU`: planning, then appending what the workers
send) and its workers' (`workers CPU`). On 2 cores the run cannot be faster than the larger of the main
process's CPU and half of all CPU, so read those next to the wall clock on a shared machine. `plan CPU` is
the serial part (planning the year and the call centre, before any worker starts); each multi-worker row is
then projected to 1,000,000 tickets on free cores from CPU seconds: the plan alone, then the lives and the
main process's appending shared by the cores.
The baseline row is the same run with one worker; `--before-src` also runs every measurement with another
checkout's `src` first on the path (e.g. the branch point, from `git archive`), in the same run.
Targets (issue 4): 1,000,000 tickets to files in ≤ 5 min with ≤ 4 GB peak memory on 2 cores; loading them
into SQLite in ≤ 15 min. Sizes not run are extrapolated
linearly from the largest size run (marked ~).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _run(kind: str, tickets: int, workers: int, formats: tuple[str, ...]) -> dict:
    from rexian.simulate.city import Simulation

    started, cpu_before = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
    simulation = Simulation(tickets, seed=1)
    planned, plan_cpu = time.perf_counter() - started, _cpu(resource.RUSAGE_SELF) - cpu_before
    directory = Path(tempfile.mkdtemp(prefix="simbench-"))
    try:
        if kind == "files":
            from rexian.simulate.output import write_files

            counts = write_files(simulation, directory / "out", workers=workers, batch_size=2000, formats=formats)
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
    return {"kind": kind, "tickets": tickets, "workers": workers, "seconds": elapsed, "plan_seconds": planned,
            "events": counts.get("events", 0), "peak_mb": max(peak_mb, children), "bytes": size,
            "main_cpu": _cpu(resource.RUSAGE_SELF), "workers_cpu": _cpu(resource.RUSAGE_CHILDREN),
            "plan_cpu": plan_cpu}


def measure(kind: str, tickets: int, workers: int, formats: tuple[str, ...], src: Path, label: str) -> dict:
    """One run in a fresh process (its peak memory and CPU are this run's alone) with `src` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    output = subprocess.run([sys.executable, __file__, "--child", kind, str(tickets), str(workers), ",".join(formats)],
                            env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    return {**json.loads(output.splitlines()[-1]), "code": label}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sqlite-max", type=int, default=100_000, help="largest size also loaded into SQLite")
    parser.add_argument("--formats", default="csv,parquet", help="file formats written (csv,parquet)")
    parser.add_argument("--before-src", type=Path, help="another checkout's src: every run measured with it too")
    parser.add_argument("--json", help="also write the rows as JSON to this file")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, tickets, workers, formats = args.child
        print(json.dumps(_run(kind, int(tickets), int(workers), tuple(formats.split(",")))))
        return
    formats = tuple(args.formats.split(","))
    codes = [("now", Path(__file__).resolve().parent.parent / "src")]
    if args.before_src:
        codes.insert(0, ("before", args.before_src.resolve()))
    rows = []
    for tickets in args.sizes:
        for workers in args.workers:
            for label, src in codes:
                rows.append(measure("files", tickets, workers, formats, src, label))
                _print(rows[-1])
        if tickets <= args.sqlite_max:
            for label, src in codes:
                rows.append(measure("sqlite", tickets, max(args.workers), formats, src, label))
                _print(rows[-1])
    print()
    print(f"load average {os.getloadavg()[0]:.1f}; files: {','.join(formats)}")
    print(f"{'code':6} {'target':8} {'N':>9} {'workers':>7} {'seconds':>9} {'plan CPU':>9} {'main CPU':>9} "
          f"{'workers CPU':>11} {'tickets/s':>10} {'events/s':>10} {'peak MB':>8}")
    for row in rows:
        print(f"{row['code']:6} {row['kind']:8} {row['tickets']:>9} {row['workers']:>7} {row['seconds']:>9.1f} "
              f"{row.get('plan_cpu', float('nan')):>9.1f} {row['main_cpu']:>9.1f} {row['workers_cpu']:>11.1f} "
              f"{row['tickets'] / row['seconds']:>10.0f} {row['events'] / row['seconds']:>10.0f} {row['peak_mb']:>8.0f}")
    _project(rows)
    largest = max(args.sizes)
    for kind in ("files", "sqlite"):
        done = [row for row in rows if row["kind"] == kind and row["tickets"] == largest and row["code"] == "now"]
        if done and largest < 1_000_000:
            best = min(done, key=lambda row: row["seconds"])
            scale = 1_000_000 / largest
            print(f"~{kind:7} {1_000_000:>9} {best['workers']:>7} {best['seconds'] * scale:>9.0f} "
                  f"(extrapolated linearly; peak memory also grows: the plan and call-centre tables stay in memory)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")


def _project(rows: list[dict]) -> None:
    """1,000,000 tickets on a free machine with as many cores as workers, from CPU seconds (not the wall
    clock of a shared machine), scaled linearly: the plan runs alone in the main process; then the workers'
    lives share the cores with the main process's appending, which cannot go faster than itself."""
    for row in rows:
        if row["kind"] != "files" or "plan_cpu" not in row or row["workers"] < 2:
            continue
        scale = 1_000_000 / row["tickets"]
        plan, appending = row["plan_cpu"] * scale, (row["main_cpu"] - row["plan_cpu"]) * scale
        lives = row["workers_cpu"] * scale
        after_plan = max((lives + appending) / row["workers"], appending)
        print(f"~{row['code']:6} 1,000,000 tickets, {row['workers']} free cores, from N={row['tickets']:,}: "
              f"plan {plan:.0f} s (serial) + lives and appending {lives + appending:.0f} CPU s "
              f"/ {row['workers']} = {plan + after_plan:.0f} s")


def _print(row: dict) -> None:
    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
