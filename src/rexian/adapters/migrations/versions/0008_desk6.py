"""When a finding's matter happened (`findings.occurred_at`: the time of the latest event its evidence cites),
so that a bulletin counts findings by the month of the matter, not of the batch run that detected them
(docs/desk.md); the findings already stored are filled in here.

Revision ID: 0008_desk6
Revises: 0007_attack5
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_desk6"
down_revision = "0007_attack5"
branch_labels = None
depends_on = None

CHUNK = 5000


def upgrade() -> None:
    from rexian.adapters import findings_tables as ft
    from rexian.adapters.findings import occurred_times

    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("occurred_at", sa.DateTime))
    bind = op.get_bind()
    f = ft.findings.c
    last = ""
    while True:
        rows = [dict(row._mapping) for row in bind.execute(
            sa.select(f.finding_key, f.evidence, f.detected_at).where(f.finding_key > last)
            .order_by(f.finding_key).limit(CHUNK))]
        if not rows:
            break
        for key, at in occurred_times(bind, rows).items():
            bind.execute(sa.update(ft.findings).where(f.finding_key == key).values(occurred_at=at))
        last = rows[-1]["finding_key"]
    ft.OCCURRED_INDEX.create(bind)


def downgrade() -> None:
    op.drop_index("ix_findings_occurred", table_name="findings")
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("occurred_at")
