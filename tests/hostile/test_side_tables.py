"""Tables outside the ticket chains that a supervisor relies on (issue 15, fifth attack round): the organisation
(who holds which role in which unit, deadlines, the catalogue), the desk's projections (clues, orders, bulletins)
and the findings' decisions. Each is a projection of a signed chain, so an edit of the row alone — by someone
with write access to the database but not the server's key — must be named by `verify`. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support.tampering import damaged, one_value, sql

from rexian.adapters.findings import FindingRepository
from rexian.service.desk import Desk
from rexian.service.verify import verify_database

ORG = "组织机构"


def _org_damage(report) -> list[str]:
    return [damage.describe() for damage in report.damages if str(damage.stream).startswith(ORG)]


@pytest.mark.parametrize("statement, where", [
    ("UPDATE people SET roles = 'admin,handler,supervisor' WHERE person_id = 'H0201'", "H0201"),
    ("UPDATE people SET unit_id = 'D03' WHERE person_id = 'H0201'", "H0201"),
    ("UPDATE people SET active = ? WHERE person_id = 'J01'", "J01"),
    ("UPDATE units SET parent_id = 'S01' WHERE unit_id = 'D02'", "D02"),
    ("UPDATE categories SET handle_days = 30 WHERE code = '02'", "02"),
    ("UPDATE catalogue SET lead_unit_id = 'D03' WHERE category = '0201'", "0201"),
    ("INSERT INTO people (person_id, name, unit_id, roles, active) VALUES ('Z99', '冒名', 'C00', 'reviewer', ?)",
     "Z99"),
    ("DELETE FROM people WHERE person_id = 'V01'", "V01"),
])
def test_an_organisation_row_edited_alone_is_named(app, statement, where):
    assert verify_database(app.engine).intact
    sql(app, statement, *((False,) if "active = ?" in statement else (True,) if "?" in statement else ()))
    report = verify_database(app.engine)
    named = _org_damage(report)
    assert named and any(where in line for line in named), report.lines()
    assert set(damaged(report)) == {f"{ORG}(ORG)"}


def test_an_organisation_changed_through_the_service_still_verifies(app):
    from rexian.service.org_admin import apply_org_changes

    apply_org_changes(app, "X01", [{"type": "person", "id": "H0201", "name": "吴敏", "unit": "D03",
                                    "roles": ["handler", "unit_leader"], "phone": "13800000000"},
                                   {"type": "category", "code": "02", "name": "环境保护", "handle_days": 6}])
    report = verify_database(app.engine)
    assert report.intact, report.lines()


@pytest.fixture
def desk(app):
    desk = Desk(app.engine, app.clock)
    now = app.clock()
    FindingRepository(app.engine).upsert([
        {"finding_key": f"BP-RETURNS:{subject}", "rule_id": "BP-RETURNS", "family": "buck_passing",
         "severity": "medium", "ticket_ids": [subject], "agent_id": None, "unit_id": "D02", "person_id": "H0201",
         "evidence": {"events": [], "texts": [], "values": {}, "thresholds": {}}, "detected_at": now}
        for subject in ("RX1", "RX2", "RX3")], "batch", now)
    desk.decide(["BP-RETURNS:RX1"], "confirm", "J01", "属实")
    desk.decide(["BP-RETURNS:RX2"], "dismiss", "J01", "经核实，市民已撤回诉求")
    clue_id = desk.open_clue("J01", ["BP-RETURNS:RX1"], "推诿")
    desk.file_case(clue_id, "J01", "初核属实，予以立案")
    batch, orders = desk.issue_orders("J01", ["D02"], now + timedelta(days=3), "限期整改", finding_keys=["BP-RETURNS:RX1"])
    assert verify_database(app.engine).intact
    return app, clue_id, orders[0]


def _desk_damage(report, stream) -> set[str]:
    return damaged(report).get(f"监督({stream})", set())


def test_a_clue_record_edited_alone_is_named(desk):
    app, clue_id, _ = desk
    sql(app, "UPDATE supervision_records SET status = 'closed', person_id = 'H0301' WHERE stream_id = ?", clue_id)
    report = verify_database(app.engine)
    assert set(damaged(report)) == {f"监督({clue_id})"} and "projection" in _desk_damage(report, clue_id)


def test_a_clue_state_edited_alone_is_named(desk):
    app, clue_id, _ = desk
    state = one_value(app, "SELECT state FROM supervision_records WHERE stream_id = ?", clue_id)
    assert "初核属实" in state
    sql(app, "UPDATE supervision_records SET state = ? WHERE stream_id = ?", state.replace("初核属实", "查无实据"), clue_id)
    report = verify_database(app.engine)
    assert set(damaged(report)) == {f"监督({clue_id})"} and "projection" in _desk_damage(report, clue_id)


def test_an_order_record_with_a_later_due_date_is_named(desk):
    app, _, order_id = desk
    sql(app, "UPDATE supervision_records SET due_at = ? WHERE stream_id = ?", app.clock() + timedelta(days=60),
        order_id)
    report = verify_database(app.engine)
    assert set(damaged(report)) == {f"监督({order_id})"} and "projection" in _desk_damage(report, order_id)


def test_a_dismissal_reason_edited_in_the_findings_row_is_named(desk):
    app, _, _ = desk
    sql(app, "UPDATE findings SET reason = '无问题' WHERE finding_key = 'BP-RETURNS:RX2'")
    report = verify_database(app.engine)
    assert set(damaged(report)) == {"问题线索(BP-RETURNS:RX2)"}, report.lines()


def test_a_confirmed_finding_turned_dismissed_in_its_row_is_named(desk):
    app, _, _ = desk
    sql(app, "UPDATE findings SET status = 'dismissed', decided_by = 'J01' WHERE finding_key = 'BP-RETURNS:RX1'")
    report = verify_database(app.engine)
    assert set(damaged(report)) == {"问题线索(BP-RETURNS:RX1)"}, report.lines()


def test_a_finding_marked_decided_without_any_decision_event_is_named(desk):
    app, _, _ = desk
    sql(app, "UPDATE findings SET status = 'dismissed', decided_by = 'J01', reason = '误报' "
             "WHERE finding_key = 'BP-RETURNS:RX3'")
    report = verify_database(app.engine)
    assert set(damaged(report)) == {"问题线索(BP-RETURNS:RX3)"}, report.lines()


def test_a_decided_finding_deleted_from_the_findings_store_is_named(desk):
    app, _, _ = desk
    sql(app, "DELETE FROM findings WHERE finding_key = 'BP-RETURNS:RX2'")
    report = verify_database(app.engine)
    assert set(damaged(report)) == {"问题线索(BP-RETURNS:RX2)"}, report.lines()


def test_a_contradicted_finding_still_verifies(desk):
    app, _, _ = desk
    FindingRepository(app.engine).mark_contradicted(["BP-RETURNS:RX1", "BP-RETURNS:RX3"], "重新分析未再发现",
                                                    app.clock())
    report = verify_database(app.engine)
    assert report.intact, report.lines()


# --- the audit log of unmasked reads ------------------------------------------------------------------------
def _unmask(app, ticket_id: str, reason: str = "核查推诿线索") -> None:
    from rexian.web.auth import Accounts

    Accounts(app.engine, app.settings, app.clock).audit("J01", "unmask", reason, ticket_id)


def test_the_supervisors_own_unmasking_record_deleted_is_named_by_the_log_gap(town):
    app, tickets = town
    _unmask(app, tickets[0])
    closed_later = tickets[1]
    from support.tampering import closed

    closed(app)  # the centre works on: events after the record
    assert verify_database(app.engine).intact
    sql(app, "DELETE FROM audit_log WHERE person_id = 'J01' AND ticket_id = ?", tickets[0])
    report = verify_database(app.engine)
    assert "事件日志" in damaged(report) and "deleted" in damaged(report)["事件日志"], report.lines()
    assert closed_later


def test_an_unmasking_reason_rewritten_is_named(town):
    app, tickets = town
    _unmask(app, tickets[0])
    sql(app, "UPDATE audit_log SET reason = '例行抽查' WHERE ticket_id = ?", tickets[0])
    report = verify_database(app.engine)
    assert any(stream.startswith("审计记录") for stream in damaged(report)), report.lines()


def test_an_audit_record_inserted_without_the_key_is_named(town):
    app, tickets = town
    sql(app, "INSERT INTO audit_log (at, person_id, action, ticket_id, reason) VALUES (?, 'R01', 'unmask', ?, '伪造')",
        app.clock(), tickets[0])
    report = verify_database(app.engine)
    assert any(stream.startswith("审计记录") for stream in damaged(report)), report.lines()


def test_the_newest_unmasking_record_deleted_with_the_log_counter_rewound_is_found_by_a_filed_checkpoint(town, tmp_path):
    from rexian.service.checkpoints import export_checkpoints, make_checkpoint

    app, tickets = town
    _unmask(app, tickets[0])
    make_checkpoint(app.engine, app.clock())
    export_checkpoints(app.engine, tmp_path / "filed")
    assert verify_database(app.engine, filed_checkpoints=(tmp_path / "filed").glob("*.json")).intact
    sql(app, "DELETE FROM audit_log WHERE ticket_id = ?", tickets[0])
    sql(app, "UPDATE counters SET value = value - 1 WHERE name = 'log'")
    sql(app, "DELETE FROM checkpoints")
    assert verify_database(app.engine).intact  # the residual: nothing in the database to compare with
    report = verify_database(app.engine, filed_checkpoints=(tmp_path / "filed").glob("*.json"))
    assert report.checkpoint_problems, report.lines()


def test_the_newest_desk_event_deleted_with_the_log_counter_rewound_is_found_by_a_filed_checkpoint(desk, tmp_path):
    """The case filed on a clue, the newest event of all, removed with its record rolled back and the log counter
    rewound: checkpoints digest the desk's events too."""
    from rexian.domain.eventlog import canonical_json
    from rexian.service.checkpoints import export_checkpoints, make_checkpoint
    from rexian.service.desk import Desk

    app, clue_id, _ = desk
    desk_service = Desk(app.engine, app.clock)
    desk_service.record_outcome(clue_id, "J01", "admonition", note="诫勉谈话")
    make_checkpoint(app.engine, app.clock())
    export_checkpoints(app.engine, tmp_path / "filed")
    filed = lambda: (tmp_path / "filed").glob("*.json")  # noqa: E731
    assert verify_database(app.engine, filed_checkpoints=filed()).intact
    from sqlalchemy import update

    from rexian.adapters.desk_store import stream_events
    from rexian.adapters.desk_tables import supervision_records
    from rexian.service.desk import replayed_projection

    with app.engine.connect() as connection:
        events = stream_events(connection, clue_id)
    kept = events[:-1]
    state = replayed_projection("clue", clue_id, kept)
    with app.engine.begin() as connection:  # the attacker drops the desk log's append-only triggers
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.exec_driver_sql("ALTER TABLE supervision_events DISABLE TRIGGER USER")
        else:
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS supervision_events_no_delete")
        mark = "%s" if postgres else "?"
        gone = connection.exec_driver_sql(f"SELECT log_seq FROM supervision_events WHERE ticket_id = {mark} AND "
                                          f"seq = {mark}", (clue_id, events[-1]["seq"])).scalar()
        connection.exec_driver_sql(f"DELETE FROM supervision_events WHERE ticket_id = {mark} AND seq = {mark}",
                                   (clue_id, events[-1]["seq"]))
        connection.execute(update(supervision_records).where(supervision_records.c.stream_id == clue_id).values(
            state=canonical_json(state["state"]), status=state["status"], last_seq=kept[-1]["seq"],
            head_hash=kept[-1]["hash"], updated_at=kept[-1]["at"]))  # the attacker has the source code
        # since 0013_trust10 the clue's outbox row is numbered after the event: the attacker removes it too and
        # rewinds both counters (otherwise its number names the deleted event from the database alone)
        connection.exec_driver_sql(f"DELETE FROM outbox WHERE log_seq > {int(gone)}")
        connection.exec_driver_sql(f"UPDATE counters SET value = {int(gone) - 1} WHERE name = 'log'")
        connection.exec_driver_sql("UPDATE counters SET value = (SELECT coalesce(max(outbox_seq), 0) FROM outbox) "
                                   "WHERE name = 'outbox'")
        connection.exec_driver_sql("DELETE FROM checkpoints")
    report = verify_database(app.engine)
    assert report.intact, report.lines()  # the residual of the database alone
    report = verify_database(app.engine, filed_checkpoints=filed())
    assert report.checkpoint_problems, report.lines()


