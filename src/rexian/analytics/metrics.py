"""The rates of MISSION.md per unit, category and period, each with its formula (Chinese) beside it.

Ticket-level flags are computed in portable Ibis (one row per ticket), summed per group in the engine,
and divided in Python. Where no official formula exists the one used is stated in `formula`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from functools import cache

import pandas as pd

from rexian.analytics.tables import Data
from rexian.domain.vocabulary import SATISFIED


@dataclass(frozen=True)
class Metric:
    metric_id: str
    name_zh: str
    numerator: str
    denominator: str
    formula: str


TICKET_METRICS = (
    Metric("on_time_sign_rate", "按时签收率", "signed_on_time", "dispatched",
           "按时签收率 = 首次派单后在签收时限内签收的工单数 ÷ 已派单工单数"),
    Metric("on_time_closure_rate", "按时办结率", "done_on_time", "done_with_due",
           "按时办结率 = 在办理时限(含批准延期)内申请办结的工单数 ÷ 已申请办结且有时限的工单数"),
    Metric("return_rate", "退单率", "returned", "dispatched",
           "退单率 = 有退单申请的工单数 ÷ 已派单工单数"),
    Metric("redo_rate", "重办率", "redone", "done",
           "重办率 = 被驳回办结或重办(Reopened)的工单数 ÷ 已申请办结的工单数"),
    Metric("resolution_rate", "解决率", "resolved_last", "visited",
           "解决率 = 最后一次回访为“已解决”的工单数 ÷ 已回访工单数"),
    Metric("satisfaction_rate", "满意率", "satisfied_last", "visited",
           "满意率 = 最后一次回访为“满意”或“基本满意”的工单数 ÷ 已回访工单数"),
    Metric("citizen_rating_rate", "市民自评满意率", "rated_satisfied", "rated",
           "市民自评满意率 = 市民在门户自行评价为“满意”或“基本满意”的工单数 ÷ 市民自行评价过的工单数"
           "(市民本人的评价，与回访员记录的满意率分开计)"),
    Metric("bj_response_rate", "响应率(北京三率)", "responded", "dispatched",
           "响应率 = 首次派单后{response_hours}小时内承办单位联系市民的工单数 ÷ 已派单工单数"),
    Metric("bj_resolution_rate", "解决率(北京三率)", "resolved_first", "visited",
           "解决率(三率) = 首次回访即“已解决”的工单数 ÷ 已回访工单数"),
    Metric("bj_satisfaction_rate", "满意率(北京三率)", "satisfied_first", "visited",
           "满意率(三率) = 首次回访为“满意”的工单数 ÷ 已回访工单数(基本满意不计入)"),
    Metric("repeat_rate", "重复投诉率", "repeat", "tickets",
           "重复投诉率 = 此前{repeat_window_days}日内同一地点同一类别已有工单的工单数 ÷ 工单总数"),
    Metric("first_contact_resolution_rate", "一次性解决率", "first_contact_resolved", "finished",
           "一次性解决率 = (直接办结 + 未退单、未重办且首次回访已解决)的工单数 ÷ 已办结工单数"),
)
CALL_METRICS = (
    Metric("connection_rate", "接通率", "answered", "calls", "接通率 = 呼入接通数 ÷ 呼入总数"),
    Metric("answer_15s_rate", "15秒接通率", "answered_fast", "calls",
           "15秒接通率 = 振铃后{answer_seconds}秒内接通的呼入数 ÷ 呼入总数"),
    Metric("acceptance_rate", "受理率", "with_ticket", "answered",
           "受理率 = 形成工单的接通呼入数 ÷ 呼入接通数"),
)
PERIOD_FORMATS = {"month": "%Y-%m", "day": "%Y-%m-%d", "year": "%Y"}


def ticket_flags(data: Data, config: dict[str, Any]):
    """One row per ticket with 0/1 flags for every numerator and denominator."""
    import ibis
    from ibis import _

    m = config["metrics"]
    ev, tk = data.ev, data.tk
    per = ev.group_by("ticket_id").aggregate(
        sign_due=_.sign_due_at.epoch_seconds().argmin(ibis.ifelse(_.action == "Dispatched", _.seq, None)),
        first_sign=_.ts.min(where=_.action == "SignedFor"),
        first_contact=_.ts.min(where=_.action == "CitizenContacted"),
        n_returns=(_.action == "ReturnRequested").sum(),
        n_redo=_.action.isin(("Reopened", "ClosureRejected")).sum(),
        n_visits=(_.action == "Visited").sum(),
        last_resolved=_.resolved.argmax(ibis.ifelse(_.action == "Visited", _.seq, None)),
        first_resolved=_.resolved.argmin(ibis.ifelse(_.action == "Visited", _.seq, None)),
        last_satisfaction=_.satisfaction.argmax(ibis.ifelse(_.action == "Visited", _.seq, None)),
        first_satisfaction=_.satisfaction.argmin(ibis.ifelse(_.action == "Visited", _.seq, None)),
        rating=_.rating.argmax(ibis.ifelse(_.action == "CitizenRated", _.seq, None)),
    )
    w = ibis.window(group_by=["place_key", "category"], order_by=["received_ts", "ticket_id"])
    t = tk.mutate(prev_same=_.received_ts.lag(1).over(w))
    t = t.join(per, "ticket_id")
    fmt = PERIOD_FORMATS.get(m.get("period", "month"))
    period = _.received_at.strftime(fmt) if fmt else ibis.literal("全部")
    flag = lambda cond: ibis.ifelse(ibis.coalesce(cond, False), 1, 0)  # noqa: E731
    dispatched = _.n_dispatches.notnull() & (_.n_dispatches > 0)
    visited = _.n_visits > 0
    return t.select(
        "ticket_id", period=ibis.coalesce(period, "未知"), unit_id=ibis.coalesce(_.lead_unit_id, "(未派单)"),
        category=ibis.coalesce(_.category, "(未分类)"),
        tickets=ibis.literal(1),
        dispatched=flag(dispatched),
        signed_on_time=flag(dispatched & (_.first_sign <= _.sign_due)),
        done=flag(_.done_ts.notnull()),
        done_with_due=flag(_.done_ts.notnull() & _.due_ts.notnull()),
        done_on_time=flag(_.done_ts.notnull() & (_.done_ts <= _.due_ts)),
        returned=flag(dispatched & (_.n_returns > 0)),
        redone=flag(_.done_ts.notnull() & (_.n_redo > 0)),
        visited=flag(visited),
        resolved_last=flag(visited & _.last_resolved),
        satisfied_last=flag(visited & _.last_satisfaction.isin(SATISFIED)),
        rated=flag(_.rating.notnull()),
        rated_satisfied=flag(_.rating.isin(SATISFIED)),
        resolved_first=flag(visited & _.first_resolved),
        satisfied_first=flag(visited & (_.first_satisfaction == "satisfied")),
        responded=flag(dispatched & ((_.first_contact - _.dispatch_ts) <= m["response_hours"] * 3600)),
        repeat=flag(_.received_ts - _.prev_same <= m["repeat_window_days"] * 86400),
        finished=flag(_.closed_ts.notnull()),
        first_contact_resolved=flag(_.closed_ts.notnull() & (_.direct | ((_.n_returns == 0) & (_.n_redo == 0)
                                                                          & _.first_resolved))),
    )


def call_flags(data: Data, config: dict[str, Any]):
    import ibis
    from ibis import _

    m = config["metrics"]
    fmt = PERIOD_FORMATS.get(m.get("period", "month"))
    calls = data.calls.filter(ibis.coalesce(_.direction, "in") == "in")
    wait = _.answer_at.epoch_seconds() - _.ring_at.epoch_seconds()
    flag = lambda cond: ibis.ifelse(ibis.coalesce(cond, False), 1, 0)  # noqa: E731
    return calls.select(
        period=ibis.coalesce(_.ring_at.strftime(fmt) if fmt else ibis.literal("全部"), "未知"),
        queue=ibis.coalesce(_.queue, "(无队列)"), calls=ibis.literal(1), answered=flag(_.answer_at.notnull()),
        answered_fast=flag(_.answer_at.notnull() & (wait <= m["answer_seconds"])),
        with_ticket=flag(_.answer_at.notnull() & _.ticket_id.notnull()),
    )


SCOPES = ("全部", "单位", "类别", "队列")


def compute_metrics(data: Data, config: dict[str, Any], scopes: tuple[str, ...] = SCOPES) -> pd.DataFrame:
    """Long table: scope (全部/单位/类别/队列), scope_id, period, metric, value, numerator, denominator, formula.
    `scopes`: only those (the dashboard shows the overall rates alone: each scope is a query over the flags,
    so another scope is another pass over the tickets' or the calls' flags)."""
    m = config["metrics"]
    frames = []
    # Built once, and only when a query of it is not remembered (`Data.fetch`). With remembered SQL (a batch
    # run on DuckDB) the flags are computed once into a table the three scopes' sums read.
    flags = cache(lambda: ticket_flags(data, config))
    if data.remembered is not None:
        data.keep("ticket_flags", lambda _data: ticket_flags(data, config), m)
        flags = cache(lambda: data.con.table("kept_ticket_flags"))
    columns = sorted({x for metric in TICKET_METRICS for x in (metric.numerator, metric.denominator)})
    for scope, key in (("全部", None), ("单位", "unit_id"), ("类别", "category")):
        if scope in scopes:
            frames.append(_rates(data, "tickets", flags, columns, key, scope, TICKET_METRICS, m))
    if data.has("calls"):
        cflags = cache(lambda: call_flags(data, config))
        ccols = sorted({x for metric in CALL_METRICS for x in (metric.numerator, metric.denominator)})
        for scope, key in (("全部", None), ("队列", "queue")):
            if scope in scopes:
                frames.append(_rates(data, "calls", cflags, ccols, key, scope, CALL_METRICS, m))
    return pd.concat(frames, ignore_index=True)


def _rates(data, table, flags, columns, key, scope, metrics, m) -> pd.DataFrame:
    groups = ["period"] + ([key] if key else [])
    sums = data.fetch(f"metrics-{table}-{key or 'all'}", lambda: flags().group_by(groups).aggregate(
        **{c: flags()[c].sum() for c in columns}), m)
    # A grouped sum comes back in the order DuckDB's threads finish the groups: sorted here, so that metrics.csv,
    # the workbook and the report list the groups in one order on every run (by scope id, then period).
    sums = sums.sort_values(([key] if key else []) + ["period"], kind="stable", ignore_index=True)
    formulas = {metric.metric_id: metric.formula.format(**m) for metric in metrics}
    rows = []
    for record in sums.to_dict("records"):
        for metric in metrics:
            num, den = int(record[metric.numerator] or 0), int(record[metric.denominator] or 0)
            rows.append({
                "scope": scope, "scope_id": record[key] if key else "全部", "period": record["period"],
                "metric_id": metric.metric_id, "metric": metric.name_zh,
                "value": round(num / den, 4) if den else None, "numerator": num, "denominator": den,
                "formula": formulas[metric.metric_id],
            })
    return pd.DataFrame(rows)
