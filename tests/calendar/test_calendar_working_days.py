from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from rexian.domain.calendar import WorkCalendar

WORK_HOURS = (time(9), time(17, 30))


@pytest.mark.parametrize("start, n, due", [
    # 2024 春节 Feb 10–17; Feb 18 (Sun) is a make-up working day
    (datetime(2024, 2, 8, 10), 5, datetime(2024, 2, 21, 10)),
    (datetime(2024, 2, 8, 10), 2, datetime(2024, 2, 18, 10)),
    # 2025 春节 Jan 28–Feb 4; Jan 26 (Sun) and Feb 8 (Sat) are working days
    (datetime(2025, 1, 24, 9, 30), 1, datetime(2025, 1, 26, 9, 30)),
    (datetime(2025, 1, 24, 9, 30), 3, datetime(2025, 2, 5, 9, 30)),
    (datetime(2025, 2, 7, 16), 1, datetime(2025, 2, 8, 16)),
    # 2026 春节 Feb 15–23; Feb 14 and Feb 28 (Sat) are working days
    (datetime(2026, 2, 13, 11), 1, datetime(2026, 2, 14, 11)),
    (datetime(2026, 2, 13, 11), 2, datetime(2026, 2, 24, 11)),
    # 2020 春节 extended to Feb 2
    (datetime(2020, 1, 23, 14), 1, datetime(2020, 2, 3, 14)),
    # 2025 国庆节、中秋节 Oct 1–8; Sep 28 (Sun) and Oct 11 (Sat) are working days
    (datetime(2025, 9, 26, 15), 5, datetime(2025, 10, 10, 15)),
    (datetime(2025, 9, 30, 15), 3, datetime(2025, 10, 11, 15)),
    # 2023 中秋节、国庆节 Sep 29–Oct 6; Oct 7 (Sat) and Oct 8 (Sun) are working days
    (datetime(2023, 9, 28, 8), 2, datetime(2023, 10, 8, 8)),
    # 2019 元旦 Dec 30–Jan 1 across the year; Dec 29 2018 (Sat) is a working day
    (datetime(2018, 12, 28, 17), 1, datetime(2018, 12, 29, 17)),
    (datetime(2018, 12, 28, 17), 2, datetime(2019, 1, 2, 17)),
    # an ordinary weekend: Friday + 1 is Monday; a start on Saturday counts from Monday
    (datetime(2024, 3, 1, 16), 1, datetime(2024, 3, 4, 16)),
    (datetime(2024, 3, 2, 22), 5, datetime(2024, 3, 8, 22)),
])
def test_working_day_deadlines_skip_holidays_and_count_make_up_days(calendar, start, n, due):
    assert calendar.add_working_days(start, n) == due
    assert calendar.working_days_between(start, due) == n


def test_zero_working_days_returns_the_start_itself(calendar):
    saturday = datetime(2024, 3, 2, 22, 15)
    assert calendar.add_working_days(saturday, 0) == saturday
    assert calendar.add_working_hours(saturday, 0) == saturday


def test_negative_amounts_are_refused(calendar):
    with pytest.raises(ValueError):
        calendar.add_working_days(datetime(2024, 3, 1), -1)
    with pytest.raises(ValueError):
        calendar.add_working_hours(datetime(2024, 3, 1), -1)


@pytest.mark.parametrize("start, hours, due", [
    # across a weekend: 1 h left on Friday, 1 h on Monday
    (datetime(2024, 3, 1, 16, 30), 2, datetime(2024, 3, 4, 10)),
    # across the end of a working day
    (datetime(2024, 3, 5, 17), 2, datetime(2024, 3, 6, 10, 30)),
    (datetime(2024, 3, 5, 17, 30), 1, datetime(2024, 3, 6, 10)),
    (datetime(2024, 3, 5, 20), 1, datetime(2024, 3, 6, 10)),
    # before the working day starts, and using a day up exactly
    (datetime(2024, 3, 5, 8), 2, datetime(2024, 3, 5, 11)),
    (datetime(2024, 3, 5, 15, 30), 2, datetime(2024, 3, 5, 17, 30)),
    # more than a whole working day (8.5 h)
    (datetime(2024, 3, 5, 9), 10, datetime(2024, 3, 6, 10, 30)),
    # into a make-up Sunday (2025-09-28) and across the National Day holiday
    (datetime(2025, 9, 26, 16), 3, datetime(2025, 9, 28, 10, 30)),
    (datetime(2025, 9, 30, 17), 1, datetime(2025, 10, 9, 9, 30)),
    # dispatched during the Spring Festival holiday: the clock starts on the first working day
    (datetime(2024, 2, 12, 11), 2, datetime(2024, 2, 18, 11)),
])
def test_working_hours_count_only_time_inside_working_days(calendar, start, hours, due):
    assert calendar.add_working_hours(start, hours, *WORK_HOURS) == due


