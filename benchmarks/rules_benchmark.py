"""Benchmark: the relational rules on DuckDB (Ibis) over a synthetic log, against a pandas baseline.

    PYTHONPATH=src python benchmarks/rules_benchmark.py --tickets 100000      # default
    PYTHONPATH=src python benchmarks/rules_benchmark.py --tickets 1000000     # ~10M events

Prints one table: per rule the DuckDB time, and for the four rules with a pandas twin the pandas time,
the speed-up and both finding counts (they must agree). Generation and preparation are timed apart.
Peak memory is the process's maximum RSS after the DuckDB phase (before pandas loads the events).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pandas_baseline  # noqa: E402
from synthetic_log import connect, generate  # noqa: E402

from rexian.analytics.config import load_config  # noqa: E402
from rexian.analytics.registry import all_rules  # noqa: E402
from rexian.analytics.tables import from_ibis_connection  # noqa: E402

TWINS = {
    "BP-RETURNS": lambda ev, data: pandas_baseline.bp_returns(ev),
    "BP-PINGPONG": lambda ev, data: pandas_baseline.bp_pingpong(ev),
    "BP-NO-VERIFY": lambda ev, data: pandas_baseline.bp_no_verify(ev),
    "DL-IDLE": lambda ev, data: pandas_baseline.dl_idle(ev, data.as_of_ts),
}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="3GB")
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args()

    con = connect(args.threads, args.memory_limit)
    t = time.perf_counter()
    generate(con, args.tickets)
    gen_s = time.perf_counter() - t
    events = con.con.execute("SELECT count(*) FROM raw_events").fetchall()[0][0]
    t = time.perf_counter()
    data = from_ibis_connection(con)
    prep_s = time.perf_counter() - t

    config = load_config()
    rules = {k: r for k, r in all_rules().items() if r.kind == "relational" and all(data.has(n) for n in r.needs)}
    duck: dict[str, tuple[float, int]] = {}
    for rule_id, rule in rules.items():
        params = dict(config["rules"].get(rule_id) or {})
        t = time.perf_counter()
        n = rule.func(data, params).count().execute()
        duck[rule_id] = (time.perf_counter() - t, int(n))
    duck_rss = peak_rss_mb()

    pandas: dict[str, tuple[float, int]] = {}
    load_s = 0.0
    if not args.skip_pandas:
        t = time.perf_counter()
        ev = con.con.execute("SELECT ticket_id, seq, ts, action, actor_id, actor_unit_id, target_unit_id, "
                             "lead_unit_id, kind FROM ev").df()
        load_s = time.perf_counter() - t
        for rule_id, twin in TWINS.items():
            t = time.perf_counter()
            n = len(twin(ev, data))
            pandas[rule_id] = (time.perf_counter() - t, n)

    print(f"\nSynthetic log: {args.tickets:,} tickets, {events:,} events; threads={args.threads}, "
          f"memory_limit={args.memory_limit}")
    print(f"generate {gen_s:.1f} s | load+flatten payload+ticket facts {prep_s:.1f} s | "
          f"pandas load of ev {load_s:.1f} s (not counted)\n")
    print(f"{'rule':<24}{'duckdb s':>10}{'findings':>10}{'pandas s':>10}{'findings':>10}{'speed-up':>10}")
    total = 0.0
    for rule_id, (secs, n) in duck.items():
        total += secs
        if rule_id in pandas:
            p_secs, p_n = pandas[rule_id]
            print(f"{rule_id:<24}{secs:>10.2f}{n:>10,}{p_secs:>10.2f}{p_n:>10,}{p_secs / secs:>9.1f}x")
        else:
            print(f"{rule_id:<24}{secs:>10.2f}{n:>10,}")
    twin_duck = sum(duck[r][0] for r in pandas)
    twin_pandas = sum(pandas[r][0] for r in pandas)
    print(f"{'all relational rules':<24}{total:>10.2f}")
    if pandas:
        print(f"{'the four twins':<24}{twin_duck:>10.2f}{'':>10}{twin_pandas:>10.2f}{'':>10}{twin_pandas / twin_duck:>9.1f}x")
    print(f"\nrules + preparation: {total + prep_s:.1f} s; peak RSS after the DuckDB phase: {duck_rss:,.0f} MB; "
          f"at the end: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
