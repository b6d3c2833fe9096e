"""The ticket lists read a page of ids off an index, then those rows (web/queries.py, 0005_perf): paging
through an inbox or a filtered list shows every ticket of it once, in the list's order, the same rows the
plain query over the table gives — undispatched tickets (no lead unit yet) included in their first unit's.
On SQLite and on PostgreSQL."""

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import and_, or_, select

from rexian.adapters import tables as t
from rexian.web.auth import Principal
from rexian.web.queries import HANDLING, Filters, list_tickets

HANDLER_D02 = Principal("H0201", "承办人", "D02", frozenset({"handler"}), frozenset({"D02"}))
CITYWIDE = Principal("R01", "审核员", "C00", frozenset({"reviewer"}), None)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, make_app, tmp_path):
    if request.param == "sqlite":
        return make_app(f"sqlite:///{tmp_path / 'web.db'}")
    return make_app(request.getfixturevalue("postgres_url"))


@pytest.fixture
def city(store):
    hotline = store
    from rexian.adapters.bulk_load import load_tickets
    from rexian.adapters.projection import projection_of
    from rexian.domain.model import NewEvent, Ticket

    rng = random.Random(11)
    records, projections = [], []
    for number in range(1, 401):
        at = datetime(2026, 1, 1, 8) + timedelta(minutes=37 * number)
        ticket = Ticket(ticket_id=f"RX{at:%Y%m%d}{number:06d}")
        unit = rng.choice(("D01", "D02", "D03"))
        ticket.record(NewEvent("TicketReceived", at, "A01", "C00", None, {
            "channel": "phone", "caller_phone": f"139{number:08d}", "caller_name": "市民", "address": "某路1号",
            "title": "问题", "kind": "complaint", "content": "内容", "category": rng.choice(("0101", "0201", "0202")),
            "urgency": "normal"}))
        if number % 5:  # one in five stays undispatched: no lead unit
            ticket.record(NewEvent("Dispatched", at + timedelta(minutes=9), "P01", "C00", unit, {
                "lead_unit_id": unit, "assisting_unit_ids": [],
                # deadlines repeat, so the ticket id decides the order among equals
                "due_at": datetime(2026, 2, 1) + timedelta(days=rng.randint(0, 5))}))
        records.extend(ticket.new_events)
        projections.append({**projection_of(ticket, at), "version": 1})
    with hotline.engine.begin() as connection:
        load_tickets(connection, records, projections)
        # undispatched tickets first went to a unit (imported tickets carry one)
        connection.execute(t.tickets.update().where(t.tickets.c.lead_unit_id.is_(None)).values(first_unit_id="D02"))
    return hotline


def _every_page(engine, principal, filters, per_page=7):
    shown, page = [], 1
    while True:
        result = list_tickets(engine, principal, filters, page=page, per_page=per_page)
        shown += [row["ticket_id"] for row in result.rows]
        if page * per_page >= result.total:
            return shown, result.total
        page += 1


def _plain(engine, *where, order):
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(select(t.tickets.c.ticket_id).where(*where).order_by(*order))]


def test_paging_through_a_handlers_inbox_shows_each_of_its_tickets_once_in_deadline_order(city):
    c = t.tickets.c
    expected = _plain(city.engine, or_(c.lead_unit_id == "D02", and_(c.lead_unit_id.is_(None), c.first_unit_id == "D02")),
                      c.status.in_(HANDLING), order=(c.due_at.is_(None), c.due_at, c.ticket_id))
    shown, total = _every_page(city.engine, HANDLER_D02, Filters(queue="inbox"))
    assert shown == expected and total == len(expected) > 20
    assert len(set(shown)) == len(shown)


def test_the_inbox_splits_by_deadline_into_overdue_and_not_yet_overdue_without_losing_a_ticket(city):
    """The home page lists today's work (not yet overdue) apart from the overdue backlog: the two parts are
    the whole inbox, each once, each in deadline order, and only the first one's tickets carry 超期."""
    now = datetime(2026, 2, 3, 12)
    whole = [r["ticket_id"] for r in list_tickets(city.engine, HANDLER_D02, Filters(queue="inbox"), 1, 200, now).rows]
    overdue = list_tickets(city.engine, HANDLER_D02, Filters(queue="inbox", due="overdue"), 1, 200, now)
    pending = list_tickets(city.engine, HANDLER_D02, Filters(queue="inbox", due="pending"), 1, 200, now)
    late, on_time = [r["ticket_id"] for r in overdue.rows], [r["ticket_id"] for r in pending.rows]
    assert late and on_time
    assert late + on_time == whole  # deadline order: every overdue one is due before every other
    assert set(overdue.marks.values()) == {"超期"} and len(overdue.marks) == len(late)
    assert "超期" not in pending.marks.values()
    assert overdue.total + pending.total == len(whole)


def test_a_units_whole_list_includes_its_undispatched_tickets(city):
    c = t.tickets.c
    expected = _plain(city.engine, or_(c.lead_unit_id == "D02", and_(c.lead_unit_id.is_(None), c.first_unit_id == "D02")),
                      order=(c.received_at.desc(), c.ticket_id.desc()))
    shown, _ = _every_page(city.engine, HANDLER_D02, Filters())
    assert shown == expected
    assert any(status == "received" for status in _statuses(city.engine, shown))


def test_a_citywide_list_filtered_by_state_and_category_pages_through_the_same_rows(city):
    c = t.tickets.c
    expected = _plain(city.engine, c.status == "dispatched", c.category.like("02%"),
                      order=(c.received_at.desc(), c.ticket_id.desc()))
    shown, total = _every_page(city.engine, CITYWIDE, Filters(status="dispatched", category="02"))
    assert shown == expected and total == len(expected) > 20


def _statuses(engine, ids):
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(select(t.tickets.c.status).where(t.tickets.c.ticket_id.in_(ids)))]


def test_deadline_marks_run_only_while_units_handle_the_ticket():
    from datetime import datetime, timedelta

    from rexian.web.queries import deadline_mark

    now, past = datetime(2026, 3, 2, 9), datetime(2026, 3, 1, 9)
    assert deadline_mark("handling", past, now, 24) == "超期"
    assert deadline_mark("closure_review", now + timedelta(hours=3), now, 24) == "临期"
    assert deadline_mark("visit_pending", past, now, 24) == ""  # closed by the unit, waiting for the call
    assert deadline_mark("closed", past, now, 24) == ""
