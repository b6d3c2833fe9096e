"""The citizen portal's data functions: file a request (a `web`-channel intake with no actor), get a
ticket number and a query code, follow progress with both, rate the answer after the follow-up visit.

The query code is shown once: 10 characters of Crockford's base32 (50 bits), typed in any case, with or without
spaces and dashes. Only the server's MAC of its sha256 and the ticket number is kept
(adapters/credentials.py: portal_code_digest), so neither a copy of the database nor SQL can find or set a code.
Tickets filed before the codes were lengthened keep their 6-digit code; guessing those is bounded per client
(proxy-aware) and for the whole site, counted in the database (`CodeGuard`; the arithmetic in docs/trust.md); no
ticket number is ever locked, so knowing a citizen's number does not let anyone lock the citizen out. Progress shown to the
citizen is the state and the public steps (received, dispatched, replied, closed), never internal notes or names
of staff."""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from datetime import datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import func, insert, select

from rexian.adapters.database import reading
from rexian.adapters import tables as t
from rexian.adapters.audit import append_audit
from rexian.adapters.credentials import portal_code_digest
from rexian.adapters.keys import keyring_for
from rexian.domain import commands as c
from rexian.domain.errors import MissingField, NotAllowed, WrongState
from rexian.domain.vocabulary import SATISFACTION

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U
CODE_LENGTH = 10  # 50 bits
SHORT_CODE_LENGTH = 6  # the digits of codes handed out before (still valid for their tickets)
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})

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
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with hotline.engine.begin() as connection:
        connection.execute(insert(t.portal_codes).values(ticket_id=outcome.ticket_id,
                                                         code_hash=_code_mac(hotline.engine, outcome.ticket_id, code)))
    return {"ticket_id": outcome.ticket_id, "code": f"{code[:5]}-{code[5:]}"}


def normalised(code: str) -> str:
    return (code or "").upper().translate(_READ_AS)


def _code_sha(code: str) -> str:
    return hashlib.sha256(normalised(code).encode("utf-8")).hexdigest()


def _code_mac(engine, ticket_id: str, code: str) -> str:
    return keyring_for(engine).sign(portal_code_digest(ticket_id, _code_sha(code)))


def is_short(code: str) -> bool:
    """A code of the old 6-digit kind: the only kind worth guessing, so the only kind the client and site budgets
    count."""
    return len(normalised(code)) <= SHORT_CODE_LENGTH


def client_of(peer: str | None, forwarded_for: str | None, trusted: Any) -> str:
    """Who is asking: the connection's address, or, when that address is one of the `trusted` proxies (setting
    `web_trusted_proxies`), the nearest address in X-Forwarded-For that is not a trusted proxy (read from the
    right: entries to its left were written by the client itself and prove nothing). `forwarded_for` is every
    X-Forwarded-For line of the request joined in order (`forwarded_for_of`): a proxy that adds a line of its
    own leaves the client's line first. An address is read as proxies write it — with a port, an IPv6 one in
    brackets, an IPv4 one mapped into IPv6 — and named bare, so that a new source port is not a new client."""
    networks = tuple(trusted or ())

    def is_trusted(address: str) -> bool:
        ip = _ip(address)
        return ip is not None and any(ip in network for network in networks)

    client = peer or "unknown"
    if not is_trusted(client):
        return _named(client)
    for hop in reversed([part.strip() for part in (forwarded_for or "").split(",") if part.strip()]):
        client = hop
        if not is_trusted(hop):
            break
    return _named(client)


