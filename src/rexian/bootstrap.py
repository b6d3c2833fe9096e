"""The one wiring place: settings, database, calendar and deadline policy connected to the application."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rexian.settings import Settings, load_settings


def local_clock(timezone: str) -> Callable[[], datetime]:
    """Now, as naive wall-clock time of the centre's time zone (how every time is stored)."""
    zone = ZoneInfo(timezone)
    return lambda: datetime.now(zone).replace(tzinfo=None)


def database_clock(engine, settings: Settings, wall: Callable[[], datetime] | None = None) -> Callable[[], datetime]:
    """The time of every process on this database: a demo city's own (its offset from the wall clock, stored in
    the database when the demo was built: adapters/demo_clock.py), else the centre's wall clock. The server's,
    never a caller's: no request can move it."""
    from rexian.adapters.demo_clock import demo_clock_offset, utc_wall

    offset = demo_clock_offset(engine)
    if offset is None:
        return local_clock(settings["timezone"])
    read_wall = wall or utc_wall
    return lambda: read_wall() + offset


def configure_text(settings: Settings | None = None) -> None:
    """Hand the text layer its configuration (dictionary, cache, models, lexicon, same-matter window)."""
    from rexian.text.config import TextConfig, configure

    settings = settings or load_settings()
    configure(TextConfig(user_dict=settings["text_user_dict"], cache_dir=settings["text_cache_dir"],
                         router_model=settings["text_router_model"],
                         misconduct_lexicon=settings["text_misconduct_lexicon"],
                         same_matter_window_days=float(settings["same_matter_window_days"]),
                         link_processes=settings["text_link_processes"]))


def database_url(db_url: str | None = None, settings: Settings | None = None) -> str:
    """The database to use: the one given (`--db`), else the `db` setting (environment `REXIAN_DB`)."""
    return db_url or (settings or load_settings())["db"]


def open_database(db_url: str | None = None, settings: Settings | None = None, *, create: bool = True,
                  migrate: bool = True, require_schema: bool = False):
    """An engine on the database (`database_url`) with the server's key file attached. `create=True,
    migrate=True` (init, upgrade, demo, tests) creates or upgrades the schema. With `create=False` a
    database that does not exist yet (a missing SQLite file, or one without the schema) is an InvalidInput,
    so that a mistyped path is told instead of silently creating an empty database; ordinary commands open
    that way and never migrate: an out-of-date schema is refused with one line (`rexian upgrade`)."""
    from rexian.adapters.keys import use_key_file
    from rexian.adapters.database import is_initialised, make_engine
    from rexian.adapters.database import migrate as run_migrations
    from rexian.domain.errors import InvalidInput

    settings = settings or load_settings()
    url = database_url(db_url, settings)
    if not create:
        file = _sqlite_file(url)
        if file is not None and not Path(file).exists():
            raise InvalidInput(f"数据库不存在：{file}（先运行 rexian init 建库，或用 --db / REXIAN_DB 指定已有的数据库）")
    engine = make_engine(url)
    if not create and not is_initialised(engine):
        engine.dispose()
        raise InvalidInput(f"数据库尚未初始化：{engine.url.render_as_string(hide_password=True)}（先运行 rexian init）")
    use_key_file(engine, settings["key_file"])
    if migrate and create:
        run_migrations(engine)
    elif require_schema or not create:
        from rexian.adapters.database import require_current_schema

        require_current_schema(engine)
    return engine


