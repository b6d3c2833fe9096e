"""Engines and migrations. SQLite (WAL) by default; PostgreSQL for production."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

MIGRATIONS = Path(__file__).parent / "migrations"


# The execution option that marks a connection as a reader (`reading`).
READING = "rexian_reading"


def make_engine(url: str, **options) -> Engine:
    """An engine for `url`. On SQLite every transaction takes the write lock at BEGIN (BEGIN IMMEDIATE):
    concurrent writers then queue behind the busy timeout instead of failing half-way through. A connection
    from `reading` begins a plain (deferred) transaction instead: a snapshot, no lock."""
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
            reads_only = connection.get_execution_options().get(READING, False)
            connection.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def reading(engine) -> Connection:
    """A connection for reads only (use it as `with reading(engine) as connection:`). On SQLite its
    transaction begins deferred: in WAL mode the first read takes a snapshot that later reads of the same
    transaction agree with, and it neither waits for a writer's lock nor holds one against writers. A write
    through it would have to upgrade the lock and may be refused: never write through it."""
    return engine.connect().execution_options(**{READING: True})


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent) and create the key file when absent: this is
    `rexian init` / `rexian upgrade`, never an ordinary command. A database already at the newest revision
    is recognised without loading Alembic (a third of a command-line command's time otherwise)."""
    from rexian.adapters.keys import keyring_for

    keyring = keyring_for(engine, create=True)
    if _at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        config.attributes["keyring"] = keyring  # 0004 signs the events that existed before signatures
        command.upgrade(config, "head")


class SchemaNotReady(Exception):
    """The database has no schema, or an older one: ordinary commands never migrate."""


def head_revision() -> str:
    fast = _head_revision()
    if fast is not None:
        return fast
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def require_current_schema(engine: Engine) -> None:
    """Refuse, with one clear line, a database that `rexian init` / `rexian upgrade` has not prepared."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    where = engine.url.render_as_string(hide_password=True)
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and database != ":memory:" \
            and not Path(database).exists():
        raise SchemaNotReady(f"数据库不存在：{database}（先运行 rexian init）")
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                raise SchemaNotReady(f"数据库尚未初始化：{where}（先运行 rexian init）")
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as error:
        raise SchemaNotReady(f"无法打开数据库：{where}（{str(error.orig).strip()[:80]}）") from None
    if current != head_revision():
        raise SchemaNotReady(f"数据库版本为{current}，本程序需要{head_revision()}：先运行 rexian upgrade")


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*([^#\n]+?)\s*(?:#.*)?$", re.MULTILINE)


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


def database_now(connection: Connection) -> datetime:
    """The database server's clock, in the centre's time zone, naive (as `imports` stores times), to the second."""
    from zoneinfo import ZoneInfo

    from rexian.settings import load_settings

    stamp = connection.exec_driver_sql("SELECT CURRENT_TIMESTAMP").scalar()
    stamp = stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp))
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)  # SQLite: UTC text
    return stamp.astimezone(ZoneInfo(load_settings()["timezone"])).replace(tzinfo=None, microsecond=0)
