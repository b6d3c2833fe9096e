"""End to end: a citizen's report of an official's rudeness becomes, as the ticket is recorded, a finding on
the supervisor's desk and then a clue, and both pages show the accused as the letter names them (body,
post, name, whether a public servant, with a confidence) for the officer to verify."""

from fastapi.testclient import TestClient
from web.conftest import PASSWORD, form_post, sign_in

from rexian.domain import commands as c

LETTER = "我到东城区住建委办理备案，窗口的王科长态度恶劣，还当众辱骂我们"


def test_a_misconduct_report_reaches_the_desk_and_its_clue_with_the_accused_shown(make_app, tmp_path):
    from rexian.adapters.findings import FindingRepository
    from rexian.service.supervision import RealtimeSupervision
    from rexian.web.app import create_app
    from rexian.web.auth import Accounts

    app = make_app(f"sqlite:///{tmp_path / 'mc.db'}", realtime_rules=True)
    app.listeners.append(RealtimeSupervision.from_settings(app.engine, app.settings))
    accounts = Accounts(app.engine, app.settings, app.clock)
    org = app.organisation()
    accounts.add(org, "J01", PASSWORD)
    tid = app.handle(c.Intake(actor_id="A01", content=LETTER, category="0101")).ticket_id
    app.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D02"))

    stored = [f for f in FindingRepository(app.engine).list() if f["family"] == "hostile_attitude"]
    assert [f["ticket_ids"] for f in stored] == [[tid]]
    values = stored[0]["evidence"]["values"]
    assert values["accused_post"] == "科长" and values["accused_name"] == "王某"
    assert values["accused_status"] == "公职人员" and 0 < values["accused_confidence"] <= 1

    client = TestClient(create_app(app))
    sign_in(client, "J01")
    key = stored[0]["finding_key"]
    page = client.get("/desk/finding", params={"key": key}).text
    assert "被反映人" in page and "职务：科长；姓名：王某；公职人员，可信度" in page
    listing = client.get("/desk/findings").text
    assert "王某" in listing
    decided = form_post(client, "/desk/findings/decide", {"keys": key, "decision": "confirm", "reason": "有录音"})
    assert decided.status_code == 303 and "error" not in decided.headers["location"]
    opened = form_post(client, "/desk/clues", {"keys": key, "title": "住建委窗口人员态度恶劣"})
    assert opened.status_code == 303 and opened.headers["location"].startswith("/desk/clues/"), opened.headers
    clue = client.get(opened.headers["location"]).text
    assert "被反映人" in clue and "王某" in clue and "公职人员" in clue
