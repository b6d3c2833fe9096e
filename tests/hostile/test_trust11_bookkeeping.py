"""The bookkeeping beside the outbox, attacked (issue 15, trust11: what the tenth round left open). Someone with
database write access but not the key marked a delivery as delivered that was never sent, moved an endpoint's
cursor past rows, rewrote an idempotency key's stored result, let SQLite hand out a deleted newest outbox id again,
removed the outbox's newest row past a filed checkpoint, or put back an outbox row from before the rows were
numbered: `verify` said intact and the partner never heard of those changes. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select
from support.tampering import damaged, one_value, sql

from desk.conftest import Clock, finding
from desk.receiver import Receiver
from rexian.adapters import desk_tables as dt
from rexian.adapters.findings import FindingRepository
from rexian.domain import commands as c
from rexian.domain.errors import Conflict
from rexian.service.push import WebhookDispatcher
from rexian.service.verify import verify_database


def _findings(app, *subjects):
    store, clock = FindingRepository(app.engine), Clock()
    for subject in subjects:
        store.upsert([finding(subject)], "batch", clock())


def _named(report, prefix: str) -> list:
    return [damage for damage in report.damages if str(damage.stream).startswith(prefix)]


def _sent(app, url: str) -> None:
    dispatcher = WebhookDispatcher(app.engine, [url], "s3cret", clock=Clock())
    for _ in range(3):
        dispatcher.run_once()


def test_a_delivery_marked_delivered_by_sql_is_named_by_verify_and_sent_again(make_app, db_url):
    """Before: the pending delivery set to `delivered` was never sent and `verify` said intact."""
    app = make_app(db_url)
    _findings(app, "RX1", "RX2")
    with Receiver("s3cret") as receiver:
        WebhookDispatcher(app.engine, [receiver.url], "s3cret", clock=Clock()).enqueue_new()  # queued, not yet sent
        assert verify_database(app.engine).intact
        sql(app, "UPDATE webhook_deliveries SET status = 'delivered' WHERE outbox_id = "
                 "(SELECT id FROM outbox WHERE ref = 'BP-RETURNS:RX2')")
        named = _named(verify_database(app.engine), "推送投递(")
        assert len(named) == 1 and named[0].kind == "unsigned" and "RX2" in named[0].detail, named
        _sent(app, receiver.url)  # the server's next start: the forged state is not trusted
        assert sorted(m["ref"] for m in receiver.accepted.values()) == ["BP-RETURNS:RX1", "BP-RETURNS:RX2"]
    assert verify_database(app.engine).intact  # sent again and signed as delivered


def test_a_running_dispatcher_sends_a_delivery_marked_delivered_at_its_next_sweep(make_app, db_url):
    """The same flip while the server runs: its dispatcher sweeps again every `sweep_seconds` (an hour by default)."""
    app = make_app(db_url)
    _findings(app, "RX1")
    with Receiver("s3cret") as receiver:
        dispatcher = WebhookDispatcher(app.engine, [receiver.url], "s3cret", clock=Clock(), sweep_seconds=0)
        dispatcher.run_once()  # the first sweep, then RX2's delivery is queued
        _findings(app, "RX2")
        dispatcher.enqueue_new()
        sql(app, "UPDATE webhook_deliveries SET status = 'delivered' WHERE status = 'pending'")
        for _ in range(2):
            dispatcher.run_once()
        assert sorted(m["ref"] for m in receiver.accepted.values()) == ["BP-RETURNS:RX1", "BP-RETURNS:RX2"]


def test_a_delivery_inserted_by_sql_for_another_endpoint_is_never_sent(make_app, db_url):
    """A genuine change queued by SQL for an address of the attacker's would have gone out signed with the webhook
    secret; only the configured endpoints and the server's own deliveries are sent."""
    app = make_app(db_url)
    _findings(app, "RX1")
    with Receiver("s3cret") as partner, Receiver("s3cret") as thief:
        dispatcher = WebhookDispatcher(app.engine, [partner.url], "s3cret", clock=Clock())
        dispatcher.enqueue_new()
        sql(app, "INSERT INTO webhook_deliveries (outbox_id, endpoint, status, attempts, next_at) "
                 "SELECT id, ?, 'pending', 0, ? FROM outbox", thief.url, datetime(2026, 1, 1))
        for _ in range(2):
            dispatcher.run_once()
        assert [m["ref"] for m in partner.accepted.values()] == ["BP-RETURNS:RX1"] and thief.accepted == {}


