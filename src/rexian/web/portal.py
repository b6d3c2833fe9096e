"""The citizen portal's data functions: file a request (a `web`-channel intake with no actor), get a
ticket number and a query code, follow progress with both, rate the answer after the follow-up visit.

The query code is shown once; only its sha256 is kept. Progress shown to the citizen is the state and the
public steps (received, dispatched, replied, closed), never internal notes or names of staff."""

from __future__ import annotations

import hmac
import secrets
from typing import Any, Mapping

from sqlalchemy import insert, select, update

from rexian.adapters import tables as t
from rexian.domain import commands as c
from rexian.domain.errors import MissingField, WrongState
from rexian.web.auth import digest

PUBLIC_STEPS = ("TicketReceived", "Dispatched", "Replied", "ClosureApproved", "Reopened", "Closed",
                "DirectlyClosed", "Merged")
RATINGS = ("satisfied", "basically_satisfied", "unsatisfied")


def file_request(hotline, form: Mapping[str, str]) -> dict[str, Any]:
    content = (form.get("content") or "").strip()
    phone = (form.get("caller_phone") or "").strip()
    if not phone.replace("-", "").isdigit() or len(phone) < 7:
        raise MissingField("portal.phone", "请填写正确的联系电话，以便承办单位联系您")
    command = c.Intake(actor_id=None, channel="web", content=content, title=(form.get("title") or "").strip() or None,
                       caller_name=(form.get("caller_name") or "").strip() or None, caller_phone=phone,
                       address=(form.get("address") or "").strip() or None, kind=form.get("kind") or "complaint",
                       category=form.get("category") or None)
    outcome = hotline.handle(command)
    code = f"{secrets.randbelow(10**6):06d}"
    with hotline.engine.begin() as connection:
        connection.execute(insert(t.portal_codes).values(ticket_id=outcome.ticket_id, code_hash=digest(code)))
    return {"ticket_id": outcome.ticket_id, "code": code}


def _code_matches(connection, ticket_id: str, code: str) -> Any:
    row = connection.execute(select(t.portal_codes).where(t.portal_codes.c.ticket_id == ticket_id)).first()
    if row is None or not hmac.compare_digest(row.code_hash, digest(code or "")):
        return None
    return row


def track(hotline, ticket_id: str, code: str) -> dict[str, Any] | None:
    with hotline.engine.connect() as connection:
        row = _code_matches(connection, ticket_id, code)
    if row is None:
        return None
    ticket = hotline.ticket(ticket_id)
    steps = [{"at": e["at"], "action": e["action"], "reply": (e["payload"] or {}).get("reply")}
             for e in hotline.events(ticket_id) if e["action"] in PUBLIC_STEPS]
    return {"ticket_id": ticket_id, "code": code, "status": ticket.status, "steps": steps,
            "reply": ticket.reply, "rating": row.rating,
            "can_rate": row.rating is None and ticket.status == "closed"}


def rate(hotline, ticket_id: str, code: str, rating: str) -> None:
    if rating not in RATINGS:
        raise MissingField("portal.rating", "请选择评价")
    with hotline.engine.begin() as connection:
        row = _code_matches(connection, ticket_id, code)
        if row is None:
            raise MissingField("portal.code", "工单编号或查询码不正确")
        ticket = hotline.ticket(ticket_id)
        if ticket is None or ticket.status != "closed" or row.rating is not None:
            raise WrongState("portal.rate_state", "工单办结后方可评价，且只能评价一次")
        connection.execute(update(t.portal_codes).where(t.portal_codes.c.ticket_id == ticket_id)
                           .values(rating=rating, rated_at=hotline.clock()))
