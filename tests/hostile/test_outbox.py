"""The outbox (issue 15, ninth round: what `verify` missed on the newer tables). Every finding change writes an
outbox row; dashboards show it live and webhooks send it to partners (the discipline-inspection office's system)
signed with the shared webhook secret. Someone with database write access but not the key inserted a row — a
forged 「问题线索已确认」 — or rewrote a genuine one: it was sent, authenticated by the server's webhook signature,
and `verify` said intact. Now each row carries the server's MAC; a row that fails it is neither shown nor sent
(its delivery marked `refused`) and `verify` names it. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from support.tampering import damaged, sql

from desk.conftest import Clock, finding
from desk.receiver import Receiver
from rexian.adapters import desk_tables as dt
from rexian.adapters.findings import FindingRepository
from rexian.service.push import OutboxFeed, WebhookDispatcher
from rexian.service.verify import verify_database

FORGED = {"finding_key": "BP-RETURNS:RX999", "status": "confirmed", "decided_by": "J01", "reason": "属实，已移送"}


def test_an_outbox_row_inserted_or_rewritten_by_sql_is_neither_shown_nor_sent_and_verify_names_it(make_app, db_url):
    app = make_app(db_url)
    store, clock = FindingRepository(app.engine), Clock()
    store.upsert([finding("RX1"), finding("RX2")], "batch", clock())
    assert verify_database(app.engine).intact
    sql(app, "INSERT INTO outbox (key, topic, ref, payload, created_at) VALUES (?, ?, ?, ?, ?)",
        "finding.decided:BP-RETURNS:RX999:0", "finding.decided", "BP-RETURNS:RX999",
        json.dumps(FORGED, ensure_ascii=False), datetime(2026, 3, 5, 10, 1))
    sql(app, "UPDATE outbox SET payload = ? WHERE ref = 'BP-RETURNS:RX2'", json.dumps({"severity": "low"}))
    shown = OutboxFeed(app.engine).since(0)
    assert [m["ref"] for m in shown] == ["BP-RETURNS:RX1"]
    with Receiver("s3cret") as receiver:
        dispatcher = WebhookDispatcher(app.engine, [receiver.url], "s3cret", clock=clock)
        dispatcher.run_once()
        dispatcher.run_once()
        assert [m["ref"] for m in receiver.accepted.values()] == ["BP-RETURNS:RX1"]
    with app.engine.connect() as connection:
        statuses = dict(connection.execute(select(dt.outbox.c.ref, dt.webhook_deliveries.c.status)
                                           .join(dt.webhook_deliveries, dt.webhook_deliveries.c.outbox_id == dt.outbox.c.id)).all())
    assert statuses == {"BP-RETURNS:RX1": "delivered", "BP-RETURNS:RX2": "refused", "BP-RETURNS:RX999": "refused"}
    streams = {stream for stream in damaged(verify_database(app.engine)) if stream.startswith("推送(outbox:")}
    assert len(streams) == 2, streams
