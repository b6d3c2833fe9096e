"""The imported call-centre records (calls, agent status, roster) changed by SQL (issue 15, trust11c). The call-centre
rules read these rows, so one edited, inserted or deleted changes what they find — and before, `verify` said intact.
Now each row is numbered in its table and signed when written (0017_trust11c), and `verify` names the row per table.
On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from support.tampering import one_value, sql

from rexian.adapters.record_store import store_records
from rexian.service.verify import verify_database

CALLS = [dict(call_id=f"C{n}", caller_phone=f"1380000000{n}", queue="热线", agent_id="G1",
              ring_at=datetime(2026, 3, 2, 9, n), answer_at=datetime(2026, 3, 2, 9, n, 20),
              end_at=datetime(2026, 3, 2, 9, n + 1), abandoned=n == 2, ticket_id=None, direction="in")
         for n in (1, 2, 3)]
STATUS = [dict(agent_id="G1", status=status, start_at=datetime(2026, 3, 2, 8 + n), end_at=datetime(2026, 3, 2, 9 + n))
          for n, status in enumerate(("空闲", "通话", "小休"))]
ROSTER = [dict(person_id=f"P{n}", name=f"话务员{n}", unit_id="U1", position="坐席", start_date=date(2026, 1, n),
               end_date=None) for n in (1, 2, 3)]
RECORDS = {"calls": CALLS, "agent_status": STATUS, "roster": ROSTER}
# per table: an edit a rule would see, and the row it is done to (the second of three)
EDITS = {"calls": ("abandoned = ?", (False,), "call_id = 'C2'"),
         "agent_status": ("status = ?", ("空闲",), "status = '通话'"),
         "roster": ("unit_id = ?", ("U9",), "person_id = 'P2'")}
NAMES = {"calls": "话单", "agent_status": "坐席状态", "roster": "人员名册"}


@pytest.fixture
def imported(app):
    with app.engine.begin() as connection:
        for table, rows in RECORDS.items():
            store_records(connection, table, rows, import_id=7)
    return app


def _named(report, table: str) -> list:
    return [damage for damage in report.damages if damage.stream.startswith(f"{NAMES[table]}({table}")]


def test_call_records_as_imported_verify_intact(imported):
    report = verify_database(imported.engine)
    assert report.intact, report.lines()
    assert one_value(imported, "SELECT count(*) FROM calls WHERE mac IS NOT NULL AND record_seq IS NOT NULL") == 3


@pytest.mark.parametrize("table", list(RECORDS))
def test_a_call_record_edited_by_sql_is_named_by_verify(imported, table):
    assignment, values, where = EDITS[table]
    sql(imported, f"UPDATE {table} SET {assignment} WHERE {where}", *values)
    report = verify_database(imported.engine)
    named = _named(report, table)
    assert [damage.kind for damage in named] == ["unsigned"], report.lines()
    assert not any(_named(report, other) for other in RECORDS if other != table)


@pytest.mark.parametrize("table", list(RECORDS))
def test_a_call_record_deleted_by_sql_is_named_as_a_gap_in_its_table(imported, table):
    sql(imported, f"DELETE FROM {table} WHERE {EDITS[table][2]}")
    named = _named(verify_database(imported.engine), table)
    assert [damage.kind for damage in named] == ["deleted"] and "第2号记录缺失" in named[0].detail, named


@pytest.mark.parametrize("table", list(RECORDS))
def test_the_newest_call_record_deleted_is_named_by_its_tables_counter(imported, table):
    newest = one_value(imported, f"SELECT max(id) FROM {table}")
    sql(imported, f"DELETE FROM {table} WHERE id = ?", newest)
    named = _named(verify_database(imported.engine), table)
    assert [damage.kind for damage in named] == ["deleted"] and "最新的1条被删除" in named[0].detail, named


@pytest.mark.parametrize("table", list(RECORDS))
def test_a_call_record_inserted_by_sql_is_named_even_with_a_copied_mac_and_the_next_number(imported, table):
    """A forged row given a genuine row's MAC and the next free number: the MAC covers the content and number."""
    from rexian.domain import records

    columns = records.columns(table)
    copied = ", ".join("'X9'" if i == 0 else name for i, name in enumerate(columns))
    sql(imported, f"INSERT INTO {table} ({', '.join(columns)}, import_id, record_seq, mac) "
                  f"SELECT {copied}, import_id, 4, mac FROM {table} WHERE record_seq = 1")
    named = _named(verify_database(imported.engine), table)
    assert [damage.kind for damage in named] == ["unsigned"] and "X9" in named[0].stream, named


def test_a_call_records_number_moved_to_hide_a_deletion_is_named(imported):
    sql(imported, "DELETE FROM calls WHERE call_id = 'C3'")
    sql(imported, "UPDATE counters SET value = value WHERE name = 'records:calls'")
    sql(imported, "UPDATE calls SET record_seq = 3 WHERE call_id = 'C2'")
    named = _named(verify_database(imported.engine), "calls")
    assert "unsigned" in {damage.kind for damage in named}, named


def test_importing_the_same_records_again_writes_nothing_and_stays_intact(imported):
    with imported.engine.begin() as connection:
        again = store_records(connection, "calls", CALLS, import_id=8)
    assert again.inserted == 0 and again.unchanged == 3
    assert verify_database(imported.engine).intact


def test_the_upgrade_to_0016_numbers_existing_records_and_names_them_unverified_until_their_source_is_imported_again(
        imported):
    """Rows from before 0017_trust11c have no number and no MAC, and there is nothing signed to check them against.
    Before trust12 the upgrade signed them as they stood, so a row edited by SQL before the upgrade was accepted as
    genuine for ever (verify intact). Now the upgrade numbers them and marks them 「升级前未能核实」; importing the source
    file again signs every row it finds unchanged, and the row edited before the upgrade stays named."""
    from rexian.adapters.database import migrate

    for table in RECORDS:
        sql(imported, f"UPDATE {table} SET record_seq = NULL, mac = NULL")
        sql(imported, "DELETE FROM counters WHERE name = ?", f"records:{table}")
    sql(imported, "UPDATE roster SET name = '改过的名字' WHERE person_id = 'P1'")  # before the upgrade
    assert not verify_database(imported.engine).intact
    sql(imported, "UPDATE alembic_version SET version_num = '0015_trust11b'")
    imported.engine.dispose()
    migrate(imported.engine)
    report = verify_database(imported.engine)
    assert {damage.kind for damage in report.damages} == {"unverified"}, report.lines()
    assert sum(len(_named(report, table)) for table in RECORDS) == 9
    assert all("升级前未能核实" in damage.detail for damage in report.damages)
    assert one_value(imported, "SELECT value FROM counters WHERE name = 'records:calls'") == 3
    with imported.engine.begin() as connection:  # the source files imported again
        for table, rows in RECORDS.items():
            store_records(connection, table, rows, import_id=9)
    report = verify_database(imported.engine)
    assert [(damage.stream, damage.kind) for damage in report.damages] == [("人员名册(roster:P1/U1/坐席/2026-01-01)",
                                                                          "unverified")], report.lines()
    sql(imported, "DELETE FROM agent_status WHERE status = '通话'")
    assert [d.kind for d in _named(verify_database(imported.engine), "agent_status")] == ["deleted"]
