"""Small helpers for workflow tests: count what is stored, and walk a ticket to a given state."""

from sqlalchemy import func, select

from rexian.adapters import tables as t
from rexian.domain import commands as c


def stored_counts(app) -> tuple[int, int, int]:
    """(events, tickets, idempotency keys) stored: proof that a refused command wrote nothing."""
    with app.engine.connect() as connection:
        return tuple(connection.execute(select(func.count()).select_from(table)).scalar_one()
                     for table in (t.events, t.tickets, t.idempotency))


def received(app, category="0201", kind="complaint", **extra) -> str:
    return app.handle(c.Intake(actor_id="A01", content="小区门口饭店油烟直排，影响居民生活", category=category,
                               kind=kind, caller_phone="13800000000", address="多福巷1号", **extra)).ticket_id


def dispatched(app, lead="D02", **extra) -> str:
    tid = received(app, **extra)
    app.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id=lead))
    return tid


def handling(app, lead="D02", handler="H0201") -> str:
    tid = dispatched(app, lead)
    app.handle(c.SignFor(actor_id=handler, ticket_id=tid))
    return tid


def contacted(app, lead="D02", handler="H0201") -> str:
    tid = handling(app, lead, handler)
    app.handle(c.RecordContact(actor_id=handler, ticket_id=tid, method="phone", summary="电话联系市民了解诉求"))
    return tid


def closure_requested(app) -> str:
    tid = contacted(app)
    app.handle(c.RequestClosure(actor_id="H0201", ticket_id=tid,
                                reply="经现场检查，饭店已加装油烟净化器并于3月5日复查达标。"))
    return tid


def endorsed(app, tid, kind, leader="L0201") -> str:
    request_id = app.ticket(tid).pending(kind).request_id
    app.handle(c.EndorseRequest(actor_id=leader, ticket_id=tid, request_id=request_id))
    return request_id


def visit_pending(app) -> str:
    tid = closure_requested(app)
    request_id = endorsed(app, tid, "closure")
    app.handle(c.ReviewClosure(actor_id="R01", ticket_id=tid, request_id=request_id, approve=True))
    return tid


def actions(app, tid) -> list[str]:
    return [event["action"] for event in app.events(tid)]
