"""A command-line command on a database already at the newest schema does not load Alembic; any other
database is still migrated by Alembic."""

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from rexian.adapters.database import MIGRATIONS, _at_head, _head_revision, make_engine, migrate


def test_the_head_read_from_the_migration_files_is_alembics_head():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    assert _head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_a_new_database_is_migrated_and_then_recognised_as_current(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    assert not _at_head(engine)

    migrate(engine)

    assert _at_head(engine)
    assert inspect(engine).has_table("events")


def test_a_database_at_an_older_revision_is_not_taken_for_current(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")

    assert not _at_head(engine)
