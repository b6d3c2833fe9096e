"""Derived tables shared by rules and metrics, in portable Ibis (no backend-specific functions).

Times are compared as epoch seconds (`ts` columns), which every backend computes the same way.
"""

from __future__ import annotations

import ibis
from ibis import _

CLOSING_ACTIONS = ("Closed", "DirectlyClosed")
DUE_ACTIONS = ("Dispatched", "ExtensionApproved", "Reopened")
HANDLER_ACTIONS = (
    "SignedFor", "Forwarded", "HandedOver", "ProgressNoted", "CitizenContacted", "ReturnRequested", "ExtensionRequested",
    "ClosureRequested", "Replied", "SupervisionResponded",
)


# What makes a unit the lead unit: the centre's dispatch, or a peer unit's sideways hand-over (转办).
MOVE_ACTIONS = ("Dispatched", "HandedOver")


def arrivals(ev):
    """One row per arrival of a ticket at a lead unit (`unit_id`): its dispatches and sideways hand-overs."""
    return ev.filter(_.action.isin(MOVE_ACTIONS)).mutate(unit_id=ibis.coalesce(_.lead_unit_id, _.target_unit_id))


def dispatches(ev):
    """One row per Dispatched event, with the lead unit and its position in the ticket's dispatch order."""
    d = ev.filter(_.action == "Dispatched").mutate(unit_id=ibis.coalesce(_.lead_unit_id, _.target_unit_id))
    w = ibis.window(group_by="ticket_id", order_by="seq")
    return d.mutate(
        prev1=_.unit_id.lag(1).over(w), prev2=_.unit_id.lag(2).over(w), prev3=_.unit_id.lag(3).over(w),
        seq_prev1=_.seq.lag(1).over(w), seq_prev2=_.seq.lag(2).over(w), seq_prev3=_.seq.lag(3).over(w),
    )


def handlers(ev):
    """Per ticket and unit: the person who last acted for the unit on the ticket (its handler)."""
    h = ev.filter(_.action.isin(HANDLER_ACTIONS) & _.actor_unit_id.notnull() & _.actor_id.notnull())
    return h.group_by(["ticket_id", "actor_unit_id"]).aggregate(handler_id=_.actor_id.argmax(_.seq)).rename(
        unit_id="actor_unit_id")


