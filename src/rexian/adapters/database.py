"""Engines and migrations. SQLite (WAL) by default; PostgreSQL for production."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, **options) -> Engine:
    """An engine for `url`. On SQLite every transaction takes the write lock at BEGIN (BEGIN IMMEDIATE):
    concurrent writers then queue behind the busy timeout instead of failing half-way through."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"isolation_level": None, "timeout": 30}, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            if not url.endswith(":memory:") and url != "sqlite://":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent). A database already at the newest revision is
    recognised without loading Alembic (a third of a command-line command's time otherwise)."""
    if _at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


def _head_revision() -> str | None:
    """The one revision no migration builds on, read from the files' `revision = "..."` lines (None when
    the files are not in that plain form: then Alembic decides)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((name, value) for name, value in _REVISION.findall(path.read_text(encoding="utf-8")))
        revision, parent = found.get("revision", ""), found.get("down_revision", "")
        if not re.fullmatch(r"[\"'][\w.-]+[\"']", revision) or not re.fullmatch(r"None|[\"'][\w.-]+[\"']", parent):
            return None
        revisions.add(revision.strip("\"'"))
        parents.add(parent.strip("\"'"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_head(engine: Engine) -> bool:
    head = _head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            stored = [row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")]
    except DBAPIError:  # no version table yet: a new database
        return False
    return stored == [head]


def is_initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("events")
