"""Indexes for the big lists (docs/benchmarks.md): the word index of the tickets' text (SQLite FTS5 trigram,
adapters/word_index.py), the ticket lists' scope + state + deadline and state + time indexes
(adapters/tables.py) and the findings list's filter + newest-first indexes (adapters/findings_tables.py).

Revision ID: 0005_perf
Revises: 0004_trust
"""

from alembic import op

from rexian.adapters import tables as t
from rexian.adapters import word_index

revision = "0005_perf"
down_revision = "0004_trust"
branch_labels = None
depends_on = None

# The findings list's indexes as this revision made them (detection order); 0019_scale13 replaced them, so they are
# written out here rather than read from the declaration of today.
TRIAGE = (("unit_id",), ("person_id",), ("rule_id",), ("family",), ("severity",), ("status",),
          ("unit_id", "severity"), ("family", "status"))


def _triage_names() -> list[tuple[str, str]]:
    return [(f"ix_findings_{'_'.join(names)}_detected", ", ".join((*names, "detected_at DESC", "finding_key")))
            for names in TRIAGE]


def upgrade() -> None:
    bind = op.get_bind()
    word_index.create(bind)
    for index in t.LIST_INDEXES:
        index.create(bind)
    for name, columns in _triage_names():
        bind.exec_driver_sql(f"CREATE INDEX {name} ON findings ({columns})")


def downgrade() -> None:
    bind = op.get_bind()
    for name, _ in _triage_names():
        op.drop_index(name, table_name="findings")
    for index in t.LIST_INDEXES:
        op.drop_index(index.name, table_name="tickets")
    word_index.drop(bind)
