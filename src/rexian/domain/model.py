"""The ticket aggregate. Its state is the fold of its events; `record` seals a new event onto the chain.

Keeping state derivable from events means the event log is the truth: storage may keep a projection for
queries, but a ticket is always rebuilt from its events when a command acts on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable

from rexian.domain.eventlog import GENESIS_HASH, chain_hash
from rexian.domain.vocabulary import OPEN_STATES, TICKET_STATES

# The names other modules know these by; the tables themselves live in the vocabulary.
STATE_NAMES = TICKET_STATES
Record = dict[str, Any]  # an event record (docs/events.md) or its payload


@dataclass
class Request:
    """A pending return, extension or closure request and where it stands (unit leader, then centre)."""

    request_id: str
    kind: str  # return / extension / closure
    stage: str  # unit / centre
    requested_by: str | None
    payload: dict[str, Any]
    seq: int


@dataclass
class ForwardState:
    forward_id: str
    unit_id: str
    by_unit_id: str | None
    reported: bool = False


@dataclass
class SupervisionOrder:
    order_id: str
    unit_id: str | None
    level: int
    responded: bool = False
    closed: bool = False


@dataclass
class NewEvent:
    """An event decided by the workflow, not yet numbered or sealed."""

    action: str
    at: datetime
    actor_id: str | None
    actor_unit_id: str | None
    target_unit_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)


WORKFLOW_SOURCE = "rexian"  # the source of the events this workflow records (any other: an import's)


@dataclass
class Ticket:
    ticket_id: str
    status: str = "new"
    source: str = WORKFLOW_SOURCE
    received_at: datetime | None = None
    intake: dict[str, Any] = field(default_factory=dict)
    first_unit_id: str | None = None
    lead_unit_id: str | None = None
    assisting_unit_ids: tuple[str, ...] = ()
    signed: bool = False
    dispatched_at: datetime | None = None
    sign_due_at: datetime | None = None
    return_due_at: datetime | None = None
    due_at: datetime | None = None
    closed_at: datetime | None = None
    requests: dict[str, Request] = field(default_factory=dict)
    forwards: dict[str, ForwardState] = field(default_factory=dict)
    orders: dict[str, SupervisionOrder] = field(default_factory=dict)
    contact_seqs: list[int] = field(default_factory=list)  # citizen contacts in the current round
    reply: str | None = None
    extensions_granted: int = 0
    returns: int = 0
    redo_count: int = 0
    citizen_rating: str | None = None  # the citizen's own rating on the portal, after closure (CitizenRated)
    master_ticket_id: str | None = None
    duplicate_ticket_ids: list[str] = field(default_factory=list)
    last_seq: int = 0
    head_hash: str = GENESIS_HASH
    last_event_at: datetime | None = None
    handled_by: set[str] = field(default_factory=set)  # who signed, contacted, replied, requested, endorsed
    reviewed_by: set[str] = field(default_factory=set)  # who ruled on a request at the centre
    version: int = 0  # the projection version this state was loaded at (optimistic concurrency)
    new_events: list[dict[str, Any]] = field(default_factory=list)

    # --- event sourcing ---------------------------------------------------------------------------------
    @classmethod
    def replay(cls, ticket_id: str, records: Iterable[dict[str, Any]], version: int = 0) -> "Ticket":
        ticket = cls(ticket_id=ticket_id)
        for record in records:
            ticket.apply(record)
        ticket.version = version
        return ticket

    def record(self, event: NewEvent, source: str = WORKFLOW_SOURCE) -> dict[str, Any]:
        """Number, chain and apply a decided event; it waits in `new_events` for the unit of work."""
        if self.last_event_at and event.at < self.last_event_at:
            # Clocks on different servers may disagree by a little; the log must still read in order.
            event.at = self.last_event_at
        record = {
            "ticket_id": self.ticket_id,
            "seq": self.last_seq + 1,
            "at": event.at,
            "action": event.action,
            "actor_id": event.actor_id,
            "actor_unit_id": event.actor_unit_id,
            "target_unit_id": event.target_unit_id,
            "payload": event.payload,
            "source": source,
            "prev_hash": self.head_hash,
        }
        record["hash"] = chain_hash(self.head_hash, record)
        self.apply(record)
        self.new_events.append(record)
        return record

    def apply(self, record: dict[str, Any]) -> None:
        handler = _APPLY.get(record["action"])
        if handler is not None:
            handler(self, record, record.get("payload") or {})
        actor_id = record.get("actor_id")
        if actor_id and record["action"] in HANDLING_ACTIONS:
            self.handled_by.add(actor_id)
        elif actor_id and record["action"] in REVIEW_ACTIONS:
            self.reviewed_by.add(actor_id)
        self.last_seq = record["seq"]
        self.head_hash = record.get("hash") or self.head_hash
        self.last_event_at = record["at"]
        self.source = record.get("source") or self.source

    # --- questions the workflow asks --------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    def is_overdue(self, now: datetime) -> bool:
        """Overdue is computed, never stored: open past the handling deadline (after extensions and redo)."""
        return self.is_open and self.due_at is not None and now > self.due_at

    def pending(self, kind: str) -> Request | None:
        for request in self.requests.values():
            if request.kind == kind:
                return request
        return None

    def open_forwards(self) -> list[ForwardState]:
        return [forward for forward in self.forwards.values() if not forward.reported]

    def involved_unit_ids(self) -> set[str]:
        units = {self.lead_unit_id, *self.assisting_unit_ids, *(f.unit_id for f in self.forwards.values())}
        return {unit for unit in units if unit}


def _received(t: Ticket, r: Record, p: Record) -> None:
    t.status = "received"
    t.received_at = r["at"]
    t.intake = dict(p)


def _directly_closed(t: Ticket, r: Record, p: Record) -> None:
    t.status, t.closed_at, t.reply = "closed", r["at"], p.get("answer")


def _dispatched(t: Ticket, r: Record, p: Record) -> None:
    t.status = "dispatched"
    t.lead_unit_id = p.get("lead_unit_id") or r.get("target_unit_id")
    t.first_unit_id = t.first_unit_id or t.lead_unit_id
    t.assisting_unit_ids = tuple(p.get("assisting_unit_ids") or ())
    t.signed = False
    t.dispatched_at = r["at"]
    t.sign_due_at = _time(p.get("sign_due_at"))
    t.return_due_at = _time(p.get("return_due_at"))
    t.due_at = _time(p.get("due_at"))
    t.contact_seqs = []
    t.forwards = {}
    if p.get("category"):  # set or corrected by the dispatcher
        t.intake = {**t.intake, "category": p["category"]}


def _signed_for(t: Ticket, r: Record, p: Record) -> None:
    t.status, t.signed = "handling", True


def _forwarded(t: Ticket, r: Record, p: Record) -> None:
    forward_id = p.get("forward_id") or f"F{r['seq']}"
    t.forwards[forward_id] = ForwardState(forward_id, r.get("target_unit_id") or "", r.get("actor_unit_id"))


def _handed_over(t: Ticket, r: Record, p: Record) -> None:
    # The peer becomes the lead unit and must sign for it; the first receiver and the deadline stay.
    t.status, t.signed = "dispatched", False
    t.lead_unit_id = r.get("target_unit_id") or t.lead_unit_id
    t.first_unit_id = t.first_unit_id or t.lead_unit_id
    t.assisting_unit_ids = ()
    t.sign_due_at = _time(p.get("sign_due_at"))
    t.due_at = _time(p.get("due_at")) or t.due_at
    t.contact_seqs = []
    t.forwards = {}


def _forward_reported(t: Ticket, r: Record, p: Record) -> None:
    forward = t.forwards.get(_id(p, "forward_id"))
    if forward:
        forward.reported = True


def _contacted(t: Ticket, r: Record, p: Record) -> None:
    t.contact_seqs.append(r["seq"])


def _request(kind: str, status: str | None = None) -> Callable[[Ticket, Record, Record], None]:
    def apply(t: Ticket, r: Record, p: Record) -> None:
        request_id = p.get("request_id") or f"R{r['seq']}"
        t.requests[request_id] = Request(request_id, kind, "unit" if p.get("needs_endorsement") else "centre",
                                         r.get("actor_id"), dict(p), r["seq"])
        if status:
            t.status = status
        if kind == "closure":
            t.reply = p.get("reply") or t.reply

    return apply


def _endorsed(t: Ticket, r: Record, p: Record) -> None:
    request = t.requests.get(_id(p, "request_id"))
    if request:
        request.stage = "centre"


def _declined(t: Ticket, r: Record, p: Record) -> None:
    request = t.requests.pop(_id(p, "request_id"), None)
    if request and request.kind in ("return", "closure"):
        t.status = "handling" if t.signed else "dispatched"


def _return_approved(t: Ticket, r: Record, p: Record) -> None:
    t.requests.pop(_id(p, "request_id"), None)
    t.returns += 1


def _return_rejected(t: Ticket, r: Record, p: Record) -> None:
    t.requests.pop(_id(p, "request_id"), None)
    t.status, t.signed = "handling", True  # rejected: the unit must handle it


def _extension_approved(t: Ticket, r: Record, p: Record) -> None:
    t.requests.pop(_id(p, "request_id"), None)
    t.due_at = _time(p.get("new_due_at")) or t.due_at
    t.extensions_granted += 1


def _extension_rejected(t: Ticket, r: Record, p: Record) -> None:
    t.requests.pop(_id(p, "request_id"), None)


def _replied(t: Ticket, r: Record, p: Record) -> None:
    t.reply = p.get("reply")


def _closure_approved(t: Ticket, r: Record, p: Record) -> None:
    t.requests.pop(_id(p, "request_id"), None)
    t.status = "visit_pending"


def _closure_rejected(t: Ticket, r: Record, p: Record) -> None:
    t.requests.pop(_id(p, "request_id"), None)
    t.status = "handling"
    t.due_at = _time(p.get("due_at")) or t.due_at
    t.redo_count += 1


def _reopened(t: Ticket, r: Record, p: Record) -> None:
    t.status, t.signed, t.closed_at = "handling", True, None
    t.due_at = _time(p.get("due_at")) or t.due_at
    t.contact_seqs = []
    t.redo_count += 1


def _closed(t: Ticket, r: Record, p: Record) -> None:
    t.status, t.closed_at = "closed", r["at"]


def _citizen_rated(t: Ticket, r: Record, p: Record) -> None:
    t.citizen_rating = p.get("rating")


def _supervision_issued(t: Ticket, r: Record, p: Record) -> None:
    order_id = p.get("order_id") or f"S{r['seq']}"
    t.orders[order_id] = SupervisionOrder(order_id, r.get("target_unit_id"), int(p.get("level") or 1))


def _supervision_responded(t: Ticket, r: Record, p: Record) -> None:
    if p.get("order_id") in t.orders:
        t.orders[p["order_id"]].responded = True


def _supervision_closed(t: Ticket, r: Record, p: Record) -> None:
    if p.get("order_id") in t.orders:
        t.orders[p["order_id"]].closed = True


def _merged(t: Ticket, r: Record, p: Record) -> None:
    t.status, t.master_ticket_id, t.closed_at = "merged", p.get("master_ticket_id"), r["at"]


def _duplicate_attached(t: Ticket, r: Record, p: Record) -> None:
    t.duplicate_ticket_ids.append(_id(p, "duplicate_ticket_id"))


def _id(p: Record, name: str) -> str:
    """A payload's id field as a key ("" when missing: no request, forward or order has that id)."""
    return str(p.get(name) or "")


