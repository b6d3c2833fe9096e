"""The supervisor's dashboard, as data: the reported rates with their formulas and monthly trends, risk
rankings of units and people with the findings behind each score, the flow of tickets between units, and
hotspots by place and category.

The rates come from `analytics/metrics.py` and the rankings from `analytics/risk.py` — the same numbers as
`rexian analyze` writes. Computing them reads the whole log, so the dashboard serves a snapshot: built on
first use, rebuilt by the scheduler after each pass (`refresh`), and at most `max_age` old; a page read is
then a dictionary lookup however large the database is.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from rexian.adapters.database import reading
from rexian.adapters import findings_tables as ft
from rexian.adapters import tables as t
from rexian.domain.records import named

# The rates on the dashboard, in this order (metric ids of analytics/metrics.py).
DASHBOARD_RATES = ("connection_rate", "answer_15s_rate", "on_time_closure_rate", "satisfaction_rate",
                   "citizen_rating_rate", "resolution_rate", "repeat_rate", "return_rate")
REPEAT_RATE_LABEL = "重复诉求率"  # what the dashboard calls metrics.py's 重复投诉率 (same formula)
MOVES = ("Dispatched", "Forwarded", "ReturnRequested", "ReturnApproved")
CHUNK_ROWS = 200_000  # rows read from the database per DataFrame when the snapshot is built
DUCKDB_MEMORY = "1GB"  # the DuckDB buffer of the log read into a file (log_data): beyond it DuckDB works from disk


def _chunks(connection, query):
    """The rows of `query` as Arrow tables of CHUNK_ROWS rows, read one after the other through the driver's
    own cursor: building a Python row object per event (and a pandas frame from them) cost two thirds of the
    build. A column empty throughout a chunk is typed as text, so that chunk appends like the others; the
    analysis types every column itself (analytics/tables.py)."""
    import pyarrow as pa

    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    driver = connection.connection.driver_connection
    # PostgreSQL: a named (server-side) cursor, or the driver would fetch the whole result at `execute`.
    cursor = driver.cursor(name="rexian_dashboard") if connection.dialect.name == "postgresql" else driver.cursor()
    try:
        cursor.execute(str(compiled))
        names = [column[0] for column in cursor.description]
        while rows := cursor.fetchmany(CHUNK_ROWS):
            arrays = []
            for values in zip(*rows):
                array = pa.array(values, from_pandas=True)
                arrays.append(array.cast(pa.string()) if pa.types.is_null(array.type) else array)
            yield pa.Table.from_arrays(arrays, names=names)
    finally:
        cursor.close()


def log_data(connection, workdir, as_of: datetime | None = None,
             records: tuple[str, ...] = ("calls", "agent_status")):
    """The whole stored log as the rules' tables (analytics/tables.py), or None when it has no event: events,
    tickets and the record tables `records` (when stored) streamed a chunk at a time into a DuckDB database
    file in `workdir` (a temporary directory the caller removes), whose memory is capped at DUCKDB_MEMORY —
    the log's size is on disk, not in the server (at a city's scale the whole log in pandas took 6.6 GB). The
    dashboard's rates and the scheduler's batch run (service/scheduler.py) read the log this one way."""
    from rexian.analytics.tables import TABLE_COLUMNS, from_batches
    from rexian.domain.records import EVENT_BODY

    if connection.execute(select(t.events.c.id).limit(1)).first() is None:
        return None
    stored = {name: chunks for name in records if (chunks := _record_chunks(connection, name)) is not None}
    return from_batches({"events": _chunks(connection, select(*(t.events.c[name] for name in EVENT_BODY))),
                         "tickets": _chunks(connection, select(*(t.tickets.c[name] for name in TABLE_COLUMNS["tickets"]))),
                         **stored},
                        as_of=as_of, memory_limit=DUCKDB_MEMORY, workdir=workdir)


def _record_chunks(connection, name: str):
    """A record table (calls, agent status) as `_chunks` of its declared columns that are present (another
    program's table may lack some, as `read_records` allows); None when it is absent or empty, so that the rules
    and rates needing it are skipped rather than run on nothing."""
    from sqlalchemy import inspect

    from rexian.domain import records as declared

    inspector = inspect(connection)
    if not inspector.has_table(name):
        return None
    present = {column["name"] for column in inspector.get_columns(name)}
    table = t.metadata.tables[name]
    columns = [table.c[column] for column in declared.columns(name) if column in present]
    if not columns or connection.execute(select(columns[0]).limit(1)).first() is None:
        return None
    return _chunks(connection, select(*columns))


def rates(engine: Engine, config: dict[str, Any], until: datetime | None = None) -> list[dict[str, Any]]:
    """Each dashboard rate overall: latest value, formula, and its trend by month — every month from the
    first with data through the month of the log's newest event (not after `until`, the snapshot's now), a month
    without data as an empty point. Before, the axis ran on to `until`'s month: an export ending in March, viewed
    in December, had nine empty months after its data."""
    import tempfile

    from rexian.analytics.metrics import CALL_METRICS, TICKET_METRICS, compute_metrics

    table = pd.DataFrame(columns=["scope", "period", "metric_id", "value", "numerator", "denominator", "formula"])
    with reading(engine) as connection, tempfile.TemporaryDirectory(prefix="rexian-dashboard-") as workdir:
        data = log_data(connection, workdir, records=("calls",))
        lacking = data_lacking(connection)
        newest = connection.execute(select(func.max(t.events.c["at"]))).scalar()  # off ix_events_at
        if newest is not None:
            until = min(until, newest) if until is not None else newest
        if data is not None:
            try:
                # Grouped in DuckDB, a row per period; the overall scope only (the card and its trend): each
                # other scope was another pass over the tickets' flags or the calls'.
                table = compute_metrics(data, config, scopes=("全部",))
            finally:
                data.con.disconnect()
    no_calls = data is None or data.calls is None
    metrics = {m.metric_id: m for m in TICKET_METRICS + CALL_METRICS}
    out = []
    for metric_id in DASHBOARD_RATES:
        metric = metrics[metric_id]
        rows = table[table["metric_id"] == metric_id].sort_values("period")
        trend = [{"period": r["period"], "value": _num(r["value"]), "numerator": int(r["numerator"]),
                  "denominator": int(r["denominator"])} for r in rows.to_dict("records")]
        trend = sparse_months(every_month(trend, until), config["metrics"].get("trend_min_denominator", 0))
        missing = ("无话务数据(calls 表)" if metric in CALL_METRICS and no_calls else lacking.get(metric_id))
        if missing:  # a rate the data cannot give is "cannot judge", never a 0 % on the card or the chart
            trend = [{**point, "value": None} for point in trend]
        numerator = sum(p["numerator"] for p in trend)
        denominator = sum(p["denominator"] for p in trend)
        out.append({
            "metric_id": metric_id,
            "name": REPEAT_RATE_LABEL if metric_id == "repeat_rate" else metric.name_zh,
            "formula": metric.formula.format(**config["metrics"]),
            "value": round(numerator / denominator, 4) if denominator and not missing else None,
            "numerator": numerator, "denominator": denominator, "trend": trend,
            "missing": missing or (None if denominator else NOTHING_COUNTED[metric in CALL_METRICS]),
        })
    return out


# A rate with nothing to count, by what it counts: a call rate counts incoming calls (an export of follow-up
# calls alone has calls and none of them incoming), not tickets.
NOTHING_COUNTED = {False: "没有可计算的工单（分母为0）", True: "没有可计算的呼入来电（分母为0）"}


# What a rate needs from the log beyond its own numerator and denominator: an imported export that lacks it
# would show 0 % (no repeat found where no ticket has a place; no return where the export has no return
# requests) — a figure the data cannot support. Rexian's own workflow records both.
def data_lacking(connection) -> dict[str, str]:
    """Rate → why the stored data cannot give it (for the rates whose 0 would otherwise look like a result)."""
    e, c = t.events.c, t.tickets.c
    lacking = {}
    imported = connection.execute(select(e.id).where(e.source.is_not(None), e.source != "rexian").limit(1)).first()
    if connection.execute(select(c.ticket_id).limit(1)).first() is not None and connection.execute(
            select(c.ticket_id).where(((c.address.is_not(None)) & (c.address != "")) | c.place_id.is_not(None))
            .limit(1)).first() is None:  # metrics.py matches a repeat by place (place id, else address)
        lacking["repeat_rate"] = "无法判断：工单没有地址，无法匹配同一地点的重复诉求"
    if imported is not None and connection.execute(
            select(e.id).where(e.action == "ReturnRequested").limit(1)).first() is None:
        lacking["return_rate"] = "无法判断：导入的数据中没有退单申请记录"
    return lacking


def every_month(trend: list[dict[str, Any]], until: datetime | None) -> list[dict[str, Any]]:
    """The trend with a point for every month from its first through `until`'s month: a month in which
    nothing was counted (a quiet January, the months since an export ends) is shown as a gap at its place,
    not left out of the axis as if the next month followed at once."""
    if not trend or not all(re.fullmatch(r"\d{4}-\d{2}", point["period"]) for point in trend):
        return trend  # periods configured as days or years, or a "未知" month: shown as computed
    by_period = {point["period"]: point for point in trend}
    year, month = (int(part) for part in trend[0]["period"].split("-"))
    last = max(trend[-1]["period"], until.strftime("%Y-%m") if until else "")
    filled = []
    while (period := f"{year:04d}-{month:02d}") <= last:
        filled.append(by_period.get(period) or {"period": period, "value": None, "numerator": 0, "denominator": 0})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return filled


def sparse_months(trend: list[dict[str, Any]], minimum: int) -> list[dict[str, Any]]:
    """The trend with each month counted on fewer than `minimum` tickets (or calls) shown as a gap marked
    `sparse`: a month of an export holding one ticket reads 0 % or 100 % and the line would jump to it. Its
    numerator and denominator stay (the overall figure counts them; the tooltip names them)."""
    return [{**point, "value": None, "sparse": True} if 0 < point["denominator"] < minimum else point
            for point in trend]


def rankings(engine: Engine, config: dict[str, Any], limit: int = 20) -> dict[str, list[dict[str, Any]]]:
    """Units and people by risk score (findings not dismissed), each with the rules behind the score: the
    findings counted in the database by subject, rule, family and severity (a row per group, not per
    finding), scored by risk.py as `rexian analyze` scores them."""
    from rexian.analytics.risk import rate_counts

    c = ft.findings.c
    person = func.coalesce(func.nullif(c.person_id, ""), func.nullif(c.agent_id, ""))
    grouped = {}
    with reading(engine) as connection:
        for scope, subject in (("unit", func.nullif(c.unit_id, "")), ("person", person)):
            grouped[scope] = connection.execute(
                select(subject.label("subject"), c.rule_id, c.family, c.severity, func.count().label("n"))
                .where(c.status != "dismissed", subject.is_not(None))
                .group_by(subject, c.rule_id, c.family, c.severity)).all()
    names = _names(engine)
    out = {}
    for scope, rows in grouped.items():
        frame = rate_counts([(r.subject, r.rule_id, r.family, r.severity, r.n) for r in rows], scope, config).head(limit)
        out[scope] = [{"subject": r["subject"], "name": named(r["subject"], names), "score": r["score"],
                       "level": r["level"], "findings": int(r["findings"]), "explanation": r["explanation"],
                       "contributions": r["contributions"]} for r in frame.to_dict("records")]
    return out


def unit_flow(engine: Engine, limit: int = 40) -> list[dict[str, Any]]:
    """Who passes tickets to whom: each move of a ticket from one unit to another (退单 when the unit asked to
    return it, 改派 when the centre re-dispatched it otherwise, 下派 when it forwarded it down), how often, and
    how long the unit held it first (median hours)."""
    e = t.events.c
    with reading(engine) as connection:
        rows = connection.execute(select(e.ticket_id, e.at, e.action, e.actor_unit_id, e.target_unit_id)
                                  .where(e.action.in_(MOVES)).order_by(e.ticket_id, e.seq))
        edges: dict[tuple[str, str, str], list[float]] = defaultdict(list)
        current, holder, since, asked = None, None, None, False
        for row in rows:
            if row.ticket_id != current:
                current, holder, since, asked = row.ticket_id, None, None, False
            if row.action == "ReturnRequested":
                asked = True
            elif row.action == "Dispatched" and row.target_unit_id:
                if holder and holder != row.target_unit_id:
                    edges[(holder, row.target_unit_id, "退单" if asked else "改派")].append(_hours(since, row.at))
                holder, since, asked = row.target_unit_id, row.at, False
            elif row.action == "Forwarded" and row.actor_unit_id and row.target_unit_id:
                edges[(row.actor_unit_id, row.target_unit_id, "下派")].append(
                    _hours(since if holder == row.actor_unit_id else None, row.at))
    names = _names(engine)
    flow = [{"source": a, "target": b, "kind": kind, "source_name": named(a, names), "target_name": named(b, names),
             "count": len(hours), "median_hours": _median([h for h in hours if h is not None])}
            for (a, b, kind), hours in edges.items()]
    flow.sort(key=lambda edge: (-edge["count"], edge["source"], edge["target"]))
    return flow[:limit]


def hotspots(engine: Engine, limit: int = 15) -> dict[str, list[dict[str, Any]]]:
    """The places and categories most tickets are about, and the place-and-category pairs (高频共性诉求)."""
    c = t.tickets.c
    place = func.coalesce(c.place_id, c.address)
    with reading(engine) as connection:
        by_place = connection.execute(select(place.label("place"), func.min(c.address).label("address"),
                                             func.count().label("n")).where(place.isnot(None))
                                      .group_by(place).order_by(func.count().desc()).limit(limit)).all()
        by_category = connection.execute(select(c.category, func.count().label("n")).group_by(c.category)
                                         .order_by(func.count().desc()).limit(limit)).all()
        pairs = connection.execute(select(place.label("place"), func.min(c.address).label("address"), c.category,
                                          func.count().label("n")).where(place.isnot(None))
                                   .group_by(place, c.category).having(func.count() >= 2)
                                   .order_by(func.count().desc()).limit(limit)).all()
        categories = dict(connection.execute(select(t.categories.c.code, t.categories.c.name)).all())
    return {
        "places": [{"place": r.place, "address": r.address, "tickets": r.n} for r in by_place],
        "categories": [{"category": r.category, "name": categories.get(r.category, r.category or "(未分类)"),
                        "tickets": r.n} for r in by_category],
        "matters": [{"place": r.place, "address": r.address, "category": r.category,
                     "name": categories.get(r.category, r.category), "tickets": r.n} for r in pairs],
    }


def finding_counts(engine: Engine) -> dict[str, Any]:
    from rexian.adapters.findings import counts_by

    by_status = dict(counts_by(engine, "status"))
    return {"by_status": by_status, "by_family": dict(counts_by(engine, "family")), "total": sum(by_status.values())}


class Dashboard:
    """The snapshot holder (one per application)."""

    def __init__(self, engine: Engine, config: dict[str, Any], clock: Callable[[], datetime],
                 max_age_seconds: float = 600):
        self.engine, self.config, self.clock = engine, config, clock
        self.max_age = max_age_seconds
        self._snapshot: dict[str, Any] | None = None
        self._built = 0.0
        self._lock = threading.Lock()

    def snapshot(self) -> dict[str, Any]:
        """The latest snapshot. Only the very first is built while the caller waits; an old one is served
        while its successor is built in the background (at a city's scale a build takes minutes)."""
        if self._snapshot is None:
            return self.refresh()
        if time.monotonic() - self._built > self.max_age and not self._lock.locked():
            threading.Thread(target=self._refresh_quietly, name="rexian-dashboard", daemon=True).start()
        return self._snapshot

    def _refresh_quietly(self) -> None:
        if self._lock.locked():  # the scheduler or another request is building one already
            return
        try:
            self.refresh()
        except Exception:  # noqa: BLE001 - the old snapshot stays; the next request tries again
            logging.getLogger(__name__).exception("dashboard snapshot failed")

    def refresh(self) -> dict[str, Any]:
        with self._lock:
            started = time.perf_counter()
            snapshot = {"rates": rates(self.engine, self.config, self.clock()), "rankings": rankings(self.engine, self.config),
                        "flow": unit_flow(self.engine), "hotspots": hotspots(self.engine),
                        "findings": finding_counts(self.engine),
                        "built_at": self.clock().isoformat(timespec="seconds")}
            snapshot["build_seconds"] = round(time.perf_counter() - started, 2)
            self._snapshot, self._built = snapshot, time.monotonic()
            return snapshot


def _names(engine: Engine) -> dict[str, str]:
    from rexian.adapters.record_store import staff_names

    with reading(engine) as connection:
        return staff_names(connection)


def _hours(since: datetime | None, at: datetime) -> float | None:
    return round((at - since).total_seconds() / 3600, 1) if since is not None else None


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else round((ordered[middle - 1] + ordered[middle]) / 2, 1)


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)

