"""The pickers search without scripts: the box's 查找 button (the default button of its form, so Enter in the box presses
it, not the form's action) posts the form to /picker/search, which sends the reader back to the page the picker sits
on with the first page of what the words find and the boxes ticked so far kept; htmx fetches the fragment instead. The
ticket page's forms, the account form and the supervision-order form on the desk."""

import html
import re
from urllib.parse import parse_qs, urlsplit

from rexian.domain import commands as c
from web.conftest import PASSWORD, client_for, csrf_of, form_post, hotline, web_app  # noqa: F401 - fixtures used below
from tests.web.test_browser import browser, pytestmark as browser_marks, server  # noqa: F401 - fixtures


def _search_action(page: str, key: str) -> str:
    button = re.search(rf'<button type="submit" class="secondary" id="{key}-search" formaction="([^"]+)"', page)
    assert button, f"no 查找 button for {key}"
    return html.unescape(button.group(1))


def _form(page: str, start: str) -> str:
    return re.search(rf'{start}.*?</form>', page, re.S).group(0)


def _ticked(form: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)" checked>', form)


def _listed(form: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)">', form)


def test_the_dispatch_forms_unit_search_comes_back_with_the_units_found_and_the_ticked_ones_kept(hotline, client_for):  # noqa: F811
    ticket_id = hotline.handle(c.Intake(actor_id="A01", content="小区门口饭店油烟直排，影响居民生活",
                                        category="0201")).ticket_id
    dispatcher = client_for("P01")
    page = dispatcher.get(f"/tickets/{ticket_id}").text
    form = _form(page, f'<form method="post" action="/tickets/{ticket_id}/do/dispatch"')
    first_button = re.search(r"<button[^>]*>([^<]+)</button>", form).group(1)
    assert first_button == "查找"  # the form's default button: Enter in the box searches, never dispatches
    action = _search_action(page, "dispatch-assisting-unit-ids")
    answer = form_post(dispatcher, action, {"pick_q": "社区", "assisting_unit_ids": ["D06", "S01"], "note": "x"})
    assert answer.status_code == 303
    where = urlsplit(answer.headers["location"])
    assert where.path == f"/tickets/{ticket_id}" and where.fragment == "dispatch-assisting-unit-ids-picker"
    assert parse_qs(where.query) == {"pick": ["dispatch-assisting-unit-ids"], "pick_q": ["社区"], "pick_page": ["1"],
                                     "assisting_unit_ids": ["D06", "S01"]}  # nothing else of the form, no csrf
    back = dispatcher.get(answer.headers["location"]).text
    assert re.search(r'<details class="action" id="do-dispatch" open>', back)
    form = _form(back, f'<form method="post" action="/tickets/{ticket_id}/do/dispatch"')
    assert _ticked(form, "assisting_unit_ids") == ["D06", "S01"]
    assert sorted(_listed(form, "assisting_unit_ids")) == ["M01", "M02", "M03"]  # the three 社区居委会
    assert "找到 3 个单位" in form and 'value="社区"' in form
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=ticket_id, lead_unit_id="D02"))  # the page still works after


def test_the_account_forms_person_search_comes_back_with_the_one_person_found(client_for):  # noqa: F811
    admin = client_for("X01")
    page = admin.get("/admin").text
    answer = form_post(admin, _search_action(page, "person"), {"pick_q": "吴敏", "operation": "add"})
    assert answer.status_code == 303 and answer.headers["location"].startswith("/admin?pick=person&pick_q=")
    form = _form(admin.get(answer.headers["location"]).text, '<form method="post" action="/admin/accounts"')
    assert re.findall(r'name="person_id" value="([^"]+)"', form) == ["H0201"] and "找到 1 人" in form


def test_the_supervision_order_forms_unit_search_comes_back_to_the_open_form(client_for):  # noqa: F811
    supervisor = client_for("J01")
    page = supervisor.get("/desk/orders").text
    action = _search_action(page, "order-units")
    answer = form_post(supervisor, action, {"pick_q": "韶九", "unit_ids": ["D01"], "demand": "限期整改"})
    assert answer.status_code == 303
    where = urlsplit(answer.headers["location"])
    assert where.path == "/desk/orders" and parse_qs(where.query)["unit_ids"] == ["D01"]
    back = supervisor.get(answer.headers["location"]).text
    assert re.search(r'<details class="action" open>', back)
    form = _form(back, '<form method="post" action="/desk/orders"')
    assert _ticked(form, "unit_ids") == ["D01"] and _listed(form, "unit_ids") == ["M02"]


