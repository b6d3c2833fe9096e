"""The initial schema: organisation, tickets, the append-only event logs, idempotency keys, counters.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from rexian.adapters.migrations.shapes import append_only, event_columns

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _event_table(name: str) -> None:
    op.create_table(
        name, *event_columns(),
        sa.UniqueConstraint("ticket_id", "seq", name=f"uq_{name}_{'stream' if name == 'org_events' else 'ticket'}_seq"),
    )


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("unit_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("parent_id", sa.String(64)),
        sa.Column("area", sa.String(64)),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "people",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("roles", sa.Text, nullable=False),
        sa.Column("phone", sa.String(64)),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "categories",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("parent_code", sa.String(64)),
        sa.Column("handle_days", sa.Integer),
        sa.Column("urgent_hours", sa.Integer),
    )
    op.create_table(
        "catalogue",
        sa.Column("category", sa.String(64), primary_key=True),
        sa.Column("area", sa.String(64), primary_key=True),
        sa.Column("lead_unit_id", sa.String(64), nullable=False),
        sa.Column("assisting_unit_ids", sa.Text, nullable=False),
    )
    _event_table("events")
    op.create_index("ix_events_action_at", "events", ["action", "at"])
    op.create_index("ix_events_at", "events", ["at"])
    _event_table("org_events")
    op.create_table(
        "tickets",
        sa.Column("ticket_id", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("received_at", sa.DateTime),
        sa.Column("channel", sa.String(32)),
        sa.Column("category", sa.String(64)),
        sa.Column("urgency", sa.String(16)),
        sa.Column("kind", sa.String(32)),
        sa.Column("area", sa.String(64)),
        sa.Column("address", sa.Text),
        sa.Column("place_id", sa.String(64)),
        sa.Column("lon", sa.Float),
        sa.Column("lat", sa.Float),
        sa.Column("caller_id", sa.String(64)),
        sa.Column("caller_phone", sa.String(64)),
        sa.Column("title", sa.Text),
        sa.Column("content", sa.Text),
        sa.Column("first_unit_id", sa.String(64)),
        sa.Column("lead_unit_id", sa.String(64)),
        sa.Column("due_at", sa.DateTime),
        sa.Column("closed_at", sa.DateTime),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime),
    )
    op.create_index("ix_tickets_status", "tickets", ["status"])
    op.create_index("ix_tickets_lead_unit", "tickets", ["lead_unit_id"])
    op.create_index("ix_tickets_received_at", "tickets", ["received_at"])
    op.create_table(
        "idempotency",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("command", sa.String(64), nullable=False),
        sa.Column("ticket_id", sa.String(64)),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )
    if op.get_context().dialect.name == "postgresql":
        op.execute("CREATE OR REPLACE FUNCTION rexian_append_only() RETURNS trigger AS $$ BEGIN "
                   "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$ "
                   "LANGUAGE plpgsql")
    for table in ("events", "org_events"):
        append_only(table)


def downgrade() -> None:
    for table in ("counters", "idempotency", "tickets", "org_events", "events", "catalogue", "categories",
                  "people", "units"):
        op.drop_table(table)
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS rexian_append_only()")
