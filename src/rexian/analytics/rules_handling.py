"""Forward without follow-up (只转办不跟踪) and delay (久拖不办)."""

from __future__ import annotations

import ibis
from ibis import _

from rexian.analytics.facts import HANDLER_ACTIONS, arrivals, handlers
from rexian.analytics.registry import rule


def _with_handler(rows, ev, unit_col: str = "unit_id"):
    """Add `person_id`: the person who last acted for the responsible unit on the ticket."""
    h = handlers(ev).rename(ht="ticket_id", hu="unit_id")
    return rows.left_join(h, [rows.ticket_id == h.ht, rows[unit_col] == h.hu]).drop("ht", "hu").rename(
        person_id="handler_id")


def _with_idle_handler(rows, ev):
    """Add `person_id` for a gap: the person who last acted for the unit at or before the gap began — the one
    who let the ticket lie, not a colleague who picked it up afterwards; the unit's handler when nobody had."""
    h = ev.filter(_.action.isin(HANDLER_ACTIONS) & _.actor_unit_id.notnull() & _.actor_id.notnull()).select(
        bt="ticket_id", bu="actor_unit_id", bs="seq", bid="actor_id")
    before = rows.left_join(h, [rows.ticket_id == h.bt, rows.unit_id == h.bu, h.bs <= rows.gap_seq])
    before = before.group_by(rows.columns).aggregate(before_id=_.bid.argmax(_.bs))
    return _with_handler(before, ev).mutate(person_id=ibis.coalesce(_.before_id, _.person_id)).drop("before_id")


@rule("FF-NO-FOLLOW-UP", batch_only="“转办后N天无跟进”随时间流逝成立，没有事件触发：由定时批量运行发现",
      truth=("forward_no_follow_up",))
def ff_no_follow_up(data, p):
    """A unit forwards the ticket down and then does nothing itself (no progress note, reminder or citizen
    contact — `follow_up_actions`) until it asks to close the ticket (closed on the subordinate's word
    alone, high) or, still open, for `idle_days` (medium).

    Basis: MISSION.md 转派/下派 ("forwarding is not finishing: the unit stays responsible and must follow
    up") and 只转办不跟踪. Responsible: the forwarding unit and the person who forwarded. Not judged: an undated
    forward read from a chain of units (`undated`: no time to count from, no action recorded after it).
    """
    ev = data.ev
    fwd = ev.filter((_.action == "Forwarded") & ~ibis.coalesce(_.undated, False)).select(
        t="ticket_id", f_seq="seq", f_ts="ts", unit_id="actor_unit_id", person_id="actor_id",
        to_unit_id="target_unit_id")
    closure = ev.filter(_.action == "ClosureRequested").select(ct="ticket_id", c_seq="seq", cu="actor_unit_id")
    with_close = fwd.left_join(closure, [fwd.t == closure.ct, closure.cu == fwd.unit_id, closure.c_seq > fwd.f_seq])
    with_close = with_close.group_by(fwd.columns).aggregate(closure_seq=_.c_seq.min())
    follow = ev.filter(_.action.isin(p["follow_up_actions"])).select(ut="ticket_id", u_seq="seq", uu="actor_unit_id")
    joined = with_close.left_join(follow, [with_close.t == follow.ut, follow.uu == with_close.unit_id,
                                           follow.u_seq > with_close.f_seq,
                                           follow.u_seq < ibis.coalesce(with_close.closure_seq, 2**62)])
    counted = joined.group_by(with_close.columns).aggregate(follow_ups=_.u_seq.count())
    idle_days = (data.as_of_ts - _.f_ts) / 86400.0
    hit = counted.filter((_.follow_ups == 0) & (_.closure_seq.notnull() | (idle_days >= p["idle_days"])))
    return hit.mutate(
        ticket_id=_.t, seqs=ibis.array([_.f_seq, _.closure_seq]), subject=_.t.concat(":", _.f_seq.cast("string")),
        days_since_forward=idle_days, closed_on_subordinate_word=_.closure_seq.notnull(),
        severity=ibis.ifelse(_.closure_seq.notnull(), "high", "medium"),
    ).drop("t", "f_seq", "f_ts", "closure_seq")


# Events that set the deadline in force: dispatch, approved extension, redo after a visit, rejected closure.
DEADLINE_ACTIONS = ("Dispatched", "ExtensionApproved", "Reopened", "ClosureRejected")


