"""The account form's person picker: searched on the server (by id, name, unit or role) and paged, a page of
radio buttons swapped in by htmx as the administrator types, usable by keyboard; without a choice, a search that
finds exactly one person names them, and anything else is refused in Chinese with nothing changed."""

import re
from urllib.parse import parse_qs, urlsplit

from web.conftest import client_for, form_post, hotline, web_app  # noqa: F401 - fixtures used below
from tests.web.test_browser import Person, browser, pytestmark, server  # noqa: F401 - fixtures and the marks


def _picked(page: str) -> list[str]:
    return re.findall(r'<input type="radio" name="person_id" value="([^"]+)"', page)


def test_the_picker_finds_people_by_name_unit_and_role_and_pages_the_rest(client_for):  # noqa: F811
    admin = client_for("X01")
    assert _picked(admin.get("/admin/people", params={"pick_q": "吴敏"}).text) == ["H0201"]
    assert _picked(admin.get("/admin/people", params={"pick_q": "住房和城乡建设局 承办人"}).text) == ["H0101"]
    first = admin.get("/admin/people").text
    total = int(re.search(r"共 (\d+) 人", first).group(1))
    assert len(_picked(first)) == 8 and "第 1 / " in first
    seen, page = [], first
    while True:
        seen += _picked(page)
        after = re.search(r'hx-get="([^"]+)" hx-target="#account-person-results">下一页', page)
        if after is None:
            break
        page = admin.get(after.group(1).replace("&amp;", "&")).text
    assert len(seen) == total == len(set(seen))  # every person once, page after page
    none = admin.get("/admin/people", params={"pick_q": "无此人xyz"}).text
    assert _picked(none) == [] and "没有找到符合「无此人xyz」的人员" in none


def test_the_admin_page_opens_with_the_pickers_first_page_and_not_all_people(client_for):  # noqa: F811
    page = client_for("X01").get("/admin").text
    form = re.search(r'<form method="post" action="/admin/accounts".*?</form>', page, re.S).group(0)
    assert len(_picked(form)) == 8 and 'hx-get="/admin/people"' in form and "<select name=\"person_id\"" not in form


def test_a_search_naming_one_person_is_enough_and_an_ambiguous_one_is_refused(client_for, web_app):  # noqa: F811
    admin = client_for("X01")
    accounts = web_app.state.web.accounts
    answer = form_post(admin, "/admin/accounts", {"pick_q": "吴敏", "operation": "disable"})
    assert answer.status_code == 303 and "error" not in answer.headers["location"]
    assert not next(a for a in accounts.list() if a["person_id"] == "H0201")["active"]
    before = accounts.list()
    for typed, said in (("承办人", "人：请在列表中选中一位人员"), ("无此人xyz", "没有找到符合「无此人xyz」的人员"),
                        ("", "请先查找并选中一位人员")):
        answer = form_post(admin, "/admin/accounts", {"pick_q": typed, "operation": "enable"})
        error = parse_qs(urlsplit(answer.headers["location"]).query)["error"][0]
        assert said in error, error
    assert accounts.list() == before  # nothing changed by a refused form
    form_post(admin, "/admin/accounts", {"person_id": "H0201", "pick_q": "承办人", "operation": "enable"})
    assert next(a for a in accounts.list() if a["person_id"] == "H0201")["active"]  # the choice wins over the words


def test_in_the_browser_the_administrator_types_a_name_and_picks_the_person_by_keyboard(server, browser, web_app):  # noqa: F811
    from playwright.sync_api import expect

    admin = Person(browser, server, "X01", locale="en-US")
    page = admin.open("/admin")
    page.locator("#account-person-q").press_sequentially("吴敏")
    expect(page.locator("#person-picker input[name=person_id]")).to_have_count(1)
    page.keyboard.press("Tab")  # from the search field to the one person found, chosen with the space bar
    page.keyboard.press("Space")
    assert page.locator("#person-picker input[value=H0201]").is_checked()
    page.select_option("select[name=operation]", "disable")
    with page.expect_navigation():
        page.locator("form[action='/admin/accounts'] button:not([formaction])").click()
    assert page.locator("#admin-error").count() == 0
    assert "已停用账号：H0201" in page.locator("#admin-done").inner_text()  # said, not only done (web14)
    assert not next(a for a in web_app.state.web.accounts.list() if a["person_id"] == "H0201")["active"]
    page.locator("#account-person-q").fill("")
    page.locator("#account-person-q").press_sequentially("H")  # many found: paged in place, by the pager's button
    # The list shown before the search is paged too: wait for the search's own answer ("找到"), not "第 1 /" alone.
    expect(page.locator("#person-picker legend")).to_have_text(re.compile(r"^找到 \d+ 人，第 1 / \d+ 页"))
    # 下一页 is a plain link (paging without scripts, test_picker_without_scripts.py) that htmx fetches in place
    shown = page.url  # /admin, with the confirmation of the account change above
    page.locator("#person-picker .pager a", has_text="下一页").click()
    expect(page.locator("#person-picker legend")).to_contain_text("第 2 /")
    assert page.url == shown and "/admin" in shown  # paged in place: the page was not left
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    admin.close()
