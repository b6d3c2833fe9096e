"""`verify` reads every row however malformed, names every damaged ticket and keeps going: no traceback,
exit 1. Property-based fuzzing of its reading of rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from support.tampering import damaged, sql

from rexian.cli import main
from rexian.domain.chain_check import check_stream, read_event_row
from rexian.service.verify import verify_database


def test_three_tickets_with_three_kinds_of_unreadable_row_are_all_named_and_the_rest_checked(make_app, tmp_path):
    from support.tampering import closed

    path = tmp_path / "town.db"
    app = make_app(f"sqlite:///{path}")
    tickets = [closed(app) for _ in range(4)]
    sql(app, "UPDATE events SET payload = 'not json {' WHERE ticket_id = ? AND seq = 2", tickets[0], triggers_off=True)
    sql(app, "UPDATE events SET at = 'yesterday-ish' WHERE ticket_id = ? AND seq = 3", tickets[1], triggers_off=True)
    sql(app, "UPDATE events SET seq = 'three' WHERE ticket_id = ? AND seq = 3", tickets[2], triggers_off=True)
    report = verify_database(app.engine)
    assert set(damaged(report)) == set(tickets[:3])
    assert all("malformed" in kinds for kinds in damaged(report).values())
    app.engine.dispose()
    result = CliRunner().invoke(main, ["verify", "--db", f"sqlite:///{path}"])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    for tid in tickets[:3]:
        assert tid in result.output
    assert "Traceback" not in result.output


def test_a_non_json_payload_is_named_on_every_backend(town):
    app, tickets = town
    sql(app, "UPDATE events SET payload = '[1, 2' WHERE ticket_id = ? AND seq = 1", tickets[2], triggers_off=True)
    found = damaged(verify_database(app.engine))
    assert set(found) == {tickets[2]} and "malformed" in found[tickets[2]]


GOOD = {"id": 1, "ticket_id": "T1", "seq": 1, "at": "2026-03-02 09:00:00.000000", "action": "TicketReceived",
        "actor_id": "A01", "actor_unit_id": "C00", "target_unit_id": None, "payload": "{}", "source": "rexian",
        "prev_hash": "0" * 64, "hash": "a" * 64, "mac": None}
ANY_VALUE = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40),
                      st.binary(max_size=20), st.datetimes(), st.lists(st.integers(), max_size=3))
PAYLOAD_TEXT = st.one_of(st.text(max_size=60), st.sampled_from(
    ['{"a":1,"a":2}', '{"a": 1}', '{"b":1,"a":2}', '[]', '"x"', '{"a":NaN}', '{"a":1e400}', '{' * 5000,
     '{"\\u00e9":1}', '{"é":1}', 'null', '{}']))


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(sorted(GOOD)), value=ANY_VALUE, payload=PAYLOAD_TEXT)
def test_reading_a_stored_row_never_raises_and_either_reads_it_or_says_why(field, value, payload):
    row = {**GOOD, field: value, "payload": payload if field != "payload" else value}
    record, problem = read_event_row(row)
    assert (record is None) != (problem is None)
    if record is not None:
        assert isinstance(record["seq"], int) and isinstance(record["at"], datetime)
        check_stream(str(row["ticket_id"]), [record])  # and the chain check takes what the reader gave


@pytest.mark.parametrize("payload", ['{"a":1,"a":2}', '{"a": 1}', '{"b":1,"a":2}', '{"\\u00e9":1}', "[]"])
def test_every_non_canonical_payload_is_refused_by_the_reader(payload):
    record, problem = read_event_row({**GOOD, "payload": payload})
    assert record is None and "载荷" in problem


COLUMNS = ("ticket_id", "seq", "at", "action", "actor_id", "actor_unit_id", "target_unit_id", "payload", "source",
           "prev_hash", "hash", "mac", "log_seq")
STORED_VALUE = st.one_of(st.none(), st.integers(min_value=-2**63, max_value=2**63 - 1), st.floats(allow_nan=False),
                         st.text(max_size=30), st.binary(max_size=12), st.sampled_from(
                             ["2026-13-45 25:00:00", '{"a":1,"a":1}', "{}", "0" * 64, "k1:00", "TicketReceived"]))


@pytest.fixture(scope="module")
def small_town(tmp_path_factory):
    """One small signed database, copied for every fuzzed example."""
    from support.tampering import closed

    from rexian.bootstrap import bootstrap
    from rexian.demo.scripted import ORG_FILE, StepClock
    from rexian.service.org_admin import apply_org_changes, read_org_file
    from rexian.settings import load_settings

    path = tmp_path_factory.mktemp("fuzz") / "town.db"
    settings = load_settings(overrides={"realtime_rules": False, "key_file": f"{path}.keys"}, environ={})
    app = bootstrap(f"sqlite:///{path}", settings=settings, clock=StepClock(datetime(2026, 3, 2, 8, 30)))
    apply_org_changes(app, None, read_org_file(ORG_FILE))
    tickets = [closed(app) for _ in range(2)]
    with app.engine.begin() as connection:
        for trigger in ("events_no_update", "events_no_delete"):
            connection.exec_driver_sql(f"DROP TRIGGER {trigger}")
    app.engine.dispose()
    return path, tickets


@settings(max_examples=40, deadline=None)
@given(column=st.sampled_from(COLUMNS), value=STORED_VALUE, row=st.integers(min_value=1, max_value=20))
def test_verify_survives_any_value_in_any_column_of_a_stored_event(small_town, tmp_path_factory, column, value, row):
    import shutil
    import sqlite3

    from rexian.adapters.database import make_engine
    from rexian.adapters.keys import KeyRing

    source, _ = small_town
    path = tmp_path_factory.mktemp("case") / "town.db"
    shutil.copy(source, path)
    with sqlite3.connect(path) as connection:
        before = connection.execute(f"SELECT {column}, ticket_id FROM events WHERE id = ?", (row,)).fetchone()
        try:
            connection.execute(f"UPDATE events SET {column} = ? WHERE id = ?", (value, row))
        except sqlite3.IntegrityError:
            return  # NOT NULL or the (ticket, seq) uniqueness refused it: nothing stored, nothing to find
    engine = make_engine(f"sqlite:///{path}")
    try:
        report = verify_database(engine, keyring=KeyRing.load(Path(f"{source}.keys")))
    finally:
        engine.dispose()
    if before is not None and before[0] != value:
        assert not report.intact and report.lines()
        if column != "ticket_id":  # the damaged ticket is named (a moved event also names its new stream)
            assert before[1] in {str(stream) for stream in damaged(report)}


def test_a_forged_sequence_number_far_ahead_is_named_without_listing_the_gap():
    from rexian.domain.eventlog import GENESIS_HASH

    record, _ = read_event_row({**GOOD, "seq": 2**62, "prev_hash": GENESIS_HASH})
    damages = check_stream("T1", [record])
    assert any(damage.kind == "deleted" and "共" in damage.detail and len(damage.detail) < 200 for damage in damages)
