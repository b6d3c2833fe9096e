"""The one wiring place: settings, database, calendar and deadline policy connected to the application."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from rexian.settings import Settings, load_settings


def local_clock(timezone: str) -> Callable[[], datetime]:
    """Now, as naive wall-clock time of the centre's time zone (how every time is stored)."""
    zone = ZoneInfo(timezone)
    return lambda: datetime.now(zone).replace(tzinfo=None)


def bootstrap(db_url: str | None = None, settings: Settings | None = None,
              clock: Callable[[], datetime] | None = None, migrate: bool = True):
    """A ready `Hotline` application on `db_url` (default: the `db` setting), schema migrated."""
    from rexian.adapters.database import make_engine
    from rexian.adapters.database import migrate as run_migrations
    from rexian.calendar_files import load_calendar
    from rexian.domain.deadlines import DeadlinePolicy
    from rexian.service.hotline import Hotline

    settings = settings or load_settings()
    url = db_url or settings["db"]
    engine = make_engine(url)
    if migrate:
        run_migrations(engine)
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

        desk = Desk(app.engine, app.clock)
        config = load_config(app.settings["rules_file"])
        dashboard = Dashboard(app.engine, config, app.clock,
                              max_age_seconds=max(60.0, app.settings["scheduled_rules_minutes"] * 60))
        services = DeskServices(app, desk, dashboard, OutboxFeed(app.engine),
                                RuleScheduler(app.engine, config, app.clock, app.settings["scheduled_rules_minutes"],
                                              desk, after=dashboard.refresh),
                                WebhookDispatcher.from_settings(app.engine, app.settings))
        _DESK[id(app)] = services
    return services


_DESK: dict = {}


def _server_startup(app) -> None:
    """Work that runs beside the server when it starts: the scheduled rules and the webhook dispatcher of
    the supervisor's desk (docs/desk.md), and the hook where the real-time evaluator begins to drain events
    that other processes (the CLI, imports) append to the log, once that service exists."""
    from rexian.service import supervision

    services = desk_services(app)
    services.scheduler.start()
    services.dispatcher.start()

    drain = getattr(supervision, "start_log_drain", None)
    if drain is not None and app.settings["realtime_rules"]:
        drain(app)
