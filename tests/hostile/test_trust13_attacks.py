"""A fresh attacker's pass (trust13, issue 15): values no genuine row can hold, written by SQL into signed and
derived columns, must be named by `verify` — never stop it with a traceback that hides every other damage — and
the web must answer a careless or hostile visitor without a 500. Attacks that held are kept here so they stay
held. docs/trust.md, "Attacked once more (trust13)"."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime

import pytest
from support.tampering import closed, damaged, sql

from rexian.domain import commands as c
from rexian.service.checkpoints import export_checkpoints, make_checkpoint
from rexian.service.verify import verify_database

DEEP = "[" * 100_000  # JSON nested past Python's recursion limit: json.loads raises RecursionError, not ValueError


def _a_confirmed_finding(app):
    """The desk, with BP-RETURNS:RX1 (unit D02, person H0201) found and confirmed by J01."""
    from rexian.adapters.findings import FindingRepository
    from rexian.service.desk import Desk

    now = app.clock()
    FindingRepository(app.engine).upsert([
        {"finding_key": "BP-RETURNS:RX1", "rule_id": "BP-RETURNS", "family": "buck_passing", "severity": "medium",
         "ticket_ids": ["RX1"], "agent_id": None, "unit_id": "D02", "person_id": "H0201",
         "evidence": {"events": [], "texts": [], "values": {}, "thresholds": {}}, "detected_at": now}], "batch", now)
    desk = Desk(app.engine, app.clock)
    desk.decide(["BP-RETURNS:RX1"], "confirm", "J01", "属实")
    return desk


def _an_order(app) -> str:
    """A supervision order issued on a confirmed finding (a desk stream with its record)."""
    desk = _a_confirmed_finding(app)
    _, orders = desk.issue_orders("J01", ["D02"], datetime(2026, 3, 9), "限期整改", finding_keys=["BP-RETURNS:RX1"])
    return orders[0]


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    """SQLite only: it keeps any value in any column, where PostgreSQL's typed columns refuse the value itself
    (so these attacks cannot be written there, and in CI a skipped PostgreSQL case would count as a failure)."""
    return make_app(f"sqlite:///{tmp_path / 'test.db'}")


# --- values no genuine row holds ---------------------------------------------------------------------------------

def test_a_mac_with_a_non_ascii_character_is_named_not_a_traceback(town):
    """`hmac.compare_digest` raises TypeError on a str holding any non-ASCII character: one event's MAC set to
    'k1:é' stopped verify (and every reader that checks it) with a traceback."""
    app, tickets = town
    sql(app, "UPDATE events SET mac = ? WHERE ticket_id = ? AND seq = 2", "k1:\u00e9\u00e9", tickets[1], triggers_off=True)
    report = verify_database(app.engine)
    assert damaged(report) == {tickets[1]: {"unsigned"}}, report.lines()


def test_a_session_whose_mac_holds_a_non_ascii_character_is_refused_not_an_error(app):
    from rexian.web.auth import Accounts

    accounts = Accounts(app.engine, app.settings, app.clock)
    accounts.add(app.organisation(), "H0201", "secret-pass-1")
    token = accounts.sign_in("H0201", "secret-pass-1")
    sql(app, "UPDATE sessions SET mac = ?", "k1:\u00e9")
    assert accounts.session_person(token) is None
    report = verify_database(app.engine)
    assert any("登录凭据" in line for line in report.lines()), report.lines()


def test_caller_details_nested_past_pythons_limit_are_named_not_a_traceback(app):
    tid = app.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101",
                              caller_phone="13800000001", caller_name="张三")).ticket_id
    sql(app, "UPDATE personal_data SET data = ? WHERE ticket_id = ?", DEEP, tid)
    report = verify_database(app.engine)
    assert damaged(report) == {tid: {"personal"}}, report.lines()


def test_a_desk_records_event_count_written_as_text_is_named_not_a_traceback(sqlite_app):
    app = sqlite_app
    order = _an_order(app)
    sql(app, "UPDATE supervision_records SET last_seq = 'two' WHERE stream_id = ?", order)
    report = verify_database(app.engine)
    assert "malformed" in damaged(report).get(f"监督({order})", set()), report.lines()


@pytest.mark.parametrize("table, column", [("accounts", "password_hash"), ("sessions", "expires_at"),
                                           ("checkpoints", "digest"), ("audit_log", "reason")])
def test_bytes_written_into_a_signed_sqlite_column_are_named_not_a_traceback(sqlite_app, table, column):
    """SQLite keeps a BLOB in any column; the digests' JSON could not encode it (TypeError)."""
    from rexian.web.auth import Accounts

    app = sqlite_app
    accounts = Accounts(app.engine, app.settings, app.clock)
    accounts.add(app.organisation(), "H0201", "secret-pass-1")
    accounts.sign_in("H0201", "secret-pass-1")
    accounts.audit("H0201", "unmask", "核实来电", closed(app))
    make_checkpoint(app.engine, app.clock())
    assert verify_database(app.engine).intact
    sql(app, f"UPDATE {table} SET {column} = ? WHERE rowid = (SELECT max(rowid) FROM {table})", b"\xff\x00")
    report = verify_database(app.engine)
    assert not report.intact and report.lines()