def test_a_checkpoint_taken_before_the_desk_was_digested_still_verifies_and_the_next_covers_the_desk(desk, tmp_path):
    from rexian.service.checkpoints import export_checkpoints, make_checkpoint

    app, _, _ = desk
    make_checkpoint(app.engine, app.clock())
    sql(app, "UPDATE checkpoints SET supervision_events_upto = NULL, supervision_events = NULL, "
             "audit_log_upto = NULL, audit_log = NULL, finding_events_upto = NULL, "
             "finding_events = NULL, outbox_upto = NULL, outbox = NULL")  # as an older version left it ...
    from rexian.adapters.keys import keyring_for
    from rexian.domain.eventlog import GENESIS_HASH
    from rexian.service.checkpoints import _digest_range, document

    with app.engine.connect() as connection:
        row = dict(connection.exec_driver_sql("SELECT * FROM checkpoints").mappings().first())
        row["digest"], _ = _digest_range(connection, GENESIS_HASH, {"events": (0, row["events_upto"]),
                                                                    "org_events": (0, row["org_events_upto"])})
    sql(app, "UPDATE checkpoints SET digest = ?, mac = ?", row["digest"],
        keyring_for(app.engine).sign_document(document(row)))  # ... digested and signed over the two event tables
    make_checkpoint(app.engine, app.clock())
    export_checkpoints(app.engine, tmp_path / "filed")
    report = verify_database(app.engine, filed_checkpoints=(tmp_path / "filed").glob("*.json"))
    assert report.intact and report.checkpoints == 2, report.lines()


