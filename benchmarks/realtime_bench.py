"""Benchmark: real-time evaluation of one appended event over a large history, against the batch run.

    PYTHONPATH=src python benchmarks/realtime_bench.py --tickets 100000
    PYTHONPATH=src python benchmarks/realtime_bench.py --tickets 1000000 --db /tmp/rt_1m.db   # ~10M events
    PYTHONPATH=src python benchmarks/realtime_bench.py --tickets 100000 --baseline   # before/after, one run

The synthetic log (benchmarks/synthetic_log.py) is written once into an SQLite database in the project's
schema (events and tickets tables, with the migration's indexes); the file is reused when it already holds
that many tickets. Then `--samples` events are drawn at random from the log and each is handed to the
real-time listener exactly as the service does after a commit (`RealtimeSupervision(records)`): the rules
its action triggers, the ticket's (and, for matter rules, its place's) events read from SQLite, the rules
run on DuckDB, findings upserted into the store. Printed: latency percentiles of the whole call and of its
parts, and, in the same run, the batch rules (the same real-time rule set) over the whole history. With
`--baseline`, each drawn event also goes to a listener on the earlier path (`RealtimeEvaluator(...,
shortcuts=False)`), alternating which path goes first, so that both are measured under the same load.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from synthetic_log import connect, generate  # noqa: E402

from rexian.analytics.config import load_config  # noqa: E402

EVENT_INSERT = ("INSERT INTO events (ticket_id, seq, at, action, actor_id, actor_unit_id, target_unit_id, payload, "
                "source, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '')")
TICKET_INSERT = ("INSERT INTO tickets (ticket_id, status, received_at, category, place_id, caller_id, source, "
                 "last_seq, head_hash, version) VALUES (?, 'handling', ?, ?, ?, ?, 'bench', ?, '', 1)")


def build_history(path: Path, tickets: int) -> float:
    """The synthetic log in an SQLite file with the project's schema; returns seconds spent (0 if reused)."""
    from sqlalchemy import create_engine

    from rexian.adapters import findings_tables  # noqa: F401 - registers the findings tables and indexes
    from rexian.adapters.tables import metadata

    if path.exists():
        with sqlite3.connect(path) as db:
            if db.execute("SELECT count(*) FROM tickets").fetchone()[0] == tickets:
                return 0.0
        path.unlink()
    start = time.perf_counter()
    metadata.create_all(create_engine(f"sqlite:///{path}"))
    con = _connect()
    generate(con, tickets)
    raw = con.con
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    cursor = raw.execute('SELECT ticket_id, seq, strftime("at", \'%Y-%m-%d %H:%M:%S\'), action, actor_id, '
                         'actor_unit_id, target_unit_id, payload, source FROM raw_events')
    while rows := cursor.fetchmany(200_000):
        db.executemany(EVENT_INSERT, rows)
    cursor = raw.execute(
        "SELECT ticket_id, strftime(min(\"at\"), '%Y-%m-%d %H:%M:%S'), "
        "max(json_extract_string(payload, '$.category')), max(json_extract_string(payload, '$.place_id')), "
        "max(json_extract_string(payload, '$.caller_id')), max(seq) FROM raw_events GROUP BY ticket_id")
    while rows := cursor.fetchmany(200_000):
        db.executemany(TICKET_INSERT, rows)
    db.commit()
    db.close()
    return time.perf_counter() - start


def _connect():
    """The generator's DuckDB, spilling to the system temp directory (not `.tmp` in the working tree)."""
    import tempfile

    con = connect()
    con.con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/rexian_duckdb_spill'").fetchall()
    return con


def ms(seconds: float) -> str:
    return f"{seconds * 1000:>9.1f}"


