"""How a lead unit handles a ticket once it keeps it, by handler profile, and how the follow-up visit
goes. Each function drives the domain through `Life.act`, so the workflow's rules hold throughout."""

from __future__ import annotations

from datetime import timedelta

from rexian.domain import commands as c
from rexian.simulate import texts
from rexian.simulate.lives import INSTANT, nearest_second
from rexian.simulate.profiles import children

# Chance that a follow-up call finds the matter resolved, by how it was handled.
RESOLVED = {"diligent": 0.93, "fake_closer": 0.35, "boilerplate": 0.55, "forwarder": 0.6, "slow": 0.75,
            "buck_passer": 0.8}


def handle_once(life, handler: str, profile: str) -> bool:
    """One pass from signing (if needed) to the centre's ruling on a closure request."""
    ticket, tid, unit = life.ticket, life.spec.ticket_id, life.ticket.lead_unit_id
    life.handled_as = profile
    if ticket.status == "dispatched":
        if profile == "slow":
            life.act(c.SignFor(actor_id=handler, ticket_id=tid), life.days(0.3, 4))
        else:
            life.act(c.SignFor(actor_id=handler, ticket_id=tid), life.office(5, 150))
        life.signed_at = life.now
    if ticket.status != "handling":
        return False
    if profile == "fake_closer":
        # A token call, then a claim of success minutes after signing for the ticket: nothing was handled.
        life.act(c.RecordContact(actor_id=handler, ticket_id=tid, method="phone", summary="已联系"),
                 life.now + timedelta(minutes=life.rng.uniform(1, 8)))
        reply = texts.fake_reply(life.rng, life.spec.leaf, life.w.city.unit_name(unit))
        at = life.now + timedelta(minutes=life.rng.uniform(2, 20))
        life.label("boilerplate_reply", unit, handler, f"空泛答复：{reply}")
        return closure(life, handler, reply, (), approve=0.85, at=at)
    if profile == "forwarder" or (profile == "diligent" and life.rng.random() < 0.2):
        below = children(life.w.city, unit, life.place.area, life.place.community_id)
        if below:
            return forward(life, handler, below[0], follow_up=profile != "forwarder")
    if profile == "slow":
        slow_down(life, handler)
    contact(life, handler)
    when = life.days(0.05, 1.2)
    if profile == "boilerplate":
        off_topic = life.rng.random() < 0.35
        reply = (texts.off_topic_reply(life.rng, life.spec.leaf, life.w.city.unit_name(unit),
                                       life.w.city.person_name(handler), life.place.name, when)
                 if off_topic else texts.boilerplate_reply(life.rng))
        life.label("off_topic_reply" if off_topic else "boilerplate_reply", unit, handler,
                   "答非所问" if off_topic else f"套话答复：{reply}")
        if life.rng.random() < 0.5:
            life.act(c.Reply(actor_id=handler, ticket_id=tid, reply=reply), when)
        return closure(life, handler, reply, (), approve=0.8, at=life.office(10, 600))
    life.act(c.NoteProgress(actor_id=handler, ticket_id=tid, kind="site_visit",
                            note=f"到{life.place.name}现场核查，{texts.PROBLEMS[life.spec.leaf][1]}",
                            attachments=(f"photo-{tid}-{ticket.last_seq + 1}.jpg",)), when)
    reply = texts.specific_reply(life.rng, life.spec.leaf, life.w.city.unit_name(unit),
                                 life.w.city.person_name(handler), life.place.name, life.now)
    evidence = (c.Evidence(kind="photo", summary="整改后现场照片", ref=f"photo-{tid}-{ticket.last_seq}.jpg"),)
    return closure(life, handler, reply, evidence, approve=0.97, at=life.days(0.02, 1))


