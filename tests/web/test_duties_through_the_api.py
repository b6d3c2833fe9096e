"""Separation of duties and idempotency keys through the REST API (issue 15, sixth round): the same refusals
as the workflow's own tests, reached the way an integrating system reaches them — one person holding two
roles endorsing their own request, a reviewer visiting the ticket whose closure they approved, and one
idempotency key reused for another command — each refused with nothing written."""

import pytest
from support.workflow_steps import closure_requested, endorsed, visit_pending

from rexian.service.org_admin import apply_org_changes, read_org_file
from tests.web.conftest import csrf_of


@pytest.fixture
def two_hats(hotline, tmp_path):
    """R01 reviewer and visitor; H0201 handler and unit leader of D02 (loaded as an administrator would)."""
    org_file = tmp_path / "two_hats.yaml"
    org_file.write_text("people:\n"
                        "  - {id: R01, name: 陈慧, unit: C00, roles: [reviewer, visitor]}\n"
                        "  - {id: H0201, name: 吴敏, unit: D02, roles: [handler, unit_leader]}\n", encoding="utf-8")
    apply_org_changes(hotline, "X01", read_org_file(org_file))
    return hotline


def _token(client_for, person_id):
    client = client_for(person_id)
    issued = client.post("/api/v1/tokens", json={"name": "对接系统"}, headers={"X-CSRF-Token": csrf_of(client)})
    assert issued.status_code == 201, issued.text
    return {"Authorization": f"Bearer {issued.json()['token']}"}


def _events(app, tid):
    return [event["action"] for event in app.events(tid)]


def test_a_reviewer_cannot_visit_through_the_api_the_ticket_whose_closure_they_approved(two_hats, client_for):
    tid = visit_pending(two_hats)
    before = _events(two_hats, tid)
    bearer = _token(client_for, "R01")
    answer = client_for().post(f"/api/v1/tickets/{tid}/visit", headers=bearer,
                               json={"resolved": True, "satisfaction": "satisfied", "method": "phone"})
    assert answer.status_code == 403 and "职责分离" in answer.text, answer.text
    assert _events(two_hats, tid) == before


def test_a_handler_who_leads_the_unit_cannot_endorse_their_own_closure_request_through_the_api(two_hats, client_for):
    tid = closure_requested(two_hats)
    request_id = two_hats.ticket(tid).pending("closure").request_id
    before = _events(two_hats, tid)
    answer = client_for().post(f"/api/v1/tickets/{tid}/endorse", headers=_token(client_for, "H0201"),
                               json={"request_id": request_id})
    assert answer.status_code == 403 and "职责分离" in answer.text, answer.text
    assert _events(two_hats, tid) == before
    assert endorsed(two_hats, tid, "closure")  # the unit's other leader may


def test_an_idempotency_key_reused_through_the_api_for_another_command_is_refused(two_hats, client_for):
    bearer = _token(client_for, "A01")
    client = client_for()
    body = {"content": "路灯不亮已经一周了没人修", "category": "0101", "channel": "phone"}
    first = client.post("/api/v1/tickets", headers={**bearer, "Idempotency-Key": "k-1"}, json=body)
    assert first.status_code == 201, first.text
    again = client.post("/api/v1/tickets", headers={**bearer, "Idempotency-Key": "k-1"}, json=body)
    assert again.status_code in (200, 201) and again.json()["ticket_id"] == first.json()["ticket_id"]
    other = client.post("/api/v1/tickets", headers={**bearer, "Idempotency-Key": "k-1"},
                        json={**body, "content": "另一件事：井盖丢失"})
    assert other.status_code == 409 and "幂等键" in other.text, other.text
    tickets = two_hats.engine.connect().exec_driver_sql("SELECT count(*) FROM tickets").scalar()
    assert tickets == 1
