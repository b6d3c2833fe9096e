"""Webhooks: signed, retried with back-off while the receiver is down, everything delivered once per key."""

from datetime import timedelta

from sqlalchemy import select

from desk.conftest import Clock, finding
from desk.receiver import Receiver
from rexian.adapters import desk_tables as dt
from rexian.adapters.findings import FindingRepository
from rexian.service.push import WebhookDispatcher, delivery_log


def _drain(dispatcher, clock, rounds=50):
    for _ in range(rounds):
        result = dispatcher.run_once()
        if not result["queued"] and not result["delivered"] and not result["failed"]:
            clock.now += timedelta(seconds=61)  # let every back-off run out
            if not dispatcher.run_once()["delivered"]:
                return


def test_a_receiver_that_fails_then_recovers_gets_every_change_once_per_key(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'w.db'}")
    store, clock = FindingRepository(app.engine), Clock()
    with Receiver("s3cret") as receiver:
        dispatcher = WebhookDispatcher(app.engine, [receiver.url], "s3cret", clock=clock)
        store.upsert([finding(f"RX{i}") for i in range(30)], "batch", clock())
        receiver.failing = True
        first = dispatcher.run_once()
        assert first["queued"] == 30 and first["delivered"] == 0 and first["failed"] == 1
        clock.now += timedelta(seconds=5)
        dispatcher.run_once()
        store.decide("BP-RETURNS:RX3", "confirm", "J01", "属实", clock())  # a change while it is down
        receiver.failing = False
        _drain(dispatcher, clock)

        with app.engine.connect() as connection:
            keys = set(connection.execute(select(dt.outbox.c.key)).scalars())
        assert len(keys) == 31 and set(receiver.accepted) == keys
        assert receiver.bad_signatures == 0
        assert {m["topic"] for m in receiver.accepted.values()} == {"finding.added", "finding.decided"}
        log = delivery_log(app.engine, limit=1000)
        assert all(d["status"] == "delivered" for d in log)
        retried = [d for d in log if d["attempts"] > 1]
        assert retried and all(a["http_status"] == 503 for d in retried for a in d["attempt_log"][:-1])

        # An administrator replays one delivery: the same key arrives again and the receiver keeps one copy.
        replayed = log[0]
        dispatcher.replay(replayed["id"])
        dispatcher.run_once()
        assert receiver.posts[replayed["key"]] == 2 and len(receiver.accepted) == 31


def test_a_dispatcher_restarted_midway_resumes_from_its_cursor_without_losing_or_resending(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'r.db'}")
    store, clock = FindingRepository(app.engine), Clock()
    with Receiver("k") as receiver:
        store.upsert([finding(f"RX{i}") for i in range(10)], "batch", clock())
        WebhookDispatcher(app.engine, [receiver.url], "k", clock=clock, batch=4).run_once()  # then "crashes"
        store.upsert([finding(f"RY{i}") for i in range(5)], "batch", clock())
        _drain(WebhookDispatcher(app.engine, [receiver.url], "k", clock=clock, batch=4), clock)
        assert len(receiver.accepted) == 15 and set(receiver.posts.values()) == {1}


def test_a_change_committed_after_a_later_one_is_delivered_and_a_restart_enqueues_nothing_twice(make_app, tmp_path):
    from desk.test_sse_feed import _outbox_row

    app = make_app(f"sqlite:///{tmp_path / 'g.db'}")
    clock = Clock()
    with Receiver("k") as receiver:
        dispatcher = WebhookDispatcher(app.engine, [receiver.url], "k", clock=clock)
        _outbox_row(app, 1, "A")
        _outbox_row(app, 3, "C")  # id 2 is a PostgreSQL transaction that has not committed yet
        assert dispatcher.run_once()["queued"] == 2
        _outbox_row(app, 2, "B")
        assert dispatcher.run_once()["queued"] == 1
        restarted = WebhookDispatcher(app.engine, [receiver.url], "k", clock=clock)
        assert restarted.run_once()["queued"] == 0
        with app.engine.connect() as connection:
            cursor = connection.execute(select(dt.webhook_cursors.c.last_outbox_id)).scalar_one()
        assert cursor == 3
        assert sorted(m["ref"] for m in receiver.accepted.values()) == ["A", "B", "C"]


def test_a_restart_while_an_id_is_missing_resumes_below_it_without_sending_twice(make_app, tmp_path):
    from desk.test_sse_feed import _outbox_row

    app = make_app(f"sqlite:///{tmp_path / 'h.db'}")
    clock = Clock()
    with Receiver("k") as receiver:
        _outbox_row(app, 1, "A")
        _outbox_row(app, 3, "C")
        WebhookDispatcher(app.engine, [receiver.url], "k", clock=clock).run_once()  # then the server stops
        with app.engine.connect() as connection:
            assert connection.execute(select(dt.webhook_cursors.c.last_outbox_id)).scalar_one() == 1
        _outbox_row(app, 2, "B")
        restarted = WebhookDispatcher(app.engine, [receiver.url], "k", clock=clock)
        assert restarted.run_once()["queued"] == 1
        assert sorted(m["ref"] for m in receiver.accepted.values()) == ["A", "B", "C"]
        assert all(n == 1 for n in receiver.posts.values())


def test_a_finding_whose_key_names_a_place_in_chinese_is_delivered_and_holds_up_nothing_behind_it(make_app, tmp_path):
    """A repeat complaint's key is its place and category (「RC-REPEAT:历下区经十路145号:供水问题」): an HTTP header
    cannot carry it as it is. It travels percent-encoded — the same on every attempt — and the deliveries
    after it arrive too."""
    from urllib.parse import unquote

    app = make_app(f"sqlite:///{tmp_path / 'zh.db'}")
    store, clock = FindingRepository(app.engine), Clock()
    with Receiver("k") as receiver:
        store.upsert([finding("历下区经十路145号:供水问题", rule_id="RC-REPEAT", family="repeat_complaint")]
                     + [finding(f"RX{i}") for i in range(5)], "batch", clock())
        _drain(WebhookDispatcher(app.engine, [receiver.url], "k", clock=clock), clock)
        with app.engine.connect() as connection:
            keys = set(connection.execute(select(dt.outbox.c.key)).scalars())
        assert len(keys) == 6 and {unquote(key) for key in receiver.accepted} == keys
        assert all(key.isascii() for key in receiver.accepted)
        chinese = next(m for m in receiver.accepted.values() if m["ref"].startswith("RC-REPEAT"))
        assert chinese["ref"] == "RC-REPEAT:历下区经十路145号:供水问题" and chinese["id"] in keys
        assert all(d["status"] == "delivered" and d["attempts"] == 1 for d in delivery_log(app.engine, limit=100))
