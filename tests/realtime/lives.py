"""Randomised ticket lives driven through the real workflow, with the abuses the real-time rules look for:
ping-pong returns, rejected returns, closures without contact or evidence, boilerplate replies, unresolved
and unsatisfied visits, the same matter reported again, misconduct in the complaint."""

from __future__ import annotations

import random

from rexian.domain import commands as c

UNITS = {"D02": ("H0201", "L0201"), "D03": ("H0301", "L0301"), "D05": ("H0501", "L0501"),
         "D06": ("H0601", "L0601"), "S01": ("HS01", "LS01")}
PLACES = [("东华门大街12号", "0201"), ("吉祥社区东侧工地", "0202"), ("多福巷3号楼", "0601")]
COMPLAINTS = ["饭店油烟直排，家里窗户都不敢开", "工地夜间施工噪音太大，凌晨两点还在打桩",
              "物业不管楼道堆放杂物，消防通道被堵", "上次反映后工作人员态度恶劣，还骂人，说爱找谁找谁",
              "办事人员暗示要给红包才给办，索要好处费"]
GOOD_REPLY = "经查，现场问题属实，我单位已责令当事方限期整改，并于复查时确认整改完毕，已电话告知市民处理结果。"
BOILERPLATE = "您的诉求已收到，我们会尽快处理，请耐心等待。"


def _endorse_and(app, tid, kind, leader, review):
    request = app.ticket(tid).pending(kind)
    app.handle(c.EndorseRequest(actor_id=leader, ticket_id=tid, request_id=request.request_id))
    return app.handle(review(request.request_id))


def _return(app, tid, unit, to_unit, approve=True, verify=False):
    handler, leader = UNITS[unit]
    if verify:
        app.handle(c.RecordContact(actor_id=handler, ticket_id=tid, method="phone", summary="联系市民核实诉求"))
    app.handle(c.RequestReturn(actor_id=handler, ticket_id=tid, reason="该事项不属于本单位职责",
                               basis="职责清单", suggested_unit_id=to_unit))
    _endorse_and(app, tid, "return", leader, lambda rid: c.ReviewReturn(
        actor_id="R01", ticket_id=tid, request_id=rid, approve=approve, new_lead_unit_id=to_unit if approve else None,
        reason=None if approve else "职责清单明确由该单位主办，驳回退单"))


def _close(app, rng, tid, unit, evidence=True, reply=GOOD_REPLY):
    handler, leader = UNITS[unit]
    # The workflow refuses a closure request without a recorded contact with the citizen.
    app.handle(c.RecordContact(actor_id=handler, ticket_id=tid, method="phone", summary="电话告知市民处理情况"))
    proof = (c.Evidence(kind="photo", summary="现场照片", ref="IMG"),) if evidence else ()
    app.handle(c.RequestClosure(actor_id=handler, ticket_id=tid, reply=reply, evidence=proof))
    _endorse_and(app, tid, "closure", leader,
                 lambda rid: c.ReviewClosure(actor_id="R01", ticket_id=tid, request_id=rid, approve=True))
    outcome = rng.random()
    if outcome < 0.6:
        app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=True, satisfaction="satisfied"))
    elif outcome < 0.8:
        app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=False, satisfaction="unsatisfied",
                           note="市民表示问题仍未解决"))
    else:
        app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=True, satisfaction="basically_satisfied"))


