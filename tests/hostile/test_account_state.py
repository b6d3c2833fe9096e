"""An account's security state (issue 15, seventh round): lock-out counters, the lock, `active` and the password
hash are what stands between a password guesser and an account. Someone with write access to the database but
not the server's key resets a lock-out, or puts back an older genuine row; the sign-in and every token use must
refuse it at once, with a Chinese message and an audit record, and `verify` must name it. On SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from support.tampering import damaged, one_value, sql

from rexian.service.verify import verify_database
from rexian.web.auth import Accounts, SignInRefused

PASSWORD = "handler-password-1"


@pytest.fixture
def accounts(make_app, db_url):
    app = make_app(db_url, web_lockout_minutes=24 * 60)  # the test clock moves 47 minutes at every reading
    service = Accounts(app.engine, app.settings, app.clock)
    service.add(app.organisation(), "H0201", PASSWORD)
    return app, service


def _locked_out(service) -> None:
    for _ in range(service.settings["web_lockout_attempts"]):
        with pytest.raises(SignInRefused):
            service.sign_in("H0201", "a-guess-that-is-wrong")


def _account_row(app) -> dict:
    with app.engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        return dict(connection.exec_driver_sql("SELECT * FROM accounts WHERE person_id = " +
                                               ("%s" if postgres else "?"), ("H0201",)).first()._mapping)


def _put_back(app, row: dict) -> None:
    names = list(row)
    sql(app, "DELETE FROM accounts WHERE person_id = 'H0201'")
    sql(app, f"INSERT INTO accounts ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        *[row[name] for name in names])


def _refused_and_named(app, service) -> None:
    refusals = lambda: one_value(app, "SELECT count(*) FROM audit_log WHERE action = 'account_refused'")  # noqa: E731
    with pytest.raises(SignInRefused) as refused:
        service.sign_in("H0201", PASSWORD)
    assert "篡改" in refused.value.message and refusals() == 1
    report = verify_database(app.engine)
    assert "登录凭据(accounts:H0201)" in damaged(report), report.lines()


def test_a_lock_out_reset_by_sql_is_refused_at_sign_in_audited_and_named(accounts):
    app, service = accounts
    _locked_out(service)
    with pytest.raises(SignInRefused) as refused:
        service.sign_in("H0201", PASSWORD)
    assert refused.value.locked and verify_database(app.engine).intact
    sql(app, "UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE person_id = 'H0201'")
    _refused_and_named(app, service)


def test_an_older_genuine_row_put_back_after_a_lock_out_is_refused_and_named(accounts):
    app, service = accounts
    with pytest.raises(SignInRefused):
        service.sign_in("H0201", "a-guess-that-is-wrong")
    before = _account_row(app)  # one failure, genuinely signed
    _locked_out(service)
    _put_back(app, before)
    _refused_and_named(app, service)


def test_an_older_password_put_back_after_a_change_is_refused_and_named(accounts):
    app, service = accounts
    before = _account_row(app)
    service.set_password("H0201", "a-new-password-2")
    _put_back(app, before)  # the attacker knows the old password
    _refused_and_named(app, service)


def test_an_api_token_of_an_account_whose_lock_out_was_reset_is_refused(accounts):
    app, service = accounts
    token = service.issue_token("H0201", "脚本")
    session = service.sign_in("H0201", PASSWORD)
    assert service.token_person(token) == "H0201" and service.session_person(session) == "H0201"
    _locked_out(service)
    sql(app, "UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE person_id = 'H0201'")
    assert service.token_person(token) is None and service.session_person(session) is None
    assert one_value(app, "SELECT count(*) FROM audit_log WHERE action = 'account_refused'") == 2


def test_failures_a_lock_out_its_end_and_a_password_reset_still_sign_in_and_verify(make_app, db_url):
    from datetime import datetime

    app = make_app(db_url, start=datetime(2026, 3, 2, 8, 30))
    service = Accounts(app.engine, app.settings, app.clock)
    service.add(app.organisation(), "H0201", PASSWORD)
    with pytest.raises(SignInRefused):
        service.sign_in("H0201", "a-guess-that-is-wrong")
    assert service.sign_in("H0201", PASSWORD)  # the failure count goes back to 0
    _locked_out(service)  # locked 15 minutes; the test clock moves 47 minutes a reading: ended by the next one
    token = service.sign_in("H0201", PASSWORD)
    assert service.session_person(token) == "H0201"
    service.set_active("H0201", False)
    service.set_active("H0201", True)
    service.set_password("H0201", "a-new-password-2")
    assert service.sign_in("H0201", "a-new-password-2")
    report = verify_database(app.engine)
    assert report.intact, report.lines()


def test_the_row_from_before_a_successful_sign_in_put_back_is_refused_and_named(accounts):
    """A successful sign-in resets the failure count: that reset is a state change with its own record, so the row
    from before it (failures counted) cannot stand in for the row after it, nor the reverse."""
    app, service = accounts
    for _ in range(service.settings["web_lockout_attempts"] - 1):
        with pytest.raises(SignInRefused):
            service.sign_in("H0201", "a-guess-that-is-wrong")
    before = _account_row(app)  # one failure short of a lock-out, genuinely signed
    assert service.sign_in("H0201", PASSWORD)
    assert _account_row(app)["failed_attempts"] == 0 and verify_database(app.engine).intact
    _put_back(app, before)
    _refused_and_named(app, service)


def test_an_enabled_row_put_back_after_disabling_is_refused_at_sign_in_and_for_its_token(accounts):
    app, service = accounts
    token = service.issue_token("H0201", "脚本")
    enabled = _account_row(app)
    service.set_active("H0201", False)
    _put_back(app, enabled)
    sql(app, "UPDATE api_tokens SET revoked_at = NULL WHERE person_id = 'H0201'")
    _refused_and_named(app, service)
    assert service.token_person(token) is None
    assert one_value(app, "SELECT count(*) FROM audit_log WHERE action = 'account_refused'") == 2


def test_a_sign_in_without_earlier_failures_writes_no_account_record(accounts):
    app, service = accounts
    records = lambda: one_value(app, "SELECT count(*) FROM audit_log WHERE action = 'account_state'")  # noqa: E731
    before = records()
    assert service.sign_in("H0201", PASSWORD) and service.sign_in("H0201", PASSWORD)
    assert records() == before and verify_database(app.engine).intact


# --- sessions and tokens bound to the account's state (issue 15, ninth round) ----------------------------------
def _session_row(app, token: str) -> dict:
    from rexian.web.auth import digest

    with app.engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        return dict(connection.exec_driver_sql("SELECT * FROM sessions WHERE token_hash = " + ("%s" if postgres else "?"),
                                               (digest(token),)).first()._mapping)


def _insert(app, table: str, row: dict) -> None:
    sql(app, f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", *row.values())


@pytest.mark.parametrize("change", ["password", "disable"])
def test_a_session_ended_by_a_password_change_or_a_disabling_put_back_by_sql_is_refused_and_named(accounts, change):
    """The session row keeps its genuine MAC; whoever stole the cookie and can write the database puts it back."""
    app, service = accounts
    stolen = service.sign_in("H0201", PASSWORD)
    row = _session_row(app, stolen)
    if change == "password":
        service.set_password("H0201", "a-new-password-2")
    else:
        service.set_active("H0201", False)
        service.set_active("H0201", True)
    assert service.session_person(stolen) is None  # ended by the change
    _insert(app, "sessions", row)
    assert service.session_person(stolen) is None
    assert one_value(app, "SELECT count(*) FROM audit_log WHERE action = 'account_refused'") == 1
    report = verify_database(app.engine)
    assert any(stream.startswith("登录凭据(sessions:") for stream in damaged(report)), report.lines()
    # the near miss: a session begun after the change works, and the database without the put-back row verifies
    fresh = service.sign_in("H0201", "a-new-password-2" if change == "password" else PASSWORD)
    assert service.session_person(fresh) == "H0201"
    sql(app, "DELETE FROM sessions WHERE token_hash = ?", row["token_hash"])
    assert verify_database(app.engine).intact


def test_a_session_ended_by_signing_out_put_back_by_sql_is_refused_audited_and_named(accounts):
    """Before (trust9) a signed-out session put back by SQL — its genuine MAC intact — worked until it expired:
    signing out changed nothing signed. Now the sign-out is a record on the signed log naming the session."""
    app, service = accounts
    stolen = service.sign_in("H0201", PASSWORD)
    other = service.sign_in("H0201", PASSWORD)  # the same person on another computer
    row = _session_row(app, stolen)
    service.sign_out(stolen)
    assert service.session_person(stolen) is None
    assert one_value(app, "SELECT count(*) FROM audit_log WHERE action = 'signed_out'") == 1
    _insert(app, "sessions", row)
    assert service.session_person(stolen) is None
    assert one_value(app, "SELECT count(*) FROM audit_log WHERE action = 'account_refused'") == 1
    report = verify_database(app.engine)
    assert f"登录凭据(sessions:{row['token_hash'][:12]})" in damaged(report), report.lines()
    # the near miss: signing out ends that session only, and without the put-back row the database verifies
    assert service.session_person(other) == "H0201"
    sql(app, "DELETE FROM sessions WHERE token_hash = ?", row["token_hash"])
    assert verify_database(app.engine).intact
    # the sign-out record deleted to revive the session: a gap in the signed log sequence
    _insert(app, "sessions", row)
    sql(app, "DELETE FROM audit_log WHERE action = 'signed_out'")
    assert any("缺失" in damage.detail for damage in verify_database(app.engine).damages)


def test_an_api_token_revoked_by_a_disabling_and_un_revoked_after_re_enabling_is_refused_at_use(accounts):
    """Before, only `verify` named it; the token itself worked again once the account was enabled."""
    app, service = accounts
    token = service.issue_token("H0201", "脚本")
    service.set_password("H0201", "a-new-password-2")
    assert service.token_person(token) == "H0201"  # a password change leaves API tokens alone
    service.set_active("H0201", False)
    service.set_active("H0201", True)
    sql(app, "UPDATE api_tokens SET revoked_at = NULL WHERE person_id = 'H0201'")
    assert service.token_person(token) is None
    assert one_value(app, "SELECT count(*) FROM audit_log WHERE action = 'account_refused'") == 1
    new = service.issue_token("H0201", "新脚本")  # the near miss: a token issued after re-enabling works
    assert service.token_person(new) == "H0201"


def test_an_api_token_revoked_on_its_page_and_un_revoked_by_sql_is_refused_and_named(accounts):
    """Before (issue 15) the web refused the token — its own `token_revoked` record binds the revocation — but
    `verify` looked only at the account's disablings and named nothing."""
    app, service = accounts
    token, kept = service.issue_token("H0201", "对接"), service.issue_token("H0201", "另一个对接")
    revoked = next(row["token_hash"] for row in service.tokens("H0201") if row["name"] == "对接")
    service.revoke_token(revoked, "X01")
    assert verify_database(app.engine).intact  # the near miss: a revoked token and a live one verify
    sql(app, "UPDATE api_tokens SET revoked_at = NULL WHERE token_hash = ?", revoked)
    assert service.token_person(token) is None and service.token_person(kept) == "H0201"
    report = verify_database(app.engine)
    assert damaged(report) == {f"登录凭据(api_tokens:{revoked[:12]})": {"projection"}}, report.lines()
    assert any("撤销" in damage.detail and "H0201" in damage.detail for damage in report.damages)
    # the revocation record deleted to revive the token: a gap in the signed log sequence
    sql(app, "DELETE FROM audit_log WHERE action = 'token_revoked'")
    assert any("缺失" in damage.detail for damage in verify_database(app.engine).damages)


def test_a_session_bound_to_a_later_state_by_sql_fails_its_signature(accounts):
    app, service = accounts
    stolen = service.sign_in("H0201", PASSWORD)
    row = _session_row(app, stolen)
    service.set_password("H0201", "a-new-password-2")
    _insert(app, "sessions", {**row, "issued_seq": 10 ** 9})  # moved past the change: the MAC no longer holds
    assert service.session_person(stolen) is None
    assert "登录凭据(sessions:" in " ".join(damaged(verify_database(app.engine)))
