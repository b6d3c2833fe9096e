"""Buck-passing (推诿扯皮): returns, ping-pong, cycles, returns without verification, rejected returns."""

from __future__ import annotations

import ibis
from ibis import _

from rexian.analytics.facts import dispatches
from rexian.analytics.registry import rule


def return_requests(ev):
    return ev.filter(_.action == "ReturnRequested")


@rule("BP-RETURNS", triggers=("ReturnRequested",), truth=("repeated_returns",))
def bp_returns(data, p):
    """A ticket whose return was requested `min_returns` times or more (high from `high_returns`).

    Basis: MISSION.md 推诿扯皮 — reported cases of "3 departments, 4 returns" and "5 returns between two
    bureaus"; 首接负责制 forbids a ticket falling between units. Responsible: the unit that asked to return
    it most often (ties: the latest), and the person who made that unit's last request.
    """
    rr = return_requests(data.ev)
    per_ticket = rr.group_by("ticket_id").aggregate(
        returns=_.seq.count(), seqs=_.seq.collect(), units=_.actor_unit_id.nunique())
    per_unit = rr.group_by(["ticket_id", "actor_unit_id"]).aggregate(
        unit_returns=_.seq.count(), person_id=_.actor_id.argmax(_.seq), last_seq=_.seq.max())
    w = ibis.window(group_by="ticket_id", order_by=[ibis.desc("unit_returns"), ibis.desc("last_seq")])
    top = per_unit.mutate(rank=ibis.row_number().over(w)).filter(_.rank == 0).select(
        t="ticket_id", unit_id="actor_unit_id", person_id="person_id", unit_returns="unit_returns")
    hits = per_ticket.filter(_.returns >= p["min_returns"])
    return hits.join(top, hits.ticket_id == top.t).drop("t").mutate(
        severity=ibis.ifelse(_.returns >= p["high_returns"], "high", "medium"))


def _first_returner(ev, hits, unit_column: str):
    """Join each hit with the first return requested by `unit_column`'s unit on that ticket."""
    rr = return_requests(ev).group_by(["ticket_id", "actor_unit_id"]).aggregate(
        person_id=_.actor_id.argmin(_.seq), return_seq=_.seq.min()).rename(t="ticket_id", u="actor_unit_id")
    joined = hits.left_join(rr, [hits.ticket_id == rr.t, hits[unit_column] == rr.u])
    return joined.drop("t", "u")


@rule("BP-PINGPONG", triggers=("Dispatched", "ReturnRequested"), truth=("return_pingpong",))
def bp_pingpong(data, p):
    """A ticket dispatched to unit A, then B, then A again (A→B→A), whatever the reasons given.

    Basis: MISSION.md 推诿扯皮 ("5 returns between two bureaus"). Responsible: unit A, which returned it
    first, and the person who asked for that first return; unit B is in the evidence values.
    """
    d = dispatches(data.ev)
    bounce = d.filter((_.unit_id == _.prev2) & (_.prev1 != _.unit_id))
    first = bounce.group_by("ticket_id").aggregate(
        unit_id=_.unit_id.argmin(_.seq), other_unit_id=_.prev1.argmin(_.seq), bounces=_.seq.count(),
        s1=_.seq_prev2.argmin(_.seq), s2=_.seq_prev1.argmin(_.seq), s3=_.seq.min())
    joined = _first_returner(data.ev, first, "unit_id")
    return joined.mutate(seqs=ibis.array([_.s1, _.s2, _.s3, _.return_seq]),
                         severity=ibis.ifelse(_.bounces >= 2, "high", "medium")).drop("s1", "s2", "s3")


@rule("BP-CYCLE", triggers=("Dispatched", "ReturnRequested"), truth=("return_cycle",))
def bp_cycle(data, p):
    """A ticket dispatched around a cycle of three different units and back: A→B→C→A.

    Basis: MISSION.md 推诿扯皮 (cycles A→B→C→A). Responsible: unit A, which let it go first, and the
    person who asked for A's first return.
    """
    d = dispatches(data.ev)
    cycle = d.filter((_.unit_id == _.prev3) & (_.prev1 != _.unit_id) & (_.prev2 != _.unit_id)
                     & (_.prev1 != _.prev2))
    first = cycle.group_by("ticket_id").aggregate(
        unit_id=_.unit_id.argmin(_.seq), second_unit_id=_.prev2.argmin(_.seq), third_unit_id=_.prev1.argmin(_.seq),
        s1=_.seq_prev3.argmin(_.seq), s2=_.seq_prev2.argmin(_.seq), s3=_.seq_prev1.argmin(_.seq), s4=_.seq.min())
    joined = _first_returner(data.ev, first, "unit_id")
    return joined.mutate(seqs=ibis.array([_.s1, _.s2, _.s3, _.s4, _.return_seq]), severity=ibis.literal("high")).drop(
        "s1", "s2", "s3", "s4")


