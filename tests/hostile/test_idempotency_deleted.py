"""An idempotency record deleted by SQL (issue 15, trust11b: what trust11 left open). The client's retry then acted a
second time — a duplicate intake — and before, nothing named it. Since 0015_trust11b each record takes a number on the
global log sequence, under its MAC, so its deletion is a gap `verify` names; since 0018_trust12 every event the command
appended carries the key's digest and the command's fingerprint under its own MAC, so the retry is answered from the
log instead of acting twice. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest
from support.tampering import damaged, one_value, sql

from rexian.domain import commands as c
from rexian.domain.errors import Conflict
from rexian.service.hotline import Outcome
from rexian.service.verify import verify_database

LAMP = dict(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101")


def _log_gaps(report) -> list:
    return [damage for damage in report.damages if damage.kind == "deleted" and "日志序号" in damage.detail]


def test_an_idempotency_record_deleted_by_sql_is_named_by_verify_and_its_retry_is_answered_from_the_log(app):
    """Before trust11b: `verify` said intact, and the retry made a second ticket for the same call unseen. Before
    trust12: the deletion was named, but the retry still made the second ticket. Now the retry finds the intake's
    event by its key and answers with it: one ticket, and the deletion stays named."""
    first = app.handle(c.Intake(**LAMP, idempotency_key="web-8"))
    app.handle(c.Intake(actor_id="A01", content="井盖丢失，夜里很危险", category="0101"))
    assert verify_database(app.engine).intact
    sql(app, "DELETE FROM idempotency WHERE key = 'web-8'")
    gaps = _log_gaps(verify_database(app.engine))
    assert len(gaps) == 1 and "幂等记录" in gaps[0].detail and first.ticket_id in gaps[0].detail, gaps
    tickets = one_value(app, "SELECT COUNT(*) FROM tickets")
    again = app.handle(c.Intake(**LAMP, idempotency_key="web-8"))
    assert again == Outcome(**{**asdict(first), "replayed": True})
    assert one_value(app, "SELECT COUNT(*) FROM tickets") == tickets
    assert _log_gaps(verify_database(app.engine)) == gaps  # the deletion stays named after the retry


def test_a_retry_answered_from_the_log_reports_the_status_its_command_left_not_the_ticket_s_status_now(app):
    """A dispatch sent with a key, its record deleted, the ticket moved on (signed for): the retry is told what the
    dispatch did (dispatched, its own event), and acts on nothing."""
    tid = app.handle(c.Intake(**LAMP)).ticket_id
    dispatch = c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D02", idempotency_key="dispatch-1")
    first = app.handle(dispatch)
    app.handle(c.SignFor(actor_id="H0201", ticket_id=tid))
    sql(app, "DELETE FROM idempotency WHERE key = 'dispatch-1'")
    events = one_value(app, "SELECT COUNT(*) FROM events")
    again = app.handle(dispatch)
    assert again == Outcome(**{**asdict(first), "replayed": True}) and again.status != app.ticket(tid).status
    assert one_value(app, "SELECT COUNT(*) FROM events") == events


def test_a_key_reused_for_another_command_after_its_record_was_deleted_is_still_refused(app):
    first = app.handle(c.Intake(**LAMP, idempotency_key="web-11"))
    sql(app, "DELETE FROM idempotency WHERE key = 'web-11'")
    with pytest.raises(Conflict, match="已用于另一条命令") as refused:
        app.handle(c.Intake(actor_id="A01", content="井盖丢失，夜里很危险", category="0101", idempotency_key="web-11"))
    assert refused.value.rule == "idempotency.reused"
    assert one_value(app, "SELECT COUNT(*) FROM tickets WHERE ticket_id <> ?", first.ticket_id) == 0


def test_the_request_on_an_event_cleared_or_moved_to_another_key_by_sql_is_named_and_never_answered_from(app):
    """The request the events carry is under their MAC: cleared (so that the retry finds nothing and acts again) or
    rewritten to another key (so that another request is told "done" for nothing done), the event is no longer the
    server's — `verify` names it, and a retry that finds it is refused rather than answered."""
    from rexian.adapters.bookkeeping import request_key_digest

    first = app.handle(c.Intake(**LAMP, idempotency_key="web-12"))
    sql(app, "DELETE FROM idempotency WHERE key = 'web-12'")
    sql(app, "UPDATE events SET request_key = ? WHERE ticket_id = ?", request_key_digest("web-13"), first.ticket_id,
        triggers_off=True)
    assert "unsigned" in damaged(verify_database(app.engine))[first.ticket_id]
    with pytest.raises(Conflict, match="未通过服务器签名校验") as refused:
        app.handle(c.Intake(**LAMP, idempotency_key="web-13"))
    assert refused.value.rule == "idempotency.untrusted"
    sql(app, "UPDATE events SET request_key = NULL, request_command = NULL WHERE ticket_id = ?", first.ticket_id,
        triggers_off=True)
    assert "unsigned" in damaged(verify_database(app.engine))[first.ticket_id]


