"""The fast path for Parquet event logs in Rexian's vocabulary: the same database, byte for byte, as the
general path, with the same guarantees (verification, idempotency, rejects)."""

import sqlite3
from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from rexian.adapters import tables as t
from rexian.adapters.database import make_engine, migrate
from rexian.domain.eventlog import GENESIS_HASH, canonical_json, chain_hash, normalise_payload
from rexian.importing.fast import FIELDS, decode_payload, encode_payload, fast_plan, seal_ticket
from rexian.importing.interchange import export_database
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_database
from rexian.service.verify import verify_database

from .conftest import FLOW_HEADER, FLOW_MAPPING, FLOW_ROWS, write_csv

INTERCHANGE = {"source": "oldsys", "columns": {name: name for name in FIELDS}}
PLAIN = {"source": "bench", "columns": {name: name for name in FIELDS if name != "source"}}


def engine_at(path):
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    return engine


def everything(engine):
    """Every stored column of events and tickets (not the row id, not the projection's write time)."""
    with engine.connect() as connection:
        events = connection.exec_driver_sql(
            "SELECT ticket_id, seq, at, action, actor_id, actor_unit_id, target_unit_id, payload, source, "
            "prev_hash, hash FROM events ORDER BY ticket_id, seq").all()
        columns = [c.name for c in t.tickets.columns if c.name != "updated_at"]
        tickets = connection.exec_driver_sql(
            f"SELECT {', '.join(columns)} FROM tickets ORDER BY ticket_id").all()
    return [tuple(r) for r in events], [tuple(r) for r in tickets]


def plain_log(path, tickets=40, extra=()):
    """A flow log in our vocabulary as other tools write it: no seq or hashes; one ticket without a
    TicketReceived, ties in time, a target unit on an action that takes none, payloads with and without
    keys of their own, Chinese text, null payloads, a time with microseconds."""
    start = datetime(2025, 3, 1, 8, 0, 0, 123456)
    cols = {name: [] for name in ("ticket_id", "at", "action", "actor_id", "actor_unit_id", "target_unit_id", "payload")}

    def add(ticket, at, action, actor, target, payload):
        for name, value in zip(cols, (ticket, at, action, actor, "中心", target, payload)):
            cols[name].append(value)

    for n in range(tickets):
        ticket, at = f"RX{n:05d}", start + timedelta(minutes=7 * n)
        if n % 5:
            add(ticket, at, "TicketReceived", "A1", None,
                '{"title":"噪音扰民","content":"夜里施工，\\"很吵\\"","lon":121.5,"lat":29.8,"category":"0102"}')
        add(ticket, at + timedelta(hours=1), "Dispatched", "D1", f"U{n % 3}", None)
        add(ticket, at + timedelta(hours=1), "SignedFor", "H1", "U9", '{"note":"已签收"}')  # a tie; no target
        add(ticket, at + timedelta(hours=2), "Dispatched", "D1", "U7",
            '{"lead_unit_id":"U7","redispatch":true,"due_at":"2025-03-09T17:00:00"}')
        add(ticket, at + timedelta(days=1), "Replied", "H1", None, '{"reply":"已处理完毕 ✓"}')
        if n % 3 == 0:
            add(ticket, at + timedelta(days=2), "Closed", "V1", None, '{"trigger":"visit"}')
    for row in extra:
        add(*row)
    pq.write_table(pa.table(cols), path)
    return path


def test_payloads_encode_to_the_domains_canonical_json_and_hashes_equal_the_domains_chain_hash():
    payload = decode_payload('{"b":[1,2.5,{"z":null,"a":true}],"a":"中文 \\u2028 \\"q\\"","n":1e20,"x":{}}')
    assert encode_payload(payload) == canonical_json(normalise_payload(payload))
    rows = [(datetime(2025, 1, 2, 3, 4, 5, 6), "Dispatched", "D1", None, "U1", {"note": "去"}, None,
             "2025-01-02T03:04:05.000006"),
            (datetime(2025, 1, 1, 9), "TicketReceived", "A1", "C", None, payload, "other",
             "2025-01-01T09:00:00.000000")]
    records = seal_ticket("RX1", rows, "oldsys")
    assert [r["action"] for r in records] == ["TicketReceived", "Dispatched"]
    prev = GENESIS_HASH
    for record in records:
        assert record["prev_hash"] == prev and record["hash"] == chain_hash(prev, record)
        assert record["payload_text"] == canonical_json(normalise_payload(record["payload"]))
        prev = record["hash"]
    assert records[1]["payload"] == {"note": "去", "lead_unit_id": "U1", "redispatch": False}


def test_the_fast_path_writes_byte_identical_event_and_ticket_rows_to_the_general_path(tmp_path):
    path = plain_log(tmp_path / "log.parquet")
    mapping = mapping_from_dict(PLAIN)
    assert fast_plan([path], mapping) is not None
    fast, general = engine_at(tmp_path / "fast.db"), engine_at(tmp_path / "general.db")
    quick = import_to_database(fast, [path], mapping, batch_tickets=7)
    slow = import_to_database(general, [path], mapping, batch_tickets=7, fast=False)
    assert everything(fast) == everything(general)
    assert len(everything(fast)[0]) == quick.events_added == slow.events_added
    assert (quick.rows_in, quick.rows_imported, quick.rows_rejected, quick.tickets, quick.tickets_added) == \
        (slow.rows_in, slow.rows_imported, slow.rows_rejected, slow.tickets, slow.tickets_added)
    assert verify_database(fast).intact