def test_a_cursor_moved_ahead_by_sql_names_the_skipped_rows_and_they_are_sent(make_app, db_url):
    """Before: the rows between the old and the forged position got no delivery at all, the dispatcher read only
    after the cursor, and `verify` said intact."""
    app = make_app(db_url)
    _findings(app, "RX1")
    with Receiver("s3cret") as receiver:
        dispatcher = WebhookDispatcher(app.engine, [receiver.url], "s3cret", clock=Clock())
        dispatcher.run_once()
        _findings(app, "RX2", "RX3")
        newest = one_value(app, "SELECT MAX(id) FROM outbox")
        sql(app, "UPDATE webhook_cursors SET last_outbox_id = ?", newest)
        report = verify_database(app.engine)
        skipped = _named(report, "推送投递(")
        assert sorted(damage.kind for damage in skipped) == ["deleted", "deleted"], report.lines()
        assert {"RX2", "RX3"} == {ref for damage in skipped for ref in ("RX2", "RX3") if ref in damage.detail}
        assert _named(report, "推送游标("), report.lines()
        for _ in range(2):
            dispatcher.run_once()  # the running dispatcher sees the stored cursor move and does not trust it
        assert sorted(m["ref"] for m in receiver.accepted.values()) == [f"BP-RETURNS:RX{n}" for n in (1, 2, 3)]
    assert verify_database(app.engine).intact


def test_an_idempotency_result_rewritten_by_sql_is_refused_on_replay_and_named(app):
    """Before: the retried request was answered with the forged result (another ticket number)."""
    first = app.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101",
                                idempotency_key="web-7"))
    other = app.handle(c.Intake(actor_id="A01", content="井盖丢失，夜里很危险", category="0101")).ticket_id
    assert app.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101",
                               idempotency_key="web-7")).ticket_id == first.ticket_id
    assert verify_database(app.engine).intact
    stored = one_value(app, "SELECT result FROM idempotency WHERE key = 'web-7'")
    sql(app, "UPDATE idempotency SET result = ? WHERE key = 'web-7'", stored.replace(first.ticket_id, other))
    with pytest.raises(Conflict, match="未通过服务器签名校验"):
        app.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101",
                            idempotency_key="web-7"))
    assert _named(verify_database(app.engine), "幂等记录(web-7)"), verify_database(app.engine).lines()


def test_a_deleted_newest_outbox_rows_id_is_never_handed_out_again(make_app, db_url):
    """Before (SQLite): the next change's row took the deleted row's id, behind the dispatcher's cursor, and was never
    sent. Now ids only grow; the deletion is named and the next change is sent."""
    app = make_app(db_url)
    _findings(app, "RX1", "RX2")
    with Receiver("s3cret") as receiver:
        dispatcher = WebhookDispatcher(app.engine, [receiver.url], "s3cret", clock=Clock())
        dispatcher.run_once()
        deleted = one_value(app, "SELECT MAX(id) FROM outbox")
        sql(app, "DELETE FROM webhook_deliveries WHERE outbox_id = ?", deleted)
        sql(app, "DELETE FROM outbox WHERE id = ?", deleted)
        _findings(app, "RX3")
        assert one_value(app, "SELECT id FROM outbox WHERE ref = 'BP-RETURNS:RX3'") > deleted
        for _ in range(2):
            dispatcher.run_once()
        assert "BP-RETURNS:RX3" in {m["ref"] for m in receiver.accepted.values()}
    assert any("第2号缺失" in damage.detail for damage in _named(verify_database(app.engine), "推送(outbox"))


