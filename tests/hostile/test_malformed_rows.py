"""`verify` reads every row however malformed, names every damaged ticket and keeps going: no traceback,
exit 1. Property-based fuzzing of its reading of rows."""

from __future__ import annotations

from datetime import datetime

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
