"""The citizen portal: file a request, follow it with the number and query code, rate it once after the
follow-up visit closed it; and the query code cannot be found by trying codes one after another."""

import re

from rexian.domain import commands as c
from tests.web.conftest import form_post


def _file(client) -> tuple[str, str]:
    page = form_post(client, "/portal", {"caller_phone": "13812345678", "category": "0201",
                                         "content": "楼下饭店油烟直排，每天晚上熏得开不了窗"}).text
    return (re.search(r'id="filed-ticket">(RX\d+)<', page).group(1),
            re.search(r'id="filed-code">([0-9A-Z]{5}-[0-9A-Z]{5})<', page).group(1))


def _close(hotline, tid):
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D02"))
    hotline.handle(c.SignFor(actor_id="H0201", ticket_id=tid))
    hotline.handle(c.RecordContact(actor_id="H0201", ticket_id=tid, method="phone", summary="电话联系市民约定上门"))
    hotline.handle(c.RequestClosure(actor_id="H0201", ticket_id=tid, reply="经现场检查，饭店已加装油烟净化器并复查达标。"))
    hotline.handle(c.EndorseRequest(actor_id="L0201", ticket_id=tid,
                                    request_id=hotline.ticket(tid).pending("closure").request_id))
    hotline.handle(c.ReviewClosure(actor_id="R01", ticket_id=tid, approve=True,
                                   request_id=hotline.ticket(tid).pending("closure").request_id))
    hotline.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=True, satisfaction="satisfied"))


def test_a_citizen_follows_the_request_and_rates_it_once_after_it_is_closed(hotline, client_for):
    citizen = client_for()
    tid, code = _file(citizen)
    page = form_post(citizen, "/portal/track", {"ticket_id": tid, "code": code}).text
    assert "待派单" in page and 'action="/portal/rate"' not in page  # nothing to rate yet
    assert form_post(citizen, "/portal/rate", {"ticket_id": tid, "code": code, "rating": "satisfied"}).status_code == 409
    _close(hotline, tid)
    page = form_post(citizen, "/portal/track", {"ticket_id": tid, "code": code}).text
    assert "已办结" in page and "饭店已加装油烟净化器" in page and 'action="/portal/rate"' in page, re.sub(r"\s+", " ", page)[-2500:]
    page = form_post(citizen, "/portal/rate", {"ticket_id": tid, "code": code, "rating": "basically_satisfied"}).text
    assert "您的评价：基本满意" in page and 'action="/portal/rate"' not in page
    again = form_post(citizen, "/portal/rate", {"ticket_id": tid, "code": code, "rating": "unsatisfied"})
    assert again.status_code == 409 and "只能评价一次" in again.text


def test_repeated_wrong_codes_on_a_ticket_number_do_not_lock_its_citizen_out(hotline, client_for):
    """Wrong guesses cost the guesser, not the citizen (docs/trust.md): no ticket number is ever locked. The
    guesser's own short (6-digit) codes run out of budget and are refused, the right one too."""
    citizen, attacker = client_for(), client_for()
    tid, code = _file(citizen)
    wrong = [f"{n:06d}" for n in range(1000) if f"{n:06d}" != code][:20]  # web_portal_client_attempts = 20
    for guess in wrong:
        assert "工单编号或查询码不正确" in form_post(attacker, "/portal/track", {"ticket_id": tid, "code": guess}).text
    refused = form_post(attacker, "/portal/track", {"ticket_id": tid, "code": "000999"})
    assert refused.status_code == 429 and "错误次数过多" in refused.text and "待派单" not in refused.text
    assert "待派单" in form_post(citizen, "/portal/track", {"ticket_id": tid, "code": code}).text


def test_the_citizens_rating_is_an_event_on_the_tickets_chain_that_verify_covers(hotline, client_for):
    from sqlalchemy import select

    from rexian.adapters import tables as t
    from rexian.service.verify import verify_database
    from support.tampering import sql

    citizen = client_for()
    tid, code = _file(citizen)
    _close(hotline, tid)
    form_post(citizen, "/portal/rate", {"ticket_id": tid, "code": code, "rating": "unsatisfied"})
    last = hotline.events(tid)[-1]
    assert last["action"] == "CitizenRated" and last["actor_id"] is None and last["payload"] == {"rating": "unsatisfied"}
    assert hotline.ticket(tid).citizen_rating == "unsatisfied" and verify_database(hotline.engine).intact
    with hotline.engine.connect() as connection:  # the rating lives on the chain only
        assert connection.execute(select(t.portal_codes.c.rating).where(t.portal_codes.c.ticket_id == tid)).scalar() \
            is None
    # someone with database access (not the key) turns the rating into 满意
    sql(hotline, "UPDATE events SET payload = ? WHERE ticket_id = ? AND action = 'CitizenRated'",
        '{"rating":"satisfied"}', tid, triggers_off=True)
    assert not verify_database(hotline.engine).intact


def test_staff_cannot_rate_in_the_citizens_name_nor_rate_an_open_ticket(hotline, client_for):
    from rexian.domain.errors import NotAllowed, WrongState

    citizen = client_for()
    tid, _ = _file(citizen)
    for command, error in ((c.Rate(actor_id=None, ticket_id=tid, rating="satisfied"), WrongState),  # still open
                           (c.Rate(actor_id="V01", ticket_id=tid, rating="satisfied"), NotAllowed)):
        try:
            hotline.handle(command)
            raise AssertionError(f"{command} was accepted")
        except error:
            pass
    _close(hotline, tid)
    try:
        hotline.handle(c.Rate(actor_id="V01", ticket_id=tid, rating="satisfied"))  # the visitor, after closure
        raise AssertionError("a staff rating was accepted")
    except NotAllowed as refused:
        assert refused.rule == "rate.citizen_only"
    hotline.handle(c.Rate(actor_id=None, ticket_id=tid, rating="satisfied"))  # the near miss: the citizen, closed
    assert hotline.ticket(tid).citizen_rating == "satisfied"
