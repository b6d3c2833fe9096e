"""An import killed half-way (issue 15, ninth and tenth rounds): its `imports` row stayed `running` for ever; then
(trust9) liveness was guessed from the process id and host — a reused pid kept a dead run `running`, a run on
another host counted as dead only after 6 hours. Now a run holds a lease: a heartbeat renews `progressed_at`, a
run whose lease expired (`import_lease_seconds`, by the database's clock) is marked `interrupted` at its last
renewal whatever pid or host it names, and a run still renewing is never marked. Resuming is
`test_held_attacks.py`'s kill test (rerun equals a clean import). On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import insert, select

from rexian.adapters import tables as t
from rexian.adapters.database import make_engine, migrate
from rexian.cli import main
from rexian.importing.runs import RUNNER, database_now, finish_run, mark_interrupted, start_run


def _run(engine, runner: str, seconds_ago: int) -> int:
    """A run left `running`, its lease last renewed `seconds_ago` by the database's clock."""
    with engine.begin() as connection:
        renewed = database_now(connection) - timedelta(seconds=seconds_ago)
        return connection.execute(insert(t.imports).values(
            source="gov", inputs="/data/flow.csv", started_at=renewed - timedelta(minutes=5), status="running",
            runner=runner, progressed_at=renewed)).inserted_primary_key[0]


def _statuses(engine) -> dict[int, tuple]:
    with engine.connect() as connection:
        return {row.import_id: (row.status, row.finished_at, row.progressed_at)
                for row in connection.execute(select(t.imports))}


def test_a_run_whose_lease_expired_is_interrupted_whatever_pid_or_host_it_names(db_url, monkeypatch):
    monkeypatch.setenv("REXIAN_IMPORT_LEASE_SECONDS", "300")
    engine = make_engine(db_url)
    migrate(engine)
    reused = _run(engine, RUNNER, 600)  # names this very process (a pid reused): before, kept running for ever
    elsewhere = _run(engine, "another-machine:4242", 400)  # another host, silent 400 s: before, 6 hours
    fresh = _run(engine, "another-machine:4343", 60)  # renewed a minute ago, on whatever machine
    ahead = _run(engine, "another-machine:4444", -86_400)  # a lease dated tomorrow by SQL, to stay running
    result = CliRunner().invoke(main, ["import", "--status", "--db", db_url])
    assert result.exit_code == 0, result.output
    statuses = _statuses(engine)
    assert {statuses[run][0] for run in (reused, elsewhere, ahead)} == {"interrupted"}
    assert statuses[reused][1] == statuses[reused][2]  # finished at its last renewal
    assert statuses[fresh][0] == "running"
    assert f"{reused}\tinterrupted" in result.output and f"{fresh}\trunning" in result.output
    engine.dispose()


def test_a_live_run_keeps_renewing_its_lease_and_is_never_marked_interrupted(db_url, monkeypatch):
    monkeypatch.setenv("REXIAN_IMPORT_LEASE_SECONDS", "2")  # a heartbeat every 0.2 s
    engine = make_engine(db_url)
    migrate(engine)
    live = start_run(engine, "gov", ["/data/flow.csv"], None)  # a run that stores no batch for a while
    silent = _run(engine, "another-machine:4242", 0)
    with engine.begin() as connection:
        started = database_now(connection)
    time.sleep(3.2)  # longer than the lease
    other = make_engine(db_url)  # another process judging
    marked = [run["import_id"] for run in mark_interrupted(other)]
    assert marked == [silent]
    statuses = _statuses(engine)
    assert statuses[live][0] == "running" and statuses[live][2] > started  # renewed by its heartbeat
    # the live run wrongly marked (a renewal held up past the lease) is taken back by its next heartbeat
    with engine.begin() as connection:
        connection.execute(t.imports.update().where(t.imports.c.import_id == live).values(status="interrupted"))
    time.sleep(0.6)
    assert _statuses(engine)[live][0] == "running"
    finish_run(engine, live, "done")
    time.sleep(0.5)  # its heartbeat has stopped: nothing takes the run back or renews it
    assert _statuses(engine)[live][0] == "done"
    with engine.connect() as connection:
        assert connection.execute(select(t.imports.c.runner).where(t.imports.c.import_id == live)).scalar() == RUNNER
    other.dispose()
    engine.dispose()


def test_a_later_import_marks_expired_runs_before_starting_its_own(db_url, monkeypatch):
    monkeypatch.setenv("REXIAN_IMPORT_LEASE_SECONDS", "300")
    engine = make_engine(db_url)
    migrate(engine)
    dead = _run(engine, f"{RUNNER.rpartition(':')[0]}:{os.getpid() + 1}", 301)
    new = start_run(engine, "gov", ["/data/flow.csv"], None)
    assert _statuses(engine)[dead][0] == "interrupted"
    finish_run(engine, new, "done")
    engine.dispose()
