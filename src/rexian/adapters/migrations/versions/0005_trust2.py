"""Truncation and whole-ticket deletion without a checkpoint (docs/trust.md): a MAC of each ticket row's chain
head and event count, and signed, chained import manifests in an append-only table.

Revision ID: 0005_trust2
Revises: 0005_calls
"""

import sqlalchemy as sa
from alembic import op

from rexian.adapters.migrations.shapes import append_only

revision = "0005_trust2"
down_revision = "0005_calls"
branch_labels = None
depends_on = None


def _adopt_existing_heads() -> None:
    """Ticket rows written before this revision are adopted as they stand (trust on first use, as 0004_trust
    adopts unsigned events): their heads are signed now with the server's key."""
    from rexian.adapters.keys import head_digest

    keyring = op.get_context().config.attributes.get("keyring")
    bind = op.get_bind()
    rows = bind.exec_driver_sql("SELECT ticket_id, last_seq, head_hash FROM tickets").all()
    if keyring is None or not rows:
        return
    placeholder = "%s" if bind.dialect.name == "postgresql" else "?"
    bind.exec_driver_sql(f"UPDATE tickets SET head_mac = {placeholder} WHERE ticket_id = {placeholder}",
                         [(keyring.sign(head_digest(*row)), row[0]) for row in rows])


def upgrade() -> None:
    op.add_column("tickets", sa.Column("head_mac", sa.String(80)))
    _adopt_existing_heads()
    op.create_table(
        "import_manifests",
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("made_at", sa.DateTime, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("tickets", sa.Text, nullable=False),
        sa.Column("previous_mac", sa.String(80), nullable=False),
        sa.Column("mac", sa.String(80), nullable=False),
    )
    append_only("import_manifests")


def downgrade() -> None:
    op.drop_table("import_manifests")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("head_mac")
