"""The leader's approvals and the reviewers' queue are paged like the ticket list, with the true total shown: no
request is cut off at a fixed number, and a settled request leaves the queue and its count."""

import re

from rexian.domain import commands as c


def _return_requested(hotline, n):
    ticket_id = hotline.handle(c.Intake(actor_id="A01", content=f"工地夜间施工噪声扰民第{n}次反映", category="0202",
                                        caller_phone="13812345678", address="东城区多福巷3号")).ticket_id
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=ticket_id, lead_unit_id="D02"))
    hotline.handle(c.RequestReturn(actor_id="H0201", ticket_id=ticket_id, reason="不属于本单位职责",
                                   basis="职责清单：施工噪声由住建部门主办"))
    return ticket_id


def _listed(html):
    return re.findall(r'<a href="/tickets/(RX\d+)">', html)


def test_the_approval_queue_pages_every_request_and_shows_the_total(hotline, client_for):
    tickets = [_return_requested(hotline, n) for n in range(23)]
    declined = tickets.pop(5)  # the leader sends one back to the handler: it is no longer waiting
    request = hotline.ticket(declined).pending("return")
    hotline.handle(c.EndorseRequest(actor_id="L0201", ticket_id=declined, request_id=request.request_id,
                                    approve=False, reason="请先与住建部门沟通后再申请"))
    leader = client_for("L0201")
    first, second = leader.get("/approvals").text, leader.get("/approvals?page=2").text
    assert "共 22 件" in first and "第 1 / 2 页" in first and 'href="/approvals?page=2"' in first
    assert _listed(first) == tickets[:20] and _listed(second) == tickets[20:]
    assert declined not in first + second
    tile = re.search(r'id="tile-approvals".*?<a href="/approvals">(\d+)', leader.get("/").text, re.S)
    assert tile.group(1) == "22"
    assert _listed(leader.get("/approvals?page=9").text) == tickets[20:]  # past the end: the last page


def test_the_review_queue_is_paged_too(hotline, client_for):
    tickets = [_return_requested(hotline, n) for n in range(21)]
    for ticket_id in tickets:
        request = hotline.ticket(ticket_id).pending("return")
        hotline.handle(c.EndorseRequest(actor_id="L0201", ticket_id=ticket_id, request_id=request.request_id))
    reviewer = client_for("R01")
    first, second = reviewer.get("/reviews").text, reviewer.get("/reviews?page=2").text
    assert "共 21 件" in first and _listed(first) == tickets[:20] and _listed(second) == tickets[20:]
    assert "共 0 件" in client_for("L0201").get("/approvals").text


def test_the_intake_pages_caller_history_says_when_it_shows_only_the_newest(hotline, client_for):
    from tests.web.conftest import form_post

    filed = [hotline.handle(c.Intake(actor_id="A01", content=f"楼下噪声第{n}次", category="0202",
                                     caller_phone="13955556666")).ticket_id for n in range(21)]
    page = form_post(client_for("A01"), "/intake", {"step": "advise", "caller_phone": "13955556666",
                                                     "content": "噪声又来了", "category": "0202"}).text
    listed = re.findall(r'<a href="/tickets/(RX\d+)">', page.split('id="caller-history"')[1].split("</table>")[0])
    assert len(listed) == 20 and filed[0] not in listed  # the newest 20, and it says so
    assert "此处列出最近 20 件" in page and 'href="/tickets?q=13955556666"' in page
    few = form_post(client_for("A01"), "/intake", {"step": "advise", "caller_phone": "13800001111",
                                                    "content": "噪声", "category": "0202"}).text
    assert "此处列出最近" not in few


def test_a_waiting_request_is_listed_however_many_tickets_once_had_one(hotline, client_for):
    """Before, the queue replayed only the 303 oldest-updated tickets in handling that had ever had a request: a
    request waiting on a newer ticket was neither listed nor counted, and nothing said so."""
    for n in range(305):  # returns asked for and refused by the leader: in handling, a request in their log, none open
        ticket_id = _return_requested(hotline, n)
        request = hotline.ticket(ticket_id).pending("return")
        hotline.handle(c.EndorseRequest(actor_id="L0201", ticket_id=ticket_id, request_id=request.request_id,
                                        approve=False, reason="请先与住建部门沟通后再申请"))
    waiting = _return_requested(hotline, 999)
    leader = client_for("L0201")
    page = leader.get("/approvals").text
    assert _listed(page) == [waiting] and "共 1 件" in page
    assert re.search(r'id="tile-approvals".*?<a href="/approvals">(\d+)', leader.get("/").text, re.S).group(1) == "1"