def _sqlite_file(url: str) -> str | None:
    """The file of a SQLite URL (None for other databases and for in-memory SQLite)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[1] if "///" in url else ""
    return path if path and path != ":memory:" else None


def bootstrap(db_url: str | None = None, settings: Settings | None = None,
              clock: Callable[[], datetime] | None = None, migrate: bool = True, create: bool = True,
              require_schema: bool = False):
    """A ready `Hotline` application on `db_url` (default: the `db` setting), schema migrated; with
    `create=False` the database must already exist and be current (see `open_database`). Its clock is the
    database's (`database_clock`: a demo city's own time) unless `clock` is given (simulation, tests)."""
    from rexian.calendar_files import load_calendar
    from rexian.domain.deadlines import DeadlinePolicy
    from rexian.service.hotline import Hotline

    settings = settings or load_settings()
    configure_text(settings)
    engine = open_database(db_url, settings, create=create, migrate=migrate, require_schema=require_schema)
    calendar = load_calendar(settings["calendar_dir"])
    deadlines = DeadlinePolicy.from_settings(calendar, settings)
    # No real-time evaluator here: building it costs seconds, and a command-line process would pay them on
    # every command. The server judges committed events instead (`realtime_supervision`).
    return Hotline(engine, settings, deadlines, clock or database_clock(engine, settings))


def realtime_supervision(app, **options):
    """The real-time supervision loop for a long-lived server process (`rexian serve`, the demo server,
    `rexian supervise`), or None when the `realtime_rules` setting is off. Call `.start()` at startup (it
    builds the evaluator and judges what is waiting) and `.stop()` at shutdown; it drains the events that
    any process committed past a high-water mark in the database (service/supervision.py)."""
    if not app.settings["realtime_rules"]:
        return None
    from rexian.service.supervision import SupervisionLoop

    return SupervisionLoop.from_settings(app.engine, app.settings, **options)


def intake_assistant(app):
    """The read-only intake help (routing suggestions, same-matter warning) over an application's data."""
    from rexian.service.intake_assist import IntakeAssistant

    return IntakeAssistant(app.engine, app.settings["same_matter_window_days"])


def web_app(app, demo_accounts=None):
    """The web application (pages, REST API, Open311) over a `Hotline`, with intake help wired in."""
    from rexian.web.app import create_app

    return create_app(app, assistant=intake_assistant(app), startup=_server_startup,
                      demo_accounts=demo_accounts)


def desk_services(app):
    """The supervisor's desk over an application (one set per application): desk commands, dashboard
    snapshot, outbox feed, scheduled rules and webhook dispatcher, wired from the settings."""
    services = _DESK.get(id(app))
    if services is None or services.app is not app:
        from rexian.analytics.config import load_config
        from rexian.service.dashboard import Dashboard
        from rexian.service.desk import Desk, DeskServices
        from rexian.service.push import OutboxFeed, WebhookDispatcher
        from rexian.service.scheduler import RuleScheduler

        desk = Desk(app.engine, app.clock, app.settings["bulletin_issuer"], app.settings["bulletin_number_prefix"])
        config = load_config(app.settings["rules_file"])
        dashboard = Dashboard(app.engine, config, app.clock,
                              max_age_seconds=max(60.0, app.settings["scheduled_rules_minutes"] * 60))
        services = DeskServices(app, desk, dashboard, OutboxFeed(app.engine),
                                RuleScheduler(app.engine, config, app.clock, app.settings["scheduled_rules_minutes"],
                                              desk, after=dashboard.refresh,
                                              batch_mode=app.settings["scheduled_batch_rules"]),
                                WebhookDispatcher.from_settings(app.engine, app.settings, clock=app.clock))
        _DESK[id(app)] = services
    return services


_DESK: dict = {}


def _server_startup(app) -> None:
    """Work that runs beside the server when it starts: the scheduled rules and the webhook dispatcher of
    the supervisor's desk (docs/desk.md), and the real-time supervision loop, which judges the events that
    any process (the web pages, the CLI, imports) commits to the log (service/supervision.py)."""
    services = desk_services(app)
    services.scheduler.start()
    services.dispatcher.start()
    supervision = realtime_supervision(app)
    if supervision is not None:
        supervision.start()  # a daemon thread: it ends with the server process
        app.listeners.append(supervision.wake)  # the server's own commands are judged at once
