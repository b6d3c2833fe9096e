"""Someone with write access to the database and the source code, but not the server's key file, can add,
change, remove or reorder nothing — events, tickets, projections — without `verify` naming it (issue 15).
Every attack runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from support.tampering import damaged, one_value, sql

from rexian.adapters.keys import KeyRing, event_digest, keyring_for
from rexian.adapters.repository import event_row
from rexian.domain import commands as c
from rexian.domain.eventlog import canonical_json, chain_hash
from rexian.domain.model import NewEvent, Ticket
from rexian.service.checkpoints import export_checkpoints, make_checkpoint
from rexian.service.verify import LOG, verify_database


def test_an_untouched_log_with_a_filed_checkpoint_verifies(town, tmp_path):
    app, tickets = town
    make_checkpoint(app.engine, app.clock())
    export_checkpoints(app.engine, tmp_path / "filed")
    report = verify_database(app.engine, filed_checkpoints=(tmp_path / "filed").glob("*.json"))
    assert report.intact, report.lines()
    assert report.tickets == len(tickets) and report.checkpoints == 1


def _forged_reopen(app, tid, at=None):
    """The attack that reopened a closed ticket: a correctly chained event appended with the triggers on,
    and the ticket row moved on to match it."""
    ticket = Ticket.replay(tid, app.events(tid))
    record = ticket.record(NewEvent("Reopened", at or ticket.last_event_at + timedelta(minutes=5), "R01", "C00", "D02",
                                    {"reason": "伪造重办", "trigger": "review", "due_at": None}))
    row = event_row(record)
    sql(app, "INSERT INTO events (ticket_id, seq, at, action, actor_id, actor_unit_id, target_unit_id, payload, "
             "source, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        row["ticket_id"], row["seq"], row["at"], row["action"], row["actor_id"], row["actor_unit_id"],
        row["target_unit_id"], row["payload"], row["source"], row["prev_hash"], row["hash"])
    sql(app, "UPDATE tickets SET status = 'reopened', last_seq = ?, head_hash = ?, closed_at = NULL WHERE ticket_id = ?",
        record["seq"], record["hash"], tid)


def test_an_event_inserted_with_the_triggers_on_and_the_row_moved_on_is_named(town):
    app, tickets = town
    _forged_reopen(app, tickets[0])
    found = damaged(verify_database(app.engine))
    assert set(found) == {tickets[0]} and "unsigned" in found[tickets[0]]


def test_an_event_signed_with_a_guessed_key_is_named(town):
    app, tickets = town
    _forged_reopen(app, tickets[2])
    forged = KeyRing.generate().sign(one_value(app, "SELECT hash FROM events WHERE ticket_id = ? ORDER BY seq DESC",
                                               tickets[2]))
    sql(app, "UPDATE events SET mac = ? WHERE ticket_id = ? AND mac IS NULL", forged, tickets[2], triggers_off=True)
    found = damaged(verify_database(app.engine))
    assert set(found) == {tickets[2]} and "unsigned" in found[tickets[2]]


def _first_payload(app, tid):
    return one_value(app, "SELECT payload FROM events WHERE ticket_id = ? AND seq = 1", tid)


def test_a_duplicate_key_inside_a_payload_is_named_though_the_hash_still_matches(town):
    app, tickets = town
    payload = _first_payload(app, tickets[1])
    # Python keeps the last value (the hash still matches); DuckDB keeps the first: two readers, two stories.
    doubled = payload.replace('{"address":', '{"address":"别处","address":', 1)
    assert doubled != payload and json.loads(doubled) == json.loads(payload)
    sql(app, "UPDATE events SET payload = ? WHERE ticket_id = ? AND seq = 1", doubled, tickets[1], triggers_off=True)
    report = verify_database(app.engine)
    assert damaged(report) == {tickets[1]: {"malformed", "deleted"}} or damaged(report) == {tickets[1]: {"malformed"}}
    assert any("重复的键" in line for line in report.lines())


def test_a_payload_in_another_spacing_is_named(town):
    app, tickets = town
    spaced = json.dumps(json.loads(_first_payload(app, tickets[3])), ensure_ascii=False, sort_keys=True)
    sql(app, "UPDATE events SET payload = ? WHERE ticket_id = ? AND seq = 1", spaced, tickets[3], triggers_off=True)
    report = verify_database(app.engine)
    assert set(damaged(report)) == {tickets[3]} and "malformed" in damaged(report)[tickets[3]]


def test_a_ticket_deleted_with_its_row_is_named_by_its_missing_number(town):
    app, tickets = town
    sql(app, "DELETE FROM events WHERE ticket_id = ?", tickets[1], triggers_off=True)
    sql(app, "DELETE FROM tickets WHERE ticket_id = ?", tickets[1])
    assert damaged(verify_database(app.engine)) == {tickets[1]: {"missing"}, LOG: {"deleted"}}


def test_the_newest_ticket_with_its_own_number_deleted_is_named_by_the_log_counter(town):
    app, _ = town
    app.handle(c.Intake(actor_id="A01", ticket_id="WEB-0001", content="路灯不亮已经一周了没人修", category="0101"))
    sql(app, "DELETE FROM events WHERE ticket_id = 'WEB-0001'", triggers_off=True)
    sql(app, "DELETE FROM tickets WHERE ticket_id = 'WEB-0001'")
    report = verify_database(app.engine)
    assert damaged(report) == {LOG: {"deleted"}}
    assert any("最新的1条事件被删除" in line for line in report.lines())


def test_the_newest_tail_deleted_with_the_log_counter_rewound_is_found_only_by_a_filed_checkpoint(town, tmp_path):
    """The one residual case (docs/trust.md): the newest events of the whole log, with the counter moved back to
    match, leave nothing in the database to compare with; the checkpoint filed elsewhere names them."""
    app, _ = town
    app.handle(c.Intake(actor_id="A01", ticket_id="WEB-0001", content="路灯不亮已经一周了没人修", category="0101"))
    make_checkpoint(app.engine, app.clock())
    export_checkpoints(app.engine, tmp_path)
    sql(app, "DELETE FROM events WHERE ticket_id = 'WEB-0001'", triggers_off=True)
    sql(app, "DELETE FROM tickets WHERE ticket_id = 'WEB-0001'")
    sql(app, "UPDATE counters SET value = (SELECT max(m) FROM (SELECT max(log_seq) AS m FROM events UNION ALL "
             "SELECT max(log_seq) FROM org_events) AS heads) WHERE name = 'log'")
    report = verify_database(app.engine, filed_checkpoints=tmp_path.glob("*.json"))
    assert not report.intact and report.damages == []
    assert [problem.number for problem in report.checkpoint_problems] == [1]


@pytest.mark.parametrize("column, value", [("status", "closed"), ("content", "已妥善解决"), ("lead_unit_id", "D01"),
                                           ("due_at", "2030-01-01 00:00:00.000000")])
def test_a_ticket_row_edited_alone_is_named(town, column, value):
    app, tickets = town
    if column == "due_at" and app.engine.dialect.name == "postgresql":
        value = "2030-01-01 00:00:00"
    sql(app, f"UPDATE tickets SET {column} = ? WHERE ticket_id = ?", value, tickets[1])
    report = verify_database(app.engine)
    assert damaged(report) == {tickets[1]: {"projection"}}
    assert column in report.lines()[0]


def test_a_rewritten_chain_with_every_hash_recomputed_is_named(town):
    app, tickets = town
    tid = tickets[0]
    events = app.events(tid)
    events[0]["payload"]["content"] = "改写后的诉求内容"
    prev = events[0]["prev_hash"]
    for record in events:
        record["prev_hash"] = prev
        record["hash"] = prev = chain_hash(prev, record)
        sql(app, "UPDATE events SET payload = ?, prev_hash = ?, hash = ? WHERE ticket_id = ? AND seq = ?",
            canonical_json(record["payload"]), record["prev_hash"], record["hash"], tid, record["seq"],
            triggers_off=True)
    sql(app, "UPDATE tickets SET head_hash = ?, content = ? WHERE ticket_id = ?", prev, "改写后的诉求内容", tid)
    assert damaged(verify_database(app.engine)) == {tid: {"unsigned"}}


def test_an_event_copied_with_its_signature_into_another_ticket_is_named(town):
    app, tickets = town
    source, target = tickets[0], tickets[1]
    last = one_value(app, "SELECT max(seq) FROM events WHERE ticket_id = ?", target)
    sql(app, "INSERT INTO events (ticket_id, seq, at, action, actor_id, actor_unit_id, target_unit_id, payload, "
             "source, prev_hash, hash, mac) SELECT ?, ?, at, action, actor_id, actor_unit_id, target_unit_id, "
             "payload, source, prev_hash, hash, mac FROM events WHERE ticket_id = ? AND action = 'Closed'",
        target, last + 1, source)
    assert target in damaged(verify_database(app.engine))


def test_an_old_key_replayed_after_its_rotation_is_named(town, tmp_path):
    app, tickets = town
    ring = keyring_for(app.engine)
    stolen = KeyRing([ring.keys[ring.current]], ring.current)  # the attacker copied the key file once
    ring.rotate(app.clock())
    _forged_reopen(app, tickets[0], at=app.clock() + timedelta(hours=1))
    # The attacker knows the source: the forged event takes the next log number and is signed over it.
    (number,) = sql(app, "UPDATE counters SET value = value + 1 WHERE name = 'log' RETURNING value")[0]
    sql(app, "UPDATE events SET log_seq = ?, mac = ? WHERE ticket_id = ? AND mac IS NULL", number,
        stolen.sign(event_digest(number, one_value(app, "SELECT hash FROM events WHERE ticket_id = ? ORDER BY seq DESC",
                                                   tickets[0]))),
        tickets[0], triggers_off=True)
    report = verify_database(app.engine, keyring=ring)
    found = damaged(report)
    assert set(found) == {tickets[0]} and "unsigned" in found[tickets[0]]
    assert any("停用" in line for line in report.lines())


def test_key_rotation_keeps_every_earlier_event_verifiable_and_needs_the_old_key(town):
    app, tickets = town
    ring = keyring_for(app.engine)
    old = ring.current
    ring.rotate(app.clock())
    app.handle(c.Intake(actor_id="A01", content="井盖丢失存在安全隐患", category="0101"))
    assert verify_database(app.engine, keyring=ring).intact
    without_old = KeyRing([key for key in ring.keys.values() if key.key_id != old], ring.current)
    assert set(damaged(verify_database(app.engine, keyring=without_old))) == {*tickets, "组织机构(ORG)"}


def test_a_checkpoint_deleted_or_rewritten_in_the_database_is_found_against_its_filed_copy(town, tmp_path):
    app, _ = town
    make_checkpoint(app.engine, app.clock())
    app.handle(c.Intake(actor_id="A01", content="井盖丢失存在安全隐患", category="0101"))
    make_checkpoint(app.engine, app.clock())
    export_checkpoints(app.engine, tmp_path)
    sql(app, "UPDATE checkpoints SET events = events + 1 WHERE number = 2")
    sql(app, "DELETE FROM checkpoints WHERE number = 1")
    problems = verify_database(app.engine, filed_checkpoints=tmp_path.glob("*.json")).checkpoint_problems
    assert {problem.number for problem in problems} == {1, 2}


def test_events_written_before_signatures_existed_are_adopted_by_the_upgrade(make_app, tmp_path):
    """A database from before revision 0004_trust: `rexian upgrade` signs its events once (trust on first use); the
    append-only triggers stand again afterwards."""
    import sqlite3

    from sqlalchemy.exc import DatabaseError
    from support.tampering import closed

    from rexian.adapters.database import migrate

    path = tmp_path / "old.db"
    app = make_app(f"sqlite:///{path}")
    tid = closed(app)
    app.engine.dispose()
    with sqlite3.connect(path) as connection:  # make it look like a database from before 0004_trust
        # Today's intake held the caller's details apart (its chain carries their digest), which a database from
        # before 0004 did not: the held row is put back once the upgrade has made the table again, else verify
        # rightly names details gone without an erasure event.
        held = connection.execute("SELECT * FROM personal_data").fetchall()
        for table in ("events", "org_events", "supervision_events"):  # and from before 0006_trust3
            connection.execute(f"DROP INDEX ix_{table}_log_seq")
            connection.execute(f"ALTER TABLE {table} DROP COLUMN log_seq")
        connection.execute("DELETE FROM counters WHERE name = 'log'")
        for operation in ("update", "delete"):
            connection.execute(f"DROP TRIGGER supervision_events_no_{operation}")
        for table in ("events", "org_events", "supervision_events"):
            connection.execute(f"ALTER TABLE {table} DROP COLUMN mac")
        connection.execute("DROP TABLE checkpoints")
        connection.execute("DROP TABLE personal_data")
        from rexian.adapters import findings_tables, tables, word_index
        from rexian.domain import records
        for statement in word_index.DROP:  # nor what came after it (0005_perf)
            connection.execute(statement)
        for index in (*tables.LIST_INDEXES, *findings_tables.TRIAGE_INDEXES):
            connection.execute(f"DROP INDEX {index.name}")
        for table in records.RECORD_TABLES:  # (0005_calls)
            connection.execute(f"DROP TABLE {table}")
        connection.execute("DROP TABLE import_manifests")  # and from before 0005_trust2
        connection.execute(f"DROP INDEX {findings_tables.NEWEST_INDEX.name}")  # nor 0006_desk3
        connection.execute("DROP TABLE finding_counts")
        connection.execute("ALTER TABLE tickets DROP COLUMN head_mac")
        connection.execute("UPDATE alembic_version SET version_num = '0004_desk'")
    migrate(app.engine)
    with sqlite3.connect(path) as connection:
        connection.executemany(f"INSERT INTO personal_data VALUES ({', '.join('?' * len(held[0]))})", held)
    assert verify_database(app.engine).intact
    with pytest.raises(DatabaseError, match="append-only"):
        sql(app, "UPDATE events SET mac = NULL WHERE ticket_id = ?", tid)


def test_a_counter_moved_far_ahead_is_named_once_and_quickly(town):
    app, _ = town
    day = app.ticket(town[1][0]).ticket_id[2:10]
    sql(app, "UPDATE counters SET value = 900000 WHERE name = ?", f"ticket:{day}")
    found = [damage for damage in verify_database(app.engine).damages if damage.kind == "missing"]
    assert [damage.stream for damage in found] == [f"ticket:{day}"]


def test_a_log_counter_moved_far_ahead_or_made_text_is_named_once(town):
    app, _ = town
    sql(app, "UPDATE counters SET value = ? WHERE name = 'log'", 10**15)
    found = [damage for damage in verify_database(app.engine).damages]
    assert [(damage.stream, damage.kind) for damage in found] == [(LOG, "deleted")]


def test_the_upgrade_to_the_log_sequence_numbers_old_events_and_launders_no_forged_one(make_app, tmp_path):
    """A database from before 0006_trust3 (MACs over the hash alone, no log numbers) with one event forged in it:
    `rexian upgrade` numbers and signs again the genuine events only, so verify still names the forgery."""
    import sqlite3

    from support.tampering import closed

    from rexian.adapters.database import migrate

    path = tmp_path / "old.db"
    app = make_app(f"sqlite:///{path}")
    genuine, forged = closed(app), closed(app)
    _forged_reopen(app, forged)
    ring = keyring_for(app.engine)
    app.engine.dispose()
    with sqlite3.connect(path) as connection:  # as 0005_trust2 left it
        for table in ("events", "org_events", "supervision_events"):
            connection.execute(f"DROP INDEX ix_{table}_log_seq")
            rows = connection.execute(f"SELECT id, hash, mac FROM {table}").fetchall()
            connection.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            connection.executemany(f"UPDATE {table} SET mac = ? WHERE id = ?",
                                   [(ring.sign(row_hash) if mac else None, row_id) for row_id, row_hash, mac in rows])
            connection.execute(f"ALTER TABLE {table} DROP COLUMN log_seq")
        connection.execute("DELETE FROM counters WHERE name = 'log'")
        from rexian.adapters import findings_tables, word_index
        for statement in (*word_index.DROP_TRIGGERS, f"DROP TABLE {word_index.GRAMS}",  # nor what came after
                          f"DROP TABLE {word_index.POSITIONS}"):  # it (0006_web3, 0006_desk3)
            connection.execute(statement)
        for statement in word_index.CREATE[1:]:
            connection.execute(statement)
        connection.execute(f"DROP INDEX {findings_tables.NEWEST_INDEX.name}")
        connection.execute("DROP TABLE finding_counts")
        connection.execute("UPDATE alembic_version SET version_num = '0005_trust2'")
    migrate(app.engine)
    found = damaged(verify_database(app.engine))
    assert set(found) == {forged} and "unsigned" in found[forged]
    assert genuine not in found


# --- key rotation (issue 15, seventh round) -------------------------------------------------------------------
def _sign_forged_tail(app, tid, key: KeyRing) -> None:
    """The forged event takes the next log number and is signed over it, the ticket row's head too."""
    from rexian.adapters.keys import head_digest

    (number,) = sql(app, "UPDATE counters SET value = value + 1 WHERE name = 'log' RETURNING value")[0]
    head = one_value(app, "SELECT hash FROM events WHERE ticket_id = ? ORDER BY seq DESC", tid)
    sql(app, "UPDATE events SET log_seq = ?, mac = ? WHERE ticket_id = ? AND mac IS NULL", number,
        key.sign(event_digest(number, head)), tid, triggers_off=True)
    last = one_value(app, "SELECT max(seq) FROM events WHERE ticket_id = ?", tid)
    sql(app, "UPDATE tickets SET head_mac = ? WHERE ticket_id = ?", key.sign(head_digest(tid, last, head)), tid)


