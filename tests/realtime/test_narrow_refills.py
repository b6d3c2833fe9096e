"""An evaluation refills `ev` and the ticket facts with only the columns its rules read: fewer columns
computed (DuckDB's optimiser is off, so it computes every column named), the same findings."""

import duckdb
import pandas as pd
import pytest
from realtime.lives import populate

from rexian.analytics.config import load_config
from rexian.analytics.realtime import RealtimeEvaluator, _schema
from rexian.analytics.realtime_sql import columns_read, select_only


@pytest.fixture(scope="module")
def evaluator():
    return RealtimeEvaluator(load_config())


def _one_ticket(app):
    events, tickets = pd.read_sql_table("events", app.engine), pd.read_sql_table("tickets", app.engine)
    ticket_id = events.loc[events["action"] == "Dispatched", "ticket_id"].iloc[0]
    own = events[events["ticket_id"] == ticket_id]
    return own, tickets[tickets["ticket_id"] == ticket_id], pd.Timestamp(own["at"].max()).to_pydatetime()


def _filled(raw, table, column):
    return raw.execute(f'SELECT count("{column}") FROM {table}').fetchone()[0]


def test_a_dispatch_fills_only_the_columns_its_rules_read_and_a_query_first_met_later_widens_them(
        make_app, tmp_path, evaluator):
    app = make_app(f"sqlite:///{tmp_path / 'n.db'}")
    populate(app, tickets=3, seed=2)
    own, rows, as_of = _one_ticket(app)
    raw = evaluator.data.con.con
    rules = evaluator.rules_for(["Dispatched"])

    evaluator.evaluate(own.to_dict("records"), rows.to_dict("records"), as_of, only=rules)

    # Read by the dispatch's rules: filled. The analysis-time facts: nobody reads them, not computed.
    assert _filled(raw, "tk", "lead_unit_id") == 1 and _filled(raw, "ev", "action") == len(own)
    assert _filled(raw, "tk", "age_days") == 0
    narrow = {column: _filled(raw, "ev", column) for column in _schema(raw)["ev"]}
    for statement in ("clear_0", "refill_0", "clear_tk", "refill_tk"):  # the whole statements, for comparison
        raw.execute(f"EXECUTE {statement}").fetchall()
    full = {column: _filled(raw, "ev", column) for column in _schema(raw)["ev"]}
    assert _filled(raw, "tk", "age_days") == 1
    unread = sorted(column for column in full if full[column] and not narrow[column])
    assert unread  # columns the whole refill computes and this evaluation did not

    # A text rule's row query met for the first time during an evaluation (here: told directly) reading a
    # column not filled: the tables are filled again at once, with it, and so are later evaluations.
    evaluator._given = (own.to_dict("records"), rows.to_dict("records"), rules)
    evaluator._load_for(*evaluator._given[:2], as_of, rules)
    assert _filled(raw, "ev", unread[0]) == 0
    evaluator._text_query(f'SELECT "t0"."ticket_id", "t0"."{unread[0]}" FROM "ev" AS "t0"')
    evaluator._given = None
    assert _filled(raw, "ev", unread[0]) == full[unread[0]]
    evaluator.evaluate(own.to_dict("records"), rows.to_dict("records"), as_of, only=rules)
    assert _filled(raw, "ev", unread[0]) == full[unread[0]]


def test_the_columns_a_query_reads_are_never_fewer_than_it_reads():
    tables = ("ev", "tk")

    assert columns_read('SELECT "t0"."seq", count(*) FROM "ev" AS "t0" JOIN "tk" AS "t1" ON "t0"."ticket_id" = '
                        '"t1"."ticket_id" GROUP BY 1', tables) == {"ev": {"seq", "ticket_id"}, "tk": {"ticket_id"}}
    assert columns_read('SELECT "t0".* FROM "ev" AS "t0"', tables) == {"ev": None}
    assert columns_read('SELECT seq FROM "ev" AS "t0" JOIN "tk" AS "t1" ON TRUE', tables) == {"ev": None, "tk": None}
    assert columns_read('SELECT list_filter("t0"."xs", x -> x > 1) FROM "ev" AS "t0"', tables) == {"ev": {"xs"}}
    assert columns_read('SELECT 1 FROM "calls"', tables) == {}


def test_a_table_building_query_narrowed_to_some_columns_drops_the_join_that_computed_only_the_others():
    raw = duckdb.connect()
    raw.execute("CREATE TABLE ev AS SELECT i % 3 AS ticket_id, i AS seq, 'x' || i AS note FROM range(9) r(i)")
    query = ('SELECT "t0"."ticket_id", "t0"."first", "t1"."notes" FROM (SELECT "e"."ticket_id", min("e"."seq") AS '
             '"first" FROM "ev" AS "e" GROUP BY 1) AS "t0" LEFT JOIN (SELECT "n"."ticket_id", count("n"."note") AS '
             '"notes" FROM "ev" AS "n" GROUP BY 1) AS "t1" ON "t0"."ticket_id" = "t1"."ticket_id" ORDER BY 1')

    names, narrowed = select_only(query, {"ticket_id", "first"}, _schema(raw))

    assert names == ["ticket_id", "first"] and "JOIN" not in narrowed.upper() and "note" not in narrowed
    assert raw.execute(narrowed).fetchall() == [row[:2] for row in raw.execute(query).fetchall()]
    assert select_only("SELECT 1 UNION SELECT 2", {"x"}, {}) is None
