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
