"""The bookkeeping of import runs (`imports`, docs/importing.md): one row per run, `running` while a lease holds.

A run's liveness is a **lease**, not a guess from process ids: while it runs, a heartbeat thread renews its
`progressed_at` every tenth of `import_lease_seconds` (and every stored batch renews it too). A run whose lease has
expired — no renewal for `import_lease_seconds` by the database server's clock — is marked `interrupted` at its
last renewal, whoever ran it and wherever: a pid reused by another process, a machine that stopped, a run on
another host, all the same. A run still renewing is never marked: the mark is made in one transaction that
re-reads the lease, and a heartbeat that finds its run marked (a renewal held up past the lease) takes it back.
Times are the database server's clock in the centre's time zone (setting `timezone`), so a machine on another
zone or with a wrong clock neither kills a live run nor keeps a dead one.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from rexian.adapters import tables as t
from rexian.adapters.database import database_now

log = logging.getLogger(__name__)


def _runner() -> str:
    import os
    import socket

    return f"{socket.gethostname()[:100]}:{os.getpid()}"


RUNNER = _runner()  # who runs it: shown by `rexian import --status`, never used to judge liveness
_HEARTBEATS: dict[int, threading.Event] = {}  # import id → the stop signal of its heartbeat thread
_BATCH_RENEWED: dict[int, float] = {}  # import id → when a stored batch last renewed its lease (time.monotonic)


def lease_seconds() -> int:
    from rexian.settings import load_settings

    return max(1, int(load_settings()["import_lease_seconds"]))


def start_run(engine: Engine, source: str, inputs: list[str], mapping: str | None) -> int:
    """A new run, `running`, its lease taken and renewed by a heartbeat thread until `finish_run`; runs whose
    lease expired are marked `interrupted` first (`mark_interrupted`)."""
    mark_interrupted(engine)
    with engine.begin() as connection:
        now = database_now(connection)
        import_id = connection.execute(insert(t.imports).values(
            source=source, inputs="\n".join(inputs), mapping=mapping, started_at=now, status="running",
            runner=RUNNER, progressed_at=now)).inserted_primary_key[0]
    _start_heartbeat(engine, import_id, lease_seconds())
    return import_id


def progressed(engine: Engine, import_id: int) -> bool:
    """Renew the run's lease (the heartbeat) in a transaction of its own; see `renew`."""
    with engine.begin() as connection:
        return renew(connection, import_id)


def renew(connection: Connection, import_id: int) -> bool:
    """Renew the run's lease in the connection's transaction (a batch stored renews it in its own, so the
    writer's connection is the only one writing while batches flow: importing/store.py); a run marked
    interrupted while this process still runs it is taken back. Whether the run is this process's to renew."""
    c = t.imports.c
    done = connection.execute(update(t.imports).where(
        c.import_id == import_id, c.status.in_(("running", "interrupted")), c.runner == RUNNER)
        .values(status="running", finished_at=None, progressed_at=database_now(connection)))
    return done.rowcount == 1


def renew_with_batch(connection: Connection, import_id: int) -> bool:
    """`renew`, in a stored batch's transaction: the heartbeat then stays silent for its next beat."""
    _BATCH_RENEWED[import_id] = time.monotonic()
    return renew(connection, import_id)


def _start_heartbeat(engine: Engine, import_id: int, lease: int) -> None:
    stop = threading.Event()
    _HEARTBEATS[import_id] = stop

    def beat() -> None:
        while not stop.wait(lease / 10):
            if time.monotonic() - _BATCH_RENEWED.get(import_id, float("-inf")) < lease / 10:
                continue  # a stored batch renewed it: a write from this thread's connection would only make
                # SQLite drop the writer's page cache (importing/store.py)
            try:
                if not progressed(engine, import_id):
                    return
            except Exception as error:  # a busy database: the next beat tries again, well within the lease
                log.warning("import %s: lease not renewed (%s)", import_id, error)

    threading.Thread(target=beat, name=f"import-{import_id}-lease", daemon=True).start()


def _stop_heartbeat(import_id: int) -> None:
    stop = _HEARTBEATS.pop(import_id, None)
    _BATCH_RENEWED.pop(import_id, None)
    if stop is not None:
        stop.set()


def mark_interrupted(engine: Engine, lease: int | None = None) -> list[dict[str, Any]]:
    """Every run left `running` whose lease expired (no renewal for `lease` seconds, default the setting) marked
    `interrupted`, its `finished_at` its last renewal (a renewal dated more than a lease ahead of the database's
    clock, which no runner writes, counts as expired). Whole tickets it stored stay; running the same import again
    completes it (importing is resumable). Decided and written in one transaction, on the lease as it stands then
    (SQLite: under the write lock; PostgreSQL: the update re-checks it). The runs marked."""
    c = t.imports.c
    lease = lease or lease_seconds()
    with engine.begin() as connection:
        now = database_now(connection)
        cutoff, future = now - timedelta(seconds=lease), now + timedelta(seconds=lease)
        # A renewal is the database's own time: one in the future was written by SQL to keep a dead run `running`.
        expired = (c.status == "running") & (c.progressed_at.is_(None) | (c.progressed_at < cutoff)
                                             | (c.progressed_at > future))
        dead = [dict(row._mapping) for row in connection.execute(
            select(c.import_id, c.source, c.started_at, c.runner, c.progressed_at).where(expired))]
        for run in dead:
            run["finished_at"] = run["progressed_at"] or run["started_at"]
            connection.execute(update(t.imports).where(c.import_id == run["import_id"], expired)
                               .values(status="interrupted", finished_at=run["finished_at"]))
    return dead


def finish_run(engine: Engine, import_id: int, status: str, **counts: int) -> None:
    _stop_heartbeat(import_id)
    with engine.begin() as connection:
        connection.execute(update(t.imports).where(t.imports.c.import_id == import_id).values(
            status=status, finished_at=database_now(connection), **counts))
