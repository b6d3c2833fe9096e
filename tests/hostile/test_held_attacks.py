"""Attacks of issue 15 that already held when it was filed, kept here so they stay held, on SQLite and
PostgreSQL where the database matters: an import killed with SIGKILL half-way (rerun equals a clean import, and
the global log sequence has no gap from the killed transaction), a citizen's text carrying a script (XSS), and
an XES file with external and exponentially expanding entities (XXE, billion laughs)."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rexian.adapters import tables as t
from rexian.adapters.database import make_engine, migrate
from rexian.domain import commands as c
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import build
from rexian.service.verify import verify_database
from tests.importing.conftest import FLOW_HEADER, FLOW_MAPPING, write_csv, write_mapping

SRC = Path(__file__).resolve().parents[2] / "src"
TICKETS = 3000


def _count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.mark.slow
def test_an_import_killed_half_way_keeps_whole_tickets_and_the_rerun_completes_with_no_log_gap(tmp_path, db_url):
    rows = []
    for n in range(TICKETS):
        rows += [[f"K{n:05d}", "03/01/2025 09:00", "受理", "a", "中心", "", "", "x", "y"],
                 [f"K{n:05d}", "03/01/2025 10:00", "派单", "b", "中心", "U1", "", "x", "y"]]
    source = write_csv(tmp_path / "big.csv", FLOW_HEADER, rows)
    mapping = write_mapping(tmp_path / "m.yaml", FLOW_MAPPING)
    engine = make_engine(db_url)
    migrate(engine)
    command = [sys.executable, "-m", "rexian", "import", "--db", db_url, "--mapping", str(mapping), "--batch", "25",
               "--rejects", str(tmp_path / "r.csv"), str(source)]
    env = {**os.environ, "PYTHONPATH": str(SRC), "REXIAN_IMPORT_LEASE_SECONDS": "2"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        if db_url.startswith("postgresql") and _count(engine, t.tickets) >= 100:
            break
        if db_url.startswith("sqlite"):  # read-only, not to hold up the import being watched
            import sqlite3
            from contextlib import closing

            try:
                path = db_url.split("///", 1)[1]
                with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.1)) as watcher:
                    if watcher.execute("SELECT count(*) FROM tickets").fetchone()[0] >= 100:
                        break
            except sqlite3.Error:
                pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    tickets = _count(engine, t.tickets)
    assert 0 < tickets < TICKETS, "the import should have been killed half-way"
    assert _count(engine, t.events) == 2 * tickets
    report = verify_database(engine)
    assert report.intact, report.lines()[:5]  # the killed batch gave its log numbers back: no gap
    with engine.connect() as connection:
        killed = connection.execute(select(t.imports.c.status, t.imports.c.progressed_at)).one()
    assert killed.status == "running" and killed.progressed_at is not None
    time.sleep(2.5)  # the killed run's lease (2 s here) expires
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    assert finished.returncode == 0, finished.stderr
    assert _count(engine, t.events) == 2 * TICKETS and verify_database(engine).intact
    with engine.connect() as connection:  # the killed run marked interrupted by the rerun, at its last progress
        runs = connection.execute(select(t.imports.c.status, t.imports.c.finished_at)
                                  .order_by(t.imports.c.import_id)).all()
    assert [run.status for run in runs] == ["interrupted", "done"]
    assert runs[0].finished_at == killed.progressed_at
    engine.dispose()


def test_a_script_in_a_citizens_text_is_shown_as_text_on_the_ticket_page(make_app, db_url):
    from fastapi.testclient import TestClient

    from rexian.web.app import create_app
    from rexian.web.auth import Accounts
    from tests.web.conftest import sign_in

    app = make_app(db_url)
    hostile = '<script>window.hacked=1</script>"><img src=x onerror="window.hacked=2">'
    tid = app.handle(c.Intake(actor_id="A01", content="路灯不亮" + hostile, category="0101",
                              address=hostile, caller_name=hostile)).ticket_id
    Accounts(app.engine, app.settings, app.clock).add(app.organisation(), "A01", "secret-pass-1")
    with TestClient(create_app(app)) as client:
        assert sign_in(client, "A01", "secret-pass-1").status_code == 303
        for page in (f"/tickets/{tid}", "/tickets"):
            body = client.get(page).text
            assert "<script>window.hacked" not in body and "<img src=x" not in body, page
            assert "&lt;script&gt;window.hacked" in body, page  # shown, as text
        answer = client.get(f"/api/v1/tickets/{tid}")  # the API gives data as data, never as a page
        assert answer.headers["content-type"].startswith("application/json")
        assert answer.json()["intake"]["content"] == "路灯不亮" + hostile


XXE = """<?xml version="1.0"?>
<!DOCTYPE log [<!ENTITY secret SYSTEM "file://{secret}">]>
<log xmlns="http://www.xes-standard.org/"><trace><string key="concept:name" value="T1"/>
<event><string key="concept:name" value="&secret;"/><date key="time:timestamp" value="2025-01-03T09:00:00"/>
</event></trace></log>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE log [<!ENTITY a "aaaaaaaaaa">""" + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + """]>
<log xmlns="http://www.xes-standard.org/"><trace><string key="concept:name" value="&j;"/></trace></log>"""


@pytest.mark.parametrize("document", ["xxe", "laughs"])
def test_an_xes_file_with_hostile_entities_reads_no_file_and_expands_nothing(tmp_path, document):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    path = tmp_path / "log.xes.gz"
    text = XXE.replace("{secret}", str(secret)) if document == "xxe" else LAUGHS
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    mapping = mapping_from_dict({"source": "x", "columns": {"ticket_id": "case:concept:name",
                                                            "action": "concept:name", "at": "time:timestamp"}})
    started = time.monotonic()
    report = build([path], mapping)
    assert time.monotonic() - started < 5
    assert report.rows_in == report.rows_imported + report.rows_rejected
    assert "TOP-SECRET-CONTENT" not in repr(report.histories) and "aaaaaaaaaa" * 100 not in repr(report.histories)
    assert report.rejects.rejects or report.rejects.file_problems or not report.histories
