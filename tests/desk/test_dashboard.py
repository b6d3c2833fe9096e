"""The dashboard's data: rates with formulas and monthly trends, risk rankings with their findings, the flow
between units and the hotspots, on a workflow database."""

import random
from datetime import datetime

from realtime.lives import life, pingpong

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
