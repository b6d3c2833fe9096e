"""Attacks between two checkpoints that the day's counter cannot see (issue 15): a whole imported ticket
deleted, and a ticket's newest events deleted with its row rewritten to match — or replayed from an older genuine
copy. The signed import manifests, each ticket row's head MAC and the global log sequence name them without any
checkpoint. Every attack runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from support.tampering import damaged, lift_triggers, sql

from rexian.adapters.log_reader import comparable
from rexian.adapters.projection import projection_of
from rexian.domain import commands as c
from rexian.domain.model import Ticket
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_database
from rexian.service.verify import LOG, verify_database
from tests.importing.conftest import FLOW_HEADER, FLOW_MAPPING, FLOW_ROWS, write_csv


@pytest.fixture
def imported(make_app, db_url, tmp_path):
    """The demo organisation with the imported flow tickets (GD001, GD002 ...)."""
    app = make_app(db_url)
    report = import_to_database(app.engine, [write_csv(tmp_path / "flow.csv", FLOW_HEADER, FLOW_ROWS)],
                                mapping_from_dict(FLOW_MAPPING))
    assert report.tickets_added >= 2
    ids = [row[0] for row in sql(app, "SELECT ticket_id FROM tickets ORDER BY ticket_id")]
    return app, ids


def _manifests_writable(app):
    """The attacker lifts the manifests' append-only triggers as well."""
    lift_triggers(app, "import_manifests")


def _truncate_and_rewrite_row(app, tid, keep):
    """Delete the ticket's events after `keep` and rewrite its row (head included) to the replay of the rest."""
    kept = app.events(tid)[:keep]
    sql(app, "DELETE FROM events WHERE ticket_id = ? AND seq > ?", tid, keep, triggers_off=True)
    row = projection_of(Ticket.replay(tid, kept), None)
    columns = [name for name in row if name not in ("ticket_id", "updated_at")]
    sql(app, f"UPDATE tickets SET {', '.join(f'{name} = ?' for name in columns)} WHERE ticket_id = ?",
        *[comparable(row[name]) for name in columns], tid)  # times as the adapter stores them


def test_an_untouched_import_verifies_with_its_manifest_and_head_signatures(imported):
    app, ids = imported
    report = verify_database(app.engine)
    assert report.intact, report.lines()
    assert sql(app, "SELECT count(*) FROM import_manifests")[0][0] >= 1
    assert all(mac for (mac,) in sql(app, "SELECT head_mac FROM tickets"))


def test_a_whole_imported_ticket_deleted_with_its_row_is_named_by_the_import_manifest(imported):
    app, ids = imported
    sql(app, "DELETE FROM events WHERE ticket_id = ?", ids[0], triggers_off=True)
    sql(app, "DELETE FROM tickets WHERE ticket_id = ?", ids[0])
    report = verify_database(app.engine)
    assert damaged(report) == {ids[0]: {"missing"}, LOG: {"deleted"}}
    assert any("整张导入工单被删除" in line for line in report.lines())


def test_an_imported_tickets_newest_events_deleted_with_its_row_rewritten_are_named(imported):
    app, ids = imported
    _truncate_and_rewrite_row(app, ids[0], 2)
    found = damaged(verify_database(app.engine))
    assert set(found) == {ids[0], LOG} and {"unsigned", "deleted"} <= found[ids[0]]


def test_a_workflow_tickets_newest_events_deleted_with_its_row_rewritten_are_named_by_its_head_mac(town):
    app, tickets = town
    _truncate_and_rewrite_row(app, tickets[0], 3)
    report = verify_database(app.engine)
    assert damaged(report) == {tickets[0]: {"unsigned"}, LOG: {"deleted"}}
    assert any("链头" in line for line in report.lines())


def test_a_head_mac_copied_from_another_ticket_is_named(town):
    app, tickets = town
    (mac,) = sql(app, "SELECT head_mac FROM tickets WHERE ticket_id = ?", tickets[1])[0]
    sql(app, "UPDATE tickets SET head_mac = ? WHERE ticket_id = ?", mac, tickets[0])
    assert damaged(verify_database(app.engine)) == {tickets[0]: {"unsigned"}}


