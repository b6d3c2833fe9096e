"""Retries answered from the log, checkpoints over every numbered table (docs/trust.md, trust12):

- `events.request_key` / `events.request_command` (indexed by key): a workflow command sent with an idempotency key
  writes its key's digest and its fingerprint on every event it appends, under the event's MAC, so that a retry
  whose idempotency record was deleted by SQL is answered from those events instead of acting a second time.
  Existing events get the request of every idempotency record still stored whose MAC holds and whose result the
  chain bears out (its events on the named ticket, with those actions and valid MACs: adapters/upgrade_seal.py),
  and are signed again over it, so those records' retries are answered from the log too; other events carry none
  (their MAC unchanged: `event_digest` without a request is the old text). A record deleted before the upgrade
  cannot be found any more: its retry still acts again (named by verify, as before);
- `checkpoints.<table>_upto` / `checkpoints.<table>` for `idempotency`, `calls`, `agent_status`, `roster`: the next
  checkpoint digests them from their start, so their newest rows deleted with their counter wound back are named by
  a later checkpoint.
Needs the key file when the idempotency table has records.

Revision ID: 0018_trust12
Revises: 0017_trust11c
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_trust12"
down_revision = "0017_trust11c"
branch_labels = None
depends_on = None

REQUEST_INDEX = "ix_events_request_key"
CHECKPOINTED = ("idempotency", "calls", "agent_status", "roster")


def _checkpoint_columns() -> list[sa.Column]:
    return [sa.Column(name, sa.BigInteger if table == "idempotency" and name.endswith("_upto") else sa.Integer)
            for table in CHECKPOINTED for name in (f"{table}_upto", table)]


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    present = {column["name"] for column in inspector.get_columns("events")}
    for name in ("request_key", "request_command"):
        if name not in present:
            op.add_column("events", sa.Column(name, sa.String(64)))
    if REQUEST_INDEX not in {index["name"] for index in inspector.get_indexes("events")}:
        op.create_index(REQUEST_INDEX, "events", ["request_key"])
    present = {column["name"] for column in inspector.get_columns("checkpoints")}
    for column in _checkpoint_columns():
        if column.name not in present:
            op.add_column("checkpoints", column)
    _requests_of_stored_records(op.get_bind())


def _requests_of_stored_records(bind) -> None:
    """Write each borne-out idempotency record's request on the events it names, signed again over it."""
    from rexian.adapters import tables as t
    from rexian.adapters.bookkeeping import idempotency_digest, request_key_digest
    from rexian.adapters.keys import event_digest
    from rexian.adapters.upgrade_seal import events_of_result

    i = t.idempotency.c
    records = bind.execute(sa.select(i.key, i.command, i.ticket_id, i.result, i.log_seq, i.mac)).all()
    if not records:
        return
    keyring = op.get_context().config.attributes.get("keyring")
    if keyring is None:
        raise RuntimeError("升级到 0018_trust12 需要服务器密钥文件（key_file）以把幂等键记入其命令的事件并重新签名")
    updates = []
    for record in records:
        if keyring.problem(idempotency_digest(record.key, record.command, record.ticket_id, record.result,
                                              record.log_seq), record.mac) is not None:
            continue  # not the server's (or 升级前未能核实): nothing of it is written on the chain's events
        events = events_of_result(bind, keyring, record.ticket_id, record.result)
        for event in events or ():
            if getattr(event, "request_key", None) is not None:
                continue  # written by a command since this revision
            request = request_key_digest(record.key)
            updates.append({"id": event.id, "request_key": request, "request_command": record.command,
                            "mac": keyring.sign(event_digest(event.log_seq, event.hash, request, record.command))})
    if not updates:
        return
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        bind.exec_driver_sql("ALTER TABLE events DISABLE TRIGGER USER")
    else:
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS events_no_update")
    e = t.events
    bind.execute(sa.update(e).where(e.c.id == sa.bindparam("event_id")).values(
        request_key=sa.bindparam("new_key"), request_command=sa.bindparam("new_command"),
        mac=sa.bindparam("new_mac")),
        [{"event_id": u["id"], "new_key": u["request_key"], "new_command": u["request_command"],
          "new_mac": u["mac"]} for u in updates])
    if postgres:
        bind.exec_driver_sql("ALTER TABLE events ENABLE TRIGGER USER")
    else:  # as shapes.append_only made it
        bind.exec_driver_sql("CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
                             "BEGIN SELECT RAISE(ABORT, 'events is append-only: UPDATE refused'); END")


def downgrade() -> None:
    with op.batch_alter_table("checkpoints") as batch:
        for column in _checkpoint_columns():
            batch.drop_column(column.name)
    op.drop_index(REQUEST_INDEX, table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("request_command")
        batch.drop_column("request_key")
