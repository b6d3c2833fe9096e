"""False closure (虚假办结), manufactured satisfaction (被满意) and dissatisfaction (回访不满意):
rules over closure requests and follow-up visits."""

from __future__ import annotations

import ibis
from ibis import _

from rexian.analytics.facts import (CLOSING_ACTIONS, HANDLER_ACTIONS, MOVE_ACTIONS, arrivals, last_before,
                                   next_same_matter)
from rexian.analytics.registry import rule
from rexian.domain.vocabulary import SATISFIED

# Real-time triggers shared by several rules (see `rule(triggers=…)`).
VISIT = ("Visited", "ClosureRequested")
# Closed, then the same matter again: arrivals, closures (the close time, who asked to close) and visits.
AFTER_CLOSE = ("TicketReceived", "Merged", "ClosureRequested", "Visited") + CLOSING_ACTIONS
# Rules that judge a request by what happened BEFORE it (FC-NO-EVIDENCE, FC-INSTANT) only need the request
# itself as trigger: later events cannot change them.

def _visits(ev):
    return ev.filter(_.action == "Visited").select(
        t="ticket_id", x_seq="seq", visitor_id="actor_id", visitor_unit_id="actor_unit_id", resolved="resolved",
        satisfaction="satisfaction", method="method", call_id="call_id", visit_note="note", reached="reached")


def _visit_outcome_rule(data, bad):
    """Visits matching `bad`, per ticket, blamed on the closure request just before each visit."""
    ev = data.ev
    visits = _visits(ev).filter(bad).select("t", "x_seq", "satisfaction")
    blamed = last_before(visits, ev.filter(_.action == "ClosureRequested"), "closure")
    per_ticket = blamed.group_by("t").aggregate(
        bad_visits=_.x_seq.count(), unit_id=_.closure_unit_id.argmax(_.x_seq),
        person_id=_.closure_person_id.argmax(_.x_seq), visit_seqs=_.x_seq.collect(),
        closure_seqs=_.closure_seq.collect(), texts=_.closure_text.collect())
    return per_ticket.mutate(
        ticket_id=_.t, seqs=_.visit_seqs.concat(_.closure_seqs),
        severity=ibis.ifelse(_.bad_visits >= 2, "high", "medium"),
    ).drop("t", "visit_seqs", "closure_seqs")


@rule("FC-UNRESOLVED", triggers=VISIT, truth=("closed_unresolved",), judges={"Visited": ("resolved",)})
def fc_unresolved(data, p):
    """The follow-up visit after a closure records the matter as unresolved (未解决): the unit asked to
    close a ticket it had not solved. High when it happened again after redo.

    Basis: MISSION.md 虚假办结 ("closed but the citizen says unresolved"); 回访 is independent of the unit.
    Responsible: the person who requested the closure the visit refers to, and their unit.
    """
    return _visit_outcome_rule(data, _.resolved == False)  # noqa: E712 (Ibis expression)


@rule("DS-UNSATISFIED", triggers=VISIT, truth=("unsatisfied_visit",), judges={"Visited": ("satisfaction",)})
def ds_unsatisfied(data, p):
    """The follow-up visit records the citizen as unsatisfied (不满意); high when unsatisfied again after
    redo (two or more unsatisfied visits).

    Basis: MISSION.md 回访不满意, counted by ticket, unit and person including after redo. Responsible:
    the person who requested the closure the visit judged, and their unit.
    """
    return _visit_outcome_rule(data, _.satisfaction == "unsatisfied")


def _complaints(tk, p):
    """Tickets that can make a matter "come back": not of a kind in `exclude_kinds` (a consultation,
    suggestion or praise about the same place is not the problem reported again)."""
    return tk.filter(~ibis.coalesce(_.kind, "").isin(list(p.get("exclude_kinds") or [""])))


