"""The workspace home a person opens in the morning: a handler finds today's tickets before the overdue
backlog, and the approval and review tiles count what their pages list."""

import re
from datetime import datetime

from rexian.domain import commands as c


def _dispatched(hotline, content, unit="D02"):
    ticket_id = hotline.handle(c.Intake(actor_id="A01", content=content, category="0202",
                                        caller_phone="13812345678", address="东城区多福巷3号")).ticket_id
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=ticket_id, lead_unit_id=unit))
    return ticket_id


def _section(html, heading):
    """The HTML from the heading `heading` up to the next heading (or the end)."""
    start = html.index(heading)
    following = html.find("<h2", start + 1)
    return html[start:following if following > 0 else len(html)]


def test_a_handlers_home_lists_todays_tickets_first_and_the_overdue_ones_apart(hotline, client_for):
    hotline.clock.now = datetime(2025, 6, 2, 9)  # months ago: long past its deadline by now
    old = _dispatched(hotline, "去年的噪声投诉一直没人处理，楼下工地天天夜里施工")
    hotline.clock.now = datetime(2026, 3, 2, 8, 30)
    fresh = _dispatched(hotline, "今天早上小区门口的饭店油烟直排，味道很大")
    home = client_for("H0201").get("/").text
    today = _section(home, "今日待办")
    assert fresh in today and old not in today
    overdue = _section(home, "已超期 1 件")
    assert old in overdue and "超期" in overdue and fresh not in overdue
    listed = client_for("H0201").get("/tickets?queue=inbox&due=overdue").text
    assert old in listed and fresh not in listed


def test_the_reviewer_and_leader_tiles_count_the_requests_their_pages_list(hotline, client_for):
    first, second = (_dispatched(hotline, f"工地夜间施工噪声扰民第{n}次反映") for n in (1, 2))
    for ticket_id in (first, second):
        hotline.handle(c.RequestReturn(actor_id="H0201", ticket_id=ticket_id, reason="不属于本单位职责",
                                       basis="职责清单：施工噪声由住建部门主办"))
    request = hotline.ticket(first).pending("return")
    hotline.handle(c.EndorseRequest(actor_id="L0201", ticket_id=first, request_id=request.request_id))
    # one request at the centre, one still with the unit leader: the tiles must not count both for either
    reviewer, leader = client_for("R01"), client_for("L0201")
    centre_tile = re.search(r'id="tile-reviews".*?<a href="/reviews">(\d+)', reviewer.get("/").text, re.S)
    listed = reviewer.get("/reviews").text
    assert int(centre_tile.group(1)) == listed.count('<a href="/tickets/RX') == 1 and first in listed
    unit_tile = re.search(r'id="tile-approvals".*?<a href="/approvals">(\d+)', leader.get("/").text, re.S)
    approvals = leader.get("/approvals").text
    assert int(unit_tile.group(1)) == approvals.count('<a href="/tickets/RX') == 1 and second in approvals


def test_todays_work_leaves_out_tickets_waiting_on_the_leader_or_the_centres_review(hotline, client_for):
    at_centre, with_leader, own = (_dispatched(hotline, f"工地夜间施工噪声扰民第{n}次反映") for n in (1, 2, 3))
    for ticket_id in (at_centre, with_leader):
        hotline.handle(c.RequestReturn(actor_id="H0201", ticket_id=ticket_id, reason="不属于本单位职责",
                                       basis="职责清单：施工噪声由住建部门主办"))
    request = hotline.ticket(at_centre).pending("return")
    hotline.handle(c.EndorseRequest(actor_id="L0201", ticket_id=at_centre, request_id=request.request_id))
    home = client_for("H0201").get("/").text
    today = _section(home, "今日待办")
    assert own in today and at_centre not in today and with_leader not in today
    assert re.search(r'id="awaiting">另有 <a href="/tickets\?queue=review">2 件</a>', home)
    waiting = client_for("H0201").get("/tickets?queue=review").text
    assert at_centre in waiting and with_leader in waiting and own not in waiting
    assert own in client_for("H0201").get("/tickets?queue=todo&due=pending").text


def test_the_review_queue_masks_the_callers_phone_in_a_handlers_words_and_the_leader_reads_them_whole(hotline, client_for):
    ticket_id = _dispatched(hotline, "楼下饭店油烟直排")
    hotline.handle(c.SignFor(actor_id="H0201", ticket_id=ticket_id))
    hotline.handle(c.RequestReturn(actor_id="H0201", ticket_id=ticket_id, reason="已致电市民13812345678，反映的是隔壁区的饭店",
                                   basis="职责清单：跨区事项由属地主办"))
    leader = client_for("L0201").get("/approvals").text
    assert "已致电市民13812345678" in leader  # a unit leader needs the caller's details (and is audited)
    request = hotline.ticket(ticket_id).pending("return")
    hotline.handle(c.EndorseRequest(actor_id="L0201", ticket_id=ticket_id, request_id=request.request_id))
    reviews = client_for("R01").get("/reviews").text
    assert ticket_id in reviews and "13812345678" not in reviews and "138****5678" in reviews
