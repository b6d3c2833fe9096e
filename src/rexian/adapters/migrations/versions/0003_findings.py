"""The findings store (supervision findings and their decision history) and the ticket matter indexes
used by real-time evaluation.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "findings",
        sa.Column("finding_key", sa.String(200), primary_key=True),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("family", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("ticket_ids", sa.Text, nullable=False),
        sa.Column("agent_id", sa.String(64)),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("person_id", sa.String(64)),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("detected_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(64)),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("reason", sa.Text),
    )
    op.create_index("ix_findings_rule", "findings", ["rule_id"])
    op.create_index("ix_findings_status", "findings", ["status"])
    op.create_index("ix_findings_unit", "findings", ["unit_id"])
    op.create_table(
        "finding_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("finding_key", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor_id", sa.String(64)),
        sa.Column("old_status", sa.String(16)),
        sa.Column("new_status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
    )
    op.create_index("ix_finding_events_key", "finding_events", ["finding_key"])
    op.create_index("ix_tickets_place_category", "tickets", ["place_id", "category"])
    op.create_index("ix_tickets_address_category", "tickets", ["address", "category"])


def downgrade() -> None:
    op.drop_index("ix_tickets_address_category", "tickets")
    op.drop_index("ix_tickets_place_category", "tickets")
    op.drop_table("finding_events")
    op.drop_table("findings")
