"""The prepared `ev` table: payloads flattened into typed columns, rows in ticket and seq order."""

from __future__ import annotations

import json

import pandas as pd

from rexian.analytics.tables import from_frames


def _events() -> pd.DataFrame:
    rows = []
    # Given out of order on purpose: tickets interleaved, seqs descending.
    for seq in (3, 2, 1):
        for ticket in ("T2", "T10", "T1"):
            payload = {"lead_unit_id": f"U{seq}", "due_at": "2026-03-0%d 12:00:00" % seq,
                       "redispatch": seq > 1, "evidence": [{"kind": "photo"}] * seq, "level": str(seq)}
            rows.append({"ticket_id": ticket, "seq": seq, "at": pd.Timestamp("2026-03-01 08:00") + pd.Timedelta(hours=seq),
                         "action": "Dispatched", "actor_id": "d1", "actor_unit_id": "CENTRE", "target_unit_id": None,
                         "payload": json.dumps(payload), "source": "test"})
    return pd.DataFrame(rows)


def test_the_event_table_is_stored_in_ticket_and_seq_order_whatever_the_order_given():
    data = from_frames(_events())
    stored = data.con.con.execute("SELECT ticket_id, seq FROM ev").fetchall()
    assert stored == sorted(stored)
    assert len(stored) == 9


def test_each_payload_key_becomes_a_typed_column_once_parsed():
    data = from_frames(_events())
    row = data.con.con.execute("SELECT lead_unit_id, due_at, redispatch, evidence_n, level, ts FROM ev "
                               "WHERE ticket_id = 'T10' AND seq = 2").fetchall()[0]
    assert row[0] == "U2"
    assert str(row[1]) == "2026-03-02 12:00:00"
    assert row[2] is True
    assert row[3] == 2
    assert row[4] == 2
    assert row[5] == int(pd.Timestamp("2026-03-01 10:00").timestamp())


def test_the_connections_insertion_order_setting_is_given_back_after_preparing():
    data = from_frames(_events())
    assert data.con.con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0] is False
