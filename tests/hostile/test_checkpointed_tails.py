"""The newest rows of a numbered table deleted with its counter wound back (issue 15, trust12). Nothing in the database
then shows them missing: a table's tail looks exactly like a table that stopped earlier. Before, checkpoints digested
the event tables, the audit records, the findings' changes and the outbox only, so the newest idempotency record or
call-centre record could go unnamed for ever; now a checkpoint digests those tables too, and a filed one names the
deletion. What stays unprotected is the window after the newest checkpoint (asserted here too, so nobody believes
otherwise). On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from support.tampering import sql

from rexian.adapters.record_store import store_records
from rexian.domain import commands as c
from rexian.service.checkpoints import export_checkpoints, make_checkpoint
from rexian.service.verify import verify_database

from .test_call_records_tampered import NAMES, RECORDS

LAMP = dict(actor_id="A01", content="路灯不亮已经一周了没人修", category="0101")
NEWEST = {"calls": "call_id = 'C3'", "agent_status": "status = '小休'", "roster": "person_id = 'P3'"}


def _file(app, tmp_path):
    make_checkpoint(app.engine, datetime(2026, 3, 5, 12))
    export_checkpoints(app.engine, tmp_path / "filed")
    return lambda: (tmp_path / "filed").glob("*.json")


def _named_by_checkpoint(report, name: str) -> bool:
    return any(name in problem.detail for problem in report.checkpoint_problems)


@pytest.fixture
def imported(app):
    with app.engine.begin() as connection:
        for table, rows in RECORDS.items():
            store_records(connection, table, rows, import_id=7)
    return app


@pytest.mark.parametrize("table", list(RECORDS))
def test_the_newest_call_record_deleted_with_its_counter_wound_back_is_named_by_a_filed_checkpoint(imported, table,
                                                                                                  tmp_path):
    filed = _file(imported, tmp_path)
    assert verify_database(imported.engine, filed_checkpoints=filed()).intact
    sql(imported, f"DELETE FROM {table} WHERE {NEWEST[table]}")
    sql(imported, "UPDATE counters SET value = value - 1 WHERE name = ?", f"records:{table}")
    sql(imported, "DELETE FROM checkpoints")
    assert verify_database(imported.engine).intact  # from the database alone: the tail, as before
    report = verify_database(imported.engine, filed_checkpoints=filed())
    assert _named_by_checkpoint(report, NAMES[table]), report.lines()


def test_the_newest_idempotency_record_deleted_with_the_log_counter_wound_back_is_named_by_a_filed_checkpoint(
        app, tmp_path):
    """The residual trust11b left: the record is the newest entry of the whole log, so its deletion with the log
    counter wound back by one leaves no gap. A filed checkpoint names it; the retry is answered from the intake's
    event all the same (test_idempotency_deleted.py)."""
    first = app.handle(c.Intake(**LAMP, idempotency_key="web-20"))
    filed = _file(app, tmp_path)
    sql(app, "DELETE FROM idempotency WHERE key = 'web-20'")
    sql(app, "UPDATE counters SET value = value - 1 WHERE name = 'log'")
    sql(app, "DELETE FROM checkpoints")
    assert verify_database(app.engine).intact
    report = verify_database(app.engine, filed_checkpoints=filed())
    assert _named_by_checkpoint(report, "幂等记录"), report.lines()
    assert app.handle(c.Intake(**LAMP, idempotency_key="web-20")).ticket_id == first.ticket_id


@pytest.mark.parametrize("table", list(RECORDS))
def test_a_call_record_edited_below_a_checkpoint_is_named_by_the_checkpoint_too(imported, table, tmp_path):
    filed = _file(imported, tmp_path)
    sql(imported, f"UPDATE {table} SET mac = 'k1:0' WHERE {NEWEST[table]}")
    assert _named_by_checkpoint(verify_database(imported.engine, filed_checkpoints=filed()), NAMES[table])


def test_rows_added_after_the_newest_checkpoint_are_the_unprotected_window(imported, tmp_path):
    """The documented window: a call record imported after the newest checkpoint, deleted with its counter wound back
    before the next one, is named by nothing — which is why checkpoints are taken often (docs/trust.md)."""
    filed = _file(imported, tmp_path)
    late = [{**RECORDS["calls"][0], "call_id": "C4"}]
    with imported.engine.begin() as connection:
        store_records(connection, "calls", late, import_id=8)
    sql(imported, "DELETE FROM calls WHERE call_id = 'C4'")
    sql(imported, "UPDATE counters SET value = value - 1 WHERE name = 'records:calls'")
    assert verify_database(imported.engine, filed_checkpoints=filed()).intact


def test_a_checkpoint_taken_before_0018_still_verifies_and_the_next_digests_the_new_tables_from_their_start(
        imported, tmp_path, monkeypatch):
    """A checkpoint from before the upgrade carries no bound for the idempotency and call-centre tables (absent from
    its signed document): it still verifies, and the next one digests those tables from their first row."""
    from rexian.service import checkpoints

    new = ("idempotency", *RECORDS)
    with monkeypatch.context() as old_code:  # the checkpoint code as it was before 0018_trust12
        later = tuple(name for name in checkpoints.LATER_TABLES if name not in new)
        old_code.setattr(checkpoints, "LATER_TABLES", later)
        old_code.setattr(checkpoints, "TABLES", ("events", "org_events", *later))
        old_code.setattr(checkpoints, "OPTIONAL", tuple(n for t in later for n in (f"{t}_upto", t)))
        first = make_checkpoint(imported.engine, datetime(2026, 3, 5, 12))
    assert "calls_upto" not in first
    assert verify_database(imported.engine).intact
    second = make_checkpoint(imported.engine, datetime(2026, 3, 5, 13))
    assert second["calls_upto"] == 3 and second["calls"] == 3 and second["roster"] == 3
    assert verify_database(imported.engine).intact
    sql(imported, f"DELETE FROM calls WHERE {NEWEST['calls']}")
    sql(imported, "UPDATE counters SET value = value - 1 WHERE name = 'records:calls'")
    assert _named_by_checkpoint(verify_database(imported.engine), "话单")
