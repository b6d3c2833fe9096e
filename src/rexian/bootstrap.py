"""The one wiring place: settings, database, calendar and deadline policy connected to the application."""

from __future__ import annotations

from datetime import datetime
from typing import Callable
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
    # No real-time evaluator here: building it costs seconds, and a command-line process would pay them on
    # every command. The server judges committed events instead (`realtime_supervision`).
    return Hotline(engine, settings, deadlines, clock or local_clock(settings["timezone"]))


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
