"""Buck-passing (推诿扯皮): returns, ping-pong, cycles, returns without verification, rejected returns."""

from __future__ import annotations

import ibis
from ibis import _

from rexian.analytics.facts import arrivals
from rexian.analytics.registry import intermediate, rule


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


def stays(arrived):
    """One row per stay of a ticket at a unit, from its arrivals (`arrived`: ticket_id, seq, unit_id; the centre's
    dispatches and peer units' sideways hand-overs (转办) alike) in order, consecutive repeats of the same unit
    collapsed (A,B,B,A is A,B,A: a flow log that records a group twice has not moved the ticket), with `pos`
    (1, 2 …), the seq of the arrival (`seq`) and of the next one at another unit (`until_seq`), and the next two
    stays' units (`next1`, `next2`) and the second's arrival (`next2_seq`), all in one ordering."""
    w = ibis.window(group_by="ticket_id", order_by="seq")
    d = arrived.mutate(prev=_.unit_id.lag(1).over(w))
    kept = d.filter(_.prev.isnull() | (_.prev != _.unit_id)).select("ticket_id", "seq", "unit_id")
    return kept.mutate(pos=ibis.row_number().over(w) + 1, until_seq=_.seq.lead(1).over(w),
                       next1=_.unit_id.lead(1).over(w), next2=_.unit_id.lead(2).over(w),
                       next2_seq=_.seq.lead(2).over(w))


def passers(ev, stays):
    """`stays` (rows of `stays`, any further columns kept) with the person who passed the ticket on from
    there (`passer_id`, `passer_seq`, `person_basis`): the first who asked to return it, or else the one who
    handed it over sideways, or else the last person of that unit to act on it before it moved (who let it
    bounce), or else the unit's person on the ticket at another time, said as such. The unit's acts are read
    only for the tickets and units of `stays`, so a caller that needs few stays' passers pays for those."""
    acts = ev.filter(_.actor_unit_id.notnull() & _.actor_id.notnull()).select(
        at_="ticket_id", a_seq="seq", a_unit="actor_unit_id", a_person="actor_id", a_action="action")
    keys = stays.select(k_t="ticket_id", k_u="unit_id").distinct()
    acts = acts.semi_join(keys, [acts.at_ == keys.k_t, acts.a_unit == keys.k_u])
    joined = stays.left_join(acts, [stays.ticket_id == acts.at_, stays.unit_id == acts.a_unit, acts.a_seq > stays.seq,
                                    acts.a_seq <= ibis.coalesce(stays.until_seq, 2**62)])
    is_return, is_hand_over = _.a_action == "ReturnRequested", _.a_action == "HandedOver"
    per = joined.group_by(stays.columns).aggregate(
        returner=_.a_person.argmin(_.a_seq, where=is_return), return_seq=_.a_seq.min(where=is_return),
        handed=_.a_person.argmax(_.a_seq, where=is_hand_over), handed_seq=_.a_seq.max(where=is_hand_over),
        last_actor=_.a_person.argmax(_.a_seq), last_seq=_.a_seq.max())
    # Nobody of the unit acted during that stay: its person on the ticket at another time, said as such.
    unit_person = acts.group_by(["at_", "a_unit"]).aggregate(u_person=_.a_person.argmax(_.a_seq))
    per = per.left_join(unit_person, [per.ticket_id == unit_person.at_, per.unit_id == unit_person.a_unit])
    basis = ibis.ifelse(_.returner.notnull(), "申请退单", ibis.ifelse(_.handed.notnull(), "平级转办", ibis.ifelse(
        _.last_actor.notnull(), "移交前最后经办", ibis.ifelse(_.u_person.notnull(), "该单位在本工单的经办人",
                                                        ibis.null("string")))))
    return per.mutate(passer_id=ibis.coalesce(_.returner, _.handed, _.last_actor, _.u_person),
                      passer_seq=ibis.coalesce(_.return_seq, _.handed_seq, _.last_seq), person_basis=basis).drop(
        "returner", "return_seq", "handed", "handed_seq", "last_actor", "last_seq", "u_person", "at_", "a_unit")


@intermediate
def revisits(data):
    """Each return of a ticket to a unit it had left: the later stay (`seq`) with the earlier one at the same
    unit (`first_seq`, its passer) and the units in between (`between` stays; 1 = a ping-pong A,B,A, 2 or
    more = a cycle, A,B,C,A or longer, e.g. after four other units). Read by BP-PINGPONG and BP-CYCLE: kept
    once per batch run (`registry.intermediate`). Passers are looked up only for the stays a ticket later
    comes back from (most tickets never return to a unit: their acts are not read)."""
    arrived = arrivals(data.ev).filter(_.unit_id.notnull()).select("ticket_id", "seq", "unit_id")
    # A ticket comes back to a unit it had left only after three arrivals or more (A,B,A): only those are ordered.
    returning = arrived.group_by("ticket_id").aggregate(arrivals=_.seq.count()).filter(_.arrivals >= 3)
    same = ibis.window(group_by=["ticket_id", "unit_id"], order_by="seq")
    all_stays = stays(arrived.semi_join(returning, "ticket_id")).mutate(
        prev_pos=_.pos.lag(1).over(same), back_pos=_.pos.lead(1).over(same))
    later = all_stays.filter(_.prev_pos.notnull()).select(lt="ticket_id", l_seq="seq", l_pos="pos",
                                                          prev_pos="prev_pos")
    left = passers(data.ev, all_stays.filter(_.back_pos.notnull()).drop("prev_pos", "back_pos"))
    pairs = later.join(left, [later.lt == left.ticket_id, later.prev_pos == left.pos])
    return pairs.mutate(between=_.l_pos - _.prev_pos - 1).select(
        "ticket_id", "unit_id", first_seq="seq", seq="l_seq", between="between", next1="next1", next2="next2",
        next1_seq="until_seq", next2_seq="next2_seq", person_id="passer_id", passer_seq="passer_seq",
        person_basis="person_basis")


