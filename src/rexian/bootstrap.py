"""The one wiring place: settings, database, calendar and deadline policy connected to the application."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from rexian.settings import Settings, load_settings


def local_clock(timezone: str) -> Callable[[], datetime]:
    """Now, as naive wall-clock time of the centre's time zone (how every time is stored)."""
    zone = ZoneInfo(timezone)
    return lambda: datetime.now(zone).replace(tzinfo=None)


def database_url(db_url: str | None = None, settings: Settings | None = None) -> str:
    """The database to use: the one given (`--db`), else the `db` setting (environment `REXIAN_DB`)."""
    return db_url or (settings or load_settings())["db"]


def open_database(db_url: str | None = None, settings: Settings | None = None, *, create: bool = True,
                  migrate: bool = True):
    """An engine on the database (`database_url`), schema migrated. With `create=False` a database that
    does not exist yet (a missing SQLite file, or one without the schema) is an InvalidInput, so that a
    mistyped path is told instead of silently creating an empty database."""
    from rexian.adapters.database import is_initialised, make_engine
    from rexian.adapters.database import migrate as run_migrations
    from rexian.domain.errors import InvalidInput

    url = database_url(db_url, settings)
    if not create:
        file = _sqlite_file(url)
        if file is not None and not Path(file).exists():
            raise InvalidInput(f"数据库不存在：{file}（先运行 rexian init 建库，或用 --db / REXIAN_DB 指定已有的数据库）")
    engine = make_engine(url)
    if not create and not is_initialised(engine):
        engine.dispose()
        raise InvalidInput(f"数据库尚未初始化：{engine.url.render_as_string(hide_password=True)}（先运行 rexian init）")
    if migrate:
        run_migrations(engine)
    return engine


def _sqlite_file(url: str) -> str | None:
    """The file of a SQLite URL (None for other databases and for in-memory SQLite)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[1] if "///" in url else ""
    return path if path and path != ":memory:" else None


def bootstrap(db_url: str | None = None, settings: Settings | None = None,
              clock: Callable[[], datetime] | None = None, migrate: bool = True, create: bool = True):
    """A ready `Hotline` application on `db_url` (default: the `db` setting), schema migrated; with
    `create=False` the database must already exist (see `open_database`)."""
    from rexian.calendar_files import load_calendar
    from rexian.domain.deadlines import DeadlinePolicy
    from rexian.service.hotline import Hotline

    settings = settings or load_settings()
    engine = open_database(db_url, settings, create=create, migrate=migrate)
    calendar = load_calendar(settings["calendar_dir"])
    deadlines = DeadlinePolicy.from_settings(calendar, settings)
    listeners = []
    if settings["realtime_rules"]:
        from rexian.service.supervision import RealtimeSupervision

        listeners.append(RealtimeSupervision.from_settings(engine, settings))
    return Hotline(engine, settings, deadlines, clock or local_clock(settings["timezone"]), listeners=listeners)


def intake_assistant(app):
    """The read-only intake help (routing suggestions, same-matter warning) over an application's data."""
    from rexian.service.intake_assist import IntakeAssistant

    return IntakeAssistant(app.engine, app.settings["same_matter_window_days"])


def web_app(app, demo_accounts=None):
    """The web application (pages, REST API, Open311) over a `Hotline`, with intake help wired in."""
    from rexian.web.app import create_app

    return create_app(app, assistant=intake_assistant(app), startup=_server_startup,
                      demo_accounts=demo_accounts)


def _server_startup(app) -> None:
    """Work that runs beside the server when it starts. The hook where the real-time evaluator begins to
    drain events that other processes (the CLI, imports) append to the log, once that service exists."""
    from rexian.service import supervision

    drain = getattr(supervision, "start_log_drain", None)
    if drain is not None and app.settings["realtime_rules"]:
        drain(app)
