"""Benchmark: page latency of the web application on a big SQLite database (issue 12 target: with 1,000,000
tickets, inbox, ticket page and search each p95 <= 200 ms).

    PYTHONPATH=src python benchmarks/web_pages.py --tickets 200000 --db /tmp/web_200k.db
    PYTHONPATH=src python benchmarks/web_pages.py --tickets 1000000 --db /tmp/web_1m.db
    PYTHONPATH=src python benchmarks/web_pages.py --existing --db /tmp/city.db   # e.g. an imported city

The database is written once (reused when it already holds that many tickets): the demo organisation, and
per ticket the domain's own sealed events (受理, 派单, and for a third 签收 and 联系市民) with their
projection, through the bulk loader, so chains verify and the ticket page's chain check does real work.
Tickets spread over 90 days, the demo's categories and units, with a searchable word in their text.
Then each page is requested `--requests` times in-process (the ASGI app through Starlette's test client,
no network), signed in as the person whose workspace it is, and latency percentiles are printed next to a
baseline measured in the same run: the sign-in page, which touches no ticket.

`--existing`: --db is a database made otherwise (`rexian import` of a city with its organisation, `rexian
simulate --db`): nothing is built, and who signs in and what is asked for come from its own data — the unit
with the most tickets in handling, a handler and a unit leader of it (bench passwords set on their accounts),
a centre person with the reviewer role for citywide search, one of that unit's tickets, a word of its title, a
part of its address and its caller's phone (read from the held details).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

WORDS = ("油烟", "噪声", "路灯", "积水", "欠薪", "物业", "公交", "供暖", "食品", "违建")
UNITS = ("D01", "D02", "D03", "D04", "D05", "D06", "S01", "S02", "M01", "M02")
CATEGORIES = ("0101", "0102", "0201", "0202", "0301", "0302", "0401", "0501", "0601", "0602")


def build(db_url: str, tickets: int, say) -> None:
    from sqlalchemy import func, select

    from rexian.adapters import tables as t
    from rexian.adapters.bulk_load import load_organisation, load_tickets
    from rexian.adapters.database import make_engine, migrate
    from rexian.adapters.repository import projection_of
    from rexian.demo.scripted import ORG_FILE
    from rexian.domain.model import NewEvent, Ticket
    from rexian.service.org_admin import read_org_file

    engine = make_engine(db_url)
    migrate(engine)
    with engine.connect() as connection:
        have = connection.execute(select(func.count()).select_from(t.tickets)).scalar_one()
    if have >= tickets:
        say(f"reusing {db_url}: {have} tickets")
        return
    if have:
        raise SystemExit(f"{db_url} holds {have} tickets, fewer than asked: remove it first")
    rng = random.Random(7)
    start = datetime(2026, 1, 1, 8, 0)
    with engine.begin() as connection:
        load_organisation(connection, read_org_file(ORG_FILE), start)
    batch, records, projections, began = 20_000, [], [], time.perf_counter()
    for number in range(1, tickets + 1):
        at = start + timedelta(seconds=number * 90 * 86_400 // tickets)
        ticket = Ticket(ticket_id=f"RX{at:%Y%m%d}{number:07d}")
        word, unit = rng.choice(WORDS), rng.choice(UNITS)
        ticket.record(NewEvent("TicketReceived", at, "A01", "C00", None, {
            "channel": "phone", "caller_phone": f"138{number:08d}", "caller_name": "市民",
            "address": f"东城区测试路{number % 997}号", "title": f"{word}问题", "kind": "complaint",
            "content": f"反映{word}问题，第{number}号，请尽快处理", "category": rng.choice(CATEGORIES),
            "urgency": "normal"}))
        ticket.record(NewEvent("Dispatched", at + timedelta(minutes=20), "P01", "C00", unit, {
            "lead_unit_id": unit, "assisting_unit_ids": [], "due_at": at + timedelta(days=rng.randint(1, 10))}))
        if number % 3 == 0:
            ticket.record(NewEvent("SignedFor", at + timedelta(hours=1), None, unit))
            ticket.record(NewEvent("CitizenContacted", at + timedelta(hours=2), None, unit, None,
                                   {"method": "phone", "summary": "已联系市民"}))
        records.extend(ticket.new_events)
        projections.append({**projection_of(ticket, at), "version": 1})
        if len(projections) >= batch or number == tickets:
            with engine.begin() as connection:
                load_tickets(connection, records, projections)
            records, projections = [], []
            rate = number / (time.perf_counter() - began)
            say(f"  {number:>9} tickets written ({rate:,.0f}/s)")
    engine.dispose()


def bench_cases(sample: str) -> list[tuple[str, str, list[str]]]:
    """(person, label, paths) on the bench's own database (the demo organisation, words of WORDS)."""
    return [("R01", "baseline: sign-in page", ["/login"]),
            ("H0201", "inbox (handler, by deadline)", ["/tickets?queue=inbox", "/tickets?queue=inbox&page=3"]),
            ("L0201", "inbox (unit leader)", ["/tickets?queue=inbox"]),
            ("H0201", "ticket page (timeline + chain check)", [f"/tickets/{sample}"]),
            ("R01", "search: words (citywide)", ["/tickets?q=油烟", "/tickets?q=测试路5号"]),
            # the word indexes' hard cases: a phrase in every ticket (past the count cap: the LIKE newest first);
            # short words (the grams index since 0006_web3; before it, a LIKE scan of the whole table) in no
            # ticket, in a few, in every one
            ("R01", "search: phrase in every ticket", ["/tickets?q=请尽快处理"]),
            ("R01", "search: 2-character word, no match", ["/tickets?q=塌陷"]),
            ("R01", "search: 1-character word, no match", ["/tickets?q=鑫"]),
            ("R01", "search: 4 characters in ~1,000 tickets", ["/tickets?q=996号"]),
            ("R01", "search: 1 character in every ticket", ["/tickets?q=号"]),
            ("R01", "search: ticket number", [f"/tickets?q={sample}"]),
            ("R01", "search: phone", ["/tickets?q=13800000999"]),
            ("R01", "list filtered by state+category", ["/tickets?status=handling&category=02"])]


