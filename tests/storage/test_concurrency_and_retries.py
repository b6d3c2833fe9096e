"""Two people acting on the same ticket at once: one succeeds, the other gets a conflict, and nothing is
lost or duplicated. A retried command with the same idempotency key does not act twice."""

import threading

import pytest
from support.workflow_steps import handling, stored_counts

from rexian.adapters.repository import TicketRepository
from rexian.domain import commands as c
from rexian.domain.errors import Conflict


def race(app, commands, monkeypatch):
    """Run `commands` in parallel threads that all load the ticket before any of them writes."""
    barrier = threading.Barrier(len(commands), timeout=20)
    original_get = TicketRepository.get

    def get_then_wait(self, ticket_id):
        ticket = original_get(self, ticket_id)
        barrier.wait()
        return ticket

    monkeypatch.setattr(TicketRepository, "get", get_then_wait)
    results = [None] * len(commands)

    def run(index):
        try:
            results[index] = app.handle(commands[index])
        except Exception as error:  # collected and asserted on by the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    monkeypatch.undo()
    return results


@pytest.mark.postgres
def test_two_concurrent_commands_on_one_ticket_give_one_success_and_one_conflict(make_app, postgres_url,
                                                                                  monkeypatch):
    app = make_app(postgres_url)
    tid = handling(app)
    before = len(app.events(tid))
    results = race(app, [
        c.NoteProgress(actor_id="H0201", ticket_id=tid, note="执法人员已到现场核查"),
        c.Reply(actor_id="H0201", ticket_id=tid, reply="已安排执法人员明天上午到现场检查。"),
    ], monkeypatch)
    conflicts = [r for r in results if isinstance(r, Conflict)]
    successes = [r for r in results if not isinstance(r, Exception)]
    assert len(conflicts) == 1 and len(successes) == 1, results
    events = app.events(tid)
    assert len(events) == before + 1
    assert [e["seq"] for e in events] == list(range(1, before + 2))
    assert app.ticket(tid).version == before + 1


@pytest.mark.postgres
def test_two_concurrent_reviews_of_one_request_never_both_act(make_app, postgres_url, monkeypatch):
    app = make_app(postgres_url, unit_leader_approval=False)
    tid = handling(app)
    app.handle(c.RequestReturn(actor_id="H0201", ticket_id=tid, reason="不属于本单位职责范围", basis="职责清单"))
    request_id = app.ticket(tid).pending("return").request_id
    results = race(app, [
        c.ReviewReturn(actor_id="R01", ticket_id=tid, request_id=request_id, approve=True, new_lead_unit_id="D06"),
        c.ReviewReturn(actor_id="R01", ticket_id=tid, request_id=request_id, approve=False, reason="驳回退单"),
    ], monkeypatch)
    assert sum(isinstance(r, Conflict) for r in results) == 1
    decisions = [e["action"] for e in app.events(tid) if e["action"] in ("ReturnApproved", "ReturnRejected")]
    assert len(decisions) == 1


def test_concurrent_commands_on_sqlite_are_serialised_without_loss(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'race.db'}")
    tid = handling(app)
    notes = [c.NoteProgress(actor_id="H0201", ticket_id=tid, note=f"第{i}次现场核查记录") for i in range(6)]
    threads = [threading.Thread(target=app.handle, args=(note,)) for note in notes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    events = app.events(tid)
    assert sum(e["action"] == "ProgressNoted" for e in events) == 6
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))


def test_a_retried_command_with_the_same_key_acts_once(app):
    tid = handling(app)
    command = c.NoteProgress(actor_id="H0201", ticket_id=tid, note="执法人员已到现场核查", idempotency_key="k-1")
    first = app.handle(command)
    before = stored_counts(app)
    second = app.handle(command)
    assert stored_counts(app) == before
    assert second.replayed and not first.replayed
    assert second.events == first.events


def test_a_retried_intake_does_not_create_a_second_ticket(app):
    command = c.Intake(actor_id="A01", content="路灯坏了一个星期没人修", category="0101", idempotency_key="call-77")
    first = app.handle(command)
    second = app.handle(command)
    assert first.ticket_id == second.ticket_id
    assert stored_counts(app)[1] == 1


@pytest.mark.postgres
def test_the_same_key_sent_twice_at_once_acts_once(make_app, postgres_url, monkeypatch):
    app = make_app(postgres_url)
    tid = handling(app)
    before = len(app.events(tid))
    command = c.NoteProgress(actor_id="H0201", ticket_id=tid, note="执法人员已到现场核查", idempotency_key="k-2")
    results = race(app, [command, command], monkeypatch)
    assert len(app.events(tid)) == before + 1
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(r.replayed for r in results) == [False, True]
