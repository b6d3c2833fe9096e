"""Word search for 1- and 2-character words, and a word index on PostgreSQL (docs/web.md): on SQLite the grams
index beside the trigram one (adapters/word_index.py, with triggers that now leave the index alone when a
workflow step rewrites a ticket's row without changing its text); on PostgreSQL a GIN index over the text's
character grams (adapters/word_index_pg.py). Both are filled from the tickets already stored; the SQLite
backfill reports its progress on a terminal.

Revision ID: 0006_web3
Revises: 0006_trust3
"""

from alembic import op

from rexian.adapters import word_index, word_index_pg

revision = "0006_web3"
down_revision = "0006_trust3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    word_index.create_grams(bind, word_index.terminal_progress("建立短词索引"))
    word_index_pg.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    word_index_pg.drop(bind)
    word_index.drop_grams(bind)
