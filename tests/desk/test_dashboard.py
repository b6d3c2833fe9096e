"""The dashboard's data: rates with formulas and monthly trends, risk rankings with their findings, the flow
between units and the hotspots, on a workflow database."""

import random
from datetime import datetime

from realtime.lives import closed_after_visit, life, pingpong

from desk.conftest import finding
from rexian.adapters.findings import FindingRepository
from rexian.analytics.config import load_config
from rexian.service.dashboard import DASHBOARD_RATES, Dashboard


def test_the_dashboard_shows_each_rate_with_its_formula_rankings_flow_and_hotspots(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'd.db'}")
    tid = pingpong(app)
    rng = random.Random(3)
    for _ in range(6):
        life(app, rng)
    FindingRepository(app.engine).upsert([finding(tid, ticket_id=tid), finding("RX9", unit_id="D03", person_id="H0301",
                                                                               severity="high")], "batch",
                                         datetime(2026, 3, 5))
    snap = Dashboard(app.engine, load_config(), lambda: datetime(2026, 3, 5)).snapshot()

    assert [r["metric_id"] for r in snap["rates"]] == list(DASHBOARD_RATES)
    by_id = {r["metric_id"]: r for r in snap["rates"]}
    assert by_id["return_rate"]["formula"].startswith("退单率 = ") and by_id["return_rate"]["numerator"] >= 1
    assert by_id["return_rate"]["trend"][0]["period"] == "2026-03"
    assert by_id["connection_rate"]["missing"] and by_id["connection_rate"]["value"] is None
    assert by_id["repeat_rate"]["name"] == "重复诉求率"

    units = snap["rankings"]["unit"]
    assert units[0]["subject"] == "D03" and units[0]["score"] == 10 and units[0]["contributions"][0]["rule_id"] == "BP-RETURNS"
    assert any(edge["kind"] == "退单" and edge["source"] == "D02" for edge in snap["flow"])
    assert snap["hotspots"]["categories"][0]["tickets"] >= 1
    assert snap["findings"]["total"] == 2


def test_the_citizens_own_portal_rating_is_a_rate_of_its_own_beside_the_visits_satisfaction(make_app, tmp_path):
    """Two tickets closed with 满意 on the follow-up visit; one citizen rates 不满意 on the portal, the other 基本满意:
    满意率 (the visits) 2 / 2, 市民自评满意率 (the citizens) 1 / 2, the card right after 满意率 with its formula."""
    from rexian.domain import commands as c

    app = make_app(f"sqlite:///{tmp_path / 'rated.db'}")
    first, second = closed_after_visit(app, "satisfied"), closed_after_visit(app, "satisfied")
    app.handle(c.Rate(actor_id=None, ticket_id=first, rating="unsatisfied"))
    app.handle(c.Rate(actor_id=None, ticket_id=second, rating="basically_satisfied"))
    snap = Dashboard(app.engine, load_config(), lambda: datetime(2026, 3, 5)).snapshot()

    ids = [r["metric_id"] for r in snap["rates"]]
    assert ids.index("citizen_rating_rate") == ids.index("satisfaction_rate") + 1
    by_id = {r["metric_id"]: r for r in snap["rates"]}
    own, visits = by_id["citizen_rating_rate"], by_id["satisfaction_rate"]
    assert (own["numerator"], own["denominator"], own["value"]) == (1, 2, 0.5)
    assert (visits["numerator"], visits["denominator"], visits["value"]) == (2, 2, 1.0)
    assert own["name"] == "市民自评满意率" and own["formula"].startswith("市民自评满意率 = 市民在门户自行评价")


def test_an_old_snapshot_is_served_at_once_while_its_successor_is_built_in_the_background(make_app, tmp_path):
    import threading
    import time

    app = make_app(f"sqlite:///{tmp_path / 's.db'}")
    dashboard = Dashboard(app.engine, load_config(), lambda: datetime(2026, 3, 5), max_age_seconds=0)
    first = dashboard.snapshot()
    assert first["findings"]["total"] == 0
    FindingRepository(app.engine).upsert([finding("RX1")], "batch", datetime(2026, 3, 5))

    release = threading.Event()
    building = dashboard.refresh

    def slow_refresh():
        release.wait(10)  # a build that takes long at a city's scale
        return building()

    dashboard.refresh = slow_refresh
    began = time.monotonic()
    assert dashboard.snapshot() is first  # the old one, without waiting for the build
    assert time.monotonic() - began < 1
    release.set()
    deadline = time.monotonic() + 10
    while dashboard._snapshot is first and time.monotonic() < deadline:
        time.sleep(0.05)
    assert dashboard.snapshot()["findings"]["total"] == 1


def test_the_rates_read_in_small_chunks_equal_the_rates_read_at_once(make_app, db_url, monkeypatch):
    """The snapshot streams the log into DuckDB a chunk at a time; a chunk where a column is all empty (no
    closure yet, no assisting unit) must append like the others and change no number."""
    from rexian.service import dashboard

    app = make_app(db_url)
    pingpong(app)
    rng = random.Random(5)
    for _ in range(8):
        life(app, rng)
    whole = dashboard.rates(app.engine, load_config())
    monkeypatch.setattr(dashboard, "CHUNK_ROWS", 3)
    chunked = dashboard.rates(app.engine, load_config())
    assert chunked == whole
    assert any(r["denominator"] for r in whole)


