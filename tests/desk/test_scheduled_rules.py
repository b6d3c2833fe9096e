"""Scheduled rules: overdue, idle and forwarded-without-follow-up findings appear without `analyze`, and a
later batch run stores no second copy of them."""

from datetime import datetime, timedelta

from click.testing import CliRunner
from sqlalchemy import func

from desk.conftest import Clock
from rexian.adapters.findings import FindingRepository
from rexian.analytics.config import load_config
from rexian.cli import main
from rexian.domain import commands as c
from rexian.service.scheduler import RuleScheduler


def _forwarded_then_left(app) -> str:
    tid = app.handle(c.Intake(actor_id="A01", content="多福巷3号楼楼道堆放杂物堵塞消防通道", category="0601",
                              address="多福巷3号楼", channel="phone")).ticket_id
    app.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="S01"))
    app.handle(c.SignFor(actor_id="HS01", ticket_id=tid))
    app.handle(c.Forward(actor_id="HS01", ticket_id=tid, to_unit_id="M01", note="请社区核实处理"))
    return tid


def test_time_based_findings_appear_on_schedule_once_and_a_batch_run_adds_no_copy(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'sched.db'}"
    app = make_app(url)
    tid = _forwarded_then_left(app)
    scheduler = RuleScheduler(app.engine, load_config(), Clock(datetime(2026, 4, 20, 9, 0)), 10)

    first = scheduler.run_once()
    rules = {key.split(":")[0] for key in first["added"]}
    assert first["tickets"] == 1 and {"DL-OVERDUE", "DL-IDLE", "FF-NO-FOLLOW-UP"} <= rules
    assert all(tid in key for key in first["added"]), first["added"]
    assert scheduler.run_once()["added"] == []

    runner = CliRunner()
    out = tmp_path / "out"
    analyzed = runner.invoke(main, ["analyze", "--db", url, "--out", str(out), "--as-of", "2026-04-20T09:00:00"])
    assert analyzed.exit_code == 0, analyzed.output
    loaded = runner.invoke(main, ["findings", "load", str(out / "findings.jsonl"), "--db", url])
    assert loaded.output.startswith("新增 0 条"), loaded.output
    store = FindingRepository(app.engine)
    assert {f["source"] for f in store.list(limit=100)} == {"scheduled"}


def test_a_closed_ticket_outside_the_window_is_not_read_again(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 's2.db'}")
    _forwarded_then_left(app)
    scheduler = RuleScheduler(app.engine, load_config(), Clock(datetime(2026, 4, 20, 9, 0)), 10)
    scheduler.run_once()
    assert scheduler.run_once()["tickets"] == 1  # still open: read every time


def test_a_later_batch_run_does_not_contradict_what_the_schedule_found_as_of_now(make_app, tmp_path):
    """The batch run judges as of the log's newest event, the schedule's time-based rules as of now: an idle or
    overdue finding of the schedule that the batch run (earlier as-of) does not find is not contradicted by it."""
    app = make_app(f"sqlite:///{tmp_path / 's3.db'}")
    tid = _forwarded_then_left(app)
    from rexian.analytics.registry import all_rules

    config = load_config()  # the time-based families only: the other rules' runs cost time and prove nothing here
    config["rules"] = {rule_id: {**(config["rules"].get(rule_id) or {}), "enabled": rule_id[:3] in ("DL-", "FF-")}
                       for rule_id in all_rules()}
    clock = Clock(datetime(2026, 4, 20, 9, 0))
    scheduler = RuleScheduler(app.engine, config, clock, 10, batch_mode="always")
    first = scheduler.run_once()
    timed = [key for key in first["added"] if key.split(":")[0] in ("DL-IDLE", "DL-OVERDUE", "FF-NO-FOLLOW-UP")]
    assert first["batch"] and timed and all(tid in key for key in timed)
    app.handle(c.Intake(actor_id="A01", content="多福巷路灯不亮已经一周", category="0601", address="多福巷5号楼",
                        channel="phone"))  # the log grows: the next pass runs the whole rule set again
    clock.now = datetime(2026, 4, 20, 9, 10)
    second = scheduler.run_once()
    assert second["batch"] and second["contradicted"] == []
    store = FindingRepository(app.engine)
    assert all(store.get(key)["contradicted_at"] is None for key in timed)


def _outbox(app) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from rexian.adapters import desk_tables as dt

    with app.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(dt.outbox.c.topic, dt.outbox.c.ref)
                                                         .order_by(dt.outbox.c.id))]