def test_a_filed_checkpoint_nested_past_pythons_limit_is_named_unreadable(town, tmp_path):
    app, _ = town
    make_checkpoint(app.engine, app.clock())
    export_checkpoints(app.engine, tmp_path)
    (tmp_path / "checkpoint-000002.json").write_text(DEEP, encoding="utf-8")
    report = verify_database(app.engine, filed_checkpoints=sorted(tmp_path.glob("*.json")))
    assert [problem.detail for problem in report.checkpoint_problems] == \
        ["存档文件checkpoint-000002.json无法读取（RecursionError）"]


def test_verify_survives_hostile_values_in_every_column_of_every_table(make_app, tmp_path):
    """Every column of every table's newest row (SQLite, triggers dropped) set in turn to a value no genuine row
    holds — bytes, JSON nested past the recursion limit, a MAC with a non-ASCII character, text in a number —
    and `verify` run: it may name or pass the change (some columns are shown only), never raise."""
    from rexian.adapters.database import make_engine
    from rexian.adapters.keys import keyring_for
    from rexian.web.auth import Accounts

    path = tmp_path / "town.db"
    app = make_app(f"sqlite:///{path}")
    closed(app)
    app.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101", idempotency_key="k1",
                        caller_phone="13800000001", caller_name="张三"))
    accounts = Accounts(app.engine, app.settings, app.clock)
    accounts.add(app.organisation(), "H0201", "secret-pass-1")
    accounts.sign_in("H0201", "secret-pass-1")
    accounts.issue_token("H0201", "t1")
    _an_order(app)
    make_checkpoint(app.engine, app.clock())
    ring = keyring_for(app.engine)
    app.engine.dispose()
    connection = sqlite3.connect(path)
    try:
        triggers = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'ticket_words%'") if connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]]
        columns = [(table, column) for table in tables
                   for (_, column, *_) in connection.execute(f"PRAGMA table_info({table})")]
    finally:
        connection.close()
    values = [b"\xff\x00", DEEP, "k1:\u00e9", "two"]
    for number, (table, column) in enumerate(columns):
        case = tmp_path / "case.db"
        shutil.copy(path, case)
        connection = sqlite3.connect(case)
        try:
            for trigger in triggers:
                connection.execute(f"DROP TRIGGER {trigger}")
            connection.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = (SELECT max(rowid) FROM {table})",
                               (values[number % len(values)],))
            connection.commit()
        except sqlite3.IntegrityError:
            continue  # NOT NULL, a key, a check: nothing stored
        finally:
            connection.close()
        engine = make_engine(f"sqlite:///{case}")
        try:
            verify_database(engine, keyring=ring)
        except Exception as error:  # noqa: BLE001 - the assertion names the column
            raise AssertionError(f"{table}.{column} = {values[number % len(values)]!r:.12}: {error!r}") from error
        finally:
            engine.dispose()
    assert len(columns) > 150, len(columns)


# --- attacks that held ---------------------------------------------------------------------------------------

