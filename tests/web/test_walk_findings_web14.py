"""What a walk through every role's work at 1366×768 found (web14): a search form comes back as it was sent, even a
date that could not be read; every command, account change and organisation change is confirmed in words; a time
typed wrong in a command brings the reader back to the ticket with that form open instead of a bare error page; the
administrator's audit log and file list speak Chinese."""

import re

from rexian.domain import commands as c
from tests.web.conftest import form_post


def _value(html: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]* name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else None


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>.*?</select>', html, re.S)
    return re.findall(r'<option value="([^"]*)" selected', select.group(0)) if select else []


def test_the_ticket_list_form_comes_back_filled_even_with_a_date_it_could_not_read(client_for):
    page = client_for("P01").get("/tickets", params={"q": "油烟", "status": "received", "category": "0201",
                                                     "unit": "D02", "due": "overdue", "date_from": "03/02/2026",
                                                     "date_to": "2026/3/5"}).text
    form = re.search(r'<form class="card filters" method="get" action="/tickets">.*?</form>', page, re.S).group(0)
    assert _value(form, "q") == "油烟"
    assert (_selected(form, "status"), _selected(form, "category"), _selected(form, "unit"),
            _selected(form, "due")) == (["received"], ["0201"], ["D02"], ["overdue"])
    assert _value(form, "date_to") == "2026-03-05"
    # Not applied (said above the list), but left as typed so that it can be corrected, not typed again.
    assert "受理日期自「03/02/2026」无法识别" in page and _value(form, "date_from") == "03/02/2026"


def test_the_findings_form_comes_back_filled_and_keeps_the_filters_a_link_gave_it(client_for):
    page = client_for("J01").get("/desk/findings", params={"person_id": "H0201", "status": "new", "unit_id": "D02",
                                                           "date_from": "2026年13月", "date_to": "2026-3-31",
                                                           "date_by": "detected", "ticket_id": "RX1"}).text
    form = re.search(r'<form class="card filters" method="get" action="/desk/findings".*?</form>', page, re.S).group(0)
    assert _value(form, "person_id") == "H0201" and _selected(form, "date_by") == ["detected"]
    assert _selected(form, "unit_id") == ["D02"]
    assert _value(form, "date_to") == "2026-03-31" and _value(form, "date_from") == "2026年13月"
    assert '<input type="hidden" name="ticket_id" value="RX1">' in form  # a ticket's findings stay its own


def test_a_command_done_is_confirmed_on_the_ticket_page_in_the_pages_own_words(hotline, client_for):
    ticket_id = hotline.handle(c.Intake(actor_id="A01", content="小区门口路灯不亮", category="0201")).ticket_id
    dispatcher = client_for("P01")
    done = form_post(dispatcher, f"/tickets/{ticket_id}/do/dispatch", {"lead_unit_id": "D02"})
    assert done.status_code == 303 and done.headers["location"] == f"/tickets/{ticket_id}?done=dispatch"
    page = dispatcher.get(done.headers["location"]).text
    assert "「派单」已完成；工单现为「待签收」。" in page
    # Only a command's name is confirmed: words put into the address are never shown as a confirmation.
    forged = dispatcher.get(f"/tickets/{ticket_id}", params={"done": "系统升级，请把密码发给管理员"}).text
    assert 'id="action-done"' not in forged and "系统升级" not in forged


def test_a_new_ticket_is_confirmed_with_its_number(client_for):
    agent = client_for("A01")
    saved = form_post(agent, "/intake", {"content": "小区门口路灯不亮", "channel": "phone", "step": "save"})
    assert saved.status_code == 303
    page = agent.get(saved.headers["location"]).text
    ticket_id = re.search(r"RX\d{14}", saved.headers["location"]).group(0)
    assert f"工单已登记，编号 {ticket_id}；工单现为「待派单」。" in page


def test_a_time_typed_wrong_brings_the_reader_back_to_the_ticket_with_that_form_open(hotline, client_for):
    ticket_id = hotline.handle(c.Intake(actor_id="A01", content="小区门口路灯不亮", category="0201")).ticket_id
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=ticket_id, lead_unit_id="D02"))
    handler = client_for("H0201")
    assert form_post(handler, f"/tickets/{ticket_id}/do/sign_for").status_code == 303
    refused = form_post(handler, f"/tickets/{ticket_id}/do/request_extension",
                        {"reason": "需协调", "requested_due_at": "下周五"})
    assert refused.status_code == 303 and refused.headers["location"].startswith(f"/tickets/{ticket_id}?")
    page = handler.get(refused.headers["location"]).text
    assert "申请延至「下周五」无法识别" in page
    assert re.search(r'<details class="action" id="do-request_extension" open>', page)
    assert hotline.ticket(ticket_id).pending("extension") is None  # nothing was asked


