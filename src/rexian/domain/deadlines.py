"""Deadline policy (时限): when a ticket must be signed for, may be returned, and must be handled.

Conventions (docs/calendar.md):
- normal tickets are handled in working days: the n-th working day after dispatch, same wall-clock time;
- urgent and emergency tickets are handled in natural hours, holidays included;
- a normal ticket is signed for within working hours (counted only inside the working day), an urgent or
  emergency one within natural minutes;
- the lead unit may ask to return a ticket within a number of working days after dispatch;
- a deadline is met when the ticket is closed at or before it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any, Iterable, Mapping

from rexian.domain.calendar import WorkCalendar

NORMAL, URGENT, EMERGENCY = "normal", "urgent", "emergency"
URGENCIES = (NORMAL, URGENT, EMERGENCY)


def _check_urgency(urgency: str) -> str:
    if urgency not in URGENCIES:
        raise ValueError(f"unknown urgency {urgency!r}; expected one of {', '.join(URGENCIES)}")
    return urgency


def parse_clock(text: str | time) -> time:
    """'09:00' -> time(9, 0); a time passes through."""
    if isinstance(text, time):
        return text
    hours, _, minutes = str(text).strip().partition(":")
    return time(int(hours), int(minutes or 0))


@dataclass(frozen=True)
class DeadlinePolicy:
    """How deadlines are counted. The values (and their defaults and meanings) come from the settings
    table (`rexian.settings`); the domain restates none of them."""

    calendar: WorkCalendar
    return_window_days: int
    sign_hours: int
    urgent_sign_minutes: int
    default_handle_days: int
    default_urgent_hours: int
    emergency_hours: int
    redo_handle_days: int
    working_day_start: time
    working_day_end: time

    @classmethod
    def from_settings(cls, calendar: WorkCalendar, settings: Mapping[str, Any]) -> "DeadlinePolicy":
        """From the settings table (`rexian.settings.load_settings()` or any mapping with the same names)."""
        return cls(
            calendar=calendar,
            return_window_days=int(settings["return_window_days"]),
            sign_hours=int(settings["sign_hours"]),
            urgent_sign_minutes=int(settings["urgent_sign_minutes"]),
            default_handle_days=int(settings["default_handle_days"]),
            default_urgent_hours=int(settings["default_urgent_hours"]),
            emergency_hours=int(settings["emergency_hours"]),
            redo_handle_days=int(settings["redo_handle_days"]),
            working_day_start=parse_clock(settings["working_day_start"]),
            working_day_end=parse_clock(settings["working_day_end"]),
        )

    def with_days(self, days: Iterable[Any]) -> "DeadlinePolicy":
        """This policy on its calendar with the administrator's days (`CalendarDay`: `day`, `kind`) set over it —
        the one place the year files and the organisation's calendar meet (docs/calendar.md), for the server, the
        CLI and import alike."""
        kinds = {day.day: day.kind for day in days}
        return replace(self, calendar=self.calendar.with_days(kinds)) if kinds else self

    def sign_due(self, dispatched_at: datetime, urgency: str) -> datetime:
        """By when the lead unit must sign for (签收) the ticket."""
        if _check_urgency(urgency) == NORMAL:
            return self.calendar.add_working_hours(
                dispatched_at, self.sign_hours, self.working_day_start, self.working_day_end)
        return dispatched_at + timedelta(minutes=self.urgent_sign_minutes)

    def return_due(self, dispatched_at: datetime) -> datetime:
        """Until when the lead unit may ask to return (退单) the ticket."""
        return self.calendar.add_working_days(dispatched_at, self.return_window_days)

    def handle_due(self, start: datetime, urgency: str, handle_days: int | None = None,
                   urgent_hours: int | None = None) -> datetime:
        """The handling deadline (办理时限); `handle_days`/`urgent_hours` are the category's, if it sets them."""
        urgency = _check_urgency(urgency)
        if urgency == EMERGENCY:
            return start + timedelta(hours=self.emergency_hours)
        if urgency == URGENT:
            hours = self.default_urgent_hours if urgent_hours is None else urgent_hours
            return start + timedelta(hours=hours)
        days = self.default_handle_days if handle_days is None else handle_days
        return self.calendar.add_working_days(start, days)

    def redo_due(self, start: datetime) -> datetime:
        """The deadline for handling a ticket again (重办) after a rejected closure or unsatisfied visit."""
        return self.calendar.add_working_days(start, self.redo_handle_days)

    @staticmethod
    def is_overdue(due_at: datetime | None, now: datetime, closed_at: datetime | None = None) -> bool:
        """Closed after the deadline, or still open past it; a ticket without a deadline is never overdue."""
        if due_at is None:
            return False
        return (closed_at if closed_at is not None else now) > due_at