def test_two_tickets_rows_swapped_are_named(town):
    app, tickets = town
    first, second = tickets[0], tickets[2]
    sql(app, "UPDATE tickets SET ticket_id = 'SWAP' WHERE ticket_id = ?", first)
    sql(app, "UPDATE tickets SET ticket_id = ? WHERE ticket_id = ?", first, second)
    sql(app, "UPDATE tickets SET ticket_id = ? WHERE ticket_id = 'SWAP'", second)
    assert set(damaged(verify_database(app.engine))) == {first, second}


def test_two_events_of_the_same_moment_swapped_are_named(app):
    moment = datetime(2026, 3, 2, 9, 0)
    app.clock = lambda: moment  # every event at one time: no order to read from the timestamps
    tid = closed(app)
    sql(app, "UPDATE events SET seq = -1 WHERE ticket_id = ? AND seq = 2", tid, triggers_off=True)
    sql(app, "UPDATE events SET seq = 2 WHERE ticket_id = ? AND seq = 3", tid, triggers_off=True)
    sql(app, "UPDATE events SET seq = 3 WHERE ticket_id = ? AND seq = -1", tid, triggers_off=True)
    assert damaged(verify_database(app.engine)) == {tid: {"reordered"}}


def test_the_newest_events_truncated_with_the_checkpoint_that_saw_them_are_named_by_its_filed_copy(town, tmp_path):
    app, _ = town
    tid = app.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101")).ticket_id
    make_checkpoint(app.engine, app.clock())
    export_checkpoints(app.engine, tmp_path)
    sql(app, "DELETE FROM events WHERE ticket_id = ?", tid, triggers_off=True)
    sql(app, "DELETE FROM tickets WHERE ticket_id = ?", tid)
    sql(app, "DELETE FROM checkpoints")
    sql(app, "UPDATE counters SET value = value - 1 WHERE name = 'log'")
    sql(app, "UPDATE counters SET value = value - 1 WHERE name = ?", "ticket:" + tid[2:10])
    report = verify_database(app.engine, filed_checkpoints=tmp_path.glob("*.json"))
    assert report.damages == [], report.lines()  # nothing in the database shows it …
    assert {problem.number for problem in report.checkpoint_problems} == {1}  # … the filed copy does
    assert not verify_database(app.engine, filed_checkpoints=tmp_path.glob("*.json")).intact


def test_a_restore_of_an_older_backup_is_named_by_the_checkpoints_filed_since(make_app, tmp_path):
    from rexian.adapters.keys import keyring_for
    from rexian.service.backup import backup, restore

    app = make_app(f"sqlite:///{tmp_path / 'live.db'}")
    closed(app)
    ring = keyring_for(app.engine)
    backup(str(app.engine.url), tmp_path / "old.db", ring, app.clock())
    closed(app)
    make_checkpoint(app.engine, app.clock())
    export_checkpoints(app.engine, tmp_path / "filed")
    restored = restore(tmp_path / "old.db", f"sqlite:///{tmp_path / 'back.db'}", ring)
    assert restored.intact  # the old copy is whole in itself …
    from rexian.adapters.database import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'back.db'}")
    try:
        report = verify_database(engine, keyring=ring, filed_checkpoints=(tmp_path / "filed").glob("*.json"))
    finally:
        engine.dispose()
    assert not report.intact and report.checkpoint_problems  # … but older than what was filed since


# --- the web, as a careless or hostile visitor -----------------------------------------------------------------

@pytest.fixture
def visitor(make_app, tmp_path):
    from fastapi.testclient import TestClient

    from rexian.web.app import create_app
    from rexian.web.auth import Accounts

    app = make_app(f"sqlite:///{tmp_path / 'web.db'}")
    Accounts(app.engine, app.settings, app.clock).add_sharing_password(app.organisation(), ["J01", "X01"], "secret-pass-1")
    with TestClient(create_app(app), raise_server_exceptions=False) as client:
        client.get("/login")
        yield client