def test_a_reused_outbox_id_behind_the_cursor_is_named_and_sent(make_app, tmp_path):
    """SQLite, with the attacker also winding back AUTOINCREMENT's own counter (sqlite_sequence): the next change
    takes the deleted row's id and finds that row's delivery. Its MAC covers the deleted row's key, so `verify` names
    it and the dispatcher's next start sends the new change."""
    app = make_app(f"sqlite:///{tmp_path / 'reuse.db'}")
    _findings(app, "RX1", "RX2")
    with Receiver("s3cret") as receiver:
        WebhookDispatcher(app.engine, [receiver.url], "s3cret", clock=Clock()).run_once()
        sql(app, "DELETE FROM outbox WHERE ref = 'BP-RETURNS:RX2'")
        sql(app, "UPDATE sqlite_sequence SET seq = seq - 1 WHERE name = 'outbox'")
        _findings(app, "RX3")
        assert one_value(app, "SELECT id FROM outbox WHERE ref = 'BP-RETURNS:RX3'") == 2
        named = _named(verify_database(app.engine), "推送投递(")
        assert len(named) == 1 and "RX3" in named[0].detail, named
        _sent(app, receiver.url)
        assert "BP-RETURNS:RX3" in {m["ref"] for m in receiver.accepted.values()}


def test_the_newest_outbox_row_deleted_with_its_counters_rewound_is_found_by_a_filed_checkpoint(make_app, db_url,
                                                                                               tmp_path):
    """The outbox's tail: its newest row deleted with the outbox and log counters rewound leaves nothing in the
    database to compare with. Checkpoints digest the outbox now, so a filed one names it."""
    from rexian.adapters.desk_store import enqueue
    from rexian.service.checkpoints import export_checkpoints, make_checkpoint

    app = make_app(db_url)
    _findings(app, "RX1")
    with app.engine.begin() as connection:  # a change pushed alone: the newest entry of the whole log
        enqueue(connection, "finding.decided", "BP-RETURNS:RX1", {"status": "confirmed"}, datetime(2026, 3, 5, 11))
    make_checkpoint(app.engine, datetime(2026, 3, 5, 12))
    export_checkpoints(app.engine, tmp_path / "filed")
    filed = lambda: (tmp_path / "filed").glob("*.json")  # noqa: E731
    assert verify_database(app.engine, filed_checkpoints=filed()).intact
    sql(app, "DELETE FROM outbox WHERE topic = 'finding.decided'")
    sql(app, "UPDATE counters SET value = value - 1 WHERE name IN ('log', 'outbox')")
    sql(app, "DELETE FROM checkpoints")
    assert verify_database(app.engine).intact  # the residual, from the database alone
    report = verify_database(app.engine, filed_checkpoints=filed())
    assert any("推送记录" in problem.detail for problem in report.checkpoint_problems), report.lines()


def test_an_edited_outbox_row_before_a_checkpoint_is_named_by_the_checkpoint_too(make_app, db_url, tmp_path):
    from rexian.service.checkpoints import export_checkpoints, make_checkpoint

    app = make_app(db_url)
    _findings(app, "RX1", "RX2")
    make_checkpoint(app.engine, datetime(2026, 3, 5, 12))
    export_checkpoints(app.engine, tmp_path / "filed")
    sql(app, "UPDATE outbox SET key = 'finding.added:BP-RETURNS:RX2:forged' WHERE ref = 'BP-RETURNS:RX2'")
    report = verify_database(app.engine, filed_checkpoints=(tmp_path / "filed").glob("*.json"))
    assert any("推送记录" in problem.detail for problem in report.checkpoint_problems), report.lines()


def test_an_unnumbered_outbox_row_is_named_plainly_not_passed(make_app, db_url):
    """A genuine row from before 0013_trust10 (signed without numbers) put back after the upgrade numbered the others:
    before, `verify` passed it (its MAC holds) and a deletion among such rows was invisible."""
    from rexian.adapters.desk_store import outbox_digest
    from rexian.adapters.keys import keyring_for

    app = make_app(db_url)
    _findings(app, "RX1")
    old = {"key": "finding.added:BP-RETURNS:RX0:0", "topic": "finding.added", "ref": "BP-RETURNS:RX0",
           "payload": json.dumps({"finding_key": "BP-RETURNS:RX0"}), "created_at": datetime(2026, 3, 1, 9, 0)}
    sql(app, "INSERT INTO outbox (key, topic, ref, payload, created_at, mac) VALUES (?, ?, ?, ?, ?, ?)",
        *list(old.values())[:4], "2026-03-01 09:00:00.000000", keyring_for(app.engine).sign(outbox_digest(old)))
    report = verify_database(app.engine)
    named = _named(report, "推送(outbox)")
    assert [damage.kind for damage in named] == ["unnumbered"] and "rexian upgrade" in named[0].detail, report.lines()
    assert "推送(outbox) 事件链没有编号" in "\n".join(report.lines())


