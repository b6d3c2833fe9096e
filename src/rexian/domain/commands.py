"""Commands: what people ask the system to do, in the imperative.

Every command names its actor. `idempotency_key` lets a client retry a request safely: a command whose key
was already handled is not handled again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar


@dataclass(frozen=True, kw_only=True)
class Command:
    """A workflow command. `zh` names it, `roles` are the roles that may run it (the decisions check
    exactly these) and `scope` says in words for which unit; `rexian do --help` lists all three.
    `choices` names, per field, the vocabulary table its value comes from (so the Chinese words users
    type can be read: 电话, 满意 …)."""

    zh: ClassVar[str] = ""
    roles: ClassVar[tuple[str, ...]] = ()
    scope: ClassVar[str] = ""
    choices: ClassVar[dict[str, str]] = {}

    actor_id: str | None
    idempotency_key: str | None = None


@dataclass(frozen=True, kw_only=True)
class TicketCommand(Command):
    ticket_id: str


# --- intake and dispatch -------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Intake(Command):
    zh: ClassVar[str] = "受理"
    roles: ClassVar[tuple[str, ...]] = ("agent", "dispatcher")
    scope: ClassVar[str] = "热线中心；市民经网站、APP、微信、邮件自行提交时不填操作人"
    choices: ClassVar[dict[str, str]] = {"channel": "channel", "urgency": "urgency", "kind": "ticket_kind"}

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
    zh: ClassVar[str] = "直接办结"
    roles: ClassVar[tuple[str, ...]] = ("agent", "dispatcher")
    scope: ClassVar[str] = "热线中心"

    answer: str


@dataclass(frozen=True, kw_only=True)
class Dispatch(TicketCommand):
    zh: ClassVar[str] = "派单"
    roles: ClassVar[tuple[str, ...]] = ("dispatcher",)
    scope: ClassVar[str] = "热线中心"

    lead_unit_id: str
    assisting_unit_ids: tuple[str, ...] = ()
    note: str | None = None
    # The category, when the intake left it open (a citizen unsure on the portal) or the dispatcher corrects it.
    category: str | None = None


@dataclass(frozen=True, kw_only=True)
class SignFor(TicketCommand):
    zh: ClassVar[str] = "签收"
    roles: ClassVar[tuple[str, ...]] = ("handler", "unit_leader")
    scope: ClassVar[str] = "主办单位"


# --- handling ------------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Forward(TicketCommand):
    zh: ClassVar[str] = "转派/下派"
    roles: ClassVar[tuple[str, ...]] = ("handler", "unit_leader")
    scope: ClassVar[str] = "主办单位，下派给本单位的下级单位"

    to_unit_id: str
    note: str
    due_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class HandOver(TicketCommand):
    """A sideways hand-over (转办) to a peer unit: not the centre's dispatch, not a forward down. The peer
    becomes the lead unit; the ticket keeps its deadline and its first receiver."""

    zh: ClassVar[str] = "转办/平级移交"
    roles: ClassVar[tuple[str, ...]] = ("handler", "unit_leader")
    scope: ClassVar[str] = "主办单位，移交给非本单位上下级的平级单位"

    to_unit_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReportForward(TicketCommand):
    zh: ClassVar[str] = "下级反馈"
    roles: ClassVar[tuple[str, ...]] = ("handler", "unit_leader")
    scope: ClassVar[str] = "接受下派的单位"

    forward_id: str
    result: str


@dataclass(frozen=True, kw_only=True)
class NoteProgress(TicketCommand):
    zh: ClassVar[str] = "办理过程"
    roles: ClassVar[tuple[str, ...]] = ("handler", "unit_leader")
    scope: ClassVar[str] = "主办、协办或接受下派的单位"
    choices: ClassVar[dict[str, str]] = {"kind": "progress_kind"}

    note: str
    kind: str = "progress"  # progress / site_visit / coordination
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RecordContact(TicketCommand):
    zh: ClassVar[str] = "联系市民"
    roles: ClassVar[tuple[str, ...]] = ("handler", "unit_leader")
    scope: ClassVar[str] = "主办、协办或接受下派的单位"
    choices: ClassVar[dict[str, str]] = {"method": "contact_method"}

    method: str  # phone / visit / sms / wechat
    summary: str
    call_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Remind(TicketCommand):
    zh: ClassVar[str] = "催办"
    roles: ClassVar[tuple[str, ...]] = ("reviewer", "supervisor", "dispatcher", "handler", "unit_leader")
    scope: ClassVar[str] = "热线中心、监督员，或下派单位（承办人、单位负责人）"

    target_unit_id: str | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Reply(TicketCommand):
    zh: ClassVar[str] = "答复"
    roles: ClassVar[tuple[str, ...]] = ("handler", "unit_leader")
    scope: ClassVar[str] = "主办单位"

    reply: str


# --- requests and their review -------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class RequestReturn(TicketCommand):
    zh: ClassVar[str] = "申请退单"
    roles: ClassVar[tuple[str, ...]] = ("handler", "unit_leader")
    scope: ClassVar[str] = "主办单位"

    reason: str
    basis: str
    suggested_unit_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class RequestExtension(TicketCommand):
    zh: ClassVar[str] = "申请延期"
    roles: ClassVar[tuple[str, ...]] = ("handler", "unit_leader")
    scope: ClassVar[str] = "主办单位"

    reason: str
    requested_due_at: datetime


@dataclass(frozen=True, kw_only=True)
class Evidence:
    kind: str  # contact / photo / document
    summary: str
    ref: str | None = None


@dataclass(frozen=True, kw_only=True)
class RequestClosure(TicketCommand):
    zh: ClassVar[str] = "申请办结"
    roles: ClassVar[tuple[str, ...]] = ("handler", "unit_leader")
    scope: ClassVar[str] = "主办单位"

    reply: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class EndorseRequest(TicketCommand):
    """The unit leader's decision on the unit's own return, extension or closure request."""

    zh: ClassVar[str] = "单位负责人审批"
    roles: ClassVar[tuple[str, ...]] = ("unit_leader",)
    scope: ClassVar[str] = "主办单位"

    request_id: str
    approve: bool = True
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReviewReturn(TicketCommand):
    zh: ClassVar[str] = "退单审核"
    roles: ClassVar[tuple[str, ...]] = ("reviewer",)
    scope: ClassVar[str] = "热线中心"

    request_id: str
    approve: bool
    new_lead_unit_id: str | None = None
    assisting_unit_ids: tuple[str, ...] = ()
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReviewExtension(TicketCommand):
    zh: ClassVar[str] = "延期审核"
    roles: ClassVar[tuple[str, ...]] = ("reviewer",)
    scope: ClassVar[str] = "热线中心"

    request_id: str
    approve: bool
    new_due_at: datetime | None = None
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReviewClosure(TicketCommand):
    zh: ClassVar[str] = "办结审核"
    roles: ClassVar[tuple[str, ...]] = ("reviewer",)
    scope: ClassVar[str] = "热线中心"

    request_id: str
    approve: bool
    reason: str | None = None


# --- follow-up, redo, supervision, merge ---------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Visit(TicketCommand):
    zh: ClassVar[str] = "回访"
    roles: ClassVar[tuple[str, ...]] = ("visitor",)
    scope: ClassVar[str] = "热线中心（独立于承办单位）"
    choices: ClassVar[dict[str, str]] = {"satisfaction": "satisfaction"}

    # Both required when the citizen was reached; satisfaction: satisfied / basically_satisfied / unsatisfied.
    resolved: bool | None = None
    satisfaction: str | None = None
    method: str = "phone"
    call_id: str | None = None
    note: str | None = None
    # False: 未联系上 (no answer, switched off, a wrong number): the call is recorded, the ticket waits for the next.
    reached: bool = True


@dataclass(frozen=True, kw_only=True)
class Rate(TicketCommand):
    zh: ClassVar[str] = "市民评价"
    roles: ClassVar[tuple[str, ...]] = ("citizen",)
    scope: ClassVar[str] = "市民本人，经门户网站凭工单编号和查询码提交；不填操作人"
    choices: ClassVar[dict[str, str]] = {"rating": "satisfaction"}

    rating: str  # satisfied / basically_satisfied / unsatisfied


@dataclass(frozen=True, kw_only=True)
class Reopen(TicketCommand):
    zh: ClassVar[str] = "重办"
    roles: ClassVar[tuple[str, ...]] = ("reviewer", "supervisor")
    scope: ClassVar[str] = "热线中心或监督员"

    reason: str


@dataclass(frozen=True, kw_only=True)
class IssueSupervision(TicketCommand):
    zh: ClassVar[str] = "督办"
    roles: ClassVar[tuple[str, ...]] = ("supervisor", "reviewer")
    scope: ClassVar[str] = "监督员或热线中心"

    batch: str
    reason: str
    due_at: datetime
    unit_id: str | None = None  # default: the lead unit


@dataclass(frozen=True, kw_only=True)
class RespondSupervision(TicketCommand):
    zh: ClassVar[str] = "督办反馈"
    roles: ClassVar[tuple[str, ...]] = ("handler", "unit_leader")
    scope: ClassVar[str] = "被督办单位"

    order_id: str
    response: str


@dataclass(frozen=True, kw_only=True)
class CloseSupervision(TicketCommand):
    zh: ClassVar[str] = "督办办结"
    roles: ClassVar[tuple[str, ...]] = ("supervisor", "reviewer")
    scope: ClassVar[str] = "监督员或热线中心"

    order_id: str
    outcome: str


@dataclass(frozen=True, kw_only=True)
class Merge(TicketCommand):
    """Merge the duplicate `ticket_id` into `master_ticket_id`."""

    zh: ClassVar[str] = "合并"
    roles: ClassVar[tuple[str, ...]] = ("agent", "dispatcher", "reviewer")
    scope: ClassVar[str] = "热线中心"

    master_ticket_id: str
