"""Every place that shows callers' details unmasked — the ticket list, the home inbox, the Excel export, the
API's list and ticket, the intake page's caller history, the supervisor's desk, the dashboard's hotspot
places, `rexian export-findings` — goes through
`privacy.disclose`, which writes an audit record (who, which ticket, why, when) before the data leaves; the
administrator reads them. Masked views write none."""

from datetime import datetime
from io import BytesIO

from web.conftest import client_for, form_post, hotline, web_app  # noqa: F401 - fixtures used below

from desk.conftest import finding
from rexian.adapters.findings import FindingRepository

PHONE, NAME = "13812345678", "张三丰"


def _filed(hotline) -> str:  # noqa: F811
    from rexian.domain import commands as c

    outcome = hotline.handle(c.Intake(actor_id="A01", content="我的电话13912345678，楼下噪声扰民", category="0202",
                                      caller_phone=PHONE, caller_name=NAME, address="东城区多福巷3号院2单元"))
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=outcome.ticket_id, lead_unit_id="D02"))
    return outcome.ticket_id


def _disclosures(client_for) -> list[tuple[str, str, str]]:  # noqa: F811
    audit = client_for("X01").get("/api/v1/audit").json()
    return [(a["person_id"], a["ticket_id"], a["reason"]) for a in audit if a["action"] == "disclose"]


def test_the_ticket_list_page_shows_a_handler_the_phone_and_audits_that_ticket(hotline, client_for):  # noqa: F811
    ticket_id = _filed(hotline)
    assert PHONE in client_for("H0201").get("/tickets").text
    assert _disclosures(client_for) == [("H0201", ticket_id, "工单列表：岗位职责（承办人）")]


def test_the_home_inbox_audits_what_it_shows_and_the_queue_counts_audit_nothing(hotline, client_for):  # noqa: F811
    ticket_id = _filed(hotline)
    client_for("H0201").get("/")
    assert [(who, tid) for who, tid, why in _disclosures(client_for) if why.startswith("首页待办")] == \
        [("H0201", ticket_id)]
    client_for("P01").get("/")  # a dispatcher: counts only, no inbox
    assert [who for who, _, _ in _disclosures(client_for)] == ["H0201"]


def test_the_excel_export_audits_every_ticket_it_carries_unmasked(hotline, client_for):  # noqa: F811
    from openpyxl import load_workbook

    first, second = _filed(hotline), _filed(hotline)
    workbook = client_for("H0201").get("/tickets/export.xlsx")
    cells = [cell for row in load_workbook(BytesIO(workbook.content)).active.iter_rows(values_only=True)
             for cell in row]
    assert PHONE in cells
    assert sorted(tid for who, tid, why in _disclosures(client_for) if why.startswith("工单导出")) == \
        sorted([first, second])


def test_the_api_list_and_ticket_audit_a_handler_and_a_masked_reviewer_writes_nothing(hotline, client_for):  # noqa: F811
    ticket_id = _filed(hotline)
    reviewer = client_for("R01")
    assert reviewer.get(f"/api/v1/tickets/{ticket_id}").json()["intake"]["caller_phone"] == "138****5678"
    reviewer.get("/api/v1/tickets")
    assert _disclosures(client_for) == []
    handler = client_for("H0201")
    assert handler.get(f"/api/v1/tickets/{ticket_id}").json()["intake"]["caller_phone"] == PHONE
    handler.get("/api/v1/tickets")
    assert {why.rsplit("：", 1)[0] for who, tid, why in _disclosures(client_for) if tid == ticket_id} == \
        {"接口：工单详情", "接口：工单列表"}


def test_a_supervisors_unmasked_ticket_page_is_audited_on_every_read_with_its_ground(hotline, client_for):  # noqa: F811
    ticket_id = _filed(hotline)
    supervisor = client_for("J01")
    supervisor.get(f"/tickets/{ticket_id}")
    assert _disclosures(client_for) == []  # masked: nothing disclosed
    form_post(supervisor, f"/tickets/{ticket_id}/unmask", {"reason": "核查群众反映的重复投诉"})
    supervisor.get(f"/tickets/{ticket_id}")
    supervisor.get(f"/tickets/{ticket_id}")
    found = _disclosures(client_for)
    assert len(found) == 2 and {(who, tid) for who, tid, _ in found} == {("J01", ticket_id)}
    assert all("督查说明理由后查看" in why for _, _, why in found)


def test_the_intake_pages_caller_history_is_audited_for_the_agent(hotline, client_for):  # noqa: F811
    ticket_id = _filed(hotline)
    agent = client_for("A01")
    page = form_post(agent, "/intake", {"step": "advise", "caller_phone": PHONE, "content": "噪声又来了",
                                        "category": "0202"})
    assert ticket_id in page.text
    assert [(who, tid) for who, tid, why in _disclosures(client_for) if why.startswith("受理时查看来电人历史工单")] == \
        [("A01", ticket_id)]


def test_the_desk_masks_a_findings_texts_until_the_supervisor_opens_the_ticket_and_then_audits(hotline, client_for):  # noqa: F811
    ticket_id = _filed(hotline)
    record = finding(ticket_id, seqs=(1,))
    record["evidence"]["texts"] = ["市民说：我的电话13912345678，住幸福小区3栋501室，没人管"]
    FindingRepository(hotline.engine).upsert([record], "batch", datetime(2026, 3, 2, 9))
    supervisor = client_for("J01")
    masked = supervisor.get(f"/desk/finding?key=BP-RETURNS:{ticket_id}").text
    assert "13912345678" not in masked and "139****5678" in masked
    assert _disclosures(client_for) == []
    form_post(supervisor, f"/tickets/{ticket_id}/unmask", {"reason": "核查线索所涉工单"})
    opened = supervisor.get(f"/desk/finding?key=BP-RETURNS:{ticket_id}").text
    assert "13912345678" in opened
    assert [(who, tid) for who, tid, why in _disclosures(client_for) if why.startswith("督查台")] == \
        [("J01", ticket_id)]


