"""The server-sent-events feed: a change committed by another writer reaches an open stream within 2 s."""

import asyncio
import json
import threading
import time

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