def _repeat_after(data, p, satisfied: bool):
    tk, ev = _complaints(data.tk, p), data.ev
    repeats = next_same_matter(tk, p["window_days"], after="closed_ts")
    last_visit = _visits(ev).group_by("t").aggregate(
        satisfaction=_.satisfaction.argmax(_.x_seq), visit_seq=_.x_seq.max(), visitor_id=_.visitor_id.argmax(_.x_seq),
        v_resolved=_.resolved.argmax(_.x_seq), v_reached=_.reached.argmax(_.x_seq))
    joined = repeats.left_join(last_visit, repeats.a == last_visit.t).drop("t")
    was_satisfied = ibis.coalesce(_.satisfaction.isin(SATISFIED), False)
    # A last visit that recorded no satisfaction, yet reached the citizen (or did not say) and did not record the
    # matter unresolved — an outcome the export did not carry or we could not read — is unknown, not "not satisfied".
    unknown = _.visit_seq.notnull() & _.satisfaction.isnull() & ibis.coalesce(_.v_reached, True) & ibis.coalesce(
        _.v_resolved, True)
    joined = joined.filter(was_satisfied if satisfied else ~was_satisfied & ~unknown).drop("v_resolved", "v_reached")
    closers = ev.filter(_.action == "ClosureRequested").group_by("ticket_id").aggregate(
        unit_id=_.actor_unit_id.argmax(_.seq), person_id=_.actor_id.argmax(_.seq), closure_seq=_.seq.max())
    joined = joined.left_join(closers, joined.a == closers.ticket_id).drop("ticket_id")
    return joined.mutate(ticket_id=_.a, ticket_ids=ibis.array([_.a, _.b]), repeat_ticket_id=_.b, subject=_.a,
                         seqs=ibis.array([_.closure_seq, _.visit_seq])).drop("a", "b")


@rule("FC-REPEAT-AFTER-CLOSE", triggers=AFTER_CLOSE, same_matter=True, truth=("repeat_after_close",))
def fc_repeat_after_close(data, p):
    """A ticket closed after a closure request, and a new ticket on the same matter (same place and
    category, any caller; not a consultation, suggestion or praise — `exclude_kinds`) arrives within
    `window_days` of the close, while the follow-up visit did NOT record the citizen as satisfied (if it
    did, see MS-SATISFIED-REPEAT): no visit, or the last one recorded dissatisfaction, an unresolved matter or
    a citizen not reached. A last visit whose satisfaction is unknown (not recorded or not read, the citizen
    reached and nothing said unresolved) is not taken as "not satisfied": no finding.

    Basis: MISSION.md 虚假办结 ("the same matter reported again soon after closure"). Responsible: the
    person who requested the closure and their unit. Evidence: both tickets.
    """
    return _repeat_after(data, p, satisfied=False)


@rule("MS-SATISFIED-REPEAT", triggers=AFTER_CLOSE, same_matter=True, truth=("satisfied_then_repeat",),
      judges={"Visited": ("satisfaction",)})
def ms_satisfied_repeat(data, p):
    """The last follow-up visit recorded 满意/基本满意, yet a new ticket on the same matter (same place and
    category; not of a kind in `exclude_kinds`) arrives within `window_days` of the close: the
    satisfaction is suspect (被满意).

    Basis: MISSION.md 被满意/数据造假 ("'Satisfied' recorded, yet the matter comes back"). Responsible: the
    person who requested the closure and their unit; the visitor is in the values.
    """
    return _repeat_after(data, p, satisfied=True)


@rule("FC-NO-EVIDENCE", triggers=("ClosureRequested",), truth=("closure_without_evidence",),
      judges={"ClosureRequested": ("evidence", "contact_seqs")})
