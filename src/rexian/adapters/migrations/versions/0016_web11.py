"""An API token's last use (`api_tokens.last_used_at`), shown on the token page (web/tokens.py) so an administrator
can tell a live integration from a forgotten token before revoking it. Rows issued before keep NULL (never seen
used). No key needed: the column is not under the token's MAC (it changes at use, as `revoked_at` does).

Revision ID: 0016_web11
Revises: 0015_trust11b
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_web11"
down_revision = "0015_trust11b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    present = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("api_tokens")}
    if "last_used_at" not in present:
        op.add_column("api_tokens", sa.Column("last_used_at", sa.DateTime))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("last_used_at")