def contact(life, handler: str) -> None:
    summary = life.rng.choice(("电话联系市民，了解具体情况", "与市民电话沟通，约定上门核实时间", "上门走访市民，听取诉求",
                               "电话联系来电人，告知办理进度"))
    life.act(c.RecordContact(actor_id=handler, ticket_id=life.spec.ticket_id,
                             method="visit" if "上门" in summary else "phone", summary=summary), life.office(20, 480))


def slow_down(life, handler: str) -> None:
    """Idle for days, ask for extensions (sometimes granted), let the deadline pass, attract supervision."""
    ticket, tid, unit = life.ticket, life.spec.ticket_id, life.ticket.lead_unit_id
    for _ in range(life.rng.choice((0, 1, 1, 2))):
        if ticket.due_at is None or ticket.pending("extension") or ticket.extensions_granted >= 2:
            break
        at = ticket.due_at - timedelta(hours=life.rng.uniform(2, 30))
        if at <= life.now:
            break
        requested = life.w.calendar.add_working_days(ticket.due_at, life.rng.choice((3, 5, 10)))
        life.act(c.RequestExtension(actor_id=handler, ticket_id=tid, requested_due_at=requested,
                                    reason=life.rng.choice(("涉及多个部门，需要协调", "需等待第三方检测结果",
                                                            "天气原因无法施工", "当事人联系不上，需进一步核实"))), at)
        life.endorse(unit, "extension")
        request = ticket.pending("extension")
        approve = life.rng.random() < 0.8
        life.act(c.ReviewExtension(actor_id=life.staff("reviewer"), ticket_id=tid, request_id=request.request_id,
                                   approve=approve, reason=None if approve else "延期理由不充分"), life.centre(30, 600))
    life.now = life.days(2, 20)
    if ticket.due_at and life.now > ticket.due_at + timedelta(days=2) and life.rng.random() < 0.6:
        order = life.act(c.IssueSupervision(actor_id=life.staff("supervisor"), ticket_id=tid,
                                            batch=f"{life.now.year}年第{life.now.month * 2 - (life.now.day < 16)}期",
                                            reason="工单超期未办结，请立即办理并反馈",
                                            due_at=life.now + timedelta(days=3)), life.centre(0, 60))
        order_id = order[0]["payload"]["order_id"]
        life.act(c.RespondSupervision(actor_id=handler, ticket_id=tid, order_id=order_id,
                                      response="收到督办，已安排专人加快办理"), life.office(60, 2880))
        life.orders.append(order_id)
    if life.rng.random() < 0.12:
        life.now = life.w.end  # left open for months: nothing more happens before the snapshot


def forward(life, handler: str, below: str, follow_up: bool) -> bool:
    tid, unit, city = life.spec.ticket_id, life.ticket.lead_unit_id, life.w.city
    records = life.act(c.Forward(actor_id=handler, ticket_id=tid, to_unit_id=below,
                                 note=f"请{city.unit_name(below)}核实处理并反馈结果"), life.office(10, 300))
    forward_id = records[0]["payload"]["forward_id"]
    life.unfollowed = life.now
    worker = life.rng.choice(city.handlers[below])
    if follow_up:
        life.act(c.Remind(actor_id=handler, ticket_id=tid, target_unit_id=below, note="请抓紧办理，及时反馈进展"),
                 life.days(1, 3))
        life.unfollowed = None
        life.act(c.RecordContact(actor_id=worker, ticket_id=tid, method="visit", summary="社区工作人员上门了解情况"),
                 life.days(0.1, 2))
        life.act(c.ReportForward(actor_id=worker, ticket_id=tid, forward_id=forward_id,
                                 result=f"已到{life.place.name}现场处理，{texts.PROBLEMS[life.spec.leaf][1]}"),
                 life.days(0.5, 3))
        life.act(c.NoteProgress(actor_id=handler, ticket_id=tid, kind="coordination",
                                note="核实下级反馈情况，电话回访市民确认"), life.office(30, 600))
        reply = texts.specific_reply(life.rng, life.spec.leaf, city.unit_name(below), city.person_name(worker),
                                     life.place.name, life.now)
        return closure(life, handler, reply, (), approve=0.95, at=life.days(0.1, 1))
    life.act(c.RecordContact(actor_id=worker, ticket_id=tid, method="phone", summary="已联系"), life.days(4, 15))
    result = life.rng.choice(("已处理", "已处理完毕", "已协调解决", "已告知当事人"))
    life.act(c.ReportForward(actor_id=worker, ticket_id=tid, forward_id=forward_id, result=f"经核实，{result}。"),
             life.now + timedelta(minutes=life.rng.uniform(5, 120)))
    life.label("forward_no_follow_up", unit, handler,
               f"下派{city.unit_name(below)}后未跟踪督促，仅凭下级“{result}”即申请办结")
    life.label("boilerplate_reply", unit, handler, f"空泛答复：仅转述下级“{result}”")
    return closure(life, handler, f"经{city.unit_name(below)}核实，{result}。", (), approve=0.9,
                   at=life.now + timedelta(minutes=life.rng.uniform(3, 60)))


