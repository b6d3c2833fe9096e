"""The text rules read their few rows in real time as tuples straight from DuckDB, with no pandas frame on the
way (a frame's fixed cost was most of a text rule's), and find exactly what the batch finds with frames."""

import math

import pandas as pd
import pytest
from realtime.lives import populate
from realtime.parity import batch_findings, comparable

from rexian.analytics import realtime, rules_text
from rexian.analytics.config import load_config
from rexian.analytics.realtime import RealtimeEvaluator
from rexian.analytics.tables import frame_records

TEXT_RULES = {"PR-BOILERPLATE", "PR-OFF-TOPIC", "HA-HOSTILE", "GR-GRAFT", "EM-EMBEZZLE", "IB-BANQUET"}


def test_a_text_rule_judges_its_rows_in_real_time_without_building_a_frame(make_app, tmp_path, monkeypatch):
    app = make_app(f"sqlite:///{tmp_path / 'f.db'}")
    populate(app, tickets=16, seed=5)
    events, tickets = pd.read_sql_table("events", app.engine), pd.read_sql_table("tickets", app.engine)
    evaluator = RealtimeEvaluator(load_config())
    batch = {key: comparable(f) for key, f in batch_findings(app.engine).items() if f["rule_id"] in TEXT_RULES}

    def no_frame(*_args):
        raise AssertionError("a text rule's rows were made into a frame")

    monkeypatch.setattr(realtime, "_to_pandas", no_frame)
    found = evaluator.evaluate(events.to_dict("records"), tickets.to_dict("records"),
                               pd.Timestamp(events["at"].max()).to_pydatetime(), only=sorted(TEXT_RULES))

    assert {f.rule_id for f in found} >= {"PR-BOILERPLATE", "HA-HOSTILE", "GR-GRAFT"}
    assert {f.finding_key: comparable(f.as_dict()) for f in found} == batch


def test_the_rows_read_as_tuples_hold_the_frames_values_with_none_for_missing_text(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 't.db'}")
    populate(app, tickets=8, seed=5)
    events, tickets = pd.read_sql_table("events", app.engine), pd.read_sql_table("tickets", app.engine)
    evaluator = RealtimeEvaluator(load_config())
    evaluator.evaluate(events.to_dict("records"), tickets.to_dict("records"), pd.Timestamp(events["at"].max()))
    missing = 0

    for query in (rules_text._replies_query, rules_text._citizen_words_query):
        expr = query(evaluator.data)
        from_tuples = sorted(evaluator.data.row_queries.records(expr), key=_order)
        from_frame = sorted(frame_records(evaluator.data.con.execute(expr)), key=_order)
        assert from_tuples and len(from_tuples) == len(from_frame)
        assert from_tuples[0]._fields == from_frame[0]._fields
        for tuple_row, frame_row in zip(from_tuples, from_frame):
            for value, expected in zip(tuple_row, frame_row):
                if _missing(expected):
                    missing += 1
                    assert value is None
                else:
                    assert value == expected and type(value) is type(expected)
    assert missing  # missing texts (a ticket without a title) were compared too


def _order(row) -> tuple:
    return tuple("" if _missing(value) else str(value) for value in row)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@pytest.mark.parametrize("rows", [
    [],
    [{"ticket_id": "T1", "seq": 3, "person_id": "P1", "score": 0.5, "seqs": [3]}],
    # pandas' `first` takes each column's first present value in seq order, from whichever row holds it
    [{"ticket_id": "T2", "seq": 9, "person_id": "P9", "score": float("nan"), "seqs": [9]},
     {"ticket_id": "T1", "seq": 5, "person_id": "P5", "score": 0.7, "seqs": [5]},
     {"ticket_id": "T2", "seq": 4, "person_id": None, "score": 0.4, "seqs": [4]},
     {"ticket_id": "T2", "seq": 6, "person_id": "P6", "score": None, "seqs": []}],
])
def test_the_first_row_per_ticket_is_what_pandas_groupby_first_gives(rows):
    expected = (pd.DataFrame(rows).sort_values(["ticket_id", "seq"]).groupby("ticket_id", as_index=False).first()
                .drop(columns=["seq"]).to_dict("records")) if rows else []

    got = rules_text._first_per_ticket(rows)

    assert [list(row) for row in got] == [list(row) for row in expected]
    assert [{k: None if _missing(v) else v for k, v in row.items()} for row in got] == [
        {k: None if _missing(v) else v for k, v in row.items()} for row in expected]
