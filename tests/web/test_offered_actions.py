"""The ticket page offers exactly what the workflow accepts: over several states and roles, every action
offered on the page succeeds when its form is posted (filled in from the page's own options), and what the
workflow refuses (签收 on a ticket already signed for …) is not offered. The exhaustive cross-check of the
offers against the decisions is in tests/domain/test_offers.py; this is the same promise in the browser's
terms, on the page a person actually sees."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from support.workflow_steps import closure_requested, dispatched, endorsed, handling, received, visit_pending

from rexian.domain import commands as c
from tests.web.conftest import form_post

TEXT = "经现场核查，已按要求处理完毕，并已电话告知市民结果。"

# state → how to make a fresh ticket in it (each posted action gets its own, so one cannot spoil another)
STATES = {
    "received": lambda app: received(app),
    "dispatched": lambda app: dispatched(app),
    "handling": lambda app: handling(app),
    "handling at a street office": lambda app: handling(app, lead="S01", handler="HS01"),
    "closure requested": lambda app: closure_requested(app),
    "closure endorsed": lambda app: _endorsed_closure(app),
    "visit pending": lambda app: visit_pending(app),
    "closed": lambda app: _closed(app),
}


def _endorsed_closure(app) -> str:
    tid = closure_requested(app)
    endorsed(app, tid, "closure")
    return tid


def _closed(app) -> str:
    tid = visit_pending(app)
    app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=True, satisfaction="satisfied"))
    return tid


CASES = [  # (state, person, offered actions that must be there, actions that must not)
    ("received", "P01", {"dispatch", "merge"}, {"direct_close", "sign_for", "reopen"}),
    ("received", "A01", {"merge"}, {"dispatch", "direct_close"}),
    ("dispatched", "H0201", {"sign_for", "request_return", "hand_over"}, {"reply", "request_closure", "forward"}),
    ("dispatched", "J01", {"remind", "supervise"}, {"sign_for", "reopen", "dispatch"}),
    ("handling", "H0201", {"record_contact", "reply", "request_extension", "request_return"},
     {"sign_for", "forward", "request_closure", "endorse"}),
    ("handling", "L0201", {"record_contact", "reply"}, {"sign_for", "endorse"}),
    ("handling at a street office", "HS01", {"forward", "record_contact"}, {"sign_for"}),
    ("handling", "R01", {"remind", "supervise"}, {"reopen", "review_closure"}),
    ("closure requested", "L0201", {"endorse"}, {"request_closure", "sign_for"}),
    ("closure requested", "H0201", set(), {"endorse", "request_closure", "reply", "sign_for"}),
    ("closure endorsed", "R01", {"review_closure"}, {"review_return", "review_extension", "reopen"}),
    ("visit pending", "V01", {"visit"}, set()),
    ("visit pending", "R01", set(), {"visit", "review_closure"}),  # R01 reviewed the closure: not its reopen
    ("closed", "J01", {"reopen", "supervise"}, {"remind", "visit"}),
]


def offered_on_page(html: str) -> dict[str, dict[str, str]]:
    """Each offered action's form as the page shows it: field → the value a person would give."""
    forms = {}
    for name, body in re.findall(r'<details class="action" id="do-(\w+)".*?<form[^>]*>(.*?)</form>', html, re.S):
        values = {}
        for field, options in re.findall(r'<select name="(\w+)"(?![^>]*multiple)[^>]*>(.*?)</select>', body, re.S):
            choices = [v for v in re.findall(r'<option value="([^"]*)"', options) if v]
            preselected = [v for v in re.findall(r'<option value="([^"]*)" selected', options) if v]
            values[field] = (preselected or choices or [""])[0]  # what the page chose, else the first option
        for field in re.findall(r'<textarea name="(\w+)"', body):
            values[field] = TEXT
        for field, value in re.findall(r'<input type="text" name="(\w+)" value="([^"]*)"', body):
            values[field] = value or TEXT
        for field in re.findall(r'<input type="text" name="(\w+)"[^>]* data-date="datetime"', body):
            values[field] = "DATETIME"
        forms[name] = values
    return forms


@pytest.mark.parametrize("state, person, present, absent", CASES, ids=[f"{s}-{p}" for s, p, *_ in CASES])
def test_every_action_offered_succeeds_when_posted_and_refused_ones_are_not_offered(
        hotline, client_for, state, person, present, absent):
    client = client_for(person)
    page = client.get(f"/tickets/{STATES[state](hotline)}")
    assert page.status_code == 200, page.text
    forms = offered_on_page(page.text)
    assert present <= set(forms), (set(forms), present)
    assert not (absent & set(forms)), absent & set(forms)
    for name in forms:
        tid = STATES[state](hotline)
        values = offered_on_page(client.get(f"/tickets/{tid}").text)[name]
        if "master_ticket_id" in values:
            values["master_ticket_id"] = received(hotline)
        for field, value in values.items():
            if value == "DATETIME":
                values[field] = (hotline.clock.now + timedelta(days=40)).strftime("%Y-%m-%d %H:%M")  # as the field shows
        before = len(hotline.events(tid))
        response = form_post(client, f"/tickets/{tid}/do/{name}", values)
        assert response.status_code == 303, (name, response.text[:300])
        assert "error=" not in response.headers["location"], (name, values, response.headers["location"])
        assert len(hotline.events(tid)) > before, name


def test_signing_for_a_ticket_already_signed_for_is_neither_offered_nor_accepted(hotline, client_for):
    client = client_for("H0201")
    tid = handling(hotline)
    page = client.get(f"/tickets/{tid}")
    assert 'id="do-record_contact"' in page.text and 'id="do-sign_for"' not in page.text
    response = form_post(client, f"/tickets/{tid}/do/sign_for")
    assert "error=" in response.headers["location"]
    assert [e["action"] for e in hotline.events(tid)].count("SignedFor") == 1


def test_the_api_lists_the_same_actions_as_the_page(hotline, client_for):
    client = client_for("L0201")
    tid = closure_requested(hotline)
    on_page = set(offered_on_page(client.get(f"/tickets/{tid}").text))
    listed = client.get(f"/api/v1/tickets/{tid}").json()["actions"]
    assert {item["name"] for item in listed} == on_page
    [endorse] = [item for item in listed if item["name"] == "endorse"]
    assert endorse["choices"]["request_id"] == [hotline.ticket(tid).pending("closure").request_id]
