"""A straightforward pandas implementation of four rules (the baseline of the benchmark).

Same logic as the Ibis rules BP-RETURNS, BP-PINGPONG, BP-NO-VERIFY and DL-IDLE, written the way one
would in a notebook: filters, groupby, shift, merge. Input: the flattened `ev` table as a DataFrame.
"""

from __future__ import annotations

import pandas as pd


def bp_returns(ev: pd.DataFrame, min_returns: int = 3) -> pd.DataFrame:
    rr = ev[ev["action"] == "ReturnRequested"]
    per_ticket = rr.groupby("ticket_id").agg(returns=("seq", "size"), seqs=("seq", list))
    per_unit = rr.sort_values("seq").groupby(["ticket_id", "actor_unit_id"]).agg(
        unit_returns=("seq", "size"), last_seq=("seq", "max"), person_id=("actor_id", "last")).reset_index()
    top = per_unit.sort_values(["ticket_id", "unit_returns", "last_seq"], ascending=[True, False, False])
    top = top.drop_duplicates("ticket_id")
    hits = per_ticket[per_ticket["returns"] >= min_returns].reset_index()
    return hits.merge(top, on="ticket_id")


def bp_pingpong(ev: pd.DataFrame) -> pd.DataFrame:
    d = ev[ev["action"] == "Dispatched"].sort_values(["ticket_id", "seq"]).copy()
    d["unit_id"] = d["lead_unit_id"].fillna(d["target_unit_id"])
    g = d.groupby("ticket_id")["unit_id"]
    d["prev1"], d["prev2"] = g.shift(1), g.shift(2)
    hits = d[(d["unit_id"] == d["prev2"]) & (d["prev1"] != d["unit_id"])]
    first = hits.drop_duplicates("ticket_id")[["ticket_id", "unit_id", "prev1", "seq"]]
    rr = ev[ev["action"] == "ReturnRequested"].sort_values("seq").drop_duplicates(["ticket_id", "actor_unit_id"])
    return first.merge(rr[["ticket_id", "actor_unit_id", "actor_id"]], left_on=["ticket_id", "unit_id"],
                       right_on=["ticket_id", "actor_unit_id"], how="left")


def bp_no_verify(ev: pd.DataFrame) -> pd.DataFrame:
    rr = ev.loc[ev["action"] == "ReturnRequested", ["ticket_id", "seq", "actor_unit_id", "actor_id"]]
    d = ev.loc[ev["action"] == "Dispatched", ["ticket_id", "seq"]].rename(columns={"seq": "d_seq"})
    m = rr.merge(d, on="ticket_id")
    m = m[m["d_seq"] < m["seq"]].groupby(["ticket_id", "seq", "actor_unit_id", "actor_id"], as_index=False)["d_seq"].max()
    verify = ev[(ev["action"] == "CitizenContacted")
                | ((ev["action"] == "ProgressNoted") & ev["kind"].isin(["site_visit", "coordination"]))]
    v = verify[["ticket_id", "seq", "actor_unit_id"]].rename(columns={"seq": "v_seq"})
    j = m.merge(v, on=["ticket_id", "actor_unit_id"], how="left")
    j["ok"] = (j["v_seq"] > j["d_seq"]) & (j["v_seq"] < j["seq"])
    counted = j.groupby(["ticket_id", "seq", "actor_unit_id", "actor_id"], as_index=False)["ok"].sum()
    return counted[counted["ok"] == 0]


WAITING = ["ReturnRequested", "ClosureRequested", "ClosureApproved", "Closed", "DirectlyClosed", "Merged", "Visited"]


def dl_idle(ev: pd.DataFrame, as_of_ts: int, idle_days: float = 7) -> pd.DataFrame:
    e = ev[["ticket_id", "seq", "ts", "action", "lead_unit_id", "target_unit_id"]].sort_values(["ticket_id", "seq"]).copy()
    g = e.groupby("ticket_id")
    e["next_ts"] = g["ts"].shift(-1)
    e["d_seq"] = e["seq"].where(e["action"] == "Dispatched")
    e["dispatch_seq"] = e.groupby("ticket_id")["d_seq"].ffill()  # seqs grow, so the last dispatch so far
    closed = set(e.loc[e["action"].isin(["Closed", "DirectlyClosed"]), "ticket_id"]) | set(
        e.loc[e["action"] == "Merged", "ticket_id"])
    is_open = ~e["ticket_id"].isin(closed)
    e["gap_end"] = e["next_ts"].fillna(pd.Series(as_of_ts, index=e.index).where(is_open))
    gaps = e[e["dispatch_seq"].notna() & ~e["action"].isin(WAITING) & e["gap_end"].notna()].copy()
    gaps["idle_days"] = (gaps["gap_end"] - gaps["ts"]) / 86400.0
    gaps = gaps[gaps["idle_days"] >= idle_days]
    return gaps.sort_values("idle_days", ascending=False).drop_duplicates("ticket_id")
