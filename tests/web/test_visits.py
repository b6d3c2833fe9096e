"""The follow-up caller's form records whether the citizen was reached: a call nobody answered is recorded and
the ticket stays in 待回访 for the next call, instead of forcing a verdict the citizen never gave."""

from support.workflow_steps import visit_pending

from tests.web.conftest import form_post


def test_a_visit_that_did_not_reach_the_citizen_is_recorded_and_the_ticket_waits_in_the_visit_queue(hotline,
                                                                                                   client_for):
    tid = visit_pending(hotline)
    visitor = client_for("V01")
    assert "是否联系上市民" in visitor.get(f"/tickets/{tid}").text
    response = form_post(visitor, f"/tickets/{tid}/do/visit", {"reached": "false", "resolved": "true",
                                                               "satisfaction": "satisfied", "note": "两次拨打无人接听"})
    assert "error=" not in response.headers["location"]
    last = hotline.events(tid)[-1]
    assert last["action"] == "Visited" and last["payload"]["reached"] is False
    assert "satisfaction" not in last["payload"] and hotline.ticket(tid).status == "visit_pending"
    assert tid in visitor.get("/tickets?queue=visit").text
    form_post(visitor, f"/tickets/{tid}/do/visit", {"reached": "true", "resolved": "true", "satisfaction": "satisfied"})
    assert hotline.ticket(tid).status == "closed"


def test_the_visit_form_asks_whether_the_citizen_was_reached_before_the_verdict(hotline, client_for):
    tid = visit_pending(hotline)
    page = client_for("V01").get(f"/tickets/{tid}").text
    form = page[page.index('id="do-visit"'):]
    assert form.index("<label>是否联系上市民") < form.index("<label>问题是否解决") < form.index("<label>满意度")
    assert "选「否」时只记录这次未接通的回访" in form
