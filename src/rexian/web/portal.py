"""The citizen portal's data functions: file a request (a `web`-channel intake with no actor), get a
ticket number and a query code, follow progress with both, rate the answer after the follow-up visit.

The query code is shown once; only its sha256 is kept. Progress shown to the citizen is the state and the
public steps (received, dispatched, replied, closed), never internal notes or names of staff."""

from __future__ import annotations

import hmac
import secrets
import threading
from datetime import datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import insert, select

from rexian.adapters import tables as t
from rexian.domain import commands as c
from rexian.domain.errors import MissingField, NotAllowed, WrongState
from rexian.domain.vocabulary import SATISFACTION
from rexian.web.auth import digest

PUBLIC_STEPS = ("TicketReceived", "Dispatched", "Replied", "ClosureApproved", "Reopened", "Closed",
                "DirectlyClosed", "Merged")


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


class CodeGuard:
    """Wrong query codes per ticket number: after `attempts` in a row the number is refused for `minutes`, the
    right code too (a hit must not stand out), so the million codes cannot be tried one by one. Kept in the
    server process (one process serves the portal); a restart forgets the counts."""

    def __init__(self, attempts: int, minutes: int):
        self.attempts, self.minutes, self.span = attempts, minutes, timedelta(minutes=minutes)
        self._failures: dict[str, tuple[int, datetime]] = {}  # ticket number -> (wrong in a row, last at)
        self._lock = threading.Lock()

    def check(self, ticket_id: str, now: datetime) -> None:
        with self._lock:
            count, last = self._failures.get(ticket_id, (0, now))
            if count >= self.attempts and now - last < self.span:
                raise NotAllowed("portal.code_locked", f"查询码错误次数过多，请{self.minutes}分钟后再试")

    def record(self, ticket_id: str, right: bool, now: datetime) -> None:
        with self._lock:
            if right:
                self._failures.pop(ticket_id, None)
                return
            count, last = self._failures.get(ticket_id, (0, now))
            self._failures[ticket_id] = (1 if now - last >= self.span else count + 1, now)
            if len(self._failures) > 100_000:  # numbers tried long ago are forgotten
                self._failures = {k: v for k, v in self._failures.items() if now - v[1] < self.span}


def code_guard(web) -> CodeGuard:
    # Made once per server, not on every request; setdefault keeps one guard if two first requests race.
    return web.extras.get("portal_codes") or web.extras.setdefault(
        "portal_codes", CodeGuard(web.settings["web_portal_code_attempts"], web.settings["web_lockout_minutes"]))


def _code_matches(connection, ticket_id: str, code: str, guard: CodeGuard, now: datetime) -> Any:
    guard.check(ticket_id, now)
    row = connection.execute(select(t.portal_codes).where(t.portal_codes.c.ticket_id == ticket_id)).first()
    right = row is not None and hmac.compare_digest(row.code_hash, digest(code or ""))
    guard.record(ticket_id, right, now)
    return row if right else None


def track(hotline, ticket_id: str, code: str, guard: CodeGuard) -> dict[str, Any] | None:
    with hotline.engine.connect() as connection:
        row = _code_matches(connection, ticket_id, code, guard, hotline.clock())
    if row is None:
        return None
    ticket = hotline.ticket(ticket_id)
    steps = [{"at": e["at"], "action": e["action"], "reply": (e["payload"] or {}).get("reply")}
             for e in hotline.events(ticket_id) if e["action"] in PUBLIC_STEPS]
    rating = ticket.citizen_rating or row.rating  # portal_codes.rating: a rating given before it was an event
    return {"ticket_id": ticket_id, "code": code, "status": ticket.status, "steps": steps,
            "reply": ticket.reply, "rating": rating, "can_rate": rating is None and ticket.status == "closed"}


def rate(hotline, ticket_id: str, code: str, rating: str, guard: CodeGuard) -> None:
    """The citizen's rating, once the query code proves it is theirs: a `Rate` command, so the rating is a
    `CitizenRated` event on the ticket's chain (docs/events.md) that `verify` covers."""
    if rating not in SATISFACTION:
        raise MissingField("portal.rating", "请选择评价")
    with hotline.engine.connect() as connection:
        row = _code_matches(connection, ticket_id, code, guard, hotline.clock())
    if row is None:
        raise MissingField("portal.code", "工单编号或查询码不正确")
    if row.rating is not None:  # rated before ratings were events
        raise WrongState("rate.once", "此工单已评价，只能评价一次")
    hotline.handle(c.Rate(actor_id=None, ticket_id=ticket_id, rating=rating))
