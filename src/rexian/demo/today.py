"""The demo city's present: a few days of live work after the simulated history, and the clock the demo
serves with, so that the workspaces open on tickets whose deadlines are around "today".

The simulated history (the seeded simulator, unchanged) covers a past year whose tickets have nearly all
run their course; only the ones the simulator stalled on purpose are still open, months overdue. So the
demo carries on after it: over the next working days it takes fresh calls (the words, place and caller of
earlier simulated tickets, chosen by the seed) through the real workflow — `Hotline.handle`, the same
decisions and hash chains as any command — and leaves them where each role's queue has work: waiting for
dispatch, for 签收, in handling with their deadlines ahead, waiting for the unit leader, for the centre's
review, for the follow-up call. The city's clock then starts at the end of those days and runs on at the
wall clock's pace — its offset from the wall clock is stored in the database (adapters/demo_clock.py), so that
countdowns, 超期/临期 marks and new commands keep to the city's time in every process on it, across restarts.
Same seed, same tickets, same times: nothing here reads the wall clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from rexian.adapters import tables as t
from rexian.domain import commands as c

# How many fresh tickets end in each state (the handler's and the leader's unit gets its share of each).
STAGES = (("received", 5), ("dispatched", 5), ("handling", 8), ("closure_requested", 3),
          ("closure_endorsed", 3), ("return_endorsed", 2), ("visit_pending", 4))
DAYS = 4  # working days of live work after the simulated history
FOCUS_UNIT_SHARE = 0.4  # of the fresh tickets, led by the unit of the first handler on the sign-in page
CITIZENS_RATING = 80  # of the latest closed tickets, how many citizens then rate on the portal (those visited)


@dataclass
class Today:
    present: datetime  # the city's "now" when the demo starts serving
    tickets: list[str]


def carry_on(app, seed: int) -> Today:
    """Live work over the `DAYS` working days after the newest simulated event (see the module's text)."""
    from rexian.demo.accounts import SHOWN_FIRST

    rng = random.Random(f"{seed}:today")
    org = app.organisation()
    focus_unit = next((org.person(p).unit_id for p in SHOWN_FIRST
                       if org.person(p) and "handler" in org.person(p).roles), None)
    with app.engine.connect() as connection:
        newest = connection.execute(select(func.max(t.events.c.at))).scalar_one()
        sources = connection.execute(
            select(t.tickets.c.ticket_id, t.tickets.c.lead_unit_id, t.tickets.c.category, t.tickets.c.title,
                   t.tickets.c.content, t.tickets.c.area, t.tickets.c.address, t.tickets.c.channel)
            .where(t.tickets.c.status == "closed", t.tickets.c.kind == "complaint",
                   t.tickets.c.lead_unit_id.is_not(None), t.tickets.c.category.is_not(None))
            .order_by(t.tickets.c.ticket_id)).all()
    staff = {unit: _staff(org, unit) for unit in {row.lead_unit_id for row in sources}}  # once per unit
    staffed = [row for row in sources if staff[row.lead_unit_id]]
    if not staffed:
        return Today(newest or datetime(2026, 3, 2, 8, 30), [])
    day = _next_working_morning(app, (newest or datetime(2026, 3, 2)).replace(hour=0, minute=0, second=0,
                                                                               microsecond=0) + timedelta(days=1))
    days = [day]
    while len(days) < DAYS:
        days.append(_next_working_morning(app, days[-1] + timedelta(days=1)))
    centre = {role: _first(org, role) for role in ("agent", "dispatcher", "reviewer", "visitor")}
    plan = [stage for stage, count in STAGES for _ in range(count)]
    rng.shuffle(plan)
    focused = [row for row in staffed if row.lead_unit_id == focus_unit]
    made = []
    for index, stage in enumerate(plan):
        pool = focused if focused and rng.random() < FOCUS_UNIT_SHARE else staffed
        source = pool[rng.randrange(len(pool))]
        # Received on one of the days (a later stage, earlier), at office hours; each step 20-90 min later.
        earliest = {"received": DAYS - 1, "dispatched": DAYS - 2}.get(stage, 0)
        start = days[rng.randint(earliest, DAYS - 1) if stage in ("received", "dispatched")
                     else rng.randint(0, DAYS - 2)]
        at = start + timedelta(minutes=rng.randint(0, 7 * 60) + index)
        made.append(_live(app, rng, source, staff[source.lead_unit_id], stage, at, centre))
    rated = _citizens_rate(app, random.Random(f"{seed}:ratings"), [row.ticket_id for row in sources], days[0])
    # The end of the last day's work (16:30), or just after the last step if one ran late.
    latest = max(app.events(tid)[-1]["at"] for tid in made + rated)
    return Today(max(days[-1] + timedelta(hours=8), latest + timedelta(minutes=5)), made)


def _live(app, rng: random.Random, source, unit_staff: tuple[str, str], stage: str, at: datetime,
          centre: dict[str, str]) -> str:
    handler, leader = unit_staff
    caller = app.caller(source.ticket_id) or {}

    def step(command, minutes=(20, 90)):
        nonlocal at
        at += timedelta(minutes=rng.randint(*minutes))
        return app.handle(command, at=at)

    tid = step(c.Intake(actor_id=centre["agent"], content=source.content, title=source.title,
                        category=source.category, area=source.area, address=source.address, channel="phone",
                        caller_name=caller.get("caller_name"), caller_phone=caller.get("caller_phone")),
               (0, 1)).ticket_id
    if stage == "received":
        return tid
    step(c.Dispatch(actor_id=centre["dispatcher"], ticket_id=tid, lead_unit_id=source.lead_unit_id))
    if stage == "dispatched":
        return tid
    step(c.SignFor(actor_id=handler, ticket_id=tid), (30, 180))
    step(c.RecordContact(actor_id=handler, ticket_id=tid, method="phone",
                         summary="电话联系市民，了解具体情况并约定现场核查时间"))
    if stage == "return_endorsed":
        step(c.RequestReturn(actor_id=handler, ticket_id=tid, reason="经核实该事项不属于本单位职责范围",
                             basis="职责清单：该类事项由属地街道负责"))
        request_id = app.ticket(tid).pending("return").request_id
        step(c.EndorseRequest(actor_id=leader, ticket_id=tid, request_id=request_id))
        return tid
    if stage == "handling":
        if rng.random() < 0.5:
            step(c.NoteProgress(actor_id=handler, ticket_id=tid, kind="site_visit",
                                note="已到现场核查，正在协调相关方整改"))
        return tid
    step(c.RequestClosure(actor_id=handler, ticket_id=tid,
                          reply=f"经现场核查，{source.title or '所反映问题'}已督促整改完毕，并已电话告知市民处理结果。"))
    if stage == "closure_requested":
        return tid
    request_id = app.ticket(tid).pending("closure").request_id
    step(c.EndorseRequest(actor_id=leader, ticket_id=tid, request_id=request_id))
    if stage == "closure_endorsed":
        return tid
    step(c.ReviewClosure(actor_id=centre["reviewer"], ticket_id=tid, request_id=request_id, approve=True))
    return tid


def _citizens_rate(app, rng: random.Random, closed: list[str], first_day: datetime) -> list[str]:
    """Citizens rate some of the latest closed tickets on the portal during the live days (a `Rate`, as the portal
    sends it once the query code checks), so that 市民自评满意率 has tickets to count. They rate as their follow-up
    call recorded: a rating against the visit is what MS-RATED-UNSATISFIED finds, and the simulator's truth, which
    the demo's report is scored against, holds no such case."""
    rated = []
    for ticket_id in closed[-CITIZENS_RATING:]:
        events = app.events(ticket_id)
        visits = [e["payload"]["satisfaction"] for e in events
                  if e["action"] == "Visited" and e["payload"].get("satisfaction")]
        if not visits:
            continue
        at = max(events[-1]["at"], first_day) + timedelta(minutes=rng.randint(30, 2 * 24 * 60))
        app.handle(c.Rate(actor_id=None, ticket_id=ticket_id, rating=visits[-1]), at=at)
        rated.append(ticket_id)
    return rated


def _staff(org, unit_id: str | None) -> tuple[str, str] | None:
    """A handler and a (different) unit leader of the unit, the first of each by number; None if it has not both."""
    people = sorted((p for p in org.people.values() if p.unit_id == unit_id and p.active), key=lambda p: p.person_id)
    handler = next((p.person_id for p in people if "handler" in p.roles), None)
    leader = next((p.person_id for p in people if "unit_leader" in p.roles and p.person_id != handler), None)
    return (handler, leader) if handler and leader else None


def _first(org, role: str) -> str:
    return min(p.person_id for p in org.people.values() if role in p.roles and p.active
               and org.unit(p.unit_id) and org.unit(p.unit_id).kind == "centre")


def _next_working_morning(app, day: datetime) -> datetime:
    """08:30 on the first working day (Chinese calendar, make-up days included) from `day` on."""
    calendar = app.deadlines.calendar
    while not calendar.is_working_day(day.date()):
        day += timedelta(days=1)
    return day.replace(hour=8, minute=30, second=0, microsecond=0)
