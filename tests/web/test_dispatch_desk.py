"""The dispatcher's form: the lead and assisting units of the responsibility catalogue preselected, the deadline
a dispatch now would set shown, and a ticket filed without a category (a citizen unsure on the portal)
dispatched with the category the dispatcher picks instead of staying in the queue for ever."""

import re

from rexian.domain import commands as c
from tests.web.conftest import form_post


def _form(html: str, action: str) -> str:
    return re.search(rf'<details class="action" id="do-{action}".*?</details>', html, re.S).group(0)


def _selected(form: str, name: str) -> list[str]:
    """The values a select preselects, or (the searched unit picker of several units) the boxes it ticks."""
    select = re.search(rf'<select name="{name}".*?</select>', form, re.S)
    if select is None:
        return re.findall(rf'<input type="checkbox" name="{name}" value="([^"]*)" checked>', form)
    return re.findall(r'<option value="([^"]*)" selected', select.group(0))


def test_the_dispatch_form_preselects_the_catalogues_units_and_shows_the_deadline(hotline, client_for):
    ticket_id = hotline.handle(c.Intake(actor_id="A01", content="小区门口饭店油烟直排，影响居民生活",
                                        category="0201")).ticket_id
    form = _form(client_for("P01").get(f"/tickets/{ticket_id}").text, "dispatch")
    assert _selected(form, "lead_unit_id") == ["D02"] and _selected(form, "assisting_unit_ids") == ["D06"]
    assert _selected(form, "category") == ["0201"]
    assert "职责清单建议：市生态环境局；协办 市城市管理局" in form
    assert re.search(r"办理时限：5个工作日，现在派单则于 2026-03-09 \d\d:\d\d 到期", form), form  # 0201 inherits 02's 5 days


def test_a_category_the_catalogue_does_not_name_leaves_the_lead_unit_to_the_dispatcher(hotline, client_for):
    ticket_id = hotline.handle(c.Intake(actor_id="A01", content="小区物业和业委会的纠纷没人管",
                                        category="06")).ticket_id  # a first level: no catalogue line
    form = _form(client_for("P01").get(f"/tickets/{ticket_id}").text, "dispatch")
    assert "职责清单未列此分类" in form and _selected(form, "assisting_unit_ids") == []


def test_a_portal_request_without_a_category_is_dispatched_with_the_category_the_dispatcher_picks(hotline,
                                                                                                   client_for):
    citizen = client_for()
    filed = form_post(citizen, "/portal", {"caller_phone": "13812345678", "category": "",
                                           "content": "楼下饭店每天深夜还在营业，声音很大，吵得睡不着"})
    ticket_id = re.search(r'id="filed-ticket">(RX\d+)<', filed.text).group(1)
    dispatcher = client_for("P01")
    form = _form(dispatcher.get(f"/tickets/{ticket_id}").text, "dispatch")
    assert "受理时未确定分类，派单前须选定" in form and _selected(form, "category") == [""]
    refused = form_post(dispatcher, f"/tickets/{ticket_id}/do/dispatch", {"lead_unit_id": "D02"})
    assert "error=" in refused.headers["location"] and hotline.ticket(ticket_id).status == "received"
    done = form_post(dispatcher, f"/tickets/{ticket_id}/do/dispatch", {"lead_unit_id": "D02", "category": "0202"})
    assert "error=" not in done.headers["location"]
    ticket = hotline.ticket(ticket_id)
    assert ticket.status == "dispatched" and ticket.intake["category"] == "0202"
    assert "0202 噪声扰民" in dispatcher.get(f"/tickets/{ticket_id}").text


def test_the_dispatcher_sees_the_same_matters_earlier_ticket_and_merges_the_duplicate_into_it(hotline, web_app):
    from fastapi.testclient import TestClient

    from rexian.bootstrap import intake_assistant
    from rexian.web.app import create_app
    from tests.web.conftest import sign_in

    words = dict(content="幸福小区3号楼门口的烧烤店油烟直排，熏得没法开窗", address="东城区东华门街道幸福小区3号楼",
                 category="0201")
    first = hotline.handle(c.Intake(actor_id="A01", caller_phone="13812345678", **words)).ticket_id
    second = hotline.handle(c.Intake(actor_id="A02", caller_phone="13900001111", **words)).ticket_id
    unrelated = hotline.handle(c.Intake(actor_id="A01", content="公交车司机态度恶劣，到站不停车",
                                        address="东城区王府井大街1号", category="0401")).ticket_id
    # the accounts made for `web_app`, now on an application with the intake assistant (as `rexian serve` has)
    with TestClient(create_app(hotline, assistant=intake_assistant(hotline))) as dispatcher:
        assert sign_in(dispatcher, "P01").status_code == 303
        page = dispatcher.get(f"/tickets/{second}").text
        warning = re.search(r'<div class="flash warn" id="duplicates">(.*?)</div>', page, re.S).group(1)
        assert first in warning and second not in warning and unrelated not in warning
        assert f'<option value="{first}">' in page  # offered in the merge field
        merged = form_post(dispatcher, f"/tickets/{second}/do/merge", {"master_ticket_id": first})
        assert "error=" not in merged.headers["location"]
    assert hotline.ticket(second).status == "merged" and hotline.ticket(first).status == "received"
