"""The audit log numbered on the global log sequence and signed (adapters/audit.py), checkpoints that also
digest the desk's events and the audit records, and the sign-in material signed (adapters/credentials.py):
docs/trust.md.

Revision ID: 0007_attack5
Revises: 0006_desk3
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_attack5"
down_revision = "0006_desk3"
branch_labels = None
depends_on = None

CHECKPOINT_COLUMNS = ("supervision_events_upto", "supervision_events", "audit_log_upto", "audit_log")


def _adopt_existing_audit() -> None:
    """Audit records written before this revision get the next numbers of the log sequence, in id order, and
    are signed over them (trust on first use, as 0004_trust and 0006_trust3)."""
    from rexian.adapters.audit import AUDITED, audit_digest
    from rexian.adapters.keys import LOG_COUNTER

    bind = op.get_bind()
    rows = bind.exec_driver_sql(f"SELECT id, {', '.join(AUDITED)} FROM audit_log ORDER BY id").all()
    if not rows:
        return
    keyring = op.get_context().config.attributes.get("keyring")
    if keyring is None:
        raise RuntimeError("升级到 0007_attack5 需要服务器密钥文件（key_file）以签名已有的审计记录")
    placeholder = "%s" if bind.dialect.name == "postgresql" else "?"
    last = bind.exec_driver_sql(f"SELECT value FROM counters WHERE name = {placeholder}", (LOG_COUNTER,)).scalar()
    number = int(last or 0)
    updates = []
    for row_id, *values in rows:
        number += 1
        updates.append((number, keyring.sign(audit_digest(number, dict(zip(AUDITED, values)))), row_id))
    bind.exec_driver_sql(f"UPDATE audit_log SET log_seq = {placeholder}, mac = {placeholder} WHERE id = {placeholder}",
                         updates)
    bind.exec_driver_sql(f"DELETE FROM counters WHERE name = {placeholder}", (LOG_COUNTER,))
    bind.exec_driver_sql(f"INSERT INTO counters (name, value) VALUES ({placeholder}, {placeholder})",
                         (LOG_COUNTER, number))


def _sign_existing_credentials() -> None:
    """Accounts, sessions and API tokens from before this revision are signed as they stand (trust on first use)."""
    from rexian.adapters.credentials import SIGNED, credential_digest

    bind = op.get_bind()
    placeholder = "%s" if bind.dialect.name == "postgresql" else "?"
    keyring = op.get_context().config.attributes.get("keyring")
    inspector = sa.inspect(bind)
    for table, names in SIGNED.items():
        key = "person_id" if table == "accounts" else "token_hash"
        # Columns signed since a later revision (0009_trust7: the account's state) are signed again there.
        names = tuple(name for name in names if name in {column["name"] for column in inspector.get_columns(table)})
        rows = [dict(zip(names, values)) for values in bind.execute(
            sa.select(*(sa.column(name) for name in names)).select_from(sa.table(table))).all()]
        if rows and keyring is None:
            raise RuntimeError("升级到 0007_attack5 需要服务器密钥文件（key_file）以签名已有的账号与会话")
        if rows:
            bind.exec_driver_sql(f"UPDATE {table} SET mac = {placeholder} WHERE {key} = {placeholder}",
                                 [(keyring.sign(credential_digest(table, row)), row[key]) for row in rows])


def upgrade() -> None:
    # 0004_web creates `audit_log` from the declaration of today, which already has these columns and index.
    inspector = sa.inspect(op.get_bind())
    present = {column["name"] for column in inspector.get_columns("audit_log")}
    if "log_seq" not in present:
        op.add_column("audit_log", sa.Column("log_seq", sa.BigInteger))
        op.add_column("audit_log", sa.Column("mac", sa.String(80)))
    _adopt_existing_audit()
    if "ix_audit_log_log_seq" not in {index["name"] for index in inspector.get_indexes("audit_log")}:
        op.create_index("ix_audit_log_log_seq", "audit_log", ["log_seq"], unique=True)
    for table in ("accounts", "sessions", "api_tokens"):
        if "mac" not in {column["name"] for column in inspector.get_columns(table)}:
            op.add_column(table, sa.Column("mac", sa.String(80)))
    _sign_existing_credentials()
    present = {column["name"] for column in inspector.get_columns("checkpoints")}
    for name in CHECKPOINT_COLUMNS:
        if name not in present:
            op.add_column("checkpoints", sa.Column(name, sa.Integer))


def downgrade() -> None:
    op.drop_index("ix_audit_log_log_seq", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("mac")
        batch.drop_column("log_seq")
    with op.batch_alter_table("checkpoints") as batch:
        for name in CHECKPOINT_COLUMNS:
            batch.drop_column(name)
    for table in ("accounts", "sessions", "api_tokens"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("mac")
