"""Idempotency records numbered on the global log sequence (docs/trust.md): `idempotency.log_seq` (unique), under the
record's MAC, so that a record deleted by SQL — the client's retry would act a second time, a duplicate intake — is a
gap in the log sequence that `verify` names.

Existing records whose 0014_trust11 MAC holds take the next numbers of the log counter (in time and key order; one
that already has a number keeps it) and are signed again over them; a record whose MAC did not hold keeps it and
gets no number (the upgrade launders nothing: it stays refused and named). Needs the key file when the table has rows.

Revision ID: 0015_trust11b
Revises: 0014_trust11
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_trust11b"
down_revision = "0014_trust11"
branch_labels = None
depends_on = None

INDEX = "ix_idempotency_log_seq"


def _number_records(bind) -> None:
    from rexian.adapters import tables as t
    from rexian.adapters.bookkeeping import idempotency_digest, unnumbered_idempotency_digest
    from rexian.adapters.keys import take_log_seqs

    i = t.idempotency.c
    rows = bind.execute(sa.select(i.key, i.command, i.ticket_id, i.result, i.mac, i.log_seq)
                        .order_by(i.created_at, i.key)).all()
    if not rows:
        return
    keyring = op.get_context().config.attributes.get("keyring")
    if keyring is None:
        raise RuntimeError("升级到 0015_trust11b 需要服务器密钥文件（key_file）以为已有的幂等记录编号并签名")
    genuine = [row for row in rows
               if keyring.problem(unnumbered_idempotency_digest(row.key, row.command, row.ticket_id, row.result),
                                  row.mac) is None]
    unnumbered = [row for row in genuine if row.log_seq is None]
    first = take_log_seqs(bind, len(unnumbered)) if unnumbered else 0
    numbers = {row.key: first + offset for offset, row in enumerate(unnumbered)}
    for row in genuine:
        number = numbers.get(row.key, row.log_seq)
        bind.execute(sa.update(t.idempotency).where(i.key == row.key).values(
            log_seq=number, mac=keyring.sign(idempotency_digest(row.key, row.command, row.ticket_id, row.result,
                                                                number))))


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    if "log_seq" not in {column["name"] for column in inspector.get_columns("idempotency")}:
        op.add_column("idempotency", sa.Column("log_seq", sa.BigInteger))
    if INDEX not in {index["name"] for index in inspector.get_indexes("idempotency")}:
        op.create_index(INDEX, "idempotency", ["log_seq"], unique=True)
    _number_records(bind)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="idempotency")
    with op.batch_alter_table("idempotency") as batch:
        batch.drop_column("log_seq")