def _time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


# Who took part in a ticket, for separation of duties (no one reviews or visits what they handled).
HANDLING_ACTIONS = frozenset({"SignedFor", "Forwarded", "HandedOver", "ForwardReported", "CitizenContacted",
                              "ReturnRequested", "ExtensionRequested", "ClosureRequested", "RequestEndorsed", "RequestDeclined",
                              "Replied", "SupervisionResponded"})
REVIEW_ACTIONS = frozenset({"ReturnApproved", "ReturnRejected", "ExtensionApproved", "ExtensionRejected",
                            "ClosureApproved", "ClosureRejected"})

_APPLY = {
    "TicketReceived": _received,
    "DirectlyClosed": _directly_closed,
    "Dispatched": _dispatched,
    "SignedFor": _signed_for,
    "Forwarded": _forwarded,
    "HandedOver": _handed_over,
    "ForwardReported": _forward_reported,
    "CitizenContacted": _contacted,
    "ReturnRequested": _request("return", "return_review"),
    "ExtensionRequested": _request("extension"),
    "ClosureRequested": _request("closure", "closure_review"),
    "RequestEndorsed": _endorsed,
    "RequestDeclined": _declined,
    "ReturnApproved": _return_approved,
    "ReturnRejected": _return_rejected,
    "ExtensionApproved": _extension_approved,
    "ExtensionRejected": _extension_rejected,
    "Replied": _replied,
    "ClosureApproved": _closure_approved,
    "ClosureRejected": _closure_rejected,
    "Reopened": _reopened,
    "Closed": _closed,
    "CitizenRated": _citizen_rated,
    "SupervisionIssued": _supervision_issued,
    "SupervisionResponded": _supervision_responded,
    "SupervisionClosed": _supervision_closed,
    "Merged": _merged,
    "DuplicateAttached": _duplicate_attached,
}
