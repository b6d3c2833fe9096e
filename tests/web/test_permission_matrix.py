"""The permission matrix, generated from the route table: every role × every endpoint, allowed and refused,
plus other units' tickets and a supervisor trying to write."""

import pytest
from fastapi.routing import APIRoute

from rexian.web.access import Allow, Public, api_routes
from rexian.web.actions import ACTIONS
from tests.web.conftest import csrf_of

PERSON_OF_ROLE = {"agent": "A01", "dispatcher": "P01", "handler": "H0201", "unit_leader": "L0201",
                  "reviewer": "R01", "visitor": "V01", "supervisor": "J01", "admin": "X01"}


def declaration(route: APIRoute):
    """The route's permission declaration (Allow or Public) among its dependencies."""
    found = [dep.call for dep in route.dependant.dependencies if isinstance(dep.call, (Allow, Public))]
    return found[0] if found else None


def routes(app):
    found = api_routes(app)
    assert len(found) > 30
    return found


@pytest.fixture
def ticket_in_d02(hotline):
    from rexian.domain import commands as c

    outcome = hotline.handle(c.Intake(actor_id="A01", content="小区门口饭店油烟扰民严重", category="0201",
                                      caller_phone="13812345678", caller_name="张三", address="东城区多福巷3号"))
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=outcome.ticket_id, lead_unit_id="D02"))
    return outcome.ticket_id


def test_every_route_declares_who_may_call_it(web_app):
    undeclared = [f"{sorted(r.methods)} {r.path}" for r in routes(web_app) if declaration(r) is None]
    assert undeclared == []


def test_every_page_form_is_csrf_checked(web_app):
    from rexian.web.access import checked_form

    unchecked = [r.path for r in routes(web_app) if "POST" in r.methods and not r.path.startswith("/api/")
                 and checked_form not in [dep.call for dep in r.dependant.dependencies]]
    assert unchecked == []


def _fill(path: str, ticket_id: str) -> list[tuple[str, tuple[str, ...] | None]]:
    """Concrete URLs for a route path, each with the roles its handler checks inside (or None)."""
    path = path.replace("{ticket_id}", ticket_id).replace("{sha256}", "0" * 64).replace("{year}", "2027") \
        .replace("{token_id}", "0" * 64)
    if "{action_name}" in path:
        return [(path.replace("{action_name}", name), action.roles) for name, action in ACTIONS.items()]
    return [(path, None)]


def _call(client, method: str, url: str):
    if method == "GET":
        return client.get(url, follow_redirects=False)
    if url.startswith("/api/"):
        return client.post(url, json={}, headers={"X-CSRF-Token": csrf_of(client)}, follow_redirects=False)
    return client.post(url, data={"csrf": csrf_of(client)}, follow_redirects=False)


@pytest.mark.parametrize("role", [None, *PERSON_OF_ROLE])
def test_each_role_is_allowed_exactly_the_routes_declared_for_it(role, web_app, client_for, ticket_in_d02):
    client = client_for(PERSON_OF_ROLE.get(role))
    checked = 0
    for route in routes(web_app):
        declared = declaration(route)
        for method in sorted(route.methods - {"HEAD"}):
            for url, inner_roles in _fill(route.path, ticket_in_d02):
                if url in ("/login", "/logout") and method == "POST":
                    continue  # signing in and out changes the client's session; tested on their own
                roles = inner_roles or (declared.roles if isinstance(declared, Allow) else ())
                response = _call(client, method, url)
                where = (f"{role} {method} {url}: {response.status_code} {response.headers.get('location')} "
                         f"{response.text[:200]}")
                assert response.status_code < 500, where
                if isinstance(declared, Public):
                    assert response.status_code not in (401, 403), where
                elif role is None:
                    expected = 401 if url.startswith("/api/") else 303
                    assert response.status_code == expected, where
                    if expected == 303:
                        assert response.headers["location"].startswith("/login"), where
                elif roles and role not in roles:
                    assert response.status_code == 403 and "web.role" in response.text, where
                else:  # past the route's check (the workflow may still refuse the empty request: not web.role)
                    assert response.status_code != 401 and "web.role" not in response.text, where
                checked += 1
    assert checked > 40


@pytest.mark.parametrize("person_id", ["H0101", "L0101", "HS01", "LS02"])
def test_another_units_ticket_is_not_found_for_reading_or_writing(person_id, client_for, ticket_in_d02):
    client = client_for(person_id)
    assert client.get(f"/tickets/{ticket_in_d02}").status_code == 404
    assert client.get(f"/api/v1/tickets/{ticket_in_d02}").status_code == 404
    response = client.post(f"/api/v1/tickets/{ticket_in_d02}/reply", json={"reply": "已经处理完毕，请知悉"},
                           headers={"X-CSRF-Token": csrf_of(client)})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "ticket.unknown"
    listed = client.get("/api/v1/tickets").json()
    assert ticket_in_d02 not in [item["ticket_id"] for item in listed["items"]]


def test_a_unit_leader_sees_the_tickets_of_the_units_below_but_not_beside(hotline, client_for):
    from rexian.domain import commands as c

    outcome = hotline.handle(c.Intake(actor_id="A01", content="楼道里堆满杂物无人清理", category="0101"))
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=outcome.ticket_id, lead_unit_id="M01"))
    assert client_for("LS01").get(f"/tickets/{outcome.ticket_id}").status_code == 200  # S01 is above M01
    assert client_for("HS01").get(f"/tickets/{outcome.ticket_id}").status_code == 404  # a handler: own unit
    assert client_for("LS02").get(f"/tickets/{outcome.ticket_id}").status_code == 404  # S02 is beside


@pytest.mark.parametrize("action", ["dispatch", "reply", "sign_for", "request_closure", "visit", "review_closure"])
def test_a_supervisor_cannot_act_on_a_ticket(action, client_for, ticket_in_d02, hotline):
    client = client_for("J01")
    before = len(hotline.events(ticket_in_d02))
    api = client.post(f"/api/v1/tickets/{ticket_in_d02}/{action}", json={},
                      headers={"X-CSRF-Token": csrf_of(client)})
    page = client.post(f"/tickets/{ticket_in_d02}/do/{action}", data={"csrf": csrf_of(client)},
                       follow_redirects=False)
    assert (api.status_code, page.status_code) == (403, 403)
    assert api.json()["code"] == "web.role"
    assert len(hotline.events(ticket_in_d02)) == before


def test_an_api_token_acts_as_its_person_and_stops_when_the_account_is_disabled(web_app, client_for):
    handler = client_for("H0201")
    token = handler.post("/api/v1/tokens", json={"name": "对接"}, headers={"X-CSRF-Token": csrf_of(handler)})
    assert token.status_code == 201
    bearer = {"Authorization": "Bearer " + token.json()["token"]}
    anonymous = client_for()
    assert anonymous.get("/api/v1/me", headers=bearer).json()["person_id"] == "H0201"
    web_app.state.web.accounts.set_active("H0201", False)
    assert anonymous.get("/api/v1/me", headers=bearer).status_code == 401