@rule("DL-OVERDUE", batch_only="超期随时间流逝成立(未办结工单在无新事件时变为超期)：由定时批量运行发现", truth=("overdue",),
      judges={"Dispatched": ("due_at",), "ExtensionApproved": ("new_due_at",), "Reopened": ("due_at",)},
      judges_share=0.5)
def dl_overdue(data, p):
    """A closure requested after the deadline in force at that moment, or a ticket still open and not
    awaiting the centre's ruling on a closure past its deadline at the analysis time — by more than
    `grace_hours`; high from `high_days` late. The deadline in force is the latest one set before the
    moment judged, by dispatch, approved extension, redo after a visit or a rejected closure (重办时限).
    One finding per ticket, with its worst lateness.

    Basis: MISSION.md 办理时限 and 久拖不办 ("past deadline"). Responsible: the unit that asked to close late
    (or the current lead unit of an open ticket) and the person who last acted for it.

    Cannot judge (`judges`, `judges_share`): an imported source fewer than half of whose dispatched tickets
    have a deadline lost its deadlines in the export (map the deadline column or `deadlines.handle_days`).
    """
    ev, tk = data.ev, data.tk
    grace_seconds = int(p["grace_hours"] * 3600)
    due = ev.filter(_.action.isin(DEADLINE_ACTIONS) & ibis.coalesce(_.new_due_at, _.due_at).notnull()).select(
        dt="ticket_id", d_seq="seq", d_at=ibis.coalesce(_.new_due_at, _.due_at),
        d_ts=ibis.coalesce(_.new_due_at, _.due_at).epoch_seconds())
    req = ev.filter(_.action == "ClosureRequested").select(t="ticket_id", x_seq="seq", x_ts="ts", x_at="at",
                                                          unit_id="actor_unit_id")
    in_force = req.join(due, [req.t == due.dt, due.d_seq < req.x_seq]).group_by(req.columns).aggregate(
        due_ts=_.d_ts.argmax(_.d_seq), due_at=_.d_at.argmax(_.d_seq), due_seq=_.d_seq.max())
    # A deadline is an instant: a request is late when it comes after it, to the microsecond.
    late_requests = in_force.filter(_.x_at > _.due_at + ibis.interval(seconds=grace_seconds)).mutate(
        late_days=(_.x_ts - _.due_ts) / 86400.0, still_open=ibis.literal(False)).select(
        "t", "unit_id", "late_days", "still_open", "due_seq", "x_seq")
    last_due = due.group_by("dt").aggregate(due_ts=_.d_ts.argmax(_.d_seq), due_seq=_.d_seq.max())
    last_req = req.group_by("t").aggregate(last_request_seq=_.x_seq.max())
    open_rows = tk.filter(_.is_open & ~_.merged & ~_.direct & _.lead_unit_id.notnull()).select(
        "ticket_id", "lead_unit_id")
    open_rows = open_rows.join(last_due, open_rows.ticket_id == last_due.dt).left_join(
        last_req, open_rows.ticket_id == last_req.t)
    open_late = open_rows.filter(_.due_seq > ibis.coalesce(_.last_request_seq, -1)).select(
        t="ticket_id", unit_id="lead_unit_id", late_days=(data.as_of_ts - _.due_ts) / 86400.0,
        still_open=ibis.literal(True), due_seq="due_seq", x_seq=ibis.null("int64"))
    late = late_requests.union(open_late.filter(_.late_days * 24 > p["grace_hours"]))
    per_ticket = late.group_by("t").aggregate(
        late_days=_.late_days.max(), still_open=_.still_open.any(), unit_id=_.unit_id.argmax(_.late_days),
        due_seq=_.due_seq.argmax(_.late_days), request_seq=_.x_seq.argmax(_.late_days),
        late_requests=_.x_seq.count()).rename(ticket_id="t")
    rows = _with_handler(per_ticket, ev)
    return rows.mutate(seqs=ibis.array([_.due_seq, _.request_seq]),
                       severity=ibis.ifelse(_.late_days >= p["high_days"], "high", "medium")).drop(
        "due_seq", "request_seq")


