"""`rexian import` and `rexian export` from the command line."""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner
from sqlalchemy import func, select

from rexian.adapters import tables as t
from rexian.adapters.database import make_engine
from rexian.cli import main
from rexian.service.verify import verify_database

from .conftest import FLOW_HEADER, FLOW_MAPPING, write_csv, write_mapping

SRC = Path(__file__).resolve().parents[2] / "src"


def read_csv(path):
    with open(path, encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_import_into_a_database_prints_the_counts_and_writes_the_rejects(tmp_path, flow_csv, flow_mapping_file):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    rejects = tmp_path / "rejects.csv"
    result = CliRunner().invoke(main, ["import", "--db", db, "--mapping", str(flow_mapping_file),
                                       "--rejects", str(rejects), str(flow_csv)])
    assert result.exit_code == 0, result.output
    assert "读入 8 行：导入 8 行，拒收 0 行" in result.output and "新增工单 2" in result.output
    assert read_csv(rejects) == []


def test_import_to_a_directory_writes_interchange_files_without_a_database(tmp_path, flow_csv, flow_mapping_file):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["import", "--out", str(out), "--format", "parquet",
                                       "--mapping", str(flow_mapping_file), str(flow_csv)])
    assert result.exit_code == 0, result.output
    events = pq.read_table(out / "events.parquet").to_pylist()
    tickets = {row["ticket_id"]: row for row in pq.read_table(out / "tickets.parquet").to_pylist()}
    assert len(events) == 9 and tickets["GD001"]["status"] == "closed"
    assert tickets["GD002"]["lead_unit_id"] == "住建局" and tickets["GD002"]["caller_id"] == "市民乙"
    assert (out / "rejects.csv").exists()


def test_a_broken_mapping_file_is_refused_with_a_message(tmp_path, flow_csv):
    mapping = write_mapping(tmp_path / "bad.yaml", {**FLOW_MAPPING, "actions": {"踢皮球": "Kicked"}})
    result = CliRunner().invoke(main, ["import", "--out", str(tmp_path), "--mapping", str(mapping), str(flow_csv)])
    assert result.exit_code != 0 and "Kicked" in result.output


def test_export_writes_the_interchange_tables_and_xes_from_a_database(tmp_path, flow_csv, flow_mapping_file):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    runner = CliRunner()
    runner.invoke(main, ["import", "--db", db, "--mapping", str(flow_mapping_file),
                         "--rejects", str(tmp_path / "r.csv"), str(flow_csv)])
    result = runner.invoke(main, ["export", "--db", db, "--out", str(tmp_path / "exp"), "--xes"])
    assert result.exit_code == 0, result.output
    events = read_csv(tmp_path / "exp" / "events.csv")
    assert len(events) == 9 and events[0]["ticket_id"] == "GD001" and events[0]["seq"] == "1"
    assert events[2]["at"] == "2025-01-03 11:00:00" and events[2]["source"] == "oldsys"
    assert (tmp_path / "exp" / "events.xes.gz").stat().st_size > 0
    # The exported files import again, unchanged, as interchange events
    mapping = write_mapping(tmp_path / "interchange.yaml", {
        "source": "rexian", "columns": {c: c for c in ("ticket_id", "at", "action", "actor_id", "actor_unit_id",
                                                        "target_unit_id", "payload", "source")}})
    again = f"sqlite:///{tmp_path / 'again.db'}"
    result = runner.invoke(main, ["import", "--db", again, "--mapping", str(mapping),
                                  "--rejects", str(tmp_path / "r2.csv"), str(tmp_path / "exp" / "events.csv")])
    assert result.exit_code == 0, result.output
    with make_engine(again).connect() as connection:
        hashes = [r.hash for r in connection.execute(select(t.events.c.hash).order_by(t.events.c.ticket_id, t.events.c.seq))]
    assert hashes == [e["hash"] for e in events]


def test_killing_an_import_midway_leaves_whole_tickets_and_running_it_again_completes(tmp_path):
    rows = []
    for n in range(6000):
        rows += [[f"K{n:05d}", "03/01/2025 09:00", "受理", "a", "中心", "", "", "x", "y"],
                 [f"K{n:05d}", "03/01/2025 10:00", "派单", "b", "中心", "U1", "", "x", "y"]]
    source = write_csv(tmp_path / "big.csv", FLOW_HEADER, rows)
    mapping = write_mapping(tmp_path / "m.yaml", FLOW_MAPPING)
    db_path = tmp_path / "k.db"
    command = [sys.executable, "-m", "rexian", "import", "--db", f"sqlite:///{db_path}", "--mapping", str(mapping),
               "--batch", "50", "--rejects", str(tmp_path / "r.csv"), str(source)]
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    engine = make_engine(f"sqlite:///{db_path}")
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        if db_path.exists():
            # A plain read-only connection: the application's engine begins IMMEDIATE (write-locking)
            # transactions on SQLite, which would hold up the import being watched.
            try:
                with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.1)) as watcher:
                    stored = watcher.execute("SELECT count(*) FROM tickets").fetchone()[0]
            except sqlite3.Error:  # not created or migrated yet
                stored = 0
            if stored >= 100:
                break
    process.send_signal(signal.SIGKILL)
    process.wait()
    with engine.connect() as connection:
        tickets = connection.execute(select(func.count()).select_from(t.tickets)).scalar_one()
        events = connection.execute(select(func.count()).select_from(t.events)).scalar_one()
    assert 0 < tickets < 6000, "the import should have been killed half-way"
    assert events == 2 * tickets and verify_database(engine).intact
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert f"新增工单 {6000 - tickets}，追加历史 0，未变 {tickets}" in finished.stdout
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(t.events)).scalar_one() == 12000