# --- evidence files ------------------------------------------------------------------------------------------
PHOTO = b"\x89PNG\r\n\x1a\n site photo: the purifier installed"


def _closure_with_a_photo(app) -> tuple[str, str]:
    import hashlib

    from sqlalchemy import insert
    from support.workflow_steps import contacted

    from rexian.adapters import tables as t
    from rexian.domain import commands as c

    tid, sha = contacted(app), hashlib.sha256(PHOTO).hexdigest()
    with app.engine.begin() as connection:  # as the web's upload stores it (web/pages.py)
        connection.execute(insert(t.attachments).values(sha256=sha, ticket_id=tid, name="photo.png",
                                                        content_type="image/png", size=len(PHOTO), data=PHOTO,
                                                        uploaded_by="H0201", uploaded_at=app.clock()))
    app.handle(c.RequestClosure(actor_id="H0201", ticket_id=tid, reply="经现场检查，已加装油烟净化器。",
                                evidence=(c.Evidence(kind="photo", summary="photo.png", ref=f"sha256:{sha}"),)))
    assert verify_database(app.engine).intact
    return tid, sha


def test_an_evidence_photo_swapped_in_its_row_is_named(app):
    tid, sha = _closure_with_a_photo(app)
    sql(app, "UPDATE attachments SET data = ? WHERE sha256 = ?", b"another photo", sha)
    report = verify_database(app.engine)
    assert any(stream.startswith("证据文件") for stream in damaged(report)), report.lines()


