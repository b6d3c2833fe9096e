"""The life of one ticket, played through the domain's own commands (`execute`), so every event is one
the workflow accepted and every hash chain is the domain's.

The lead unit's handler profile (profiles.py) decides what happens; the plan (plan.py) decides what the
citizen reports and which abuses are injected. Each abuse that actually happens in a ticket's life is
labelled in the ground truth, with the responsible unit and person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from rexian.domain import commands as c
from rexian.domain.decide import execute
from rexian.domain.errors import WorkflowError
from rexian.domain.guards import Context
from rexian.domain.model import Ticket
from rexian.simulate import texts
from rexian.simulate.plan import Spec, citizen, lead_for
from rexian.simulate.seal import fast_execute
from rexian.simulate.truth import FAMILY_KIND, truth_item
from rexian.simulate.world import World

OFFICE_OPEN, OFFICE_CLOSE = time(8, 30), time(17, 30)
# What the analyser's defaults call idle (DL-IDLE), forgotten (FF-NO-FOLLOW-UP), long open (DL-LONG-OPEN),
# a comeback (MS-SATISFIED-REPEAT), instant (FC-INSTANT): the truth labels the same behaviour.
IDLE, FORGOTTEN, LONG_OPEN, COMEBACK = timedelta(days=7), timedelta(days=5), timedelta(days=60), timedelta(days=30)
# Rounding two times to the nearest second changes their difference by less than a second: a pause shorter
# than this cannot be IDLE once rounded, so most steps skip the rounding.
_SURELY_NOT_IDLE = IDLE - timedelta(seconds=1)
INSTANT = timedelta(minutes=30)
# After these events the next step is the centre's (or nobody's), so a pause there is not the unit idling.
WAITING = {"ReturnRequested", "ClosureRequested", "ClosureApproved", "Closed", "DirectlyClosed", "Merged", "Visited"}


class Ended(Exception):
    """The simulated period is over: the ticket stays as it is."""


@dataclass
class LifeResult:
    ticket: Ticket
    records: list[dict]
    calls: list[dict] = field(default_factory=list)
    truth: list[dict] = field(default_factory=list)
    stalled: str | None = None  # a command the domain refused: the life stops there (a simulator bug)
    payload_texts: list[str] | None = None  # each record's payload as its file cell, when sealed fast


def live(world: World, spec: Spec) -> LifeResult:
    life = Life(world, spec)
    stalled = None
    try:
        life.run()
    except Ended:
        pass
    except WorkflowError as refusal:
        # Every event so far is valid (each command is all or nothing); keep the ticket as it stands and
        # report the refusal instead of losing a long run to one odd ticket.
        stalled = f"{spec.ticket_id}: {refusal}"
    life.finish()
    return LifeResult(life.ticket, life.ticket.new_events, life.calls, life.truth, stalled,
                      life.payload_texts if world.fast_seal else None)


class Life:
    def __init__(self, world: World, spec: Spec):
        self.w, self.spec = world, spec
        self.rng = random.Random(f"{world.seed}:life:{spec.index}")
        self.ticket = Ticket(ticket_id=spec.ticket_id)
        self.ctx = Context(org=world.city.organisation, deadlines=world.deadlines, policy=world.policy,
                           now=spec.received_at)
        self.now = spec.received_at
        self.place = world.places[spec.place]
        self.leaf_name = world.leaf_names[spec.leaf]
        self.correct = lead_for(world.city, spec.leaf, self.place)
        self.calls: list[dict] = []
        self.truth: list[dict] = []
        self.labels: set[str] = set()
        self.closer: str | None = None  # who asked for the (last) closure
        self.done_at = self.due_when_done = None  # when the unit asked to close, and its deadline then
        self.handled_as: str | None = None  # the profile the last handling followed
        self.orders: list[str] = []  # open supervision orders
        self.unfollowed: datetime | None = None  # when the unit forwarded without following up (so far)
        self.signed_at: datetime | None = None  # when the current lead unit signed for the ticket
        self.caller_id, self.caller_name, self.caller_phone = citizen(world.seed, spec.caller)
        self.payload_texts: list[str] = []  # filled by seal.fast_execute, one per event

    # --- mechanics ----------------------------------------------------------------------------------------
    def act(self, command: c.Command, at: datetime | None = None) -> list[dict]:
        at = at or self.now
        if at > self.w.end:
            raise Ended
        at = max(at, self.now)
        events = self.ticket.new_events
        if events and at - events[-1]["at"] >= _SURELY_NOT_IDLE and self.ticket.lead_unit_id is not None \
                and events[-1]["action"] not in WAITING \
                and nearest_second(at) - nearest_second(events[-1]["at"]) >= IDLE:
            self.label("idle", self.ticket.lead_unit_id, None, f"{(at - events[-1]['at']).days}天无办理动作")
        self.now = self.ctx.now = at
        if self.w.fast_seal:
            return fast_execute(command, self.ticket, self.ctx, payload_texts=self.payload_texts)
        return execute(command, self.ticket, self.ctx)

    def office(self, minutes_low: float, minutes_high: float) -> datetime:
        """A moment `minutes` after now, moved into the units' office hours."""
        if self.spec.urgency != "normal":  # urgent matters are handled round the clock, ten times faster
            return self.now + timedelta(minutes=self.rng.uniform(minutes_low, minutes_high) / 10)
        at = self.now + timedelta(minutes=self.rng.uniform(minutes_low, minutes_high))
        calendar, clock = self.w.calendar, at.time()
        working = calendar.is_working_day(at)
        if working and OFFICE_OPEN <= clock < OFFICE_CLOSE:
            return at
        day = at.date() if working and clock < OFFICE_OPEN else calendar.next_working_day(at)
        return datetime.combine(day, OFFICE_OPEN) + timedelta(minutes=self.rng.uniform(0, 240))

    def days(self, low: float, high: float) -> datetime:
        return self.office(low * 1440, high * 1440)

    def centre(self, minutes_low: float, minutes_high: float) -> datetime:
        """The centre works 08:00–20:00 every day for dispatch, review and visits."""
        at = self.now + timedelta(minutes=self.rng.uniform(minutes_low, minutes_high))
        if 8 <= at.hour < 20:
            return at
        day = at.date() + timedelta(days=1) if at.hour >= 20 else at.date()
        return datetime.combine(day, time(8)) + timedelta(minutes=self.rng.uniform(0, 90))

    def staff(self, role: str) -> str:
        return self.rng.choice(self.w.city.centre[role])

    def label(self, kind: str, unit_id: str | None, person_id: str | None, note: str,
              holds_from: datetime | None = None) -> None:
        """Label the ticket with one kind of abuse (once per kind; a definite label replaces a provisional
        one that holds only from some snapshot time)."""
        for i, item in enumerate(self.truth):
            if item["kind"] == kind:
                if "holds_from" in item and holds_from is None:
                    self.truth[i] = truth_item(kind, [self.spec.ticket_id], unit_id, person_id, note)
                return
        self.truth.append(truth_item(kind, [self.spec.ticket_id], unit_id, person_id, note, holds_from=holds_from))

    # --- the life -----------------------------------------------------------------------------------------
    def run(self) -> None:
        spec = self.spec
        if spec.kind in ("consultation", "suggestion", "praise"):
            content = texts.consultation(self.rng, self.leaf_name)
        else:
            content = texts.complaint(self.rng, spec.leaf, self.place.name, spec.shop, spec.variant)
        if spec.abuse:
            family, unit_id, person_id = spec.abuse
            who = self._who(family, unit_id, person_id)
            report = texts.abuse_report(self.rng, family, self.w.city.unit_name(unit_id), who, spec.shop)
            content = content[: 300 - len(report) - 1]
            content = content + ("" if content[-1] in "。！？!?" else "。") + report
            self.label(FAMILY_KIND[family], unit_id, person_id, f"市民反映{who}：{report[:40]}")
        self.act(c.Intake(actor_id=spec.agent_id, ticket_id=spec.ticket_id, content=content, channel=spec.channel,
                          category=spec.leaf, urgency=spec.urgency, kind=spec.kind,
                          title=texts.title(self.leaf_name, self.place.name), caller_id=self.caller_id,
                          caller_name=self.caller_name, caller_phone=self.caller_phone, area=self.place.area,
                          address=self.place.address, place_id=self.place.place_id, lon=self.place.lon,
                          lat=self.place.lat, call_id=spec.call_id), spec.received_at)
        if spec.kind in ("consultation", "suggestion", "praise") or (spec.kind == "request" and self.rng.random() < 0.3):
            agent = spec.agent_id or self.staff("agent")
            self.act(c.DirectClose(actor_id=agent, ticket_id=spec.ticket_id,
                                   answer=texts.consult_answer(self.rng, self.leaf_name)),
                     self.now + timedelta(minutes=self.rng.uniform(0.5, 4)))
            return
        lead = spec.wrong_unit if spec.wrong_unit and spec.wrong_unit != self.correct else self.correct
        self.act(c.Dispatch(actor_id=self.staff("dispatcher"), ticket_id=spec.ticket_id, lead_unit_id=lead),
                 self.centre(3, 90))
        while True:
            outcome = self.unit_round()
            if outcome != "returned":
                break
        if outcome == "approved":
            self.visits()

    def _who(self, family: str, unit_id: str, person_id: str) -> str:
        surname = self.w.city.person_name(person_id)[0]
        if person_id.startswith("L"):
            return f"{surname}书记" if unit_id.startswith("M") else f"{surname}主任"
        return f"姓{surname}的工作人员" if family != "graft" else f"{surname}科长"

    def unit_round(self) -> str:
        """What the current lead unit does with the ticket: 'returned', 'approved' (closed, awaiting the
        visit) or 'open' (still open when the period ends or handling gave up)."""
        ticket, unit = self.ticket, self.ticket.lead_unit_id
        handler = self.rng.choice(self.w.city.handlers[unit])
        profile = self.w.handler_profiles.get(handler, "diligent") if self.rng.random() < 0.85 else "diligent"
        if unit != self.correct and ticket.status == "dispatched":
            return self.legitimate_return(handler, profile)
        if profile == "buck_passer" and ticket.status == "dispatched" and ticket.returns < 4 and self.rng.random() < 0.8:
            if self.buck_pass(handler):
                return "returned"
            profile = "slow" if self.rng.random() < 0.5 else "diligent"
        return "approved" if self.work(handler, profile) else "open"

    def legitimate_return(self, handler: str, profile: str) -> str:
        tid, unit = self.spec.ticket_id, self.ticket.lead_unit_id
        if self.now >= self.ticket.return_due_at - timedelta(minutes=70):
            return "approved" if self.work(handler, profile) else "open"  # too late to return: handle it
        when = self.office(20, 600)
        if when > self.ticket.return_due_at:
            when = self.ticket.return_due_at - timedelta(minutes=self.rng.uniform(5, 60))
        if profile != "buck_passer":
            self.act(c.RecordContact(actor_id=handler, ticket_id=tid, method="phone",
                                     summary="电话联系市民核实诉求内容及地点"), when)
        else:
            self.label("return_without_verification", unit, handler,
                       f"{self.w.city.unit_name(unit)}未联系市民、未到现场即申请退单")
        target = self.correct
        leads = self.leads()
        if len(leads) >= 2 and leads[-2] == self.correct and self.rng.random() < 0.25:
            # Passed on sideways to a third unit that is no more responsible: it will send the ticket back
            # to where it started (A -> B -> C -> A).
            target = self.rng.choice([u for u in self.w.departments if u not in leads and u != self.correct])
        target_name = self.w.city.unit_name(target)
        self.act(c.RequestReturn(actor_id=handler, ticket_id=tid,
                                 reason=f"经核实，该诉求属{self.leaf_name}问题，不属于我单位职责范围",
                                 basis=f"职责清单{self.spec.leaf}条：{self.leaf_name}由{target_name}主办",
                                 suggested_unit_id=target), max(when, self.now) + timedelta(minutes=5))
        self.endorse(unit, "return")
        request = self.ticket.pending("return")
        self.act(c.ReviewReturn(actor_id=self.staff("reviewer"), ticket_id=tid, request_id=request.request_id,
                                approve=True, new_lead_unit_id=target, reason="同意退单并改派"),
                 self.centre(20, 240))
        return "returned"

    def buck_pass(self, handler: str) -> bool:
        """Ask to return without checking anything; the centre approves some (to another unit) and rejects
        the rest. Returns whether the return was approved."""
        tid, unit = self.spec.ticket_id, self.ticket.lead_unit_id
        others = [u for u in (self.place.street_id, self.rng.choice(self.w.departments)) if u != unit]
        suggested = self.rng.choice(others)
        when = min(self.office(10, 180), self.ticket.return_due_at)
        self.act(c.RequestReturn(actor_id=handler, ticket_id=tid,
                                 reason=self.rng.choice(("该事项不属于我单位职责", "非我单位管辖范围，请改派",
                                                         "此事应由属地负责处理", "我单位无执法权限")),
                                 basis=self.rng.choice(("根据三定方案", "按照部门职责分工", "属地管理原则",
                                                        "相关法律法规规定")), suggested_unit_id=suggested), when)
        self.endorse(unit, "return")
        request = self.ticket.pending("return")
        approve = self.rng.random() < 0.5
        self.act(c.ReviewReturn(actor_id=self.staff("reviewer"), ticket_id=tid, request_id=request.request_id,
                                approve=approve, new_lead_unit_id=suggested if approve else None,
                                reason="同意改派" if approve else "该事项属你单位职责，请认真办理"), self.centre(30, 300))
        self.label("return_without_verification", unit, handler, f"{self.w.city.unit_name(unit)}未核实即申请退单（"
                   f"{'审核通过改派' if approve else '被中心驳回'}）")
        if not approve:
            self.label("return_rejected", unit, handler, f"{self.w.city.unit_name(unit)}的退单申请被中心驳回")
        return approve

    def leads(self) -> list[str]:
        """The lead units the ticket has been dispatched to, in order."""
        return [r["payload"].get("lead_unit_id") or r.get("target_unit_id") for r in self.ticket.new_events
                if r["action"] == "Dispatched"]

    def endorse(self, unit: str, kind: str) -> None:
        request = self.ticket.pending(kind)
        if request is not None and request.stage == "unit":
            self.act(c.EndorseRequest(actor_id=self.w.city.leaders[unit], ticket_id=self.spec.ticket_id,
                                      request_id=request.request_id), self.office(5, 120))

    # --- handling -----------------------------------------------------------------------------------------
    def work(self, handler: str, profile: str) -> bool:
        """Handle until a closure is approved (True) or the ticket is left open (False)."""
        from rexian.simulate.handling import handle_once

        for _attempt in range(4):
            if handle_once(self, handler, profile):
                return True
            if self.ticket.status not in ("handling", "dispatched"):
                return False
            profile = "diligent" if self.rng.random() < 0.7 else profile
        return False

    def visits(self) -> None:
        from rexian.simulate.handling import visit_outcome

        for number in range(1, 7):
            if self.ticket.status != "visit_pending":
                return
            visitor = self.staff("visitor")
            at = self.centre(120, 3 * 1440)
            resolved, satisfaction = visit_outcome(self, number, at)
            call_id = None
            if self.spec.fake_visit and number == 1:
                self.label("visit_without_call", self.ticket.lead_unit_id, visitor,
                           "回访记录为满意，但没有回访通话记录")
                if self.comes_back(at):
                    self.label("satisfied_then_repeat", self.ticket.lead_unit_id, self.closer,
                               "回访记录为满意，但同一诉求一个月内再次来电")
            else:
                call_id = f"{self.spec.ticket_id}V{number}"
                talk = timedelta(seconds=self.rng.uniform(40, 240))
                ring = at - talk - timedelta(seconds=self.rng.uniform(5, 25))
                self.calls.append({"call_id": call_id, "caller_phone": self.caller_phone, "queue": "回访",
                                   "agent_id": visitor, "ring_at": ring, "answer_at": at - talk, "end_at": at,
                                   "abandoned": False, "ticket_id": self.spec.ticket_id, "direction": "out"})
            self.act(c.Visit(actor_id=visitor, ticket_id=self.spec.ticket_id, resolved=resolved,
                             satisfaction=satisfaction, method="phone", call_id=call_id,
                             note="市民表示问题已解决" if resolved else "市民表示问题仍未解决"), at)
            if not resolved:
                self.label("closed_unresolved", self.ticket.lead_unit_id, self.closer, "办结后回访未解决")
            if satisfaction == "unsatisfied":
                self.label("unsatisfied_visit", self.ticket.lead_unit_id, self.closer, "回访不满意")
            if self.ticket.status == "handling":
                handler = self.closer if self.closer in self.w.city.handlers.get(self.ticket.lead_unit_id, ()) \
                    else self.rng.choice(self.w.city.handlers[self.ticket.lead_unit_id])
                profile = "diligent" if self.rng.random() < 0.6 else self.w.handler_profiles.get(handler, "diligent")
                if not self.work(handler, profile):
                    return

    def comes_back(self, closed_at: datetime) -> bool:
        """Is the same matter reported again within a month of `closed_at`?"""
        start = nearest_second(closed_at)
        return any(start < nearest_second(at) <= start + COMEBACK for at in self.spec.later_reports)

    def finish(self) -> None:
        """Label what the whole life shows: repeated returns, ping-pong and cycles between units, repeated
        extensions and rejected closures, and (holding from the snapshot time on) tickets left overdue,
        idle, forgotten after forwarding or open for months."""
        ticket, records = self.ticket, self.ticket.new_events
        if ticket.lead_unit_id is None:
            return
        unit = ticket.lead_unit_id
        leads = self.leads()
        actions = [r["action"] for r in records]
        if actions.count("ReturnRequested") >= 3:
            self.label("repeated_returns", unit, None, f"退单{actions.count('ReturnRequested')}次")
        if any(leads[i] == leads[i - 2] != leads[i - 1] for i in range(2, len(leads))):
            self.label("return_pingpong", unit, None, "→".join(leads))
        if any(leads[i] == leads[i - 3] and len({leads[i - 2], leads[i - 1], leads[i]}) == 3
               for i in range(3, len(leads))):
            self.label("return_cycle", unit, None, "→".join(leads))
        if actions.count("ExtensionRequested") >= 3:
            self.label("repeated_extensions", unit, None, f"申请延期{actions.count('ExtensionRequested')}次")
        if actions.count("ClosureRejected") >= 2:
            self.label("closures_rejected", unit, self.closer, f"办结申请被驳回{actions.count('ClosureRejected')}次")
        if ticket.status == "closed":
            return
        person = self.closer or self.w.city.leaders[unit]
        last = records[-1]
        self.label("long_open", unit, person, "超过60天未办结",
                   holds_from=nearest_second(self.spec.received_at) + LONG_OPEN)
        if last["action"] not in WAITING:
            self.label("idle", unit, person, "至统计时点无办理动作", holds_from=nearest_second(last["at"]) + IDLE)
        if self.unfollowed is not None:
            self.label("forward_no_follow_up", unit, person, "下派后未跟踪督促",
                       holds_from=nearest_second(self.unfollowed) + FORGOTTEN)
        if ticket.status not in ("closure_review", "visit_pending") and ticket.due_at is not None:
            # the analyser compares whole seconds of the snapshot and the deadline (both cut, not rounded)
            self.label("overdue", unit, person, "超期未办结",
                       holds_from=ticket.due_at.replace(microsecond=0) + timedelta(seconds=1))


def nearest_second(at: datetime) -> datetime:
    """A time to the nearest second, as the analyser compares times (epoch seconds, rounded)."""
    return (at + timedelta(microseconds=500000)).replace(microsecond=0)
