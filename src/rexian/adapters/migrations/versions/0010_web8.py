"""The administrator's days of the working calendar, over the year files (docs/calendar.md); each saved day is a
CalendarDaySaved event on the ORG chain, so `verify` replays the table like the other organisation tables.

Revision ID: 0010_web8
Revises: 0009_trust7
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_web8"
down_revision = "0009_trust7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("calendar_days"):  # a database brought back to an older revision by hand
        return
    op.create_table("calendar_days",
                    sa.Column("day", sa.String(10), primary_key=True),
                    sa.Column("kind", sa.String(16), nullable=False),
                    sa.Column("name", sa.Text, nullable=False))


def downgrade() -> None:
    op.drop_table("calendar_days")
