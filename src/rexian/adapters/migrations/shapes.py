"""Shapes the migrations share: the columns of an event log and its append-only triggers.

Frozen once released: a change here changes every migration that uses it, so a new shape is a new function.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def event_columns() -> list[sa.Column]:
    """The columns of an event log (tickets, organisation, supervision): a hash-chained stream per id."""
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("actor_id", sa.String(64)),
        sa.Column("actor_unit_id", sa.String(64)),
        sa.Column("target_unit_id", sa.String(64)),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    ]


def append_only(table: str) -> None:
    """Refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on an event table, so tampering needs deliberate
    effort (and is then named by `rexian verify`). PostgreSQL needs the function rexian_append_only (0001)."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION rexian_append_only()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION rexian_append_only()")
    else:
        for operation in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END")
