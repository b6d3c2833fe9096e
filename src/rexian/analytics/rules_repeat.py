"""Repeat complaints (重复投诉) and hotspots (高频共性诉求): the same matter, any caller."""

from __future__ import annotations

import ibis
from ibis import _

from rexian.analytics.registry import rule

# A repeat: a ticket received on the matter, a merge (leaves the cluster), the first dispatch (first receiver).
REPEAT = ("TicketReceived", "Merged", "Dispatched")


def _clusters(tk, min_tickets: int, window_days: float, exclude_kinds=()):
    """Tickets on the same matter (same place and category) of which `min_tickets` fall within
    `window_days`: a ticket is in a cluster when it closes such a run or is one of the run's earlier
    tickets. Tickets of a kind in `exclude_kinds` (consultations, suggestions, praise: not complaints)
    are left out. Window functions only (lag/lead), so it runs the same on any engine."""
    k = int(min_tickets)
    w = ibis.window(group_by=["place_key", "category"], order_by=["received_ts", "ticket_id"])
    complaint = ~ibis.coalesce(_.kind, "").isin(list(exclude_kinds) or [""])
    # Without a place (an export that has no address), the same caller on the same category is the matter.
    rows = tk.mutate(place_key=ibis.coalesce(tk.place_key, ibis.literal("来电人:").concat(tk.caller_id)))
    rows = rows.filter(_.place_key.notnull() & _.category.notnull() & ~_.merged & complaint).select(
        "ticket_id", "place_key", "category", "received_ts", "caller_id", "first_unit_id")
    rows = rows.mutate(run_start=_.received_ts.lag(k - 1).over(w))
    rows = rows.mutate(closes_run=ibis.coalesce(_.received_ts - _.run_start <= int(window_days * 86400), False))
    in_run = [_.closes_run] + [ibis.coalesce(_.closes_run.lead(i).over(w), False) for i in range(1, k)]
    rows = rows.mutate(in_cluster=ibis.or_(*in_run))
    return rows.filter(_.in_cluster).group_by(["place_key", "category"]).aggregate(
        tickets=_.ticket_id.count(), callers=_.caller_id.nunique(), ticket_ids=_.ticket_id.collect(),
        unit_id=_.first_unit_id.argmax(_.received_ts), first_ts=_.received_ts.min(), last_ts=_.received_ts.max())


@rule("RC-REPEAT", triggers=REPEAT, same_matter=True, truth=("repeat_complaint",))
def rc_repeat(data, p):
    """`min_tickets` or more complaints on the same matter — same place (place id, else address; for a
    ticket with neither, the same caller) and same category, any caller — within `window_days` (high from
    twice as many). Tickets of a kind in
    `exclude_kinds` (consultations, suggestions, praise) are not complaints and are not counted.

    Basis: MISSION.md 重复投诉 ("the same matter ... 3 or more times"). Responsible: the first receiver of
    the latest ticket (首接负责制); no single person.
    """
    c = _clusters(data.tk, p["min_tickets"], p["window_days"], p.get("exclude_kinds", ()))
    return c.mutate(subject=_.place_key.concat(":", _.category),
                    span_days=(_.last_ts - _.first_ts) / 86400.0,
                    severity=ibis.ifelse(_.tickets >= 2 * p["min_tickets"], "high", "medium")).drop(
        "first_ts", "last_ts")


@rule("RC-HOTSPOT", triggers=REPEAT, same_matter=True, truth=("hotspot",), severity="high")
def rc_hotspot(data, p):
    """A hotspot: `min_tickets` or more tickets on the same matter within `window_days` from at least
    `min_callers` different callers (complaints only, as for RC-REPEAT: `exclude_kinds` are not counted).

    Basis: MISSION.md 重复投诉 ("clusters of many callers are hotspots (高频共性诉求)"). Responsible: the
    first receiver of the latest ticket.
    """
    c = _clusters(data.tk, p["min_tickets"], p["window_days"], p.get("exclude_kinds", ())).filter(_.callers >= p["min_callers"])
    return c.mutate(subject=_.place_key.concat(":", _.category),
                    span_days=(_.last_ts - _.first_ts) / 86400.0).drop("first_ts", "last_ts")
