"""The workflow's decisions and refusals on `decide()` in memory: no database, milliseconds per test.

The storage contract (tests/storage) and the end-to-end workflow tests (tests/workflow) keep checking
that the service writes all or nothing; here the rules themselves are exercised directly.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from rexian.domain import commands as c
from rexian.domain.decide import DECISIONS, decide, execute
from rexian.domain.errors import DeadlinePassed, MissingField, NotAllowed, NotFound, WrongState
from rexian.domain.clues import Actor, decide_finding
from rexian.domain.guards import Context
from rexian.domain.model import Ticket
from rexian.domain.org import Organisation, Person
from rexian.domain.org_changes import plan_changes
from rexian.domain.policy import WorkflowPolicy
from rexian.domain.vocabulary import ROLES, TABLES

START = datetime(2026, 3, 2, 9, 0)  # a Monday


@pytest.fixture(scope="module")
def world():
    from rexian.settings import load_settings
    from rexian.calendar_files import load_calendar
    from rexian.demo.scripted import ORG_FILE
    from rexian.domain.deadlines import DeadlinePolicy
    from rexian.service.org_admin import read_org_file

    settings = load_settings(environ={})
    org = plan_changes(Organisation(), read_org_file(ORG_FILE)).organisation
    return org, DeadlinePolicy.from_settings(load_calendar(), settings), WorkflowPolicy.from_settings(settings)


class Desk:
    """One ticket and a clock: run commands through `decide`, as the service does, without storage."""

    def __init__(self, world, **policy):
        self.org, self.deadlines, base = world
        self.policy = replace(base, **policy)
        self.ticket = Ticket("RX1")
        self.now = START

    def ctx(self) -> Context:
        return Context(org=self.org, deadlines=self.deadlines, policy=self.policy, now=self.now)

    def run(self, command, minutes: int = 10):
        self.now += timedelta(minutes=minutes)
        return execute(command, self.ticket, self.ctx())

    def refuse(self, command, error, rule):
        before = (self.ticket.status, self.ticket.last_seq, self.ticket.head_hash)
        with pytest.raises(error) as raised:
            decide(command, self.ticket, self.ctx())
        assert raised.value.rule == rule
        assert (self.ticket.status, self.ticket.last_seq, self.ticket.head_hash) == before
        return raised.value

    def to_handling(self):
        self.run(c.Intake(actor_id="A01", content="小区门口饭店油烟直排，影响居民生活", category="0201"))
        self.run(c.Dispatch(actor_id="P01", ticket_id="RX1", lead_unit_id="D02"))
        self.run(c.SignFor(actor_id="H0201", ticket_id="RX1"))
        return self

    def request_id(self) -> str:
        [request_id] = self.ticket.requests
        return request_id


def test_a_ticket_lives_from_intake_to_handling_in_memory(world):
    desk = Desk(world).to_handling()
    assert desk.ticket.status == "handling" and desk.ticket.lead_unit_id == "D02" and desk.ticket.last_seq == 3


def test_a_handler_cannot_dispatch(world):
    desk = Desk(world)
    desk.run(c.Intake(actor_id="A01", content="小区门口饭店油烟直排，影响居民生活", category="0201"))
    desk.refuse(c.Dispatch(actor_id="H0201", ticket_id="RX1", lead_unit_id="D02"), NotAllowed, "dispatch.role")


def test_a_ticket_filed_without_a_category_is_dispatched_with_the_category_the_dispatcher_sets(world):
    desk = Desk(world)
    desk.run(c.Intake(actor_id=None, channel="web", content="楼下饭店油烟直排，每天晚上熏得开不了窗",
                      caller_phone="13812345678"))
    desk.refuse(c.Dispatch(actor_id="P01", ticket_id="RX1", lead_unit_id="D02"), MissingField,
                "dispatch.category_required")
    desk.refuse(c.Dispatch(actor_id="P01", ticket_id="RX1", lead_unit_id="D02", category="9999"), MissingField,
                "dispatch.category")
    [event] = desk.run(c.Dispatch(actor_id="P01", ticket_id="RX1", lead_unit_id="D02", category="0202"))
    assert event["payload"]["category"] == "0202" and desk.ticket.intake["category"] == "0202"
    days, _ = desk.org.deadline_days("0202")
    assert event["payload"]["due_at"] == desk.deadlines.handle_due(desk.now, "normal", days, None)


def test_dispatching_with_the_intakes_own_category_records_no_change(world):
    desk = Desk(world)
    desk.run(c.Intake(actor_id="A01", content="小区门口饭店油烟直排，影响居民生活", category="0201"))
    [event] = desk.run(c.Dispatch(actor_id="P01", ticket_id="RX1", lead_unit_id="D02", category="0201"))
    assert "category" not in event["payload"] and desk.ticket.intake["category"] == "0201"


def _visit_pending(world) -> "Desk":
    desk = Desk(world).to_handling()
    desk.run(c.RecordContact(actor_id="H0201", ticket_id="RX1", method="phone", summary="电话联系市民了解诉求"))
    desk.run(c.RequestClosure(actor_id="H0201", ticket_id="RX1", reply="已责令饭店安装油烟净化设备并复查达标"))
    desk.run(c.EndorseRequest(actor_id="L0201", ticket_id="RX1", request_id=desk.request_id()))
    desk.run(c.ReviewClosure(actor_id="R01", ticket_id="RX1", request_id=desk.request_id(), approve=True))
    return desk


def test_a_follow_up_call_that_does_not_reach_the_citizen_is_recorded_and_the_ticket_waits_for_the_next(world):
    desk = _visit_pending(world)
    [event] = desk.run(c.Visit(actor_id="V01", ticket_id="RX1", reached=False, note="无人接听"))
    assert event["action"] == "Visited" and event["payload"]["reached"] is False
    assert "satisfaction" not in event["payload"] and desk.ticket.status == "visit_pending"
    desk.refuse(c.Visit(actor_id="V01", ticket_id="RX1", satisfaction="satisfied"), MissingField,
                "visit.resolved_required")  # reached: the verdict is required
    events = desk.run(c.Visit(actor_id="V01", ticket_id="RX1", resolved=True, satisfaction="satisfied"))
    assert [e["action"] for e in events] == ["Visited", "Closed"] and "reached" not in events[0]["payload"]


def test_an_unknown_person_is_not_found(world):
    desk = Desk(world)
    desk.refuse(c.Intake(actor_id="NOBODY", content="路灯坏了很久没人修"), NotFound, "intake.unknown_person")


def test_a_handler_of_another_unit_cannot_sign_for(world):
    desk = Desk(world)
    desk.run(c.Intake(actor_id="A01", content="小区门口饭店油烟直排，影响居民生活", category="0201"))
    desk.run(c.Dispatch(actor_id="P01", ticket_id="RX1", lead_unit_id="D02"))
    desk.refuse(c.SignFor(actor_id="H0301", ticket_id="RX1"), NotAllowed, "sign_for.unit")


def test_signing_for_twice_is_the_wrong_state(world):
    desk = Desk(world).to_handling()
    desk.refuse(c.SignFor(actor_id="H0201", ticket_id="RX1"), WrongState, "sign_for.state")


def test_closure_without_any_citizen_contact_is_refused(world):
    desk = Desk(world).to_handling()
    desk.refuse(c.RequestClosure(actor_id="H0201", ticket_id="RX1", reply="已责令饭店安装油烟净化设备并复查达标"),
                MissingField, "closure.contact_required")


def test_a_return_after_its_window_is_refused(world):
    desk = Desk(world).to_handling()
    desk.now += timedelta(days=10)
    desk.refuse(c.RequestReturn(actor_id="H0201", ticket_id="RX1", reason="不属于本单位职责范围", basis="职责清单第3条"),
                DeadlinePassed, "return.window")


@pytest.mark.parametrize("approval", [True, False])
def test_the_policy_decides_whether_a_request_needs_the_unit_leader(world, approval):
    desk = Desk(world, unit_leader_approval=approval).to_handling()
    [event] = desk.run(c.RequestExtension(actor_id="H0201", ticket_id="RX1", reason="需要协调多个部门共同处理",
                                          requested_due_at=START + timedelta(days=30)))
    assert event["payload"]["needs_endorsement"] is approval
    assert desk.ticket.requests[desk.request_id()].stage == ("unit" if approval else "centre")


def test_the_policy_caps_the_extensions(world):
    desk = Desk(world, unit_leader_approval=False, max_extensions=1).to_handling()
    due = desk.ticket.due_at
    desk.run(c.RequestExtension(actor_id="H0201", ticket_id="RX1", reason="需要协调多个部门共同处理",
                                requested_due_at=due + timedelta(days=5)))
    desk.run(c.ReviewExtension(actor_id="R01", ticket_id="RX1", request_id=desk.request_id(), approve=True,
                               new_due_at=due + timedelta(days=5)))
    error = desk.refuse(c.RequestExtension(actor_id="H0201", ticket_id="RX1", reason="仍需协调多个部门处理",
                                           requested_due_at=due + timedelta(days=9)), NotAllowed, "extension.limit")
    assert "1次" in error.message


def test_every_command_declares_its_name_roles_scope_and_the_words_of_its_fields():
    import dataclasses

    for cls in (*DECISIONS, c.Merge):
        assert cls.zh and cls.scope and cls.roles and set(cls.roles) <= set(ROLES), cls.__name__
        fields = {f.name for f in dataclasses.fields(cls)}
        assert set(cls.choices) <= fields and set(cls.choices.values()) <= set(TABLES), cls.__name__


SUPERVISOR = Person("J01", "监督员甲", "C01", frozenset({"supervisor"}))
HANDLER = Person("H01", "承办人甲", "D02", frozenset({"handler"}))


def _actor(person: Person) -> Actor:
    return Actor(person.person_id, person.unit_id, person.roles)


def test_a_supervisor_confirms_a_new_finding_with_a_reason():
    event = decide_finding(_actor(SUPERVISOR), "new", "confirm", "  三次退单均无核实  ")
    assert event["action"] == "FindingConfirmed"
    assert event["payload"] == {"old_status": "new", "new_status": "confirmed", "reason": "三次退单均无核实"}


@pytest.mark.parametrize("decision, actor, status, reason, error, rule", [
    ("approve", SUPERVISOR, "new", "理由", MissingField, "finding.decision"),
    ("dismiss", SUPERVISOR, "new", "  ", MissingField, "finding.reason"),
    ("dismiss", HANDLER, "new", "理由", NotAllowed, "finding.supervisor_only"),
    ("dismiss", SUPERVISOR, "dismissed", "理由", WrongState, "finding.already_decided"),
])
def test_a_finding_decision_is_refused_when_it_cannot_stand(decision, actor, status, reason, error, rule):
    with pytest.raises(error) as raised:
        decide_finding(_actor(actor), status, decision, reason)
    assert raised.value.rule == rule
