"""Benchmark: real-time evaluation of one appended event over a large history, against the batch run.

    PYTHONPATH=src python benchmarks/realtime_bench.py --tickets 100000
    PYTHONPATH=src python benchmarks/realtime_bench.py --tickets 1000000 --db /tmp/rt_1m.db   # ~10M events
    PYTHONPATH=src python benchmarks/realtime_bench.py --tickets 100000 --baseline   # also the earliest path

The synthetic log (benchmarks/synthetic_log.py) is written once into an SQLite database in the project's
schema (events and tickets tables, with the migration's indexes); the file is reused when it already holds
that many tickets (its build time is printed apart). Then `--samples` events are drawn at random from the
log and each is handed to the real-time listener exactly as the service does after a commit
(`RealtimeSupervision(records)`): the rules its action triggers, the ticket's (and, for matter rules, its
place's) events, the rules run on DuckDB, findings upserted into the store. Two paths on the same events,
alternating which goes first so that the machine's load hits both alike: `kept` (per-ticket state kept
between events, service/supervision.py `SqlScope`) and `unkept` (every scope read from SQLite and converted
anew: the path before it); `--baseline` adds the earliest path (`RealtimeEvaluator(..., shortcuts=False)`).
Each event is judged twice: first touch (nothing kept yet) and again after its ticket's stamp moved (the
ticket read again, its matter's other tickets kept). Printed: CPU and wall percentiles of the whole call,
wall of its parts, peak memory, and, in the same run, the batch rules (the same real-time rule set) over the
whole history.
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

    from rexian.adapters import desk_tables, findings_tables  # noqa: F401 - register their tables and indexes
    from rexian.adapters.tables import metadata

    if path.exists():
        with sqlite3.connect(path) as db:
            if db.execute("SELECT count(*) FROM tickets").fetchone()[0] == tickets:
                metadata.create_all(create_engine(f"sqlite:///{path}"))  # tables added since it was built
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


def _measure(supervision, record, rules, matter_rules, timing) -> None:
    """The whole listener call as the service makes it after a commit (wall and CPU time), then its parts
    measured again apart (the store is already up to date, so the second call only reads; the scope then
    comes from the kept state where there is one)."""
    w0, c0 = time.perf_counter(), time.process_time()
    supervision([record])
    timing["cpu"].append(time.process_time() - c0)
    timing["wall"].append(time.perf_counter() - w0)
    if rules:
        t0 = time.perf_counter()
        events, tickets = supervision.scope.load({record["ticket_id"]}, bool(matter_rules.intersection(rules)))
        t1 = time.perf_counter()
        supervision.evaluator.evaluate(events, tickets, record["at"], only=rules)
        t2 = time.perf_counter()
        timing["scope"].append(t1 - t0)
        timing["rules"].append(t2 - t1)


def _touch(engine, ticket_id: str) -> None:
    """What the appended event's commit does to its ticket's stamp (`version` moves): the kept state of
    that ticket is read again, as after a real commit; its neighbours on the same matter stay kept."""
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE tickets SET version = version + 1 WHERE ticket_id = ?", (ticket_id,))


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
    from rexian.adapters.keys import keyring_for
    from rexian.analytics.realtime import MATTER_RULES
    from rexian.service.supervision import EVENT_COLUMNS, RealtimeSupervision

    path = Path(args.db or f"/tmp/rexian_rt_{args.tickets}.db")
    build_s = build_history(path, args.tickets)
    engine = make_engine(f"sqlite:///{path}")
    keyring_for(engine, create=True)  # the findings store signs its history rows (docs/trust.md), as after init
    with engine.connect() as connection:
        events_total = connection.execute(text("SELECT max(id) FROM events")).scalar_one()
    # kept: the per-ticket state (this path); unkept: every scope read from SQLite and converted anew (the
    # path before it); earliest (--baseline): also no shared rows, no text memo, every table refilled.
    paths = {"kept": RealtimeSupervision(engine, load_config()),
             "unkept": RealtimeSupervision(engine, load_config(), keep_tickets=0)}
    if args.baseline:
        from rexian.analytics.realtime import RealtimeEvaluator

        paths["earliest"] = RealtimeSupervision(engine, load_config(), keep_tickets=0)
    init_s = {}
    for name, supervision in paths.items():
        start = time.perf_counter()
        if name == "earliest":
            supervision._evaluator = RealtimeEvaluator(load_config(), shortcuts=False)
        supervision.evaluator  # noqa: B018 - built on first use
        init_s[name] = time.perf_counter() - start

    rng = random.Random(1)
    picks = [rng.randrange(1, events_total + 1) for _ in range(args.samples)]
    columns = ", ".join(EVENT_COLUMNS)
    records = []
    with engine.connect() as connection:
        for event_id in picks:
            row = connection.execute(text(f"SELECT {columns} FROM events WHERE id = :i"), {"i": event_id}).first()
            records.append(dict(row._mapping))
    # Pass 1: each drawn event's ticket and matter seen for the first time (the kept state is empty: cold);
    # pass 2: the same events again after each ticket's stamp moved (the ticket read again, its neighbours
    # on the same matter kept) — a server's steady state, where a matter's tickets were judged before.
    passes = ("first touch", "again")
    timings = {(name, number): {"wall": [], "cpu": [], "scope": [], "rules": []}
               for number in range(len(passes)) for name in paths}
    triggered = []
    for number in range(len(passes)):
        for index, record in enumerate(records):
            rules = paths["kept"].evaluator.rules_for([record["action"]])
            if number == 0:
                triggered.append(len(rules))
            else:
                _touch(engine, record["ticket_id"])
            # All paths on the same event, in alternating order (the machine's load hits them alike).
            order = list(paths) if index % 2 == 0 else list(reversed(paths))
            for name in order:
                _measure(paths[name], record, rules, MATTER_RULES, timings[name, number])
        print(f"pass {number + 1} ({passes[number]}) done", file=sys.stderr)

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
        rules = paths["kept"].evaluator.rules
        relational = [r for r in realtime_rule_ids(config) if rules[r].kind == "relational"]
        batch_findings = len(run_rules(data, config, only=relational))
        batch_s = time.perf_counter() - start

    print(f"\nHistory: {args.tickets:,} tickets, {events_total:,} events in SQLite ({path}); "
          f"built in {build_s:.0f} s (0 = reused). Evaluator start-up (compile + prepare once): "
          + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in init_s.items()) + ".")
    print(f"{args.samples} appended events drawn at random from the log; rules triggered per event: "
          f"mean {sum(triggered) / len(triggered):.1f}, max {max(triggered)}.\n")
    print(f"{'per appended event (ms)':<50}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
    for (name, number), timing in timings.items():
        print(f"{name}, {passes[number]}:")
        for label, values in (("  whole listener call, CPU", timing["cpu"]),
                              ("  whole listener call, wall", timing["wall"]),
                              ("    read scope (again, wall)", timing["scope"]),
                              ("    rules on DuckDB (again, wall)", timing["rules"])):
            if values:
                print(f"{label:<50}{ms(percentile(values, 50))}{ms(percentile(values, 95))}"
                      f"{ms(percentile(values, 99))}{ms(max(values))}")
    import resource

    print(f"peak memory (max RSS of this process): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB")
    totals = timings["kept", 1]["wall"]
    if batch_s is not None:
        print(f"{'batch: relational real-time rules over the whole history':<58}{batch_s * 1000:>12.0f} ms "
              f"({batch_findings:,} findings; load and payload flattening included)")
        print(f"real time p99 is {batch_s / percentile(totals, 99):,.0f}x faster than re-running the batch per event")


if __name__ == "__main__":
    main()
