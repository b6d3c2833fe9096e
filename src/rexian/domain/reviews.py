"""The workflow's decisions for requests and their review, follow-up visits, redo, supervision and merging."""

from __future__ import annotations

from rexian.domain import commands as c
from rexian.domain import guards as g
from rexian.domain.errors import MissingField, NotAllowed, WrongState
from typing import Any

from rexian.domain.model import NewEvent, Request, Ticket
from rexian.domain.org import Person
from rexian.domain.vocabulary import EVIDENCE_KINDS, REQUEST_KINDS, SATISFACTION
from rexian.domain.workflow import dispatched_event, require_before

REQUEST_NAMES = REQUEST_KINDS


def _lead_handler(ticket: Ticket, ctx: g.Context, cmd: c.Command, rule: str) -> Person:
    return g.actor(ctx, cmd.actor_id, *cmd.roles, units={ticket.lead_unit_id}, rule=rule)


def _request_payload(ticket: Ticket, ctx: g.Context, **fields: Any) -> dict[str, Any]:
    return {"request_id": f"R{ticket.last_seq + 1}",
            "needs_endorsement": ctx.policy.unit_leader_approval, **fields}


def request_return(cmd: c.RequestReturn, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = _lead_handler(ticket, ctx, cmd, "return")
    g.state(ticket, "dispatched", "handling", rule="return")
    require_before(ticket, ctx, ticket.return_due_at, "return.window", "退单时限")
    if ticket.open_forwards():
        raise WrongState("return.open_forwards", "已下派的事项尚未反馈，不能退单")
    reason = g.text(cmd.reason, "return.reason_required", "退单理由", min_length=5)
    basis = g.text(cmd.basis, "return.basis_required", "退单依据（职责清单条目、文件等）", min_length=4)
    if cmd.suggested_unit_id:
        g.unit_exists(ctx, cmd.suggested_unit_id, "return.suggested_unit")
    payload = _request_payload(ticket, ctx, reason=reason, basis=basis, suggested_unit_id=cmd.suggested_unit_id)
    return [NewEvent("ReturnRequested", ctx.now, person.person_id, person.unit_id, None, payload)]


def request_extension(cmd: c.RequestExtension, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = _lead_handler(ticket, ctx, cmd, "extension")
    g.state(ticket, "handling", rule="extension")
    require_before(ticket, ctx, ticket.due_at, "extension.before_deadline", "办理时限，延期须在到期前申请")
    if ticket.pending("extension"):
        raise WrongState("extension.pending", "已有待审核的延期申请")
    if ticket.extensions_granted >= ctx.policy.max_extensions:
        raise NotAllowed("extension.limit", f"延期次数已达上限（{ctx.policy.max_extensions}次）")
    reason = g.text(cmd.reason, "extension.reason_required", "延期理由", min_length=5)
    if ticket.due_at and cmd.requested_due_at <= ticket.due_at:
        raise MissingField("extension.later_due", "申请的办理时限必须晚于当前时限")
    payload = _request_payload(ticket, ctx, reason=reason, requested_due_at=cmd.requested_due_at)
    return [NewEvent("ExtensionRequested", ctx.now, person.person_id, person.unit_id, None, payload)]


def request_closure(cmd: c.RequestClosure, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = _lead_handler(ticket, ctx, cmd, "closure")
    g.state(ticket, "handling", rule="closure")
    unreported = ticket.open_forwards()
    if unreported:
        names = "、".join(f.unit_id for f in unreported)
        raise WrongState("closure.open_forwards", f"下派单位（{names}）尚未反馈办理结果，转办不等于办结")
    if not ticket.contact_seqs:
        raise MissingField("closure.contact_required",
                           "申请办结前必须有联系市民的记录（先登记联系市民，再申请办结）")
    reply_text = g.text(cmd.reply, "closure.reply_required", "答复内容", min_length=10)
    for item in cmd.evidence:
        g.one_of(item.kind, EVIDENCE_KINDS, "closure.evidence_kind", "佐证材料类型")
    evidence: list[dict[str, str | None]] = [
        {"kind": "contact", "ref": f"seq:{seq}", "summary": "联系市民记录"} for seq in ticket.contact_seqs]
    evidence += [{"kind": e.kind, "ref": e.ref, "summary": e.summary} for e in cmd.evidence]
    payload = _request_payload(ticket, ctx, reply=reply_text, evidence=evidence,
                               contact_seqs=list(ticket.contact_seqs))
    return [NewEvent("ClosureRequested", ctx.now, person.person_id, person.unit_id, None, payload)]


def endorse(cmd: c.EndorseRequest, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.actor(ctx, cmd.actor_id, *cmd.roles, units={ticket.lead_unit_id}, rule="endorse")
    request = ticket.requests.get(cmd.request_id)
    if request is None or request.stage != "unit":
        raise WrongState("endorse.not_pending", f"申请{cmd.request_id}不在本单位审批环节")
    g.independent(ctx, person, {request.requested_by} - {None}, "endorse", "不能审批自己提出的申请")
    payload = {"request_id": request.request_id, "request_kind": request.kind}
    if cmd.approve:
        return [NewEvent("RequestEndorsed", ctx.now, person.person_id, person.unit_id, None, payload)]
    payload["reason"] = g.text(cmd.reason, "endorse.reason_required", "不同意的理由")
    return [NewEvent("RequestDeclined", ctx.now, person.person_id, person.unit_id, None, payload)]


def _centre_request(ticket: Ticket, request_id: str, kind: str, rule: str) -> Request:
    request = ticket.requests.get(request_id)
    if request is None or request.kind != kind:
        raise WrongState(f"{rule}.unknown", f"没有待审核的{REQUEST_NAMES[kind]}申请{request_id}")
    if request.stage != "centre":
        raise WrongState(f"{rule}.needs_endorsement", f"{REQUEST_NAMES[kind]}申请须先经承办单位负责人审批")
    return request


def review_return(cmd: c.ReviewReturn, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.centre_actor(ctx, cmd.actor_id, *cmd.roles, rule="review_return")
    request = _centre_request(ticket, cmd.request_id, "return", "review_return")
    g.independent(ctx, person, ticket.handled_by, "review_return", "经手办理过此工单，不能审核其申请")
    if not cmd.approve:
        reason = g.text(cmd.reason, "review_return.reason_required", "驳回理由")
        return [NewEvent("ReturnRejected", ctx.now, person.person_id, person.unit_id, ticket.lead_unit_id,
                         {"request_id": request.request_id, "reason": reason})]
    # First-receiver responsibility: an approved return names the next unit in the same decision, so the
    # ticket is never without an accountable unit.
    new_lead = cmd.new_lead_unit_id or request.payload.get("suggested_unit_id")
    if not new_lead:
        raise MissingField("review_return.new_unit_required", "退单审核通过时必须指定重新派单的主办单位")
    if new_lead == ticket.lead_unit_id:
        raise MissingField("review_return.same_unit", "重新派单的主办单位不能是退单单位")
    approved = NewEvent("ReturnApproved", ctx.now, person.person_id, person.unit_id, new_lead,
                        {"request_id": request.request_id, "new_lead_unit_id": new_lead, "note": cmd.reason})
    redispatch = dispatched_event(ticket, ctx, person.person_id, person.unit_id, new_lead,
                                  cmd.assisting_unit_ids, cmd.reason, redispatch=True)
    return [approved, redispatch]


def review_extension(cmd: c.ReviewExtension, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.centre_actor(ctx, cmd.actor_id, *cmd.roles, rule="review_extension")
    request = _centre_request(ticket, cmd.request_id, "extension", "review_extension")
    g.independent(ctx, person, ticket.handled_by, "review_extension", "经手办理过此工单，不能审核其申请")
    if not cmd.approve:
        reason = g.text(cmd.reason, "review_extension.reason_required", "驳回理由")
        return [NewEvent("ExtensionRejected", ctx.now, person.person_id, person.unit_id, ticket.lead_unit_id,
                         {"request_id": request.request_id, "reason": reason})]
    new_due = cmd.new_due_at or request.payload.get("requested_due_at")
    return [NewEvent("ExtensionApproved", ctx.now, person.person_id, person.unit_id, ticket.lead_unit_id,
                     {"request_id": request.request_id, "new_due_at": new_due, "citizen_notified": True,
                      "note": cmd.reason})]


def review_closure(cmd: c.ReviewClosure, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.centre_actor(ctx, cmd.actor_id, *cmd.roles, rule="review_closure")
    request = _centre_request(ticket, cmd.request_id, "closure", "review_closure")
    g.independent(ctx, person, ticket.handled_by, "review_closure", "经手办理过此工单，不能审核其申请")
    if cmd.approve:
        return [NewEvent("ClosureApproved", ctx.now, person.person_id, person.unit_id, ticket.lead_unit_id,
                         {"request_id": request.request_id})]
    reason = g.text(cmd.reason, "review_closure.reason_required", "驳回理由")
    return [NewEvent("ClosureRejected", ctx.now, person.person_id, person.unit_id, ticket.lead_unit_id,
                     {"request_id": request.request_id, "reason": reason,
                      "due_at": ctx.deadlines.redo_due(ctx.now)})]


def visit(cmd: c.Visit, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    # Follow-up calls are the centre's, never the handling unit's own: that is how satisfaction is faked.
    person = g.centre_actor(ctx, cmd.actor_id, *cmd.roles, rule="visit")
    g.state(ticket, "visit_pending", rule="visit")
    g.independent(ctx, person, ticket.handled_by | ticket.reviewed_by, "visit", "经手办理或审核过此工单，不能回访")
    if cmd.reached is False:  # tried and not reached: recorded as such, the ticket waits for the next call
        return [NewEvent("Visited", ctx.now, person.person_id, person.unit_id, None,
                         {"reached": False, "method": cmd.method, "call_id": cmd.call_id, "note": cmd.note})]
    if cmd.resolved is None:
        raise MissingField("visit.resolved_required", "联系上市民时须记录问题是否解决")
    g.one_of(cmd.satisfaction, SATISFACTION, "visit.satisfaction", "满意度")
    visited = NewEvent("Visited", ctx.now, person.person_id, person.unit_id, None,
                       {"resolved": bool(cmd.resolved), "satisfaction": cmd.satisfaction, "method": cmd.method,
                        "call_id": cmd.call_id, "note": cmd.note})
    unsatisfied = cmd.satisfaction == "unsatisfied" and ctx.policy.redo_on_unsatisfied
    if cmd.resolved and not unsatisfied:
        return [visited, NewEvent("Closed", ctx.now, person.person_id, person.unit_id, None, {"trigger": "visit"})]
    reason = "回访未解决" if not cmd.resolved else "回访不满意"
    return [visited, NewEvent("Reopened", ctx.now, person.person_id, person.unit_id, ticket.lead_unit_id,
                              {"reason": reason, "trigger": "visit", "due_at": ctx.deadlines.redo_due(ctx.now)})]


def rate(cmd: c.Rate, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    """The citizen's own rating of a closed ticket, once (the portal checks the query code first)."""
    if cmd.actor_id is not None:  # staff never rate in the citizen's name: that is how satisfaction is faked
        raise NotAllowed("rate.citizen_only", "评价只能由市民本人在门户网站提交")
    g.state(ticket, "closed", rule="rate")
    if ticket.citizen_rating is not None:
        raise WrongState("rate.once", "此工单已评价，只能评价一次")
    g.one_of(cmd.rating, SATISFACTION, "rate.rating", "评价")
    return [NewEvent("CitizenRated", ctx.now, None, None, None, {"rating": cmd.rating})]


def reopen(cmd: c.Reopen, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.centre_actor(ctx, cmd.actor_id, *cmd.roles, rule="reopen")
    g.state(ticket, "visit_pending", "closed", rule="reopen")
    if ticket.lead_unit_id is None:
        raise WrongState("reopen.never_dispatched", "直接办结的工单须重新受理，不能重办")
    reason = g.text(cmd.reason, "reopen.reason_required", "重办理由")
    trigger = "supervision" if person.has_role("supervisor") else "review"
    return [NewEvent("Reopened", ctx.now, person.person_id, person.unit_id, ticket.lead_unit_id,
                     {"reason": reason, "trigger": trigger, "due_at": ctx.deadlines.redo_due(ctx.now)})]


def issue_supervision(cmd: c.IssueSupervision, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.actor(ctx, cmd.actor_id, *cmd.roles, rule="supervise")
    g.state(ticket, *(s for s in ("dispatched", "handling", "return_review", "closure_review",
                                  "visit_pending", "closed")), rule="supervise")
    unit = g.unit_exists(ctx, cmd.unit_id or ticket.lead_unit_id, "supervise.unit")
    batch = g.text(cmd.batch, "supervise.batch_required", "督办期次（如2026年第3期）", min_length=3)
    reason = g.text(cmd.reason, "supervise.reason_required", "督办事由")
    if cmd.due_at <= ctx.now:
        raise MissingField("supervise.due_in_future", "督办时限必须晚于当前时间")
    level = 1 + sum(1 for order in ticket.orders.values() if order.unit_id == unit)
    payload = {"order_id": f"S{ticket.last_seq + 1}", "batch": batch, "level": level, "due_at": cmd.due_at,
               "reason": reason}
    return [NewEvent("SupervisionIssued", ctx.now, person.person_id, person.unit_id, unit, payload)]


def respond_supervision(cmd: c.RespondSupervision, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    order = ticket.orders.get(cmd.order_id)
    if order is None or order.closed:
        raise WrongState("supervise_respond.not_open", f"督办单{cmd.order_id}不存在或已办结")
    person = g.actor(ctx, cmd.actor_id, *cmd.roles, units={order.unit_id}, rule="supervise_respond")
    response = g.text(cmd.response, "supervise_respond.response_required", "督办反馈", min_length=5)
    return [NewEvent("SupervisionResponded", ctx.now, person.person_id, person.unit_id, None,
                     {"order_id": order.order_id, "response": response})]


def close_supervision(cmd: c.CloseSupervision, ticket: Ticket, ctx: g.Context) -> list[NewEvent]:
    person = g.actor(ctx, cmd.actor_id, *cmd.roles, rule="supervise_close")
    order = ticket.orders.get(cmd.order_id)
    if order is None or order.closed:
        raise WrongState("supervise_close.not_open", f"督办单{cmd.order_id}不存在或已办结")
    if not order.responded:
        raise WrongState("supervise_close.no_response", "被督办单位尚未反馈，不能办结督办单")
    outcome = g.text(cmd.outcome, "supervise_close.outcome_required", "督办结果")
    return [NewEvent("SupervisionClosed", ctx.now, person.person_id, person.unit_id, None,
                     {"order_id": order.order_id, "outcome": outcome})]


def merge(cmd: c.Merge, duplicate: Ticket, master: Ticket, ctx: g.Context) -> tuple[list[NewEvent], list[NewEvent]]:
    person = g.centre_actor(ctx, cmd.actor_id, *cmd.roles, rule="merge")
    g.state(duplicate, "received", "dispatched", "handling", rule="merge")
    if duplicate.ticket_id == master.ticket_id:
        raise MissingField("merge.same_ticket", "不能把工单合并到自身")
    if master.status in ("merged", "new"):
        raise WrongState("merge.master_state", f"主工单{master.ticket_id}不存在或已被合并")
    if duplicate.lead_unit_id and master.lead_unit_id and duplicate.lead_unit_id != master.lead_unit_id:
        raise NotAllowed("merge.different_units", "两件工单的主办单位不同，须先退单或改派后再合并")
    return ([NewEvent("Merged", ctx.now, person.person_id, person.unit_id, None,
                      {"master_ticket_id": master.ticket_id})],
            [NewEvent("DuplicateAttached", ctx.now, person.person_id, person.unit_id, None,
                      {"duplicate_ticket_id": duplicate.ticket_id})])
