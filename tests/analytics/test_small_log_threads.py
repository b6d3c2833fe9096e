"""A small log's analysis runs DuckDB on one thread; a large one keeps DuckDB's default (a thread per core)."""

from __future__ import annotations

import duckdb
import pandas as pd

from rexian.analytics import tables
from rexian.analytics.tables import from_directories, from_frames


def _events(tickets: int = 3) -> pd.DataFrame:
    return pd.DataFrame([{"ticket_id": f"T{n}", "seq": 1, "at": pd.Timestamp("2026-03-01 08:00"),
                          "action": "TicketReceived", "actor_id": "a1", "actor_unit_id": "CENTRE",
                          "target_unit_id": None, "payload": "{}", "source": "test"} for n in range(tickets)])


def _threads(data) -> int:
    return int(data.raw.execute("SELECT current_setting('threads')").fetchall()[0][0])


def _default_threads() -> int:
    return int(duckdb.connect().execute("SELECT current_setting('threads')").fetchall()[0][0])


def test_a_small_log_from_frames_is_analysed_on_one_duckdb_thread():
    assert _threads(from_frames(_events())) == 1


def test_a_small_interchange_directory_is_analysed_on_one_duckdb_thread(tmp_path):
    _events().to_csv(tmp_path / "events.csv", index=False)
    assert _threads(from_directories([tmp_path])) == 1


def test_a_log_at_the_small_log_bound_keeps_duckdbs_default_threads(monkeypatch):
    monkeypatch.setattr(tables, "SMALL_LOG_EVENTS", 3)
    assert _threads(from_frames(_events(3))) == _default_threads()
    assert _threads(from_frames(_events(2))) == 1
