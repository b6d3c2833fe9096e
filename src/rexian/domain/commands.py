"""Commands: what people ask the system to do, in the imperative.

Every command names its actor. `idempotency_key` lets a client retry a request safely: a command whose key
was already handled is not handled again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, kw_only=True)
class Command:
    actor_id: str | None
    idempotency_key: str | None = None


@dataclass(frozen=True, kw_only=True)
class TicketCommand(Command):
    ticket_id: str


# --- intake and dispatch -------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Intake(Command):
    content: str
    channel: str = "phone"
    category: str | None = None
    urgency: str = "normal"
    kind: str = "complaint"
    title: str | None = None
    caller_id: str | None = None
    caller_name: str | None = None
    caller_phone: str | None = None
    area: str | None = None
    address: str | None = None
    place_id: str | None = None
    lon: float | None = None
    lat: float | None = None
    call_id: str | None = None
    ticket_id: str | None = None  # assigned by the service when not given


@dataclass(frozen=True, kw_only=True)
class DirectClose(TicketCommand):
    answer: str


@dataclass(frozen=True, kw_only=True)
class Dispatch(TicketCommand):
    lead_unit_id: str
    assisting_unit_ids: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class SignFor(TicketCommand):
    pass


# --- handling ------------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Forward(TicketCommand):
    to_unit_id: str
    note: str
    due_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ReportForward(TicketCommand):
    forward_id: str
    result: str


@dataclass(frozen=True, kw_only=True)
class NoteProgress(TicketCommand):
    note: str
    kind: str = "progress"  # progress / site_visit / coordination
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RecordContact(TicketCommand):
    method: str  # phone / visit / sms / wechat
    summary: str
    call_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Remind(TicketCommand):
    target_unit_id: str | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Reply(TicketCommand):
    reply: str


# --- requests and their review -------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class RequestReturn(TicketCommand):
    reason: str
    basis: str
    suggested_unit_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class RequestExtension(TicketCommand):
    reason: str
    requested_due_at: datetime


@dataclass(frozen=True, kw_only=True)
class Evidence:
    kind: str  # contact / photo / document
    summary: str
    ref: str | None = None


@dataclass(frozen=True, kw_only=True)
class RequestClosure(TicketCommand):
    reply: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class EndorseRequest(TicketCommand):
    """The unit leader's decision on the unit's own return, extension or closure request."""

    request_id: str
    approve: bool = True
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReviewReturn(TicketCommand):
    request_id: str
    approve: bool
    new_lead_unit_id: str | None = None
    assisting_unit_ids: tuple[str, ...] = ()
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReviewExtension(TicketCommand):
    request_id: str
    approve: bool
    new_due_at: datetime | None = None
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReviewClosure(TicketCommand):
    request_id: str
    approve: bool
    reason: str | None = None


# --- follow-up, redo, supervision, merge ---------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Visit(TicketCommand):
    resolved: bool
    satisfaction: str  # satisfied / basically_satisfied / unsatisfied
    method: str = "phone"
    call_id: str | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Reopen(TicketCommand):
    reason: str


@dataclass(frozen=True, kw_only=True)
class IssueSupervision(TicketCommand):
    batch: str
    reason: str
    due_at: datetime
    unit_id: str | None = None  # default: the lead unit


@dataclass(frozen=True, kw_only=True)
class RespondSupervision(TicketCommand):
    order_id: str
    response: str


@dataclass(frozen=True, kw_only=True)
class CloseSupervision(TicketCommand):
    order_id: str
    outcome: str


@dataclass(frozen=True, kw_only=True)
class Merge(TicketCommand):
    """Merge the duplicate `ticket_id` into `master_ticket_id`."""

    master_ticket_id: str
