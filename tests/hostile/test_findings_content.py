"""The findings store's content (issue 15, seventh round): rule, severity, evidence, unit, person and times of a
finding, decided or not, are what a supervisor acts on. Someone with write access to the database but not the
server's key deletes, edits, inserts or puts back an older copy of a finding; `verify` must name it, while the
legitimate ways a finding changes (new evidence from a re-analysis, a decision, a contradiction, `findings load`
again) still verify. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from support.tampering import damaged, one_value, sql

from rexian.adapters.findings import FindingRepository
from rexian.service.verify import verify_database


def _finding(subject: str, returns: int = 3, person: str = "H0201") -> dict:
    return {"finding_key": f"BP-RETURNS:{subject}", "rule_id": "BP-RETURNS", "family": "buck_passing",
            "severity": "medium", "ticket_ids": [subject], "agent_id": None, "unit_id": "D02", "person_id": person,
            "evidence": {"events": [], "texts": [], "values": {"returns": returns}, "thresholds": {"returns": 3}},
            "detected_at": "2026-03-02T09:00:00"}


@pytest.fixture
def store(app):
    findings = FindingRepository(app.engine)
    findings.upsert([_finding(subject) for subject in ("RX1", "RX2", "RX3")], "batch", app.clock())
    findings.decide("BP-RETURNS:RX1", "confirm", "J01", "属实", app.clock())
    report = verify_database(app.engine)
    assert report.intact, report.lines()
    return app, findings


def _named(report) -> dict[str, set[str]]:
    return {stream: kinds for stream, kinds in damaged(report).items() if stream.startswith("问题线索")}


def test_an_undecided_finding_deleted_is_named(store):
    app, _ = store
    sql(app, "DELETE FROM findings WHERE finding_key = 'BP-RETURNS:RX2'")
    report = verify_database(app.engine)
    assert _named(report) == {"问题线索(BP-RETURNS:RX2)": {"deleted"}}, report.lines()


@pytest.mark.parametrize("statement", [
    "UPDATE findings SET severity = 'low' WHERE finding_key = 'BP-RETURNS:RX2'",
    "UPDATE findings SET person_id = 'H0301' WHERE finding_key = 'BP-RETURNS:RX2'",
    "UPDATE findings SET unit_id = 'D03' WHERE finding_key = 'BP-RETURNS:RX2'",
    "UPDATE findings SET evidence = '{}' WHERE finding_key = 'BP-RETURNS:RX2'",
    "UPDATE findings SET occurred_at = '2025-01-01 00:00:00' WHERE finding_key = 'BP-RETURNS:RX2'",
    "UPDATE findings SET ticket_ids = '[\"RX9\"]' WHERE finding_key = 'BP-RETURNS:RX2'",
    "UPDATE findings SET person_id = 'H0301' WHERE finding_key = 'BP-RETURNS:RX1'",  # a confirmed one
])
def test_a_findings_content_edited_is_named(store, statement):
    app, _ = store
    sql(app, statement)
    report = verify_database(app.engine)
    key = "BP-RETURNS:RX1" if "RX1" in statement else "BP-RETURNS:RX2"
    assert _named(report) == {f"问题线索({key})": {"projection"}}, report.lines()


def test_a_finding_inserted_by_sql_is_named(store):
    app, _ = store
    sql(app, "INSERT INTO findings (finding_key, rule_id, family, severity, ticket_ids, unit_id, person_id, evidence, "
             "detected_at, updated_at, source, status) SELECT 'BP-RETURNS:RX7', rule_id, family, severity, "
             "'[\"RX7\"]', unit_id, 'H0301', evidence, detected_at, updated_at, source, 'new' FROM findings "
             "WHERE finding_key = 'BP-RETURNS:RX2'")
    report = verify_database(app.engine)
    assert _named(report) == {"问题线索(BP-RETURNS:RX7)": {"inserted"}}, report.lines()


def test_an_older_genuine_finding_row_put_back_after_new_evidence_is_named(store):
    """The re-analysis found a fourth return; the attacker puts back the row as it was (three returns)."""
    app, findings = store
    with app.engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        before = dict(connection.exec_driver_sql("SELECT * FROM findings WHERE finding_key = " +
                                                 ("%s" if postgres else "?"), ("BP-RETURNS:RX2",)).first()._mapping)
    assert findings.upsert([_finding("RX2", returns=4)], "batch", app.clock())["updated"] == ["BP-RETURNS:RX2"]
    assert verify_database(app.engine).intact
    names = list(before)
    sql(app, "DELETE FROM findings WHERE finding_key = 'BP-RETURNS:RX2'")
    sql(app, f"INSERT INTO findings ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        *[before[name] for name in names])
    report = verify_database(app.engine)
    assert _named(report) == {"问题线索(BP-RETURNS:RX2)": {"projection"}}, report.lines()


def test_a_findings_history_row_deleted_with_the_finding_leaves_a_log_gap(store):
    app, _ = store
    sql(app, "DELETE FROM findings WHERE finding_key = 'BP-RETURNS:RX2'")
    sql(app, "DELETE FROM finding_events WHERE finding_key = 'BP-RETURNS:RX2'")
    report = verify_database(app.engine)
    assert "deleted" in damaged(report).get("事件日志", set()), report.lines()


def test_a_findings_history_row_forged_is_named(store):
    app, _ = store
    sql(app, "UPDATE finding_events SET reason = '误报' WHERE finding_key = 'BP-RETURNS:RX1' AND actor_id = 'J01'")
    report = verify_database(app.engine)
    assert "unsigned" in _named(report).get("问题线索(BP-RETURNS:RX1)", set()), report.lines()


def test_the_newest_finding_change_deleted_with_the_log_counter_rewound_is_found_by_a_filed_checkpoint(store, tmp_path):
    from rexian.service.checkpoints import export_checkpoints, make_checkpoint

    app, findings = store
    make_checkpoint(app.engine, app.clock())
    export_checkpoints(app.engine, tmp_path / "filed")
    filed = lambda: (tmp_path / "filed").glob("*.json")  # noqa: E731
    assert verify_database(app.engine, filed_checkpoints=filed()).intact
    newest = one_value(app, "SELECT max(log_seq) FROM finding_events")
    sql(app, "DELETE FROM findings WHERE finding_key = 'BP-RETURNS:RX3'")
    sql(app, "DELETE FROM finding_events WHERE finding_key = 'BP-RETURNS:RX3'")
    sql(app, "UPDATE counters SET value = ? WHERE name = 'log'", newest - 1)
    report = verify_database(app.engine, filed_checkpoints=filed())
    assert report.checkpoint_problems, report.lines()


def test_re_analysis_decisions_contradictions_and_loading_again_still_verify(store, tmp_path):
    from click.testing import CliRunner

    from rexian.cli import main

    app, findings = store
    findings.upsert([_finding("RX2", returns=5), _finding("RX3", person="H0301")], "batch", app.clock())
    findings.decide("BP-RETURNS:RX2", "dismiss", "J01", "已核实无推诿", app.clock())
    findings.reconcile([_finding("RX1"), _finding("RX2")], "重新分析未再发现", app.clock())
    path = tmp_path / "findings.jsonl"
    path.write_text("\n".join(json.dumps(_finding(subject, returns=6)) for subject in ("RX3", "RX4")) + "\n",
                    encoding="utf-8")
    url = app.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(main, ["findings", "load", str(path), "--db", url, "--reconcile"])
    assert result.exit_code == 0, result.output
    assert one_value(app, "SELECT count(*) FROM findings") == 4
    report = verify_database(app.engine)
    assert report.intact, report.lines()


def test_the_upgrade_to_0009_signs_the_findings_and_accounts_already_there(make_app, tmp_path):
    """A database as 0008_desk6 left it, with findings (one updated, one whose history row is missing) and an
    account disabled and enabled again: `rexian upgrade` adopts them (trust on first use), the account still signs
    in, and the whole database verifies. (The findings' changes are made last, so that dropping their log numbers
    leaves the log as 0008 wrote it.)"""
    import sqlite3

    from rexian.adapters.database import migrate
    from rexian.web.auth import Accounts

    path = tmp_path / "old.db"
    app = make_app(f"sqlite:///{path}")
    accounts = Accounts(app.engine, app.settings, app.clock)
    accounts.add(app.organisation(), "J01", "supervisor-password-1")
    accounts.set_active("J01", False)
    accounts.set_active("J01", True)
    findings = FindingRepository(app.engine)
    findings.upsert([_finding(subject) for subject in ("RX1", "RX2")], "batch", app.clock())
    findings.upsert([_finding("RX1", returns=4)], "batch", app.clock())
    app.engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM finding_events WHERE finding_key = 'BP-RETURNS:RX2'")
        for index in ("ix_finding_events_log_seq", "ix_audit_log_person_action", "ix_outbox_log_seq"):
            connection.execute(f"DROP INDEX {index}")
        for table, columns in (("finding_events", ("digest", "log_seq", "mac")), ("accounts", ("state_seq",)),
                               ("checkpoints", ("finding_events_upto", "finding_events")),
                               ("outbox", ("log_seq", "outbox_seq", "mac"))):  # numbered 0013, signed 0012
            for column in columns:
                connection.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        last = connection.execute("SELECT max(log_seq) FROM (SELECT log_seq FROM events UNION ALL SELECT log_seq "
                                  "FROM org_events UNION ALL SELECT log_seq FROM supervision_events UNION ALL "
                                  "SELECT log_seq FROM audit_log)").fetchone()[0]
        connection.execute("UPDATE counters SET value = ? WHERE name = 'log'", (last,))
        connection.execute("DELETE FROM counters WHERE name = 'outbox'")
        connection.execute("UPDATE alembic_version SET version_num = '0008_desk6'")
    migrate(app.engine)
    report = verify_database(app.engine)
    assert report.intact, report.lines()
    assert one_value(app, "SELECT count(*) FROM finding_events WHERE log_seq > ?", last) == 3
    assert accounts.sign_in("J01", "supervisor-password-1")
    sql(app, "UPDATE findings SET severity = 'low' WHERE finding_key = 'BP-RETURNS:RX2'")
    assert _named(verify_database(app.engine)) == {"问题线索(BP-RETURNS:RX2)": {"projection"}}


@pytest.mark.parametrize("statement", [
    "UPDATE finding_counts SET n = 0 WHERE facet = 'status' AND value = 'new'",
    "DELETE FROM finding_counts WHERE facet = 'rule_id'",
    "INSERT INTO finding_counts (facet, value, n) VALUES ('family', 'graft', 40)",
])
def test_the_triage_counts_edited_alone_are_named(store, statement):
    """The counts the triage form and the dashboard show (`finding_counts`) are recounted from the signed findings."""
    app, _ = store
    sql(app, statement)
    report = verify_database(app.engine)
    assert {stream for stream in damaged(report)} and all(
        stream.startswith("筛选计数(") for stream in damaged(report)), report.lines()


def test_the_triage_counts_follow_every_genuine_change(store):
    app, findings = store
    findings.upsert([_finding("RX2", returns=5), _finding("RX4", person="H0301")], "batch", app.clock())
    findings.decide("BP-RETURNS:RX2", "dismiss", "J01", "已核实无推诿", app.clock())
    findings.reconcile([_finding("RX1")], "重新分析未再发现", app.clock())
    report = verify_database(app.engine)
    assert report.intact, report.lines()


@pytest.mark.parametrize("edit, named", [
    (lambda line: "这不是JSON", "不是JSON"),
    (lambda line: json.dumps({k: v for k, v in json.loads(line).items() if k != "severity"}), "缺少字段 severity"),
    (lambda line: line.replace('"BP-RETURNS"', '"XX-INVENTED"'), "没有这条规则"),
    (lambda line: line.replace('"buck_passing"', '"graft"'), "属于buck_passing"),
    (lambda line: line.replace('"medium"', '"apocalyptic"'), "严重程度无效"),
    (lambda line: line.replace('"BP-RETURNS:RX4"', '"DL-OVERDUE:RX4"'), "finding_key"),
    (lambda line: line.replace('["RX4"]', '[{"$ne": 1}]'), "ticket_ids"),
])
def test_findings_load_of_a_tampered_file_names_the_problem_and_stores_nothing(make_app, tmp_path, edit, named):
    """A file check: SQLite only (the refusal comes before the database is touched)."""
    from click.testing import CliRunner

    from rexian.cli import main

    app = make_app(f"sqlite:///{tmp_path / 'load.db'}")
    lines = [json.dumps(_finding(subject)) for subject in ("RX4", "RX5")]
    path = tmp_path / "findings.jsonl"
    path.write_text("\n".join([lines[0], edit(lines[1].replace("RX5", "RX4"))]) + "\n", encoding="utf-8")
    before = one_value(app, "SELECT count(*) FROM findings")
    url = app.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(main, ["findings", "load", str(path), "--db", url])
    assert result.exit_code == 2 and named in result.output and "第2" in result.output, result.output
    assert one_value(app, "SELECT count(*) FROM findings") == before