def test_a_manifest_rewritten_to_leave_out_a_deleted_ticket_is_named(imported):
    app, ids = imported
    _manifests_writable(app)
    (tickets,) = sql(app, "SELECT tickets FROM import_manifests WHERE number = 1")[0]

    listed = json.loads(tickets)
    listed.pop(ids[0])
    sql(app, "UPDATE import_manifests SET tickets = ? WHERE number = 1", json.dumps(listed))
    sql(app, "DELETE FROM events WHERE ticket_id = ?", ids[0], triggers_off=True)
    sql(app, "DELETE FROM tickets WHERE ticket_id = ?", ids[0])
    assert "unsigned" in damaged(verify_database(app.engine))["导入清单(1)"]


def test_a_manifest_deleted_before_a_later_one_is_named(imported, tmp_path):
    app, ids = imported
    grown = write_csv(tmp_path / "more.csv", FLOW_HEADER, [[f"NEW{n}", *FLOW_ROWS[0][1:]] for n in range(2)])
    import_to_database(app.engine, [grown], mapping_from_dict(FLOW_MAPPING))
    assert sql(app, "SELECT count(*) FROM import_manifests")[0][0] == 2
    _manifests_writable(app)
    sql(app, "DELETE FROM import_manifests WHERE number = 1")
    assert "deleted" in damaged(verify_database(app.engine))["导入清单(2)"]


def test_the_manifests_are_append_only(imported):
    app, _ = imported
    with pytest.raises(Exception, match="append-only"):
        sql(app, "DELETE FROM import_manifests")


def _ticket_row(app, tid) -> dict:
    with app.engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT * FROM tickets WHERE ticket_id = " + ("%s" if connection.dialect.name == "postgresql" else "?"),
            (tid,)).mappings().one()
    return dict(row)


def _put_back(app, row: dict) -> None:
    columns = [name for name in row if name != "ticket_id"]
    sql(app, f"UPDATE tickets SET {', '.join(f'{name} = ?' for name in columns)} WHERE ticket_id = ?",
        *[row[name] for name in columns], row["ticket_id"])


def test_an_older_genuine_ticket_row_replayed_with_its_events_truncated_leaves_a_log_gap(town):
    """The residual case of the head MAC: the attacker kept a copy of the ticket row (genuine MAC) from before the
    follow-up call, deletes the call's events and puts the old row back. The ticket itself then looks whole;
    the events' global log numbers, covered by their MACs, are a gap."""
    app, tickets = town
    tid = tickets[1]  # waiting for its follow-up call
    older = _ticket_row(app, tid)
    app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=False, satisfaction="unsatisfied", method="phone",
                       call_id="CALL-9"))
    app.handle(c.Visit(actor_id="V01", ticket_id=tickets[3], resolved=True, satisfaction="satisfied", method="phone",
                       call_id="CALL-10"))  # later work elsewhere: the deleted events are not the log's tail
    sql(app, "DELETE FROM events WHERE ticket_id = ? AND seq > ?", tid, older["last_seq"], triggers_off=True)
    _put_back(app, older)
    report = verify_database(app.engine)
    assert damaged(report) == {LOG: {"deleted"}}
    assert any("缺失" in line and tickets[3] in line for line in report.lines())


def test_the_same_replay_at_the_tail_of_the_log_is_named_by_the_log_counter(town):
    app, tickets = town
    tid = tickets[1]
    older = _ticket_row(app, tid)
    app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=False, satisfaction="unsatisfied", method="phone",
                       call_id="CALL-9"))
    sql(app, "DELETE FROM events WHERE ticket_id = ? AND seq > ?", tid, older["last_seq"], triggers_off=True)
    _put_back(app, older)
    report = verify_database(app.engine)
    assert damaged(report) == {LOG: {"deleted"}}
    assert any("计数器" in line for line in report.lines())


def test_the_newest_manifest_deleted_with_every_ticket_it_lists_is_named_by_the_log(imported, tmp_path):
    app, ids = imported
    more = write_csv(tmp_path / "more.csv", FLOW_HEADER, [[f"NEW{n}", *FLOW_ROWS[0][1:]] for n in range(2)])
    import_to_database(app.engine, [more], mapping_from_dict(FLOW_MAPPING))
    app.handle(c.Intake(actor_id="A01", content="井盖丢失存在安全隐患", category="0101"))  # later work
    (listed,) = sql(app, "SELECT tickets FROM import_manifests WHERE number = 2")[0]
    _manifests_writable(app)
    sql(app, "DELETE FROM import_manifests WHERE number = 2")
    for tid in json.loads(listed):
        sql(app, "DELETE FROM events WHERE ticket_id = ?", tid, triggers_off=True)
        sql(app, "DELETE FROM tickets WHERE ticket_id = ?", tid)
    assert damaged(verify_database(app.engine)) == {LOG: {"deleted"}}
