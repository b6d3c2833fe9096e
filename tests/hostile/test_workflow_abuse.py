"""Abuse through the front door: back-dating, reused idempotency keys, one person in two roles judging their
own work, a crowd of first-of-the-day intakes, a busy database, a command that would migrate."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from click.testing import CliRunner
from sqlalchemy.exc import OperationalError
from support.tampering import sql
from support.workflow_steps import (
    closure_requested,
    endorsed,
    stored_counts,
    visit_pending,
)

from rexian.cli import main
from rexian.demo.scripted import ORG_FILE
from rexian.domain import commands as c
from rexian.domain.decide import decide
from rexian.domain.errors import Conflict, NotAllowed, WorkflowError
from rexian.domain.guards import Context
from rexian.domain.org import Person
from rexian.service.verify import verify_database


def test_back_dating_from_the_shell_is_refused_and_nothing_is_written(tmp_path):
    db = f"sqlite:///{tmp_path / 'shell.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--db", db]).exit_code == 0
    runner.invoke(main, ["org", "load", "--db", db, str(ORG_FILE)])
    result = runner.invoke(main, ["do", "--db", db, "--as", "A01", "--at", "2020-01-01T09:00", "intake",
                                  "content=路灯不亮已经一周了没人修", "category=0101"])
    assert result.exit_code == 2 and "--at" in result.output
    assert "RX" not in result.output


def test_the_stored_time_is_the_servers_clock_read_when_the_command_commits(app):
    ticket_id = app.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101")).ticket_id
    before = app.clock()  # the test clock moves on at every reading: the command read it after the previous one
    app.handle(c.Dispatch(actor_id="P01", ticket_id=ticket_id, lead_unit_id="D02"))
    assert app.events(ticket_id)[-1]["at"] > before


def test_an_idempotency_key_reused_for_a_different_command_is_refused(app):
    first = app.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101",
                                idempotency_key="web-42"))
    assert app.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101",
                               idempotency_key="web-42")).replayed
    before = stored_counts(app)
    with pytest.raises(Conflict, match="幂等键"):
        app.handle(c.Intake(actor_id="A01", content="另一件事：井盖丢失", category="0101", idempotency_key="web-42"))
    with pytest.raises(Conflict, match="幂等键"):
        app.handle(c.Dispatch(actor_id="P01", ticket_id=first.ticket_id, lead_unit_id="D02",
                              idempotency_key="web-42"))
    assert stored_counts(app) == before


def _with_person(app, person: Person) -> Context:
    org = app.organisation()
    org = dataclasses.replace(org, people={**org.people, person.person_id: person})
    return Context(org=org, deadlines=app.deadlines, policy=app.policy, now=app.clock())


def test_a_handler_who_is_also_unit_leader_cannot_endorse_their_own_closure_request(app):
    tid = closure_requested(app)
    ticket = app.ticket(tid)
    two_hats = Person("H0201", "吴敏", "D02", frozenset({"handler", "unit_leader"}), None, True)
    request_id = ticket.pending("closure").request_id
    with pytest.raises(NotAllowed, match="职责分离"):
        decide(c.EndorseRequest(actor_id="H0201", ticket_id=tid, request_id=request_id), ticket,
               _with_person(app, two_hats))


def test_a_reviewer_cannot_visit_the_ticket_whose_closure_they_approved(app):
    tid = visit_pending(app)
    ticket = app.ticket(tid)
    two_hats = Person("R01", "陈慧", "C00", frozenset({"reviewer", "visitor"}), None, True)
    command = c.Visit(actor_id="R01", ticket_id=tid, resolved=True, satisfaction="satisfied", method="phone")
    with pytest.raises(NotAllowed, match="职责分离"):
        decide(command, ticket, _with_person(app, two_hats))
    relaxed = dataclasses.replace(_with_person(app, two_hats),
                                  policy=dataclasses.replace(app.policy, separation_of_duties=False))
    assert [event.action for event in decide(command, ticket, relaxed)] == ["Visited", "Closed"]


def test_a_handler_who_is_also_a_reviewer_cannot_review_their_own_closure(app):
    tid = closure_requested(app)
    request_id = endorsed(app, tid, "closure")
    ticket = app.ticket(tid)
    two_hats = Person("H0201", "吴敏", "C00", frozenset({"handler", "reviewer"}), None, True)
    with pytest.raises(NotAllowed, match="职责分离"):
        decide(c.ReviewClosure(actor_id="H0201", ticket_id=tid, request_id=request_id, approve=True), ticket,
               _with_person(app, two_hats))


def test_sixteen_first_of_the_day_intakes_at_once_all_get_distinct_numbers(app):
    outcomes, errors = [], []
    start = threading.Barrier(16)

    def intake(n):
        start.wait()
        try:
            outcomes.append(app.handle(c.Intake(actor_id="A01", content=f"第{n}位市民反映路灯不亮", category="0101")))
        except Exception as error:  # noqa: BLE001 - the test reports every failure
            errors.append(error)

    threads = [threading.Thread(target=intake, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len({outcome.ticket_id for outcome in outcomes}) == 16
    assert verify_database(app.engine).intact


def test_concurrent_writers_with_conflicts_and_rollbacks_leave_the_global_log_sequence_without_gaps(app):
    """Sixteen writers at once — intakes, and dispatches racing on the same tickets (some refused as conflicts,
    their transactions rolled back): the log numbers still run 1..N, so verify finds no gap."""
    tickets = [app.handle(c.Intake(actor_id="A01", content=f"第{n}号路灯不亮", category="0101")).ticket_id
               for n in range(4)]
    start, errors = threading.Barrier(16), []

    def write(n):
        start.wait()
        try:
            if n % 2:
                app.handle(c.Intake(actor_id="A01", content=f"第{n}位市民反映井盖丢失", category="0101"))
            else:
                app.handle(c.Dispatch(actor_id="P01", ticket_id=tickets[n % 4], lead_unit_id="D02"))
        except Exception as error:  # noqa: BLE001 - refusals and conflicts are expected, checked below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(error, WorkflowError) for error in errors), errors
    numbers = sorted(row[0] for table in ("events", "org_events") for row in sql(app, f"SELECT log_seq FROM {table}"))
    assert numbers == list(range(1, len(numbers) + 1))
    assert verify_database(app.engine).intact


def test_an_ordinary_command_on_a_database_never_initialised_says_so_and_creates_nothing(tmp_path):
    path = tmp_path / "fresh.db"
    result = CliRunner().invoke(main, ["do", "--db", f"sqlite:///{path}", "--as", "A01", "intake",
                                       "content=路灯不亮已经一周了没人修", "category=0101"])
    assert result.exit_code == 2 and "rexian init" in result.output
    assert not path.exists()


def test_a_busy_sqlite_is_retried_then_refused_with_a_clear_message(app, monkeypatch):
    calls = []

    def locked(command, at, along=None):
        calls.append(command)
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    monkeypatch.setattr(type(app), "BUSY_RETRIES", 2)
    monkeypatch.setattr("rexian.service.hotline.time.sleep", lambda seconds: None)
    monkeypatch.setattr(app, "_handle_once", locked)
    with pytest.raises(Conflict, match="数据库正忙"):
        app.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101"))
    assert len(calls) == 3


def test_role_refusals_still_hold(app):
    tid = visit_pending(app)
    with pytest.raises(NotAllowed):
        app.handle(c.Visit(actor_id="H0201", ticket_id=tid, resolved=True, satisfaction="satisfied", method="phone"))
    assert app.ticket(tid).status == "visit_pending"