def test_an_evidence_file_the_closure_cites_deleted_is_named(app):
    tid, sha = _closure_with_a_photo(app)
    sql(app, "DELETE FROM attachments WHERE sha256 = ?", sha)
    report = verify_database(app.engine)
    assert damaged(report) == {tid: {"deleted"}}, report.lines()


# --- sign-in material ----------------------------------------------------------------------------------------
@pytest.fixture
def accounts(app):
    from rexian.web.auth import Accounts

    accounts = Accounts(app.engine, app.settings, app.clock)
    accounts.add(app.organisation(), "X01", "admin-password-1")
    accounts.add(app.organisation(), "H0201", "handler-password-1")
    accounts.issue_token("X01", "接口")
    accounts.sign_in("X01", "admin-password-1")
    assert verify_database(app.engine).intact
    return app, accounts


def test_a_session_inserted_for_the_administrator_is_refused_and_named(accounts):
    from datetime import timedelta

    from rexian.web.auth import digest

    app, service = accounts
    sql(app, "INSERT INTO sessions (token_hash, person_id, created_at, expires_at) VALUES (?, 'X01', ?, ?)",
        digest("chosen-by-the-attacker"), app.clock(), app.clock() + timedelta(days=30))
    assert service.session_person("chosen-by-the-attacker") is None
    assert any(stream.startswith("登录凭据(sessions") for stream in damaged(verify_database(app.engine)))


def test_an_api_token_inserted_for_the_administrator_is_refused_and_named(accounts):
    from rexian.web.auth import digest

    app, service = accounts
    sql(app, "INSERT INTO api_tokens (token_hash, person_id, name, created_at) VALUES (?, 'X01', 'x', ?)",
        digest("rxt_chosen"), app.clock())
    assert service.token_person("rxt_chosen") is None
    assert any(stream.startswith("登录凭据(api_tokens") for stream in damaged(verify_database(app.engine)))


def test_a_password_hash_of_the_attackers_choosing_is_refused_and_named(accounts):
    from rexian.web.auth import SignInRefused

    app, service = accounts
    handler_hash = one_value(app, "SELECT password_hash FROM accounts WHERE person_id = 'H0201'")
    sql(app, "UPDATE accounts SET password_hash = ? WHERE person_id = 'X01'", handler_hash)
    with pytest.raises(SignInRefused):
        service.sign_in("X01", "handler-password-1")
    assert any(stream.startswith("登录凭据(accounts") for stream in damaged(verify_database(app.engine)))