def test_an_old_key_replayed_with_a_back_dated_event_after_its_rotation_is_named(town):
    from rexian.adapters.keys import rotate_keys

    app, tickets = town
    ring = keyring_for(app.engine)
    stolen = KeyRing([ring.keys[ring.current]], ring.current)  # the attacker copied the key file once
    rotate_keys(app.engine, app.clock())
    _forged_reopen(app, tickets[0])  # dated five minutes after the ticket's last event: before the rotation
    _sign_forged_tail(app, tickets[0], stolen)
    report = verify_database(app.engine)
    assert set(damaged(report)) == {tickets[0]} and "unsigned" in damaged(report)[tickets[0]], report.lines()
    assert any("旧密钥被重放" in line for line in report.lines())


def test_a_token_signed_with_an_old_key_after_its_rotation_is_refused_and_named(town):
    from rexian.adapters import credentials
    from rexian.adapters.keys import rotate_keys
    from rexian.web.auth import Accounts, digest

    app, _ = town
    accounts = Accounts(app.engine, app.settings, app.clock)
    accounts.add(app.organisation(), "X01", "admin-password-1")
    genuine = accounts.issue_token("X01", "接口")
    ring = keyring_for(app.engine)
    stolen = KeyRing([ring.keys[ring.current]], ring.current)
    rotate_keys(app.engine, app.clock())
    assert accounts.token_person(genuine) == "X01"  # signed again with the new key at the rotation
    row = {"token_hash": digest("rxt_chosen"), "person_id": "X01"}
    sql(app, "INSERT INTO api_tokens (token_hash, person_id, name, created_at, mac) VALUES (?, 'X01', 'x', ?, ?)",
        row["token_hash"], app.clock(), stolen.sign(credentials.credential_digest("api_tokens", row)))
    assert accounts.token_person("rxt_chosen") is None
    assert any(stream.startswith("登录凭据(api_tokens") for stream in damaged(verify_database(app.engine)))