def fc_no_evidence(data, p):
    """A closure request with no evidence attached, or relying on no citizen contact: its `contact_seqs`
    is empty and no `CitizenContacted` event precedes it on the ticket. The finding says which half failed
    (`lacking`: evidence, contact or both; `lacking_zh` in words).

    Basis: MISSION.md 申请办结 ("a closure request carries evidence: contact with the citizen, site
    photos, documents") and 虚假办结 ("closure requested without evidence or without contacting the
    citizen"). Responsible: the requester and their unit. One finding per request.

    Cannot judge (`judges`): an imported source none of whose closure requests records evidence or a
    contact reference has lost those fields in its export; its requests are left out rather than all
    reported. Each half is judged only where its source records it: the evidence half when some closure
    request of the source carries evidence, the contact half when the source records citizen contacts at
    all (Rexian's own workflow records both) — a missing column is not a missing attachment.
    """
    ev = data.ev.mutate(src=ibis.coalesce(_.source, "rexian"))
    requests = ev.filter(_.action == "ClosureRequested").select(
        t="ticket_id", x_seq="seq", unit_id="actor_unit_id", person_id="actor_id", evidence_items="evidence_n",
        contact_refs="contact_seqs_n", reply="reply", x_src="src")
    records = ev.group_by("src").aggregate(
        evidence_recorded=((_.action == "ClosureRequested") & (_.evidence_n > 0)).any() | (_.src == "rexian").any(),
        contacts_recorded=(_.action == "CitizenContacted").any() | (_.contact_seqs_n > 0).any()
        | (_.src == "rexian").any())
    requests = requests.join(records, requests.x_src == records.src).drop("src")
    contacts = ev.filter(_.action == "CitizenContacted").select(ct="ticket_id", c_seq="seq")
    joined = requests.left_join(contacts, [requests.t == contacts.ct, contacts.c_seq < requests.x_seq])
    counted = joined.group_by(requests.columns).aggregate(contacts_before=_.c_seq.count())
    counted = counted.mutate(
        no_evidence=_.evidence_recorded & (_.evidence_items == 0),
        no_contact=_.contacts_recorded & (_.contact_refs == 0) & (_.contacts_before == 0))
    hit = counted.filter(_.no_evidence | _.no_contact)
    lacking = ibis.cases((_.no_evidence & _.no_contact, "evidence+contact"), (_.no_evidence, "evidence"),
                         else_="contact")
    evidence_part = ibis.ifelse(_.no_evidence, "未附佐证材料", ibis.ifelse(
        _.evidence_recorded, "", "（该来源的导出没有佐证字段，佐证未判断）"))
    contact_part = ibis.ifelse(_.no_contact, "办结前未联系市民", ibis.ifelse(
        _.contacts_recorded, "", "（该来源没有联系市民记录，联系未判断）"))
    return hit.mutate(
        ticket_id=_.t, seqs=ibis.array([_.x_seq]), subject=_.t.concat(":", _.x_seq.cast("string")),
        texts=ibis.array([ibis.coalesce(_.reply, "")]), lacking=lacking,
        lacking_zh=ibis.ifelse(_.no_evidence & _.no_contact, "未附佐证材料且办结前未联系市民",
                               evidence_part.concat(contact_part)),
        severity=ibis.ifelse(_.no_evidence & _.no_contact, "high", "medium"),
    ).drop("t", "x_seq", "reply", "x_src", "no_evidence", "no_contact")


@rule("FC-REJECTED-CLOSURES", triggers=("ClosureRejected", "ClosureRequested"), truth=("closures_rejected",))
def fc_rejected_closures(data, p):
    """The centre rejected the ticket's closure requests `min_rejected` times or more (high from
    `high_rejected`).

    Basis: MISSION.md 虚假办结 ("closure requests rejected repeatedly"); 办结审核 驳回 → redo. Responsible:
    the requester of the latest rejected closure and their unit.
    """
    ev = data.ev
    rejected = ev.filter(_.action == "ClosureRejected").select(t="ticket_id", j_seq="seq", rid="request_id",
                                                               why="reason")
    req = ev.filter(_.action == "ClosureRequested").select(rt="ticket_id", r_seq="seq", request_id="request_id",
                                                          unit_id="actor_unit_id", person_id="actor_id")
    pairs = rejected.left_join(req, [rejected.t == req.rt, rejected.rid == req.request_id])
    per_ticket = pairs.group_by("t").aggregate(
        rejected=_.j_seq.count(), unit_id=_.unit_id.argmax(_.j_seq), person_id=_.person_id.argmax(_.j_seq),
        rejected_seqs=_.j_seq.collect(), request_seqs=_.r_seq.collect(), texts=_.why.collect())
    return per_ticket.filter(_.rejected >= p["min_rejected"]).mutate(
        ticket_id=_.t, seqs=_.rejected_seqs.concat(_.request_seqs),
        severity=ibis.ifelse(_.rejected >= p["high_rejected"], "high", "medium"),
    ).drop("t", "rejected_seqs", "request_seqs")


