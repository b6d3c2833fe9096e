"""Real-time supervision in the application: findings as the events come, never at the command's cost."""

from realtime.lives import pingpong

from rexian.adapters.findings import FindingRepository
from rexian.analytics.realtime import BATCH_ONLY, TRIGGERS
from rexian.analytics.registry import all_rules
from rexian.domain import commands as c


def test_every_rule_is_either_realtime_or_batch_only_with_a_reason():
    rules = set(all_rules())

    assert set(TRIGGERS) | set(BATCH_ONLY) == rules
    assert not set(TRIGGERS) & set(BATCH_ONLY)
    assert all(reason.strip() for reason in BATCH_ONLY.values())


def test_a_ping_pong_is_emitted_and_stored_when_the_ticket_comes_back(realtime_app):
    tid = pingpong(realtime_app)

    emitted = [e for e in realtime_app.emitted if e["rule_id"] == "BP-PINGPONG"]
    assert [e["finding_key"] for e in emitted] == [f"BP-PINGPONG:{tid}"]
    assert emitted[0]["change"] == "added" and emitted[0]["unit_id"] == "D02"
    assert FindingRepository(realtime_app.engine).get(f"BP-PINGPONG:{tid}")["status"] == "new"


def test_a_failing_listener_neither_loses_nor_fails_the_command(make_app, tmp_path, caplog):
    app = make_app(f"sqlite:///{tmp_path / 'l.db'}")

    def broken(records):
        raise RuntimeError("push server down")

    app.listeners.append(broken)
    outcome = app.handle(c.Intake(actor_id="A01", content="东华门大街路灯坏了好几盏", category="0101"))

    assert [e["action"] for e in app.events(outcome.ticket_id)] == ["TicketReceived"]
    assert "listener" in caplog.text and "push server down" in caplog.text


def test_listeners_get_the_committed_records_and_nothing_for_a_refused_command(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'r.db'}")
    seen = []
    app.listeners.append(seen.append)
    tid = app.handle(c.Intake(actor_id="A01", content="东华门大街路灯坏了好几盏", category="0101")).ticket_id
    try:
        app.handle(c.SignFor(actor_id="H0201", ticket_id=tid))  # not dispatched yet: refused
    except Exception:  # noqa: BLE001 - the refusal itself is the workflow's business
        pass

    assert [[(r["ticket_id"], r["seq"], r["action"]) for r in batch] for batch in seen] == [
        [(tid, 1, "TicketReceived")]]


def test_a_failing_subscriber_does_not_stop_the_feed_or_the_store(realtime_app):
    from rexian.service.supervision import FindingFeed

    supervision = realtime_app.listeners[0]
    feed = FindingFeed()

    def broken(changes):
        raise RuntimeError("page closed")

    supervision.subscribers[:0] = [broken, feed]
    tid = pingpong(realtime_app)

    assert f"BP-PINGPONG:{tid}" in {change["finding_key"] for change in feed.drain()}
    assert FindingRepository(realtime_app.engine).get(f"BP-PINGPONG:{tid}") is not None
