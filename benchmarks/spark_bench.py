"""Benchmark: the relational rules on DuckDB and on Spark (local) side by side, over the same Parquet log.

    PYTHONPATH=src python benchmarks/spark_bench.py                       # 1M, 5M, 10M events
    PYTHONPATH=src python benchmarks/spark_bench.py --sizes 1 --master 'local[2]' --driver-memory 4g
    PYTHONPATH=/tmp/before/src python benchmarks/spark_bench.py --sizes 10 --engines spark   # older code's Spark

For each size (millions of events) the synthetic log (`synthetic_log.py`, ≈ 10.6 events per ticket) is
generated in DuckDB and written once as `events.parquet`; then both engines read that file:

- DuckDB: load + payload flattening + ticket facts (as `rexian analyze`), then every applicable relational
  rule as `rule(data, params).count().execute()` (the rule's whole query runs), one after the other;
- Spark: the same through `spark_engine.from_locations` (ev and tk written to the run's scratch location as
  bucketed Parquet in the timing, removed after the rules) and the same
  rule definitions through Ibis's PySpark backend, `--concurrent` queries at once as `run_rules` runs them
  (`SparkData.each`). Spark's start (JVM, session) is timed once, apart.

The rules' figure is the wall time of the whole batch, and the CPU seconds each engine spent on it.
Spark's CPU is also split by JVM thread (tasks, JIT compilers, driver — planning —, GC, broadcast), for the
preparation and the rules (`jvm_cpu_by_thread`, Linux only).

The two engines' row counts per rule must agree; the run says so. `--engines spark` skips DuckDB (to measure
older Spark code in the same session as a full run without running the unchanged DuckDB side twice). Printed: one table per size and a
summary across sizes with the Spark/DuckDB ratio for the rules and a linear fit per stage (seconds =
a + b × million events), which `docs/scale.md` uses for its projection. Peak memory: the Python process's
maximum RSS (DuckDB runs in it) and the Spark JVM's (VmHWM of the driver process; local mode = all of Spark).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from synthetic_log import connect, generate

from rexian.analytics.config import load_config
from rexian.analytics.registry import all_rules
from rexian.analytics.spark_engine import (
    SparkOptions,
    from_locations,
    on_spark,
    spark_session,
)
from rexian.analytics.tables import from_ibis_connection

EVENTS_PER_TICKET = 10.6


def python_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def jvm_peak_mb(spark) -> float:
    """VmHWM of the JVM that PySpark started (0 when it cannot be read, e.g. not on Linux)."""
    try:
        pid = spark.sparkContext._gateway.proc.pid
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (AttributeError, OSError, ValueError):
        pass
    return 0.0


def jvm_cpu_seconds(spark) -> float:
    """CPU seconds (user + system) the Spark JVM has used so far: under a shared machine's load the wall
    clock says more about the neighbours than about the engine; CPU time is what the engine itself spent."""
    try:
        pid = spark.sparkContext._gateway.proc.pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (AttributeError, OSError, ValueError, IndexError):
        return 0.0


# JVM threads by kind (Linux thread names, 15 characters): where the JVM's CPU went, not only how much.
_THREAD_KINDS = (("Executor task", "tasks"), ("C1 Compiler", "JIT"), ("C2 Compiler", "JIT"), ("GC Thread", "GC"),
                 ("ParGC", "GC"), ("G1 ", "GC"), ("VM Thread", "GC"), ("broadcast-exch", "broadcast"))


def jvm_cpu_by_thread(spark) -> dict[str, float]:
    """CPU seconds so far per kind of JVM thread; `driver` is the rest of the process (the threads serving
    PySpark's calls — query analysis, optimisation and planning, Janino — which exit with their Python
    thread, and the scheduler's). Empty when /proc cannot be read."""
    kinds: dict[str, float] = {}
    try:
        pid = spark.sparkContext._gateway.proc.pid
        tick = os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                name = (task / "comm").read_text()
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            kind = next((k for prefix, k in _THREAD_KINDS if name.startswith(prefix)), "driver")
            kinds[kind] = kinds.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    except (AttributeError, OSError, ValueError, IndexError):
        return {}
    kinds["driver"] = kinds.get("driver", 0.0) + jvm_cpu_seconds(spark) - sum(kinds.values())
    return kinds


def cpu_split(before: dict[str, float], after: dict[str, float]) -> str:
    spent = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in ("tasks", "JIT", "driver", "GC", "broadcast")}
    return ", ".join(f"{k} {v:.1f}" for k, v in spent.items())


def relational_rules(data) -> dict:
    return {k: r for k, r in all_rules().items()
            if r.kind == "relational" and on_spark(r) and all(data.has(n) for n in r.needs)}