def life(app, rng: random.Random) -> str:
    """One ticket, from intake to (usually) its follow-up visit, with random abuses on the way."""
    address, category = rng.choice(PLACES)
    content = rng.choice(COMPLAINTS)
    tid = app.handle(c.Intake(actor_id="A01", content=f"{address}{content}", category=category, address=address,
                              area="110101", caller_phone=f"1380000{rng.randrange(20):04d}")).ticket_id
    units = list(UNITS)
    unit = rng.choice(units)
    app.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id=unit))
    path = rng.random()
    if path < 0.25:  # ping-pong, maybe more: A -> B -> A (-> B)
        other = rng.choice([u for u in units if u != unit])
        for step in range(rng.choice((2, 3))):
            here, there = (unit, other) if step % 2 == 0 else (other, unit)
            app.handle(c.SignFor(actor_id=UNITS[here][0], ticket_id=tid))
            _return(app, tid, here, there, verify=rng.random() < 0.3)
        unit = there
        app.handle(c.SignFor(actor_id=UNITS[unit][0], ticket_id=tid))
    elif path < 0.4:  # a return the centre rejects
        app.handle(c.SignFor(actor_id=UNITS[unit][0], ticket_id=tid))
        _return(app, tid, unit, rng.choice([u for u in units if u != unit]), approve=False)
    else:
        app.handle(c.SignFor(actor_id=UNITS[unit][0], ticket_id=tid))
    if rng.random() < 0.15:  # left open
        return tid
    if rng.random() < 0.5:
        app.handle(c.NoteProgress(actor_id=UNITS[unit][0], ticket_id=tid, kind="site_visit", note="到现场核查"))
    reply = BOILERPLATE if rng.random() < 0.2 else GOOD_REPLY
    _close(app, rng, tid, unit, evidence=rng.random() < 0.7, reply=reply)
    return tid


def populate(app, tickets: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [life(app, rng) for _ in range(tickets)] + [handed_back_and_forth(app)]


def handed_back_and_forth(app) -> str:
    """Peers hand a ticket sideways (转办) D02 → S01 → D02 without checking anything, then D02 closes it."""
    tid = app.handle(c.Intake(actor_id="A01", content="多福巷3号楼楼道堆放杂物，消防通道被堵", category="0601",
                              address="多福巷3号楼", area="110101", caller_phone="13800000099")).ticket_id
    app.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D02"))
    for here, there in (("D02", "S01"), ("S01", "D02")):
        app.handle(c.SignFor(actor_id=UNITS[here][0], ticket_id=tid))
        app.handle(c.HandOver(actor_id=UNITS[here][0], ticket_id=tid, to_unit_id=there, reason="属于对方职责，平级移交"))
    app.handle(c.SignFor(actor_id="H0201", ticket_id=tid))
    _close(app, random.Random(1), tid, "D02")
    return tid


def pingpong(app) -> str:
    """D02 -> D03 -> D02 by two approved returns, neither verified: BP-PINGPONG on D02."""
    tid = app.handle(c.Intake(actor_id="A01", content="工地夜间施工噪音太大", category="0202",
                              address="吉祥社区东侧工地")).ticket_id
    app.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D02"))
    for _here, there, handler, leader in (("D02", "D03", "H0201", "L0201"), ("D03", "D02", "H0301", "L0301")):
        app.handle(c.SignFor(actor_id=handler, ticket_id=tid))
        app.handle(c.RequestReturn(actor_id=handler, ticket_id=tid, reason="不属于本单位职责", basis="职责清单",
                                   suggested_unit_id=there))
        request = app.ticket(tid).pending("return")
        app.handle(c.EndorseRequest(actor_id=leader, ticket_id=tid, request_id=request.request_id))
        app.handle(c.ReviewReturn(actor_id="R01", ticket_id=tid, request_id=request.request_id, approve=True,
                                  new_lead_unit_id=there))
    return tid


def closed_after_visit(app, satisfaction: str) -> str:
    """A ticket through its whole clean life, closed by a follow-up visit recording `satisfaction`."""
    tid = app.handle(c.Intake(actor_id="A01", content="多福巷5号楼路灯不亮已经一周", category="0601",
                              address="多福巷5号楼", channel="phone")).ticket_id
    app.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D02"))
    app.handle(c.SignFor(actor_id="H0201", ticket_id=tid))
    app.handle(c.RecordContact(actor_id="H0201", ticket_id=tid, method="phone", summary="电话告知市民处理情况"))
    app.handle(c.RequestClosure(actor_id="H0201", ticket_id=tid, reply="已于3月3日更换5号楼路灯灯泡，经现场查看恢复照明。",
                                evidence=(c.Evidence(kind="photo", summary="现场照片", ref="IMG"),)))
    request = app.ticket(tid).pending("closure")
    app.handle(c.EndorseRequest(actor_id="L0201", ticket_id=tid, request_id=request.request_id))
    app.handle(c.ReviewClosure(actor_id="R01", ticket_id=tid, request_id=request.request_id, approve=True))
    app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=True, satisfaction=satisfaction))
    return tid
