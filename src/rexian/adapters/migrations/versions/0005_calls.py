"""The call centre's and personnel's records in the database: calls, agent status, roster.

Revision ID: 0005_calls
Revises: 0005_perf
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_calls"
down_revision = "0005_perf"
branch_labels = None
depends_on = None


def _table(name: str, key: tuple[str, ...], *columns: sa.Column) -> None:
    op.create_table(name, sa.Column("id", sa.Integer, primary_key=True, autoincrement=True), *columns,
                    sa.Column("import_id", sa.Integer), sa.UniqueConstraint(*key, name=f"uq_{name}_key"))


def upgrade() -> None:
    _table("calls", ("call_id",),
           sa.Column("call_id", sa.String(64)), sa.Column("caller_phone", sa.Text), sa.Column("queue", sa.Text),
           sa.Column("agent_id", sa.Text), sa.Column("ring_at", sa.DateTime), sa.Column("answer_at", sa.DateTime),
           sa.Column("end_at", sa.DateTime), sa.Column("abandoned", sa.Boolean), sa.Column("ticket_id", sa.Text),
           sa.Column("direction", sa.Text))
    _table("agent_status", ("agent_id", "start_at"),
           sa.Column("agent_id", sa.String(64)), sa.Column("status", sa.Text), sa.Column("start_at", sa.DateTime),
           sa.Column("end_at", sa.DateTime))
    _table("roster", ("person_id", "unit_id", "position", "start_date"),
           sa.Column("person_id", sa.String(64)), sa.Column("name", sa.Text), sa.Column("unit_id", sa.String(64)),
           sa.Column("position", sa.String(64)), sa.Column("start_date", sa.Date), sa.Column("end_date", sa.Date))


def downgrade() -> None:
    for name in ("roster", "agent_status", "calls"):
        op.drop_table(name)