@rule("BP-NO-VERIFY", triggers=("ReturnRequested",), truth=("return_without_verification",))
def bp_no_verify(data, p):
    """A return requested with no verification by the requesting unit since the ticket reached it:
    no citizen contact (`verification_actions`) and no site visit or coordination (`ProgressNoted` of a
    kind in `verification_progress_kinds`) between its latest dispatch and the request.

    Basis: MISSION.md 退单 — "returning without having checked anything (no contact, no site visit) is
    exactly the abuse the reporting describes". Responsible: the requester and their unit.
    """
    ev = data.ev
    rr = return_requests(ev).select(t="ticket_id", r_seq="seq", unit_id="actor_unit_id", person_id="actor_id",
                                    reason="reason", basis="basis")
    d = ev.filter(_.action == "Dispatched").select(dt="ticket_id", d_seq="seq")
    start = rr.left_join(d, [rr.t == d.dt, d.d_seq < rr.r_seq]).group_by(
        ["t", "r_seq", "unit_id", "person_id", "reason", "basis"]).aggregate(since_seq=_.d_seq.max())
    verify = ev.filter(_.action.isin(p["verification_actions"])
                       | ((_.action == "ProgressNoted") & _.kind.isin(p["verification_progress_kinds"])))
    v = verify.select(vt="ticket_id", v_seq="seq", v_unit="actor_unit_id")
    start = start.mutate(since_seq=ibis.coalesce(_.since_seq, 0))
    joined = start.left_join(v, [start.t == v.vt, start.unit_id == v.v_unit, v.v_seq > start.since_seq,
                                 v.v_seq < start.r_seq])
    counted = joined.group_by(["t", "r_seq", "unit_id", "person_id", "reason", "basis", "since_seq"]).aggregate(
        verifications=_.v_seq.count())
    return counted.filter(_.verifications == 0).mutate(
        ticket_id=_.t, seqs=ibis.array([_.since_seq, _.r_seq]),
        subject=_.t.concat(":", _.r_seq.cast("string")),
        texts=ibis.array([ibis.coalesce(_.reason, "")]),
    ).drop("t")


@rule("BP-REJECTED", triggers=("ReturnRejected", "ReturnRequested"), truth=("return_rejected",))
def bp_rejected(data, p):
    """A ticket on which the centre rejected return requests `min_rejected` times or more (high from
    `high_rejected`): the unit tried to return a ticket that was its business.

    Basis: MISSION.md 推诿扯皮 ("returns the centre rejected"); 退单审核 驳回 → the unit must handle it.
    Responsible: the requester of the latest rejected return and their unit.
    """
    ev = data.ev
    rejected = ev.filter(_.action == "ReturnRejected").select(t="ticket_id", j_seq="seq", rid="request_id",
                                                              why="reason")
    rr = return_requests(ev).select(rt="ticket_id", r_seq="seq", request_id="request_id", unit_id="actor_unit_id",
                                    person_id="actor_id")
    pairs = rejected.left_join(rr, [rejected.t == rr.rt, rejected.rid == rr.request_id])
    per_ticket = pairs.group_by("t").aggregate(
        rejected=_.j_seq.count(), unit_id=_.unit_id.argmax(_.j_seq), person_id=_.person_id.argmax(_.j_seq),
        rejected_seqs=_.j_seq.collect(), request_seqs=_.r_seq.collect(), texts=_.why.collect())
    return per_ticket.filter(_.rejected >= p["min_rejected"]).mutate(
        ticket_id=_.t, seqs=_.rejected_seqs.concat(_.request_seqs),
        severity=ibis.ifelse(_.rejected >= p["high_rejected"], "high", "medium"),
    ).drop("t", "rejected_seqs", "request_seqs")
