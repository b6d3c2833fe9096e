"""The desk speaks Chinese about what a rule computed: a finding's evidence values and thresholds by their
names (no `returns=3`, no `None`), and the dashboard's rankings name the rules behind a score."""

from datetime import datetime

from web.conftest import client_for, hotline, web_app  # noqa: F401 - fixtures used below

from desk.conftest import finding
from rexian.adapters.findings import FindingRepository


def test_a_findings_evidence_values_and_thresholds_are_shown_by_their_chinese_names(hotline, client_for):  # noqa: F811
    found = finding("RX1")
    found["evidence"]["values"] = {"returns": 3, "still_open": False, "accused_body": None, "source_action": "TicketReceived",
                                   "boilerplate": 0.6521}
    FindingRepository(hotline.engine).upsert([found], "batch", datetime(2026, 3, 2, 9))
    page = client_for("J01").get("/desk/finding?key=BP-RETURNS:RX1").text
    shown = " ".join(part.split("</dd>", 1)[0] for part in page.split('class="evidence-values">')[1:])
    assert "退单次数：3" in shown and "仍未办结：否" in shown and "出自：受理" in shown and "套话占比：0.65" in shown
    assert "最少退单次数：3" in shown  # the threshold
    assert "returns" not in shown and "None" not in shown and "TicketReceived" not in shown


def test_the_dashboard_rankings_name_the_rules_behind_each_score(hotline, client_for):  # noqa: F811
    FindingRepository(hotline.engine).upsert([finding("RX1"), finding("RX2")], "batch", datetime(2026, 3, 2, 9))
    page = client_for("J01").get("/desk").text
    rankings = page.split("单位风险排名", 1)[1].split("单位间流转", 1)[0]
    assert "多次退单×2" in rankings and ">BP-RETURNS×2<" not in rankings


def test_the_bulletin_page_lists_the_months_that_have_findings_counted_as_a_bulletin_counts(hotline, client_for):  # noqa: F811
    store = FindingRepository(hotline.engine)
    store.upsert([finding("RX1", detected_at="2026-05-12T14:23:00"), finding("RX2", detected_at="2026-05-20T09:00:00"),
                  finding("RX3", detected_at="2026-02-10T09:00:00")], "batch", datetime(2026, 5, 21, 9))
    store.decide("BP-RETURNS:RX3", "dismiss", "J01", "不属实", datetime(2026, 5, 21, 10))  # not counted
    page = client_for("J01").get("/desk/bulletins").text
    months = page.split('id="finding-months">', 1)[1].split("</div>", 1)[0]
    assert "2026-05（2条）" in months and "2026-02" not in months
