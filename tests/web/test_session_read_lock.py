"""Knowing who is signed in is a read made on every request: on SQLite it must not wait for the write lock that
an intake or an import holds (the pages of every signed-in user would stall behind it)."""

import sqlite3
import threading

from web.conftest import PASSWORD, hotline, web_app  # noqa: F401 - fixtures used below


def test_a_signed_in_request_is_recognised_while_another_connection_holds_the_write_lock(web_app, hotline):  # noqa: F811
    accounts = web_app.state.web.accounts
    token = accounts.sign_in("A01", PASSWORD)
    path = hotline.engine.url.database
    writer = sqlite3.connect(path, isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")  # a writer mid-transaction holds the lock
    writer.execute("UPDATE counters SET value = value WHERE 0")
    found: list = []
    reader = threading.Thread(target=lambda: found.append(accounts.session_person(token)), daemon=True)
    try:
        reader.start()
        reader.join(timeout=5)
        assert not reader.is_alive(), "recognising the session waited for the writer's lock"
    finally:
        writer.execute("ROLLBACK")
        reader.join()
        writer.close()
    assert found == ["A01"]
