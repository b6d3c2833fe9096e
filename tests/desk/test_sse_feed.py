"""The server-sent-events feed: a change committed by another writer reaches an open stream within 2 s."""

import asyncio
import json
import threading
import time

import pytest

from desk.conftest import Clock, finding
from rexian.adapters.findings import FindingRepository
from rexian.service.push import OutboxFeed, sse_events


def test_a_new_finding_reaches_an_open_feed_within_two_seconds_and_a_reconnect_resumes(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 's.db'}")
    store = FindingRepository(app.engine)
    store.upsert([finding("RX0")], "batch", Clock()())  # already there before the page opened: not sent

    async def first_two():
        got = []
        async for message in sse_events(OutboxFeed(app.engine), None, poll_seconds=0.2):
            if message.startswith("id:"):
                got.append((time.perf_counter(), message))
                if len(got) == 2:
                    return got

    def later():
        time.sleep(0.5)
        committed.append(time.perf_counter())
        store.upsert([finding("RX1")], "realtime", Clock()())
        store.decide("BP-RETURNS:RX1", "confirm", "J01", "属实", Clock()())

    committed = []
    threading.Thread(target=later).start()
    got = asyncio.run(asyncio.wait_for(first_two(), 10))
    assert got[0][0] - committed[0] < 2.0
    messages = [json.loads(m.split("data: ", 1)[1]) for _, m in got]
    assert [(m["topic"], m["ref"]) for m in messages] == [("finding.added", "BP-RETURNS:RX1"),
                                                          ("finding.decided", "BP-RETURNS:RX1")]

    async def resume(last):
        async for message in sse_events(OutboxFeed(app.engine), last, poll_seconds=0.1):
            if message.startswith("id:"):
                return message

    resumed = asyncio.run(asyncio.wait_for(resume(messages[0]["seq"]), 5))
    assert json.loads(resumed.split("data: ", 1)[1])["topic"] == "finding.decided"


def _outbox_row(app, row_id, ref):
    """An outbox row with a chosen id: how a PostgreSQL transaction that took id `row_id` and committed after
    a later one looks to a reader."""
    from datetime import datetime

    from rexian.adapters import desk_tables as dt
    from rexian.adapters.desk_store import outbox_digest
    from rexian.adapters.keys import keyring_for

    row = dict(key=f"finding.added:{ref}:{row_id}", topic="finding.added", ref=ref, payload="{}",
               created_at=datetime(2026, 3, 5))
    with app.engine.begin() as connection:  # signed as the server signs what it writes (docs/trust.md)
        connection.execute(dt.outbox.insert().values(id=row_id, **row,
                                                     mac=keyring_for(app.engine).sign(outbox_digest(row))))


def test_a_change_whose_id_commits_after_a_larger_one_is_still_sent_and_the_resume_point_waits_for_it(
        make_app, tmp_path):
    from rexian.service.push import OutboxCursor

    app = make_app(f"sqlite:///{tmp_path / 'gap.db'}")
    feed = OutboxFeed(app.engine)
    _outbox_row(app, 1, "A")
    cursor = OutboxCursor(0)
    assert [m["ref"] for m in feed.read(cursor)] == ["A"]
    _outbox_row(app, 3, "C")  # id 2 taken by a transaction still open
    assert [m["ref"] for m in feed.read(cursor)] == ["C"]
    assert cursor.safe == 1  # a reconnect from here re-reads 2 and 3 rather than skipping 2
    _outbox_row(app, 2, "B")  # ... which commits now
    assert [m["ref"] for m in feed.read(cursor)] == ["B"]
    assert cursor.safe == 3 and feed.read(cursor) == []


def test_a_gap_that_never_fills_is_given_up_after_the_grace_period(make_app, tmp_path):
    from rexian.service.push import OutboxCursor

    app = make_app(f"sqlite:///{tmp_path / 'gap2.db'}")
    now = [0.0]
    cursor = OutboxCursor(0, grace=60, clock=lambda: now[0])
    _outbox_row(app, 2, "B")  # id 1 rolled back: it will never appear
    assert [m["ref"] for m in OutboxFeed(app.engine).read(cursor)] == ["B"] and cursor.safe == 0
    now[0] = 61
    OutboxFeed(app.engine).read(cursor)
    assert cursor.safe == 2


