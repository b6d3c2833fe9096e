"""A supervision order's source findings on the desk: listed by what they are about, never by their key (a repeat
complaint's key holds the callers' address), posted one key a field (a key may hold a space); an order from a clue
comes with the clue's unit chosen, one from findings ticked on the findings list with their units; the unit
answering sees which tickets it is about."""

import re
from datetime import datetime, timedelta

from web.conftest import client_for, form_post, hotline, web_app  # noqa: F401 - fixtures used below

from desk.conftest import finding
from rexian.adapters.findings import FindingRepository

PLACE = "幸福路 12号"  # a caller's address, with a space, as an imported export may write it
REPEAT = f"RC-REPEAT:{PLACE}:0601"


def _confirmed(hotline):  # noqa: F811
    from rexian.bootstrap import desk_services

    FindingRepository(hotline.engine).upsert([
        finding(f"{PLACE}:0601", rule_id="RC-REPEAT", family="repeat_complaint", ticket_id="RX1"),
        finding("RX2", unit_id="D03", person_id="H0301"),
    ], "batch", datetime(2026, 3, 2, 9))
    desk = desk_services(hotline).desk
    desk.decide([REPEAT, "BP-RETURNS:RX2"], "confirm", "J01", "属实")
    return desk


def _shown(page: str) -> str:
    """What the page shows: its text and what its text boxes hold — not the rest of the tags (a check box's value,
    a link's target hold the key, unseen, as the findings list's links always have)."""
    boxes = re.sub(r'<input [^>]*type="text"[^>]*value="([^"]*)"[^>]*>', r"\1", page)
    return re.sub(r"<[^>]+>", "", boxes)


def _chosen_units(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="unit_ids" value="([^"]+)" checked>', page)


def test_the_order_form_from_a_clue_names_its_findings_by_ticket_never_by_key_and_chooses_its_unit(
        hotline, client_for):  # noqa: F811
    desk = _confirmed(hotline)
    clue_id = desk.open_clue("J01", [REPEAT], "重复投诉未解决")
    clue_page = client_for("J01").get(f"/desk/clues/{clue_id}").text
    assert f"/desk/orders?clue={clue_id}\"" in clue_page  # the link to the form carries no key
    page = client_for("J01").get(f"/desk/orders?clue={clue_id}").text
    form = page.split('action="/desk/orders"', 1)[1].split("</form>", 1)[0]
    assert "幸福路" not in _shown(page)
    assert "同一诉求重复投诉 · 工单 RX1" in _shown(form) and f'name="finding_key" value="{REPEAT}" checked' in form
    assert _chosen_units(form) == ["D02"]


def test_an_order_names_the_finding_whose_key_holds_a_space(hotline, client_for):  # noqa: F811
    desk = _confirmed(hotline)
    answer = form_post(client_for("J01"), "/desk/orders",
                       {"unit_ids": ["D02"], "due_at": "2026-03-20T17:00", "demand": "限期整改",
                        "finding_key": [REPEAT, "BP-RETURNS:RX2"]})
    assert answer.status_code == 303 and "error" not in answer.headers["location"], answer.headers["location"]
    (order,) = desk.orders()
    assert sorted(order["state"]["finding_keys"]) == sorted([REPEAT, "BP-RETURNS:RX2"])


def test_findings_ticked_on_the_list_open_the_order_form_with_their_units_chosen(hotline, client_for):  # noqa: F811
    _confirmed(hotline)
    supervisor = client_for("J01")
    assert 'formaction="/desk/orders/draft"' in supervisor.get("/desk/findings").text
    page = form_post(supervisor, "/desk/orders/draft", {"keys": [REPEAT, "BP-RETURNS:RX2"]})
    assert page.status_code == 200
    form = page.text.split('action="/desk/orders"', 1)[1].split("</form>", 1)[0]
    assert "幸福路" not in _shown(page.text) and "工单 RX1" in form and "工单 RX2" in form
    assert _chosen_units(form) == ["D02", "D03"]
    nothing = form_post(supervisor, "/desk/orders/draft", {})
    assert nothing.status_code == 303 and "error=" in nothing.headers["location"]


def test_the_unit_answering_an_order_sees_the_tickets_it_is_about(hotline, client_for):  # noqa: F811
    desk = _confirmed(hotline)
    desk.issue_orders("J01", ["D02"], hotline.clock() + timedelta(days=5), "限期整改", [REPEAT])
    page = client_for("H0201").get("/orders").text
    assert '涉及工单：<a href="/tickets/RX1">RX1</a>' in page and "幸福路" not in _shown(page)
