"""An import killed half-way (issue 15, ninth round): its `imports` row stayed `running` for ever. Now a run records
who runs it (host and process id) and when it last stored a batch; a later import, or `rexian import --status`,
marks a run whose process is gone `interrupted`, at its last progress, and leaves a live one alone. Resuming is
`test_held_attacks.py`'s kill test (rerun equals a clean import). On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

from click.testing import CliRunner
from sqlalchemy import insert, select

from rexian.adapters import tables as t
from rexian.adapters.database import make_engine, migrate
from rexian.cli import main
from rexian.importing.store import RUNNER, finish_run, start_run

HOST = RUNNER.rpartition(":")[0]


def _gone_pid() -> int:
    """The process id of a process that has ended."""
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)


def _run(engine, runner: str, progressed_at: datetime) -> int:
    with engine.begin() as connection:
        return connection.execute(insert(t.imports).values(
            source="gov", inputs="/data/flow.csv", started_at=progressed_at - timedelta(minutes=5), status="running",
            runner=runner, progressed_at=progressed_at)).inserted_primary_key[0]


def _statuses(engine) -> dict[int, tuple]:
    with engine.connect() as connection:
        return {row.import_id: (row.status, row.finished_at) for row in connection.execute(select(t.imports))}


def test_a_run_whose_process_is_gone_is_marked_interrupted_at_its_last_progress_and_a_live_one_is_left(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    now = datetime.now().replace(microsecond=0)
    killed = _run(engine, f"{HOST}:{_gone_pid()}", now - timedelta(minutes=3))
    live = _run(engine, f"{HOST}:{os.getpid()}", now - timedelta(minutes=2))
    elsewhere = _run(engine, "another-machine:4242", now - timedelta(minutes=1))  # stored a batch a minute ago
    stale = _run(engine, "another-machine:4343", now - timedelta(days=2))  # silent for two days
    result = CliRunner().invoke(main, ["import", "--status", "--db", db_url])
    assert result.exit_code == 0, result.output
    statuses = _statuses(engine)
    assert statuses[killed] == ("interrupted", now - timedelta(minutes=3))
    assert statuses[stale] == ("interrupted", now - timedelta(days=2))
    assert statuses[live][0] == "running" and statuses[elsewhere][0] == "running"
    assert f"{killed}\tinterrupted" in result.output and f"{live}\trunning" in result.output
    # a later import marks them too, and records its own runner
    again = _run(engine, f"{HOST}:{_gone_pid()}", now)
    new = start_run(engine, "gov", ["/data/flow.csv"], None)
    assert _statuses(engine)[again][0] == "interrupted"
    finish_run(engine, new, "done")
    with engine.connect() as connection:
        assert connection.execute(select(t.imports.c.runner).where(t.imports.c.import_id == new)).scalar() == RUNNER
    engine.dispose()