def test_a_published_bulletin_never_carries_a_callers_phone_or_house_number(hotline):  # noqa: F811
    from rexian.service.bulletin import typical_cases

    ticket_id = _filed(hotline)
    record = finding(ticket_id, seqs=(1,), detected_at="2026-02-10T09:00:00")
    record["evidence"]["texts"] = ["市民说：我的电话13912345678，住幸福小区3栋501室，没人管"]
    store = FindingRepository(hotline.engine)
    store.upsert([record], "batch", datetime(2026, 2, 10, 9))
    store.decide(record["finding_key"], "confirm", "J01", "属实", datetime(2026, 2, 11, 9))
    month = store.get(record["finding_key"])["occurred_at"][:7]  # a bulletin counts the month it happened
    (case,) = typical_cases(hotline.engine, month, 5, {})
    assert "13912345678" not in case["evidence"] and "139****5678" in case["evidence"]
    assert "幸福小区*栋***室" in case["evidence"]  # nor the door of the caller's home


def test_the_administrator_filters_the_audit_log_by_ticket_and_action(hotline, client_for):  # noqa: F811
    first, second = _filed(hotline), _filed(hotline)
    client_for("H0201").get(f"/api/v1/tickets/{first}")
    client_for("H0201").get(f"/api/v1/tickets/{second}")
    admin = client_for("X01")
    entries = admin.get("/api/v1/audit", params={"ticket_id": first, "action": "disclose"}).json()
    assert [(e["person_id"], e["ticket_id"]) for e in entries] == [("H0201", first)] and entries[0]["at"]


def test_the_dashboards_hotspot_addresses_are_masked_to_the_coarse_place_for_supervisors_and_reviewers(
        hotline, client_for):  # noqa: F811
    for _ in range(3):
        _filed(hotline)  # the same address three times: a hotspot
    for person in ("J01", "R01"):
        client = client_for(person)
        snapshot = client.get("/desk/dashboard.json").json()
        shown = [row["address"] for name in ("places", "matters") for row in snapshot["hotspots"][name]]
        assert shown and all(address.endswith("****") for address in shown)
        assert not any("3号院2单元" in str(row) for name in ("places", "matters")
                       for row in snapshot["hotspots"][name])
        page = client.get("/desk").text
        assert "3号院2单元" not in page and "东城区多****" in page
    assert _disclosures(client_for) == []  # masked everywhere: nothing disclosed, nothing to audit


def _findings_file(tmp_path, ticket_id):
    import json

    record = finding(ticket_id, seqs=(1,))
    record["evidence"]["texts"] = ["市民说：我的电话13912345678，住幸福小区3栋501室，没人管"]
    record["evidence"]["values"]["excerpt"] = "身份证110101199003071233，电话13912345678"
    path = tmp_path / "findings.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _cells(path) -> str:
    from openpyxl import load_workbook

    return " ".join(str(cell) for row in load_workbook(path)["问题线索"].iter_rows(values_only=True) for cell in row)


def test_exported_findings_are_masked_by_default_and_need_a_reason_and_a_supervisor_to_unmask(
        hotline, client_for, tmp_path):  # noqa: F811
    from click.testing import CliRunner

    from rexian.cli import main

    ticket_id = _filed(hotline)
    findings, out = _findings_file(tmp_path, ticket_id), tmp_path / "out.xlsx"
    db = str(hotline.engine.url)
    result = CliRunner().invoke(main, ["export-findings", str(findings), "--out", str(out)])
    assert result.exit_code == 0, result.output
    cells = _cells(out)
    assert "13912345678" not in cells and "110101199003071233" not in cells and "139****5678" in cells
    assert "个人信息已遮盖" in result.output
    refused = [CliRunner().invoke(main, ["export-findings", str(findings), "--out", str(out), "--db", db, *extra])
               for extra in (["--as", "J01"],  # no reason
                             ["--unmask-reason", "核查", "--as", "J01"],  # a reason too short
                             ["--unmask-reason", "核查群众反映的线索", "--as", "H0201"],  # not a supervisor
                             ["--unmask-reason", "核查群众反映的线索"])]  # nobody named
    assert all(r.exit_code != 0 for r in refused), [r.output for r in refused]
    assert "13912345678" not in _cells(out) and _disclosures(client_for) == []
    result = CliRunner().invoke(main, ["export-findings", str(findings), "--out", str(out), "--db", db,
                                       "--unmask-reason", "纪检核查线索移交", "--as", "J01"])
    assert result.exit_code == 0, result.output
    cells = _cells(out)
    assert "13912345678" in cells and "110101199003071233" in cells
    assert _disclosures(client_for) == [("J01", ticket_id, "导出问题线索（out.xlsx）：说明理由后导出：纪检核查线索移交")]
    audit = client_for("X01").get("/api/v1/audit", params={"action": "unmask"}).json()
    assert [(a["person_id"], a["reason"]) for a in audit] == [("J01", "导出问题线索（out.xlsx）：纪检核查线索移交")]