@rule("FC-INSTANT", triggers=("ClosureRequested",), truth=("instant_closure",))
def fc_instant(data, p):
    """A ticket's first closure request made within `max_minutes` of the requesting unit's receipt of
    the ticket — its latest sign-for (签收) before the request, else the latest dispatch to it — with no
    handling recorded in between (`handling_actions`: progress, forwarding, forward reports). A citizen
    contact alone does not count as handling: the workflow requires one before any closure request, and
    a token call ("已联系") is exactly what a fake closer records. Direct closes at intake are not counted.

    Basis: MISSION.md 虚假办结 ("closed minutes after receipt with no handling recorded"). Responsible:
    the requester and their unit.
    """
    ev = data.ev
    req = ev.filter(_.action == "ClosureRequested").select(
        t="ticket_id", x_seq="seq", x_ts="ts", unit_id="actor_unit_id", person_id="actor_id", reply="reply")
    first_req = req.group_by("t").aggregate(
        x_seq=_.x_seq.min(), x_ts=_.x_ts.argmin(_.x_seq), unit_id=_.unit_id.argmin(_.x_seq),
        person_id=_.person_id.argmin(_.x_seq), reply=_.reply.argmin(_.x_seq))
    receipts = ev.filter(_.action.isin(("SignedFor",) + MOVE_ACTIONS)).select(
        rt="ticket_id", r_seq="seq", r_ts="ts", r_signed=_.action == "SignedFor",
        r_unit=ibis.coalesce(_.lead_unit_id, _.target_unit_id, _.actor_unit_id))
    joined = first_req.join(receipts, [first_req.t == receipts.rt, receipts.r_seq < first_req.x_seq,
                                       receipts.r_unit == first_req.unit_id])
    # The latest sign-for if there is one, else the latest dispatch to the unit.
    received = joined.group_by(first_req.columns).aggregate(
        signed_seq=_.r_seq.max(where=_.r_signed), signed_ts=_.r_ts.argmax(ibis.ifelse(_.r_signed, _.r_seq, -1)),
        any_signed=_.r_signed.any(), dispatched_ts=_.r_ts.argmax(_.r_seq), dispatched_seq=_.r_seq.max())
    received = received.mutate(
        received_seq=ibis.ifelse(_.any_signed, _.signed_seq, _.dispatched_seq),
        received_ts=ibis.ifelse(_.any_signed, _.signed_ts, _.dispatched_ts))
    timed = received.mutate(minutes=(_.x_ts - _.received_ts) / 60.0).filter(_.minutes <= p["max_minutes"]).drop(
        "signed_seq", "signed_ts", "any_signed", "dispatched_ts", "dispatched_seq")
    h = ev.filter(_.action.isin(p["handling_actions"])).select(ht="ticket_id", h_seq="seq")
    joined = timed.left_join(h, [timed.t == h.ht, h.h_seq > timed.received_seq, h.h_seq < timed.x_seq])
    counted = joined.group_by(timed.columns).aggregate(handling_events=_.h_seq.count())
    return counted.filter(_.handling_events == 0).mutate(
        ticket_id=_.t, seqs=ibis.array([_.received_seq, _.x_seq]), texts=ibis.array([ibis.coalesce(_.reply, "")]),
    ).drop("t", "x_seq", "x_ts", "received_ts", "received_seq", "reply")


@rule("MS-VISIT-NO-CALL", batch_only="需要话务系统通话记录(calls)，不在工单事件流中", truth=("visit_without_call",),
      needs=("ev", "calls"), judges={"Visited": ("call_id",), "calls": ("ticket_id",)})
