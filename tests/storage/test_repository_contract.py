"""The storage contract, run on SQLite and on PostgreSQL: what is written is read back exactly."""

from datetime import datetime

import pytest
from sqlalchemy import select

from rexian.adapters import tables as t
from rexian.adapters.repository import TicketRepository, next_counter
from rexian.domain.errors import Conflict
from rexian.domain.model import NewEvent, Ticket


def test_events_round_trip_with_exact_times_payloads_and_hashes(app):
    ticket = Ticket(ticket_id="T-契约-1")
    at = datetime(2026, 3, 2, 9, 15, 30, 123456)
    payload = {"content": "全角：ＡＢＣ，emoji 🚧，引号\"与\\反斜杠", "lon": 116.397128, "list": [1, None, "二"],
               "nested": {"z": 1, "a": True}}
    ticket.record(NewEvent("TicketReceived", at, "A01", "C00", None, payload))
    ticket.record(NewEvent("ProgressNoted", at, "H0201", "D02", None, {"note": "同一时刻的第二条"}))
    sealed_hashes = [record["hash"] for record in ticket.new_events]
    with app.engine.begin() as connection:
        TicketRepository(connection).save(ticket, at)
    with app.engine.connect() as connection:
        stored = TicketRepository(connection).events("T-契约-1")
        again = TicketRepository(connection).get("T-契约-1")
    assert [e["at"] for e in stored] == [at, at]
    assert stored[0]["payload"] == payload
    assert [e["hash"] for e in stored] == sealed_hashes
    assert again.head_hash == ticket.head_hash and again.version == 1 and again.intake["content"] == payload["content"]


def test_a_stale_version_is_refused_and_writes_nothing(app):
    ticket = Ticket(ticket_id="T-2")
    ticket.record(NewEvent("TicketReceived", datetime(2026, 3, 2, 9), "A01", "C00", None, {"content": "x"}))
    with app.engine.begin() as connection:
        TicketRepository(connection).save(ticket, datetime(2026, 3, 2, 9))
    with app.engine.connect() as connection:
        first, second = (TicketRepository(connection).get("T-2") for _ in range(2))
    first.record(NewEvent("ProgressNoted", datetime(2026, 3, 2, 10), "H", "D", None, {"note": "a"}))
    second.record(NewEvent("ProgressNoted", datetime(2026, 3, 2, 10), "H", "D", None, {"note": "b"}))
    with app.engine.begin() as connection:
        TicketRepository(connection).save(first, datetime(2026, 3, 2, 10))
    with pytest.raises(Conflict):
        with app.engine.begin() as connection:
            TicketRepository(connection).save(second, datetime(2026, 3, 2, 10))
    with app.engine.connect() as connection:
        notes = [e["payload"]["note"] for e in TicketRepository(connection).events("T-2")[1:]]
    assert notes == ["a"]


def test_counters_hand_out_consecutive_numbers(app):
    with app.engine.begin() as connection:
        numbers = [next_counter(connection, "ticket:20260302") for _ in range(3)]
        other = next_counter(connection, "ticket:20260303")
    assert numbers == [1, 2, 3] and other == 1


def test_the_organisation_reads_back_as_loaded(app):
    with app.engine.connect() as connection:
        row = connection.execute(select(t.people).where(t.people.c.person_id == "H0201")).one()
    assert row.roles == "handler" and row.unit_id == "D02"
    assert app.organisation().person("H0201").roles == frozenset({"handler"})


@pytest.mark.parametrize("refusal", ["wrong role", "wrong state", "missing field"])
def test_a_refused_command_writes_nothing(app, refusal):
    from support.workflow_steps import dispatched, handling, received, stored_counts

    from rexian.domain import commands as c
    from rexian.domain.errors import MissingField, NotAllowed, WrongState

    if refusal == "wrong role":
        command, error = c.Dispatch(actor_id="H0201", ticket_id=received(app), lead_unit_id="D02"), NotAllowed
    elif refusal == "wrong state":
        command, error = c.SignFor(actor_id="H0201", ticket_id=handling(app)), WrongState
    else:
        command, error = c.RequestReturn(actor_id="H0201", ticket_id=dispatched(app), reason="",
                                         basis="职责清单第三条"), MissingField
    before = stored_counts(app)
    with pytest.raises(error):
        app.handle(command)
    assert stored_counts(app) == before