def closure(life, handler: str, reply: str, evidence, approve: float, at) -> bool:
    ticket, tid, unit = life.ticket, life.spec.ticket_id, life.ticket.lead_unit_id
    due = ticket.due_at  # the deadline in force when the closure is requested
    life.act(c.RequestClosure(actor_id=handler, ticket_id=tid, reply=reply, evidence=tuple(evidence)), at)
    life.unfollowed = None
    instant(life, handler)
    if due is not None and life.now > due:
        life.label("overdue", unit, handler, f"超期{(life.now - due).days}天申请办结")
    life.closer, life.done_at, life.due_when_done = handler, life.now, ticket.due_at
    life.endorse(unit, "closure")
    request = ticket.pending("closure")
    approved = life.rng.random() < approve
    life.act(c.ReviewClosure(actor_id=life.staff("reviewer"), ticket_id=tid, request_id=request.request_id,
                             approve=approved, reason=None if approved else "答复内容不具体，未说明办理过程和结果，请重新办理"),
             life.centre(30, 900))
    if approved:
        for order_id in life.orders:
            life.act(c.CloseSupervision(actor_id=life.staff("supervisor"), ticket_id=tid, order_id=order_id,
                                        outcome="已办结，督办事项完成"), life.centre(10, 600))
        life.orders = []
    return approved


def instant(life, handler: str) -> None:
    """Label the ticket's first closure request if it came within minutes of signing for the ticket with
    nothing handled in between but the (mandatory) citizen contact."""
    records = life.ticket.new_events
    requests = [r for r in records if r["action"] == "ClosureRequested"]
    if len(requests) != 1 or life.signed_at is None:
        return
    since = [r["action"] for r in records if r["at"] >= life.signed_at]
    if nearest_second(life.now) - nearest_second(life.signed_at) <= INSTANT and not {"ProgressNoted", "Forwarded",
                                                                         "ForwardReported"} & set(since):
        life.label("instant_closure", life.ticket.lead_unit_id, handler,
                   "签收后数分钟即申请办结，除一次联系外无任何办理记录")


def visit_outcome(life, number: int, at) -> tuple[bool, str]:
    """(resolved, satisfaction) as the citizen says it on the follow-up call at `at`. Visits are honest
    (except the injected fake one): a matter that is reported again within the month was not solved."""
    rng = life.rng
    if life.spec.fake_visit and number == 1:
        return True, "satisfied"
    if life.comes_back(at):
        return False, "unsatisfied" if rng.random() < 0.6 else "basically_satisfied"
    if number >= 3:
        return True, "basically_satisfied"
    chance = RESOLVED.get(life.handled_as or "diligent", 0.8)
    resolved = rng.random() < chance
    if resolved:
        draw = rng.random()
        return True, "satisfied" if draw < 0.8 else ("basically_satisfied" if draw < 0.97 else "unsatisfied")
    return False, "unsatisfied" if rng.random() < 0.6 else "basically_satisfied"

