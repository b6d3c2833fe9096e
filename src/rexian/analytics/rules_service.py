"""Unreachable service (热线/渠道僵尸化): unanswered calls, fake busy status, agents away from their seat."""

from __future__ import annotations

import ibis
from ibis import _

from rexian.analytics.registry import rule


@rule("US-ABANDONED", batch_only="坐席按日统计的未接率：需要通话记录与全天数据",
      no_truth_because="the simulator's callers give up in the queue, not on one agent's line", needs=("calls",))
def us_abandoned(data, p):
    """An agent who, on one day, let at least `min_rate` of the `min_calls` or more inbound calls routed
    to them go unanswered (no answer time).

    Basis: MISSION.md 热线僵尸化 ("calls not answered, long waits, abandoned calls"); 接通率 target ≥95%.
    Responsible: the agent.
    """
    calls = data.calls.filter((ibis.coalesce(_.direction, "in") == "in") & _.agent_id.notnull())
    per_day = calls.mutate(day=_.ring_at.date().cast("string")).group_by(["agent_id", "day"]).aggregate(
        calls=_.call_id.count(), unanswered=_.answer_at.isnull().sum())
    per_day = per_day.mutate(unanswered_rate=_.unanswered / _.calls)
    return per_day.filter((_.calls >= p["min_calls"]) & (_.unanswered_rate >= p["min_rate"])).mutate(
        person_id=_.agent_id, subject=_.agent_id.concat(":", _.day),
        severity=ibis.ifelse(_.unanswered_rate >= 2 * p["min_rate"], "high", "medium"))


@rule("US-FAKE-BUSY", batch_only="坐席示忙：需要坐席状态与通话记录", truth=("zombie_agent",), needs=("agent_status",))
def us_fake_busy(data, p):
    """An agent who, on one day, held the busy status for `min_total_minutes` or more in intervals of at
    least `min_minutes` with no call at all overlapping them (示忙不接).

    Basis: MISSION.md 热线僵尸化 ("agents holding a 'busy' status without calls"). Responsible: the agent.
    Needs `agent_status`; a missing `calls` table counts as no calls.
    """
    st = data.agent_status.filter(_.status == "busy").mutate(
        minutes=(_.end_at.epoch_seconds() - _.start_at.epoch_seconds()) / 60.0).filter(_.minutes >= p["min_minutes"])
    st = st.mutate(iv=ibis.row_number().over(ibis.window(order_by=["agent_id", "start_at"])))
    if data.calls is not None:
        calls = data.calls.filter(_.agent_id.notnull()).select(ca="agent_id", c_start="ring_at",
                                                                c_end=ibis.coalesce(_.end_at, _.ring_at))
        joined = st.left_join(calls, [st.agent_id == calls.ca, calls.c_start < st.end_at, calls.c_end > st.start_at])
        st = joined.group_by(["agent_id", "start_at", "minutes", "iv"]).aggregate(overlapping_calls=_.ca.count())
        st = st.filter(_.overlapping_calls == 0)
    per_day = st.mutate(day=_.start_at.date().cast("string")).group_by(["agent_id", "day"]).aggregate(
        busy_minutes_without_calls=_.minutes.sum(), intervals=_.minutes.count())
    return per_day.filter(_.busy_minutes_without_calls >= p["min_total_minutes"]).mutate(
        person_id=_.agent_id, subject=_.agent_id.concat(":", _.day))


@rule("US-AWAY", batch_only="坐席离岗：需要坐席状态记录", truth=("zombie_agent",), needs=("agent_status",))
def us_away(data, p):
    """An agent on break or offline (`away_statuses`) for more than `max_break_minutes` in the middle of a
    working day (another status follows on the same day, so it is not the end of the shift).

    Basis: MISSION.md 热线僵尸化 ("agents ... leaving their post"). Responsible: the agent; one finding
    per agent and day, with the longest absence.
    """
    w = ibis.window(group_by="agent_id", order_by="start_at")
    st = data.agent_status.mutate(next_start=_.start_at.lead(1).over(w))
    st = st.filter(_.status.isin(p["away_statuses"]) & _.next_start.notnull()
                   & (_.next_start.date() == _.start_at.date()))
    st = st.mutate(minutes=(_.end_at.epoch_seconds() - _.start_at.epoch_seconds()) / 60.0,
                   day=_.start_at.date().cast("string")).filter(_.minutes > p["max_break_minutes"])
    per_day = st.group_by(["agent_id", "day"]).aggregate(longest_away_minutes=_.minutes.max(), absences=_.minutes.count())
    return per_day.mutate(person_id=_.agent_id, subject=_.agent_id.concat(":", _.day))
