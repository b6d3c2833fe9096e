"""The attacker's tools: raw SQL on the database (with the append-only triggers switched off when an attack
needs UPDATE or DELETE on events), the source code, but not the server's key file."""

from __future__ import annotations

from rexian.domain import commands as c
from support.workflow_steps import visit_pending

SQLITE_TRIGGERS = ("events_no_update", "events_no_delete")


def sql(app, statement: str, *params, triggers_off: bool = False) -> list:
    """Run one statement as the attacker would, `?` placeholders on both backends."""
    with app.engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        if triggers_off:
            if postgres:
                connection.exec_driver_sql("ALTER TABLE events DISABLE TRIGGER USER")
            else:
                for trigger in SQLITE_TRIGGERS:
                    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        result = connection.exec_driver_sql(statement.replace("?", "%s") if postgres else statement, tuple(params))
        rows = result.all() if result.returns_rows else []
        if triggers_off and postgres:
            connection.exec_driver_sql("ALTER TABLE events ENABLE TRIGGER USER")
    return rows


def lift_triggers(app, table: str) -> None:
    """The attacker lifts a table's append-only triggers (UPDATE and DELETE allowed from now on)."""
    with app.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            for operation in ("update", "delete"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")


def closed(app) -> str:
    tid = visit_pending(app)
    app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=True, satisfaction="satisfied", method="phone",
                       call_id="CALL-1"))
    return tid




def damaged(report) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for damage in report.damages:
        found.setdefault(str(damage.stream), set()).add(damage.kind)
    return found


def one_value(app, statement: str, *params):
    with app.engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        return connection.exec_driver_sql(statement.replace("?", "%s") if postgres else statement,
                                          tuple(params)).scalar()

