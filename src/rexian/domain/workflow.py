"""The workflow's decisions for intake, dispatch and handling: command + ticket + context → new events.

Each decision checks who acts, in which state, with which fields — in that order: everything about the
actor and the ticket before any field the person fills in, which is how `offers.py` knows what the
workflow accepts now — and raises a WorkflowError naming the rule before anything is recorded.
Requests, reviews, visits and supervision are in `reviews.py`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from rexian.domain import commands as c
from rexian.domain import guards as g
from rexian.domain.errors import DeadlinePassed, MissingField, NotAllowed, WrongState
from rexian.domain.model import NewEvent, Ticket
from rexian.domain.vocabulary import CHANNELS, CONTACT_METHODS, PROGRESS_KINDS, URGENCIES
from rexian.domain.vocabulary import TICKET_KINDS as KINDS

# Matters someone must act on can never be closed at intake; only what the agent can answer on the spot.
DIRECT_CLOSE_KINDS = {"consultation", "suggestion", "praise", "request"}
HANDLING_STATES = ("dispatched", "handling", "return_review", "closure_review")


def intake(cmd: c.Intake, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    if ticket.status != "new":
        raise WrongState("intake.exists", f"工单编号{ticket.ticket_id}已存在")
    if cmd.channel in ("web", "app", "wechat", "email") and cmd.actor_id is None:
        agent_id, unit_id = None, None  # a citizen's own submission on the portal
    else:
        person = g.centre_actor(ctx, cmd.actor_id, *cmd.roles, rule="intake")
        agent_id, unit_id = person.person_id, person.unit_id
    g.one_of(cmd.channel, CHANNELS, "intake.channel", "受理渠道")
    g.one_of(cmd.urgency, URGENCIES, "intake.urgency", "紧急程度")
    g.one_of(cmd.kind, KINDS, "intake.kind", "诉求类型")
    content = g.text(cmd.content, "intake.content_required", "诉求内容", min_length=5)
    if cmd.category and ctx.org.category(cmd.category) is None:
        raise MissingField("intake.category", f"未知的诉求分类：{cmd.category}")
    payload = {
        "channel": cmd.channel, "caller_id": cmd.caller_id, "caller_name": cmd.caller_name,
        "caller_phone": cmd.caller_phone, "area": cmd.area, "address": cmd.address,
        "place_id": cmd.place_id, "lon": cmd.lon, "lat": cmd.lat, "title": cmd.title, "content": content,
        "category": cmd.category, "urgency": cmd.urgency, "kind": cmd.kind, "call_id": cmd.call_id,
    }
    return [NewEvent("TicketReceived", ctx.now, agent_id, unit_id, None, payload)]


def direct_close(cmd: c.DirectClose, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.centre_actor(ctx, cmd.actor_id, *cmd.roles, rule="direct_close")
    g.state(ticket, "received", rule="direct_close")
    kind = str(ticket.intake.get("kind"))
    if kind not in DIRECT_CLOSE_KINDS:
        raise NotAllowed("direct_close.kind", f"{KINDS.get(kind, kind)}类诉求须派单办理，不能直接办结")
    answer = g.text(cmd.answer, "direct_close.answer_required", "答复内容", min_length=5)
    return [NewEvent("DirectlyClosed", ctx.now, person.person_id, person.unit_id, None, {"answer": answer})]


def dispatch(cmd: c.Dispatch, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.centre_actor(ctx, cmd.actor_id, *cmd.roles, rule="dispatch")
    g.state(ticket, "received", rule="dispatch")
    return [dispatched_event(ticket, ctx, person.person_id, person.unit_id, cmd.lead_unit_id,
                             cmd.assisting_unit_ids, cmd.note, redispatch=False, category=cmd.category)]


def dispatched_event(ticket: Ticket, ctx: g.Context, actor_id: str, actor_unit_id: str, lead_unit_id: str,
                     assisting: tuple[str, ...], note: str | None, redispatch: bool,
                     category: str | None = None) -> NewEvent:
    """`category`: set by the dispatcher (the intake's is kept when None); the deadline is counted by it."""
    lead = g.unit_exists(ctx, lead_unit_id, "dispatch.lead_unit")
    if lead in ctx.org.centre_ids():
        raise NotAllowed("dispatch.lead_unit_kind", "热线中心不能作为主办单位")
    assisting = tuple(dict.fromkeys(g.unit_exists(ctx, unit, "dispatch.assisting_unit") for unit in assisting))
    if lead in assisting:
        raise MissingField("dispatch.assisting_overlap", "协办单位不能与主办单位相同")
    if category and ctx.org.category(category) is None:
        raise MissingField("dispatch.category", f"未知的诉求分类：{category}")
    changed = category if category and category != ticket.intake.get("category") else None
    code = changed or ticket.intake.get("category")
    if not code:
        raise MissingField("dispatch.category_required", "派单前必须确定诉求分类")
    urgency = ticket.intake.get("urgency") or "normal"
    days, hours = ctx.org.deadline_days(code)
    payload = {
        "lead_unit_id": lead, "assisting_unit_ids": list(assisting), "note": note, "redispatch": redispatch,
        "sign_due_at": ctx.deadlines.sign_due(ctx.now, urgency),
        "return_due_at": ctx.deadlines.return_due(ctx.now),
        "due_at": ctx.deadlines.handle_due(ctx.now, urgency, days, hours),
    }
    if changed:
        payload["category"] = changed
    return NewEvent("Dispatched", ctx.now, actor_id, actor_unit_id, lead, payload)


def sign_for(cmd: c.SignFor, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.actor(ctx, cmd.actor_id, *cmd.roles, units={ticket.lead_unit_id}, rule="sign_for")
    g.state(ticket, "dispatched", rule="sign_for")
    return [NewEvent("SignedFor", ctx.now, person.person_id, person.unit_id)]


def forward(cmd: c.Forward, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.actor(ctx, cmd.actor_id, *cmd.roles, units={ticket.lead_unit_id}, rule="forward")
    g.state(ticket, "handling", rule="forward")
    if not ctx.org.units_below(person.unit_id):
        raise NotAllowed("forward.no_subordinates", "本单位没有下级单位，不能下派；非本单位职责请申请退单")
    target = g.unit_exists(ctx, cmd.to_unit_id, "forward.unit")
    if not ctx.org.is_below(target, person.unit_id):
        raise NotAllowed("forward.downward_only", "只能下派给本单位的下级单位（街道、社区等）；"
                                                   "非本单位职责请申请退单")
    note = g.text(cmd.note, "forward.note_required", "下派要求")
    forward_id = f"F{ticket.last_seq + 1}"
    payload = {"forward_id": forward_id, "note": note, "due_at": cmd.due_at or ticket.due_at}
    return [NewEvent("Forwarded", ctx.now, person.person_id, person.unit_id, target, payload)]


def hand_over(cmd: c.HandOver, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    """转办: the lead unit hands the ticket sideways to a peer unit, which becomes the lead unit and must sign
    for it. Neither a forward down (the forwarding unit would stay responsible) nor a return (the centre
    would decide): the peer is told directly and the centre is named on the event, so that its feed and the
    buck-passing rules see every such move. The deadline does not restart: handing over is not a new start."""
    person = g.actor(ctx, cmd.actor_id, *cmd.roles, units={ticket.lead_unit_id}, rule="hand_over")
    g.state(ticket, "dispatched", "handling", rule="hand_over")
    if ticket.open_forwards():
        names = "、".join(f.unit_id for f in ticket.open_forwards())
        raise WrongState("hand_over.open_forwards", f"下派单位（{names}）尚未反馈，不能转办")
    target = g.unit_exists(ctx, cmd.to_unit_id, "hand_over.unit")
    own = person.unit_id or ""
    if target == own:
        raise NotAllowed("hand_over.same_unit", "不能转办给本单位")
    if target in ctx.org.centre_ids():
        raise NotAllowed("hand_over.centre", "不能转办给热线中心；非本单位职责请申请退单")
    if ctx.org.is_below(target, own):
        raise NotAllowed("hand_over.subordinate", "下级单位请用「转派/下派」，本单位仍负责跟踪")
    if ctx.org.is_below(own, target):
        raise NotAllowed("hand_over.superior", "不能转办给本单位的上级单位；非本单位职责请申请退单")
    reason = g.text(cmd.reason, "hand_over.reason_required", "转办理由", min_length=4)
    urgency = ticket.intake.get("urgency") or "normal"
    payload = {"reason": reason, "from_unit_id": own, "notified_unit_ids": sorted(ctx.org.centre_ids()),
               "sign_due_at": ctx.deadlines.sign_due(ctx.now, urgency), "due_at": ticket.due_at}
    return [NewEvent("HandedOver", ctx.now, person.person_id, person.unit_id, target, payload)]


def report_forward(cmd: c.ReportForward, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    forward_state = ticket.forwards.get(cmd.forward_id)
    if forward_state is None:
        raise WrongState("report_forward.unknown", f"没有编号为{cmd.forward_id}的下派记录")
    person = g.actor(ctx, cmd.actor_id, *cmd.roles, units={forward_state.unit_id},
                     rule="report_forward")
    g.state(ticket, "handling", "return_review", "closure_review", rule="report_forward")
    if forward_state.reported:
        raise WrongState("report_forward.done", "该下派事项已反馈")
    result = g.text(cmd.result, "report_forward.result_required", "办理结果", min_length=5)
    return [NewEvent("ForwardReported", ctx.now, person.person_id, person.unit_id, forward_state.by_unit_id,
                     {"forward_id": cmd.forward_id, "result": result})]


def note_progress(cmd: c.NoteProgress, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.actor(ctx, cmd.actor_id, *cmd.roles, units=ticket.involved_unit_ids(),
                     rule="progress")
    g.state(ticket, *HANDLING_STATES, rule="progress")
    g.one_of(cmd.kind, PROGRESS_KINDS, "progress.kind", "办理记录类型")
    note = g.text(cmd.note, "progress.note_required", "办理情况")
    return [NewEvent("ProgressNoted", ctx.now, person.person_id, person.unit_id, None,
                     {"kind": cmd.kind, "note": note, "attachments": list(cmd.attachments)})]


def record_contact(cmd: c.RecordContact, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.actor(ctx, cmd.actor_id, *cmd.roles, units=ticket.involved_unit_ids(),
                     rule="contact")
    g.state(ticket, *HANDLING_STATES, rule="contact")
    g.one_of(cmd.method, CONTACT_METHODS, "contact.method", "联系方式")
    summary = g.text(cmd.summary, "contact.summary_required", "沟通内容")
    return [NewEvent("CitizenContacted", ctx.now, person.person_id, person.unit_id, None,
                     {"method": cmd.method, "call_id": cmd.call_id, "summary": summary})]


def remind(cmd: c.Remind, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = ctx.org.person(cmd.actor_id)
    forwarding_units = {f.by_unit_id for f in ticket.forwards.values()}
    if person is None or not (person.has_role("reviewer", "supervisor", "dispatcher")
                              or (person.has_role("handler", "unit_leader") and person.unit_id in forwarding_units)):
        g.actor(ctx, cmd.actor_id, "reviewer", "supervisor", "dispatcher", rule="remind")
        raise NotAllowed("remind.unit", "只有热线中心、监督员或下派单位可以催办")
    g.state(ticket, *HANDLING_STATES, "visit_pending", rule="remind")
    target = g.unit_exists(ctx, cmd.target_unit_id or ticket.lead_unit_id, "remind.unit")
    return [NewEvent("ReminderSent", ctx.now, person.person_id, person.unit_id, target, {"note": cmd.note})]


def reply(cmd: c.Reply, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.actor(ctx, cmd.actor_id, *cmd.roles, units={ticket.lead_unit_id}, rule="reply")
    g.state(ticket, "handling", rule="reply")
    text = g.text(cmd.reply, "reply.text_required", "答复内容", min_length=10)
    return [NewEvent("Replied", ctx.now, person.person_id, person.unit_id, None, {"reply": text})]


def require_before(ticket: Ticket, ctx: g.Context, due: datetime | None, rule: str, what: str) -> None:
    if due is not None and ctx.now > due:
        raise DeadlinePassed(rule, f"已超过{what}（{due:%Y-%m-%d %H:%M}）")


Decision = Callable[[Any, Ticket, g.Context], list[NewEvent]]  # each takes its own command type
