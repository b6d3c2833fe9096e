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
              clock: Callable[[], datetime] | None = None, migrate: bool = True, require_schema: bool = False):
    """A ready `Hotline` application on `db_url` (default: the `db` setting), schema migrated when `migrate`
    (init, upgrade, tests); ordinary commands pass migrate=False, require_schema=True instead."""
    from rexian.adapters.database import make_engine
    from rexian.adapters.database import migrate as run_migrations
    from rexian.calendar_files import load_calendar
    from rexian.domain.deadlines import DeadlinePolicy
    from rexian.service.hotline import Hotline

    from rexian.adapters.keys import use_key_file

    settings = settings or load_settings()
    url = db_url or settings["db"]
    engine = make_engine(url)
    use_key_file(engine, settings["key_file"])
    if migrate:
        run_migrations(engine)
    elif require_schema:
        from rexian.adapters.database import require_current_schema

        require_current_schema(engine)
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