@rule("BP-PINGPONG", triggers=("Dispatched", "HandedOver", "ReturnRequested"), truth=("return_pingpong",))
def bp_pingpong(data, p):
    """A ticket at unit A, then B, then A again (A→B→A), whether moved by the centre's dispatch or by a
    sideways hand-over (转办) between peers, whatever the reasons given; repeated arrivals at the same unit in
    a row count once (A,B,B,A is a ping-pong).

    Basis: MISSION.md 推诿扯皮 ("5 returns between two bureaus"). Responsible: unit A, which let it go first,
    and the person who passed it on from A: the first who asked to return it there, or else the one who
    handed it over, or else the last person of A to act on it before it moved; unit B is in the evidence
    values.
    """
    bounce = revisits(data).filter(_.between == 1)
    first = bounce.group_by("ticket_id").aggregate(
        unit_id=_.unit_id.argmin(_.seq), other_unit_id=_.next1.argmin(_.seq), bounces=_.seq.count(),
        person_id=_.person_id.argmin(_.seq), person_basis=_.person_basis.argmin(_.seq),
        s1=_.first_seq.argmin(_.seq), s2=_.next1_seq.argmin(_.seq), s3=_.seq.min(), s4=_.passer_seq.argmin(_.seq))
    return first.mutate(seqs=ibis.array([_.s1, _.s2, _.s3, _.s4]),
                        severity=ibis.ifelse(_.bounces >= 2, "high", "medium")).drop("s1", "s2", "s3", "s4")


@rule("BP-CYCLE", triggers=("Dispatched", "HandedOver", "ReturnRequested"), truth=("return_cycle",))
def bp_cycle(data, p):
    """A ticket that comes back to a unit after passing through two or more other units: A→B→C→A, or a
    revisit after four or more others (A→B→C→D→E→A), by dispatches and sideways hand-overs (转办) alike;
    repeats in a row count once.

    Basis: MISSION.md 推诿扯皮 (cycles A→B→C→A). Responsible: unit A, which let it go first, and the person
    who passed it on from A (the first who asked to return it, or else the one who handed it over, or else
    A's last actor on it).
    """
    cycle = revisits(data).filter(_.between >= 2)
    first = cycle.group_by("ticket_id").aggregate(
        unit_id=_.unit_id.argmin(_.seq), second_unit_id=_.next1.argmin(_.seq), third_unit_id=_.next2.argmin(_.seq),
        units_between=_.between.argmin(_.seq), person_id=_.person_id.argmin(_.seq),
        person_basis=_.person_basis.argmin(_.seq),
        s1=_.first_seq.argmin(_.seq), s2=_.next1_seq.argmin(_.seq), s3=_.next2_seq.argmin(_.seq), s4=_.seq.min(),
        s5=_.passer_seq.argmin(_.seq))
    return first.mutate(seqs=ibis.array([_.s1, _.s2, _.s3, _.s4, _.s5]), severity=ibis.literal("high")).drop(
        "s1", "s2", "s3", "s4", "s5")


@rule("BP-NO-VERIFY", triggers=("ReturnRequested", "HandedOver"), truth=("return_without_verification",))
def bp_no_verify(data, p):
    """A return requested, or a ticket handed over sideways to a peer unit (转办), with no verification by
    that unit since the ticket reached it: no citizen contact (`verification_actions`) and no site visit or
    coordination (`ProgressNoted` of a kind in `verification_progress_kinds`) between its latest arrival
    (dispatch or hand-over) and the request or hand-over; `passed_as` says which.

    Basis: MISSION.md 退单 — "returning without having checked anything (no contact, no site visit) is
    exactly the abuse the reporting describes"; a hand-over sideways passes the ticket on just the same.
    Responsible: the requester (or the person who handed it over) and their unit. Not judged: an undated move
    read from a chain of units (`undated`), which records no action of the unit at all, checks or not.
    """
    ev = data.ev
    rr = ev.filter(_.action.isin(("ReturnRequested", "HandedOver")) & ~ibis.coalesce(_.undated, False)).select(
        t="ticket_id", r_seq="seq", unit_id="actor_unit_id", person_id="actor_id", reason="reason", basis="basis",
        passed_as=ibis.ifelse(_.action == "HandedOver", "平级转办", "申请退单"))
    d = arrivals(ev).select(dt="ticket_id", d_seq="seq")
    start = rr.left_join(d, [rr.t == d.dt, d.d_seq < rr.r_seq]).group_by(
        ["t", "r_seq", "unit_id", "person_id", "reason", "basis", "passed_as"]).aggregate(since_seq=_.d_seq.max())
    verify = ev.filter(_.action.isin(p["verification_actions"])
                       | ((_.action == "ProgressNoted") & _.kind.isin(p["verification_progress_kinds"])))
    v = verify.select(vt="ticket_id", v_seq="seq", v_unit="actor_unit_id")
    start = start.mutate(since_seq=ibis.coalesce(_.since_seq, 0))
    joined = start.left_join(v, [start.t == v.vt, start.unit_id == v.v_unit, v.v_seq > start.since_seq,
                                 v.v_seq < start.r_seq])
    counted = joined.group_by(["t", "r_seq", "unit_id", "person_id", "reason", "basis", "passed_as",
                               "since_seq"]).aggregate(
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
