"""Benchmark: the fixed cost of `rexian analyze` on small logs (issue 16, "small end").

    PYTHONPATH=src python benchmarks/analyze_small.py                       # 6,000 simulated tickets (~77k events)
    PYTHONPATH=src python benchmarks/analyze_small.py --tickets 6000 --dir /tmp/s6k   # keep the log for reruns

Printed, each a fresh `rexian analyze` process as a user runs it:
- the whole rule set on an interchange directory, cold (no remembered SQL) and warm (second run);
- in the same run, the baseline the target names: an independent pandas script that reads the same
  events.parquet and counts ping-pong dispatches alone (read, parse payloads, shift) — a new process too;
- `analyze --mapping` on the first 300 rows of the real ServiceNow export (~220 events), cold and warm,
  when the real data directory is present (../shared/data/real or REXIAN_REAL_DATA).
Targets: 65k-event log warm ≤ 3 s and ≤ the pandas count; 200-event export with a mapping ≤ 1.5 s.
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PANDAS_PINGPONG = r"""
import json, sys
import pandas as pd
ev = pd.read_parquet(sys.argv[1], columns=["ticket_id", "seq", "action", "target_unit_id", "payload"])
d = ev[ev["action"] == "Dispatched"].sort_values(["ticket_id", "seq"])
lead = d["payload"].map(lambda text: json.loads(text).get("lead_unit_id") if text else None)
unit = lead.fillna(d["target_unit_id"])
g = unit.groupby(d["ticket_id"])
hits = d[(unit == g.shift(2)) & (unit != g.shift(1))]
print(hits["ticket_id"].nunique())
"""


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one process (CPU time is what a busy shared machine distorts least)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def real_data_dir() -> Path | None:
    for candidate in (os.environ.get("REXIAN_REAL_DATA"), Path(__file__).resolve().parents[1] / "../shared/data/real"):
        if candidate and (Path(candidate) / "servicenow_incidents.csv.gz").exists():
            return Path(candidate)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=6000)
    parser.add_argument("--dir", type=Path, help="where the simulated log is kept (reused when present)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rexian-bench-") as folder:
        run(args, Path(folder))


def run(args: argparse.Namespace, work: Path) -> None:
    log_dir = args.dir or work / "log"
    cli = [sys.executable, "-m", "rexian"]
    if not (log_dir / "events.parquet").exists():
        subprocess.run(cli + ["simulate", "--tickets", str(args.tickets), "--seed", "1", "--out", str(log_dir),
                              "--format", "parquet"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    events = __import__("pyarrow.parquet", fromlist=["x"]).ParquetFile(log_dir / "events.parquet").metadata.num_rows
    env = {**os.environ, "REXIAN_ANALYSIS_CACHE_DIR": str(work / "sql")}
    rows = []
    analyze = cli + ["analyze", str(log_dir), "--out", str(work / "out")]
    rows.append((f"analyze, {events:,} events, cold", timed(analyze, env)))
    rows.append((f"analyze, {events:,} events, warm", timed(analyze, env)))
    pandas = timed([sys.executable, "-c", PANDAS_PINGPONG, str(log_dir / "events.parquet")], env)
    rows.append(("baseline: independent pandas ping-pong count", pandas))
    real = real_data_dir()
    if real is not None:
        sample = work / "servicenow_300.csv"
        with gzip.open(real / "servicenow_incidents.csv.gz", "rt", encoding="utf-8") as source:
            sample.write_text("".join(line for _, line in zip(range(301), source)), encoding="utf-8")
        mapping = Path(__file__).resolve().parents[1] / "docs" / "mappings" / "servicenow.yaml"
        mapped = cli + ["analyze", "--mapping", str(mapping), str(sample), "--out", str(work / "out_sn")]
        own_cache = {**env, "REXIAN_ANALYSIS_CACHE_DIR": str(work / "sql2")}
        rows.append(("analyze --mapping, ServiceNow 300 rows, cold", timed(mapped, own_cache)))
        rows.append(("analyze --mapping, ServiceNow 300 rows, warm", timed(mapped, own_cache)))
    print(f"load average: {os.getloadavg()[0]:.1f} (2 cores, machine shared with other jobs)")
    print(f"{'measure':<50}{'wall s':>10}{'CPU s':>10}")
    for label, (wall, cpu) in rows:
        print(f"{label:<50}{wall:>10.2f}{cpu:>10.2f}")
    warm, pandas = rows[1][1][0], pandas[0]
    print(f"target 65k warm ≤ 3 s: {'met' if warm <= 3 else 'NOT met'}; ≤ pandas count: "
          f"{'met' if warm <= pandas else 'NOT met'}")
    if real is not None:
        print(f"target mapping ≤ 1.5 s: {'met' if rows[-1][1][0] <= 1.5 else 'NOT met'} (wall clock)")


if __name__ == "__main__":
    main()
