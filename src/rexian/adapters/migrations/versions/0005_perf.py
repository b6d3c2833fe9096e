"""Indexes for the big lists (docs/benchmarks.md): the word index of the tickets' text (SQLite FTS5 trigram,
adapters/word_index.py), the ticket lists' scope + state + deadline and state + time indexes
(adapters/tables.py) and the findings list's filter + newest-first indexes (adapters/findings_tables.py).

Revision ID: 0005_perf
Revises: 0004_trust
"""

from alembic import op

from rexian.adapters import findings_tables as ft
from rexian.adapters import tables as t
from rexian.adapters import word_index

revision = "0005_perf"
down_revision = "0004_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    word_index.create(bind)
    for index in t.LIST_INDEXES:
        index.create(bind)
    for index in ft.TRIAGE_INDEXES:
        index.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for index in ft.TRIAGE_INDEXES:
        op.drop_index(index.name, table_name="findings")
    for index in t.LIST_INDEXES:
        op.drop_index(index.name, table_name="tickets")
    word_index.drop(bind)
