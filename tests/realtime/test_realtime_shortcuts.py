"""The real-time shortcuts (shared row queries, remembering text port, combined statements, fewer refills)
change how fast the findings come, never which findings come."""

import json

import pandas as pd
import pytest
from realtime.lives import populate
from realtime.parity import comparable

from rexian.analytics.config import load_config
from rexian.analytics.realtime import RealtimeEvaluator, _inline_dropped, _schema
from rexian.analytics.realtime_sql import narrowed as _narrowed


@pytest.fixture(scope="module")
def fast():
    """One shortcut evaluator for the module (building one takes seconds; each evaluation refills every table)."""
    return RealtimeEvaluator(load_config())


def _log(app):
    return pd.read_sql_table("events", app.engine), pd.read_sql_table("tickets", app.engine)


def _findings(evaluator, events, tickets, as_of, only=None):
    found = evaluator.evaluate(events.to_dict("records"), tickets.to_dict("records"), as_of, only=only)
    return {f.finding_key: comparable(f.as_dict()) for f in found}


def test_the_shortcut_path_finds_exactly_what_the_earlier_path_finds_on_a_whole_workflow_log(make_app, tmp_path, fast):
    app = make_app(f"sqlite:///{tmp_path / 's.db'}")
    populate(app, tickets=16, seed=5)
    events, tickets = _log(app)
    as_of = pd.Timestamp(events["at"].max()).to_pydatetime()
    earlier = RealtimeEvaluator(load_config(), shortcuts=False)

    found = _findings(fast, events, tickets, as_of)

    assert len({f["rule_id"] for f in found.values()}) >= 8  # relational and text rules both found something
    assert found == _findings(earlier, events, tickets, as_of)


def test_each_action_gives_the_same_findings_on_both_paths_one_ticket_at_a_time(make_app, tmp_path, fast):
    app = make_app(f"sqlite:///{tmp_path / 'a.db'}")
    populate(app, tickets=8, seed=11)
    events, tickets = _log(app)
    earlier = RealtimeEvaluator(load_config(), shortcuts=False)
    compared = 0

    for ticket_id, own in events.groupby("ticket_id"):
        rows = tickets[tickets["ticket_id"] == ticket_id]
        as_of = pd.Timestamp(own["at"].max()).to_pydatetime()
        for action in own["action"].unique():
            rules = fast.rules_for([action])  # the combined statement of that action
            assert _findings(fast, own, rows, as_of, rules) == _findings(earlier, own, rows, as_of, rules)
            compared += bool(rules)

    assert compared >= 20


def test_an_intermediate_table_that_the_preparation_drops_is_read_as_a_subquery():
    statements = ["CREATE TEMP TABLE parsed AS SELECT *, 1 AS p FROM raw", "CREATE TABLE ev AS SELECT p FROM parsed "
                  "ORDER BY p", "DROP TABLE parsed", 'CREATE TABLE "tickets" AS SELECT * FROM "raw_tickets"']

    assert _inline_dropped(statements) == [
        "CREATE TABLE ev AS SELECT p FROM (SELECT *, 1 AS p FROM raw) AS parsed ORDER BY p",
        'CREATE TABLE "tickets" AS SELECT * FROM "raw_tickets"']


def _binding_ms(raw, statement, profile):
    """How long DuckDB spent binding `statement` on its last run (its own profiler, in milliseconds)."""
    raw.execute(statement).fetchall()
    return json.loads(profile.read_text())["planner"]["binding_time"] * 1000


def test_the_prepared_statements_keep_their_plans_from_one_evaluation_to_the_next(make_app, tmp_path, fast):
    app = make_app(f"sqlite:///{tmp_path / 'p.db'}")
    populate(app, tickets=2, seed=3)
    events, tickets = _log(app)
    evaluator = fast
    raw = evaluator.data.con.con
    profile = tmp_path / "profile.json"
    raw.execute("PRAGMA enable_profiling = 'json'").fetchall()
    raw.execute(f"PRAGMA profiling_output = '{profile}'").fetchall()
    combined = evaluator._combined(tuple(r for r in evaluator.rules_for(["Dispatched"]) if r in evaluator.compiled))
    kept: dict[str, list[float]] = {}

    for ticket_id, own in list(events.groupby("ticket_id"))[:3]:  # each evaluation refills every table
        as_of = pd.Timestamp(own["at"].max()).to_pydatetime()
        evaluator.evaluate(own.to_dict("records"), tickets[tickets["ticket_id"] == ticket_id].to_dict("records"), as_of)
        plan = evaluator._plan(evaluator.triggers)  # the narrowed refills of an evaluation of every rule
        statements = ("EXECUTE clear_0", "EXECUTE refill_0", "EXECUTE refill_tk", f"EXECUTE {combined}",
                      f"EXECUTE {plan.refills[0][1]}", f"EXECUTE {plan.facts}")
        for statement in statements:
            kept.setdefault(statement, []).append(_binding_ms(raw, statement, profile))
    refill_sql = evaluator.refills[0][1]
    planned = max(_binding_ms(raw, f"SELECT count(*) FROM ({refill_sql})", profile) for _ in range(3))
    raw.execute("PRAGMA disable_profiling").fetchall()

    # Binding a statement afresh takes milliseconds; a kept plan is only checked (hundredths of one).
    assert planned > 0.5
    assert all(min(times) < planned / 5 for times in kept.values()), (kept, planned)


def test_every_prepared_rule_reads_only_the_columns_it_names(fast):
    # With the optimiser off DuckDB scans every column a query binds: Ibis' `t0.*` between steps carried all
    # of ev's columns through each operator. None of the prepared statements may fall back to the stars.
    assert fast.sql
    for rule_id, sql in fast.sql.items():
        assert ".*" not in sql and "SELECT *" not in sql, rule_id
        assert '"payload"' not in sql, rule_id  # no rule reads the raw payload: it is no longer carried


def test_a_narrowed_query_gives_the_same_rows_and_a_query_sqlglot_cannot_read_is_kept_as_written():
    import duckdb

    raw = duckdb.connect()
    raw.execute("CREATE TABLE ev AS SELECT i % 3 AS ticket_id, i AS seq, 'x' || i AS note, i * 2 AS wide "
                "FROM range(10) r(i)")
    query = ('SELECT "t1"."ticket_id", max("t1"."seq") AS "last" FROM (SELECT "t0".* FROM "ev" AS "t0" '
             'WHERE "t0"."seq" > 2) AS "t1" GROUP BY 1 ORDER BY 1')
    narrowed = _narrowed(query, _schema(raw))

    assert "*" not in narrowed and "wide" not in narrowed and "note" not in narrowed
    assert raw.execute(narrowed).fetchall() == raw.execute(query).fetchall() == [(0, 9), (1, 7), (2, 8)]
    assert _narrowed("SELECT FROM WHERE", _schema(raw)) == "SELECT FROM WHERE"
