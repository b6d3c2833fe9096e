"""What the workflow offers a person on a ticket (`rexian.domain.offers`) is exactly what it accepts.

Over tickets in many states, every person of the demo organisation and every ticket command, in memory:
a command is offered if and only if some properly filled-in version of it is accepted by `decide` — so an
offered action never fails for a reason the person could not fix by filling in the form, and no command the
workflow would accept is missing. The fills are made here, independently of the code under test: every
unit for a unit field, each of the ticket's requests, orders and forwards, both answers to yes/no fields.
"""

from __future__ import annotations

import dataclasses
import itertools
import typing
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from rexian.domain import commands as c
from rexian.domain import reviews
from rexian.domain.decide import decide, execute
from rexian.domain.errors import WorkflowError
from rexian.domain.guards import Context
from rexian.domain.model import Ticket
from rexian.domain.offers import accepted_values, accepts, offers
from rexian.domain.org import Organisation, Person
from rexian.domain.org_changes import plan_changes
from rexian.domain.policy import WorkflowPolicy

START = datetime(2026, 3, 2, 9, 0)  # a Monday
TEXT = "经现场核查，已按要求处理完毕，并已电话告知市民结果。"
TICKET_COMMANDS = [command for command in (
    c.DirectClose, c.Dispatch, c.SignFor, c.Forward, c.HandOver, c.ReportForward, c.NoteProgress,
    c.RecordContact, c.Remind, c.Reply, c.RequestReturn, c.RequestExtension, c.RequestClosure,
    c.EndorseRequest, c.ReviewReturn, c.ReviewExtension, c.ReviewClosure, c.Visit, c.Reopen,
    c.IssueSupervision, c.RespondSupervision, c.CloseSupervision, c.Merge)]


@pytest.fixture(scope="module")
def world():
    from rexian.calendar_files import load_calendar
    from rexian.demo.scripted import ORG_FILE
    from rexian.domain.deadlines import DeadlinePolicy
    from rexian.service.org_admin import read_org_file
    from rexian.settings import load_settings

    settings = load_settings(environ={})
    org = plan_changes(Organisation(), read_org_file(ORG_FILE)).organisation
    # People holding two roles, so that separation of duties has someone to refuse.
    org.people["RV01"] = Person("RV01", "钱审访", "C00", frozenset({"reviewer", "visitor"}))
    org.people["HL02"] = Person("HL02", "孙办批", "D02", frozenset({"handler", "unit_leader"}))
    return org, DeadlinePolicy.from_settings(load_calendar(), settings), WorkflowPolicy.from_settings(settings)


class Desk:
    def __init__(self, world, ticket_id="RX1", **policy):
        self.org, self.deadlines, base = world
        self.policy = replace(base, **policy)
        self.ticket = Ticket(ticket_id)
        self.now = START

    def ctx(self) -> Context:
        return Context(org=self.org, deadlines=self.deadlines, policy=self.policy, now=self.now)

    def run(self, command_type, actor, minutes=10, **fields):
        self.now += timedelta(minutes=minutes)
        execute(command_type(actor_id=actor, ticket_id=self.ticket.ticket_id, **fields), self.ticket, self.ctx())
        return self

    def intake(self, category="0201", kind="complaint"):
        self.now += timedelta(minutes=10)
        execute(c.Intake(actor_id="A01", ticket_id=self.ticket.ticket_id, content="小区门口饭店油烟直排，影响居民生活",
                         category=category, kind=kind), self.ticket, self.ctx())
        return self

    def dispatched(self, lead="D02"):
        return self.intake().run(c.Dispatch, "P01", lead_unit_id=lead)

    def handling(self, lead="D02", handler="H0201"):
        return self.dispatched(lead).run(c.SignFor, handler)

    def contacted(self, lead="D02", handler="H0201"):
        return self.handling(lead, handler).run(c.RecordContact, handler, method="phone", summary="电话联系市民了解诉求")

    def request(self, kind):
        return next(r.request_id for r in self.ticket.requests.values() if r.kind == kind)

    def closure_requested(self):
        return self.contacted().run(c.RequestClosure, "H0201", reply=TEXT)

    def closure_endorsed(self):
        desk = self.closure_requested()
        return desk.run(c.EndorseRequest, "L0201", request_id=desk.request("closure"))

    def visit_pending(self):
        desk = self.closure_endorsed()
        return desk.run(c.ReviewClosure, "R01", request_id=desk.request("closure"), approve=True)


