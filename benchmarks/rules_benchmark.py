"""Benchmark: the relational rules on DuckDB (Ibis) over a synthetic log, against a pandas baseline and
against pm4py's handover-of-work network on the same log.

    PYTHONPATH=src python benchmarks/rules_benchmark.py --tickets 100000      # default
    PYTHONPATH=src python benchmarks/rules_benchmark.py --tickets 1000000     # ~10M events
    pip install -e '.[bench]'                                                  # pm4py (AGPL): benchmark only

Prints one table: per rule the DuckDB time, and for the four rules with a pandas twin the pandas time,
the speed-up and both finding counts (they must agree). Generation and preparation are timed apart.
Peak memory is the process's maximum RSS after the DuckDB phase (before pandas loads the events).

The rules are run twice in the same run: first the previous way ("before": each rule computes the tables it
shares with others, `Data.keep_intermediates` off), then as `rexian analyze` runs them ("after": a shared
intermediate such as the tickets' revisits computed once and kept); per rule the wall and CPU seconds of
both, and whether the findings are the same (count, finding keys, responsible unit and person, severity,
evidence events). Each rule's result is computed into a table (as a run fetches all of it), not counted.

Preparation is measured against its baseline in the same run: `ev` built first the previous way (the parsed
payloads materialised in a temporary table, then the 50-column result sorted), dropped, then by
`from_ibis_connection` as `rexian analyze` does; wall clock and the process's CPU seconds of both (on a
shared machine read the CPU seconds; the load average is printed).

Then, when pm4py is installed (the `bench` extra; skip with --skip-pm4py), pm4py's
`discover_handover_of_work_network` (beta=0: who hands the ticket to whom, event by event) against the same
network computed relationally with Ibis on DuckDB (checked edge by edge), against BP-PINGPONG and against all
relational rules. pm4py's input DataFrame is built outside the timing.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pandas_baseline  # noqa: E402
from synthetic_log import connect, generate  # noqa: E402

from rexian.analytics.config import load_config  # noqa: E402
from rexian.analytics.registry import all_rules  # noqa: E402
from rexian.analytics.tables import event_fields, from_ibis_connection  # noqa: E402

TWINS = {
    "BP-RETURNS": lambda ev, data: pandas_baseline.bp_returns(ev),
    "BP-PINGPONG": lambda ev, data: pandas_baseline.bp_pingpong(ev),
    "BP-NO-VERIFY": lambda ev, data: pandas_baseline.bp_no_verify(ev),
    "DL-IDLE": lambda ev, data: pandas_baseline.dl_idle(ev, data.as_of_ts),
}


def previous_ev_preparation(raw) -> tuple[float, float]:
    """The baseline: `ev` as it was built before issue 16's fifth pass (wall s, CPU s); the table is dropped."""
    fields, structure_sql = event_fields(raw)
    wall, cpu = time.perf_counter(), time.process_time()
    raw.execute("CREATE TEMP TABLE raw_events_parsed AS SELECT *, json_transform(CAST(payload AS VARCHAR), "
                f"'{structure_sql}') AS p FROM raw_events").fetchall()
    raw.execute("CREATE TABLE ev_before AS SELECT " + ", ".join(fields)
                + " FROM raw_events_parsed ORDER BY ticket_id, seq").fetchall()
    spent = time.perf_counter() - wall, time.process_time() - cpu
    raw.execute("DROP TABLE raw_events_parsed").fetchall()
    raw.execute("DROP TABLE ev_before").fetchall()
    return spent


# What a rule's findings are made of, besides the evidence values: the finding key's parts (ticket, tickets,
# agent, subject), the responsible unit and person, the severity and the evidence events (lists sorted).
KEY_COLUMNS = ("ticket_id", "ticket_ids", "agent_id", "subject", "unit_id", "person_id", "severity", "seqs")


