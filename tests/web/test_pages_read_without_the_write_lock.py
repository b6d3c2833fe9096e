"""Every role's main pages only read: on SQLite they must answer while another connection holds the write lock (an
intake, an import, the scheduler), instead of stalling behind it. The roles that see callers' details unmasked
(agent, handler, unit leader, follow-up caller) are not here: each page that shows them writes its `disclose` audit
record before the data (no audit record, no disclosure), and that one write waits for the lock by design."""

import pytest

from support.sqlite_lock import done_while_the_write_lock_is_held
from web.conftest import client_for, hotline, web_app  # noqa: F401 - fixtures used below


@pytest.fixture
def ticket_id(hotline):  # noqa: F811
    from rexian.domain import commands as c

    ticket_id = hotline.handle(c.Intake(actor_id="A01", category="0201", caller_phone="13812345678",
                                        address="东城区幸福路18号", content="楼下饭店油烟直排，味道很大")).ticket_id
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=ticket_id, lead_unit_id="D02"))
    return ticket_id


PAGES = [
    ("P01", "/"), ("P01", "/tickets?queue=dispatch"), ("P01", "/tickets/{ticket}"), ("P01", "/tickets?q=油烟"),
    ("R01", "/reviews"), ("R01", "/tickets/{ticket}"), ("R01", "/api/v1/tickets"),
    ("J01", "/desk"), ("J01", "/desk/findings"), ("J01", "/desk/dashboard.json"), ("J01", "/tickets/{ticket}"),
    ("X01", "/admin"), ("X01", "/admin/people"),
]


@pytest.mark.parametrize("person, page", PAGES)
def test_a_page_answers_while_another_connection_holds_the_write_lock(person, page, hotline, client_for,  # noqa: F811
                                                                       ticket_id):
    client = client_for(person)
    url = page.format(ticket=ticket_id)
    assert client.get(url).status_code == 200  # warm: the organisation and the templates read once
    response = done_while_the_write_lock_is_held(hotline.engine.url.database, lambda: client.get(url), f"{person} {url}")
    assert response.status_code == 200, response.text[:300]