def test_the_upgrade_to_0014_numbers_old_outbox_rows_signs_the_bookkeeping_and_launders_nothing(make_app, db_url):
    """A database as 0013_trust10 left it: two unnumbered rows from before it (one genuine, one forged), a delivery
    and a cursor without MACs, an idempotency record without one. After `rexian upgrade` the genuine old row is
    numbered after the others, the forged one keeps its bad MAC and no number. Since trust12 the delivered delivery
    and the cursor, which nothing signed can confirm, are not signed as they stood but named 「升级前未能核实」; the
    dispatcher's first round sends the delivery again (the receiver de-duplicates on the key) and re-reads the
    outbox, after which only the forged row is named. The idempotency record, whose intake is on the chain, is
    signed and replays."""
    from rexian.adapters.database import migrate
    from rexian.adapters.desk_store import outbox_digest
    from rexian.adapters.keys import keyring_for

    app = make_app(db_url)
    _findings(app, "RX1")
    app.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101", idempotency_key="k1"))
    with Receiver("s3cret") as receiver:
        WebhookDispatcher(app.engine, [receiver.url], "s3cret", clock=Clock()).run_once()
        endpoint = receiver.url
    old = {"key": "finding.added:BP-RETURNS:RX0:0", "topic": "finding.added", "ref": "BP-RETURNS:RX0",
           "payload": json.dumps({"finding_key": "BP-RETURNS:RX0"}), "created_at": datetime(2026, 3, 1, 9, 0)}
    mac = keyring_for(app.engine).sign(outbox_digest(old))
    for table, column in (("webhook_deliveries", "mac"), ("webhook_cursors", "mac"), ("idempotency", "mac"),
                          ("checkpoints", "outbox_upto"), ("checkpoints", "outbox")):
        sql(app, f"ALTER TABLE {table} DROP COLUMN {column}")
    insert = "INSERT INTO outbox (key, topic, ref, payload, created_at, mac) VALUES (?, ?, ?, ?, ?, ?)"
    sql(app, insert, old["key"], old["topic"], old["ref"], old["payload"], "2026-03-01 09:00:00.000000", mac)
    sql(app, insert, "forged:0", "finding.decided", "BP-RETURNS:RX9", "{}", "2026-03-01 09:00:00.000000", "k1:0")
    sql(app, "UPDATE alembic_version SET version_num = '0013_trust10'")
    app.engine.dispose()
    migrate(app.engine)
    with app.engine.connect() as connection:
        numbers = dict(connection.execute(select(dt.outbox.c.ref, dt.outbox.c.outbox_seq)).all())
    assert numbers == {"BP-RETURNS:RX1": 1, "BP-RETURNS:RX0": 2, "BP-RETURNS:RX9": None}
    forged = f"推送(outbox:{one_value(app, 'SELECT id FROM outbox WHERE key = ?', 'forged:0')})"
    report = verify_database(app.engine)
    unverified = {str(d.stream) for d in report.damages if d.kind == "unverified"}
    assert unverified == {f"推送游标({endpoint})", f"推送投递({endpoint}:1)"}, report.lines()
    assert set(damaged(report)) == {forged} | unverified, report.lines()
    dispatcher = WebhookDispatcher(app.engine, [endpoint], "s3cret", clock=Clock())
    assert dispatcher.resend_unsigned() == 1  # queued again, signed
    dispatcher.enqueue_new()  # the unverified cursor is put back to 0 and the outbox re-read
    report = verify_database(app.engine)
    assert set(damaged(report)) == {forged}, report.lines()
    assert app.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101",
                               idempotency_key="k1")).replayed


