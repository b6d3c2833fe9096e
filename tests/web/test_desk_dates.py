"""The supervisor's desk reads dates as the ticket lists do (web/dates.py): the findings list's dates, a supervision
order's deadline and a bulletin's month as people type them, with the same Chinese message for what it cannot read
(a list shows it above and does not apply it; a command is refused and nothing is written)."""

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from web.conftest import client_for, form_post, hotline, web_app  # noqa: F401 - fixtures used below

from desk.conftest import finding
from rexian.adapters.findings import FindingRepository


def _listed(page: str) -> set[str]:
    return set(re.findall(r"(?:BP-RETURNS|DL-OVERDUE):RX\d", page))


def test_the_findings_list_reads_typed_dates_and_names_one_it_cannot_read(hotline, client_for):  # noqa: F811
    FindingRepository(hotline.engine).upsert([
        finding("RX1", detected_at="2026-03-04T09:00:00"),
        finding("RX2", rule_id="DL-OVERDUE", family="delay", detected_at="2026-02-10T09:00:00")],
        "batch", datetime(2026, 3, 5, 9))
    supervisor = client_for("J01")
    iso = supervisor.get("/desk/findings", params={"date_by": "detected", "date_from": "2026-03-01"}).text
    for typed in ("2026/3/1", "2026.3.1", "20260301", "2026年3月1日"):
        page = supervisor.get("/desk/findings", params={"date_by": "detected", "date_from": typed})
        assert page.status_code == 200 and _listed(page.text) == _listed(iso) == {"BP-RETURNS:RX1"}, typed
        assert 'value="2026-03-01"' in page.text, typed  # shown back as yyyy-mm-dd
    page = supervisor.get("/desk/findings", params={"date_by": "detected", "date_from": "03/01/2026"})
    assert page.status_code == 200
    assert "日期自「03/01/2026」无法识别：请按 yyyy-mm-dd 填写" in page.text  # the ticket lists' message
    assert _listed(page.text) == {"BP-RETURNS:RX1", "DL-OVERDUE:RX2"}  # not applied, not a 422 page
    assert 'type="date"' not in page.text and 'placeholder="yyyy-mm-dd"' in page.text


def test_a_supervision_orders_deadline_is_read_as_typed_and_an_unreadable_one_refuses_the_order(hotline, client_for):  # noqa: F811
    from rexian.bootstrap import desk_services

    FindingRepository(hotline.engine).upsert([finding("RX1")], "batch", datetime(2026, 3, 2, 9))
    desk = desk_services(hotline).desk
    desk.decide(["BP-RETURNS:RX1"], "confirm", "J01", "属实")
    supervisor = client_for("J01")
    refused = form_post(supervisor, "/desk/orders", {"unit_ids": "D02", "due_at": "3/20/2026 5pm",
                                                     "demand": "限期整改", "finding_keys": "BP-RETURNS:RX1"})
    error = parse_qs(urlsplit(refused.headers["location"]).query)["error"][0]
    assert error.startswith("督办期限「3/20/2026 5pm」无法识别：请按 yyyy-mm-dd hh:mm 填写")
    assert desk.orders() == []
    done = form_post(supervisor, "/desk/orders", {"unit_ids": "D02", "due_at": "2026年3月20日 17:00",
                                                  "demand": "限期整改", "finding_keys": "BP-RETURNS:RX1"})
    assert "done" in done.headers["location"]
    (order,) = desk.orders()
    assert str(order["state"]["due_at"]).replace("T", " ").startswith("2026-03-20 17:00")
    assert 'placeholder="yyyy-mm-dd hh:mm"' in supervisor.get("/desk/orders").text


def test_a_bulletins_month_is_read_as_typed_and_an_unreadable_one_is_named(hotline, client_for):  # noqa: F811
    supervisor = client_for("J01")
    drafted = form_post(supervisor, "/desk/bulletins", {"period": "2026年2月"}).headers["location"]
    assert drafted.startswith("/desk/bulletins/TB202602")
    refused = form_post(supervisor, "/desk/bulletins", {"period": "2026-13"}).headers["location"]
    assert parse_qs(urlsplit(refused).query)["error"][0] == "月份「2026-13」无法识别：请按 yyyy-mm 填写，例如 2026-03"
