"""In the browser (Playwright, Debian Chromium): a supervisor filters findings, confirms two, turns them into
a clue, files a case, records an outcome and issues a supervision order, which the unit answers in its own
workspace; a handler cannot open any supervision page."""

import shutil
import socket
import threading
import time
from datetime import datetime

import pytest
from realtime.lives import pingpong
from web.conftest import PASSWORD, hotline, web_app  # noqa: F401 - fixtures used below

from desk.conftest import finding
from rexian.adapters.findings import FindingRepository

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not shutil.which("chromium") and not __import__("os").path.exists(CHROMIUM),
                                 reason="needs Debian chromium")]


@pytest.fixture
def server(web_app, hotline):  # noqa: F811 - pytest fixtures by name
    import uvicorn

    tid = pingpong(hotline)
    other = pingpong(hotline)
    FindingRepository(hotline.engine).upsert([
        finding(tid, ticket_id=tid, seqs=(2,)),
        finding(tid, rule_id="FC-NO-EVIDENCE", family="false_closure", ticket_id=tid),
        finding(other, ticket_id=other, unit_id="D03", person_id="H0301"),
    ], "batch", datetime(2026, 3, 2, 9, 0))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(100):
        if instance.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", tid
    instance.should_exit = True
    thread.join(timeout=10)


def _sign_in(page, base, person_id):
    page.goto(f"{base}/login")
    page.fill("#person_id", person_id)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_a_supervisor_takes_findings_to_a_case_and_an_order_the_unit_answers(server):
    from playwright.sync_api import expect, sync_playwright

    base, _tid = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            _sign_in(page, base, "J01")
            page.goto(f"{base}/desk/findings")
            expect(page.locator("tr.finding-row")).to_have_count(3)
            page.select_option("#f-unit", "D02")
            page.click("#finding-filters button[type=submit]")
            rows = page.locator("tr.finding-row")
            expect(rows).to_have_count(2)
            page.check("#select-all")
            page.fill("#reason", "两次退单均未联系市民，属实")
            page.click("#decide")
            expect(page.locator(".flash.ok")).to_contain_text("已确认2条问题线索")
            expect(page.locator("tr.finding-row .state").first).to_have_text("已确认")

            page.check("#select-all")
            page.fill("#clue-title", "东城区住建委推诿扯皮")
            page.click("#make-clue")
            page.wait_for_url("**/desk/clues/XS*")
            expect(page.locator("#clue-state")).to_have_text("核查中")
            page.fill("#case-reason", "初核属实，予以立案")
            page.click("#file-case")
            expect(page.locator("#clue-state")).to_have_text("已立案")
            page.select_option("#outcome", "admonition")
            page.fill("#outcome-note", "对承办人诫勉谈话")
            page.click("#record-outcome")
            expect(page.locator("#outcomes")).to_contain_text("诫勉谈话")

            page.click("#order-from-clue")
            page.locator("#order-units-q").press_sequentially("D02")  # the searched unit picker (web/picker.py)
            page.locator("#order-units-picker input[value=D02]").check()
            page.fill("#order-due", "2026-03-20T17:00")
            page.fill("#order-demand", "限期整改推诿问题，书面报告整改情况")
            page.click("#issue-orders")
            expect(page.locator(".flash.ok")).to_contain_text("督办单已下发")
            order_id = page.locator("tr.order-row").first.get_attribute("data-order")

            unit = browser.new_context().new_page()
            _sign_in(unit, base, "H0201")
            unit.goto(f"{base}/orders")
            card = unit.locator(f".order[data-order='{order_id}']")
            card.locator("textarea").fill("已约谈承办人，重新办理并答复市民")
            card.locator("button").click()
            expect(unit.locator(".flash.ok")).to_contain_text("已答复")
            for path in ("/desk", "/desk/findings", "/desk/clues", "/desk/orders", "/desk/bulletins", "/desk/live"):
                response = unit.goto(base + path)
                assert response.status == 403, path

            page.goto(f"{base}/desk/orders")
            expect(page.locator(f"tr.order-row[data-order='{order_id}']")).to_contain_text("已答复")
        finally:
            browser.close()
