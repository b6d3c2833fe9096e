"""One global, gap-free log sequence across every event table, covered by each event's MAC (docs/trust.md), so that
events removed anywhere but the very newest tail of the whole log leave a gap `verify` names without a checkpoint.

Revision ID: 0006_trust3
Revises: 0005_trust2
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_trust3"
down_revision = "0005_trust2"
branch_labels = None
depends_on = None

TABLES = ("events", "org_events", "supervision_events")


def _adopt_existing_events() -> None:
    """Events written before this revision get their log sequence numbers in table and id order and are signed
    again over them (trust on first use, as 0004_trust). An event whose MAC did not verify before keeps it, so
    the upgrade launders nothing: `verify` still names it."""
    from rexian.adapters.keys import LOG_COUNTER, event_digest

    keyring = op.get_context().config.attributes.get("keyring")
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    placeholder = "%s" if postgres else "?"
    number = 0
    for table in TABLES:
        rows = bind.exec_driver_sql(f"SELECT id, hash, mac FROM {table} ORDER BY id").all()
        if not rows:
            continue
        if keyring is None:
            raise RuntimeError("升级到 0006_trust3 需要服务器密钥文件（key_file）以重新签名已有事件")
        updates = []
        for row_id, row_hash, mac in rows:
            number += 1
            genuine = isinstance(row_hash, str) and keyring.problem(row_hash, mac) is None
            updates.append((number, keyring.sign(event_digest(number, row_hash)) if genuine else mac, row_id))
        if postgres:
            bind.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
        bind.exec_driver_sql(f"UPDATE {table} SET log_seq = {placeholder}, mac = {placeholder} "
                             f"WHERE id = {placeholder}", updates)
        if postgres:
            bind.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            bind.exec_driver_sql(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                                 f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END")
    if number:
        bind.exec_driver_sql(f"DELETE FROM counters WHERE name = {placeholder}", (LOG_COUNTER,))
        bind.exec_driver_sql(f"INSERT INTO counters (name, value) VALUES ({placeholder}, {placeholder})",
                             (LOG_COUNTER, number))


def upgrade() -> None:
    # The log counter counts every event ever written: past 2**31 on a province's server, so 64 bits.
    with op.batch_alter_table("counters") as batch:
        batch.alter_column("value", type_=sa.BigInteger, existing_type=sa.Integer, existing_nullable=False)
    for table in TABLES:
        op.add_column(table, sa.Column("log_seq", sa.BigInteger))
    _adopt_existing_events()
    for table in TABLES:
        op.create_index(f"ix_{table}_log_seq", table, ["log_seq"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("counters") as batch:
        batch.alter_column("value", type_=sa.Integer, existing_type=sa.BigInteger, existing_nullable=False)
    for table in TABLES:
        op.drop_index(f"ix_{table}_log_seq", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("log_seq")
