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


def test_an_outbox_row_deleted_by_sql_is_named_by_verify_and_reported_by_the_dispatcher(make_app, db_url):
    """Before (trust9) a deleted outbox row was simply never pushed — the partner never heard of that change — and
    `verify` said intact. Now each row is numbered on the global log and names the outbox row before it."""
    app = make_app(db_url)
    store, clock = FindingRepository(app.engine), Clock()
    store.upsert([finding("RX1")], "batch", clock())
    store.upsert([finding("RX2")], "batch", clock())
    store.upsert([finding("RX3")], "batch", clock())
    assert verify_database(app.engine).intact
    sql(app, "DELETE FROM outbox WHERE ref = 'BP-RETURNS:RX2'")
    report = verify_database(app.engine)
    named = [damage for damage in report.damages if damage.stream.startswith("推送(outbox:")]
    assert [damage.kind for damage in named] == ["deleted"] and "被删除" in named[0].detail, report.lines()
    # and the gap in the global log sequence
    assert any(damage.kind == "deleted" and "缺失" in damage.detail for damage in report.damages), report.lines()
    with Receiver("s3cret") as receiver:
        dispatcher = WebhookDispatcher(app.engine, [receiver.url], "s3cret", clock=clock)
        result = dispatcher.run_once()
        dispatcher.run_once()
        assert sorted(m["ref"] for m in receiver.accepted.values()) == ["BP-RETURNS:RX1", "BP-RETURNS:RX3"]
    assert result["missing"] == 1 and len(dispatcher.gaps) == 1  # reported once, with the row after the gap
    # the newest row deleted: no row after it, the outbox's counter names it; then the next change's row
    sql(app, "DELETE FROM outbox WHERE ref = 'BP-RETURNS:RX3'")
    assert any(damage.stream == "推送(outbox)" and "最新的2条" in damage.detail  # numbers 2 (above) and 3
               for damage in verify_database(app.engine).damages)
    store.upsert([finding("RX4")], "batch", clock())
    named = [damage.detail for damage in verify_database(app.engine).damages if damage.stream.startswith("推送(outbox")]
    assert len(named) == 1 and "第2–3号缺失" in named[0], named


def test_outbox_rows_written_by_concurrent_changes_chain_without_a_break(make_app, db_url):
    """The near miss: many findings changed by several writers at once leave one unbroken outbox chain."""
    from concurrent.futures import ThreadPoolExecutor

    app = make_app(db_url)
    store = FindingRepository(app.engine)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: store.upsert([finding(f"RX{n}")], "batch", datetime(2026, 3, 5, 10, n)), range(12)))
    report = verify_database(app.engine)
    assert report.intact, report.lines()
    with app.engine.connect() as connection:
        assert connection.execute(select(dt.outbox.c.log_seq).where(dt.outbox.c.log_seq.is_(None))).first() is None


def test_the_upgrade_to_0013_keeps_older_outbox_rows_and_numbers_the_new_ones(make_app, tmp_path):
    """A database as 0012_trust9 left it, with a signed, unnumbered outbox row: `rexian upgrade` adds the numbers;
    the old row still verifies and is sent, and the database verifies. Since 0014_trust11 the upgrade numbers the
    old row too (number 1 of the outbox, signed again over it), so the next change is number 2."""
    import sqlite3

    from rexian.adapters.database import migrate
    from rexian.adapters.desk_store import outbox_digest
    from rexian.adapters.keys import keyring_for

    path = tmp_path / "old.db"
    app = make_app(f"sqlite:///{path}")
    old = {"key": "finding.added:BP-RETURNS:RX0:0", "topic": "finding.added", "ref": "BP-RETURNS:RX0",
           "payload": json.dumps({"finding_key": "BP-RETURNS:RX0"}), "created_at": datetime(2026, 3, 1, 9, 0)}
    mac = keyring_for(app.engine).sign(outbox_digest(old))
    app.engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("DROP INDEX ix_outbox_log_seq")
        for column in ("log_seq", "outbox_seq"):
            connection.execute(f"ALTER TABLE outbox DROP COLUMN {column}")
        connection.execute("INSERT INTO outbox (key, topic, ref, payload, created_at, mac) VALUES (?, ?, ?, ?, ?, ?)",
                           (old["key"], old["topic"], old["ref"], old["payload"], "2026-03-01 09:00:00.000000", mac))
        connection.execute("UPDATE alembic_version SET version_num = '0012_trust9'")
    migrate(app.engine)
    assert verify_database(app.engine).intact
    FindingRepository(app.engine).upsert([finding("RX1")], "batch", Clock()())
    with app.engine.connect() as connection:
        numbers = connection.execute(select(dt.outbox.c.ref, dt.outbox.c.outbox_seq).order_by(dt.outbox.c.id)).all()
    assert [tuple(row) for row in numbers] == [("BP-RETURNS:RX0", 1), ("BP-RETURNS:RX1", 2)]
    assert verify_database(app.engine).intact
    with Receiver("s3cret") as receiver:
        dispatcher = WebhookDispatcher(app.engine, [receiver.url], "s3cret", clock=Clock())
        dispatcher.run_once()
        dispatcher.run_once()
        assert sorted(m["ref"] for m in receiver.accepted.values()) == ["BP-RETURNS:RX0", "BP-RETURNS:RX1"]
    assert dispatcher.gaps == []
