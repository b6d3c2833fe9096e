"""Who may call what: every route declares its permission once, as a dependency (`Allow(...)` or
`PUBLIC`), and the permission-matrix test reads those declarations from the route table.

- `Allow(*roles)`: signed in (session cookie or API token) and holding one of the roles (none = any role).
- Unit scope is checked on every ticket: `visible_ticket` answers 404 for a ticket outside the caller's
  scope, so another unit's ticket number reveals nothing.
- CSRF: every visitor carries a random `rx_csrf` cookie (SameSite=Strict); every form posts it back as the
  `csrf` field and every API write made with a session cookie as the `X-CSRF-Token` header. A page on
  another site can neither read the cookie nor send it, so a forged form is refused.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import FormData

from rexian.domain.errors import MissingField, NotAllowed, NotFound
from rexian.domain.model import Ticket
from rexian.web.auth import Principal, principal_of

SESSION_COOKIE = "rx_session"
CSRF_COOKIE = "rx_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


class SignInRequired(Exception):
    """No valid session or token: pages redirect to the sign-in page, the API answers 401."""


class CsrfRefused(NotAllowed):
    def __init__(self):
        super().__init__("web.csrf", "表单已失效或来自其他网站，请刷新页面后重试")


@dataclass(frozen=True)
class Allow:
    """The roles that may call a route (empty = every signed-in person)."""

    roles: tuple[str, ...] = ()

    def __init__(self, *roles: str):
        object.__setattr__(self, "roles", tuple(roles))

    def __call__(self, request: Request) -> Principal:
        principal = current_principal(request)
        if principal is None:
            raise SignInRequired()
        if self.roles and not principal.has_role(*self.roles):
            from rexian.web.labels import role_names

            raise NotAllowed("web.role", f"此功能仅限{role_names(self.roles)}使用")
        if (request.method not in ("GET", "HEAD") and principal.via == "session"
                and request.url.path.startswith("/api/")):
            _check_csrf(request, request.headers.get(CSRF_HEADER))
        return principal


@dataclass(frozen=True)
class Public:
    """Open to everyone, signed in or not (sign-in page, citizen portal, static files, API description)."""

    def __call__(self, request: Request) -> Principal | None:
        return current_principal(request)


PUBLIC = Public()


def current_principal(request: Request) -> Principal | None:
    if hasattr(request.state, "principal"):
        return request.state.principal
    web = request.app.state.web
    person_id, via = None, "session"
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        person_id, via = web.accounts.token_person(authorization[7:].strip()), "token"
    else:
        person_id = web.accounts.session_person(request.cookies.get(SESSION_COOKIE))
    principal = principal_of(web.hotline.organisation(), person_id, via) if person_id else None
    request.state.principal = principal
    return principal


def csrf_token(request: Request) -> str:
    """The visitor's CSRF token (made by the middleware on the first request)."""
    return getattr(request.state, "csrf", "") or request.cookies.get(CSRF_COOKIE, "")


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def _check_csrf(request: Request, sent: str | None) -> None:
    cookie = request.cookies.get(CSRF_COOKIE)
    # bytes: compare_digest raises TypeError on a str with a non-ASCII character (a 500 for "csrf=é", trust13)
    if not cookie or not sent or not hmac.compare_digest(cookie.encode("utf-8", "surrogateescape"),
                                                         str(sent).encode("utf-8", "surrogateescape")):
        raise CsrfRefused()


MAX_UPLOAD_FILES = 10  # files in one posted form (evidence of a closure request)


async def checked_form(request: Request) -> FormData:
    """The posted form, after its CSRF field was checked against the visitor's cookie. A form of more bytes than
    MAX_UPLOAD_FILES files of `web_upload_max_bytes` is refused: before it is read when its length is declared,
    and otherwise (a chunked body) as soon as the stream passes that size, before the multipart parser spools
    more of it (the parser bounds text fields, not files: a file part of any size would be spooled to disk, and
    the parser closes, so deletes, what it spooled when the stream fails). So is a form with more files."""
    from starlette.datastructures import UploadFile
    from starlette.requests import Request as Posted

    limit = request.app.state.web.settings["web_upload_max_bytes"]
    cap = MAX_UPLOAD_FILES * limit + 1_000_000
    too_large = MissingField("upload.too_large", f"提交的内容过大（最多{MAX_UPLOAD_FILES}个文件，"
                                                 f"每个不超过{limit / 1_000_000:g}MB）")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise too_large
    received, seen = request.receive, [0]

    async def capped():
        message = await received()
        seen[0] += len(message.get("body", b"")) if message.get("type") == "http.request" else 0
        if seen[0] > cap:
            raise too_large
        return message
    form = await Posted(request.scope, capped).form(max_part_size=limit + 1, max_files=MAX_UPLOAD_FILES + 1)
    if sum(isinstance(value, UploadFile) for _, value in form.multi_items()) > MAX_UPLOAD_FILES:
        raise MissingField("upload.too_many", f"一次最多上传{MAX_UPLOAD_FILES}个文件")
    sent = form.get(CSRF_FIELD)
    _check_csrf(request, sent if isinstance(sent, str) else None)
    return form


def ticket_units(ticket: Ticket) -> set[str]:
    """Units that may see a ticket: the first and lead units, assisting units, units it was forwarded to."""
    return {unit for unit in (ticket.first_unit_id, *ticket.involved_unit_ids()) if unit}


def visible_ticket(request: Request, principal: Principal | None, ticket_id: str) -> Ticket:
    """The ticket if the caller may see it; otherwise the same 404 as for a ticket that does not exist."""
    ticket = request.app.state.web.hotline.ticket(ticket_id)
    if ticket is None or principal is None or (
            principal.scope is not None and not (ticket_units(ticket) & principal.scope)):
        raise NotFound("ticket.unknown", f"工单不存在或不在您的权限范围内：{ticket_id}")
    return ticket


def api_routes(app) -> list:
    """Every endpoint of the application (also those inside included routers), for the permission matrix
    and the route documentation."""
    from fastapi.routing import APIRoute

    found, pending = [], list(app.routes)
    while pending:
        route = pending.pop(0)
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):  # FastAPI's lazily included router
            pending.extend(route.original_router.routes)
    return found
