"""Reads must not wait for SQLite's write lock: run one while another connection holds it."""

import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable


def done_while_the_write_lock_is_held(path: str | Path, work: Callable[[], Any], what: str, seconds: float = 5) -> Any:
    """`work()`'s result, run on a thread while another connection is mid-transaction with the write lock (as an
    intake or an import is); fails with `what` when it is still waiting after `seconds`."""
    writer = sqlite3.connect(path, isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE counters SET value = value WHERE 0")
    results: list = []
    worker = threading.Thread(target=lambda: results.append(work()), daemon=True)
    try:
        worker.start()
        worker.join(timeout=seconds)
        assert not worker.is_alive(), f"{what} waited for the writer's lock"
    finally:
        writer.execute("ROLLBACK")
        worker.join()
        writer.close()
    assert results, f"{what} failed (its error is printed above)"
    return results[0]
