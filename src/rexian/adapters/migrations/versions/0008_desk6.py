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

    bind = op.get_bind()
    inspector = sa.inspect(bind)
    # A database made from the declaration of today (or re-run from an older stamp) has the column already.
    if "occurred_at" not in {column["name"] for column in inspector.get_columns("findings")}:
        with op.batch_alter_table("findings") as batch:
            batch.add_column(sa.Column("occurred_at", sa.DateTime))
    f = ft.findings.c
    last = ""
    while True:  # only the findings not filled in yet (all of them, the first time)
        rows = [dict(row._mapping) for row in bind.execute(
            sa.select(f.finding_key, f.evidence, f.detected_at).where(f.finding_key > last, f.occurred_at.is_(None))
            .order_by(f.finding_key).limit(CHUNK))]
        if not rows:
            break
        for key, at in occurred_times(bind, rows).items():
            bind.execute(sa.update(ft.findings).where(f.finding_key == key).values(occurred_at=at))
        last = rows[-1]["finding_key"]
    if ft.OCCURRED_INDEX.name not in {index["name"] for index in inspector.get_indexes("findings")}:
        ft.OCCURRED_INDEX.create(bind)


def downgrade() -> None:
    op.drop_index("ix_findings_occurred", table_name="findings")
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("occurred_at")
