"""Forgeries made before an upgrade (issue 15, trust12): rows written by SQL before the migration that added their MAC
were signed by it as they stood, and accepted as genuine from then on. Now a migration signs only what verifies
against the signed log at the upgrade and marks the rest 「升级前未能核实」 (adapters/upgrade_seal.py). The call-centre
records (test_call_records_tampered.py) and the webhook bookkeeping (test_trust11_bookkeeping.py) have their upgrade
tests beside their other attacks; the idempotency records' are here. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest
from support.tampering import damaged, one_value, sql

from rexian.domain import commands as c
from rexian.domain.errors import Conflict
from rexian.service.hotline import command_fingerprint
from rexian.service.verify import verify_database

LAMP = dict(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101")
POTHOLE = dict(actor_id="A01", content="井盖丢失，夜里很危险", category="0101")


def _as_before_0014(app, records: dict) -> None:
    """The idempotency table as 0013_trust10 left it (no MAC, no number), holding `records` (key → (command,
    outcome, ticket it names)), and the schema's revision put back, so that `migrate` runs 0014 onwards again."""
    sql(app, "DELETE FROM idempotency")
    sql(app, "DROP INDEX ix_idempotency_log_seq")
    for column in ("log_seq", "mac"):
        sql(app, f"ALTER TABLE idempotency DROP COLUMN {column}")
    for key, (command, outcome, ticket_id) in records.items():
        sql(app, "INSERT INTO idempotency (key, command, ticket_id, result, created_at) VALUES (?, ?, ?, ?, ?)",
            key, command_fingerprint(command), ticket_id, json.dumps({**asdict(outcome), "ticket_id": ticket_id}),
            "2026-03-02 09:00:00.000000")
    sql(app, "UPDATE alembic_version SET version_num = '0013_trust10'")
    app.engine.dispose()


def test_an_idempotency_record_rewritten_before_the_upgrade_to_0014_is_named_unverified_not_signed(app):
    """Before: the upgrade signed whatever stood in the table, so a result rewritten by SQL before it (the retry told
    it made another caller's ticket) was replayed as the server's and `verify` said intact. Now the upgrade signs the
    record whose outcome is on the chain and marks the other; the other is refused on replay and named."""
    from rexian.adapters.database import migrate
    from rexian.adapters.upgrade_seal import unverified_at

    lamp, pothole = c.Intake(**LAMP, idempotency_key="k1"), c.Intake(**POTHOLE, idempotency_key="k2")
    first, second = app.handle(c.Intake(**LAMP)), app.handle(c.Intake(**POTHOLE))
    _as_before_0014(app, {"k1": (lamp, first, first.ticket_id),
                          "k2": (pothole, second, first.ticket_id)})  # rewritten: answers the lamp's ticket
    migrate(app.engine)
    assert unverified_at(one_value(app, "SELECT mac FROM idempotency WHERE key = 'k2'")) == "0014_trust11"
    report = verify_database(app.engine)
    assert damaged(report) == {"幂等记录(k2)": {"unverified"}}, report.lines()
    assert "升级前未能核实" in report.lines()[0]
    assert app.handle(lamp).replayed and app.handle(lamp).ticket_id == first.ticket_id
    with pytest.raises(Conflict, match="升级前未能核实") as refused:
        app.handle(pothole)
    assert refused.value.rule == "idempotency.untrusted"


def test_an_idempotency_record_naming_events_that_are_not_on_the_chain_is_not_signed_by_the_upgrade(app):
    """Written ahead by SQL for a key a client will use, with the fingerprint of the command it will send: "done" for
    nothing done. The events it lists do not exist: the upgrade cannot confirm it."""
    from rexian.adapters.database import migrate
    from rexian.service.hotline import Outcome

    ahead = c.Intake(**LAMP, idempotency_key="k3")
    made_up = Outcome("RX20260302000099", "received", [{"ticket_id": "RX20260302000099", "seq": 1,
                                                        "action": "TicketReceived"}])
    app.handle(c.Intake(**POTHOLE))
    _as_before_0014(app, {"k3": (ahead, made_up, made_up.ticket_id)})
    migrate(app.engine)
    assert damaged(verify_database(app.engine)) == {"幂等记录(k3)": {"unverified"}}
    with pytest.raises(Conflict, match="升级前未能核实"):
        app.handle(ahead)


def test_an_unverified_mark_is_never_a_valid_signature_and_says_which_upgrade_left_it(app):
    from rexian.adapters.keys import keyring_for
    from rexian.adapters.upgrade_seal import unverified, unverified_problem

    mark = unverified("0017_trust11c")
    assert keyring_for(app.engine).problem("anything", mark) == unverified_problem(mark)
    assert "0017_trust11c" in unverified_problem(mark) and unverified_problem("k1:abc") is None


def test_the_upgrade_to_0018_writes_each_stored_records_key_on_its_events_so_its_deletion_cannot_double_the_retry(app):
    """A keyed intake made before 0018_trust12 (its events carry no request) would act again once its record was
    deleted, even after the upgrade. The upgrade writes the request of every record still stored whose MAC holds and
    whose events the chain bears out onto those events, signed again; a forged record writes nothing."""
    from rexian.adapters.database import migrate
    from rexian.adapters.keys import event_digest, keyring_for

    first = app.handle(c.Intake(**LAMP, idempotency_key="k1"))
    second = app.handle(c.Intake(**POTHOLE, idempotency_key="k2"))
    ring = keyring_for(app.engine)
    for outcome in (first, second):  # as main's code wrote them: no request, the MAC without it
        number, chain = sql(app, "SELECT log_seq, hash FROM events WHERE ticket_id = ?", outcome.ticket_id)[0]
        sql(app, "UPDATE events SET request_key = NULL, request_command = NULL, mac = ? WHERE ticket_id = ?",
            ring.sign(event_digest(number, chain)), outcome.ticket_id, triggers_off=True)
    sql(app, "UPDATE idempotency SET result = replace(result, 'received', 'closed') WHERE key = 'k2'")  # forged
    sql(app, "UPDATE alembic_version SET version_num = '0017_trust11c'")
    app.engine.dispose()
    migrate(app.engine)
    assert damaged(verify_database(app.engine)) == {"幂等记录(k2)": {"unsigned"}}
    assert one_value(app, "SELECT COUNT(*) FROM events WHERE request_key IS NOT NULL") == 1
    sql(app, "DELETE FROM idempotency")
    tickets = one_value(app, "SELECT COUNT(*) FROM tickets")
    assert app.handle(c.Intake(**LAMP, idempotency_key="k1")).ticket_id == first.ticket_id
    assert one_value(app, "SELECT COUNT(*) FROM tickets") == tickets
    assert app.handle(c.Intake(**POTHOLE, idempotency_key="k2")).ticket_id != second.ticket_id  # the forged one's
    with pytest.raises(Exception, match="append-only|append_only|refused"):  # the triggers are back
        sql(app, "UPDATE events SET request_key = 'x'")
