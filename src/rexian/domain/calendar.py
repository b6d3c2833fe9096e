"""The Chinese working calendar (工作日历): public holidays and make-up working days (调休).

A day is a working day when it is a make-up working day, or a Monday to Friday that is not a public holiday.
The holiday schedule is published by the State Council each year, so the calendar only *knows* the years it
was given data for; any other year falls back to plain Monday–Friday, and `is_known(year)` lets callers warn.

Pure: the dates come from the caller (see `rexian.calendar_files` for the packaged year files).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from typing import Iterable, Mapping

# A holiday block plus its adjoining weekends never spans this many days; more means broken data.
_MAX_DAYS_WITHOUT_WORK = 60


def _weekdays_up_to(day: date) -> int:
    """Mondays–Fridays from 0001-01-01 (a Monday) up to and including `day`."""
    ordinal = day.toordinal()
    return (ordinal // 7) * 5 + min(ordinal % 7, 5)


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


class WorkCalendar:
    """Working days from holiday and make-up dates; Monday–Friday in years without data."""

    def __init__(self, holidays: Iterable[date] = (), workdays: Iterable[date] = (),
                 known_years: Iterable[int] = ()):
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self.known_years = frozenset(known_years)
        # Only the dates that change the Monday–Friday rule matter for counting; kept sorted for bisect.
        self._lost_weekdays = sorted(d for d in self.holidays - self.workdays if d.weekday() < 5)
        self._gained_weekends = sorted(d for d in self.workdays if d.weekday() >= 5)
        # Answers remembered per date: deadlines and the simulator ask about the same few hundred days
        # millions of times, and the holiday sets never change after construction.
        self._working: dict[date, bool] = {}
        self._after: dict[tuple[date, int], date] = {}

    def __repr__(self) -> str:
        years = sorted(self.known_years)
        span = f"{years[0]}–{years[-1]}" if years else "none"
        return f"WorkCalendar(known_years={span}, holidays={len(self.holidays)}, workdays={len(self.workdays)})"

    def with_days(self, days: Mapping[date, str]) -> "WorkCalendar":
        """This calendar with some days set anew — `holiday`, `workday` (make-up) or `ordinary` (the Monday–Friday
        rule) — over what the year files said; the years of those days count as known."""
        holidays, workdays = set(self.holidays), set(self.workdays)
        for day, kind in days.items():
            holidays.discard(day)
            workdays.discard(day)
            if kind == "holiday":
                holidays.add(day)
            elif kind == "workday":
                workdays.add(day)
        return WorkCalendar(holidays, workdays, self.known_years | {day.year for day in days})

    def is_known(self, year: int) -> bool:
        """Whether the holiday schedule of `year` is known (otherwise Monday–Friday is assumed)."""
        return year in self.known_years

    def unknown_years(self, start: date | datetime, end: date | datetime) -> list[int]:
        """Years between two moments (inclusive) that fall back to Monday–Friday; for warnings."""
        first, last = sorted((_as_date(start).year, _as_date(end).year))
        return [year for year in range(first, last + 1) if year not in self.known_years]

    def is_working_day(self, day: date | datetime) -> bool:
        day = _as_date(day)
        working = self._working.get(day)
        if working is None:
            working = self._working[day] = day in self.workdays or (day.weekday() < 5 and day not in self.holidays)
        return working

    def next_working_day(self, day: date | datetime) -> date:
        """The first working day strictly after `day`."""
        return self._nth_working_day_after(_as_date(day), 1)

    def _nth_working_day_after(self, day: date, n: int) -> date:
        key = (day, n)
        found = self._after.get(key)
        if found is None:
            found = day
            for _ in range(n):
                found = self._first_working_day_after(found)
            self._after[key] = found
        return found

    def _first_working_day_after(self, day: date) -> date:
        start = day
        for _ in range(_MAX_DAYS_WITHOUT_WORK):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError(f"no working day within {_MAX_DAYS_WITHOUT_WORK} days after {start}; check the calendar data")

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The n-th working day strictly after `start`'s date, at the same wall-clock time.

        Dispatched on Friday 16:00 with 1 working day: due Monday 16:00 (or later if Monday is a holiday).
        """
        if n < 0:
            raise ValueError(f"working days must not be negative: {n}")
        day = self._nth_working_day_after(_as_date(start), n) if n else _as_date(start)
        if isinstance(start, datetime):
            return datetime.combine(day, start.time(), start.tzinfo)
        return day

    def add_working_hours(self, start: datetime, hours: float, day_start: time = time(9),
                          day_end: time = time(17, 30)) -> datetime:
        """`start` plus `hours` counted only inside [day_start, day_end) of working days.

        A deadline that uses up a day exactly ends at day_end that day, not at day_start the next.
        """
        if hours < 0:
            raise ValueError(f"working hours must not be negative: {hours}")
        if day_end <= day_start:
            raise ValueError(f"working day must end after it starts: {day_start}–{day_end}")
        remaining = timedelta(hours=hours)
        if not remaining:
            return start
        cursor = start
        while True:
            if not self.is_working_day(cursor) or cursor.time() >= day_end:
                cursor = datetime.combine(self.next_working_day(cursor), day_start, start.tzinfo)
            elif cursor.time() < day_start:
                cursor = datetime.combine(cursor.date(), day_start, start.tzinfo)
            end_of_day = datetime.combine(cursor.date(), day_end, start.tzinfo)
            if remaining <= end_of_day - cursor:
                return cursor + remaining
            remaining -= end_of_day - cursor
            cursor = end_of_day

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """Working days d with a's date < d <= b's date (negative when b is before a).

        The inverse of add_working_days: working_days_between(s, add_working_days(s, n)) == n.
        """
        first, last = _as_date(a), _as_date(b)
        if last < first:
            return -self.working_days_between(last, first)
        weekdays = _weekdays_up_to(last) - _weekdays_up_to(first)
        lost = bisect_right(self._lost_weekdays, last) - bisect_right(self._lost_weekdays, first)
        gained = bisect_right(self._gained_weekends, last) - bisect_right(self._gained_weekends, first)
        return weekdays - lost + gained
