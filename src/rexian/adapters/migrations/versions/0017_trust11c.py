"""The imported call-centre records signed and numbered (docs/trust.md): `calls`, `agent_status` and `roster` get
`record_seq` (unique; counter `records:<table>`) and `mac` (the server's MAC over the row's columns, import run and
number), so that a row the call-centre rules read, edited, inserted or deleted by SQL, is named by `verify`.

Existing rows are numbered (in id order, after any number already taken) but, since trust12, **not signed**: there is
nothing signed to check them against, so a row written by SQL before the upgrade would otherwise be accepted as
genuine from then on. They are marked 「升级前未能核实」 (adapters/upgrade_seal.py), named so by `verify`, and signed
only when an import of the source file finds them unchanged (adapters/record_store.py). (Databases upgraded to this
revision before trust12 had them signed as they stood.)

Revision ID: 0017_trust11c
Revises: 0016_web11
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_trust11c"
down_revision = "0016_web11"
branch_labels = None
depends_on = None

TABLES = ("calls", "agent_status", "roster")


def _index(table: str) -> str:
    return f"ix_{table}_record_seq"


def _number_rows(bind, table: str) -> None:
    from rexian.adapters import tables as t
    from rexian.adapters.bookkeeping import record_counter
    from rexian.adapters.upgrade_seal import unverified
    from rexian.adapters.log_reader import raw_rows
    from rexian.adapters.repository import next_counter
    from rexian.domain import records

    stored = t.metadata.tables[table]
    names = ("id", *records.columns(table), "import_id", "record_seq")
    rows = [row for row in raw_rows(bind, table, names) if row["record_seq"] is None]  # as stored: as verify reads
    rows.sort(key=lambda row: row["id"])
    if not rows:
        return
    first = next_counter(bind, record_counter(table), len(rows)) - len(rows) + 1
    for offset, row in enumerate(rows):
        bind.execute(sa.update(stored).where(stored.c.id == row["id"]).values(
            record_seq=first + offset, mac=unverified(revision)))


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for table in TABLES:
        present = {column["name"] for column in inspector.get_columns(table)}
        if "record_seq" not in present:
            op.add_column(table, sa.Column("record_seq", sa.BigInteger))
        if "mac" not in present:
            op.add_column(table, sa.Column("mac", sa.String(80)))
        if _index(table) not in {index["name"] for index in inspector.get_indexes(table)}:
            op.create_index(_index(table), table, ["record_seq"], unique=True)
    for table in TABLES:
        _number_rows(bind, table)


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(_index(table), table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("mac")
            batch.drop_column("record_seq")
