"""The pandas twins of four rules (the baseline of the rules benchmark), written as a pandas expert would.

Same logic as the Ibis rules BP-RETURNS, BP-PINGPONG, BP-NO-VERIFY and DL-IDLE. Input: the flattened `ev`
table as a DataFrame. Vectorised throughout — no `apply`, no Python function per group: boolean masks on
NumPy arrays, one sort on integer codes of the ticket ids, whole-column `shift` with a same-ticket mask
instead of `groupby().shift()`, per-group lists built only for the tickets that are findings. (The earlier
notebook-style twins are in git history; the benchmark's speed-up is stated against these.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _action(ev: pd.DataFrame, *names: str) -> np.ndarray:
    actions = ev["action"].to_numpy()
    return actions == names[0] if len(names) == 1 else np.isin(actions, names)


def _by_ticket(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows grouped by ticket, in seq order within each: sorted on integer codes of the ticket ids (one hash
    pass) rather than on the strings — only the grouping matters, not the tickets' alphabetical order."""
    codes, _ = pd.factorize(frame["ticket_id"])
    return frame.take(np.lexsort((frame["seq"].to_numpy(), codes)))


def bp_returns(ev: pd.DataFrame, min_returns: int = 3) -> pd.DataFrame:
    rr = ev.loc[_action(ev, "ReturnRequested"), ["ticket_id", "seq", "actor_unit_id", "actor_id"]]
    counts = rr["ticket_id"].value_counts()
    counts = counts[counts >= min_returns]
    hits = rr[rr["ticket_id"].isin(counts.index)].sort_values(["ticket_id", "seq"])
    per_unit = hits.groupby(["ticket_id", "actor_unit_id"], sort=False, as_index=False).agg(
        unit_returns=("seq", "size"), last_seq=("seq", "max"), person_id=("actor_id", "last"))
    top = per_unit.sort_values(["ticket_id", "unit_returns", "last_seq"], ascending=[True, False, False])
    top = top.drop_duplicates("ticket_id")
    seqs = hits.groupby("ticket_id", sort=False)["seq"].agg(list).rename("seqs")
    return top.join(counts.rename("returns"), on="ticket_id").join(seqs, on="ticket_id")


def bp_pingpong(ev: pd.DataFrame) -> pd.DataFrame:
    # Arrivals at a lead unit (dispatches and sideways hand-overs), repeats of the same unit in a row
    # collapsed (A,B,B,A is A,B,A), as the rule's `legs` does; then a stay at the unit of two stays before.
    d = _by_ticket(ev.loc[_action(ev, "Dispatched", "HandedOver"), ["ticket_id", "seq", "lead_unit_id",
                                                                    "target_unit_id"]])
    d = d.assign(unit_id=d["lead_unit_id"].fillna(d["target_unit_id"])).dropna(subset=["unit_id"])
    ticket, unit = d["ticket_id"], d["unit_id"]
    d = d[~(ticket.eq(ticket.shift(1)) & unit.eq(unit.shift(1)))]
    ticket, unit = d["ticket_id"], d["unit_id"]
    prev1 = unit.shift(1).where(ticket.eq(ticket.shift(1)))
    hit = unit.eq(unit.shift(2).where(ticket.eq(ticket.shift(2))))
    first = d.loc[hit, ["ticket_id", "seq", "unit_id"]].assign(prev1=prev1[hit]).drop_duplicates("ticket_id")
    rr = ev.loc[_action(ev, "ReturnRequested"), ["ticket_id", "seq", "actor_unit_id", "actor_id"]]
    rr = rr.sort_values("seq").drop_duplicates(["ticket_id", "actor_unit_id"])
    return first.merge(rr.drop(columns="seq"), left_on=["ticket_id", "unit_id"],
                       right_on=["ticket_id", "actor_unit_id"], how="left")


VERIFYING_KINDS = ["site_visit", "coordination"]


def bp_no_verify(ev: pd.DataFrame) -> pd.DataFrame:
    rr = ev.loc[ev["action"] == "ReturnRequested", ["ticket_id", "seq", "actor_unit_id", "actor_id"]]
    d = ev.loc[ev["action"] == "Dispatched", ["ticket_id", "seq"]].rename(columns={"seq": "d_seq"})
    # The last dispatch before each return request. Tickets are dispatched a few times, so the merge stays
    # small; measured faster here than `merge_asof` by ticket on string keys.
    m = rr.merge(d, on="ticket_id")
    m = m[m["d_seq"] < m["seq"]]
    m = m.groupby(["ticket_id", "seq", "actor_unit_id", "actor_id"], as_index=False)["d_seq"].max()
    verify = ev[(ev["action"] == "CitizenContacted")
                | ((ev["action"] == "ProgressNoted") & ev["kind"].isin(VERIFYING_KINDS))]
    v = verify[["ticket_id", "seq", "actor_unit_id"]].rename(columns={"seq": "v_seq"})
    j = m.merge(v, on=["ticket_id", "actor_unit_id"], how="left")
    j["ok"] = (j["v_seq"] > j["d_seq"]) & (j["v_seq"] < j["seq"])
    counted = j.groupby(["ticket_id", "seq", "actor_unit_id", "actor_id"], as_index=False)["ok"].sum()
    return counted[counted["ok"] == 0]


WAITING = ["ReturnRequested", "ClosureRequested", "ClosureApproved", "Closed", "DirectlyClosed", "Merged", "Visited"]


def dl_idle(ev: pd.DataFrame, as_of_ts: int, idle_days: float = 7) -> pd.DataFrame:
    e = _by_ticket(ev[["ticket_id", "seq", "ts", "action", "lead_unit_id", "target_unit_id"]])
    ticket = e["ticket_id"]
    next_ts = e["ts"].shift(-1).where(ticket.eq(ticket.shift(-1)))
    dispatch_seq = e["seq"].where(_action(e, "Dispatched")).groupby(ticket, sort=False).ffill()
    closed = ticket[_action(e, "Closed", "DirectlyClosed", "Merged")].unique()
    is_open = ~ticket.isin(closed)
    gap_end = next_ts.fillna(pd.Series(np.where(is_open, as_of_ts, np.nan), index=e.index))
    keep = dispatch_seq.notna() & ~_action(e, *WAITING) & gap_end.notna()
    idle = (gap_end - e["ts"]) / 86400.0
    keep &= idle >= idle_days
    gaps = e[keep].assign(idle_days=idle[keep], dispatch_seq=dispatch_seq[keep], next_ts=next_ts[keep])
    return gaps.sort_values("idle_days", ascending=False).drop_duplicates("ticket_id")