def run_relational(data, rules, config) -> dict[str, tuple[float, int, float, tuple]]:
    """Each rule's result computed into a table (wall s, rows, CPU s of the process — DuckDB's threads
    included), then its fingerprint outside the timing: the row count and an order-free sum of the hashes
    of each row's key columns."""
    raw = data.con.con
    out = {}
    for rule_id, rule in rules.items():
        params = dict(config["rules"].get(rule_id) or {})
        t, c = time.perf_counter(), time.process_time()
        sql = data.con.compile(rule.func(data, params))
        raw.execute(f"CREATE OR REPLACE TEMP TABLE bench_result AS {sql}").fetchall()
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        columns = [row[0] for row in raw.execute("DESCRIBE bench_result").fetchall()]
        parts = [f"list_sort({c})" if c in ("ticket_ids", "seqs") else c for c in KEY_COLUMNS if c in columns]
        n, digest = raw.execute(f"SELECT count(*), sum(hash({', '.join(parts)})::HUGEINT) FROM bench_result"
                                ).fetchall()[0]
        out[rule_id] = (wall, int(n), cpu, (int(n), str(digest)))
    raw.execute("DROP TABLE IF EXISTS bench_result").fetchall()
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="3GB")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--skip-pm4py", action="store_true")
    parser.add_argument("--skip-baseline-prep", action="store_true", help="do not build ev the previous way first")
    parser.add_argument("--skip-before", action="store_true",
                        help="do not run the rules the previous way first (each computing its own intermediates)")
    args = parser.parse_args()

    con = connect(args.threads, args.memory_limit)
    t = time.perf_counter()
    generate(con, args.tickets)
    gen_s = time.perf_counter() - t
    events = con.con.execute("SELECT count(*) FROM raw_events").fetchall()[0][0]
    prep_before = None if args.skip_baseline_prep else previous_ev_preparation(con.con)
    t, c = time.perf_counter(), time.process_time()
    data = from_ibis_connection(con)
    prep_s, prep_cpu = time.perf_counter() - t, time.process_time() - c
    load_before = os.getloadavg()[0]

    config = load_config()
    rules = {k: r for k, r in all_rules().items() if r.kind == "relational" and all(data.has(n) for n in r.needs)}
    before: dict[str, tuple[float, int, float, tuple]] = {}
    if not args.skip_before:
        # The baseline, same run: every rule computes its own intermediates (as before they were kept).
        data.keep_intermediates = False
        before = run_relational(data, rules, config)
        data.keep_intermediates = True
    duck = run_relational(data, rules, config)
    duck_rss = peak_rss_mb()

    pandas: dict[str, tuple[float, int, float]] = {}
    load_s = 0.0
    if not args.skip_pandas:
        t = time.perf_counter()
        ev = con.con.execute("SELECT ticket_id, seq, ts, action, actor_id, actor_unit_id, target_unit_id, "
                             "lead_unit_id, kind FROM ev").df()
        load_s = time.perf_counter() - t
        for rule_id, twin in TWINS.items():
            t, c = time.perf_counter(), time.process_time()
            n = len(twin(ev, data))
            pandas[rule_id] = (time.perf_counter() - t, n, time.process_time() - c)

    print(f"\nSynthetic log: {args.tickets:,} tickets, {events:,} events; threads={args.threads}, "
          f"memory_limit={args.memory_limit}")
    print(f"generate {gen_s:.1f} s | load+flatten payload+ticket facts {prep_s:.1f} s ({prep_cpu:.1f} CPU s) | "
          f"pandas load of ev {load_s:.1f} s (not counted) | load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}")
    if prep_before:
        print(f"ev table alone, previous way (baseline): {prep_before[0]:.1f} s wall, {prep_before[1]:.1f} CPU s "
              f"| now: see the preparation above (ev + ticket facts)")
    print()
    if before:
        print(f"{'rule':<22}{'before s':>9}{'CPU s':>7}{'after s':>9}{'CPU s':>7}{'findings':>10}{'same':>6}"
              f"{'pandas s':>9}{'CPU s':>7}{'findings':>10}{'speed-up':>9}{'CPU':>7}")
    else:
        print(f"{'rule':<22}{'after s':>9}{'CPU s':>7}{'findings':>10}{'pandas s':>9}{'CPU s':>7}{'findings':>10}"
              f"{'speed-up':>9}{'CPU':>7}")
    for rule_id, (secs, n, cpu, _print) in duck.items():
        line = f"{rule_id:<22}"
        if before:
            b_secs, b_n, b_cpu, b_print = before[rule_id]
            line += f"{b_secs:>9.2f}{b_cpu:>7.1f}"
        line += f"{secs:>9.2f}{cpu:>7.1f}{n:>10,}"
        if before:
            line += f"{'yes' if before[rule_id][3] == _print else 'NO':>6}"
        if rule_id in pandas:
            p_secs, p_n, p_cpu = pandas[rule_id]
            line += f"{p_secs:>9.2f}{p_cpu:>7.1f}{p_n:>10,}{p_secs / secs:>8.1f}x{p_cpu / max(cpu, 1e-9):>6.1f}x"
        print(line)
    total = sum(v[0] for v in duck.values())
    rules_cpu = sum(v[2] for v in duck.values())
    twin_duck = sum(duck[r][0] for r in pandas)
    twin_pandas = sum(pandas[r][0] for r in pandas)
    line = f"{'all relational rules':<22}"
    if before:
        line += f"{sum(v[0] for v in before.values()):>9.2f}{sum(v[2] for v in before.values()):>7.1f}"
    print(line + f"{total:>9.2f}{rules_cpu:>7.1f}")
    if pandas:
        twin_duck_cpu = sum(duck[r][2] for r in pandas)
        twin_pandas_cpu = sum(pandas[r][2] for r in pandas)
        print(f"the four twins: DuckDB (after) {twin_duck:.2f} s, idiomatic pandas {twin_pandas:.2f} s: "
              f"{twin_pandas / twin_duck:.1f}x; CPU {twin_duck_cpu:.1f} against {twin_pandas_cpu:.1f} s: "
              f"{twin_pandas_cpu / max(twin_duck_cpu, 1e-9):.1f}x (the load inflates wall clock, CPU much less)")
    if before:
        same = all(before[r][1] == duck[r][1] and before[r][3] == duck[r][3] for r in duck)
        print("findings before and after: " + ("identical for every rule (count, finding keys, responsible unit "
                                               "and person, severity, evidence events)" if same else "DIFFERENT"))
    print(f"all relational rules: {rules_cpu:.1f} CPU s (DuckDB, 2 threads)"
          + (f"; the four twins in pandas: {sum(v[2] for v in pandas.values()):.1f} CPU s" if pandas else ""))
    print(f"\nrules + preparation: {total + prep_s:.1f} s; peak RSS after the DuckDB phase: {duck_rss:,.0f} MB; "
          f"at the end: {peak_rss_mb():,.0f} MB")
    if not args.skip_pm4py:
        pm4py_comparison(con, data, duck, total)