def _signed_in(client, person_id="J01"):
    answer = client.post("/login", data={"person_id": person_id, "password": "secret-pass-1",
                                         "csrf": client.cookies["rx_csrf"], "next": "/"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


@pytest.mark.parametrize("url", ["/tickets?page=99999999999999999999", "/tickets?page=9223372036854775807",
                                 "/desk/findings?page=99999999999999999999"])
def test_a_page_number_past_the_databases_integer_is_a_page_not_an_error(visitor, url):
    assert _signed_in(visitor).get(url).status_code == 200


def test_a_csrf_field_with_a_non_ascii_character_is_refused_not_an_error(visitor):
    answer = visitor.post("/login", data={"person_id": "J01", "password": "secret-pass-1", "csrf": "令牌"},
                          follow_redirects=False)
    assert answer.status_code == 403


# --- files a careless or hostile hand gives the CLI -------------------------------------------------------------

@pytest.mark.parametrize("manifest", ["{\"sha256\": ", "[]", pytest.param(DEEP, id="nested"),
                                      "{\"made_at\": \"2026-03-02\"}"])
def test_a_backup_whose_manifest_is_truncated_or_rewritten_is_refused_in_chinese(make_app, tmp_path, manifest):
    """A manifest cut short, not an object or nested past the recursion limit stopped `restore` with a traceback;
    one without its checksum let any change of the backup through to the restore."""
    from rexian.adapters.keys import keyring_for
    from rexian.service.backup import BackupError, backup, restore

    app = make_app(f"sqlite:///{tmp_path / 'live.db'}")
    closed(app)
    ring = keyring_for(app.engine)
    backup(str(app.engine.url), tmp_path / "copy.db", ring, app.clock())
    (tmp_path / "copy.db.manifest.json").write_text(manifest, encoding="utf-8")
    with pytest.raises(BackupError, match="备份清单"):
        restore(tmp_path / "copy.db", f"sqlite:///{tmp_path / 'back.db'}", ring)
    assert not (tmp_path / "back.db").exists()


@pytest.mark.parametrize("text", ["[]", "7", pytest.param(DEEP, id="nested")])
def test_a_key_file_that_is_not_a_key_ring_is_refused_in_chinese(tmp_path, text):
    from rexian.adapters.keys import KeyFileError, KeyRing

    (tmp_path / "wrong.keys").write_text(text, encoding="utf-8")
    with pytest.raises(KeyFileError, match="密钥文件无法读取"):
        KeyRing.load(tmp_path / "wrong.keys")


@pytest.mark.parametrize("person_id, url", [
    ("J01", "/desk/live/stream?after=99999999999999999999"), ("J01", "/desk/live/stream?after=%C2%B2"),
    ("X01", "/admin?pick=person&pick_page=%C2%B2"), ("X01", "/admin/deliveries/99999999999999999999/replay"),
    ("X01", "/admin/deliveries/%C2%B2/replay")])
def test_a_number_in_a_url_that_is_no_row_id_is_answered_not_an_error(visitor, person_id, url):
    """`str.isdigit` takes "²" (which `int` refuses) and 20 digits overflowed SQLite's integer: both were a 500."""
    client = _signed_in(visitor, person_id)
    if url.endswith("/replay"):
        answer = client.post(url, data={"csrf": client.cookies["rx_csrf"]}, follow_redirects=False)
    else:
        answer = client.get(url)
    assert answer.status_code < 500, answer.text[:200]


@pytest.mark.parametrize("tickets", ["not json", "7", "[1, 2]"])
def test_an_import_manifest_row_inserted_with_unreadable_tickets_stops_no_ticket_page(town, tickets):
    """The ticket page asks which import wrote a ticket (`ManifestRanges`): one manifest row inserted by SQL with
    `tickets` not a JSON object made every ticket page a 500, at every request, until the row was removed."""
    from rexian.adapters.manifests import ManifestRanges, imported_by

    app, numbers = town
    sql(app, "INSERT INTO import_manifests (number, source, made_at, tickets, previous_mac, mac) "
             "VALUES (1, 'x', '2026-03-02 00:00:00', ?, '', 'k1:00')", tickets)
    with app.engine.connect() as connection:
        assert imported_by(connection, numbers[0], ManifestRanges()) is None
    assert "unsigned" in damaged(verify_database(app.engine)).get("导入清单(1)", set())
