"""Accounts, sessions, masking and the audit of unmasked reads; no page loads anything from the internet."""

import re
from pathlib import Path

from click.testing import CliRunner

from tests.web.conftest import PASSWORD, csrf_of, form_post, sign_in


def _filed(hotline):
    from rexian.domain import commands as c

    outcome = hotline.handle(c.Intake(actor_id="A01", content="我的电话13912345678，楼下噪声扰民", category="0202",
                                      caller_phone="13812345678", caller_name="张三丰", address="东城区多福巷3号院2单元"))
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=outcome.ticket_id, lead_unit_id="D02"))
    return outcome.ticket_id


def test_no_template_or_stylesheet_references_an_internet_address():
    web = Path(__file__).resolve().parents[2] / "src" / "rexian" / "web"
    offending = [str(p) for p in [*(web / "templates").glob("*.html"), *(web / "static").glob("*.css")]
                 if re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", p.read_text(encoding="utf-8"))]
    assert offending == []
    assert (web / "static" / "vendor" / "htmx" / "LICENSE").exists()
    assert (web / "static" / "vendor" / "echarts" / "LICENSE").exists()


def test_callers_data_is_masked_for_a_reviewer_and_shown_to_the_handler(hotline, client_for):
    ticket_id = _filed(hotline)
    reviewer = client_for("R01").get(f"/api/v1/tickets/{ticket_id}").json()["intake"]
    assert reviewer["caller_phone"] == "138****5678" and reviewer["caller_name"] == "张**"
    assert "3号院2单元" not in reviewer["address"] and "139****5678" in reviewer["content"]
    handler = client_for("H0201").get(f"/api/v1/tickets/{ticket_id}").json()["intake"]
    assert handler["caller_phone"] == "13812345678" and "13912345678" in handler["content"]


def test_a_supervisor_unmasks_one_ticket_with_a_reason_and_the_admin_reads_it_in_the_audit_log(hotline, client_for):
    ticket_id, other = _filed(hotline), _filed(hotline)
    supervisor = client_for("J01")
    assert "138****5678" in supervisor.get(f"/tickets/{ticket_id}").text
    refused = form_post(supervisor, f"/tickets/{ticket_id}/unmask", {"reason": ""})
    assert refused.status_code == 422
    done = form_post(supervisor, f"/tickets/{ticket_id}/unmask", {"reason": "核查群众反映的重复投诉"})
    assert done.status_code == 303
    assert "13812345678" in supervisor.get(f"/tickets/{ticket_id}").text
    assert "138****5678" in supervisor.get(f"/tickets/{other}").text  # only that one ticket
    audit = client_for("X01").get("/api/v1/audit").json()
    assert [(a["person_id"], a["ticket_id"], a["reason"]) for a in audit if a["action"] == "unmask"] == \
        [("J01", ticket_id, "核查群众反映的重复投诉")]
    assert client_for("J01").get("/api/v1/audit").status_code == 403


def test_sign_out_ends_the_session_and_a_password_change_ends_every_session(client_for):
    client = client_for("H0201")
    assert client.get("/api/v1/me").status_code == 200
    form_post(client, "/logout")
    assert client.get("/api/v1/me").status_code == 401
    first, second = client_for("H0201"), client_for("H0201")
    changed = form_post(first, "/password", {"old": PASSWORD, "new": "another-pass-2", "again": "another-pass-2"})
    assert changed.status_code == 303
    assert second.get("/api/v1/me").status_code == 401
    assert sign_in(client_for(), "H0201", "another-pass-2").status_code == 303


def test_a_session_expires_after_the_configured_hours(hotline, client_for):
    client = client_for("H0201")
    hotline.clock.now += __import__("datetime").timedelta(hours=hotline.settings["web_session_hours"], minutes=1)
    assert client.get("/api/v1/me").status_code == 401


def test_an_api_write_with_a_session_cookie_needs_the_csrf_header(hotline, client_for):
    ticket_id = _filed(hotline)
    client = client_for("H0201")
    assert client.post(f"/api/v1/tickets/{ticket_id}/sign_for", json={}).status_code == 403
    assert client.post(f"/api/v1/tickets/{ticket_id}/sign_for", json={},
                       headers={"X-CSRF-Token": csrf_of(client)}).status_code == 200


def test_a_retried_command_with_the_same_idempotency_key_acts_once(hotline, client_for):
    ticket_id = _filed(hotline)
    client = client_for("H0201")
    headers = {"X-CSRF-Token": csrf_of(client), "Idempotency-Key": "k-1"}
    first = client.post(f"/api/v1/tickets/{ticket_id}/sign_for", json={}, headers=headers).json()
    again = client.post(f"/api/v1/tickets/{ticket_id}/sign_for", json={}, headers=headers).json()
    assert again["replayed"] and again["events"] == first["events"]
    assert [e["action"] for e in hotline.events(ticket_id)].count("SignedFor") == 1


def test_no_caller_can_give_a_command_a_time(hotline, client_for):
    ticket_id = _filed(hotline)
    client = client_for("H0201")
    response = client.post(f"/api/v1/tickets/{ticket_id}/sign_for", json={"at": "2020-01-01T00:00:00"},
                           headers={"X-CSRF-Token": csrf_of(client)})
    assert response.status_code == 422 and response.json()["code"] == "web.invalid_request"


def test_the_user_commands_add_disable_and_reset_accounts(tmp_path):
    from rexian.cli import main
    from rexian.demo.scripted import ORG_FILE

    db = f"sqlite:///{tmp_path / 'u.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--db", db]).exit_code == 0
    assert runner.invoke(main, ["org", "load", str(ORG_FILE), "--db", db]).exit_code == 0, "org load"
    assert runner.invoke(main, ["user", "add", "H0201", "--password", "good-password", "--db", db]).exit_code == 0
    short = runner.invoke(main, ["user", "add", "H0101", "--password", "short", "--db", db])
    assert short.exit_code != 0 and "密码至少8位" in short.output
    unknown = runner.invoke(main, ["user", "add", "NOBODY", "--password", "good-password", "--db", db])
    assert unknown.exit_code != 0
    assert runner.invoke(main, ["user", "disable", "H0201", "--db", db]).exit_code == 0
    assert runner.invoke(main, ["user", "reset-password", "H0201", "--password", "newer-password",
                                "--db", db]).exit_code == 0


def test_ticket_lists_show_the_held_callers_phone_masked_for_a_reviewer_and_whole_for_the_handler(
        hotline, client_for):
    ticket_id = _filed(hotline)
    reviewer = {row["ticket_id"]: row for row in client_for("R01").get("/api/v1/tickets").json()["items"]}
    assert reviewer[ticket_id]["caller_phone"] == "138****5678"
    handler = {row["ticket_id"]: row for row in client_for("H0201").get("/api/v1/tickets").json()["items"]}
    assert handler[ticket_id]["caller_phone"] == "13812345678"