def test_a_later_pass_in_which_the_days_only_grew_writes_nothing_and_pushes_nothing(make_app, tmp_path):
    """Days idle, late and since the forward grow at every pass: no history row, no outbox row (no webhook, no
    live message), the stored figures those of the finding's last real change; the log still verifies."""
    from rexian.domain.vocabulary import RULES
    from rexian.service.verify import verify_database

    app = make_app(f"sqlite:///{tmp_path / 'grow.db'}")
    _forwarded_then_left(app)
    clock = Clock(datetime(2026, 4, 20, 9, 0))
    scheduler = RuleScheduler(app.engine, load_config(), clock, 10)
    first = scheduler.run_once()
    store = FindingRepository(app.engine)
    stored = {key: store.get(key) for key in first["added"]}
    for key, finding in stored.items():  # each rule's declared growing values are values its findings carry
        assert set(RULES[key.split(":")[0]].grows) <= set(finding["evidence"]["values"]), key
    pushed = len(_outbox(app))

    for minutes in (10, 20, 30):
        clock.now = datetime(2026, 4, 20, 9, minutes)
        later = scheduler.run_once()
        assert later["added"] == [] and later["updated"] == []
        assert set(later["measured"]) == set(first["added"])
    assert len(_outbox(app)) == pushed
    for key, finding in stored.items():
        assert store.get(key) == finding
        assert [row["reason"] for row in store.history(key)] == ["系统发现（定时规则）"]
    assert verify_database(app.engine).intact


def test_a_grown_value_that_raises_the_severity_is_pushed_and_is_the_one_history_row_it_adds(make_app, tmp_path):
    """Near miss: when the growth crosses a threshold (idle for twice `idle_days`: high), the finding's risk
    changed — news, pushed as updated, and the history's second row; the passes before and after add none."""
    app = make_app(f"sqlite:///{tmp_path / 'raise.db'}")
    _forwarded_then_left(app)
    clock = Clock(datetime(2026, 3, 12, 9, 0))  # forwarded on 2 March: idle 10 days
    scheduler = RuleScheduler(app.engine, load_config(), clock, 10)
    first = scheduler.run_once()
    idle = next(key for key in first["added"] if key.startswith("DL-IDLE:"))
    store = FindingRepository(app.engine)
    assert store.get(idle)["severity"] == "medium"
    clock.now = datetime(2026, 3, 13, 9, 0)
    assert idle in scheduler.run_once()["measured"]

    clock.now = datetime(2026, 3, 20, 9, 0)  # 18 days
    second = scheduler.run_once()
    assert idle in second["updated"] and store.get(idle)["severity"] == "high"
    assert ("finding.updated", idle) in _outbox(app)
    clock.now = datetime(2026, 3, 21, 9, 0)
    assert idle in scheduler.run_once()["measured"]
    assert [row["reason"] for row in store.history(idle)] == ["系统发现（定时规则）", "证据更新（定时规则）"]
    assert store.get(idle)["evidence"]["values"]["idle_days"] > 17


def _idle_config():
    from rexian.analytics.registry import all_rules

    config = load_config()  # DL-IDLE alone: the other rules' runs cost time and prove nothing here
    config["rules"] = {rule_id: {**(config["rules"].get(rule_id) or {}), "enabled": rule_id == "DL-IDLE"}
                       for rule_id in all_rules()}
    return config


def _log_reaches(app, at: datetime) -> None:
    """Another ticket taken in at `at`: the log's newest event, the as-of of the next batch run."""
    app.clock.now = at - app.clock.step
    app.handle(c.Intake(actor_id="A01", content="多福巷路灯不亮已经一周", category="0601", address="多福巷5号楼",
                        channel="phone"))


def test_a_batch_run_judging_an_earlier_moment_never_flips_the_schedules_finding_across_a_threshold(
        make_app, tmp_path):
    """At the boundary of DL-IDLE's high (twice `idle_days`, 14 days): the batch judges as of the log's newest event,
    13 days 23 hours after the forward (medium); the schedule as of now, 14 days 1 hour (high). Whichever runs first,
    one finding, high once the schedule has seen it, and it stays high over further passes with batch runs between
    them — never medium again, never pushed again."""
    from sqlalchemy import select

    from rexian.adapters import tables as t

    app = make_app(f"sqlite:///{tmp_path / 'flip.db'}")
    tid = _forwarded_then_left(app)
    with app.engine.connect() as connection:
        forwarded = connection.execute(select(func.max(t.events.c["at"])).where(t.events.c.ticket_id == tid)).scalar()
    key = f"DL-IDLE:{tid}"
    store = FindingRepository(app.engine)
    clock = Clock(forwarded + timedelta(days=14, hours=1))
    scheduler = RuleScheduler(app.engine, _idle_config(), clock, 10, batch_mode="always")

    _log_reaches(app, forwarded + timedelta(days=13, hours=23))
    batch_alone = scheduler.run_batch(clock.now)  # the batch first: as of its log, medium
    assert batch_alone["added"] == [key] and store.get(key)["severity"] == "medium"
    first = scheduler.run_once()  # the log has not grown: the schedule alone, as of now — high, one change
    assert not first["batch"] and first["updated"] == [key] and store.get(key)["severity"] == "high"

    for hours in (2, 3, 4):  # the log grows a little each time (still short of 14 days): a batch run every pass
        _log_reaches(app, forwarded + timedelta(days=13, hours=23, minutes=10 * hours))
        clock.now = forwarded + timedelta(days=14, hours=hours)
        later = scheduler.run_once()
        assert later["batch"] and key in later["kept"] + later["measured"], later
        assert later["updated"] == [] and later["added"] == [] and later["contradicted"] == []
        assert store.get(key)["severity"] == "high"
    assert store.count() == 1
    assert _outbox(app).count(("finding.updated", key)) == 1
    assert [row["reason"] for row in store.history(key)] == ["系统发现（批量分析）", "证据更新（定时规则）"]


