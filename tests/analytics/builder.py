"""A small builder of hand-written event logs for the rule fixtures.

Each step appends one event (docs/events.md) one hour after the previous one unless `after_hours` says
otherwise. People are named after their unit: `U1-h` is the handler of unit `U1`, `U1-l` its leader.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from rexian.analytics.config import load_config
from rexian.analytics.engine import run_rule
from rexian.analytics.registry import all_rules
from rexian.analytics.tables import from_frames

START = datetime(2026, 3, 2, 9, 0)


class Log:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.status: list[dict[str, Any]] = []
        self._request = 0

    def ticket(self, ticket_id: str, at: datetime | None = None, **received: Any) -> "Ticket":
        return Ticket(self, ticket_id, at or START, received)

    def call(self, call_id: str, agent_id: str | None, ring_at: datetime, wait_seconds: float | None = 5,
             talk_minutes: float = 3, direction: str = "in", ticket_id: str | None = None) -> "Log":
        answer = ring_at + timedelta(seconds=wait_seconds) if wait_seconds is not None else None
        end = (answer or ring_at + timedelta(seconds=40)) + timedelta(minutes=talk_minutes if answer else 0)
        self.calls.append({"call_id": call_id, "caller_phone": "13800000000", "queue": "main", "agent_id": agent_id,
                           "ring_at": ring_at, "answer_at": answer, "end_at": end, "abandoned": answer is None,
                           "ticket_id": ticket_id, "direction": direction})
        return self

    def seat(self, agent_id: str, status: str, start: datetime, minutes: float) -> "Log":
        self.status.append({"agent_id": agent_id, "status": status, "start_at": start,
                            "end_at": start + timedelta(minutes=minutes)})
        return self

    def next_request(self) -> str:
        self._request += 1
        return f"R{self._request}"

    def data(self, as_of: datetime | None = None):
        events = pd.DataFrame(self.events)
        calls = pd.DataFrame(self.calls) if self.calls else None
        status = pd.DataFrame(self.status) if self.status else None
        return from_frames(events, calls=calls, agent_status=status, as_of=as_of)

    def findings(self, rule_id: str, as_of: datetime | None = None, **params: Any):
        config = load_config()
        config["rules"][rule_id] = {**(config["rules"].get(rule_id) or {}), **params}
        return run_rule(all_rules()[rule_id], self.data(as_of), config)


class Ticket:
    def __init__(self, log: Log, ticket_id: str, at: datetime, received: dict[str, Any]):
        self.log, self.ticket_id, self.now, self.seq = log, ticket_id, at - timedelta(hours=1), 0
        payload = {"channel": "phone", "caller_id": "C1", "area": "A1", "place_id": "P1", "title": "噪音",
                   "content": "小区楼下烧烤店夜间噪音扰民，影响休息", "category": "noise", "urgency": "normal",
                   "kind": "complaint"}
        payload.update(received)
        self.add("TicketReceived", "agent1", "CENTRE", **payload)

    def add(self, action: str, actor: str | None, unit: str | None, target: str | None = None,
            after_hours: float = 1, **payload: Any) -> "Ticket":
        self.now += timedelta(hours=after_hours)
        self.seq += 1
        self.log.events.append({
            "ticket_id": self.ticket_id, "seq": self.seq, "at": self.now, "action": action, "actor_id": actor,
            "actor_unit_id": unit, "target_unit_id": target,
            "payload": json.dumps(payload, ensure_ascii=False, default=str), "source": "rexian",
            "prev_hash": "", "hash": "",
        })
        return self

    # -- the workflow steps -------------------------------------------------------------------------
    def dispatch(self, unit: str, due_days: float = 5, redispatch: bool = False, **kw: Any) -> "Ticket":
        return self.add("Dispatched", "disp1", "CENTRE", unit, lead_unit_id=unit, assisting_unit_ids=[],
                        sign_due_at=self.now + timedelta(hours=3), due_at=self.now + timedelta(days=due_days),
                        redispatch=redispatch, **kw)

    def sign(self, unit: str, **kw: Any) -> "Ticket":
        return self.add("SignedFor", f"{unit}-h", unit, **kw)

    def contact(self, unit: str, **kw: Any) -> "Ticket":
        return self.add("CitizenContacted", f"{unit}-h", unit, method="phone", summary="已电话联系市民", **kw)

    def progress(self, unit: str, kind: str = "progress", **kw: Any) -> "Ticket":
        return self.add("ProgressNoted", f"{unit}-h", unit, kind=kind, note="已到现场核实", **kw)

    def forward(self, unit: str, to: str, **kw: Any) -> "Ticket":
        return self.add("Forwarded", f"{unit}-h", unit, to, forward_id=f"F{self.seq}", note="请核实处理", **kw)

    def hand_over(self, unit: str, to: str, person: str | None = None, **kw: Any) -> "Ticket":
        """转办: `unit` hands the ticket sideways to the peer unit `to`, which becomes the lead unit."""
        return self.add("HandedOver", person or f"{unit}-h", unit, to, reason="属于对方职责，平级移交", from_unit_id=unit,
                        notified_unit_ids=["CENTRE"], **kw)

    def forward_report(self, unit: str, to: str, **kw: Any) -> "Ticket":
        return self.add("ForwardReported", f"{unit}-h", unit, to, forward_id="F", result="已处理", **kw)

    def remind(self, unit: str, to: str, **kw: Any) -> "Ticket":
        return self.add("ReminderSent", f"{unit}-h", unit, to, note="请尽快办理", **kw)

    def request_return(self, unit: str, person: str | None = None, **kw: Any) -> "Ticket":
        self.request_id = self.log.next_request()
        return self.add("ReturnRequested", person or f"{unit}-h", unit, request_id=self.request_id,
                        reason="不属于本单位职责", basis="职责清单", **kw)

    def approve_return(self, new_unit: str, **kw: Any) -> "Ticket":
        self.add("ReturnApproved", "rev1", "CENTRE", new_unit, request_id=self.request_id,
                 new_lead_unit_id=new_unit, **kw)
        return self.dispatch(new_unit, redispatch=True, after_hours=0)

    def reject_return(self, unit: str, **kw: Any) -> "Ticket":
        return self.add("ReturnRejected", "rev1", "CENTRE", unit, request_id=self.request_id,
                        reason="属于本单位职责", **kw)

    def pass_to(self, unit: str, new_unit: str, verify: bool = True) -> "Ticket":
        """The unit signs, (checks), asks to return, and the centre re-dispatches to `new_unit`."""
        self.sign(unit)
        if verify:
            self.contact(unit)
        return self.request_return(unit).approve_return(new_unit)

    def request_extension(self, unit: str, **kw: Any) -> "Ticket":
        self.request_id = self.log.next_request()
        return self.add("ExtensionRequested", f"{unit}-h", unit, request_id=self.request_id, reason="需协调",
                        requested_due_at=self.now + timedelta(days=10), **kw)

    def approve_extension(self, unit: str, days: float = 10, **kw: Any) -> "Ticket":
        return self.add("ExtensionApproved", "rev1", "CENTRE", unit, request_id=self.request_id,
                        new_due_at=self.now + timedelta(days=days), citizen_notified=True, **kw)

    def reply(self, unit: str, text: str, **kw: Any) -> "Ticket":
        return self.add("Replied", f"{unit}-h", unit, reply=text, **kw)

    def request_closure(self, unit: str, reply: str = "经现场核实，已于3月3日督促烧烤店安装隔音设施并调整营业时间至22点。",
                        evidence: list | None = None, contact_seqs: list | None = None, **kw: Any) -> "Ticket":
        self.request_id = self.log.next_request()
        if evidence is None:
            evidence = [{"kind": "photo", "ref": "p1.jpg", "summary": "现场照片"}]
        return self.add("ClosureRequested", f"{unit}-h", unit, request_id=self.request_id, reply=reply,
                        evidence=evidence, contact_seqs=contact_seqs or [], **kw)

    def approve_closure(self, unit: str, **kw: Any) -> "Ticket":
        return self.add("ClosureApproved", "rev1", "CENTRE", unit, request_id=self.request_id, **kw)

    def reject_closure(self, unit: str, **kw: Any) -> "Ticket":
        return self.add("ClosureRejected", "rev1", "CENTRE", unit, request_id=self.request_id, reason="证据不足", **kw)

    def visit(self, resolved: bool = True, satisfaction: str = "satisfied", by: str = "vis1", unit: str = "CENTRE",
              call_id: str | None = None, method: str = "phone", **kw: Any) -> "Ticket":
        return self.add("Visited", by, unit, resolved=resolved, satisfaction=satisfaction, method=method,
                        call_id=call_id, note="", **kw)

    def rate(self, rating: str) -> "Ticket":
        """The citizen's own rating on the portal (no actor)."""
        return self.add("CitizenRated", None, None, rating=rating)

    def reopen(self, unit: str, **kw: Any) -> "Ticket":
        return self.add("Reopened", "sys", "CENTRE", unit, reason="回访不满意", trigger="visit",
                        due_at=self.now + timedelta(days=3), **kw)

    def close(self, **kw: Any) -> "Ticket":
        return self.add("Closed", "vis1", "CENTRE", trigger="visit", **kw)

    def handle(self, handler_unit: str, visit: bool = True, **visit_kw: Any) -> "Ticket":
        """The normal, clean path after dispatch to `handler_unit`: sign, contact, reply with evidence, close."""
        unit = handler_unit
        self.sign(unit).contact(unit).progress(unit, kind="site_visit")
        self.request_closure(unit, contact_seqs=[self.seq - 1]).approve_closure(unit)
        if visit:
            self.visit(**visit_kw)
        return self.close()
