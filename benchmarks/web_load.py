"""Load test: N concurrent signed-in users doing a mixed day's work against `rexian serve` on 127.0.0.1 for
M minutes, then the checks of issue 12: 0 errors, 0 lost or duplicated events, chains intact.

    PYTHONPATH=src python benchmarks/web_load.py --users 50 --minutes 5            # the issue's target
    PYTHONPATH=src python benchmarks/web_load.py --users 10 --minutes 1            # a quick run
    PYTHONPATH=src python benchmarks/web_load.py --db postgresql+psycopg://…/empty  # on an empty PostgreSQL database

A fresh SQLite database (or the empty database `--db` names) gets the demo organisation and accounts; the server runs as its own process
(`python -m rexian serve`). Each user is a thread with its own HTTP connection that, until time is up, takes
one ticket through its life over the REST API, each step with the token of the person whose work it is
(agent intake → dispatch → sign for → contact → closure request → leader's endorsement → review → visit),
reading its inbox and the ticket between steps. Every command carries an Idempotency-Key; a request that
fails on the network is retried once with the same key. Afterwards: every event the server reported is in
the log exactly once, the log holds nothing else, and `verify_database` finds every chain intact.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

STEPS = 8


SEARCHED = ("油烟", "烟", "多福巷1号", "整改", "塌陷")  # a mixed day's searches: 1, 2 and more characters


def wait_until_serving(server: subprocess.Popen, base: str, timeout: float, log_path: Path) -> float:
    """Seconds until the server answers an HTTP request (its sign-in page), not merely accepts a connection: the
    users start only then. On a loaded machine the server's start (imports, the organisation's chain check) took
    over a minute, and a fixed 20 s wait sent every user into refused connections, counted as errors. Ends the run
    when the server exits or does not answer within `timeout`."""
    import httpx

    began = time.time()
    while time.time() - began < timeout:
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}) before answering: "
                             f"{log_path.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(base + "/login", timeout=5).status_code == 200:
                return time.time() - began
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(db_url: str) -> dict[str, str]:
    from rexian.bootstrap import bootstrap
    from rexian.demo.scripted import ORG_FILE
    from rexian.service.org_admin import apply_org_changes, read_org_file
    from rexian.settings import load_settings
    from rexian.web.auth import Accounts

    app = bootstrap(db_url, settings=load_settings(overrides={"realtime_rules": False}))
    apply_org_changes(app, None, read_org_file(ORG_FILE))
    accounts = Accounts(app.engine, app.settings, app.clock)
    tokens = {}
    for person_id in ("A01", "P01", "H0201", "L0201", "R01", "V01"):
        accounts.add(app.organisation(), person_id, "load-password")
        tokens[person_id] = accounts.issue_token(person_id, "load test")
    app.engine.dispose()
    return tokens


class User(threading.Thread):
    def __init__(self, base: str, tokens: dict[str, str], until: float, number: int):
        super().__init__(daemon=True)
        self.base, self.tokens, self.until, self.number = base, tokens, until, number
        self.events: list[tuple[str, int]] = []
        self.errors: list[str] = []
        self.latencies: list[tuple[str, float]] = []  # (kind of request, ms)
        self.tickets = 0

    def call(self, person: str, method: str, path: str, body=None, command=True, kind: str = ""):
        import httpx

        headers = {"Authorization": f"Bearer {self.tokens[person]}"}
        if command:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        for attempt in (1, 2):
            began = time.perf_counter()
            try:
                response = self.client.request(method, self.base + path, json=body, headers=headers)
            except httpx.TransportError as error:
                if attempt == 2:
                    self.errors.append(f"{method} {path}: {error!r}")
                    return None
                continue
            self.latencies.append((kind or f"{method} {path.rsplit('/', 1)[-1]}",
                                   (time.perf_counter() - began) * 1000))
            if response.status_code >= 400:
                self.errors.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
                return None
            data = response.json() if response.content else None
            if command and data and not data.get("replayed"):
                self.events += [(event["ticket_id"], event["seq"]) for event in data["events"]]
            return data
        return None

    def life(self) -> None:
        outcome = self.call("A01", "POST", "/api/v1/tickets", {
            "content": f"负载测试第{self.number}号用户反映饭店油烟扰民", "category": "0201",
            "caller_phone": "13800138000", "address": "东城区多福巷1号"}, kind="POST intake")
        if not outcome:
            return
        tid = outcome["ticket_id"]
        steps = [("P01", "dispatch", {"lead_unit_id": "D02"}), ("H0201", "sign_for", {}),
                 ("H0201", "record_contact", {"method": "phone", "summary": "已电话联系市民了解情况"}),
                 ("H0201", "request_closure", {"reply": "已责令饭店整改，复查油烟排放达标。"})]
        for person, action, body in steps:
            if self.call(person, "POST", f"/api/v1/tickets/{tid}/{action}", body) is None:
                return
        self.call("H0201", "GET", "/api/v1/tickets?queue=inbox&per_page=20", command=False, kind="GET inbox")
        self.call("R01", "GET", f"/api/v1/tickets?q={SEARCHED[self.tickets % len(SEARCHED)]}", command=False,
                  kind="GET word search")
        ticket = self.call("L0201", "GET", f"/api/v1/tickets/{tid}", command=False, kind="GET ticket")
        if not ticket or not ticket["requests"]:
            self.errors.append(f"{tid}: no pending closure request")
            return
        request_id = ticket["requests"][0]["request_id"]
        for person, action, body in (("L0201", "endorse", {"request_id": request_id, "approve": True}),
                                     ("R01", "review_closure", {"request_id": request_id, "approve": True}),
                                     ("V01", "visit", {"resolved": True, "satisfaction": "satisfied"})):
            if self.call(person, "POST", f"/api/v1/tickets/{tid}/{action}", body) is None:
                return
        self.tickets += 1

    def run(self) -> None:
        import httpx

        with httpx.Client(timeout=60) as self.client:
            while time.time() < self.until:
                self.life()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--db", help="an EMPTY database URL (e.g. PostgreSQL); default a fresh SQLite file")
    parser.add_argument("--start-timeout", type=float, default=300,
                        help="seconds to wait for the server to answer before the users start")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="rexian-load-"))
    db_url = args.db or f"sqlite:///{workdir / 'load.db'}"
    tokens = prepare(db_url)
    port = _free_port()
    env = {**os.environ, "REXIAN_REALTIME_RULES": "false"}
    log_path = workdir / "server.log"  # a file, not a pipe nobody reads (a full pipe would stall the server)
    log = log_path.open("wb")
    server = subprocess.Popen([sys.executable, "-m", "rexian", "serve", "--db", db_url, "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        started = wait_until_serving(server, base, args.start_timeout, log_path)
        print(f"server answering after {started:.1f} s", file=sys.stderr, flush=True)
        until = time.time() + args.minutes * 60
        users = [User(base, tokens, until, n) for n in range(args.users)]
        began = time.time()
        for user in users:
            user.start()
        while any(user.is_alive() for user in users):
            time.sleep(5)
            done = sum(u.tickets for u in users)
            print(f"  {time.time() - began:5.0f}s  {done} tickets through their life", file=sys.stderr, flush=True)
        elapsed = time.time() - began
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    import resource

    server_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    tracebacks = log_path.read_text(errors="replace").count("Traceback")

    from sqlalchemy import func, select

    from rexian.adapters import tables as t
    from rexian.adapters.database import make_engine
    from rexian.service.verify import verify_database

    reported = [event for user in users for event in user.events]
    engine = make_engine(db_url)
    with engine.connect() as connection:
        stored = [(row.ticket_id, row.seq) for row in connection.execute(select(t.events.c.ticket_id, t.events.c.seq))]
        # Callers' details shown unmasked (the handler's inbox, the leader's ticket) are audited per ticket shown.
        disclosed = connection.execute(select(func.count()).select_from(t.audit_log)
                                       .where(t.audit_log.c.action == "disclose")).scalar_one()
    report = verify_database(engine)
    errors = [error for user in users for error in user.errors]
    timed = [pair for user in users for pair in user.latencies]
    latencies = [ms for _, ms in timed]
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    lost = set(reported) - set(stored)
    unexpected = set(stored) - set(reported)
    duplicated = len(stored) - len(set(stored)) + len(reported) - len(set(reported))
    backend = db_url.split(":", 1)[0]
    print(f"\n{args.users} users for {elapsed / 60:.1f} min against 127.0.0.1 ({backend}, one server process)")
    print(f"tickets through their whole life: {sum(u.tickets for u in users)}; requests: {len(latencies)} "
          f"({len(latencies) / elapsed:.1f}/s); latency p50 {statistics.median(latencies):.0f} ms, "
          f"p95 {cuts[94]:.0f} ms, max {max(latencies):.0f} ms")
    print(f"errors: {len(errors)}; events reported {len(reported)}, stored {len(stored)}; lost {len(lost)}, "
          f"unexpected {len(unexpected)}, duplicated {duplicated}; chains {'intact' if report.intact else 'DAMAGED'}")
    print(f"server process: {server_cpu.ru_utime + server_cpu.ru_stime:.1f} CPU s, started answering after "
          f"{started:.1f} s; tracebacks in its log: {tracebacks}")
    print(f"disclosure audit rows written (one per ticket shown unmasked per view): {disclosed}")
    print(f"{'request':<24} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind in sorted({kind for kind, _ in timed}):
        these = [ms for k, ms in timed if k == kind]
        p95 = statistics.quantiles(these, n=100)[94] if len(these) > 1 else these[0]
        print(f"{kind:<24} {len(these):>7} {statistics.median(these):>8.0f} {p95:>8.0f} {max(these):>8.0f}")
    for error in errors[:10]:
        print("  ", error)
    ok = not errors and not tracebacks and not lost and not unexpected and not duplicated and report.intact
    print("RESULT:", "ok" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
