"""Desk pages through HTTP: a unit answers only its own supervision orders; the live feed answers JSON to a
poller; a bulletin downloads as Word and Excel."""

from datetime import datetime, timedelta

from web.conftest import client_for, form_post, hotline, web_app  # noqa: F401 - fixtures used below

from desk.conftest import finding
from rexian.adapters.findings import FindingRepository


def test_a_unit_answers_its_own_order_and_cannot_see_another_units(hotline, client_for):  # noqa: F811
    from rexian.bootstrap import desk_services

    FindingRepository(hotline.engine).upsert([finding("RX1")], "batch", datetime(2026, 3, 2, 9))
    desk = desk_services(hotline).desk
    desk.decide(["BP-RETURNS:RX1"], "confirm", "J01", "属实")
    _, (order_id,) = desk.issue_orders("J01", ["D02"], hotline.clock() + timedelta(days=5), "限期整改",
                                       ["BP-RETURNS:RX1"])
    other = client_for("H0301")
    assert order_id not in other.get("/orders").text
    assert form_post(other, f"/orders/{order_id}/answer", {"answer": "不是我们的"}).status_code == 404
    own = client_for("H0201")
    assert order_id in own.get("/orders").text
    answered = form_post(own, f"/orders/{order_id}/answer", {"answer": "已整改完毕"})
    assert answered.status_code == 303 and "done=" in answered.headers["location"]
    assert desk.order(order_id)["answer"] == "已整改完毕"


def test_the_live_feed_answers_a_poller_with_json_after_an_id(hotline, client_for):  # noqa: F811
    store = FindingRepository(hotline.engine)
    store.upsert([finding("RX1")], "batch", datetime(2026, 3, 2, 9))
    supervisor = client_for("J01")
    first = supervisor.get("/desk/live/stream").json()["items"]
    assert [m["ref"] for m in first] == ["BP-RETURNS:RX1"]
    store.decide("BP-RETURNS:RX1", "confirm", "J01", "属实", datetime(2026, 3, 2, 10))
    after = supervisor.get(f"/desk/live/stream?after={first[-1]['seq']}").json()["items"]
    assert [(m["topic"], m["data"]["status"]) for m in after] == [("finding.decided", "confirmed")]


def test_the_live_page_names_changes_severities_and_states_in_chinese(hotline, client_for):  # noqa: F811
    store = FindingRepository(hotline.engine)
    store.upsert([finding("RX1", severity="high")], "batch", datetime(2026, 3, 2, 9))
    store.decide("BP-RETURNS:RX1", "confirm", "J01", "属实", datetime(2026, 3, 2, 10))
    page = client_for("J01").get("/desk/live").text
    rows = page.split('id="live-list"', 1)[1].split("</table>", 1)[0]
    assert "新发现" in rows and "已决定" in rows and "<td>高</td>" in rows and "已确认" in rows
    body = rows.split("</tr>", 1)[1]  # the header row apart: no code word is shown in the rows
    assert "finding.added" not in body and "finding.decided" not in body and ">high<" not in body
    import html
    import json

    words = json.loads(html.unescape(rows.split('data-labels="', 1)[1].split('"', 1)[0]))  # what desk.js shows
    assert (words["finding.added"], words["high"], words["new"]) == ("新发现", "高", "待核查")
    assert "<td title=\"BP-RETURNS\">多次退单</td>" in body and ">BP-RETURNS<" not in body
    rules = json.loads(html.unescape(rows.split('data-rules="', 1)[1].split('"', 1)[0]))  # the pushed rows' names
    assert rules["BP-RETURNS"] == "多次退单" and rules["DL-IDLE"] == "长期无办理动作"


def test_a_growing_findings_page_says_its_days_are_those_of_its_last_real_change(hotline, client_for):  # noqa: F811
    idle = finding("RX1", rule_id="DL-IDLE", family="delay", seqs=(3,))
    idle["evidence"]["values"] = {"idle_days": 9.5}
    FindingRepository(hotline.engine).upsert([idle, finding("RX1")], "scheduled", datetime(2026, 3, 12, 9))
    page = client_for("J01").get("/desk/finding?key=DL-IDLE:RX1").text
    note = page.split('class="hint grown">', 1)[1].split("</dd>", 1)[0]
    assert "随时间增长" in note and "不逐轮记录" in note
    returns = client_for("J01").get("/desk/finding?key=BP-RETURNS:RX1")  # a count that does not grow with time
    assert returns.status_code == 200 and "多次退单" in returns.text and 'class="hint grown"' not in returns.text


def test_a_drafted_bulletin_downloads_as_word_and_excel(hotline, client_for):  # noqa: F811
    supervisor = client_for("J01")
    drafted = form_post(supervisor, "/desk/bulletins", {"period": "2026-02"})
    assert drafted.status_code == 303
    bulletin = drafted.headers["location"]
    word = supervisor.get(bulletin + "/download.docx")
    excel = supervisor.get(bulletin + "/download.xlsx")
    assert word.status_code == 200 and word.content[:2] == b"PK"
    assert excel.status_code == 200 and excel.content[:2] == b"PK"
    assert form_post(supervisor, "/desk/bulletins", {"period": "二月"}).headers["location"].startswith(
        "/desk/bulletins?error=")


def test_desk_pages_name_people_and_units_with_their_ids_from_the_organisation_or_the_imported_roster(
        hotline, client_for):  # noqa: F811
    """A person the organisation lacks (an export's staff number) is named from the imported roster; the findings
    list, the dashboard's rankings and the live page show 「name（id）」, an id nothing names stays as it is."""
    from rexian.adapters.record_store import store_records
    from rexian.bootstrap import desk_services

    with hotline.engine.begin() as connection:
        store_records(connection, "roster", [{"person_id": "1023", "name": "张伟", "unit_id": "D03"}])
    FindingRepository(hotline.engine).upsert([
        finding("RX1", unit_id="D02", person_id="H0201"), finding("RX2", unit_id="D03", person_id="1023"),
        finding("RX3", unit_id="D03", person_id="7777")], "batch", datetime(2026, 3, 2, 9))
    org = hotline.organisation()
    unit, person = org.units["D02"].name, org.person("H0201").name
    supervisor = client_for("J01")

    listed = supervisor.get("/desk/findings").text
    assert f"{unit}（D02）" in listed and f"{person}（H0201）" in listed and "张伟（1023）" in listed
    assert "<td>7777" in listed
    desk_services(hotline).dashboard.refresh()
    people = {r["subject"]: r["name"] for r in supervisor.get("/desk/dashboard.json").json()["rankings"]["person"]}
    assert people == {"H0201": f"{person}（H0201）", "1023": "张伟（1023）", "7777": "7777"}
    assert f"{unit}（D02）" in supervisor.get("/desk/live").text
