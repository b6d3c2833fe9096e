from datetime import datetime, time, timedelta

import pytest

from rexian.domain.deadlines import DeadlinePolicy
from rexian.settings import load_settings


def test_a_normal_ticket_is_due_after_the_default_working_days_across_the_spring_festival(policy):
    # 2024: Feb 9 (Fri) works, Feb 10–17 off, Feb 18 (Sun) works
    assert policy.handle_due(datetime(2024, 2, 8, 10), "normal") == datetime(2024, 2, 21, 10)


def test_the_category_handle_days_override_the_default(policy):
    # 2025: Sep 28 (Sun) works, Oct 1–8 off, Oct 11 (Sat) works
    start = datetime(2025, 9, 26, 15)
    assert policy.handle_due(start, "normal", handle_days=3) == datetime(2025, 9, 30, 15)
    assert policy.handle_due(start, "normal", handle_days=6) == datetime(2025, 10, 11, 15)


def test_urgent_and_emergency_tickets_run_on_natural_hours_through_holidays(policy):
    eve = datetime(2025, 9, 30, 20)
    assert policy.handle_due(eve, "urgent") == datetime(2025, 10, 1, 20)
    assert policy.handle_due(eve, "urgent", urgent_hours=48) == datetime(2025, 10, 2, 20)
    assert policy.handle_due(eve, "emergency") == datetime(2025, 9, 30, 22)
    assert policy.handle_due(eve, "emergency", handle_days=5, urgent_hours=48) == datetime(2025, 9, 30, 22)


def test_a_normal_ticket_is_signed_for_within_working_hours_and_an_urgent_one_within_minutes(policy):
    friday_afternoon = datetime(2024, 3, 1, 16, 30)
    assert policy.sign_due(friday_afternoon, "normal") == datetime(2024, 3, 4, 10)
    assert policy.sign_due(friday_afternoon, "urgent") == datetime(2024, 3, 1, 17)
    assert policy.sign_due(datetime(2024, 2, 12, 3), "emergency") == datetime(2024, 2, 12, 3, 30)


def test_the_return_window_counts_working_days_from_dispatch(policy):
    # 2026: Feb 14 (Sat) works, Feb 15–23 off
    assert policy.return_due(datetime(2026, 2, 13, 11)) == datetime(2026, 2, 24, 11)


def test_a_redo_gets_the_redo_working_days(policy):
    # 2023: Sep 29–Oct 6 off, Oct 7 and Oct 8 (weekend) work
    assert policy.redo_due(datetime(2023, 9, 28, 9)) == datetime(2023, 10, 9, 9)


def test_the_policy_follows_the_settings(calendar):
    settings = load_settings(environ={"REXIAN_DEFAULT_HANDLE_DAYS": "7", "REXIAN_SIGN_HOURS": "1",
                                      "REXIAN_WORKING_DAY_START": "08:30", "REXIAN_WORKING_DAY_END": "18:00",
                                      "REXIAN_EMERGENCY_HOURS": "1", "REXIAN_RETURN_WINDOW_DAYS": "1"})
    policy = DeadlinePolicy.from_settings(calendar, settings)
    assert policy.working_day_start == time(8, 30) and policy.working_day_end == time(18)
    assert policy.handle_due(datetime(2024, 3, 4, 10), "normal") == datetime(2024, 3, 13, 10)
    assert policy.sign_due(datetime(2024, 3, 4, 17, 45), "normal") == datetime(2024, 3, 5, 9, 15)
    assert policy.handle_due(datetime(2024, 3, 4, 10), "emergency") == datetime(2024, 3, 4, 11)
    assert policy.return_due(datetime(2024, 3, 8, 10)) == datetime(2024, 3, 11, 10)


def test_an_unknown_urgency_is_refused(policy):
    with pytest.raises(ValueError, match="urgency"):
        policy.handle_due(datetime(2024, 3, 4), "whenever")
    with pytest.raises(ValueError, match="urgency"):
        policy.sign_due(datetime(2024, 3, 4), "")


def test_a_ticket_is_overdue_only_when_closed_or_still_open_after_the_deadline(policy):
    due = datetime(2024, 3, 8, 10)
    assert not policy.is_overdue(due, now=due)
    assert policy.is_overdue(due, now=due + timedelta(minutes=1))
    assert not policy.is_overdue(due, now=due + timedelta(days=30), closed_at=due)
    assert policy.is_overdue(due, now=due, closed_at=due + timedelta(seconds=1))
    assert not policy.is_overdue(None, now=due)
