"""The administrator edits the organisation in the browser — units, people, categories with their deadlines,
the responsibility catalogue — one row at a time, through the same checked change as `rexian org load`: saved
and logged on the ORG hash chain, or refused whole with the reason; and reads the working calendar."""

import re

from sqlalchemy import func, select

from rexian.adapters import tables as t
from rexian.domain import commands as c
from tests.web.conftest import form_post, sign_in


def _org_events(hotline) -> int:
    with hotline.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(t.org_events)).scalar_one()


def _save(client, **fields):
    response = form_post(client, "/admin/org", fields)
    assert response.status_code == 303, response.text[:300]
    return response.headers["location"]


def test_an_admin_adds_a_unit_and_a_person_and_the_person_can_then_get_an_account(hotline, client_for):
    admin, before = client_for("X01"), _org_events(hotline)
    assert "error" not in _save(admin, type="unit", id="S09", name="北新桥街道办事处", kind="street", parent="G01",
                                area="110101", active="true")
    assert "error" not in _save(admin, type="person", id="HS09", name="周新", unit="S09", roles=["handler"],
                                phone="010-88886666", active="true")
    org = hotline.organisation()
    assert org.unit("S09").parent_id == "G01" and org.person("HS09").roles == {"handler"}
    assert _org_events(hotline) == before + 2  # each saved row an event on the organisation's chain
    from rexian.service.verify import verify_database

    assert verify_database(hotline.engine).intact
    form_post(admin, "/admin/accounts", {"person_id": "HS09", "operation": "add", "password": "new-pass-123"})
    assert sign_in(client_for(), "HS09", "new-pass-123").status_code == 303


def test_editing_a_categorys_deadline_changes_the_deadline_of_the_next_dispatch(hotline, client_for):
    admin = client_for("X01")
    page = admin.get("/admin?edit=category&key=0202").text
    form = re.search(r'<form[^>]*id="category-form".*?</form>', page, re.S).group(0)
    assert 'value="0202"' in form and 'value="3"' in form  # the row to edit, filled in
    assert "error" not in _save(admin, type="category", code="0202", name="噪声扰民", parent="02", handle_days="10")
    tid = hotline.handle(c.Intake(actor_id="A01", content="楼上装修每天早上七点就开始电钻", category="0202")).ticket_id
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D02"))
    ticket = hotline.ticket(tid)
    assert ticket.due_at == hotline.deadlines.handle_due(ticket.dispatched_at, "normal", 10, None)


def test_a_catalogue_line_saved_by_the_admin_is_what_the_dispatch_form_then_suggests(hotline, client_for):
    assert "error" not in _save(client_for("X01"), type="catalogue", category="0202", lead="D06",
                                assisting=["D02"])
    tid = hotline.handle(c.Intake(actor_id="A01", content="夜间施工噪音扰民严重", category="0202")).ticket_id
    page = client_for("P01").get(f"/tickets/{tid}").text
    assert "职责清单建议：市城市管理局；协办 市生态环境局" in page


def test_a_change_that_breaks_the_organisation_is_refused_whole_with_the_reason(hotline, client_for):
    admin, before = client_for("X01"), _org_events(hotline)
    location = _save(admin, type="unit", id="G01", name="东城区人民政府", kind="district", parent="S01")  # a cycle
    page = admin.get(location).text
    assert "成环" in re.search(r'id="admin-error">(.*?)<', page, re.S).group(1)
    location = _save(admin, type="person", id="HX01", name="无单位", unit="NOPE", roles=["handler"])
    assert "不存在" in admin.get(location).text
    assert _org_events(hotline) == before and hotline.organisation().unit("G01").parent_id is None


def test_only_an_admin_may_change_the_organisation(hotline, client_for):
    before = _org_events(hotline)
    for person in ("P01", "J01", "H0201"):
        response = form_post(client_for(person), "/admin/org", {"type": "unit", "id": "S09", "name": "x"})
        assert response.status_code == 403, person
    assert _org_events(hotline) == before


def test_the_admin_page_shows_the_calendar_this_year_and_says_when_next_year_has_no_file(client_for):
    page = client_for("X01").get("/admin").text  # the tests' clock is in 2026; 2027 is not packaged
    calendar = re.search(r'<div class="card" id="calendar">(.*?)</div>\s*<div class="card">', page, re.S).group(1)
    assert "2026 年" in calendar and "春节" in calendar
    assert "没有2027年的日历文件" in calendar


