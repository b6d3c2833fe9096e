"""Writing into the database: original times and source kept, hash-chained, idempotent, resumable."""

import pytest
from sqlalchemy import func, select

from rexian.adapters import tables as t
from rexian.adapters.database import make_engine, migrate
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_database
from rexian.service.verify import verify_database

from .conftest import FLOW_HEADER, FLOW_MAPPING, FLOW_ROWS, write_csv


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


def table_rows(engine, table):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def snapshot(engine):
    with engine.connect() as connection:
        events = connection.execute(select(t.events.c.ticket_id, t.events.c.seq, t.events.c.hash)
                                    .order_by(t.events.c.ticket_id, t.events.c.seq)).all()
        tickets = connection.execute(select(t.tickets.c.ticket_id, t.tickets.c.status, t.tickets.c.head_hash)
                                     .order_by(t.tickets.c.ticket_id)).all()
    return events, tickets


def many_tickets(tmp_path, count=30):
    rows = []
    for n in range(count):
        ticket = f"T{n:03d}"
        rows += [[ticket, "03/01/2025 09:00", "受理", "a", "中心", "", "", f"市民{n}", "噪音"],
                 [ticket, "03/01/2025 10:00", "派单", "b", "中心", f"单位{n % 4}", "", f"市民{n}", "噪音"],
                 [ticket, "05/01/2025 10:00", "办结", "c", "中心", "", "", f"市民{n}", "噪音"]]
    return write_csv(tmp_path / "many.csv", FLOW_HEADER, rows)


def test_imported_events_keep_their_times_and_source_and_pass_verification(engine, flow_csv):
    report = import_to_database(engine, [flow_csv], mapping_from_dict(FLOW_MAPPING))
    assert report.tickets_added == 2 and report.events_added == table_rows(engine, t.events) == 9
    with engine.connect() as connection:
        row = connection.execute(select(t.events).where(t.events.c.ticket_id == "GD001", t.events.c.seq == 3)).one()
        ticket = connection.execute(select(t.tickets).where(t.tickets.c.ticket_id == "GD001")).one()
    assert (row.action, str(row.at), row.source) == ("ReturnApproved", "2025-01-03 11:00:00", "oldsys")
    # 环保局 handed it over sideways (转办) to 东城街道, which became the lead unit; the first receiver stays
    assert (ticket.status, ticket.first_unit_id, ticket.lead_unit_id) == ("closed", "城管局", "东城街道")
    assert verify_database(engine).intact


def test_importing_the_same_file_twice_adds_nothing_the_second_time(engine, flow_csv):
    mapping = mapping_from_dict(FLOW_MAPPING)
    import_to_database(engine, [flow_csv], mapping)
    before = snapshot(engine)
    again = import_to_database(engine, [flow_csv], mapping)
    assert (again.tickets_added, again.tickets_grown, again.tickets_unchanged, again.events_added) == (0, 0, 2, 0)
    assert snapshot(engine) == before
    with engine.connect() as connection:
        runs = connection.execute(select(t.imports.c.status, t.imports.c.events_added)
                                  .order_by(t.imports.c.import_id)).all()
    assert [tuple(run) for run in runs] == [("done", 9), ("done", 0)]


def test_a_ticket_whose_source_history_grew_gets_only_the_new_events_appended(engine, tmp_path):
    mapping = mapping_from_dict(FLOW_MAPPING)
    import_to_database(engine, [write_csv(tmp_path / "early.csv", FLOW_HEADER, FLOW_ROWS[:3])], mapping)
    report = import_to_database(engine, [write_csv(tmp_path / "later.csv", FLOW_HEADER, FLOW_ROWS)], mapping)
    assert (report.tickets_grown, report.tickets_added, report.events_added) == (1, 1, 3 + 3)
    assert verify_database(engine).intact
    with engine.connect() as connection:
        assert connection.execute(select(t.tickets.c.status, t.tickets.c.version)
                                  .where(t.tickets.c.ticket_id == "GD001")).one() == ("closed", 2)


def test_a_ticket_with_a_different_stored_history_is_rejected_not_overwritten(engine, flow_csv, tmp_path):
    mapping = mapping_from_dict(FLOW_MAPPING)
    import_to_database(engine, [flow_csv], mapping)
    before = snapshot(engine)
    changed = [list(row) for row in FLOW_ROWS]
    changed[6][1] = "05/01/2025 08:16"  # GD002's first action, one minute later
    report = import_to_database(engine, [write_csv(tmp_path / "changed.csv", FLOW_HEADER, changed)], mapping)
    assert report.tickets_conflicting == 1 and report.tickets_unchanged == 1
    assert {r.row for r in report.rejects.rejects} == {8, 9}
    assert report.rows_imported + report.rows_rejected == report.rows_in
    assert snapshot(engine) == before


def test_a_run_stopped_half_way_leaves_whole_tickets_and_a_rerun_finishes_it(engine, tmp_path, db_url):
    path = many_tickets(tmp_path)
    mapping = mapping_from_dict(FLOW_MAPPING)

    def stop_after_first_batch(number):
        if number == 2:
            raise KeyboardInterrupt  # what Ctrl-C or a kill between two batches looks like

    with pytest.raises(KeyboardInterrupt):
        import_to_database(engine, [path], mapping, batch_tickets=7, after_batch=stop_after_first_batch)
    assert table_rows(engine, t.tickets) == 14 and table_rows(engine, t.events) == 14 * 3
    assert verify_database(engine).intact
    report = import_to_database(engine, [path], mapping, batch_tickets=7)
    assert (report.tickets_unchanged, report.tickets_added) == (14, 16)
    clean = make_engine(f"sqlite:///{tmp_path / 'clean.db'}")
    migrate(clean)
    import_to_database(clean, [path], mapping)
    assert snapshot(engine) == snapshot(clean)
    with engine.connect() as connection:
        assert [r.status for r in connection.execute(select(t.imports.c.status).order_by(t.imports.c.import_id))] \
            == ["failed", "done"]


def test_a_ticket_handled_further_in_rexian_after_its_import_is_left_alone_on_reimport(engine, flow_csv):
    from datetime import datetime

    from rexian.adapters.repository import TicketRepository
    from rexian.domain.model import NewEvent

    mapping = mapping_from_dict(FLOW_MAPPING)
    import_to_database(engine, [flow_csv], mapping)
    with engine.begin() as connection:  # the centre reminds the unit about the imported ticket GD002
        repository = TicketRepository(connection)
        ticket = repository.get("GD002")
        ticket.record(NewEvent("ReminderSent", datetime(2025, 1, 6, 9), "R1", "中心", "住建局", {"note": "请尽快办理"}))
        repository.save(ticket, datetime(2025, 1, 6, 9))
    before = snapshot(engine)
    report = import_to_database(engine, [flow_csv], mapping)
    assert (report.tickets_unchanged, report.tickets_conflicting, report.rows_rejected) == (2, 0, 0)
    assert snapshot(engine) == before and verify_database(engine).intact