def ms_visit_no_call(data, p):
    """A follow-up visit by phone (`phone_methods`; an imported visit that names no method counts as one:
    回访 is a call back) that no answered call record supports: its `call_id` matches no call with an
    answer time or, when the visit names no call, no answered call that is not inbound was made on its
    ticket (the call's `ticket_id`) within `link_hours` of the visit. A visit that did not reach the citizen
    (未联系上, `reached` false) needs only a call attempt.

    Basis: MISSION.md 被满意/数据造假 ("follow-up calls that no call record supports"). Responsible: the
    visitor who recorded it and their unit. Runs only when the `calls` table is given.

    Cannot judge (`judges`): an imported source whose visits name no call, when no call record names a
    ticket either — the export holds no link between visits and calls, so every visit would be reported.
    Not judged: a visit more than `link_hours` before the first call record (the call records begin later).
    """
    ev = data.ev
    visits = ev.filter((_.action == "Visited") & (_.method.isin(p["phone_methods"]) | _.method.isnull())).select(
        t="ticket_id", x_seq="seq", x_ts="ts", visitor_id="actor_id", visitor_unit_id="actor_unit_id",
        resolved="resolved", satisfaction="satisfaction", method="method", call_id="call_id",
        attempt_only=ibis.coalesce(_.reached, True) == False)  # noqa: E712 — 未联系上: a call attempt is enough
    calls = data.calls.select(cid="call_id", answered=_.answer_at.notnull(), ct="ticket_id",
                              c_ts=_.ring_at.epoch_seconds(), outbound=ibis.coalesce(_.direction, "out") != "in")
    window = p["link_hours"] * 3600
    # Only visits after the call records begin: an export's calls often start later than its tickets (a
    # change log's initial snapshot, a calls file for the latest month), and no record can support or refute
    # a visit made before the first call.
    start = calls.aggregate(first_ts=_.c_ts.min())
    visits = visits.cross_join(start).filter(_.x_ts >= _.first_ts - window).drop("first_ts")
    # Two equi-joins (by the call named, or by the ticket when none is named), never one join on an OR: that
    # is a nested loop over every visit and every call (63M pairs at 6k visits and 10k calls).
    named, unnamed = visits.filter(_.call_id.notnull()), visits.filter(_.call_id.isnull())
    by_call = named.left_join(calls, [named.call_id == calls.cid, calls.answered | named.attempt_only])
    by_ticket = unnamed.left_join(calls, [unnamed.t == calls.ct, calls.outbound, calls.answered | unnamed.attempt_only,
                                          (calls.c_ts - unnamed.x_ts).abs() <= window])
    joined = by_call.union(by_ticket, distinct=False)
    counted = joined.group_by(visits.columns).aggregate(supported=_.cid.count())
    return counted.filter(_.supported == 0).mutate(
        ticket_id=_.t, seqs=ibis.array([_.x_seq]), unit_id=_.visitor_unit_id, person_id=_.visitor_id,
        subject=_.t.concat(":", _.x_seq.cast("string")),
        severity=ibis.ifelse(_.satisfaction.isin(SATISFIED), "high", "medium"),
    ).drop("t", "x_seq", "x_ts", "visitor_unit_id", "visitor_id", "supported", "attempt_only")


@rule("MS-VISIT-BY-HANDLER", triggers=("Visited", "Dispatched") + HANDLER_ACTIONS, truth=("visit_by_handler",))
def ms_visit_by_handler(data, p):
    """A follow-up visit recorded by someone who handled the ticket, or by a unit the ticket was
    dispatched to: the visit is not independent of the handling unit.

    Basis: MISSION.md 回访 ("independent of the handling unit") and 被满意 ("follow-up calls ... that the
    handling unit made itself"). Responsible: the visitor and their unit.
    """
    ev = data.ev
    visits = _visits(ev)
    acted = ev.filter(_.action.isin(HANDLER_ACTIONS)).select(at_="ticket_id", a_person="actor_id", a_unit="actor_unit_id")
    lead = arrivals(ev).select(at_="ticket_id", a_person=ibis.null("string"), a_unit="unit_id")
    involved = acted.union(lead).distinct()
    joined = visits.join(involved, [visits.t == involved.at_, (visits.visitor_id == involved.a_person)
                                    | (visits.visitor_unit_id == involved.a_unit)])
    per_visit = joined.group_by(["t", "x_seq", "visitor_id", "visitor_unit_id", "satisfaction"]).aggregate(
        handling_unit_id=_.a_unit.max())
    return per_visit.mutate(
        ticket_id=_.t, seqs=ibis.array([_.x_seq]), unit_id=_.visitor_unit_id, person_id=_.visitor_id,
        subject=_.t.concat(":", _.x_seq.cast("string")), severity=ibis.literal("high"),
    ).drop("t", "x_seq", "visitor_unit_id", "visitor_id")


@rule("MS-RATED-UNSATISFIED", triggers=("Visited", "CitizenRated"), judges={"CitizenRated": ("rating",)},
      no_truth_because="the simulated citizens do not rate on the portal; firing fixture and near misses in "
                       "tests/analytics/test_rules_citizen_rating.py (batch) and tests/realtime/test_citizen_rating.py")
