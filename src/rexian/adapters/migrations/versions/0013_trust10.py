"""Outbox rows numbered on the global log sequence and among the outbox rows (`log_seq`, `outbox_seq` from the
counter `outbox`, under the row's MAC: adapters/desk_store.py), so a deleted row is named by `verify` and reported
by the dispatcher (docs/trust.md). Rows written before keep NULL and their MAC as it stands. No key needed.

Revision ID: 0013_trust10
Revises: 0012_trust9
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_trust10"
down_revision = "0012_trust9"
branch_labels = None
depends_on = None

ADDED = (("log_seq", sa.BigInteger), ("outbox_seq", sa.BigInteger))


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    present = {column["name"] for column in inspector.get_columns("outbox")}
    for name, kind in ADDED:
        if name not in present:
            op.add_column("outbox", sa.Column(name, kind))
    if "ix_outbox_log_seq" not in {index["name"] for index in inspector.get_indexes("outbox")}:
        op.create_index("ix_outbox_log_seq", "outbox", ["log_seq"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_outbox_log_seq", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        for name, _ in ADDED:
            batch.drop_column(name)
