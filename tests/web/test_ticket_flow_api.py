from tests.web.conftest import form_post


def test_an_agent_files_a_dispatcher_dispatches_and_only_the_lead_units_handler_sees_it(client_for):
    a = client_for("A01")
    r = a.get("/")
    assert r.status_code == 200, r.text
    r = form_post(a, "/intake", {"content": "小区门口油烟扰民严重，每天晚上都有", "caller_phone": "13812345678",
                                 "category": "0201", "step": "save", "address": "东城区东华门街道多福巷3号"})
    assert r.status_code == 303, r.text
    url, _, confirmed = r.headers["location"].partition("?")  # the ticket, and its confirmation (web14: done=intake)
    assert confirmed == "done=intake"
    r = a.get(url)
    assert r.status_code == 200, r.text
    p = client_for("P01")
    r = p.get(url)
    assert r.status_code == 200, r.text
    assert "138****5678" in r.text
    r = form_post(p, url + "/do/dispatch", {"lead_unit_id": "D02"})
    assert r.status_code == 303, r.text
    r = p.get(r.headers["location"])
    assert "error" not in str(r.url), r.text
    h = client_for("H0201")
    r = h.get("/tickets?queue=inbox")
    assert r.status_code == 200
    assert url.split("/")[-1] in r.text
    r = h.get(url)
    r = h.get("/api/v1/tickets")
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 1
    o = client_for("H0101")
    assert o.get(url).status_code == 404
    assert o.get("/api/v1/tickets").json()["total"] == 0
    r = client_for().get("/api/openapi.json")
    assert r.status_code == 200
    r = client_for().get("/portal")
    assert r.status_code == 200, r.text
    r = client_for().get("/open311/v2/services.json")
    assert r.status_code == 200, r.text