def test_the_api_changes_the_organisation_as_the_admin_page_does_and_refuses_as_problem_json(hotline, client_for):
    admin, before = client_for("X01"), _org_events(hotline)
    token = admin.post("/api/v1/tokens", json={"name": "组织同步"},
                       headers={"X-CSRF-Token": admin.cookies["rx_csrf"]}).json()["token"]
    api = client_for()
    bearer = {"Authorization": f"Bearer {token}"}
    saved = api.post("/api/v1/org", json={"type": "category", "code": "0203", "name": "光污染", "parent": "02",
                                          "handle_days": 4}, headers=bearer)
    assert saved.status_code == 200 and saved.json() == {"changed": 1}
    assert hotline.organisation().deadline_days("0203") == (4, None)
    refused = api.post("/api/v1/org", json={"type": "catalogue", "category": "0203", "lead": "NOPE"}, headers=bearer)
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "org.invalid" and "不存在" in refused.json()["detail"]
    wrong = api.post("/api/v1/org", json={"type": "unit", "id": "S09", "name": "x", "lead": "D02"}, headers=bearer)
    assert wrong.status_code == 422 and wrong.json()["code"] == "org.fields"
    assert _org_events(hotline) == before + 1
    handler = client_for("H0201")
    assert handler.post("/api/v1/org", json={"type": "unit", "id": "S09", "name": "x"},
                        headers={"X-CSRF-Token": handler.cookies["rx_csrf"]}).status_code == 403


def test_the_api_opens_and_disables_accounts_as_the_admin_page_does(hotline, client_for):
    from rexian.service.org_admin import apply_org_changes

    apply_org_changes(hotline, "X01", [{"type": "person", "id": "HS09", "name": "周新", "unit": "S01",
                                        "roles": ["handler"]}])
    admin = client_for("X01")
    headers = {"X-CSRF-Token": admin.cookies["rx_csrf"]}
    opened = admin.post("/api/v1/accounts", json={"person_id": "HS09", "operation": "add", "password": "new-pass-123"},
                        headers=headers)
    assert opened.status_code == 204 and sign_in(client_for(), "HS09", "new-pass-123").status_code == 303
    assert admin.post("/api/v1/accounts", json={"person_id": "HS09", "operation": "disable"},
                      headers=headers).status_code == 204
    assert sign_in(client_for(), "HS09", "new-pass-123").status_code != 303
    odd = admin.post("/api/v1/accounts", json={"person_id": "HS09", "operation": "drop"}, headers=headers)
    assert odd.status_code == 422 and odd.json()["code"] == "account.operation"
    dispatcher = client_for("P01")
    assert dispatcher.post("/api/v1/accounts", json={"person_id": "HS09", "operation": "enable"},
                           headers={"X-CSRF-Token": dispatcher.cookies["rx_csrf"]}).status_code == 403


def test_the_last_admin_cannot_take_the_role_away_or_retire_and_lock_everyone_out(hotline, client_for):
    """Before: the only admin saving their own row without the role (or as retired) was accepted, and from then on
    no one could ever change the organisation (every change needs an admin once it has people)."""
    admin, before = client_for("X01"), _org_events(hotline)
    headers = {"X-CSRF-Token": admin.cookies["rx_csrf"]}
    for change in ({"roles": ["supervisor"]}, {"roles": ["admin"], "active": False}):
        refused = admin.post("/api/v1/org", headers=headers, json={"type": "person", "id": "X01", "name": "管理员",
                                                                   "unit": "C00", **change})
        assert refused.status_code == 422 and "不再有在职的管理员" in refused.json()["detail"], refused.text
    assert _org_events(hotline) == before and hotline.organisation().person("X01").has_role("admin")
    granted = admin.post("/api/v1/org", headers=headers, json={"type": "person", "id": "J01", "name": "周正",
                                                               "unit": "C00", "roles": ["supervisor", "admin"]})
    assert granted.status_code == 200
    handed_over = admin.post("/api/v1/org", headers=headers, json={"type": "person", "id": "X01", "name": "管理员",
                                                                   "unit": "C00", "roles": ["supervisor"]})
    assert handed_over.status_code == 200 and not hotline.organisation().person("X01").has_role("admin")
