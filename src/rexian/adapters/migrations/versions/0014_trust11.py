"""The bookkeeping beside the log signed, the outbox digested by checkpoints and numbered throughout (docs/trust.md):

- `webhook_deliveries.mac`, `webhook_cursors.mac`, `idempotency.mac` (adapters/bookkeeping.py). Since trust12 an
  existing row is signed only when it verifies against the signed log (adapters/upgrade_seal.py): an idempotency
  record whose result names events that are on the chain, signed, with those actions; a delivery still `pending` (a
  claim that only leads to a send). The rest is marked 「升级前未能核实」 instead of being signed as it stood: a
  delivery marked delivered, refused or failed, and every cursor, could have been written by SQL to keep a change
  from partners — the dispatcher sends those again and re-reads the outbox (the receiver de-duplicates on the key);
  an idempotency record that does not match the chain is refused on replay and named;
- `checkpoints.outbox_upto` / `checkpoints.outbox`: the next checkpoint digests the outbox from its start;
- outbox rows written before 0013_trust10 (no `outbox_seq`) take the next numbers of the outbox counter and of the
  log counter, in id order, and are signed again over them — only those whose MAC held (a forged row keeps its bad
  MAC and no number: the upgrade launders nothing);
- SQLite: the outbox rebuilt with AUTOINCREMENT, so the id of a deleted newest row is never handed out again (a
  reused id sat behind the dispatcher's cursor and was never sent).
Needs the key file when any of these tables has rows.

Revision ID: 0014_trust11
Revises: 0013_trust10
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_trust11"
down_revision = "0013_trust10"
branch_labels = None
depends_on = None

ADDED = {"webhook_deliveries": (("mac", sa.String(80)),), "webhook_cursors": (("mac", sa.String(80)),),
         "idempotency": (("mac", sa.String(80)),),
         "checkpoints": (("outbox_upto", sa.Integer), ("outbox", sa.Integer))}


def _keyring():
    keyring = op.get_context().config.attributes.get("keyring")
    if keyring is None:
        raise RuntimeError("升级到 0014_trust11 需要服务器密钥文件（key_file）以签名已有的推送投递、游标、幂等记录与推送记录")
    return keyring


def _number_old_outbox_rows(bind) -> None:
    from rexian.adapters import desk_tables as dt
    from rexian.adapters.desk_store import OUTBOX_COUNTER, outbox_digest, outbox_problem
    from rexian.adapters.keys import take_log_seqs
    from rexian.adapters.repository import next_counter

    o = dt.outbox.c
    rows = [dict(row._mapping) for row in bind.execute(sa.select(dt.outbox).where(o.outbox_seq.is_(None))
                                                       .order_by(o.id))]
    if not rows:
        return
    keyring = _keyring()
    rows = [row for row in rows if outbox_problem(keyring, row) is None]
    if not rows:
        return
    first_log = take_log_seqs(bind, len(rows))
    first = next_counter(bind, OUTBOX_COUNTER, len(rows)) - len(rows) + 1
    for offset, row in enumerate(rows):
        numbered = {**row, "log_seq": first_log + offset, "outbox_seq": first + offset}
        bind.execute(sa.update(dt.outbox).where(o.id == row["id"]).values(
            log_seq=numbered["log_seq"], outbox_seq=numbered["outbox_seq"], mac=keyring.sign(outbox_digest(numbered))))


def _sign_bookkeeping(bind) -> None:
    from rexian.adapters import desk_tables as dt
    from rexian.adapters import tables as t
    from rexian.adapters.bookkeeping import delivery_digest, unnumbered_idempotency_digest
    from rexian.adapters.upgrade_seal import result_on_the_chain, unverified

    d, o, c, i = dt.webhook_deliveries, dt.outbox, dt.webhook_cursors, t.idempotency
    deliveries = bind.execute(sa.select(d.c.id, d.c.endpoint, d.c.status, d.c.next_at, o.c.key)
                              .join(o, o.c.id == d.c.outbox_id)).all()
    cursors = bind.execute(sa.select(c.c.endpoint, c.c.last_outbox_id)).all()
    results = bind.execute(sa.select(i.c.key, i.c.command, i.c.ticket_id, i.c.result)).all()
    if not (deliveries or cursors or results):
        return
    keyring = _keyring()
    mark = unverified(revision)  # since trust12: what the upgrade cannot check against the signed log is not signed
    for row in deliveries:
        bind.execute(sa.update(d).where(d.c.id == row.id).values(
            mac=keyring.sign(delivery_digest(row.key, row.endpoint, row.status, row.next_at))
            if row.status == "pending" else mark))
    for row in cursors:
        bind.execute(sa.update(c).where(c.c.endpoint == row.endpoint).values(mac=mark))
    for row in results:
        bind.execute(sa.update(i).where(i.c.key == row.key).values(
            mac=keyring.sign(unnumbered_idempotency_digest(row.key, row.command, row.ticket_id, row.result))
            if result_on_the_chain(bind, keyring, row.ticket_id, row.result) else mark))


def _outbox_autoincrement(bind) -> None:
    """SQLite only: rebuild the outbox as AUTOINCREMENT (its rows, indexes and next id kept)."""
    if bind.dialect.name != "sqlite":
        return
    created = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").scalar()
    if created and "AUTOINCREMENT" in created.upper():
        return
    with op.batch_alter_table("outbox", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
        pass


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for table, columns in ADDED.items():
        present = {column["name"] for column in inspector.get_columns(table)}
        for name, kind in columns:
            if name not in present:
                op.add_column(table, sa.Column(name, kind))
    _outbox_autoincrement(bind)
    _number_old_outbox_rows(bind)
    _sign_bookkeeping(bind)


def downgrade() -> None:
    for table, columns in ADDED.items():
        with op.batch_alter_table(table) as batch:
            for name, _ in columns:
                batch.drop_column(name)