def test_a_picker_search_never_sends_the_reader_to_another_site(client_for):  # noqa: F811
    admin = client_for("X01")
    for back in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""):
        answer = form_post(admin, "/picker/search?key=person&name=person_id&back=" + back, {"pick_q": "吴"})
        assert answer.status_code in (400, 422) and "location" not in answer.headers, back
    assert form_post(admin, "/picker/search?key=person&name=password&back=/admin", {}).status_code in (400, 422)
    refused = admin.post("/picker/search?key=person&name=person_id&back=/admin", data={"pick_q": "吴"},
                         follow_redirects=False)
    assert refused.status_code == 403  # no CSRF field: refused like any form


@browser_marks[0]
@browser_marks[1]
def test_in_a_browser_without_javascript_the_dispatcher_searches_ticks_searches_again_and_dispatches(
        hotline, server, browser):  # noqa: F811
    ticket_id = hotline.handle(c.Intake(actor_id="A01", content="小区门口饭店油烟直排，影响居民生活",
                                        category="0201")).ticket_id
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server + "/login")
        page.fill("#person_id", "P01")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.press("#password", "Enter")
        page.goto(f"{server}/tickets/{ticket_id}")
        if not page.locator("#do-dispatch[open]").count():
            page.locator("#do-dispatch summary").click()
        box = page.locator("#dispatch-assisting-unit-ids-q")
        box.fill("景山")
        with page.expect_navigation():
            box.press("Enter")  # no script: the form's default button, 查找, posts it to /picker/search
        assert "pick_q=" in page.url and "/do/dispatch" not in page.url
        picker = page.locator("#dispatch-assisting-unit-ids-picker")
        assert picker.locator("legend").inner_text().startswith("找到 2 个单位")  # 景山街道 and the community under it
        picker.locator("input[value=S02]").check()
        page.locator("#dispatch-assisting-unit-ids-q").fill("韶九")
        with page.expect_navigation():
            page.locator("#dispatch-assisting-unit-ids-search").click()
        picker = page.locator("#dispatch-assisting-unit-ids-picker")
        assert picker.locator("input[value=S02]").is_checked()  # ticked before the second search: kept
        picker.locator("input[value=M02]").check()
        page.select_option("#do-dispatch select[name=lead_unit_id]", "D02")
        with page.expect_navigation():
            page.locator("#do-dispatch form button", has_text="派单").click()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    finally:
        context.close()
    with hotline.engine.connect() as connection:
        payload = connection.exec_driver_sql(
            "SELECT payload FROM events WHERE ticket_id = ? AND action = 'Dispatched'", (ticket_id,)).scalar()
    assert payload and '"S02"' in payload and '"M02"' in payload, payload


@browser_marks[0]
@browser_marks[1]
def test_in_a_browser_with_scripts_enter_in_the_unit_search_searches_in_place_and_never_dispatches(
        hotline, server, browser):  # noqa: F811
    from playwright.sync_api import expect

    ticket_id = hotline.handle(c.Intake(actor_id="A01", content="小区门口饭店油烟直排，影响居民生活",
                                        category="0201")).ticket_id
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(server + "/login")
        page.fill("#person_id", "P01")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.press("#password", "Enter")
        page.goto(f"{server}/tickets/{ticket_id}")
        page.locator("#do-dispatch").evaluate("details => { details.open = true }")
        box = page.locator("#dispatch-assisting-unit-ids-q")
        box.fill("韶九")
        box.press("Enter")
        expect(page.locator("#dispatch-assisting-unit-ids-picker legend")).to_contain_text("找到 1 个单位")
        assert page.url == f"{server}/tickets/{ticket_id}"  # fetched in place: the page was not left
    finally:
        context.close()
    with hotline.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM events WHERE ticket_id = ? AND action = 'Dispatched'",
                                          (ticket_id,)).scalar() == 0