def test_a_finding_committed_by_another_process_is_pushed_to_an_open_stream(make_app, tmp_path):
    """The server never hears of another process's commit; only reading the outbox finds it (SQLite WAL)."""
    import os
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'other.db'}"
    app = make_app(url)
    FindingRepository(app.engine).upsert([finding("RX0")], "batch", Clock()())
    script = ("import sys\nfrom datetime import datetime\nfrom rexian.adapters.database import make_engine\n"
              "from rexian.adapters.findings import FindingRepository\n"
              "f = {'finding_key': 'DL-OVERDUE:RX9', 'rule_id': 'DL-OVERDUE', 'family': 'delay',"
              " 'severity': 'high', 'ticket_ids': ['RX9'], 'agent_id': None, 'unit_id': 'D02', 'person_id': None,"
              " 'evidence': {}, 'detected_at': '2026-03-04T09:00:00'}\n"
              "FindingRepository(make_engine(sys.argv[1])).upsert([f], 'batch', datetime(2026, 3, 5))\n")
    ended = []

    async def first():
        async for message in sse_events(OutboxFeed(app.engine), None, poll_seconds=0.2):
            if message.startswith("id:"):
                return time.perf_counter(), json.loads(message.split("data: ", 1)[1])

    def other_process():
        time.sleep(0.3)  # the stream is open and positioned at the newest row
        subprocess.run([sys.executable, "-c", script, url], check=True, env=dict(os.environ), timeout=60)
        ended.append(time.perf_counter())

    worker = threading.Thread(target=other_process)
    worker.start()
    arrived, message = asyncio.run(asyncio.wait_for(first(), 30))
    worker.join()
    assert (message["topic"], message["ref"]) == ("finding.added", "DL-OVERDUE:RX9")
    assert arrived - ended[0] < 5.0  # polled every 0.2 s: within a few seconds even on a loaded machine


def test_a_run_of_ids_too_long_for_a_race_is_not_waited_for(make_app, tmp_path):
    from rexian.service.push import MAX_GAP, OutboxCursor

    app = make_app(f"sqlite:///{tmp_path / 'gap3.db'}")
    cursor = OutboxCursor(0)
    _outbox_row(app, MAX_GAP + 5, "far")  # e.g. an outbox pruned below this id
    assert [m["ref"] for m in OutboxFeed(app.engine).read(cursor)] == ["far"]
    assert cursor.safe == MAX_GAP + 5 and cursor.gaps == {}


@pytest.mark.postgres
def test_on_postgresql_a_change_that_starts_later_waits_for_the_earlier_one_so_the_stream_sees_them_in_order(
        make_app, postgres_url):
    """Two real transactions. Before trust10 the second could take the next outbox id and commit first (the cursor's
    grace period then waited for the first). Now every outbox writer takes the outbox counter (held to commit,
    adapters/desk_store.py), so the second waits for the first: numbers commit in order, and a gap a reader sees is
    a row deleted, never one committing late."""
    import threading
    from datetime import datetime

    from rexian.adapters import desk_store
    from rexian.service.push import OutboxCursor

    app = make_app(postgres_url)
    feed = OutboxFeed(app.engine)
    cursor = OutboxCursor(feed.last_id())
    slow = app.engine.connect()
    slow_transaction = slow.begin()
    desk_store.enqueue(slow, "finding.added", "SLOW", {}, datetime(2026, 3, 5))  # numbered, not committed yet

    def fast_change() -> None:
        with app.engine.begin() as fast:
            desk_store.enqueue(fast, "finding.added", "FAST", {}, datetime(2026, 3, 5))

    fast = threading.Thread(target=fast_change)
    fast.start()
    fast.join(1.0)
    assert fast.is_alive()  # waiting for the earlier change
    assert feed.read(cursor) == []
    slow_transaction.commit()
    slow.close()
    fast.join(10)
    assert not fast.is_alive()
    assert [m["ref"] for m in feed.read(cursor)] == ["SLOW", "FAST"]