def time_rules(data, config) -> tuple[float, dict[str, tuple[float, int]]]:
    """Every applicable relational rule's row count, the queries run as `run_rules` runs them (`data.each`:
    one after the other on DuckDB, several at once on Spark). Returns the wall time of the whole batch and
    each rule's own seconds (on Spark they overlap) and count."""

    def timed(rule_id, rule):
        params = dict(config["rules"].get(rule_id) or {})
        params.pop("enabled", None)
        t = time.perf_counter()
        n = int(rule.func(data, params).count().execute())
        print(f"    {rule_id:<24}{time.perf_counter() - t:>8.2f} s {n:>10,}", flush=True)
        return time.perf_counter() - t, n

    rules = relational_rules(data)
    t = time.perf_counter()
    results = data.each([partial(timed, rule_id, rule) for rule_id, rule in rules.items()])
    return time.perf_counter() - t, dict(zip(rules, results))


def write_log(millions: float, directory: Path, threads: int, memory_limit: str) -> int:
    """The synthetic log of `millions` events as `directory/events.parquet`; an existing one (a kept
    `--work-dir` of an earlier run: the generator is deterministic) is read, not written again."""
    if (directory / "events.parquet").exists():
        con = connect(threads, memory_limit)
        events = con.con.execute(f"SELECT count(*) FROM read_parquet('{directory / 'events.parquet'}')").fetchall()
        con.con.close()
        return int(events[0][0])
    con = connect(threads, memory_limit)
    generate(con, int(millions * 1_000_000 / EVENTS_PER_TICKET))
    directory.mkdir(parents=True, exist_ok=True)
    con.con.execute(f"COPY raw_events TO '{directory / 'events.parquet'}' (FORMAT PARQUET, ROW_GROUP_SIZE 500000)")
    events = con.con.execute("SELECT count(*) FROM raw_events").fetchall()[0][0]
    con.con.close()
    return int(events)


def duckdb_run(directory: Path, config, threads: int, memory_limit: str):
    t, cpu = time.perf_counter(), time.process_time()
    con = connect(threads, memory_limit)
    con.con.execute(f"CREATE TABLE raw_events AS SELECT * FROM read_parquet('{directory / 'events.parquet'}')")
    data = from_ibis_connection(con)
    prep, prep_cpu = time.perf_counter() - t, time.process_time() - cpu
    print(f"  DuckDB: load + prepare {prep:.1f} s, {prep_cpu:.1f} CPU s", flush=True)
    cpu = time.process_time()
    wall, rules = time_rules(data, config)
    cpu = time.process_time() - cpu
    print(f"  DuckDB: rules {wall:.1f} s, {cpu:.1f} CPU s", flush=True)
    con.con.close()
    return prep, (wall, rules), data.as_of, (prep_cpu, cpu)


def spark_run(spark, directory: Path, config, as_of, concurrent: int, partitions: int):
    t, cpu, threads = time.perf_counter(), jvm_cpu_seconds(spark), jvm_cpu_by_thread(spark)
    data = from_locations([str(directory)], spark, as_of=as_of,
                          options=SparkOptions(concurrent_queries=concurrent, shuffle_partitions=partitions or None))
    spark.sql("SELECT count(*) FROM ev").collect()
    spark.sql("SELECT count(*) FROM tk").collect()
    prep, prep_cpu = time.perf_counter() - t, jvm_cpu_seconds(spark) - cpu
    prepared = jvm_cpu_by_thread(spark)
    print(f"  Spark: load + prepare {prep:.1f} s, {prep_cpu:.1f} JVM CPU s ({cpu_split(threads, prepared)}), "
          f"{data.shuffle_partitions} shuffle partitions", flush=True)
    cpu = jvm_cpu_seconds(spark)
    wall, rules = time_rules(data, config)
    cpu = jvm_cpu_seconds(spark) - cpu
    print(f"  Spark: rules {wall:.1f} s, {cpu:.1f} JVM CPU s ({cpu_split(prepared, jvm_cpu_by_thread(spark))})",
          flush=True)
    close = getattr(data, "close", None)  # older code (`--engines spark` from git archive) cached instead
    if close is not None:
        close()
    spark.catalog.clearCache()
    return prep, (wall, rules), (prep_cpu, cpu)