def test_a_judgement_as_of_an_earlier_moment_is_ignored_but_a_later_one_crossing_a_threshold_is_news():
    """The store's test of an earlier view: smaller growing values (and the severity they set) are an earlier look
    at the same finding; smaller values with another evidence event (a new dispatch) are a real change."""
    from types import SimpleNamespace

    from rexian.adapters.findings import finding_row, older_view, only_measured
    from desk.conftest import finding

    def stored(data):
        return SimpleNamespace(**finding_row(data))

    high = finding("RX9", rule_id="DL-IDLE", family="delay", severity="high", seqs=(4,))
    high["evidence"]["values"] = {"idle_days": 14.04}
    earlier = {**high, "severity": "medium", "evidence": {**high["evidence"], "values": {"idle_days": 13.96}}}
    assert older_view(stored(high), finding_row(earlier)) and not only_measured(stored(high), finding_row(earlier))
    assert not older_view(stored(earlier), finding_row(high))  # the later look crossing into high: news
    assert not only_measured(stored(earlier), finding_row(high))
    redispatched = {**earlier, "evidence": {**earlier["evidence"], "events": [{"ticket_id": "RX9", "seq": 6}]}}
    assert not older_view(stored(high), finding_row(redispatched))


def test_only_values_declared_to_grow_make_a_change_quiet():
    """The store's test of news: a changed evidence event, another value, a unit, or a rule declaring no growing
    value is news; the growing value alone is not."""
    from types import SimpleNamespace

    from rexian.adapters.findings import finding_row, only_measured
    from desk.conftest import finding

    def stored(data):
        return SimpleNamespace(**finding_row(data))

    base = finding("RX9", rule_id="DL-LONG-OPEN", family="delay", seqs=(1,))
    base["evidence"]["values"] = {"age_days": 61.0}
    grown = {**base, "evidence": {**base["evidence"], "values": {"age_days": 61.5}}}
    assert only_measured(stored(base), finding_row(grown))
    moved = {**grown, "evidence": {**grown["evidence"], "events": [{"ticket_id": "RX9", "seq": 2}]}}
    assert not only_measured(stored(base), finding_row(moved))
    other = {**grown, "evidence": {**grown["evidence"], "values": {"age_days": 61.5, "still_open": False}}}
    assert not only_measured(stored(base), finding_row(other))
    assert not only_measured(stored(base), finding_row({**grown, "unit_id": "D03"}))
    returns = finding("RX9")  # BP-RETURNS declares no growing value: a changed count is news
    assert not only_measured(stored(returns), finding_row({**returns, "evidence": {
        **returns["evidence"], "values": {"returns": 4}}}))



def _as_rows(frames) -> list:
    events, tickets = frames
    return [sorted(map(repr, events.itertuples(index=False))), sorted(map(repr, tickets.itertuples(index=False)))]


def test_a_later_pass_reads_only_the_changed_tickets_events_and_judges_what_a_fresh_pass_judges(make_app, tmp_path):
    from sqlalchemy import event

    app = make_app(f"sqlite:///{tmp_path / 'incremental.db'}")
    left = [_forwarded_then_left(app) for _ in range(3)]
    clock = Clock(datetime(2026, 4, 20, 9, 0))
    scheduler = RuleScheduler(app.engine, load_config(), clock, 10, batch_mode="off")
    first = scheduler.run_once()
    assert first["tickets"] == 3

    statements: list[str] = []
    listen = lambda connection, cursor, statement, *rest: statements.append(statement)  # noqa: E731
    event.listen(app.engine, "after_cursor_execute", listen)
    try:
        clock.now = datetime(2026, 4, 20, 9, 10)
        unchanged = scheduler.run_once()
        assert unchanged["tickets"] == 3 and not [s for s in statements if "events.payload" in s]  # no event read
        assert set(unchanged["measured"]) == set(first["added"])  # the same findings, grown

        app.handle(c.NoteProgress(actor_id="HS01", ticket_id=left[1], note="已联系社区核实"))
        statements.clear()
        clock.now = datetime(2026, 4, 20, 9, 20)
        since = scheduler.last_run
        kept = _as_rows(scheduler._scope(since))
        read = [s for s in statements if "events.payload" in s]
    finally:
        event.remove(app.engine, "after_cursor_execute", listen)

    assert len(read) == 1 and read[0].count("?") == 1  # the one changed ticket's events
    fresh = _as_rows(RuleScheduler(app.engine, load_config(), clock, 10)._scope(since))
    assert kept == fresh and len(fresh[0]) == sum(len(app.events(ticket_id)) for ticket_id in left)