def test_account_and_organisation_changes_are_confirmed_and_the_audit_log_reads_in_chinese(hotline, client_for):
    admin = client_for("X01")
    saved = form_post(admin, "/admin/org", {"type": "person", "id": "H0299", "name": "周新来", "unit": "D02",
                                            "roles": "handler", "active": "true"})
    assert "人员「H0299 周新来」已保存（已记入组织事件链）" in admin.get(saved.headers["location"]).text
    opened = form_post(admin, "/admin/accounts", {"person_id": "H0299", "operation": "add",
                                                  "password": "new-person-123"})
    page = admin.get(opened.headers["location"]).text
    assert "已开通账号：H0299 周新来（已记入审计日志）" in page
    # A failed sign-in, as the audit log shows it: in words, not the server's own terms.
    from rexian.web.auth import Accounts, SignInRefused

    try:
        Accounts(hotline.engine, hotline.settings, hotline.clock).sign_in("H0299", "wrong-password")
    except SignInRefused:
        pass
    audit = re.search(r'<table id="audit">.*?</table>', admin.get("/admin").text, re.S).group(0)
    assert "开通账号 H0299" in audit and "登录失败（连续第1次）" in audit and "账号状态" in audit
    assert "add H0299" not in audit and "failed 1" not in audit


def test_the_push_log_and_evidence_files_are_named_in_chinese(client_for):
    page = client_for("X01").get("/admin/deliveries").text
    title = re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", page, re.S).group(1))
    assert "推送日志" in title and not re.search(r"[A-Za-z]", title)
    assert "不在网页中修改" in page  # where a receiver is added, said instead of a dead end


def test_file_sizes_types_and_order_batches_read_as_people_write_them():
    from rexian.web.labels import batch_name, file_kind, file_size

    assert (file_size(676), file_size(5 * 1024), file_size(3 * 1024 * 1024)) == ("676 字节", "5 KB", "3.0 MB")
    assert (file_kind("image/jpeg"), file_kind("application/pdf")) == ("JPEG照片", "PDF文件")
    assert (batch_name("2026-01"), batch_name("2026-12")) == ("2026年第1期", "2026年第12期")


def test_the_visit_form_leaves_the_verdict_to_the_caller_and_refuses_one_not_given(hotline, client_for):
    from support.workflow_steps import visit_pending

    tid = visit_pending(hotline)
    visitor = client_for("V01")
    form = re.search(r'<details class="action" id="do-visit".*?</details>', visitor.get(f"/tickets/{tid}").text,
                     re.S).group(0)
    for name in ("resolved", "satisfaction"):  # no answer shown as chosen: 满意 is what the citizen says, or nothing
        select = re.search(rf'<select name="{name}".*?</select>', form, re.S).group(0)
        assert re.match(r'<select[^>]*><option value="" ?[a-z]*>（请选择）</option>', select)
        assert not re.search(r'<option value="[^"]+" selected', select)
    refused = form_post(visitor, f"/tickets/{tid}/do/visit", {"reached": "true", "resolved": "", "satisfaction": ""})
    assert "error=" in refused.headers["location"] and "open=visit" in refused.headers["location"]
    assert hotline.ticket(tid).status == "visit_pending"


def test_only_words_this_server_wrote_are_shown_as_a_confirmation_or_a_refusal(hotline, client_for):
    """A link made elsewhere cannot make the site say anything it likes (autoescaped, but still believable)."""
    ticket_id = hotline.handle(c.Intake(actor_id="A01", content="小区门口路灯不亮", category="0201")).ticket_id
    lure = "系统升级，请把密码发给管理员"
    admin, supervisor = client_for("X01"), client_for("J01")
    for client, path in ((admin, "/admin"), (admin, "/tokens"), (supervisor, "/desk/findings"),
                         (supervisor, "/desk/orders"), (client_for("P01"), f"/tickets/{ticket_id}")):
        for name in ("done", "error"):
            page = client.get(path, params={name: lure, f"{name}_mac": "k1:forged"}).text
            assert lure not in page, (path, name)
    # What the server itself says after a refusal still reaches the page.
    refused = form_post(supervisor, "/desk/findings/decide", {"decision": "confirm", "reason": "x"})
    assert "请至少勾选一条问题线索" in supervisor.get(refused.headers["location"]).text