def test_an_exported_database_imports_again_through_the_fast_path_with_the_same_hashes(tmp_path):
    first = engine_at(tmp_path / "first.db")
    import_to_database(first, [write_csv(tmp_path / "flow.csv", FLOW_HEADER, FLOW_ROWS)], mapping_from_dict(FLOW_MAPPING))
    export_database(first, tmp_path / "out", "parquet")
    mapping = mapping_from_dict(INTERCHANGE)
    assert fast_plan([tmp_path / "out" / "events.parquet"], mapping) is not None
    second = engine_at(tmp_path / "second.db")
    report = import_to_database(second, [tmp_path / "out" / "events.parquet"], mapping)
    assert report.events_added == 9 and everything(second) == everything(first)
    assert verify_database(second).intact


def test_reimporting_the_same_parquet_through_the_fast_path_adds_nothing(tmp_path):
    path = plain_log(tmp_path / "log.parquet")
    engine = engine_at(tmp_path / "db.db")
    mapping = mapping_from_dict(PLAIN)
    import_to_database(engine, [path], mapping)
    before = everything(engine)
    again = import_to_database(engine, [path], mapping)
    assert (again.tickets_added, again.tickets_unchanged, again.events_added) == (0, 40, 0)
    assert everything(engine) == before


def test_a_log_of_the_workflows_own_events_imported_again_is_unchanged_and_still_cannot_be_appended_to(tmp_path):
    """What `rexian simulate --out` and `rexian export` write carries the workflow's source: running its import
    again (a resumed import) finds every ticket unchanged, not in conflict; a longer history still may not be
    appended to a ticket the workflow created."""
    path = plain_log(tmp_path / "log.parquet")
    table = pq.read_table(path)
    pq.write_table(table.append_column("source", pa.array(["rexian"] * table.num_rows)), path)
    engine = engine_at(tmp_path / "db.db")
    mapping = mapping_from_dict(INTERCHANGE)
    first = import_to_database(engine, [path], mapping)
    before = everything(engine)
    again = import_to_database(engine, [path], mapping)
    assert (first.tickets_added, again.tickets_added, again.tickets_unchanged, again.tickets_conflicting,
            again.rows_rejected) == (40, 0, 40, 0, 0)
    longer = plain_log(tmp_path / "longer.parquet", extra=[
        ("RX00001", datetime(2025, 4, 1, 8), "Closed", "V1", None, '{"trigger":"visit"}')])
    table = pq.read_table(longer)
    pq.write_table(table.append_column("source", pa.array(["rexian"] * table.num_rows)), longer)
    grown = import_to_database(engine, [longer], mapping)
    assert (grown.tickets_grown, grown.tickets_conflicting, grown.tickets_unchanged) == (0, 1, 39)
    assert everything(engine) == before


def test_a_conflicting_ticket_is_rejected_row_by_row_on_the_fast_path_as_on_the_general_one(tmp_path):
    mapping = mapping_from_dict(PLAIN)
    engines = {}
    for fast in (True, False):
        engine = engines[fast] = engine_at(tmp_path / f"{fast}.db")
        import_to_database(engine, [plain_log(tmp_path / "a.parquet", tickets=5)], mapping, fast=fast)
        changed = plain_log(tmp_path / "b.parquet", tickets=6, extra=[
            ("RX00002", datetime(2025, 3, 5), "ProgressNoted", "H1", None, '{"note":"新的一条"}')])
        table = pq.read_table(changed)
        actions = table.column("action").to_pylist()
        actions[0] = "SignedFor"  # RX00000's first row changed: its history differs from the stored one
        pq.write_table(table.set_column(2, "action", pa.array(actions)), changed)
        engines[fast, "report"] = import_to_database(engine, [changed], mapping, fast=fast)
    quick, slow = engines[True, "report"], engines[False, "report"]
    assert [(r.row, r.reason) for r in quick.rejects.rejects] == [(r.row, r.reason) for r in slow.rejects.rejects]
    assert quick.rejects.rejects and quick.tickets_conflicting == slow.tickets_conflicting == 1
    assert (quick.tickets_added, quick.tickets_grown, quick.tickets_unchanged) == \
        (slow.tickets_added, slow.tickets_grown, slow.tickets_unchanged) == (1, 1, 3)
    assert quick.rows_imported + quick.rows_rejected == quick.rows_in
    assert everything(engines[True]) == everything(engines[False])


