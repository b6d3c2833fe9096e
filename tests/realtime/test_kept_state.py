"""Per-ticket state kept between real-time evaluations: read once, read again only when the ticket changed,
and the same rows (so the same findings) as reading every scope from the database."""

import pandas as pd
import pyarrow as pa
from realtime.lives import populate

from rexian.analytics import rules_text
from rexian.analytics.config import load_config
from rexian.analytics.realtime import (EVENT_FRAME_COLUMNS, TICKET_FRAME_COLUMNS, RealtimeEvaluator, _ibis_to_pandas,
                                       _to_pandas, text_rows)
from rexian.domain import commands as c
from rexian.service.supervision import SqlScope


def _as_sorted(rows):
    return sorted(tuple(row) for row in rows)


class _CountingEngine:
    """The engine, counting the statements that read events."""

    def __init__(self, engine):
        self.engine, self.event_reads = engine, 0

    def connect(self):
        outer, connection = self, self.engine.connect()
        execute = connection.execute

        def counted(statement, *args, **kwargs):
            outer.event_reads += "FROM events" in str(statement)
            return execute(statement, *args, **kwargs)

        connection.execute = counted
        return connection


def test_the_kept_scope_has_the_same_rows_as_a_fresh_read_and_is_read_again_only_after_a_change(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'k.db'}")
    tickets = populate(app, tickets=6, seed=3)
    new = app.handle(c.Intake(actor_id="A01", content="东华门大街路灯坏了好几盏", category="0101")).ticket_id
    ids = set(tickets) | {new}
    counting = _CountingEngine(app.engine)
    kept, fresh = SqlScope(counting), SqlScope(app.engine, keep=0)

    first = kept.load(ids, same_matter=True)
    reads_after_first = counting.event_reads
    again = kept.load(ids, same_matter=True)

    assert counting.event_reads == reads_after_first == 1  # the second load read no event
    expected = fresh.load(ids, same_matter=True)
    assert [_as_sorted(rows) for rows in first] == [_as_sorted(rows) for rows in again] == \
        [_as_sorted(rows) for rows in expected]
    assert len(expected[0]) == sum(len(app.events(t)) for t in ids)

    app.handle(c.Dispatch(actor_id="P01", ticket_id=new, lead_unit_id="D02"))
    assert len(app.events(new)) == 2
    changed = kept.load(ids, same_matter=True)

    assert counting.event_reads == 2  # the changed ticket was read again
    assert [_as_sorted(rows) for rows in changed] == [_as_sorted(rows) for rows in fresh.load(ids, same_matter=True)]


def test_no_more_than_the_setting_s_number_of_tickets_is_kept(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'b.db'}")
    tickets = populate(app, tickets=5, seed=4)
    scope = SqlScope(app.engine, keep=2)

    for ticket_id in tickets:
        events, _ = scope.load({ticket_id}, same_matter=False)
        assert {row[EVENT_FRAME_COLUMNS.index("ticket_id")] for row in events} == {ticket_id}

    assert list(scope._kept) == tickets[-2:]  # the two used last


def test_text_rows_are_the_evaluator_s_text_form_of_mappings():
    rows = text_rows([{"ticket_id": "T1", "seq": 2, "payload": {"reply": "已处理"}, "at": pd.Timestamp("2026-01-02 03:04:05")}],
                     EVENT_FRAME_COLUMNS)

    row = dict(zip(EVENT_FRAME_COLUMNS, rows[0]))
    assert row["ticket_id"] == "T1" and row["seq"] == "2" and row["at"] == "2026-01-02 03:04:05"
    assert row["payload"] == '{"reply": "已处理"}' and row["action"] is None
    assert len(text_rows([{"ticket_id": "T1"}], TICKET_FRAME_COLUMNS)[0]) == len(TICKET_FRAME_COLUMNS)


def test_the_quick_conversion_of_the_text_rules_rows_is_ibis_own_conversion(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 't.db'}")
    populate(app, tickets=8, seed=5)
    events, tickets = pd.read_sql_table("events", app.engine), pd.read_sql_table("tickets", app.engine)
    evaluator = RealtimeEvaluator(load_config())
    evaluator.evaluate(events.to_dict("records"), tickets.to_dict("records"), pd.Timestamp(events["at"].max()))
    con = evaluator.data.con

    nulls = 0
    for query in (rules_text._replies_query, rules_text._citizen_words_query):
        expr = query(evaluator.data)
        table = con.con.sql(con.compile(expr)).to_arrow_table()
        assert table.num_rows
        nulls += sum(column.null_count for column in table.columns)
        pd.testing.assert_frame_equal(_to_pandas(table, expr), _ibis_to_pandas(table, expr))
        empty = table.slice(0, 0)
        pd.testing.assert_frame_equal(_to_pandas(empty, expr), _ibis_to_pandas(empty, expr))
    assert nulls  # missing texts are converted too
    other = pa.table({"n": pa.array([1, None], pa.int64())})  # a null whole number: Ibis' conversion
    assert _to_pandas(other, con.table("ev").select(n="seq")).equals(
        _ibis_to_pandas(other, con.table("ev").select(n="seq")))
