"""API tokens in the browser (/tokens) and the API: an administrator lists, issues (shown once) and revokes any
account's tokens, with their last use; anyone else sees and revokes only their own; a revoked token is refused on
its very next call, even when its `revoked_at` is put back to NULL by SQL."""

import re

from sqlalchemy import update

from tests.web.conftest import csrf_of, form_post


def _issued_on_page(html: str) -> str:
    return re.search(r'id="issued-token" value="(rxt_[^"]+)"', html).group(1)


def test_an_administrator_issues_a_token_for_an_account_shown_once_and_audited(client_for, web_app):
    admin = client_for("X01")
    page = form_post(admin, "/tokens", {"person": "H0201", "name": "数据交换平台"})
    assert page.status_code == 200
    token = _issued_on_page(page.text)
    assert "只显示这一次" in page.text
    anonymous = client_for()
    assert anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["person_id"] == "H0201"
    listed = admin.get("/tokens?person=H0201").text
    assert "数据交换平台" in listed and token not in listed  # the secret is never shown again
    audit = web_app.state.web.accounts.audit_entries(person_id="X01", action="account")
    assert any(entry["reason"] == "issue-token H0201 数据交换平台" for entry in audit)


def test_the_token_list_shows_the_last_use_to_the_minute(client_for, web_app):
    accounts = web_app.state.web.accounts
    token = accounts.issue_token("H0201", "对接")
    assert accounts.tokens("H0201")[0]["last_used_at"] is None
    assert "从未使用" in client_for("X01").get("/tokens?person=H0201").text
    client_for().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    used = accounts.tokens("H0201")[0]["last_used_at"]
    assert used is not None
    assert used.strftime("%Y-%m-%d %H:%M") in client_for("X01").get("/tokens?person=H0201").text


def test_a_revoked_token_is_refused_from_the_next_call_on(client_for, web_app):
    accounts = web_app.state.web.accounts
    token = accounts.issue_token("H0201", "对接")
    bearer = {"Authorization": f"Bearer {token}"}
    anonymous = client_for()
    assert anonymous.get("/api/v1/me", headers=bearer).status_code == 200
    token_id = accounts.tokens("H0201")[0]["token_hash"]
    admin = client_for("X01")
    revoked = form_post(admin, f"/tokens/{token_id}/revoke", {"person": "H0201"})
    assert revoked.status_code == 303 and "done=" in revoked.headers["location"]
    assert anonymous.get("/api/v1/me", headers=bearer).status_code == 401
    assert "已撤销" in admin.get("/tokens?person=H0201").text
    entries = accounts.audit_entries(action="token_revoked")
    assert entries and entries[0]["person_id"] == "H0201"
    assert any(e["reason"] == "revoke-token H0201 对接" for e in accounts.audit_entries(person_id="X01"))


def test_a_revocation_undone_by_sql_is_still_refused(client_for, web_app, hotline):
    from rexian.adapters import tables as t

    accounts = web_app.state.web.accounts
    token = accounts.issue_token("H0201", "对接")
    token_id = accounts.tokens("H0201")[0]["token_hash"]
    accounts.revoke_token(token_id, "X01")
    with hotline.engine.begin() as connection:
        connection.execute(update(t.api_tokens).values(revoked_at=None))
    assert client_for().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_person_sees_and_revokes_only_their_own_tokens(client_for, web_app):
    accounts = web_app.state.web.accounts
    mine, theirs = accounts.issue_token("H0201", "我的对接"), accounts.issue_token("H0101", "别人的对接")
    their_id = accounts.tokens("H0101")[0]["token_hash"]
    handler = client_for("H0201")
    page = handler.get("/tokens?person=H0101").text  # asking for another's list shows one's own
    assert "我的对接" in page and "别人的对接" not in page
    refused = form_post(handler, f"/tokens/{their_id}/revoke")
    assert refused.status_code == 404
    api = handler.post(f"/api/v1/tokens/{their_id}/revoke", headers={"X-CSRF-Token": csrf_of(handler)})
    assert api.status_code == 404 and api.json()["code"] == "token.unknown"
    assert client_for().get("/api/v1/me", headers={"Authorization": f"Bearer {theirs}"}).status_code == 200
    assert [k["name"] for k in handler.get("/api/v1/tokens?person_id=H0101").json()] == ["我的对接"]
    my_id = accounts.tokens("H0201")[0]["token_hash"]
    assert form_post(handler, f"/tokens/{my_id}/revoke").status_code == 303
    assert client_for().get("/api/v1/me", headers={"Authorization": f"Bearer {mine}"}).status_code == 401


def test_a_person_cannot_issue_a_token_for_someone_else(client_for, web_app):
    handler = client_for("H0201")
    page = form_post(handler, "/tokens", {"person": "X01", "name": "冒用"})
    token = _issued_on_page(page.text)
    assert client_for().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["person_id"] == "H0201"
    api = handler.post("/api/v1/tokens", json={"name": "冒用", "person_id": "X01"},
                       headers={"X-CSRF-Token": csrf_of(handler)})
    assert api.status_code == 201 and api.json()["person_id"] == "H0201"


def test_the_administrator_lists_every_accounts_tokens_through_the_api(client_for, web_app):
    accounts = web_app.state.web.accounts
    accounts.issue_token("H0201", "甲"), accounts.issue_token("H0101", "乙")
    admin = client_for("X01")
    assert sorted(k["name"] for k in admin.get("/api/v1/tokens").json()) == ["乙", "甲"]
    assert [k["name"] for k in admin.get("/api/v1/tokens?person_id=H0101").json()] == ["乙"]
    token_id = accounts.tokens("H0101")[0]["token_hash"]
    revoked = admin.post(f"/api/v1/tokens/{token_id}/revoke", headers={"X-CSRF-Token": csrf_of(admin)})
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    again = admin.post(f"/api/v1/tokens/{token_id}/revoke", headers={"X-CSRF-Token": csrf_of(admin)})
    assert again.status_code == 422 and again.json()["code"] == "token.revoked"


def test_a_token_name_left_blank_is_refused_and_nothing_issued(client_for, web_app):
    page = form_post(client_for("X01"), "/tokens", {"person": "H0201", "name": "  "})
    assert page.status_code == 422 and "请填写令牌用途" in page.text
    assert web_app.state.web.accounts.tokens("H0201") == []
