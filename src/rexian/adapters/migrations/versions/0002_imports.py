"""Bookkeeping of import runs (rexian import).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("import_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("inputs", sa.Text, nullable=False),
        sa.Column("mapping", sa.Text),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rows_in", sa.Integer),
        sa.Column("rows_imported", sa.Integer),
        sa.Column("rows_rejected", sa.Integer),
        sa.Column("tickets_added", sa.Integer),
        sa.Column("tickets_grown", sa.Integer),
        sa.Column("tickets_unchanged", sa.Integer),
        sa.Column("events_added", sa.Integer),
    )


def downgrade() -> None:
    op.drop_table("imports")
