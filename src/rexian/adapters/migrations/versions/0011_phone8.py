"""The held caller's phone found by an indexed key (personal_data.phone_key, adapters/personal.py): the web's
search by phone read every held row (637 ms at 1M tickets). Existing rows get their key from the server's key
file (a database migrated without its key file keeps them unkeyed: found by phone no more).

Revision ID: 0011_phone8
Revises: 0010_web8
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_phone8"
down_revision = "0010_web8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if "phone_key" not in {column["name"] for column in sa.inspect(bind).get_columns("personal_data")}:
        with op.batch_alter_table("personal_data") as batch:
            batch.add_column(sa.Column("phone_key", sa.String(32)))
        op.create_index("ix_personal_data_phone_key", "personal_data", ["phone_key"])
    from rexian.adapters.personal import fill_phone_keys

    fill_phone_keys(bind)


def downgrade() -> None:
    op.drop_index("ix_personal_data_phone_key", table_name="personal_data")
    with op.batch_alter_table("personal_data") as batch:
        batch.drop_column("phone_key")
