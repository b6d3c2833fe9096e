"""A real-time scope read is a read: on SQLite it must neither wait for nor hold the write lock."""

import sqlite3

from realtime.lives import populate
from support.sqlite_lock import done_while_the_write_lock_is_held

from rexian.service.supervision import SqlScope


def test_a_scope_read_completes_while_another_connection_holds_the_write_lock(make_app, tmp_path):
    path = tmp_path / "lock.db"
    app = make_app(f"sqlite:///{path}")
    tickets = populate(app, tickets=3, seed=5)
    scope = SqlScope(app.engine, keep=0)
    events, _ = done_while_the_write_lock_is_held(path, lambda: scope.load(tickets, same_matter=True), "the scope read")
    assert len(events) == sum(len(app.events(ticket_id)) for ticket_id in tickets)


def test_a_writer_is_not_refused_while_a_scope_read_is_open(make_app, tmp_path):
    path = tmp_path / "open.db"
    app = make_app(f"sqlite:///{path}")
    tickets = populate(app, tickets=2, seed=7)
    scope = SqlScope(app.engine, keep=0)
    writer = sqlite3.connect(path, isolation_level=None, timeout=0)
    took: list[str] = []
    connect = app.engine.connect

    def connect_then_try_to_write():
        connection = connect()
        execute = connection.execute

        def execute_then_write(statement, *args, **kwargs):
            result = execute(statement, *args, **kwargs)
            if not took:  # after the load's first statement, its transaction open: the writer tries
                try:
                    writer.execute("BEGIN IMMEDIATE")
                    writer.execute("ROLLBACK")
                    took.append("written")
                except sqlite3.OperationalError as error:
                    took.append(str(error))
            return result

        connection.execute = execute_then_write
        return connection

    app.engine.connect = connect_then_try_to_write
    try:
        scope.load(tickets, same_matter=False)
    finally:
        del app.engine.connect
        writer.close()
    assert took == ["written"]


class _Recorder:
    """Stands in for the evaluator: only the loop's reads are tested."""

    def __init__(self, engine):
        self.engine = engine

    def __call__(self, records):
        return []


def test_the_loops_idle_tick_completes_while_another_connection_holds_the_write_lock(make_app, tmp_path):
    from rexian.service.supervision import SupervisionLoop

    path = tmp_path / "idle.db"
    app = make_app(f"sqlite:///{path}")
    populate(app, tickets=2, seed=9)
    loop = SupervisionLoop(_Recorder(app.engine))
    loop.drain()  # judged up to the newest event: the next tick is idle
    done_while_the_write_lock_is_held(path, loop.drain, "an idle tick")