def test_genuine_sign_ins_tokens_and_password_changes_still_verify(accounts):
    app, service = accounts
    token = service.sign_in("H0201", "handler-password-1")
    assert service.session_person(token) == "H0201"
    assert service.token_person(service.issue_token("H0201", "脚本")) == "H0201"
    service.set_password("H0201", "another-password-2")
    assert service.sign_in("H0201", "another-password-2")
    assert verify_database(app.engine).intact


def test_the_upgrade_to_0007_numbers_and_signs_the_audit_records_and_sign_in_material_already_there(make_app, tmp_path):
    """A database as 0006_desk3 left it, with an audit record, an account and a session: `rexian upgrade`
    adopts them (trust on first use), the session still works, and the whole database verifies."""
    import sqlite3

    from rexian.adapters.database import migrate
    from rexian.web.auth import Accounts

    path = tmp_path / "old.db"
    app = make_app(f"sqlite:///{path}")
    closed_ticket = __import__("support.tampering", fromlist=["closed"]).closed(app)
    accounts = Accounts(app.engine, app.settings, app.clock)
    accounts.add(app.organisation(), "J01", "supervisor-password-1")
    token = accounts.sign_in("J01", "supervisor-password-1")
    _unmask(app, closed_ticket)
    app.engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("DROP INDEX ix_audit_log_log_seq")
        connection.execute("DROP INDEX ix_audit_log_person_action")  # 0009_trust7's, on the columns dropped here
        for table, columns in (("audit_log", ("log_seq", "mac")), ("accounts", ("mac",)), ("sessions", ("mac",)),
                               ("api_tokens", ("mac",)),
                               ("checkpoints", ("supervision_events_upto", "supervision_events", "audit_log_upto",
                                                "audit_log"))):
            for column in columns:
                connection.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        last = connection.execute("SELECT max(log_seq) FROM (SELECT log_seq FROM events UNION ALL "
                                  "SELECT log_seq FROM org_events)").fetchone()[0]
        connection.execute("UPDATE counters SET value = ? WHERE name = 'log'", (last,))
        connection.execute("UPDATE alembic_version SET version_num = '0006_desk3'")
    migrate(app.engine)
    report = verify_database(app.engine)
    assert report.intact, report.lines()
    assert one_value(app, "SELECT log_seq FROM audit_log") == last + 1
    assert accounts.session_person(token) == "J01"


# --- an older genuine sign-in row put back (issue 15, sixth round) --------------------------------------------
def _row(app, table, key, value):
    with app.engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        found = connection.exec_driver_sql(f"SELECT * FROM {table} WHERE {key} = " + ("%s" if postgres else "?"),
                                           (value,)).first()
        return dict(found._mapping)


def _put_back(app, table, key, row):
    """Replace a row by an older copy of itself, as someone with database access and a backup could."""
    names = list(row)
    sql(app, f"DELETE FROM {table} WHERE {key} = ?", row[key])
    sql(app, f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        *[row[name] for name in names])


def test_a_disabled_account_put_back_active_with_its_revoked_token_is_named(accounts):
    app, service = accounts
    token = service.issue_token("H0201", "对接系统")
    digest_of = __import__("rexian.web.auth", fromlist=["digest"]).digest
    account_before = _row(app, "accounts", "person_id", "H0201")
    token_before = _row(app, "api_tokens", "token_hash", digest_of(token))
    service.set_active("H0201", False)
    assert service.token_person(token) is None and verify_database(app.engine).intact
    _put_back(app, "accounts", "person_id", account_before)  # genuine rows, genuine MACs
    _put_back(app, "api_tokens", "token_hash", token_before)
    report = verify_database(app.engine)
    found = damaged(report)
    assert found.get("登录凭据(accounts:H0201)") == {"projection"}, report.lines()
    assert found.get(f"登录凭据(api_tokens:{digest_of(token)[:12]})") == {"projection"}, report.lines()


def test_a_revoked_token_un_revoked_while_the_account_stays_disabled_then_re_enabled_is_named(accounts):
    app, service = accounts
    token = service.issue_token("H0201", "对接系统")
    service.set_active("H0201", False)
    service.set_active("H0201", True)  # re-enabled by the administrator: the old token stays revoked
    assert service.token_person(token) is None
    sql(app, "UPDATE api_tokens SET revoked_at = NULL WHERE person_id = ?", "H0201")
    assert any("API令牌" in line for line in verify_database(app.engine).lines())


def test_genuine_disabling_re_enabling_and_new_tokens_still_verify(accounts):
    app, service = accounts
    service.set_active("H0201", False)
    service.set_active("H0201", True)
    assert service.token_person(service.issue_token("H0201", "新令牌")) == "H0201"
    assert verify_database(app.engine).intact
