"""The ASGI application: pages, REST API and Open311 in one FastAPI app over one `Hotline`.

`create_app(hotline)` is the factory; `ROUTERS` is the one place where a module's router is registered
(each module listed defines `router`). Errors leave as `application/problem+json` under /api (with the
refusal code and the Chinese message) and as a Chinese error page elsewhere; no traceback ever reaches a
client.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import sys
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from rexian.adapters.manifests import ManifestRanges
from rexian.domain.errors import WorkflowError
from rexian.domain.visible_text import direction_contained
from rexian.domain.vocabulary import refusal
from rexian.web import labels
from rexian.web.access import CSRF_COOKIE, SignInRequired, csrf_token, new_csrf_token
from rexian.web.auth import Accounts
from rexian.web.privacy import DatabaseBusy, is_lock_timeout

log = logging.getLogger(__name__)
HERE = Path(__file__).parent

# Every module whose `router` is part of the application, in order. Add a line here to add pages.
ROUTERS: tuple[str, ...] = ("rexian.web.pages", "rexian.web.admin", "rexian.web.tokens", "rexian.web.picker",
                            "rexian.web.api", "rexian.web.desk")

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
                           "frame-ancestors 'none'")


@dataclass
class WebContext:
    """What every page and endpoint works with, kept on `app.state.web`."""

    hotline: Any
    accounts: Accounts
    templates: Jinja2Templates
    assistant: Any = None
    extras: dict[str, Any] = field(default_factory=dict)
    manifests: ManifestRanges = field(default_factory=ManifestRanges)  # where imported tickets came from

    @property
    def settings(self):
        return self.hotline.settings

    @property
    def engine(self):
        return self.hotline.engine

    def now(self):
        return self.hotline.clock()


def create_app(hotline, assistant=None, startup: Callable[[Any], Any] | None = None,
               demo_accounts: list[dict[str, str]] | None = None) -> FastAPI:
    """The application over `hotline`. `startup(hotline)` runs when the server starts (e.g. to begin
    draining events other processes appended to the log into the real-time evaluator)."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(csrf_token=csrf_token, state_name=labels.state_name,
                                 role_name=labels.role_name, action_name=labels.action_name,
                                 command_name=labels.command_name, choices=labels.choices(),
                                 evidence_items=labels.evidence_items, event_texts=labels.event_texts,
                                 rule_name=labels.rule_name)
    templates.env.finalize = _direction_contained  # before any template is compiled: Jinja applies it at compile time
    templates.env.filters["when"] = labels.when
    templates.env.filters["day"] = labels.day
    templates.env.filters["file_kind"] = labels.file_kind
    templates.env.filters["import_source"] = labels.import_source
    templates.env.globals["audit_reason"] = labels.audit_reason
    templates.env.globals["audit_person"] = labels.audit_person
    templates.env.filters["batch_name"] = labels.batch_name
    templates.env.filters["file_size"] = labels.file_size
    accounts = Accounts(hotline.engine, hotline.settings, hotline.clock)
    @contextlib.asynccontextmanager
    async def lifespan(_app):  # the hook for work that runs beside the server
        if startup is not None:
            startup(hotline)
        yield

    app = FastAPI(lifespan=lifespan, title="Rexian 热线 API", version=_version(), docs_url="/api/docs", redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="12345 热线工单平台的接口。写操作接受 Idempotency-Key 请求头；"
                              "错误以 application/problem+json 返回，含拒绝代码与中文说明。")
    app.state.web = WebContext(hotline, accounts, templates, assistant,
                               {"demo_accounts": demo_accounts or []})

    for module_name in ROUTERS:
        app.include_router(importlib.import_module(module_name).router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _mount_open311(app, hotline)
    _install_error_handlers(app)
    _install_middleware(app)

    return app


def _direction_contained(value: Any) -> Any:
    """Every value a page shows, with its direction controls balanced (domain/visible_text.py): a citizen's text may
    hold a right-to-left override, legitimately or not, and must not turn the rest of the page around. The one place
    the templates isolate what users wrote; names of units and people holding such characters are refused on entry."""
    if isinstance(value, str):
        contained = direction_contained(value)
        if contained is not value:
            return Markup(contained) if isinstance(value, Markup) else contained
    return value


def _version() -> str:
    from rexian import __version__

    return __version__


def _install_middleware(app: FastAPI) -> None:
    secure = bool(app.state.web.settings["web_secure_cookies"])

    @app.middleware("http")
    async def csrf_cookie_and_headers(request: Request, call_next):
        fresh = None
        if not request.cookies.get(CSRF_COOKIE):
            fresh = new_csrf_token()
            request.state.csrf = fresh
        response = await call_next(request)
        if fresh:
            response.set_cookie(CSRF_COOKIE, fresh, httponly=True, samesite="strict", secure=secure)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def _wants_problem(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def problem(status: int, title: str, detail: str, code: str | None = None, **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if code:
        body["code"] = code
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def error_page(request: Request, status: int, message: str, code: str | None = None) -> Response:
    if _wants_problem(request):
        return problem(status, _TITLES.get(status, "请求被拒绝"), message, code)
    return request.app.state.web.templates.TemplateResponse(
        request, "error.html", {"status": status, "title": _TITLES.get(status, "请求被拒绝"), "message": message,
                                "code": code, "back": _same_site_referer(request),
                                "again": _this_page(request) if status == 503 and request.method == "GET" else None},
        status_code=status)


def _this_page(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def _same_site_referer(request: Request) -> str | None:
    """The page the reader came from, when it is one of ours (path and query only): the error page's way back.
    Not `javascript:history.back()`, which the Content-Security-Policy refuses to run."""
    referer, base = request.headers.get("referer", ""), str(request.base_url)
    if not referer.startswith(base):
        return None
    back = "/" + referer[len(base):]
    return back if "\\" not in back and not back.startswith("//") and back != request.url.path else None


# What a person reads when the framework itself refuses with a method it does not take (its detail is HTTP's
# English phrase); other refusals of the framework read as their title.
_METHOD_REFUSED = "该地址不能直接打开，请从页面上的按钮或表单操作"

_TITLES = {400: "请求有误", 401: "请先登录", 403: "无权操作", 404: "未找到", 405: "不支持的方法",
           409: "状态冲突", 413: "文件过大", 415: "文件类型不支持", 422: "内容不完整或无效",
           500: "服务器内部错误", 503: "系统繁忙"}


def _http_phrase(status: int) -> str:
    with contextlib.suppress(ValueError):
        return HTTPStatus(status).phrase
    return ""


def _busy(request: Request, message: str) -> Response:
    """503 with Retry-After: the database's write lock is taken (an import); nothing was shown or written."""
    response = error_page(request, 503, message, "web.busy")
    response.headers["Retry-After"] = "5"
    return response


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(WorkflowError)
    async def refused(request: Request, error: WorkflowError):
        return error_page(request, refusal(error.kind).http_status, error.message, error.rule)

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, _error: SignInRequired):
        if _wants_problem(request):
            return problem(401, "请先登录", "需要登录或有效的接口令牌", "web.sign_in_required")
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):
        fields = ["/".join(str(part) for part in item.get("loc", ())) for item in error.errors()]
        return error_page(request, 422, "请求内容无效：" + "、".join(fields), "web.invalid_request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        message = error.detail if isinstance(error.detail, str) else ""
        if error.status_code in (404, 405) or message in ("", _http_phrase(error.status_code)):
            message = _TITLES.get(error.status_code, "请求被拒绝")
        if error.status_code == 405:
            message = f"该地址不接受 {request.method} 请求" if _wants_problem(request) else _METHOD_REFUSED
        return error_page(request, error.status_code, message, f"http.{error.status_code}")

    @app.exception_handler(DatabaseBusy)
    async def busy(request: Request, error: DatabaseBusy):
        return _busy(request, error.message)

    @app.exception_handler(Exception)
    async def crashed(request: Request, error: Exception):
        if is_lock_timeout(error):  # a command that waited SQLite's whole busy timeout behind an import
            log.warning("write lock still taken after the busy timeout on %s %s", request.method, request.url.path)
            return _busy(request, DatabaseBusy().message)
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_page(request, 500, "服务器内部错误，已记录，请稍后重试", "web.internal")


def _mount_open311(app: FastAPI, hotline) -> None:
    """GeoReport v2 (a WSGI application) served in-process under /open311/v2."""
    from rexian.open311.georeport import GeoReport
    from rexian.open311.wsgi import make_app

    wsgi = make_app(GeoReport(hotline))

    async def open311(scope, receive, send):
        request = Request(scope, receive)
        body = await request.body()
        environ = {
            "REQUEST_METHOD": request.method, "PATH_INFO": scope.get("path", "")[len("/open311/v2"):],
            "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
            "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": request.headers.get("content-type", ""),
            "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "SERVER_NAME": "rexian",
            "SERVER_PORT": "0", "wsgi.url_scheme": scope.get("scheme", "http"),
        }
        answer: dict[str, Any] = {}

        def start_response(status, headers, _exc_info=None):
            answer["status"], answer["headers"] = int(status.split()[0]), headers

        from starlette.concurrency import run_in_threadpool

        chunks = await run_in_threadpool(lambda: list(wsgi(environ, start_response)))
        response = Response(b"".join(chunks), status_code=answer["status"],
                            headers={k: v for k, v in answer["headers"] if k.lower() != "content-length"})
        await response(scope, receive, send)

    app.mount("/open311/v2", open311)


def html(text: str) -> HTMLResponse:  # for tiny fragments answered to htmx
    return HTMLResponse(text)
