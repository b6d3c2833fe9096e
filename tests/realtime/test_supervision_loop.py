"""The server's real-time loop: commands committed by any process (the CLI, the web) are judged by one
long-lived evaluator that drains the event log past a high-water mark; nothing is lost or judged twice."""

import os
import subprocess
import sys
from datetime import datetime

from realtime.lives import pingpong, populate
from realtime.parity import batch_findings, comparable
from sqlalchemy import create_engine, insert, select

from rexian.adapters import tables as t
from rexian.adapters.findings import FindingRepository
from rexian.bootstrap import realtime_supervision
from rexian.demo.scripted import ORG_FILE
from rexian.domain import commands as c
from rexian.service.supervision import REALTIME_MARK, SupervisionLoop


class Recorder:
    """Stands in for the evaluator where only the loop's bookkeeping is tested."""

    def __init__(self, engine):
        self.engine, self.batches = engine, []

    def __call__(self, records):
        self.batches.append([(r["ticket_id"], r["seq"], r["action"]) for r in records])
        return []


def _max_event_id(engine):
    with engine.connect() as connection:
        return connection.execute(select(t.events.c.id).order_by(t.events.c.id.desc()).limit(1)).scalar()


def test_the_application_a_command_line_process_builds_has_no_realtime_evaluator(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'cli.db'}", realtime_rules=True)

    assert app.listeners == []
    assert realtime_supervision(app) is not None
    assert realtime_supervision(make_app(f"sqlite:///{tmp_path / 'off.db'}")) is None


def test_a_ping_pong_committed_elsewhere_is_found_stored_and_emitted_by_the_draining_loop(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'd.db'}", realtime_rules=True)
    tid = pingpong(app)  # as `rexian do` would commit them: no evaluation in this process
    assert FindingRepository(app.engine).get(f"BP-PINGPONG:{tid}") is None

    loop = realtime_supervision(app)
    emitted = loop.drain()

    assert f"BP-PINGPONG:{tid}" in {e["finding_key"] for e in emitted}
    assert FindingRepository(app.engine).get(f"BP-PINGPONG:{tid}")["status"] == "new"
    assert loop.mark == _max_event_id(app.engine)
    assert loop.drain() == []  # judged once


def test_a_restarted_loop_resumes_at_the_stored_mark_and_judges_only_the_new_events(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'r.db'}")
    first = app.handle(c.Intake(actor_id="A01", content="东华门大街路灯坏了好几盏", category="0101")).ticket_id
    loop = SupervisionLoop(Recorder(app.engine))
    loop.drain()
    second = app.handle(c.Intake(actor_id="A01", content="多福巷3号楼楼道堆满杂物", category="0601")).ticket_id
    app.handle(c.Dispatch(actor_id="P01", ticket_id=second, lead_unit_id="D06"))

    restarted = SupervisionLoop(Recorder(app.engine))
    restarted.drain()

    assert loop.supervision.batches == [[(first, 1, "TicketReceived")]]
    assert restarted.supervision.batches == [[(second, 1, "TicketReceived"), (second, 2, "Dispatched")]]
    assert restarted.mark == _max_event_id(app.engine)


def test_a_backlog_is_drained_in_bounded_batches_in_log_order(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'b.db'}")
    tids = [app.handle(c.Intake(actor_id="A01", content=f"路灯坏了第{n}盏", category="0101")).ticket_id
            for n in range(5)]

    loop = SupervisionLoop(Recorder(app.engine), batch=2)
    loop.drain()

    assert [len(batch) for batch in loop.supervision.batches] == [2, 2, 1]
    assert [ticket for batch in loop.supervision.batches for ticket, _, _ in batch] == tids


def test_an_event_that_becomes_visible_after_a_later_one_is_still_judged_and_holds_back_the_mark(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'g.db'}")
    tid = app.handle(c.Intake(actor_id="A01", content="东华门大街路灯坏了好几盏", category="0101")).ticket_id
    with app.engine.connect() as connection:
        row = dict(connection.execute(select(t.events).where(t.events.c.ticket_id == tid)).one()._mapping)
    top = row["id"]

    def commit(event_id, seq):  # as a concurrent transaction on PostgreSQL would make it visible
        with app.engine.begin() as connection:
            # (log_seq: a copied row may not reuse its unique global log number; this test is about ids)
            connection.execute(insert(t.events).values({**row, "id": event_id, "seq": seq, "action": "Reminded",
                                                        "log_seq": None}))

    now = [0.0]
    loop = SupervisionLoop(Recorder(app.engine), grace=30, clock=lambda: now[0])
    loop.drain()
    commit(top + 2, 3)  # id top+1 was taken by a transaction not yet committed
    loop.drain()
    assert loop.mark == top  # not past the missing id
    commit(top + 1, 2)
    loop.drain()

    assert [seq for batch in loop.supervision.batches for _, seq, _ in batch] == [1, 3, 2]
    assert loop.mark == top + 2


def test_a_missing_id_is_given_up_after_the_grace_period(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'gg.db'}")
    tid = app.handle(c.Intake(actor_id="A01", content="东华门大街路灯坏了好几盏", category="0101")).ticket_id
    with app.engine.begin() as connection:  # id top+1 belonged to a transaction that was rolled back
        row = dict(connection.execute(select(t.events).where(t.events.c.ticket_id == tid)).one()._mapping)
        top = row["id"]
        connection.execute(insert(t.events).values({**row, "id": top + 2, "seq": 2, "action": "Reminded",
                                                    "log_seq": None}))  # a copy may not reuse its log number
    now = [0.0]
    loop = SupervisionLoop(Recorder(app.engine), grace=30, clock=lambda: now[0])
    loop.drain()
    assert loop.mark == top
    now[0] = 31.0
    loop.drain()

    assert loop.mark == top + 2
    assert [seq for batch in loop.supervision.batches for _, seq, _ in batch] == [1, 2]