def existing_cases(hotline) -> list[tuple[str, str, list[str]]]:
    """Who signs in (role → person id) and the cases, taken from an existing database's own data."""
    from sqlalchemy import func, select

    from rexian.adapters import tables as t
    from rexian.adapters.personal import caller_details
    from rexian.web.queries import HANDLING

    c = t.tickets.c
    org = hotline.organisation()
    with hotline.engine.connect() as connection:
        units = connection.execute(select(c.lead_unit_id, func.count()).where(c.status.in_(HANDLING))
                                   .group_by(c.lead_unit_id).order_by(func.count().desc())).all()
        staffed = [(unit, n) for unit, n in units if unit and _person(org, unit, "handler")]
        if not staffed:
            raise SystemExit("no unit with tickets in handling has a handler in the organisation")
        unit, in_handling = staffed[0]
        sample = connection.execute(select(c.ticket_id, c.title, c.address, c.category).where(
            c.lead_unit_id == unit).order_by(c.ticket_id).limit(1).offset(in_handling // 2)).one()
        phone = (caller_details(connection, sample.ticket_id) or {}).get("caller_phone") or "13800000999"
    people = {"handler": _person(org, unit, "handler"), "unit_leader": _person(org, unit, "unit_leader"),
              "reviewer": _person(org, None, "reviewer")}
    if not all(people.values()):
        raise SystemExit(f"the organisation lacks one of {people}")
    title, address = (sample.title or "问题").strip(), (sample.address or "").strip()
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    say(f"unit {unit} ({in_handling:,} tickets in handling), people {people}, ticket {sample.ticket_id}")
    handler, leader, reviewer = people["handler"], people["unit_leader"], people["reviewer"]
    return [
        (reviewer, "baseline: sign-in page", ["/login"]),
        (handler, "inbox (handler, by deadline)", ["/tickets?queue=inbox", "/tickets?queue=inbox&page=3"]),
        (leader, "inbox (unit leader)", ["/tickets?queue=inbox"]),
        (handler, "ticket page (timeline + chain check)", [f"/tickets/{sample.ticket_id}"]),
        (reviewer, f"search: title word {title[:2]} (citywide)", [f"/tickets?q={title[:2]}"]),
        (reviewer, f"search: address {address[:6]}", [f"/tickets?q={address[:6]}"]),
        # short words, which the grams index narrows to candidates that LIKE then reads (in the simulated city both
        # are a place name's, in about 1 % of the tickets)
        (reviewer, "search: 2-character word 鑫鑫 (~1 %)", ["/tickets?q=鑫鑫"]),
        (reviewer, "search: 1-character word 鑫 (~1 %)", ["/tickets?q=鑫"]),
        (reviewer, "search: ticket number", [f"/tickets?q={sample.ticket_id}"]),
        (reviewer, "search: phone", [f"/tickets?q={phone}"]),
        (reviewer, "list filtered by state+category",
         [f"/tickets?status=handling&category={(sample.category or '01')[:2]}"])]


def _person(org, unit_id: str | None, role: str) -> str | None:
    """An active person with `role` in `unit_id` (None: in any unit), the first by id."""
    return next((p.person_id for p in sorted(org.people.values(), key=lambda p: p.person_id)
                 if p.active and role in p.roles and (unit_id is None or p.unit_id == unit_id)), None)


def measure(client, path: str, requests: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each request (the CPU time the process spent: under a shared machine's load
    the wall time also waits for a core)."""
    times, cpu = [], []
    for _ in range(requests):
        began, used = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.text[:200]}")
    return times, cpu


def timed(app, person_id: str, paths: list[str], requests: int) -> tuple[float, float, float, float]:
    """p50, p95 and max wall milliseconds of `requests` requests over `paths`, signed in as `person_id`, and
    the p95 of their CPU milliseconds."""
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        client.get("/login")
        client.post("/login", data={"person_id": person_id, "password": "bench-password",
                                    "csrf": client.cookies["rx_csrf"], "next": "/"})
        times, cpu = [], []
        for path in paths:
            client.get(path)  # warm
            wall, used = measure(client, path, max(2, requests // len(paths)))
            times += wall
            cpu += used
    return statistics.median(times), statistics.quantiles(times, n=100)[94], max(times), \
        statistics.quantiles(cpu, n=100)[94]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--db", default="/tmp/rexian_web_bench.db", help="SQLite file (reused when big enough)")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--existing", action="store_true",
                        help="--db is an existing database (an imported city): build nothing, take people, ticket and "
                             "words from its data")
    parser.add_argument("--before", action="store_true",
                        help="also time each short-word search by the LIKE scan used before 0006_web3")
    args = parser.parse_args()
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    url = f"sqlite:///{Path(args.db).resolve()}"
    if not args.existing:
        build(url, args.tickets, say)

    from sqlalchemy import func, select

    from rexian.adapters import tables as t
    from rexian.bootstrap import bootstrap
    from rexian.settings import load_settings
    from rexian.web.app import create_app
    from rexian.web.auth import Accounts

    hotline = bootstrap(url, settings=load_settings(overrides={"realtime_rules": False, "scheduled_rules_minutes": 0}))
    with hotline.engine.connect() as connection:
        tickets = connection.execute(select(func.count()).select_from(t.tickets)).scalar_one()
    if args.existing:
        cases = existing_cases(hotline)
    else:
        with hotline.engine.connect() as connection:
            sample = connection.execute(select(t.tickets.c.ticket_id).where(t.tickets.c.lead_unit_id == "D02")
                                        .limit(1).offset(args.tickets // 40)).scalar_one()
        cases = bench_cases(sample)
    accounts = Accounts(hotline.engine, hotline.settings, hotline.clock)
    known = {row["person_id"] for row in accounts.list()}
    for person_id in sorted({person for person, _, _ in cases}):
        if person_id not in known:
            accounts.add(hotline.organisation(), person_id, "bench-password")
        elif args.existing:  # an account of the database's own: the bench signs in with its password
            accounts.set_password(person_id, "bench-password")
    app = create_app(hotline)
    rows = []
    for person_id, label, paths in cases:
        rows.append((label, *timed(app, person_id, paths, args.requests)))
        if args.before and ("character word" in label or "1 character" in label):
            # the same request by the path before 0006_web3: words under 3 characters scanned with LIKE
            from rexian.adapters import word_index

            usable = word_index.usable
            word_index.usable = lambda dialect, words: dialect == "sqlite" and len(words) >= word_index.MIN_CHARS
            try:
                rows.append(("  before: LIKE scan", *timed(app, person_id, paths, args.requests)))
            finally:
                word_index.usable = usable
    print(f"\nweb pages on {tickets:,} tickets (SQLite), {args.requests} requests each, in-process")
    print(f"{'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'CPU p95':>8}  target p95<=200")
    for label, p50, p95, top, cpu in rows:
        verdict = "" if label.startswith(("baseline", "  before")) else ("met" if p95 <= 200 else "NOT met")
        print(f"{label:<40} {p50:>8.1f} {p95:>8.1f} {top:>8.1f} {cpu:>8.1f}  {verdict}")
    print(f"(CPU p95: the process's CPU milliseconds per request, without waiting for a core; load average "
          f"{os.getloadavg()[0]:.1f} on 2 shared cores)")


if __name__ == "__main__":
    main()