def test_the_trend_has_every_month_through_the_snapshot_s_month_with_empty_months_as_gaps():
    """The demo's simulated year ends in December and its present is in March: January and the months
    since must stand on the axis as gaps, not vanish so that December seems to lead into February."""
    from datetime import datetime

    from rexian.service.dashboard import every_month

    trend = [{"period": "2025-11", "value": 0.5, "numerator": 1, "denominator": 2},
             {"period": "2025-12", "value": 1.0, "numerator": 2, "denominator": 2},
             {"period": "2026-02", "value": 0.0, "numerator": 0, "denominator": 1}]
    filled = every_month(trend, datetime(2026, 4, 3, 9, 0))
    assert [p["period"] for p in filled] == ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04"]
    assert filled[2] == {"period": "2026-01", "value": None, "numerator": 0, "denominator": 0}
    assert filled[3] is trend[2]
    assert every_month([{"period": "未知", "value": None, "numerator": 0, "denominator": 0}],
                       datetime(2026, 4, 3)) == [{"period": "未知", "value": None, "numerator": 0, "denominator": 0}]


def test_the_snapshot_counted_in_the_database_equals_the_analysis_over_the_whole_log_in_memory(make_app, tmp_path):
    """The snapshot reads the log into a DuckDB file and counts the findings in the database (a row per group);
    `rexian analyze` reads everything into memory and scores finding by finding. Same log, same numbers: every
    rate's monthly numerator and denominator, and every unit's and person's score, level, count and parts."""
    import pandas as pd
    from sqlalchemy import select

    from rexian.adapters import tables as t
    from rexian.analytics.engine import run_rules
    from rexian.analytics.metrics import compute_metrics
    from rexian.analytics.registry import Finding
    from rexian.analytics.risk import rate
    from rexian.analytics.tables import TABLE_COLUMNS, from_frames
    from rexian.domain.records import EVENT_BODY

    app = make_app(f"sqlite:///{tmp_path / 'same.db'}")
    pingpong(app)
    rng = random.Random(11)
    for _ in range(14):
        life(app, rng)
    config = load_config()
    with app.engine.connect() as connection:
        events = pd.DataFrame(connection.execute(select(*(t.events.c[n] for n in EVENT_BODY))).mappings().all())
        tickets = pd.DataFrame(connection.execute(select(*(t.tickets.c[n] for n in TABLE_COLUMNS["tickets"])))
                               .mappings().all())
    in_memory = from_frames(events, tickets)
    store = FindingRepository(app.engine)
    found = run_rules(in_memory, config, only=("BP-RETURNS", "BP-PINGPONG", "BP-NO-VERIFY", "FC-UNRESOLVED",
                                               "DS-UNSATISFIED", "DL-OVERDUE", "DL-IDLE", "FF-NO-FOLLOW-UP"))
    store.upsert(found, "batch", datetime(2026, 3, 20))
    dismissed = found[0].finding_key
    store.decide(dismissed, "dismiss", "J01", "经核实不属实", datetime(2026, 3, 20, 1))

    expected = compute_metrics(in_memory, config)
    expected = expected[expected["scope"] == "全部"]
    snap = Dashboard(app.engine, config, lambda: datetime(2026, 3, 20)).refresh()
    for r in snap["rates"]:
        if r["missing"] and r["metric_id"] in ("connection_rate", "answer_15s_rate"):
            continue  # no calls table in a workflow-only log: shown as missing, not computed by either
        want = {(row.period, int(row.numerator), int(row.denominator))
                for row in expected[expected["metric_id"] == r["metric_id"]].itertuples()}
        assert {(p["period"], p["numerator"], p["denominator"]) for p in r["trend"] if p["denominator"]} == \
            {w for w in want if w[2]}, r["metric_id"]
    assert any(r["numerator"] for r in snap["rates"])

    kept = [Finding(f.finding_key, f.rule_id, f.family, f.severity, f.ticket_ids, f.agent_id, f.unit_id, f.person_id,
                    {}, "") for f in found if f.finding_key != dismissed]
    scored = rate(kept, config)
    for scope in ("unit", "person"):
        want = scored[scope].head(20).to_dict("records")
        got = snap["rankings"][scope]
        assert [(r["subject"], r["score"], r["level"], r["findings"]) for r in got] == \
            [(r["subject"], r["score"], r["level"], r["findings"]) for r in want]
        assert [sorted((c["rule_id"], c["count"], c["points"]) for c in r["contributions"]) for r in got] == \
            [sorted((c["rule_id"], c["count"], c["points"]) for c in r["contributions"]) for r in want]
    assert snap["rankings"]["unit"] and snap["rankings"]["person"]


