"""Deadlines set by dispatch follow the Chinese working calendar; urgent tickets count hours."""

from datetime import datetime

from support.workflow_steps import received

from rexian.domain import commands as c


def dispatch_at(make_app, db_url, when, **intake):
    app = make_app(db_url, start=when)
    tid = received(app, **intake)
    app.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D02"), at=when)
    return app.ticket(tid)


def test_a_ticket_dispatched_before_the_spring_festival_is_due_after_it(make_app, tmp_path):
    # 2026: Spring Festival Feb 15–23 off, Feb 14 (Sat) and Feb 28 (Sat) are working days.
    ticket = dispatch_at(make_app, f"sqlite:///{tmp_path / 'a.db'}", datetime(2026, 2, 12, 10, 0))
    # working days after Feb 12: 13, 14 (make-up Sat), 24, 25, 26 → the 5th is Feb 26
    assert ticket.due_at == datetime(2026, 2, 26, 10, 0)
    assert ticket.return_due_at == datetime(2026, 2, 14, 10, 0)


def test_a_ticket_dispatched_before_national_day_is_due_after_the_holiday(make_app, tmp_path):
    # 2025: Oct 1–8 off; Sep 28 (Sun) and Oct 11 (Sat) are working days.
    ticket = dispatch_at(make_app, f"sqlite:///{tmp_path / 'b.db'}", datetime(2025, 9, 29, 15, 0))
    # working days after Sep 29: 30, Oct 9, 10, 11 (make-up Sat), 13 → Oct 13
    assert ticket.due_at == datetime(2025, 10, 13, 15, 0)


def test_an_urgent_ticket_counts_natural_hours_through_the_holiday(make_app, tmp_path):
    ticket = dispatch_at(make_app, f"sqlite:///{tmp_path / 'c.db'}", datetime(2025, 10, 1, 20, 0),
                         urgency="urgent", category="0501")
    assert ticket.due_at == datetime(2025, 10, 2, 20, 0)  # 拖欠工资: 24 h
    assert ticket.sign_due_at == datetime(2025, 10, 1, 20, 30)
