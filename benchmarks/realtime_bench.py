"""Benchmark: real-time evaluation of one appended event over a large history, against the batch run.

    PYTHONPATH=src python benchmarks/realtime_bench.py --tickets 100000
    PYTHONPATH=src python benchmarks/realtime_bench.py --tickets 1000000 --db /tmp/rt_1m.db   # ~10M events
    PYTHONPATH=src python benchmarks/realtime_bench.py --tickets 100000 --baseline   # also the earliest path
    PYTHONPATH=src python benchmarks/realtime_bench.py --tickets 1000000 --db /tmp/rt_1m.db --skip-batch \
        --before-src /tmp/before/src          # the same measurement with another checkout's src, same run

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
CPU of its parts measured again apart (scope read, rules on DuckDB, store upsert), peak memory, and, in the
same run, the batch rules (the same real-time rule set) over the whole history. The findings store is
emptied first, so every run starts alike. `--before-src DIR` runs the measurement twice more in child
processes — another checkout's `src` (e.g. the branch point, from `git archive`) and this one, in the order
before, now, now, before — on the same history and events, and prints them side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
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


def _measure(supervision, record, rules, matter_rules, timing) -> None:
    """The whole listener call as the service makes it after a commit (wall and CPU time), then its parts
    measured again apart, in CPU time (the store is already up to date, so the second upsert only compares;
    the scope then comes from the kept state where there is one)."""
    w0, c0 = time.perf_counter(), time.process_time()
    supervision([record])
    timing["cpu"].append(time.process_time() - c0)
    timing["wall"].append(time.perf_counter() - w0)
    if rules:
        t0 = time.process_time()
        events, tickets = supervision.scope.load({record["ticket_id"]}, bool(matter_rules.intersection(rules)))
        t1 = time.process_time()
        findings = supervision.evaluator.evaluate(events, tickets, record["at"], only=rules)
        t2 = time.process_time()
        supervision.store.upsert(findings, "realtime", record["at"])
        timing["scope"].append(t1 - t0)
        timing["rules"].append(t2 - t1)
        timing["store"].append(time.process_time() - t2)


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
    parser.add_argument("--before-src", type=Path,
                        help="another checkout's src: the measurement run with it and with this one, alternately")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    path = Path(args.db or f"/tmp/rexian_rt_{args.tickets}.db")
    if args.child:
        print(json.dumps(measure(path, args)))
        return
    build_s = build_history(path, args.tickets)
    if args.before_src:
        return compare(path, args, build_s)
    result = measure(path, args)
    report(result, path, args, build_s)
    if not args.skip_batch:
        batch_s, batch_findings = batch(args.tickets)
        print(f"{'batch: relational real-time rules over the whole history':<58}{batch_s * 1000:>12.0f} ms "
              f"({batch_findings:,} findings; load and payload flattening included)")
        again = result["timings"]["kept, again"]["wall"]
        print(f"real time p99 is {batch_s / percentile(again, 99):,.0f}x faster than re-running the batch per event")


def measure(path: Path, args) -> dict:
    """Every path on the same drawn events, twice (first touch, again); the findings store emptied first."""
    from sqlalchemy import text

    from rexian.adapters.database import make_engine
    from rexian.adapters.keys import keyring_for
    from rexian.analytics.realtime import MATTER_RULES
    from rexian.service.supervision import EVENT_COLUMNS, RealtimeSupervision

    engine = make_engine(f"sqlite:///{path}")
    keyring_for(engine, create=True)  # the findings store signs its history rows (docs/trust.md), as after init
    with engine.begin() as connection:
        for table in ("finding_events", "findings"):  # every run starts from an empty store, so runs compare
            connection.execute(text(f"DELETE FROM {table}"))
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
    timings = {f"{name}, {label}": {"wall": [], "cpu": [], "scope": [], "rules": [], "store": []}
               for label in PASSES for name in paths}
    triggered = []
    cpu0 = time.process_time()
    for number, label in enumerate(PASSES):
        for index, record in enumerate(records):
            rules = paths["kept"].evaluator.rules_for([record["action"]])
            if number == 0:
                triggered.append(len(rules))
            else:
                _touch(engine, record["ticket_id"])
            # All paths on the same event, in alternating order (the machine's load hits them alike).
            order = list(paths) if index % 2 == 0 else list(reversed(paths))
            for name in order:
                _measure(paths[name], record, rules, MATTER_RULES, timings[f"{name}, {label}"])
        print(f"pass {number + 1} ({label}) done", file=sys.stderr)
    return {"timings": timings, "init_s": init_s, "triggered": triggered, "events_total": events_total,
            "cpu_s": time.process_time() - cpu0, "load": os.getloadavg()[0],
            "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6}


PASSES = ("first touch", "again")
ROWS = (("  whole listener call, CPU", "cpu"), ("  whole listener call, wall", "wall"),
        ("    read scope (again, CPU)", "scope"), ("    rules on DuckDB (again, CPU)", "rules"),
        ("    store upsert (again, CPU)", "store"))


def report(result: dict, path: Path, args, build_s: float) -> None:
    triggered = result["triggered"]
    print(f"\nHistory: {args.tickets:,} tickets, {result['events_total']:,} events in SQLite ({path}); "
          f"built in {build_s:.0f} s (0 = reused). Evaluator start-up (compile + prepare once): "
          + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result["init_s"].items()) + ".")
    print(f"{args.samples} appended events drawn at random from the log; rules triggered per event: "
          f"mean {sum(triggered) / len(triggered):.1f}, max {max(triggered)}.\n")
    print(f"{'per appended event (ms)':<50}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
    for name, timing in result["timings"].items():
        print(f"{name}:")
        for label, key in ROWS:
            if timing[key]:
                print(f"{label:<50}{_row(timing[key])}")
    print(f"peak memory (max RSS of this process): {result['peak_gb']:.2f} GB; measuring took {result['cpu_s']:.1f} "
          f"CPU s; load average at the end {result['load']:.1f}")


def compare(path: Path, args, build_s: float) -> None:
    """The measurement in child processes with each code's src first on the path, in the order before, now,
    now, before (the machine's load drifts: each code gets an early and a late turn)."""
    codes = {"before": args.before_src.resolve(), "now": Path(__file__).resolve().parent.parent / "src"}
    command = [sys.executable, __file__, "--child", "--tickets", str(args.tickets), "--db", str(path),
               "--samples", str(args.samples)]
    runs = []
    for label in ("before", "now", "now", "before"):
        env = {**os.environ, "PYTHONPATH": str(codes[label])}
        out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
        runs.append((label, json.loads(out.strip().splitlines()[-1])))
        print(f"{label}: done (load {runs[-1][1]['load']:.1f})", file=sys.stderr)
    print(f"\nHistory: {args.tickets:,} tickets, {runs[0][1]['events_total']:,} events in SQLite ({path}); built in "
          f"{build_s:.0f} s (0 = reused). {args.samples} events drawn at random, each judged on first touch and "
          f"again; before = {codes['before']}, runs in the order before, now, now, before.\n")
    print(f"{'per appended event (ms): p50 / p95 / p99 / max':<44}" + "".join(f"{label:>30}" for label, _ in runs))
    for name in runs[0][1]["timings"]:
        print(f"{name}:")
        for label, key in ROWS:
            cells = [_row(result["timings"][name][key], sep=" /", width=6) for _, result in runs]
            if all(cells):
                print(f"{label:<44}" + "".join(f"{cell:>30}" for cell in cells))
    print(f"{'measuring, CPU s':<44}" + "".join(f"{result['cpu_s']:>30.1f}" for _, result in runs))
    print(f"{'peak RSS, GB':<44}" + "".join(f"{result['peak_gb']:>30.2f}" for _, result in runs))
    print(f"{'load average at the end':<44}" + "".join(f"{result['load']:>30.1f}" for _, result in runs))


def _row(values: list[float], sep: str = "", width: int = 9) -> str:
    if not values:
        return ""
    return sep.join(f"{seconds * 1000:>{width}.1f}" for seconds in
                    (percentile(values, 50), percentile(values, 95), percentile(values, 99), max(values)))


def batch(tickets: int) -> tuple[float, int]:
    """The relational real-time rules over the whole synthetic history with `run_rules`: seconds, findings."""
    from rexian.analytics.engine import run_rules
    from rexian.analytics.realtime import realtime_rule_ids
    from rexian.analytics.registry import all_rules
    from rexian.analytics.tables import from_ibis_connection

    con = _connect()
    generate(con, tickets)
    start = time.perf_counter()
    data = from_ibis_connection(con)
    config = load_config()
    rules = all_rules()
    relational = [r for r in realtime_rule_ids(config) if rules[r].kind == "relational"]
    findings = len(run_rules(data, config, only=relational))
    return time.perf_counter() - start, findings


if __name__ == "__main__":
    main()