def test_a_payload_that_is_no_json_object_hands_the_run_to_the_general_path_which_rejects_that_row(tmp_path):
    path = plain_log(tmp_path / "bad.parquet", extra=[("RX00039", datetime(2025, 3, 9), "ProgressNoted", "H1", None,
                                                        "[1, 2]")])
    mapping = mapping_from_dict(PLAIN)
    engine, general = engine_at(tmp_path / "fast.db"), engine_at(tmp_path / "general.db")
    report = import_to_database(engine, [path], mapping, batch_tickets=4)  # fast batches commit, then it stops
    slow = import_to_database(general, [path], mapping, batch_tickets=4, fast=False)
    assert (report.rejects.rejects[0].row, report.rejects.rejects[0].column) == (len(pq.read_table(path)), "payload")
    # RX00039 is left out whole: its other rows are rejected with it
    assert {r.value for r in report.rejects.rejects[1:]} == {"RX00039"}
    assert all("整件工单未导入" in r.reason for r in report.rejects.rejects[1:])
    assert (report.tickets_added, report.tickets_unchanged, report.events_added) == (39, 0, slow.events_added)
    assert everything(engine) == everything(general) and verify_database(engine).intact


def test_duplicate_rows_and_translated_words_leave_the_file_to_the_general_path(tmp_path):
    mapping = mapping_from_dict(PLAIN)
    path = plain_log(tmp_path / "dup.parquet", tickets=3, extra=[
        ("RX00001", datetime(2025, 3, 1, 9, 7, 0, 123456), "Dispatched", "D1", "U1", None)])
    assert fast_plan([path], mapping) is None
    report = import_to_database(engine_at(tmp_path / "d.db"), [path], mapping)
    assert report.rows_rejected == 1 and "重复行" in report.rejects.rejects[0].reason
    words = plain_log(tmp_path / "words.parquet", tickets=3, extra=[("RX00001", datetime(2025, 3, 4), "派单", "D1", "U1", None)])
    assert fast_plan([words], mapping) is None


def test_tampering_with_a_fast_imported_event_is_detected(tmp_path):
    engine = engine_at(tmp_path / "db.db")
    import_to_database(engine, [plain_log(tmp_path / "log.parquet")], mapping_from_dict(PLAIN))
    assert verify_database(engine).intact
    engine.dispose()
    with sqlite3.connect(tmp_path / "db.db") as connection:
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute("UPDATE events SET payload = replace(payload, '已处理', '未处理') WHERE ticket_id = 'RX00003'")
    result = verify_database(make_engine(f"sqlite:///{tmp_path / 'db.db'}"))
    assert not result.intact


@pytest.mark.parametrize("batch", [3, 500])
def test_the_general_path_stores_the_same_rows_through_the_driver_as_through_sqlalchemy_core(tmp_path, batch):
    """The store writes SQLite rows as tuples; their times read back as SQLAlchemy writes them."""
    engine = engine_at(tmp_path / "db.db")
    import_to_database(engine, [write_csv(tmp_path / "flow.csv", FLOW_HEADER, FLOW_ROWS)],
                       mapping_from_dict(FLOW_MAPPING), batch_tickets=batch)
    with engine.connect() as connection:
        row = connection.execute(select(t.events).where(t.events.c.ticket_id == "GD001", t.events.c.seq == 3)).one()
        ticket = connection.execute(select(t.tickets).where(t.tickets.c.ticket_id == "GD001")).one()
        raw = connection.exec_driver_sql("SELECT at FROM events WHERE ticket_id = 'GD001' AND seq = 3").scalar()
    assert row.at == datetime(2025, 1, 3, 11) and raw == "2025-01-03 11:00:00.000000"
    assert ticket.closed_at == datetime(2025, 1, 6, 16, 20) and ticket.version == 1


def test_sealing_turns_the_garbage_collector_off_only_while_it_runs_even_when_it_stops_half_way(tmp_path):
    import gc

    plan = fast_plan([plain_log(tmp_path / "log.parquet")], mapping_from_dict(PLAIN))
    histories = plan.sealed(batch_rows=30)
    next(histories)
    assert not gc.isenabled()  # while the histories are being sealed and stored
    histories.close()  # the store stopped half-way (an error, Ctrl-C)
    assert gc.isenabled()
    assert len(list(plan.sealed(batch_rows=30))) == 40 and gc.isenabled()
    gc.disable()
    try:
        list(plan.sealed())
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_sealing_in_small_slices_gives_the_same_histories_as_in_one(tmp_path):
    plan = fast_plan([plain_log(tmp_path / "log.parquet")], mapping_from_dict(PLAIN))
    assert list(plan.sealed(batch_rows=1)) == list(plan.sealed(batch_rows=7)) == list(plan.sealed())


def test_sealed_records_carry_the_same_times_as_the_arrow_column_microseconds_included(tmp_path):
    plan = fast_plan([plain_log(tmp_path / "log.parquet")], mapping_from_dict(PLAIN))
    times = [record["at"] for _, records in plan.sealed() for record in records
             if record["payload"] != {"synthesized": True}]  # not the TicketReceived made up for a ticket
    expected = plan.table.column("at").to_pylist()
    assert sorted(times) == sorted(expected) and all(type(at) is datetime for at in times)
    assert any(at.microsecond == 123456 for at in times)
