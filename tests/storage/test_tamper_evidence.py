"""The event log is append-only and tamper-evident: the databases refuse UPDATE and DELETE on events, and
`rexian verify` names every ticket whose events were altered, deleted, inserted or reordered once someone
drops the triggers with the sqlite3 shell."""

import shutil
import subprocess

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from support.workflow_steps import handling, visit_pending

from rexian.cli import main
from rexian.service.verify import LOG, verify_database

pytestmark = pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 shell")


def test_the_database_refuses_to_update_or_delete_events(app):
    tid = handling(app)
    for statement in (f"UPDATE events SET payload = '{{}}' WHERE ticket_id = '{tid}'",
                      f"DELETE FROM events WHERE ticket_id = '{tid}'"):
        with pytest.raises(DatabaseError, match="append-only"):
            with app.engine.begin() as connection:
                connection.execute(text(statement))
    assert len(app.events(tid)) == 3


def sqlite3_shell(path, sql):
    subprocess.run(["sqlite3", str(path)], input=sql, text=True, check=True, capture_output=True)


DROP_TRIGGERS = "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;\n"


@pytest.fixture
def city(make_app, tmp_path):
    path = tmp_path / "city.db"
    app = make_app(f"sqlite:///{path}")
    tickets = [visit_pending(app) for _ in range(5)]
    app.engine.dispose()  # let the shell have the file to itself
    return path, app, tickets


def verify_cli(path):
    return CliRunner().invoke(main, ["verify", "--db", f"sqlite:///{path}"])


def test_an_intact_database_verifies_with_exit_zero(city):
    path, _, _ = city
    result = verify_cli(path)
    assert result.exit_code == 0, result.output
    assert "未发现篡改" in result.output


def test_a_changed_payload_is_named_as_altered(city):
    path, app, tickets = city
    sqlite3_shell(path, DROP_TRIGGERS + f"UPDATE events SET payload = replace(payload, '油烟', '噪音') "
                                        f"WHERE ticket_id = '{tickets[1]}' AND seq = 1;")
    result = verify_cli(path)
    assert result.exit_code == 1
    damaged = verify_database(app.engine)
    assert damaged.damaged_streams() == [tickets[1]]
    assert [(d.kind, d.seq) for d in damaged.damages] == [("altered", 1)]


def test_a_deleted_event_is_named_as_deleted(city):
    path, app, tickets = city
    sqlite3_shell(path, DROP_TRIGGERS + f"DELETE FROM events WHERE ticket_id = '{tickets[2]}' AND seq = 3;")
    report = verify_database(app.engine)
    assert report.damaged_streams() == sorted([tickets[2], LOG])  # its log number is a gap too
    assert ("deleted", 3) in [(d.kind, d.seq) for d in report.damages]
    assert tickets[2] in verify_cli(path).output


def test_deleting_the_newest_event_is_detected_through_the_ticket_head(city):
    path, app, tickets = city
    sqlite3_shell(path, DROP_TRIGGERS + f"DELETE FROM events WHERE ticket_id = '{tickets[0]}' "
                                        f"AND seq = (SELECT max(seq) FROM events WHERE ticket_id = '{tickets[0]}');")
    report = verify_database(app.engine)
    assert report.damaged_streams() == sorted([tickets[0], LOG])  # and its log number is a gap
    assert report.damages[0].kind == "deleted"


def test_swapped_sequence_numbers_are_named_as_reordered(city):
    path, app, tickets = city
    sqlite3_shell(path, DROP_TRIGGERS + f"""
        UPDATE events SET seq = -2 WHERE ticket_id = '{tickets[3]}' AND seq = 2;
        UPDATE events SET seq = 2 WHERE ticket_id = '{tickets[3]}' AND seq = 3;
        UPDATE events SET seq = 3 WHERE ticket_id = '{tickets[3]}' AND seq = -2;""")
    report = verify_database(app.engine)
    assert report.damaged_streams() == [tickets[3]]
    assert {d.kind for d in report.damages} == {"reordered"}


def test_an_inserted_event_is_named_as_inserted(city):
    path, app, tickets = city
    sqlite3_shell(path, f"""INSERT INTO events (ticket_id, seq, at, action, actor_id, actor_unit_id,
        target_unit_id, payload, source, prev_hash, hash)
        SELECT ticket_id, 99, at, 'Closed', actor_id, actor_unit_id, target_unit_id, '{{}}', source, hash, hash
        FROM events WHERE ticket_id = '{tickets[4]}' AND seq = 1;""")
    report = verify_database(app.engine)
    assert report.damaged_streams() == [tickets[4]]
    assert "inserted" in {d.kind for d in report.damages} or "deleted" in {d.kind for d in report.damages}


def test_only_the_damaged_tickets_are_named(city):
    path, app, tickets = city
    sqlite3_shell(path, DROP_TRIGGERS
                  + f"UPDATE events SET actor_id = 'H0301' WHERE ticket_id = '{tickets[0]}' AND seq = 3;"
                  + f"DELETE FROM events WHERE ticket_id = '{tickets[4]}' AND seq = 2;")
    report = verify_database(app.engine)
    assert report.damaged_streams() == sorted([tickets[0], tickets[4], LOG])  # the deleted event's log number
    output = verify_cli(path).output
    assert tickets[0] in output and tickets[4] in output and tickets[2] not in output