def test_working_hours_follow_the_given_working_day(calendar):
    assert calendar.add_working_hours(datetime(2024, 3, 5, 17), 2, time(8, 30), time(18)) == datetime(2024, 3, 6, 9, 30)


def test_a_year_without_data_falls_back_to_monday_to_friday_and_says_so(calendar):
    assert not calendar.is_known(2031)
    assert calendar.is_working_day(date(2031, 1, 1))  # New Year's Day, a Wednesday: no data, so working
    assert not calendar.is_working_day(date(2031, 1, 4))  # Saturday
    assert calendar.add_working_days(datetime(2031, 1, 2, 9), 2) == datetime(2031, 1, 6, 9)
    assert calendar.unknown_years(datetime(2026, 12, 30), datetime(2027, 1, 5)) == [2027]
    assert calendar.unknown_years(datetime(2025, 1, 1), datetime(2026, 1, 1)) == []


def test_an_empty_calendar_is_plain_monday_to_friday():
    empty = WorkCalendar()
    assert empty.known_years == frozenset()
    assert empty.working_days_between(date(2024, 2, 1), date(2024, 2, 29)) == 20


def slow_working_days_between(calendar, a: date, b: date) -> int:
    return sum(calendar.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


def slow_working_time(calendar, a: datetime, b: datetime) -> timedelta:
    total = timedelta()
    for i in range((b.date() - a.date()).days + 1):
        day = a.date() + timedelta(days=i)
        if calendar.is_working_day(day):
            begin = max(a, datetime.combine(day, WORK_HOURS[0]))
            end = min(b, datetime.combine(day, WORK_HOURS[1]))
            total += max(end - begin, timedelta())
    return total


moments = st.datetimes(min_value=datetime(2017, 11, 1), max_value=datetime(2027, 2, 1)).map(
    lambda moment: moment.replace(second=0, microsecond=0))


@settings(max_examples=300, deadline=None)
@given(start=moments, n=st.integers(min_value=0, max_value=40))
def test_working_days_between_undoes_add_working_days(calendar, start, n):
    due = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, due) == n
    assert calendar.working_days_between(due, start) == -n
    assert due.time() == start.time()
    if n:
        assert calendar.is_working_day(due)


@settings(max_examples=200, deadline=None)
@given(a=moments, span=st.integers(min_value=0, max_value=800))
def test_working_days_between_agrees_with_counting_day_by_day(calendar, a, span):
    b = a.date() + timedelta(days=span)
    assert calendar.working_days_between(a, b) == slow_working_days_between(calendar, a.date(), b)


@settings(max_examples=200, deadline=None)
@given(start=moments, minutes=st.integers(min_value=1, max_value=60 * 30))
def test_working_hours_deadline_contains_exactly_that_much_working_time(calendar, start, minutes):
    due = calendar.add_working_hours(start, minutes / 60, *WORK_HOURS)
    assert slow_working_time(calendar, start, due) == timedelta(minutes=minutes)
    assert calendar.is_working_day(due) and WORK_HOURS[0] < due.time() <= WORK_HOURS[1]


def test_remembered_answers_equal_the_rule_for_every_day_of_two_years_asked_twice(calendar):
    """The calendar remembers its answers per date (deadlines ask about the same days millions of times in a
    simulation); asked again, and for any day of 2025–2026, they must still be the holiday lists' rule."""
    def working(day: date) -> bool:
        return day in calendar.workdays or (day.weekday() < 5 and day not in calendar.holidays)

    def after(day: date, n: int) -> date:
        while n:
            day += timedelta(days=1)
            n -= working(day)
        return day

    days = [date(2025, 1, 1) + timedelta(days=offset) for offset in range(730)]
    for _ in range(2):
        assert [calendar.is_working_day(day) for day in days] == [working(day) for day in days]
        assert [calendar.next_working_day(day) for day in days] == [after(day, 1) for day in days]
        for n in (0, 1, 3, 7, 15):
            assert [calendar.add_working_days(datetime.combine(day, time(16, 5)), n) for day in days[::3]] == \
                [datetime.combine(after(day, n), time(16, 5)) for day in days[::3]]
    assert sum(not working(day) and day.weekday() < 5 for day in days) > 20  # the years' holidays were seen
