"""The schema is declared once (adapters/tables.py and the desk's and findings' tables on the same metadata)
and the migrations build exactly that, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from rexian.adapters import desk_tables, findings  # noqa: F401 - they declare their tables on the metadata
from rexian.adapters import tables as t
from rexian.adapters.database import make_engine, migrate


def test_the_migrated_database_has_exactly_the_declared_tables_columns_and_types(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                       t.metadata)
    assert differences == []
