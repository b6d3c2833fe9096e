"""The supervisor's desk: supervision event log and projection, outbox and webhook delivery log, and the
marking of findings the data later contradicts.

Revision ID: 0004_desk
Revises: 0004_web (0003 before merging web)
"""

import sqlalchemy as sa
from alembic import op

from rexian.adapters.migrations.shapes import event_columns

revision = "0004_desk"
down_revision = "0004_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("supervision_events", *event_columns(),
                    sa.UniqueConstraint("ticket_id", "seq", name="uq_supervision_events_stream_seq"))
    op.create_table(
        "supervision_records",
        sa.Column("stream_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("person_id", sa.String(64)),
        sa.Column("officer_id", sa.String(64)),
        sa.Column("batch", sa.String(32)),
        sa.Column("due_at", sa.DateTime),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_supervision_records_kind_status", "supervision_records", ["kind", "status"])
    op.create_index("ix_supervision_records_unit", "supervision_records", ["unit_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(240), nullable=False, unique=True),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("ref", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "webhook_cursors",
        sa.Column("endpoint", sa.String(500), primary_key=True),
        sa.Column("last_outbox_id", sa.Integer, nullable=False),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("outbox_id", sa.Integer, nullable=False),
        sa.Column("endpoint", sa.String(500), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_at", sa.DateTime, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("delivered_at", sa.DateTime),
        sa.UniqueConstraint("outbox_id", "endpoint", name="uq_webhook_deliveries_outbox_endpoint"),
    )
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_at"])
    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("delivery_id", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("millis", sa.Integer),
    )
    op.create_index("ix_webhook_attempts_delivery", "webhook_attempts", ["delivery_id"])
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("contradicted_at", sa.DateTime))
        batch.add_column(sa.Column("contradiction", sa.Text))
    op.create_index("ix_findings_family", "findings", ["family"])
    op.create_index("ix_findings_person", "findings", ["person_id"])
    op.create_index("ix_findings_detected", "findings", ["detected_at"])


def downgrade() -> None:
    op.drop_index("ix_findings_detected", "findings")
    op.drop_index("ix_findings_person", "findings")
    op.drop_index("ix_findings_family", "findings")
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("contradiction")
        batch.drop_column("contradicted_at")
    for name in ("webhook_attempts", "webhook_deliveries", "webhook_cursors", "outbox", "supervision_records",
                 "supervision_events"):
        op.drop_table(name)