def handover_network(ev):
    """pm4py's handover-of-work metric with beta=0, relationally: per ticket, the actor of each event and the
    actor of the next event; each (from, to) pair counted and divided by the number of pairs. Events without
    an actor (a few in the synthetic log) are left out, as they are from pm4py's input."""
    import ibis
    from ibis import _

    w = ibis.window(group_by=_.ticket_id, order_by=_.seq)
    pairs = ev.filter(_.actor_id.notnull()).select(_.ticket_id, giver=_.actor_id, taker=_.actor_id.lead().over(w)).filter(_.taker.notnull())
    counted = pairs.group_by(["giver", "taker"]).aggregate(n=_.count())
    return counted.mutate(share=_.n / _.n.sum().over(ibis.window()))


def pm4py_comparison(con, data, duck, total) -> None:
    try:
        import pm4py
    except ImportError:
        print("\npm4py not installed (pip install -e '.[bench]'): no pm4py comparison")
        return
    frame = con.con.execute('SELECT ticket_id AS "case:concept:name", action AS "concept:name", '
                            '"at" AS "time:timestamp", actor_id AS "org:resource" FROM ev '
                            "WHERE actor_id IS NOT NULL ORDER BY ticket_id, seq").df()
    t = time.perf_counter()
    sna = pm4py.discover_handover_of_work_network(frame, beta=0)
    pm_s = time.perf_counter() - t
    t = time.perf_counter()
    ours = handover_network(data.ev).execute()
    ibis_s = time.perf_counter() - t
    theirs = sna.connections
    mine = {(g, k): share for g, k, share in zip(ours["giver"], ours["taker"], ours["share"])}
    same = set(mine) == set(theirs) and all(abs(mine[e] - theirs[e]) < 1e-12 for e in theirs)
    print(f"\npm4py {pm4py.__version__} handover-of-work network (beta=0) on the same log: "
          f"{len(theirs):,} edges; Ibis/DuckDB network {len(mine):,} edges — "
          + ("identical edges and weights" if same else "DIFFERENT (see above)"))
    print(f"{'':<34}{'seconds':>10}{'pm4py / this':>14}")
    print(f"{'pm4py handover network':<34}{pm_s:>10.2f}")
    rows = [("Ibis/DuckDB same network", ibis_s), ("BP-PINGPONG (Ibis/DuckDB)", duck["BP-PINGPONG"][0]),
            (f"all {len(duck)} relational rules", total)]
    for label, secs in rows:
        verdict = "≥5×" if pm_s / secs >= 5 else "<5×"
        print(f"{label:<34}{secs:>10.2f}{pm_s / secs:>13.1f}x  {verdict}")


if __name__ == "__main__":
    main()
