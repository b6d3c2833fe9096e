"""The pickers page without scripts: 上一页/下一页 are plain links back to the page the picker sits on, which opens with
that picker's next page (its search and ticked units kept); htmx, where it runs, fetches the fragment instead."""

import html
import re

from rexian.domain import commands as c
from web.conftest import client_for, hotline, web_app  # noqa: F401 - fixtures used below


def _next_link(page: str, picker: str) -> str | None:
    box = re.search(rf'<fieldset class="picker" id="{picker}-picker">.*?</fieldset>', page, re.S).group(0)
    found = re.search(r'<a class="button secondary" href="([^"]+)"[^>]*>下一页</a>', box)
    return html.unescape(found.group(1)) if found else None


def test_the_admin_person_picker_pages_through_every_person_by_plain_links(client_for, hotline):  # noqa: F811
    admin = client_for("X01")
    seen, page = [], admin.get("/admin").text
    while True:
        form = re.search(r'<form method="post" action="/admin/accounts".*?</form>', page, re.S).group(0)
        seen += re.findall(r'<input type="radio" name="person_id" value="([^"]+)"', form)
        link = _next_link(page, "person")
        if link is None:
            break
        assert link.startswith("/admin?") and link.endswith("#person-picker")
        page = admin.get(link).text
    assert sorted(seen) == sorted(hotline.organisation().people) and len(seen) == len(set(seen))


def test_a_searched_page_of_the_person_picker_keeps_its_search_in_the_plain_link(client_for):  # noqa: F811
    admin = client_for("X01")
    fragment = admin.get("/admin/people", params={"pick_q": "承办人"},
                         headers={"HX-Current-URL": "http://testserver/admin?account_q=H"}).text
    link = _next_link(fragment, "person")
    assert link.startswith("/admin?account_q=H&pick=person&pick_q=") and "pick_page=2" in link
    second = admin.get(link).text
    assert "找到" in second and "第 2 / " in second


def test_the_dispatch_forms_unit_picker_pages_by_plain_links_with_the_suggested_unit_kept_ticked(hotline, client_for):  # noqa: F811
    ticket_id = hotline.handle(c.Intake(actor_id="A01", content="小区门口饭店油烟直排，影响居民生活",
                                        category="0201")).ticket_id
    dispatcher = client_for("P01")
    seen, page = [], dispatcher.get(f"/tickets/{ticket_id}").text
    while True:
        form = re.search(r'<details class="action" id="do-dispatch"[^>]*>.*?</details>', page, re.S).group(0)
        ticked = re.findall(r'name="assisting_unit_ids" value="([^"]+)" checked>', form)
        assert ticked == ["D06"]  # the catalogue's suggestion, ticked on every page
        seen += re.findall(r'name="assisting_unit_ids" value="([^"]+)">', form)
        link = _next_link(page, "dispatch-assisting-unit-ids")
        if link is None:
            break
        page = dispatcher.get(link).text
        assert re.search(r'<details class="action" id="do-dispatch" open>', page)  # the form is opened where it was
    every = {u.unit_id for u in hotline.organisation().handling_units()} - {"D06"}
    assert sorted(seen) == sorted(every) and len(seen) == len(set(seen))