def linear_fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares y = a + b x (with one point: through the origin)."""
    if len(xs) == 1:
        return 0.0, ys[0] / xs[0]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,5,10", help="millions of events, comma-separated")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="8g", help="Spark driver (= all of local Spark); 8g of the 24 GB "
                        "here leaves DuckDB's side (3 GB) and the neighbours room")
    parser.add_argument("--partitions", type=int, default=0, help="spark.sql.shuffle.partitions (default 0: sized "
                        "from each input as `analyze --engine spark` sizes it, spark_engine.size_partitions)")
    parser.add_argument("--concurrent", type=int, default=SparkOptions.concurrent_queries,
                        help="rules whose Spark queries run at once (SparkOptions.concurrent_queries)")
    parser.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE",
                        help="more Spark configuration (repeatable), e.g. to measure a setting")
    parser.add_argument("--engines", default="duckdb,spark", help="which engines to run (duckdb, spark or both)")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB memory limit")
    parser.add_argument("--work-dir", help="where the Parquet logs go and stay, reused by the next run with the "
                        "same directory (default: a temporary directory, removed)")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    engines = {e.strip() for e in args.engines.split(",")}
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="rexian-spark-bench-"))
    config = load_config()

    t = time.perf_counter()
    conf = tuple(tuple(item.split("=", 1)) for item in args.spark_conf)
    spark = spark_session(SparkOptions(master=args.master, driver_memory=args.driver_memory, conf=conf,
                                       shuffle_partitions=args.partitions or None), app_name="rexian-spark-bench")
    spark.range(1).count()
    startup = time.perf_counter() - t
    print(f"Spark start ({args.master}, driver {args.driver_memory}, "
          f"{args.partitions or 'input-sized'} shuffle partitions, "
          f"{args.concurrent} queries at once, {dict(conf) or 'no extra conf'}): {startup:.1f} s", flush=True)
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)

    results = []
    try:
        for millions in sizes:
            directory = work / f"log_{millions:g}M"
            t = time.perf_counter()
            events = write_log(millions, directory, args.threads, args.memory_limit)
            print(f"\n{events:,} events in Parquet ({time.perf_counter() - t:.1f} s)", flush=True)
            d_prep, d_rules, as_of, d_cpu = (duckdb_run(directory, config, args.threads, args.memory_limit)
                                             if "duckdb" in engines else (None, None, None, None))
            s_prep, s_rules, s_cpu = spark_run(spark, directory, config, as_of, args.concurrent, args.partitions)
            results.append((events, d_prep, d_rules, s_prep, s_rules, d_cpu, s_cpu))
            if not args.work_dir:
                shutil.rmtree(directory, ignore_errors=True)
            report_size(events, d_prep, d_rules, s_prep, s_rules)
    finally:
        jvm = jvm_peak_mb(spark)
        spark.stop()
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)
    report_summary(results, startup, jvm)


def report_size(events, d_prep, d_rules, s_prep, s_rules) -> None:
    print(f"\n{events:,} events (Spark's per-rule seconds overlap: its queries run at once)")
    print(f"{'rule':<24}{'duckdb s':>10}{'spark s':>10}{'rows':>10}{'agree':>7}")
    for rule_id, (s_secs, s_n) in s_rules[1].items():
        if d_rules is None:
            print(f"{rule_id:<24}{'-':>10}{s_secs:>10.2f}{s_n:>10,}{'-':>7}")
            continue
        secs, n = d_rules[1][rule_id]
        print(f"{rule_id:<24}{secs:>10.2f}{s_secs:>10.2f}{n:>10,}{'yes' if n == s_n else 'NO ' + str(s_n):>7}")
    print(f"{'all rules (wall)':<24}{d_rules[0] if d_rules else float('nan'):>10.2f}{s_rules[0]:>10.2f}")


def report_summary(results, startup: float, jvm_mb: float) -> None:
    nan = float("nan")
    print(f"\nSpark start (JVM + session), not counted below: {startup:.1f} s")
    print(f"{'events':>12}{'duck prep':>11}{'duck rules':>12}{'spark prep':>12}{'spark rules':>13}"
          f"{'rules ratio':>13}{'total ratio':>13}{'counts agree':>14}")
    for events, d_prep, d_rules, s_prep, (s, s_rules), *_ in results:
        if d_rules is None:
            print(f"{events:>12,}{'-':>11}{'-':>12}{s_prep:>12.1f}{s:>13.1f}{'-':>13}{'-':>13}{'-':>14}")
            continue
        d = d_rules[0]
        agree = all(d_rules[1][r][1] == s_rules[r][1] for r in d_rules[1])
        print(f"{events:>12,}{d_prep:>11.1f}{d:>12.1f}{s_prep:>12.1f}{s:>13.1f}{s / d:>12.1f}x"
              f"{(s_prep + s) / (d_prep + d):>12.1f}x{'yes' if agree else 'NO':>14}")
    print("CPU seconds of the rules (DuckDB: the Python process; Spark: the JVM), the load-independent figure:")
    for events, *_, d_cpu, (_, s_cpu) in results:
        d = d_cpu[1] if d_cpu else nan
        print(f"{events:>12,}  duckdb {d:8.1f} s   spark {s_cpu:8.1f} s   ratio {s_cpu / max(d, 1e-9):5.1f}x")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          "(2 cores; a shared machine inflates wall clock)")
    xs = [r[0] / 1e6 for r in results]
    # CPU seconds per stage (index 0 preparation, 1 rules): the load-independent fits the projection uses.
    fits = [("spark prepare", [r[3] for r in results]),
            ("spark prepare CPU", [r[6][0] for r in results]),
            ("spark rules", [r[4][0] for r in results]),
            ("spark rules CPU", [r[6][1] for r in results])]
    if all(r[2] is not None for r in results):
        fits += [("duckdb prepare", [r[1] for r in results]),
                 ("duckdb prepare CPU", [r[5][0] for r in results]),
                 ("duckdb rules", [r[2][0] for r in results]),
                 ("duckdb rules CPU", [r[5][1] for r in results])]
    for name, ys in fits:
        a, b = linear_fit(xs, ys)
        print(f"fit {name:<18}: {a:7.1f} s + {b:6.2f} s per million events")
    print(f"peak RSS: Python process (DuckDB) {python_peak_mb():,.0f} MB; Spark JVM {jvm_mb:,.0f} MB")


if __name__ == "__main__":
    main()