def test_the_loop_after_the_whole_workflow_stores_exactly_the_batch_findings(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'p.db'}", realtime_rules=True)
    populate(app, tickets=12, seed=5)
    loop = realtime_supervision(app, batch=40)  # several batches, each judged against the log as it is
    loop.drain()
    batch = batch_findings(app.engine)
    stored = {f["finding_key"]: f for f in FindingRepository(app.engine).list(limit=10_000)}

    assert len(batch) >= 10
    assert set(stored) == set(batch)
    for key, finding in batch.items():
        assert comparable(stored[key]) == comparable(finding), key


def test_the_loop_started_on_a_thread_judges_commands_as_they_come_and_stops(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 's.db'}", realtime_rules=True)
    loop = realtime_supervision(app, interval=0.05).start()
    try:
        tid = pingpong(app)
        deadline = datetime.now().timestamp() + 60
        while FindingRepository(app.engine).get(f"BP-PINGPONG:{tid}") is None:
            assert datetime.now().timestamp() < deadline, "the loop never judged the committed events"
            loop._stop.wait(0.05)
    finally:
        loop.stop()
    assert loop._thread is None


def test_rexian_do_neither_imports_nor_builds_the_realtime_evaluator(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    script = ("import sys\nfrom click.testing import CliRunner\nfrom rexian.cli import main\n"
              f"org = {str(ORG_FILE)!r}\n"
              f"r = CliRunner().invoke(main, ['org', 'load', '--db', {db!r}, org])\nassert r.exit_code == 0, r.output\n"
              f"r = CliRunner().invoke(main, ['do', '--db', {db!r}, 'intake', '--as', 'A01',"
              " 'content=东华门大街路灯坏了好几盏', 'category=0101'])\nassert r.exit_code == 0, r.output\n"
              "assert 'rexian.analytics.realtime' not in sys.modules\nassert 'duckdb' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "REXIAN_REALTIME_RULES": "true"})

    assert done.returncode == 0, done.stderr
    with create_engine(db).connect() as connection:
        assert connection.execute(select(t.counters.c.value).where(t.counters.c.name == REALTIME_MARK)).scalar() is None


def test_the_mark_is_kept_on_every_backend_and_never_moves_back(app):
    first = app.handle(c.Intake(actor_id="A01", content="东华门大街路灯坏了好几盏", category="0101")).ticket_id
    loop = SupervisionLoop(Recorder(app.engine))
    loop.drain()
    top = loop.mark
    behind = SupervisionLoop(Recorder(app.engine))
    behind._seen = 0  # a loop that has not caught up stores a lower mark: the stored one stays
    behind._write_mark()

    assert top == _max_event_id(app.engine) and loop.mark == top
    assert loop.supervision.batches == [[(first, 1, "TicketReceived")]]


def test_rexian_supervise_once_judges_the_waiting_events_and_says_how_far_it_got(make_app, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from rexian.cli import main

    url = f"sqlite:///{tmp_path / 'once.db'}"
    tid = pingpong(make_app(url))
    monkeypatch.setenv("REXIAN_REALTIME_RULES", "true")

    result = CliRunner().invoke(main, ["supervise", "--db", url, "--once"])

    assert result.exit_code == 0, result.output
    assert f"已处理至事件 {_max_event_id(create_engine(url))}" in result.output
    assert FindingRepository(create_engine(url)).get(f"BP-PINGPONG:{tid}") is not None


def test_rexian_supervise_refuses_when_realtime_rules_are_off(tmp_path):
    from click.testing import CliRunner

    from rexian.cli import main

    url = f"sqlite:///{tmp_path / 'off.db'}"
    assert CliRunner().invoke(main, ["init", "--db", url]).exit_code == 0
    result = CliRunner().invoke(main, ["supervise", "--db", url, "--once"])

    assert result.exit_code == 2 and "realtime_rules" in result.output


def test_a_command_the_server_runs_wakes_the_loop_without_waiting_for_its_tick(make_app, tmp_path):
    """The server appends `loop.wake` to its listeners: its own commands are judged at once; another
    process's wait for the tick (here a long one, so that only the wake can explain the speed)."""
    import time

    app = make_app(f"sqlite:///{tmp_path / 'wake.db'}")
    recorder = Recorder(app.engine)
    recorder.evaluator = None  # what `start` builds ahead: nothing to build for the stand-in
    loop = SupervisionLoop(recorder, interval=30)
    loop.start()
    try:
        time.sleep(0.2)  # the first drain at start is done
        app.listeners.append(loop.wake)
        tid = app.handle(c.Intake(actor_id="A01", content="东华门大街路灯坏了好几盏", category="0101")).ticket_id
        deadline = time.monotonic() + 10
        while not recorder.batches and time.monotonic() < deadline:
            time.sleep(0.02)
        assert recorder.batches == [[(tid, 1, "TicketReceived")]]
        assert time.monotonic() < deadline - 5  # well before the 30 s tick
    finally:
        loop.stop()
