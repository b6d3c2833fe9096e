"""The findings list at a city's scale (docs/desk.md): the newest-first index for the unfiltered list, and the
per-filter counts kept in step with the findings (filled here from the findings already stored).

Revision ID: 0006_desk3
Revises: 0006_web3
"""

from alembic import op

from rexian.adapters import findings_tables as ft

revision = "0006_desk3"
down_revision = "0006_web3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    ft.NEWEST_INDEX.create(bind)
    ft.finding_counts.create(bind)
    for facet in ft.FACETS:
        bind.exec_driver_sql("INSERT INTO finding_counts (facet, value, n) " + ft.count_all_sql(facet))


def downgrade() -> None:
    op.drop_table("finding_counts")
    op.drop_index(ft.NEWEST_INDEX.name, table_name="findings")
