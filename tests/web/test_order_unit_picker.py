"""The units a supervisor's supervision order (督办单) goes to are chosen in the same searched picker as a dispatch's
assisting units (web/picker.py), not in a native list of every unit: the server finds units as the supervisor
types, a page at a time; ticked units stay ticked whatever is searched next; each ticked unit gets its own order;
it works by keyboard in the browser and fits a 1366×768 screen."""

import os
import re
from datetime import datetime

from desk.conftest import finding

from rexian.adapters.findings import FindingRepository
from rexian.service.desk import Desk
from tests.web.conftest import form_post
from tests.web.test_browser import Person, browser, pytestmark, server  # noqa: F401 - fixtures and the marks

PICKER = "/picker/units?key=order-units&name=unit_ids"


def _boxes(html: str, checked: bool | None = None) -> list[str]:
    found = re.findall(r'<input type="checkbox" name="unit_ids" value="([^"]+)"( checked)?>', html)
    return [value for value, tick in found if checked is None or bool(tick) == checked]


def _confirmed_finding(hotline) -> str:
    """An order must come from a confirmed finding (or a clue): the one these orders name."""
    FindingRepository(hotline.engine).upsert([finding("RX1")], "batch", datetime(2026, 3, 2, 9))
    Desk(hotline.engine, hotline.clock).decide(["BP-RETURNS:RX1"], "confirm", "J01", "属实")
    return "BP-RETURNS:RX1"


def _form(page: str) -> str:
    return re.search(r'<form method="post" action="/desk/orders">.*?</form>', page, re.S).group(0)


def test_the_order_form_has_no_long_native_list_but_one_page_of_the_searched_picker(client_for):
    form = _form(client_for("J01").get("/desk/orders").text)
    assert "<select" not in form and "<option" not in form
    assert 'hx-get="/picker/units?key=order-units&amp;name=unit_ids"' in form and 'id="order-units-q"' in form
    assert _boxes(form, checked=True) == [] and len(_boxes(form, checked=False)) == 8


def test_ticked_units_stay_ticked_above_the_next_search_of_the_order_form(client_for):
    answer = client_for("J01").get(PICKER + "&unit_ids=D02&unit_ids=D03&pick_q=城市管理").text
    assert _boxes(answer, checked=True) == ["D02", "D03"] and _boxes(answer, checked=False) == ["D06"]
    assert "已选 2 个单位" in answer


def test_two_ticked_units_get_one_order_each_and_the_search_box_is_ignored(hotline, client_for):
    answer = form_post(client_for("J01"), "/desk/orders",
                       {"unit_ids": ["D02", "D03"], "due_at": "2026-03-20T17:00", "demand": "限期整改",
                        "finding_keys": _confirmed_finding(hotline), "pick_q": "住建"})
    assert answer.status_code == 303 and "error" not in answer.headers["location"]
    assert sorted(o["unit_id"] for o in Desk(hotline.engine, hotline.clock).orders()) == ["D02", "D03"]


def test_in_the_browser_the_supervisor_searches_ticks_by_keyboard_searches_again_and_issues(server, browser, hotline):  # noqa: F811, E501
    from playwright.sync_api import expect

    supervisor = Person(browser, server, "J01", locale="en-US")
    page = supervisor.open(f"/desk/orders?keys={_confirmed_finding(hotline)}")  # the form comes open, key filled
    shots = os.environ.get("REXIAN_SHOTS")  # a directory to keep the screens in, to look at
    if shots:
        page.screenshot(path=os.path.join(shots, "desk-order-units-open.png"))
    box = page.locator("#order-units-q")
    box.press_sequentially("城市管理")
    picker = page.locator("#order-units-picker")
    expect(picker.locator("legend")).to_contain_text("找到 1")
    page.keyboard.press("Tab")  # into the list: the one match
    page.keyboard.press("Space")
    assert picker.locator("input[value=D06]").is_checked()
    box.fill("")
    box.press_sequentially("D02")
    expect(picker.locator("legend")).to_contain_text("已选 1")
    picker.locator("label.pick:not(.chosen) input[value=D02]").check()
    box.fill("")
    box.press_sequentially("无此单位")  # another search: both ticked units stay, ticked
    expect(picker.locator("legend")).to_contain_text("已选 2")
    expect(page.locator("#order-units-picker-none")).to_be_visible()
    page.fill("#order-due", "2026-03-20T17:00")
    page.fill("#order-demand", "限期整改，书面报告整改情况")
    if shots:
        page.screenshot(path=os.path.join(shots, "desk-order-units.png"))
    with page.expect_navigation():
        page.click("#issue-orders")
    expect(page.locator(".flash.ok")).to_contain_text("督办单已下发")
    assert sorted(o["unit_id"] for o in Desk(hotline.engine, hotline.clock).orders()) == ["D02", "D06"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    supervisor.close()