def test_the_upgrade_to_0014_rebuilds_the_sqlite_outbox_with_autoincrement(make_app, tmp_path):
    """The outbox as 0004_desk made it (INTEGER PRIMARY KEY: a deleted newest id handed out again), with its rows:
    the upgrade rebuilds it AUTOINCREMENT, rows, numbers and next id kept."""
    from rexian.adapters.database import migrate

    app = make_app(f"sqlite:///{tmp_path / 'old.db'}")
    _findings(app, "RX1", "RX2")
    sql(app, "CREATE TABLE outbox_plain AS SELECT * FROM outbox")
    sql(app, "DROP TABLE outbox")
    sql(app, "CREATE TABLE outbox (id INTEGER NOT NULL PRIMARY KEY, key VARCHAR(240) NOT NULL UNIQUE, "
             "topic VARCHAR(32) NOT NULL, ref VARCHAR(200) NOT NULL, payload TEXT NOT NULL, created_at DATETIME NOT NULL, "
             "mac VARCHAR(80), log_seq BIGINT, outbox_seq BIGINT)")
    sql(app, "CREATE UNIQUE INDEX ix_outbox_log_seq ON outbox (log_seq)")
    sql(app, "INSERT INTO outbox SELECT * FROM outbox_plain")
    sql(app, "DROP TABLE outbox_plain")
    sql(app, "UPDATE alembic_version SET version_num = '0013_trust10'")
    sql(app, "ALTER TABLE checkpoints DROP COLUMN outbox_upto")
    for table in ("webhook_deliveries", "webhook_cursors", "idempotency"):
        sql(app, f"ALTER TABLE {table} DROP COLUMN mac")
    sql(app, "ALTER TABLE checkpoints DROP COLUMN outbox")
    app.engine.dispose()
    migrate(app.engine)
    assert "AUTOINCREMENT" in one_value(app, "SELECT sql FROM sqlite_master WHERE name = 'outbox'").upper()
    assert verify_database(app.engine).intact
    sql(app, "DELETE FROM outbox WHERE ref = 'BP-RETURNS:RX2'")
    _findings(app, "RX3")
    assert one_value(app, "SELECT id FROM outbox WHERE ref = 'BP-RETURNS:RX3'") == 3


def test_the_word_index_is_read_only_by_the_ticket_lists_search():
    """`word_index` is documented as untrusted (docs/trust.md): it narrows a search, never decides anything. Reading
    it anywhere else would need that decision revisited."""
    from pathlib import Path

    import rexian

    root = Path(rexian.__file__).parent
    readers = sorted(str(path.relative_to(root)) for path in root.rglob("*.py")
                     if "ids_matching(" in path.read_text(encoding="utf-8") and path.name != "word_index.py")
    assert readers == ["web/queries.py"]


def test_rexian_checkpoint_on_the_command_line_digests_every_table_and_verify_checks_it(make_app, tmp_path):
    """Before: `rexian checkpoint` in a fresh process stopped with a KeyError (the desk's and the findings' tables were
    never declared there); the tests took checkpoints in a process that had imported them all."""
    import os
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    app = make_app(url)
    _findings(app, "RX1")
    app.engine.dispose()
    done = subprocess.run([sys.executable, "-m", "rexian", "checkpoint", "--db", url, "--out", str(tmp_path / "filed")],
                          capture_output=True, text=True, env={**os.environ}, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    filed = json.loads(next((tmp_path / "filed").glob("*.json")).read_text(encoding="utf-8"))
    assert filed["outbox"] == 1 and filed["finding_events"] >= 1 and "supervision_events" in filed
    assert verify_database(app.engine, filed_checkpoints=(tmp_path / "filed").glob("*.json")).intact


def test_bytes_in_the_bookkeepings_text_columns_are_named_not_a_traceback(make_app, tmp_path):
    """SQLite stores whatever it is given: a blob in an outbox key stopped `verify` with a TypeError before (the
    outbox's MAC check), and the new checks read the deliveries, cursors and idempotency records the same way."""
    app = make_app(f"sqlite:///{tmp_path / 'blobs.db'}")
    _findings(app, "RX1", "RX2")
    app.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101", idempotency_key="k1"))
    with Receiver("s3cret") as receiver:
        WebhookDispatcher(app.engine, [receiver.url], "s3cret", clock=Clock()).enqueue_new()
    sql(app, "UPDATE outbox SET key = X'00ff' WHERE ref = 'BP-RETURNS:RX2'")
    sql(app, "UPDATE webhook_deliveries SET status = X'01', mac = X'02'")
    sql(app, "UPDATE webhook_cursors SET last_outbox_id = X'03'")
    sql(app, "UPDATE idempotency SET result = X'04'")
    found = damaged(verify_database(app.engine))
    assert "推送(outbox:2)" in found and "幂等记录(k1)" in found
    assert any(stream.startswith("推送投递(") for stream in found) and any(s.startswith("推送游标(") for s in found)