def test_a_month_counted_on_too_few_tickets_is_a_gap_marked_sparse_not_a_point_the_line_jumps_to():
    """An export with 77 tickets in January and one in February: February's 0 / 1 is no trend. Below the
    configured minimum a month is drawn as a gap marked 样本不足, its counts kept; at the minimum it is a point."""
    from rexian.service.dashboard import sparse_months

    trend = [{"period": "2026-01", "value": 0.0779, "numerator": 6, "denominator": 77},
             {"period": "2026-02", "value": 0.0, "numerator": 0, "denominator": 1},
             {"period": "2026-03", "value": 0.3, "numerator": 3, "denominator": 10},
             {"period": "2026-04", "value": None, "numerator": 0, "denominator": 0}]
    shown = sparse_months(trend, 10)
    assert shown[0] is trend[0] and shown[2] is trend[2]  # 10 tickets: enough
    assert shown[1] == {"period": "2026-02", "value": None, "numerator": 0, "denominator": 1, "sparse": True}
    assert shown[3] is trend[3]  # no data at all: a plain gap
    assert sparse_months(trend, 0) == trend
    assert load_config()["metrics"]["trend_min_denominator"] == 10


def test_the_dashboard_computes_the_overall_rates_only_reading_the_calls_flags_once(make_app, tmp_path, monkeypatch):
    """The cards and trends show the overall scope alone: the rates by unit, category or queue were computed and
    thrown away (another pass over the tickets' flags each, and the calls read twice). Same overall numbers."""
    from datetime import timedelta

    from sqlalchemy import insert

    from rexian.adapters import tables as t
    from rexian.analytics import metrics
    from rexian.service import dashboard

    app = make_app(f"sqlite:///{tmp_path / 'calls.db'}")
    pingpong(app)
    rng = random.Random(3)
    for _ in range(4):
        life(app, rng)
    start = datetime(2026, 3, 2, 9)
    with app.engine.begin() as connection:
        connection.execute(insert(t.metadata.tables["calls"]), [
            {"call_id": f"C{n}", "caller_phone": "13800000000", "queue": f"Q{n % 2}", "agent_id": "ag1",
             "ring_at": start + timedelta(hours=n), "answer_at": start + timedelta(hours=n, seconds=5 + n * 4),
             "end_at": start + timedelta(hours=n, minutes=3), "abandoned": False, "ticket_id": None,
             "direction": "in"} for n in range(6)])
    passes: list[tuple[str, str]] = []
    rates_of = metrics._rates

    def counted(data, table, flags, columns, key, scope, *rest):
        passes.append((table, scope))
        return rates_of(data, table, flags, columns, key, scope, *rest)

    monkeypatch.setattr(metrics, "_rates", counted)
    shown = {r["metric_id"]: r for r in dashboard.rates(app.engine, load_config(), datetime(2026, 3, 20))}

    assert passes == [("tickets", "全部"), ("calls", "全部")]
    assert shown["connection_rate"]["denominator"] == 6 and shown["answer_15s_rate"]["numerator"] == 3
    assert shown["satisfaction_rate"]["denominator"] > 0


def test_a_call_rate_over_outgoing_calls_alone_says_there_is_no_incoming_call_not_no_ticket(make_app, tmp_path):
    """An export whose call records are the follow-up calls (呼出) alone: 接通率 has nothing to count, and says so in
    the words of what it counts — incoming calls — not 「没有可计算的工单」 (there are tickets)."""
    from datetime import timedelta

    from sqlalchemy import insert

    from rexian.adapters import tables as t
    from rexian.service import dashboard

    app = make_app(f"sqlite:///{tmp_path / 'outgoing.db'}")
    pingpong(app)
    start = datetime(2026, 3, 2, 9)
    with app.engine.begin() as connection:
        connection.execute(insert(t.metadata.tables["calls"]), [
            {"call_id": f"HF{n}", "caller_phone": "0301", "queue": None, "agent_id": "0301",
             "ring_at": start + timedelta(hours=n), "answer_at": start + timedelta(hours=n, seconds=12),
             "end_at": start + timedelta(hours=n, minutes=3), "abandoned": False, "ticket_id": None,
             "direction": "out"} for n in range(3)])
    shown = {r["metric_id"]: r for r in dashboard.rates(app.engine, load_config(), datetime(2026, 3, 20))}

    for metric_id in ("connection_rate", "answer_15s_rate"):
        assert shown[metric_id]["value"] is None
        assert shown[metric_id]["missing"] == "没有可计算的呼入来电（分母为0）"
    assert shown["return_rate"]["denominator"] > 0 and shown["return_rate"]["missing"] is None


def test_the_trend_of_an_old_log_ends_at_its_last_month_not_the_month_the_snapshot_is_built(make_app, tmp_path):
    """An export whose events end in March, viewed in December: the axis ends in March (before: nine empty months
    after the data, April to December); a snapshot built before the log's newest event still ends at its own month."""
    from rexian.service import dashboard

    app = make_app(f"sqlite:///{tmp_path / 'old.db'}")
    pingpong(app)  # the test clock's March 2026

    for now, last in ((datetime(2026, 12, 7, 9), "2026-03"), (datetime(2026, 2, 20), "2026-03")):
        shown = dashboard.rates(app.engine, load_config(), now)
        periods = {point["period"] for rate in shown for point in rate["trend"]}
        assert max(periods) == last, now
