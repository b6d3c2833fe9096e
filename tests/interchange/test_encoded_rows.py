"""Rows encoded elsewhere (a simulator worker) and appended in slices of any size make the same files, byte for
byte and row group for row group, as the same rows written at once."""

from datetime import datetime, timedelta

import pyarrow.parquet as pq

from rexian.adapters.interchange_files import TableWriter, encode_rows


def _events(n):
    start = datetime(2025, 3, 1, 9, 30)
    return [{"ticket_id": f"RX{k // 4:06d}", "seq": k % 4 + 1, "at": start + timedelta(minutes=k, microseconds=k),
             "action": "ProgressNoted", "actor_id": "=H01" if k == 5 else "H01", "actor_unit_id": "D01", "target_unit_id": None,
             "payload": {"note": f"=HYPERLINK(\"x{k}\")", "n": k}, "source": "rexian", "prev_hash": "0" * 64,
             "hash": f"{k:064d}"} for k in range(n)]


def test_rows_appended_in_uneven_slices_give_the_files_of_rows_written_at_once(tmp_path):
    rows = _events(30)
    with TableWriter(tmp_path / "whole", row_group=7) as writer:
        writer.write("events", rows)
    with TableWriter(tmp_path / "sliced", row_group=7) as writer:
        start = 0
        for size in (3, 10, 1, 0, 16):
            writer.append("events", encode_rows("events", rows[start:start + size], writer.formats))
            start += size
    for name in ("events.csv", "events.parquet"):
        assert (tmp_path / "sliced" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    groups = pq.ParquetFile(tmp_path / "sliced" / "events.parquet")
    assert [groups.metadata.row_group(i).num_rows for i in range(groups.num_row_groups)] == [7, 7, 7, 7, 2]
    assert ",'=H01," in (tmp_path / "sliced" / "events.csv").read_text(encoding="utf-8")


def test_a_table_appended_with_no_rows_still_gets_its_files_with_the_header(tmp_path):
    with TableWriter(tmp_path, row_group=7) as writer:
        assert writer.append("calls", encode_rows("calls", [], writer.formats)) == 0
    assert (tmp_path / "calls.csv").read_text(encoding="utf-8").startswith("call_id,")
    assert pq.read_table(tmp_path / "calls.parquet").num_rows == 0