def ticket_facts(ev, tickets_file, as_of_ts: int):
    """One row per ticket, derived from its events (the tickets file only fills gaps)."""
    received = ev.filter(_.action == "TicketReceived").group_by("ticket_id").aggregate(
        received_at=_.at.min(), received_ts=_.ts.min(), place_id=_.place_id.max(), address=_.address.max(),
        category=_.category.max(), area=_.area.max(), caller_id=_.caller_id.max(), kind=_.kind.max(),
        urgency=_.urgency.max(), channel=_.channel.max(), title=_.title.max(), content=_.content.max(),
    )
    dispatch = arrivals(ev).group_by("ticket_id").aggregate(
        first_unit_id=_.unit_id.argmin(_.seq), lead_unit_id=_.unit_id.argmax(_.seq),
        dispatch_ts=_.ts.min(where=_.action == "Dispatched"), n_dispatches=_.seq.count(where=_.action == "Dispatched"),
        # A dispatcher sets the category the intake left open, or corrects it (`Dispatch.category`).
        dispatched_category=_.category.argmax(_.seq, where=(_.action == "Dispatched") & _.category.notnull()),
    )
    due = ev.filter(_.action.isin(DUE_ACTIONS) & ibis.coalesce(_.new_due_at, _.due_at).notnull()).mutate(
        due_value=ibis.coalesce(_.new_due_at, _.due_at).epoch_seconds()
    ).group_by("ticket_id").aggregate(due_ts=_.due_value.argmax(_.seq), due_seq=_.seq.max())
    per_ticket = ev.group_by("ticket_id").aggregate(
        first_ts=_.ts.min(), last_ts=_.ts.max(), last_seq=_.seq.max(),
        closed_ts=(_.ts.max(where=_.action.isin(CLOSING_ACTIONS))),
        done_ts=_.ts.max(where=_.action == "ClosureRequested"),
        merged=(_.action == "Merged").any(),
        direct=(_.action == "DirectlyClosed").any(),
    )
    facts = per_ticket.left_join(received, "ticket_id").drop("ticket_id_right")
    facts = facts.left_join(dispatch, "ticket_id").drop("ticket_id_right")
    facts = facts.mutate(category=ibis.coalesce(_.dispatched_category, _.category)).drop("dispatched_category")
    facts = facts.left_join(due, "ticket_id").drop("ticket_id_right")
    if tickets_file is not None:
        tf = tickets_file.select(
            "ticket_id", f_received_at="received_at", f_place_id="place_id", f_address="address",
            f_category="category", f_caller_id="caller_id", f_content="content", f_first="first_unit_id",
            f_lead="lead_unit_id", f_due=tickets_file.due_at.epoch_seconds(),
        )
        facts = facts.left_join(tf, "ticket_id").drop("ticket_id_right")
        facts = facts.mutate(
            received_at=ibis.coalesce(_.received_at, _.f_received_at),
            received_ts=ibis.coalesce(_.received_ts, _.f_received_at.epoch_seconds(), _.first_ts),
            place_id=ibis.coalesce(_.place_id, _.f_place_id), address=ibis.coalesce(_.address, _.f_address),
            category=ibis.coalesce(_.category, _.f_category), caller_id=ibis.coalesce(_.caller_id, _.f_caller_id),
            content=ibis.coalesce(_.content, _.f_content), first_unit_id=ibis.coalesce(_.first_unit_id, _.f_first),
            lead_unit_id=ibis.coalesce(_.lead_unit_id, _.f_lead), due_ts=ibis.coalesce(_.due_ts, _.f_due),
        ).drop("f_received_at", "f_place_id", "f_address", "f_category", "f_caller_id", "f_content", "f_first",
               "f_lead", "f_due")
    return facts.mutate(
        received_ts=ibis.coalesce(_.received_ts, _.first_ts),
        place_key=ibis.coalesce(_.place_id, _.address),
        is_open=_.closed_ts.isnull() & ~_.merged,
        age_days=(ibis.coalesce(_.closed_ts, ibis.literal(as_of_ts)) - ibis.coalesce(_.received_ts, _.first_ts))
        / 86400.0,
    )


def last_before(rows, candidates, prefix: str, t_col: str = "t", seq_col: str = "x_seq"):
    """For each row (ticket `t_col`, event `seq_col`), the latest candidate event of the same ticket
    before it: adds `{prefix}_seq`, `{prefix}_unit_id`, `{prefix}_person_id`, `{prefix}_text` (reply)."""
    c = candidates.select(_ct="ticket_id", _cs="seq", _cu="actor_unit_id", _cp="actor_id",
                          _cx=ibis.coalesce(_.reply, _.reason, _.note))
    joined = rows.left_join(c, [rows[t_col] == c._ct, c._cs < rows[seq_col]])
    return joined.group_by(rows.columns).aggregate(**{
        f"{prefix}_seq": _._cs.max(), f"{prefix}_unit_id": _._cu.argmax(_._cs),
        f"{prefix}_person_id": _._cp.argmax(_._cs), f"{prefix}_text": _._cx.argmax(_._cs),
    })


def next_same_matter(tk, window_days: float, after: str = "closed_ts", only_handled: bool = True):
    """Per ticket `a` (with `only_handled`: one the unit asked to close): the first later ticket on the
    same matter (same place and category, any caller) received within `window_days` after `a`'s `after`
    time. Columns: a, b, gap_days, later_tickets."""
    handled = _.done_ts.notnull() if only_handled else ibis.literal(True)
    a = tk.filter(handled & _[after].notnull() & _.place_key.notnull() & _.category.notnull()).select(
        a="ticket_id", a_place="place_key", a_cat="category", a_time=_[after])
    b = tk.filter(_.place_key.notnull()).select(b="ticket_id", b_place="place_key", b_cat="category",
                                                b_ts="received_ts")
    pairs = a.join(b, [a.a_place == b.b_place, a.a_cat == b.b_cat, b.b_ts > a.a_time,
                       b.b_ts <= a.a_time + int(window_days * 86400), a.a != b.b])
    return pairs.group_by("a").aggregate(b=_.b.argmin(_.b_ts), gap_days=(_.b_ts.min() - _.a_time.min()) / 86400.0,
                                         later_tickets=_.b.count())
