"""Retries answered from the log, checkpoints over every numbered table (docs/trust.md, trust12):

- `events.request_key` / `events.request_command` (indexed by key): a workflow command sent with an idempotency key
  writes its key's digest and its fingerprint on every event it appends, under the event's MAC, so that a retry
  whose idempotency record was deleted by SQL is answered from those events instead of acting a second time.
  Existing events carry none (their MAC is unchanged: `event_digest` without a request is the old text);
- `checkpoints.<table>_upto` / `checkpoints.<table>` for `idempotency`, `calls`, `agent_status`, `roster`: the next
  checkpoint digests them from their start, so their newest rows deleted with their counter wound back are named by
  a later checkpoint.
No key needed: nothing existing is signed again.

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


def downgrade() -> None:
    with op.batch_alter_table("checkpoints") as batch:
        for column in _checkpoint_columns():
            batch.drop_column(column.name)
    op.drop_index(REQUEST_INDEX, table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("request_command")
        batch.drop_column("request_key")