def test_a_rotation_by_another_process_is_taken_up_by_a_running_server_and_old_checkpoints_still_verify(town, tmp_path):
    from rexian.adapters.keys import key_path, rotate_keys
    from rexian.adapters.database import make_engine

    app, _ = town
    make_checkpoint(app.engine, app.clock())
    export_checkpoints(app.engine, tmp_path / "filed")
    app.handle(c.Intake(actor_id="A01", content="井盖丢失存在安全隐患", category="0101"))  # the ring is cached
    other = make_engine(app.engine.url.render_as_string(hide_password=False))  # `rexian keys rotate`
    old, new = rotate_keys(other, app.clock())
    other.dispose()
    outcome = app.handle(c.Intake(actor_id="A01", content="路灯不亮影响夜间出行", category="0101"))
    assert one_value(app, "SELECT mac FROM events WHERE ticket_id = ?", outcome.ticket_id).startswith(f"{new}:")
    make_checkpoint(app.engine, app.clock())
    export_checkpoints(app.engine, tmp_path / "filed")
    fresh = KeyRing.load(key_path(app.engine))
    report = verify_database(app.engine, keyring=fresh, filed_checkpoints=(tmp_path / "filed").glob("*.json"))
    assert report.intact and report.checkpoints == 2, report.lines()
    assert fresh.keys[old].retired_log_seq is not None
