"""The 协办单位 (assisting units) of a dispatch, of a return's review and of a catalogue line are chosen in the same
searched picker as the account form's person (web/picker.py): the server finds units by name, code, kind, area or
parent as the dispatcher types, a page at a time; ticked units stay ticked above the matches whatever is searched
next; the catalogue's suggestion comes ticked; no long native list is left; it works by keyboard in the browser."""

import re

from rexian.domain import commands as c
from tests.web.conftest import form_post
from tests.web.test_browser import Person, browser, pytestmark, server  # noqa: F401 - fixtures and the marks

PICKER = "/picker/units?key=dispatch-assisting-unit-ids&name=assisting_unit_ids"


def _boxes(html: str, checked: bool | None = None) -> list[str]:
    found = re.findall(r'<input type="checkbox" name="assisting_unit_ids" value="([^"]+)"( checked)?>', html)
    return [value for value, tick in found if checked is None or bool(tick) == checked]


def _ticket(hotline, category="0201"):
    return hotline.handle(c.Intake(actor_id="A01", content="小区门口饭店油烟直排，影响居民生活",
                                   category=category)).ticket_id


def test_the_dispatch_form_has_no_long_native_list_and_ticks_the_catalogues_assisting_unit(hotline, client_for):
    page = client_for("P01").get(f"/tickets/{_ticket(hotline)}").text
    form = re.search(r'<details class="action" id="do-dispatch".*?</details>', page, re.S).group(0)
    assert 'multiple size="5"' not in form and "<select name=\"assisting_unit_ids\"" not in form
    assert _boxes(form, checked=True) == ["D06"]
    assert 'hx-get="/picker/units?key=dispatch-assisting-unit-ids&amp;name=assisting_unit_ids"' in form
    assert len(_boxes(form, checked=False)) == 8  # one page of the rest, not every unit


def test_the_server_finds_units_by_name_and_pages_every_unit_once(client_for, hotline):
    dispatcher = client_for("P01")
    found = dispatcher.get(PICKER + "&pick_q=城市管理").text
    assert _boxes(found) == ["D06"] and "找到 1 个单位" in found
    org = hotline.organisation()
    every = {u.unit_id for u in org.units.values() if u.active and u.kind != "centre"}
    seen, page = [], dispatcher.get(PICKER).text
    while True:
        seen += _boxes(page)
        after = re.search(r'hx-get="([^"]+)" hx-target="#[^"]+"[^>]*>下一页', page)
        if after is None:
            break
        page = dispatcher.get(after.group(1).replace("&amp;", "&")).text
    assert sorted(seen) == sorted(every) and len(seen) == len(set(seen))
    none = dispatcher.get(PICKER + "&pick_q=无此单位xyz").text
    assert _boxes(none) == [] and "没有找到符合「无此单位xyz」的单位" in none


def test_ticked_units_stay_ticked_above_whatever_is_searched_next(client_for):
    answer = client_for("P01").get(PICKER + "&assisting_unit_ids=D06&assisting_unit_ids=S01&pick_q=局").text
    assert _boxes(answer, checked=True) == ["D06", "S01"]
    assert "D06" not in _boxes(answer, checked=False)  # not listed twice
    assert "已选 2 个单位" in answer


def test_a_picker_for_an_unknown_field_is_refused(client_for):
    assert client_for("P01").get("/picker/units?key=x&name=lead_unit_id").status_code == 422


def test_two_ticked_units_are_posted_as_the_dispatchs_assisting_units(hotline, client_for):
    ticket_id = _ticket(hotline)
    answer = form_post(client_for("P01"), f"/tickets/{ticket_id}/do/dispatch",
                       {"lead_unit_id": "D02", "category": "0201", "assisting_unit_ids": ["D06", "S01"],
                        "pick_q": "街道"})
    assert answer.status_code == 303 and "error" not in answer.headers["location"]
    assert hotline.ticket(ticket_id).assisting_unit_ids == ("D06", "S01")


def test_the_catalogue_form_on_the_admin_page_uses_the_same_picker(client_for):
    page = client_for("X01").get("/admin").text
    form = re.search(r'<form method="post" action="/admin/org" class="filters org-form" id="catalogue-form".*?</form>',
                     page, re.S).group(0)
    assert '<select name="assisting"' not in form and 'id="catalogue-assisting-picker"' in form


def test_in_the_browser_the_dispatcher_searches_ticks_by_keyboard_searches_again_and_dispatches(server, browser, hotline):  # noqa: F811, E501
    from playwright.sync_api import expect

    ticket_id = _ticket(hotline)
    dispatcher = Person(browser, server, "P01", locale="en-US")
    page = dispatcher.open(f"/tickets/{ticket_id}")
    page.locator("#do-dispatch summary").click()
    box = page.locator("#dispatch-assisting-unit-ids-q")
    box.press_sequentially("街道")
    picker = page.locator("#dispatch-assisting-unit-ids-picker")
    expect(picker.locator("legend")).to_contain_text("找到")
    first = picker.locator("label.pick:not(.chosen) input").first
    wanted = first.get_attribute("value")
    page.keyboard.press("Tab")  # past the ticked D06 to the first match
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert picker.locator(f"input[value={wanted}]").is_checked()
    box.fill("")
    box.press_sequentially("无此单位")  # another search: the ticked units stay, ticked
    expect(picker.locator("legend")).to_contain_text("已选 2")
    with page.expect_navigation():
        page.locator("#do-dispatch button", has_text="派单").last.click()
    assert set(hotline.ticket(ticket_id).assisting_unit_ids) == {"D06", wanted}
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    dispatcher.close()