@rule("DL-EXTENSIONS", triggers=("ExtensionRequested",), truth=("repeated_extensions",))
def dl_extensions(data, p):
    """The unit asked to extend the ticket's deadline `min_extensions` times or more.

    Basis: MISSION.md 延期 and 久拖不办 ("repeated extensions"); setting `max_extensions` caps what the
    workflow grants. Responsible: the last requester and their unit.
    """
    ext = data.ev.filter(_.action == "ExtensionRequested")
    per_ticket = ext.group_by("ticket_id").aggregate(
        extensions=_.seq.count(), seqs=_.seq.collect(), unit_id=_.actor_unit_id.argmax(_.seq),
        person_id=_.actor_id.argmax(_.seq), texts=_.reason.collect())
    return per_ticket.filter(_.extensions >= p["min_extensions"]).mutate(
        severity=ibis.ifelse(_.extensions >= p["min_extensions"] + 2, "high", "medium"))


@rule("DL-IDLE", batch_only="长期无动作本身就是没有事件：由定时批量运行发现", truth=("idle",))
def dl_idle(data, p):
    """After dispatch, `idle_days` or more pass with no event on the ticket while the ball is in the
    handling unit's court (the gap does not start with a request waiting for the centre, a close or a
    visit — `waiting_actions`); for an open ticket the last gap runs to the analysis time.

    Basis: MISSION.md 久拖不办 ("idle for days"). Responsible: the lead unit at the time of the gap and the
    person who last acted for it before the gap (the unit's later handler when nobody had). One finding per
    ticket (its longest gap). Not judged: a gap that starts at an undated move read from a chain of units
    (`undated`: its time is a stand-in, not when the move happened).
    """
    ev, tk = data.ev, data.tk
    threshold = p["idle_days"] * 86400
    waiting = _.action.isin(p["waiting_actions"]) | ibis.coalesce(_.undated, False)
    # Gaps between consecutive events (one window), and the trailing gap of each open ticket; both are
    # filtered to long gaps before anything else is joined, so the joins stay small.
    w = ibis.window(group_by="ticket_id", order_by="seq")
    inner = ev.select("ticket_id", "seq", "ts", "action", "undated").mutate(gap_end=_.ts.lead(1).over(w))
    inner = inner.filter(_.gap_end.notnull() & (_.gap_end - _.ts >= threshold) & ~waiting)
    open_last = tk.filter(_.is_open).select(ot="ticket_id", os="last_seq")
    trailing = ev.join(open_last, [ev.ticket_id == open_last.ot, ev.seq == open_last.os]).select(
        "ticket_id", "seq", "ts", "action", "undated", gap_end=ibis.literal(data.as_of_ts, "int64"))
    trailing = trailing.filter((_.gap_end - _.ts >= threshold) & ~waiting)
    gaps = inner.union(trailing).mutate(idle_days=(_.gap_end - _.ts) / 86400.0).select(
        gt="ticket_id", gap_seq="seq", idle_days="idle_days")
    d = arrivals(ev).select(dt="ticket_id", ds="seq", unit_id="unit_id")
    held = gaps.join(d, [gaps.gt == d.dt, d.ds <= gaps.gap_seq]).group_by(["gt", "gap_seq", "idle_days"]).aggregate(
        dispatch_seq=_.ds.max(), unit_id=_.unit_id.argmax(_.ds))
    rows = held.group_by("gt").aggregate(
        idle_days=_.idle_days.max(), gap_seq=_.gap_seq.argmax(_.idle_days),
        dispatch_seq=_.dispatch_seq.argmax(_.idle_days), unit_id=_.unit_id.argmax(_.idle_days),
        gaps=_.gap_seq.count()).rename(ticket_id="gt")
    rows = _with_idle_handler(rows, ev)
    return rows.mutate(seqs=ibis.array([_.dispatch_seq, _.gap_seq]),
                       severity=ibis.ifelse(_.idle_days >= 2 * p["idle_days"], "high", "medium")).drop(
        "dispatch_seq", "gap_seq")


@rule("DL-LONG-OPEN", batch_only="长期未办结随时间流逝成立：由定时批量运行发现", truth=("long_open",))
def dl_long_open(data, p):
    """A ticket still open `min_days` or more after receipt (high from `high_days`).

    Basis: MISSION.md 久拖不办 ("open for months"). Responsible: the current lead unit and the person who
    last acted for it.
    """
    rows = data.tk.filter(_.is_open & (_.age_days >= p["min_days"]) & _.lead_unit_id.notnull()).select(
        "ticket_id", "age_days", unit_id="lead_unit_id")
    rows = _with_handler(rows, data.ev)
    return rows.mutate(seqs=ibis.array([ibis.literal(1)]),
                       severity=ibis.ifelse(_.age_days >= p["high_days"], "high", "medium"))
