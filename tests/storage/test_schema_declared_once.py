"""The schema is declared once (adapters/tables.py and the desk's and findings' tables on the same metadata)
and the migrations build exactly that, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from rexian.adapters import desk_tables, findings  # noqa: F401 - they declare their tables on the metadata
from rexian.adapters import tables as t
from rexian.adapters import word_index, word_index_pg
from rexian.adapters.database import make_engine, migrate


def test_the_migrated_database_has_exactly_the_declared_tables_columns_and_types(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": _declared})
        differences = compare_metadata(context, t.metadata)
    assert differences == []


def _declared(name, kind, _parents) -> bool:
    """Everything but the word indexes: SQLite's full-text index (adapters/word_index.py), a virtual table and
    its shadow tables, made by the migration with raw SQL because SQLAlchemy cannot declare them; and
    PostgreSQL's index over a function of the migration's (adapters/word_index_pg.py)."""
    return not (kind == "table" and name and name.startswith(word_index.TABLE)
                or kind == "index" and name == word_index_pg.INDEX)
