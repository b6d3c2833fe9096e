"""Tamper evidence (docs/trust.md): the server's MAC on every event, signed checkpoints over the log, and
callers' personal data held apart from the chained events.

Revision ID: 0004_trust
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from rexian.adapters.migrations.shapes import append_only

revision = "0004_trust"
down_revision = "0004_desk"
branch_labels = None
depends_on = None


def _adopt_existing_events(table: str) -> None:
    """Events written before this revision are adopted as they stand (trust on first use, docs/trust.md):
    signed now with the server's key, the append-only triggers lifted for this one update only."""
    keyring = op.get_context().config.attributes.get("keyring")
    bind = op.get_bind()
    rows = bind.exec_driver_sql(f"SELECT id, hash FROM {table} WHERE mac IS NULL").all()
    if keyring is None or not rows:
        return
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        bind.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    else:
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
    placeholder = "%s" if postgres else "?"
    bind.exec_driver_sql(f"UPDATE {table} SET mac = {placeholder} WHERE id = {placeholder}",
                         [(keyring.sign(row_hash), row_id) for row_id, row_hash in rows])
    if postgres:
        bind.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    else:
        bind.exec_driver_sql(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                             f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END")


def upgrade() -> None:
    for table in ("events", "org_events"):
        op.add_column(table, sa.Column("mac", sa.String(80)))
        _adopt_existing_events(table)
    op.add_column("supervision_events", sa.Column("mac", sa.String(80)))
    append_only("supervision_events")
    _adopt_existing_events("supervision_events")
    op.create_table(
        "checkpoints",
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("made_at", sa.DateTime, nullable=False),
        sa.Column("events_upto", sa.Integer, nullable=False),
        sa.Column("org_events_upto", sa.Integer, nullable=False),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("org_events", sa.Integer, nullable=False),
        sa.Column("previous_digest", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("mac", sa.String(80), nullable=False),
    )


    op.create_table(
        "personal_data",
        sa.Column("ticket_id", sa.String(64), primary_key=True),
        sa.Column("salt", sa.String(64)),
        sa.Column("data", sa.Text),
        sa.Column("held_at", sa.DateTime, nullable=False),
        sa.Column("erased_at", sa.DateTime),
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS supervision_events_append_only ON supervision_events")
        op.execute("DROP TRIGGER IF EXISTS supervision_events_no_truncate ON supervision_events")
    else:
        op.execute("DROP TRIGGER IF EXISTS supervision_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS supervision_events_no_delete")
    with op.batch_alter_table("supervision_events") as batch:
        batch.drop_column("mac")
    op.drop_table("personal_data")
    op.drop_table("checkpoints")
    for table in ("events", "org_events"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("mac")