def forwarded_for_of(headers: Any) -> str:
    """Every X-Forwarded-For line of a request's `headers` (Starlette's), joined in their order."""
    return ", ".join(headers.getlist("x-forwarded-for"))


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = address.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.9:5555
        text = text.partition(":")[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    return (ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else ip


def _named(address: str) -> str:
    ip = _ip(address)
    return str(ip) if ip is not None else address[:64]


WRONG_CODE = "portal_wrong_code"  # the audit action of one wrong short code (its person: the client's pseudonym)


class CodeGuard:
    """Wrong **short** (6-digit) query codes, counted per client and for the whole site within `minutes`: after
    `client_attempts` from one client, or `site_attempts` from all clients, short codes are refused (for that
    client, or for everyone) until the window has passed — the right code too, so a hit does not stand out.
    The 10-character codes cannot be guessed (2^50), so their wrong guesses count nowhere and nothing ever locks a
    ticket number: someone who knows a citizen's ticket number cannot lock the citizen out.

    The counts live in the database, as audit records on the signed log sequence (`portal_wrong_code`; the person
    is a keyed pseudonym of the client, never its address): a restart or a second worker does not reset them, a
    record deleted to reset a budget leaves a gap in the log sequence that `verify` names, and one inserted
    (without the key) only refuses short codes sooner and is named too (docs/trust.md)."""

    def __init__(self, minutes: int, client_attempts: int = 20, site_attempts: int = 30):
        self.minutes, self.span = minutes, timedelta(minutes=minutes)
        self.client_attempts, self.site_attempts = client_attempts, site_attempts

    @staticmethod
    def who(engine, client: str) -> str:
        return "portal:" + keyring_for(engine).pseudonym("portal-client:" + client)

    def check(self, connection, now: datetime, client: str = "", short: bool = False) -> None:
        if not short:
            return
        a, since = t.audit_log.c, now - self.span
        recent = select(func.count()).where(a.action == WRONG_CODE, a.at > since)
        if connection.execute(recent.where(a.person_id == self.who(connection.engine, client))).scalar_one() \
                >= self.client_attempts:
            raise NotAllowed("portal.code_locked", f"查询码错误次数过多，请{self.minutes}分钟后再试")
        if connection.execute(recent).scalar_one() >= self.site_attempts:
            raise NotAllowed("portal.code_locked", "近期全站查询码错误过多，6位旧查询码暂停使用，"
                                                   f"请{self.minutes}分钟后再试，或致电12345查询")

    def record(self, engine, ticket_id: str, right: bool, now: datetime, client: str = "",
               short: bool = False) -> None:
        if right or not short:
            return
        with engine.begin() as connection:
            append_audit(connection, [{"at": now, "person_id": self.who(engine, client), "action": WRONG_CODE,
                                       "ticket_id": ticket_id[:64], "reason": "6位查询码错误"}])


def code_guard(web) -> CodeGuard:
    # Made once per server, not on every request (the counts themselves are in the database).
    settings = web.settings
    return web.extras.get("portal_codes") or web.extras.setdefault("portal_codes", CodeGuard(
        settings["web_lockout_minutes"], settings["web_portal_client_attempts"], settings["web_portal_site_attempts"]))


def _code_matches(hotline, ticket_id: str, code: str, guard: CodeGuard, client: str) -> Any:
    """The ticket's `portal_codes` row when `code` is its code (None when not), counted by `guard`."""
    short, now = is_short(code), hotline.clock()
    with reading(hotline.engine) as connection:
        guard.check(connection, now, client, short)
        row = connection.execute(select(t.portal_codes, t.tickets.c.received_at)
                                 .join(t.tickets, t.tickets.c.ticket_id == t.portal_codes.c.ticket_id)
                                 .where(t.portal_codes.c.ticket_id == ticket_id)).first()
        # Made at the intake: a key retired before the ticket was received cannot have signed its code (a stolen
        # old key).
        right = row is not None and keyring_for(connection.engine).problem(
            portal_code_digest(ticket_id, _code_sha(code)), row.code_hash, row.received_at) is None
    guard.record(hotline.engine, ticket_id, right, now, client, short)  # after the read: SQLite's one writer
    return row if right else None


def track(hotline, ticket_id: str, code: str, guard: CodeGuard, client: str = "") -> dict[str, Any] | None:
    row = _code_matches(hotline, ticket_id, code, guard, client)
    if row is None:
        return None
    ticket = hotline.ticket(ticket_id)
    steps = [{"at": e["at"], "action": e["action"], "reply": (e["payload"] or {}).get("reply")}
             for e in hotline.events(ticket_id) if e["action"] in PUBLIC_STEPS]
    rating = ticket.citizen_rating or row.rating  # portal_codes.rating: a rating given before it was an event
    return {"ticket_id": ticket_id, "code": code, "status": ticket.status, "steps": steps,
            "reply": ticket.reply, "rating": rating, "can_rate": rating is None and ticket.status == "closed"}


def rate(hotline, ticket_id: str, code: str, rating: str, guard: CodeGuard, client: str = "") -> None:
    """The citizen's rating, once the query code proves it is theirs: a `Rate` command, so the rating is a
    `CitizenRated` event on the ticket's chain (docs/events.md) that `verify` covers."""
    if rating not in SATISFACTION:
        raise MissingField("portal.rating", "请选择评价")
    row = _code_matches(hotline, ticket_id, code, guard, client)
    if row is None:
        raise MissingField("portal.code", "工单编号或查询码不正确")
    if row.rating is not None:  # rated before ratings were events
        raise WrongState("rate.once", "此工单已评价，只能评价一次")
    hotline.handle(c.Rate(actor_id=None, ticket_id=ticket_id, rating=rating))