def ms_rated_unsatisfied(data, p):
    """The last follow-up visit recorded the citizen as 满意 or 基本满意, while the citizen's own rating on the
    portal (`CitizenRated`, once, by the citizen alone) says 不满意: the recorded satisfaction is contradicted by
    the citizen's own word. High when the visit recorded 满意 outright, medium for 基本满意. A visit recording
    不满意 (or a later visit after redo that does) agrees with the citizen: no finding.

    Basis: MISSION.md 被满意 / 数据造假 ("satisfied recorded, yet …"); the portal rating is the one satisfaction
    figure no staff member can enter (domain/reviews.py `rate`). Responsible: the person who recorded the visit,
    and their unit; the unit whose closure the visit judged is in the evidence (`closure_unit_id`).
    """
    ev = data.ev
    last_visit = _visits(ev).group_by("t").aggregate(
        x_seq=_.x_seq.max(), satisfaction=_.satisfaction.argmax(_.x_seq), person_id=_.visitor_id.argmax(_.x_seq),
        unit_id=_.visitor_unit_id.argmax(_.x_seq))
    ratings = ev.filter((_.action == "CitizenRated") & (_.rating == "unsatisfied")).group_by("ticket_id").aggregate(
        rating_seq=_.seq.max())
    hits = last_visit.filter(_.satisfaction.isin(SATISFIED)).join(ratings, last_visit.t == ratings.ticket_id)
    closers = ev.filter(_.action == "ClosureRequested").group_by("ticket_id").aggregate(
        closure_unit_id=_.actor_unit_id.argmax(_.seq), closure_seq=_.seq.max())
    hits = hits.left_join(closers, hits.t == closers.ticket_id)
    return hits.select(
        ticket_id=_.t, unit_id=_.unit_id, person_id=_.person_id, recorded_satisfaction=_.satisfaction,
        citizen_rating=ibis.literal("unsatisfied"), closure_unit_id=_.closure_unit_id,
        seqs=ibis.array([_.x_seq, _.rating_seq]),
        severity=ibis.ifelse(_.satisfaction == "satisfied", "high", "medium"))


@rule("MS-RATE-MISMATCH", batch_only="单位整体满意率与重复率对比：需要单位全部工单(population rate)",
      supporting=("satisfied_then_repeat",),
      no_truth_because="a unit-level rate; its example tickets are those of satisfied_then_repeat")
def ms_rate_mismatch(data, p):
    """A unit with at least `min_tickets` visited tickets whose satisfaction rate is at least
    `min_satisfaction` while at least `min_repeat_rate` of its closed tickets come back on the same matter
    within `window_days`: the two rates cannot both be true. Tickets of a kind in `exclude_kinds`
    (consultations, suggestions, praise) count in neither rate.

    Basis: MISSION.md 被满意 ("satisfaction rates that do not fit a unit's repeat-complaint rate").
    Responsible: the unit (no single person). Lists up to `max_tickets_listed` satisfied-but-repeated
    tickets.
    """
    tk, ev = _complaints(data.tk, p), data.ev
    last_visit = _visits(ev).group_by("t").aggregate(satisfaction=_.satisfaction.argmax(_.x_seq))
    closed = tk.filter(_.done_ts.notnull() & _.lead_unit_id.notnull()).select("ticket_id", "lead_unit_id")
    repeats = next_same_matter(tk, p["window_days"]).select(rt="a")
    rows = closed.left_join(last_visit, closed.ticket_id == last_visit.t).drop("t")
    rows = rows.left_join(repeats, rows.ticket_id == repeats.rt).mutate(
        repeated=_.rt.notnull(), satisfied=ibis.coalesce(_.satisfaction.isin(SATISFIED), False),
        visited=_.satisfaction.notnull())
    per_unit = rows.group_by("lead_unit_id").aggregate(
        closed_tickets=_.ticket_id.count(), visited_tickets=_.visited.sum(), satisfied_tickets=_.satisfied.sum(),
        repeated_tickets=_.repeated.sum(),
        ticket_ids=_.ticket_id.collect(where=_.repeated & _.satisfied))
    per_unit = per_unit.mutate(
        satisfaction_rate=_.satisfied_tickets / ibis.greatest(_.visited_tickets, 1),
        repeat_rate=_.repeated_tickets / ibis.greatest(_.closed_tickets, 1))
    hits = per_unit.filter((_.visited_tickets >= p["min_tickets"]) & (_.satisfaction_rate >= p["min_satisfaction"])
                           & (_.repeat_rate >= p["min_repeat_rate"]))
    return hits.mutate(unit_id=_.lead_unit_id, subject=_.lead_unit_id,
                       ticket_ids=_.ticket_ids[: p["max_tickets_listed"]]).drop("lead_unit_id")
