"""The demo city's present (demo/today.py): after the simulated year, a few working days of live work leave
tickets in every role's queue with their deadlines around the city's "now", the clock the demo serves with
starts there (kept in the database: tests/cli/test_demo_clock.py), and the same seed gives the same tickets at the same times."""

from datetime import timedelta

import pytest

from sqlalchemy import select

from rexian.adapters import tables as t
from rexian.adapters.database import make_engine, migrate
from rexian.bootstrap import bootstrap
from rexian.demo.today import STAGES, carry_on
from rexian.service.verify import verify_database
from rexian.simulate import Simulation, write_database


def _city(tmp_path, name, seed=5):
    url = f"sqlite:///{tmp_path / name}"
    engine = make_engine(url)
    migrate(engine)
    write_database(Simulation(150, seed), engine)
    engine.dispose()
    app = bootstrap(url, clock=lambda: (_ for _ in ()).throw(AssertionError("the wall clock was read")))
    return app, carry_on(app, seed)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    return _city(tmp_path_factory.mktemp("demo"), "a.db")


def _fresh(app, tickets):
    with app.engine.connect() as connection:
        return connection.execute(select(t.events.c.ticket_id, t.events.c.seq, t.events.c.at, t.events.c.action,
                                         t.events.c.actor_id).where(t.events.c.ticket_id.in_(tickets))
                                  .order_by(t.events.c.ticket_id, t.events.c.seq)).all()


def _newest_simulated(app, today):
    """The time of the simulated year's last event (the live days' tickets and the citizens' ratings left out)."""
    with app.engine.connect() as connection:
        return connection.execute(
            select(t.events.c.at).where(t.events.c.ticket_id.not_in(today.tickets),
                                        t.events.c.action != "CitizenRated")  # citizens rate in the live days
            .order_by(t.events.c.at.desc())).scalars().first()


def test_the_demo_carries_on_to_a_present_with_work_in_every_queue_and_deadlines_ahead(city):
    app, today = city
    assert len(today.tickets) == sum(count for _, count in STAGES)
    newest_simulated = _newest_simulated(app, today)
    with app.engine.connect() as connection:
        rows = connection.execute(select(t.tickets.c.status, t.tickets.c.due_at, t.tickets.c.received_at)
                                  .where(t.tickets.c.ticket_id.in_(today.tickets))).all()
    events = _fresh(app, today.tickets)
    assert min(e.at for e in events) > newest_simulated  # after the simulated year, never inside it
    assert max(e.at for e in events) <= today.present  # nothing in the city's future
    statuses = {row.status for row in rows}
    assert {"received", "dispatched", "handling", "closure_review", "return_review", "visit_pending"} <= statuses
    handled = [row.due_at for row in rows if row.status in ("dispatched", "handling")]
    # The units' deadlines lie around the present: ahead of it, within the next two weeks.
    assert handled and all(today.present < due < today.present + timedelta(days=14) for due in handled)
    assert all(today.present - row.received_at < timedelta(days=8) for row in rows)
    assert verify_database(app.engine).intact


def test_the_same_seed_gives_the_same_present_tickets_and_times(city, tmp_path):
    first_app, first = city
    second_app, second = _city(tmp_path, "b.db")
    assert (first.present, first.tickets) == (second.present, second.tickets)
    assert _fresh(first_app, first.tickets) == _fresh(second_app, second.tickets)


def test_in_the_live_days_citizens_rate_closed_tickets_on_the_portal_as_their_visits_recorded(city):
    app, today = city
    with app.engine.connect() as connection:
        ratings = connection.execute(select(t.events.c.ticket_id, t.events.c.at)
                                     .where(t.events.c.action == "CitizenRated")).all()
    newest_simulated = _newest_simulated(app, today)
    assert ratings  # so the dashboard's 市民自评满意率 has tickets to count on the demo
    for ticket_id, at in ratings:
        events = app.events(ticket_id)
        visits = [e["payload"]["satisfaction"] for e in events if e["action"] == "Visited"
                  and e["payload"].get("satisfaction")]
        assert events[-1]["action"] == "CitizenRated" and events[-1]["payload"]["rating"] == visits[-1]
        assert newest_simulated < at <= today.present  # in the live days, never in the city's future