def histories(world) -> dict[str, Desk]:
    d = lambda **policy: Desk(world, **policy)  # noqa: E731
    found = {
        "received": d().intake(),
        "received, a consultation": d().intake(kind="consultation"),
        "received, no category": d().intake(category=None),
        "dispatched": d().dispatched(),
        "dispatched to a street office": d().dispatched("S01"),
        "handling": d().handling(),
        "handling, contacted": d().contacted(),
        "handling at a street office, forwarded down": d().handling("S01", "HS01").run(
            c.Forward, "HS01", to_unit_id="M01", note="请社区核实处理"),
        "return requested": d().handling().run(c.RequestReturn, "H0201", reason="不属于本单位职责范围",
                                               basis="职责清单第三条"),
        "extension requested": d().handling().run(c.RequestExtension, "H0201", reason="需要协调多个部门共同处理",
                                                  requested_due_at=START + timedelta(days=30)),
        "closure requested": d().closure_requested(),
        "closure endorsed": d().closure_endorsed(),
        "closure requested, no leader's approval needed": d(unit_leader_approval=False).closure_requested(),
        "visit pending": d().visit_pending(),
        "closed": d().visit_pending().run(c.Visit, "V01", resolved=True, satisfaction="satisfied"),
        "handling, under supervision": d().handling().run(
            c.IssueSupervision, "J01", batch="2026年第3期", reason="群众反映强烈", due_at=START + timedelta(days=9)),
        "past every deadline": d().handling(),
    }
    reported = Desk(world).handling("S01", "HS01").run(c.Forward, "HS01", to_unit_id="M01", note="请社区核实处理")
    found["a forward reported"] = reported.run(c.ReportForward, "HM01", forward_id=next(iter(reported.ticket.forwards)),
                                               result="已上门核实并协调整改")
    answered = Desk(world).handling().run(
        c.IssueSupervision, "J01", batch="2026年第3期", reason="群众反映强烈", due_at=START + timedelta(days=9))
    found["supervision answered"] = answered.run(c.RespondSupervision, "H0201", response="已安排专人跟进整改",
                                                 order_id=next(iter(answered.ticket.orders)))
    endorsed = Desk(world).handling().run(c.RequestReturn, "H0201", reason="不属于本单位职责范围", basis="职责清单第三条")
    found["return endorsed"] = endorsed.run(c.EndorseRequest, "L0201", request_id=endorsed.request("return"))
    by_two_roles = Desk(world).contacted(handler="HL02").run(c.RequestClosure, "HL02", reply=TEXT)
    found["closure requested by a handler who also leads the unit"] = by_two_roles
    reviewed = Desk(world).closure_endorsed()
    found["closure approved by a reviewer who also makes visits"] = reviewed.run(
        c.ReviewClosure, "RV01", request_id=reviewed.request("closure"), approve=True)
    found["past every deadline"].now += timedelta(days=60)
    return found


def masters(world) -> list[Ticket]:
    """Tickets a duplicate could be merged into: one not yet dispatched, one a department handles."""
    return [Desk(world, ticket_id="RX8").intake().ticket, Desk(world, ticket_id="RX9").handling().ticket]


def fills(command_type, desk: Desk, masters: list[Ticket]) -> typing.Iterator[dict]:
    """Properly filled-in versions of a command on this ticket (made without asking the code under test)."""
    ticket, org = desk.ticket, desk.org
    units = list(org.units)
    options: dict[str, list] = {}
    for f in dataclasses.fields(command_type):
        name = f.name
        optional = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        if name in ("actor_id", "idempotency_key", "ticket_id"):
            continue
        if name.endswith("unit_id"):
            options[name] = units + ([None] if optional else [])
        elif name == "request_id":
            options[name] = list(ticket.requests)
        elif name == "order_id":
            options[name] = list(ticket.orders)
        elif name == "forward_id":
            options[name] = list(ticket.forwards)
        elif name in ("approve", "resolved", "reached"):
            options[name] = [True, False]
        elif name == "satisfaction":
            options[name] = ["satisfied", "unsatisfied"]
        elif name == "method":
            options[name] = ["phone"]
        elif name == "kind":
            options[name] = ["progress"]
        elif name in ("requested_due_at", "new_due_at", "due_at"):
            options[name] = [(ticket.due_at or desk.now) + timedelta(days=20) if name != "due_at"
                             else desk.now + timedelta(days=5)]
        elif name == "batch":
            options[name] = ["2026年第3期"]
        elif name == "category":
            options[name] = [None, "0202"]  # the intake's own (if any), or one the dispatcher sets
        elif name == "master_ticket_id":
            options[name] = [master.ticket_id for master in masters]
        elif name in ("assisting_unit_ids", "attachments", "evidence"):
            options[name] = [()]
        else:
            options[name] = [TEXT]
    names = list(options)
    for values in itertools.product(*(options[name] for name in names)):
        yield dict(zip(names, values))