def _measure(supervision, record, rules, matter_rules, totals, loads, evals) -> None:
    """The whole listener call as the service makes it after a commit, then its parts measured again apart
    (the store is already up to date, so the second call only reads)."""
    t0 = time.perf_counter()
    supervision([record])
    totals.append(time.perf_counter() - t0)
    if rules:
        t0 = time.perf_counter()
        events, tickets = supervision.scope.load({record["ticket_id"]}, bool(matter_rules.intersection(rules)))
        t1 = time.perf_counter()
        supervision.evaluator.evaluate(events, tickets, record["at"], only=rules)
        t2 = time.perf_counter()
        loads.append(t1 - t0)
        evals.append(t2 - t1)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="SQLite file for the history (default /tmp/rexian_rt_N.db)")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--baseline", action="store_true",
                        help="also run the earlier path (no shared rows, no text memo, all tables refilled) "
                             "on the same events, alternating, for a before/after in one run")
    args = parser.parse_args()

    from sqlalchemy import text

    from rexian.adapters.database import make_engine
    from rexian.analytics.realtime import MATTER_RULES
    from rexian.service.supervision import EVENT_COLUMNS, RealtimeSupervision

    path = Path(args.db or f"/tmp/rexian_rt_{args.tickets}.db")
    build_s = build_history(path, args.tickets)
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        events_total = connection.execute(text("SELECT max(id) FROM events")).scalar_one()
    paths = {"shortcuts": RealtimeSupervision(engine, load_config())}
    if args.baseline:
        from rexian.analytics.realtime import RealtimeEvaluator

        paths["baseline"] = RealtimeSupervision(engine, load_config())
    init_s = {}
    for name, supervision in paths.items():
        start = time.perf_counter()
        if name == "baseline":
            supervision._evaluator = RealtimeEvaluator(load_config(), shortcuts=False)
        supervision.evaluator  # noqa: B018 - built on first use
        init_s[name] = time.perf_counter() - start

    rng = random.Random(1)
    picks = [rng.randrange(1, events_total + 1) for _ in range(args.samples)]
    columns = ", ".join(EVENT_COLUMNS)
    timings = {name: ([], [], []) for name in paths}  # whole call, scope read, rules
    triggered = []
    for number, event_id in enumerate(picks):
        with engine.connect() as connection:
            row = connection.execute(text(f"SELECT {columns} FROM events WHERE id = :i"), {"i": event_id}).first()
        record = dict(row._mapping)
        evaluator = paths["shortcuts"].evaluator
        rules = evaluator.rules_for([record["action"]])
        triggered.append(len(rules))
        # Both paths on the same event, in alternating order (the machine's load hits both alike).
        order = list(paths) if number % 2 == 0 else list(reversed(paths))
        for name in order:
            _measure(paths[name], record, rules, MATTER_RULES, *timings[name])

    batch_s = None
    if not args.skip_batch:
        from rexian.analytics.engine import run_rules
        from rexian.analytics.realtime import realtime_rule_ids
        from rexian.analytics.tables import from_ibis_connection

        con = _connect()
        generate(con, args.tickets)
        start = time.perf_counter()
        data = from_ibis_connection(con)
        config = load_config()
        rules = paths["shortcuts"].evaluator.rules
        relational = [r for r in realtime_rule_ids(config) if rules[r].kind == "relational"]
        batch_findings = len(run_rules(data, config, only=relational))
        batch_s = time.perf_counter() - start

    print(f"\nHistory: {args.tickets:,} tickets, {events_total:,} events in SQLite ({path}); "
          f"built in {build_s:.0f} s (0 = reused). Evaluator start-up (compile + prepare once): "
          + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in init_s.items()) + ".")
    print(f"{args.samples} appended events drawn at random from the log; rules triggered per event: "
          f"mean {sum(triggered) / len(triggered):.1f}, max {max(triggered)}.\n")
    print(f"{'per appended event (ms)':<44}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
    for name, (totals, loads, evals) in timings.items():
        for label, values in ((f"{name}: whole listener call", totals), ("  read scope from SQLite", loads),
                              ("  rules on DuckDB", evals)):
            if values:
                print(f"{label:<44}{ms(percentile(values, 50))}{ms(percentile(values, 95))}"
                      f"{ms(percentile(values, 99))}{ms(max(values))}")
    totals = timings["shortcuts"][0]
    if batch_s is not None:
        print(f"{'batch: relational real-time rules over the whole history':<58}{batch_s * 1000:>12.0f} ms "
              f"({batch_findings:,} findings; load and payload flattening included)")
        print(f"real time p99 is {batch_s / percentile(totals, 99):,.0f}x faster than re-running the batch per event")


if __name__ == "__main__":
    main()