def test_the_newest_idempotency_record_deleted_is_named_by_the_log_counter(app):
    app.handle(c.Intake(**LAMP, idempotency_key="web-9"))
    sql(app, "DELETE FROM idempotency WHERE key = 'web-9'")
    report = verify_database(app.engine)
    assert any("最新的1条事件被删除" in damage.detail for damage in report.damages), report.lines()


def test_an_idempotency_record_renumbered_or_unnumbered_by_sql_is_refused_and_named(app):
    """Its number is under its MAC: moved to close a gap, or emptied, the record is no longer the server's."""
    app.handle(c.Intake(**LAMP, idempotency_key="web-10"))
    for number in ("log_seq + 100", "NULL"):
        sql(app, f"UPDATE idempotency SET log_seq = {number} WHERE key = 'web-10'")
        with pytest.raises(Conflict, match="未通过服务器签名校验"):
            app.handle(c.Intake(**LAMP, idempotency_key="web-10"))
        assert "幂等记录(web-10)" in damaged(verify_database(app.engine))


def test_the_upgrade_to_0015_numbers_the_genuine_records_and_launders_no_forged_one(app):
    """A database as 0014_trust11 left it: records signed without a number, one of them rewritten by SQL. After the
    upgrade the genuine one is numbered after the log and still replays; the forged one keeps no number and is
    refused and named; the log has no gap."""
    from rexian.adapters.bookkeeping import unnumbered_idempotency_digest
    from rexian.adapters.database import migrate
    from rexian.adapters.keys import keyring_for
    from rexian.service.hotline import command_fingerprint

    pothole = dict(actor_id="A01", content="井盖丢失，夜里很危险", category="0101")
    done = {"k1": (c.Intake(**LAMP, idempotency_key="k1"), app.handle(c.Intake(**LAMP))),
            "k2": (c.Intake(**pothole, idempotency_key="k2"), app.handle(c.Intake(**pothole)))}
    counter = one_value(app, "SELECT value FROM counters WHERE name = 'log'")
    sql(app, "DROP INDEX ix_idempotency_log_seq")
    sql(app, "ALTER TABLE idempotency DROP COLUMN log_seq")
    ring = keyring_for(app.engine)
    for key, (command, outcome) in done.items():  # as 0014's code wrote them: no number, the MAC without it
        fingerprint, result = command_fingerprint(command), json.dumps(asdict(outcome), default=str)
        sql(app, "INSERT INTO idempotency (key, command, ticket_id, result, created_at, mac) VALUES (?, ?, ?, ?, ?, ?)",
            key, fingerprint, outcome.ticket_id, result, "2026-03-02 09:00:00.000000",
            ring.sign(unnumbered_idempotency_digest(key, fingerprint, outcome.ticket_id, result)))
    sql(app, "UPDATE idempotency SET ticket_id = ? WHERE key = 'k2'", done["k1"][1].ticket_id)  # rewritten by SQL
    sql(app, "UPDATE alembic_version SET version_num = '0014_trust11'")
    app.engine.dispose()
    migrate(app.engine)
    assert one_value(app, "SELECT log_seq FROM idempotency WHERE key = 'k1'") == counter + 1
    assert one_value(app, "SELECT log_seq FROM idempotency WHERE key = 'k2'") is None
    assert set(damaged(verify_database(app.engine))) == {"幂等记录(k2)"}
    assert app.handle(c.Intake(**LAMP, idempotency_key="k1")).ticket_id == done["k1"][1].ticket_id
    with pytest.raises(Conflict, match="未通过服务器签名校验"):
        app.handle(c.Intake(**pothole, idempotency_key="k2"))
