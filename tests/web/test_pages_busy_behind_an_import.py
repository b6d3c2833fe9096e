"""Pages that show callers' details unmasked (agent, handler, leader, follow-up caller) write their disclosure audit
record before the data (no audit record, no disclosure); on SQLite that write waits for the write lock an import
holds. The wait is bounded: after a few seconds the page answers 「系统正在导入，请稍后刷新」 (HTTP 503, Retry-After),
shows nothing and writes nothing; once the lock is free the same page shows the data and audits it."""

import time

import pytest

from support.sqlite_lock import done_while_the_write_lock_is_held
from web.conftest import client_for, hotline, web_app  # noqa: F401 - fixtures used below

PHONE = "13812345678"


@pytest.fixture
def ticket_id(hotline):  # noqa: F811
    from rexian.domain import commands as c

    ticket_id = hotline.handle(c.Intake(actor_id="A01", category="0201", caller_phone=PHONE,
                                        address="东城区幸福路18号", content="楼下饭店油烟直排，味道很大")).ticket_id
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=ticket_id, lead_unit_id="D02"))
    return ticket_id


def _disclosures(hotline) -> int:  # noqa: F811
    with hotline.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT count(*) FROM audit_log WHERE action = 'disclose'").scalar()


@pytest.mark.parametrize("page", ["/tickets/{ticket}", "/tickets?queue=inbox", "/"])
def test_a_handlers_page_says_the_system_is_importing_within_seconds_while_the_write_lock_is_held(
        page, hotline, client_for, ticket_id):  # noqa: F811
    client = client_for("H0201")
    url = page.format(ticket=ticket_id)
    assert PHONE in client.get(url).text  # warm, and the handler does see the phone
    audited = _disclosures(hotline)
    began = time.monotonic()
    response = done_while_the_write_lock_is_held(hotline.engine.url.database, lambda: client.get(url),
                                                 f"H0201 {url}", seconds=10)
    assert time.monotonic() - began < 8
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert "系统正在导入，请稍后刷新" in response.text and PHONE not in response.text
    assert f'href="{url}"' in response.text.replace("&amp;", "&")  # 刷新: the same page again
    assert _disclosures(hotline) == audited  # nothing shown, nothing written
    again = client.get(url)
    assert again.status_code == 200 and PHONE in again.text and _disclosures(hotline) == audited + 1


def test_the_api_answers_a_problem_with_the_busy_code_while_the_write_lock_is_held(hotline, client_for,  # noqa: F811
                                                                                   ticket_id):
    client = client_for("H0201")
    response = done_while_the_write_lock_is_held(hotline.engine.url.database,
                                                 lambda: client.get(f"/api/v1/tickets/{ticket_id}"), "API", seconds=10)
    assert response.status_code == 503 and response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "web.busy" and response.json()["detail"] == "系统正在导入，请稍后刷新"
    assert PHONE not in response.text