def accepted_fill(command_type, desk: Desk, actor: str, masters: list[Ticket], **fixed) -> bool:
    for fill in fills(command_type, desk, masters):
        if any(fill.get(name) != value for name, value in fixed.items()):
            continue
        command = command_type(actor_id=actor, ticket_id=desk.ticket.ticket_id, **fill)
        try:
            if command_type is c.Merge:
                master = next(m for m in masters if m.ticket_id == fill["master_ticket_id"])
                reviews.merge(command, desk.ticket, master, desk.ctx())
            else:
                decide(command, desk.ticket, desk.ctx())
        except WorkflowError:
            continue
        return True
    return False


def test_every_command_offered_is_accepted_when_filled_in_and_none_accepted_is_left_out(world):
    master = masters(world)
    checked = offered_total = 0
    for state, desk in histories(world).items():
        for actor in desk.org.people:
            found = {offer.command: offer for offer in offers(desk.ticket, desk.ctx(), actor, TICKET_COMMANDS)}
            for command_type in TICKET_COMMANDS:
                expected = accepted_fill(command_type, desk, actor, master)
                assert (command_type in found) == expected, (state, actor, command_type.__name__, expected)
                checked += 1
                offered_total += expected
                for name, ids in (found[command_type].choices.items() if command_type in found else ()):
                    everything = getattr(desk.ticket, {"request_id": "requests", "order_id": "orders",
                                                       "forward_id": "forwards"}[name])
                    assert set(ids) == {key for key in everything
                                        if accepted_fill(command_type, desk, actor, master, **{name: key})}, \
                        (state, actor, command_type.__name__, name)
    assert checked > 5000 and offered_total > 100  # the cross-check did cover something on both sides


@pytest.mark.parametrize("command_type, unit_field", [
    (c.Dispatch, "lead_unit_id"), (c.Forward, "to_unit_id"), (c.HandOver, "to_unit_id")])
def test_the_units_offered_for_a_unit_field_are_those_the_workflow_accepts(world, command_type, unit_field):
    desks = histories(world)
    cases = {c.Dispatch: [("received", "P01")],
             c.Forward: [("handling at a street office, forwarded down", "HS01"), ("handling", "H0201")],
             c.HandOver: [("handling", "H0201"), ("dispatched to a street office", "HS01")]}[command_type]
    master = masters(world)
    for state, actor in cases:
        desk = desks[state]
        units = list(desk.org.units)
        offered = set(accepted_values(command_type, desk.ticket, desk.ctx(), actor, unit_field, units))
        assert offered == {u for u in units if accepted_fill(command_type, desk, actor, master, **{unit_field: u})}
        assert "C00" not in offered  # never the hotline centre


def test_a_handler_is_not_offered_sign_for_on_a_ticket_already_signed_for(world):
    desk = histories(world)["handling"]
    names = {offer.command for offer in offers(desk.ticket, desk.ctx(), "H0201", TICKET_COMMANDS)}
    assert c.SignFor not in names
    assert {c.RecordContact, c.Reply, c.RequestReturn, c.RequestExtension} <= names
    refusal = accepts(c.SignFor, desk.ticket, desk.ctx(), "H0201")
    assert refusal is not None and refusal.rule == "sign_for.state"


def test_asking_what_is_offered_changes_nothing_on_the_ticket(world):
    desk = histories(world)["closure endorsed"]
    before = (desk.ticket.status, desk.ticket.last_seq, desk.ticket.head_hash, dict(desk.ticket.requests))
    for actor in desk.org.people:
        offers(desk.ticket, desk.ctx(), actor, TICKET_COMMANDS)
    assert (desk.ticket.status, desk.ticket.last_seq, desk.ticket.head_hash, dict(desk.ticket.requests)) == before
