"""The server-rendered pages: sign-in, each role's workspace, ticket lists and the ticket page. Each page
is a data function (queries.py, the hotline service) rendered by a template; every route declares who may
call it (`Allow`/`PUBLIC`) and every form is CSRF-checked (`checked_form`)."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from rexian.adapters.database import reading
from rexian.domain import commands as c
from rexian.domain.errors import MissingField, NotAllowed, NotFound, WorkflowError
from rexian.web import actions, forms, queries
from rexian.web.access import (PUBLIC, SESSION_COOKIE, Allow, checked_form, current_principal,
                               visible_ticket)
from rexian.web.actions import ACTIONS, BODIES, INTAKE_ROLES, IntakeBody, from_form, to_command
from rexian.web.auth import Principal, SignInRefused
from rexian.web.notices import notice, with_notices
from rexian.web.privacy import sees_personal_data

router = APIRouter(include_in_schema=False)

HISTORY_SHOWN = 20  # the intake page's caller history: the newest, and a link to all of them when there are more
REQUESTS_PER_PAGE = 20  # the approval and review pages, oldest first, a page at a time as the ticket lists
# The evidence files accepted: each type with how its content begins (the declared type alone proves nothing) and
# the name people give it on the ticket page (labels.file_kind).
UPLOAD_TYPES = {"image/jpeg": (b"\xff\xd8\xff", "JPEG照片"), "image/png": (b"\x89PNG\r\n\x1a\n", "PNG图片"),
                "application/pdf": (b"%PDF-", "PDF文件")}


def render(request: Request, template: str, principal: Principal | None = None, status: int = 200, **data):
    web = request.app.state.web
    return web.templates.TemplateResponse(request, template, {
        "me": principal, "nav": navigation(principal), "now": web.now(), "org": web.hotline.organisation(),
        **data}, status_code=status)


def navigation(principal: Principal | None) -> list[tuple[str, str]]:
    """The menu of the signed-in person's roles (links to the workspaces they may open)."""
    if principal is None:
        return [("/portal", "市民诉求"), ("/login", "工作人员登录")]
    items = [("/", "工作台")]
    roles = principal.roles
    if roles & {"agent", "dispatcher"}:
        items.append(("/intake", "受理登记"))
    if "dispatcher" in roles:
        items.append(("/tickets?queue=dispatch", "待派单"))
    if roles & {"handler", "unit_leader"}:
        items.append(("/tickets?queue=inbox", "待办工单"))
    if "unit_leader" in roles:
        items.append(("/approvals", "审批"))
    if "reviewer" in roles:
        items.append(("/reviews", "审核"))
    if "visitor" in roles:
        items.append(("/tickets?queue=visit", "待回访"))
    items.append(("/tickets", "工单查询"))
    if "admin" in roles:
        items.append(("/admin", "系统管理"))
    from rexian.web.desk import navigation as desk_navigation

    return items + desk_navigation(principal)


# --- sign-in ---------------------------------------------------------------------------------------------
@router.get("/login")
def login_page(request: Request, next: str = "/", _=Depends(PUBLIC)):
    web = request.app.state.web
    return render(request, "login.html", None, next=_safe_next(next), error=None,
                  demo_accounts=web.extras.get("demo_accounts") or [])


@router.post("/login")
def login(request: Request, form: FormData = Depends(checked_form), _=Depends(PUBLIC)):
    web = request.app.state.web
    person_id = str(form.get("person_id") or "").strip()
    target = _safe_next(str(form.get("next") or "/"))
    try:
        token = web.accounts.sign_in(person_id, str(form.get("password") or ""))
    except SignInRefused as refused:
        return render(request, "login.html", None, status=401 if not refused.locked else 423, next=target,
                      error=refused.message, person_id=person_id,
                      demo_accounts=web.extras.get("demo_accounts") or [])
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax",
                        secure=bool(web.settings["web_secure_cookies"]),
                        max_age=web.settings["web_session_hours"] * 3600)
    return response


@router.post("/logout")
def logout(request: Request, form: FormData = Depends(checked_form), _=Depends(Allow())):
    request.app.state.web.accounts.sign_out(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/password")
def password_page(request: Request, me: Principal = Depends(Allow())):
    return render(request, "password.html", me, done=False, error=None)


@router.post("/password")
def change_password(request: Request, form: FormData = Depends(checked_form), me: Principal = Depends(Allow())):
    if form.get("new") != form.get("again"):
        return render(request, "password.html", me, status=422, done=False, error="两次输入的新密码不一致")
    try:
        request.app.state.web.accounts.change_password(me.person_id, str(form.get("old") or ""),
                                                       str(form.get("new") or ""))
    except WorkflowError as refused:
        return render(request, "password.html", me, status=422, done=False, error=refused.message)
    response = RedirectResponse("/login", status_code=303)  # every session ended: sign in again
    response.delete_cookie(SESSION_COOKIE)
    return response


def _safe_next(target: str) -> str:
    """Only a path on this site: an open redirect would let a phishing link borrow our sign-in page. A browser
    drops tabs and line breaks from a URL and reads a backslash as a slash, so "/", a tab, "/evil.example" is
    "//evil.example" (another site) to it: a control character or a backslash anywhere refuses the target."""
    if any(ord(char) < 0x20 or char in "\\\x7f" for char in target):
        return "/"
    return target if target.startswith("/") and not target.startswith("//") else "/"


# --- workspace home --------------------------------------------------------------------------------------
@router.get("/")
def home(request: Request, principal: Principal | None = Depends(PUBLIC)):
    if principal is None:
        return RedirectResponse("/portal", status_code=303)
    web = request.app.state.web
    now = web.now()
    counts = {}
    for queue in ("dispatch", "inbox", "review", "visit", "open"):
        page = queries.list_tickets(web.engine, principal, queries.Filters(queue=queue), 1, 1, now)
        counts[queue] = page.total
    inbox = overdue = None
    if principal.roles & {"handler", "unit_leader"}:
        # Today's work first (still within its deadline, soonest due first: new tickets to sign for, near-due
        # ones), then the overdue ones apart, most overdue first: a unit with a backlog of tickets months past
        # their deadline would otherwise never see today's tickets on its first page.
        # Tickets waiting on a leader's approval or the centre's review are not the handler's to do today:
        # counted apart (「审批/审核中」), the approvals themselves on the leader's tile.
        near = web.settings["web_near_due_hours"]
        inbox = queries.list_tickets(web.engine, principal, queries.Filters(queue="todo", due="pending"), 1, 10,
                                     now, near, place="首页待办")
        counts["awaiting"] = counts["review"]  # the review queue counted above
        overdue = queries.list_tickets(web.engine, principal, queries.Filters(queue="inbox", due="overdue"), 1, 5,
                                       now, near, place="首页待办（已超期）")
    return render(request, "home.html", principal, counts=counts, queues=queries.QUEUES, inbox=inbox,
                  overdue=overdue, requests=_request_tiles(web, principal))


def _request_tiles(web, principal: Principal) -> list[dict]:
    """The approval and review queues' counts: the same function as the /approvals and /reviews pages, so
    the number on the tile is the number of rows the page lists."""
    tiles = []
    for role, stage, link, label, tile_id in (("unit_leader", "unit", "/approvals", "本单位待审批申请", "approvals"),
                                              ("reviewer", "centre", "/reviews", "中心待审核申请", "reviews")):
        if role in principal.roles:
            found = len(queries.pending_requests(web.engine, web.hotline, principal, stage))
            tiles.append({"id": tile_id, "label": label, "link": link, "count": found, "capped": False})
    return tiles


# --- lists -----------------------------------------------------------------------------------------------
DATE_FILTERS = {"date_from": "受理日期自", "date_to": "受理日期至"}


def _filters(request: Request) -> tuple[queries.Filters, list[str]]:
    """The list's filters from the query string, dates read as typed (web/dates.py) and kept as yyyy-mm-dd; a date
    that cannot be read is not applied and named in the problems shown above the list."""
    from rexian.web.dates import read_dates

    params = request.query_params
    values = {name: params.get(name) or None for name in ("q", "status", "category", "unit", "due", *DATE_FILTERS)}
    problems = read_dates(values, DATE_FILTERS)
    return queries.Filters(**values, queue=params.get("queue") or "all"), problems


MAX_PAGE = 100_000  # as the API's `page` (web/api.py): a page number past it is the last one asked for


def _int(text: str | None, default: int) -> int:
    """A page number from a query string, held to 1…MAX_PAGE: ?page=99999999999999999999 overflowed the
    database's integer as an OFFSET (a 500 on /tickets and /desk/findings, trust13)."""
    try:
        number = int(text) if text else default
    except ValueError:
        return default
    return min(max(number, 1), MAX_PAGE)


@router.get("/tickets")
def ticket_list(request: Request, me: Principal = Depends(Allow())):
    web = request.app.state.web
    filters, problems = _filters(request)
    page = queries.list_tickets(web.engine, me, filters, _int(request.query_params.get("page"), 1), 20,
                                web.now(), web.settings["web_near_due_hours"], place="工单列表")
    org = web.hotline.organisation()
    query = filters.as_query()
    return render(request, "tickets.html", me, page=page, filters=filters, problems=problems, org=org,
                  queues=queries.QUEUES,
                  due_filters=queries.DUE_FILTERS,
                  query=query, export_link="/tickets/export.xlsx?" + urlencode(query),
                  page_link=lambda n: "/tickets?" + urlencode({**query, "page": n}))


@router.get("/tickets/export.xlsx")
def ticket_export(request: Request, me: Principal = Depends(Allow())):
    """The current list (its filters, up to 10,000 rows, masked as on screen) as an Excel workbook."""
    from openpyxl import Workbook

    from rexian.domain.safe_cells import neutralise_row
    from rexian.web.labels import state_name

    web = request.app.state.web
    filters, problems = _filters(request)
    if problems:  # never an export that quietly leaves out the filter asked for
        raise MissingField("web.invalid_filter", "；".join(problems))
    page = queries.list_tickets(web.engine, me, filters, 1, 10_000, web.now(), place="工单导出（Excel）")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("工单")
    sheet.append(["工单编号", "状态", "受理时间", "分类", "分类代码", "地址", "来电号码", "标题", "诉求内容",
                  "主办单位", "办理时限"])
    org = web.hotline.organisation()
    for row in page.rows:
        unit, category = org.unit(row["lead_unit_id"]), org.category(row["category"])
        # a citizen's `=HYPERLINK(...)` is shown as text in the spreadsheet, never run (domain/safe_cells.py)
        sheet.append(neutralise_row([row["ticket_id"], state_name(row["status"]), row["received_at"],
                                     category.name if category else "", row["category"], row["address"],
                                     row["caller_phone"], row["title"],
                                     row["content"], unit.name if unit else row["lead_unit_id"], row["due_at"]]))
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(buffer.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=tickets.xlsx"})


# --- one ticket ------------------------------------------------------------------------------------------
def _unmasked(request: Request, me: Principal, ticket_id: str) -> bool:
    return ticket_id in request.app.state.web.extras.setdefault("unmasked", {}).get(me.person_id, set())


@router.get("/tickets/{ticket_id}")
def ticket_page(ticket_id: str, request: Request, me: Principal = Depends(Allow())):
    web = request.app.state.web
    ticket = visible_ticket(request, me, ticket_id)
    unmasked = _unmasked(request, me, ticket_id)
    view = queries.ticket_view(web.engine, ticket, me, web.now(), web.settings["web_near_due_hours"], unmasked,
                               manifests=web.manifests)
    org = web.hotline.organisation()
    now = web.now()
    # Exactly the commands the workflow would accept from this person now, asked of the decisions themselves.
    offered = {item.name: item for item in actions.offered(web.hotline, ticket, me.person_id)}
    advice = duplicates = None
    if offered.keys() & {"merge", "dispatch"}:  # the centre deciding where it goes: same matter, likely category
        advice = _advice(request, {name: str(ticket.intake.get(name) or "")
                                   for name in ("content", "title", "address", "category")})
        duplicates = [m for m in (advice.same_matter if advice else []) if m["ticket_id"] != ticket_id]
    # A unit picker's plain pager link (paging without scripts) comes back here naming its picker: that form open.
    from rexian.web.picker import PICK, page_url

    picking = request.query_params.get(PICK, "")
    opened = next((name for name in offered if picking.startswith(forms.picker_key(name, ""))), None) \
        or (request.query_params.get("open") if request.query_params.get("open") in offered else None)
    here = page_url(request.url)
    return render(request, "ticket.html", me, view=view, org=org, actions=list(offered.values()),
                  unmasked=unmasked, advice=advice, duplicates=duplicates, opened=opened,
                  form_inputs=lambda name: forms.inputs(name, ticket, org, now, offered[name].choices,
                                                        web.hotline.deadlines, here, request.query_params),
                  masked=not sees_personal_data(me, unmasked), error=notice(web.engine, request.query_params, "error"),
                  done=_done(request.query_params.get("done")))


def _done(name: str | None) -> str | None:
    """What the page confirms after a command: only a command's own name or the intake, never words from the URL."""
    return name if name == INTAKE_DONE or name in ACTIONS else None


@router.post("/tickets/{ticket_id}/unmask")
def unmask(ticket_id: str, request: Request, form: FormData = Depends(checked_form),
           me: Principal = Depends(Allow("supervisor"))):
    """A supervisor sees one ticket's personal data for this session, with a stated reason (audited)."""
    visible_ticket(request, me, ticket_id)
    reason = str(form.get("reason") or "").strip()
    if len(reason) < 4:
        raise MissingField("unmask.reason_required", "查看个人信息必须说明理由（至少4个字）")
    web = request.app.state.web
    web.accounts.audit(me.person_id, "unmask", reason, ticket_id)
    web.extras.setdefault("unmasked", {}).setdefault(me.person_id, set()).add(ticket_id)
    return RedirectResponse(f"/tickets/{ticket_id}", status_code=303)


@router.post("/tickets/{ticket_id}/do/{action_name}")
async def ticket_action(ticket_id: str, action_name: str, request: Request,
                        form: FormData = Depends(checked_form), me: Principal = Depends(Allow())):
    action = ACTIONS.get(action_name)
    if action is None:
        raise MissingField("web.unknown_action", f"未知的操作：{action_name}")
    if not me.has_role(*action.roles):
        from rexian.web.labels import role_names

        raise NotAllowed("web.role", f"此操作仅限{role_names(action.roles)}执行")
    visible_ticket(request, me, ticket_id)
    web = request.app.state.web
    try:  # a time typed wrong is told on the ticket, as a refusal is, not on a bare error page
        body = from_form(BODIES[action_name], form)
    except WorkflowError as refused:
        return _refused(request, ticket_id, action_name, refused)
    files: list[dict] = []
    if action.command is c.RequestClosure:
        evidence, files = await _read_uploads(request, form, ticket_id, me)
        body = body.model_copy(update={"evidence": list(body.evidence) + evidence})
    try:
        command = to_command(action.command, body, me.person_id, ticket_id,
                             str(form.get("idempotency_key") or "") or None)
        web.hotline.handle(command, along=_store_files(files) if files else None)
    except WorkflowError as refused:
        return _refused(request, ticket_id, action_name, refused)
    back = _safe_next(str(form.get("back") or ""))  # "//elsewhere" is another site, not a path here
    # The ticket page confirms what was done (`done` names the command; the words are the page's own).
    return RedirectResponse(back if back != "/" else f"/tickets/{ticket_id}?done={action_name}", status_code=303)


def _refused(request: Request, ticket_id: str, action_name: str, refused: WorkflowError) -> RedirectResponse:
    """Back to the ticket with the reason (signed: web/notices.py), and the form that was refused open again."""
    return RedirectResponse(with_notices(request.app.state.web.engine, f"/tickets/{ticket_id}", error=refused.message,
                                         open=action_name), status_code=303)


async def _read_uploads(request: Request, form: FormData, ticket_id: str, me: Principal) -> tuple[list, list[dict]]:
    """Evidence files: type (declared and by content) and size checked; the evidence items citing them by
    sha256, and the rows to store in the command's own transaction (`_store_files`)."""
    from rexian.web.actions import EvidenceIn

    web = request.app.state.web
    limit = web.settings["web_upload_max_bytes"]
    evidence, rows = [], []
    for upload in form.getlist("files"):
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        if upload.size is not None and upload.size > limit:  # known from the spooled file: never read into memory
            raise MissingField("evidence.size", f"文件过大：{upload.filename}（上限{limit // 1_000_000}MB）")
        data = await upload.read(limit + 1)
        if upload.content_type not in UPLOAD_TYPES:
            raise MissingField("evidence.type", f"不支持的文件类型：{upload.content_type}（可上传JPEG、PNG照片或PDF）")
        if len(data) > limit:
            raise MissingField("evidence.size", f"文件过大：{upload.filename}（上限{limit // 1_000_000}MB）")
        if not data.startswith(UPLOAD_TYPES[upload.content_type][0]):  # a page or a program named .png is no photo
            raise MissingField("evidence.content", f"文件内容与类型不符：{upload.filename}（可上传JPEG、PNG照片或PDF）")
        sha = hashlib.sha256(data).hexdigest()
        name = _shown_name(upload.filename)
        rows.append({"sha256": sha, "ticket_id": ticket_id, "name": name,
                     "content_type": upload.content_type, "size": len(data), "data": data,
                     "uploaded_by": me.person_id})
        kind = "photo" if upload.content_type.startswith("image/") else "document"
        evidence.append(EvidenceIn(kind=kind, summary=name, ref=f"sha256:{sha}"))
    return evidence, rows


def _shown_name(filename: str) -> str:
    """A file's name as kept and shown: its last path part, without control or format characters (a right-to-left
    override makes 「照片」+U+202E+「gpj.exe」 read as 照片exe.jpg), at most 200 characters."""
    import unicodedata

    last = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in last if unicodedata.category(ch)[0] != "C")[:200] or "文件"


def _store_files(rows: list[dict]):
    """Store each file once per content, in the transaction of the command whose event cites it."""
    from sqlalchemy import insert, select

    from rexian.adapters import tables as t

    def store(connection, now: datetime) -> None:
        for row in rows:
            if connection.execute(select(t.attachments.c.sha256)
                                  .where(t.attachments.c.sha256 == row["sha256"])).first() is None:
                connection.execute(insert(t.attachments).values(**row, uploaded_at=now))
    return store


@router.get("/files/{sha256}")
def download(sha256: str, request: Request, ticket: str | None = None, me: Principal = Depends(Allow())):
    """One stored file. A file is stored once per content, under the ticket that first uploaded it; another
    ticket whose events cite the same content (`?ticket=` from its page) opens it to whoever may see that
    ticket."""
    from sqlalchemy import select

    from rexian.adapters import tables as t
    from rexian.service.verify_side import evidence_refs

    web = request.app.state.web
    with reading(web.engine) as connection:
        row = connection.execute(select(t.attachments).where(t.attachments.c.sha256 == sha256)).first()
    if row is None:
        raise MissingField("file.unknown", "文件不存在")
    if ticket is None or ticket == row.ticket_id:
        visible_ticket(request, me, row.ticket_id)
    else:
        visible_ticket(request, me, ticket)
        if sha256 not in evidence_refs(web.hotline.events(ticket)):  # a ticket may open only what it cites
            raise NotFound("file.unknown", "文件不存在或不在您的权限范围内")
    if hashlib.sha256(row.data).hexdigest() != sha256:  # evidence swapped in the database: never served as genuine
        raise MissingField("file.altered", "文件内容与其校验值不符（已被改动），请管理员运行 rexian verify")
    return Response(row.data, media_type=row.content_type,
                    headers={"Content-Disposition": "attachment; filename=evidence"})


# --- intake (agent) --------------------------------------------------------------------------------------
@router.get("/intake")
def intake_page(request: Request, me: Principal = Depends(Allow(*INTAKE_ROLES))):
    return render(request, "intake.html", me, org=request.app.state.web.hotline.organisation(), advice=None,
                  history=[], draft={}, error=None)


@router.post("/intake")
def intake(request: Request, form: FormData = Depends(checked_form), me: Principal = Depends(Allow(*INTAKE_ROLES))):
    web = request.app.state.web
    draft = {key: value for key, value in form.items() if isinstance(value, str)}
    org = web.hotline.organisation()
    if form.get("step") == "advise":
        advice = _advice(request, draft)
        history, more = queries.caller_history(web.engine, draft.get("caller_phone", ""), me, web.now(), HISTORY_SHOWN)
        preselected = None
        if advice and advice.categories and not draft.get("category") \
                and advice.categories[0][1] >= CATEGORY_PRESELECT and org.category(advice.categories[0][0]):
            # The agent asked for the suggestion: its likely category is chosen for them to check, not left 未定.
            preselected = draft["category"] = advice.categories[0][0]
        return render(request, "intake.html", me, org=org, advice=advice, history=history,
                      more_history=more, history_shown=HISTORY_SHOWN, preselected=preselected,
                      phone=draft.get("caller_phone", ""), draft=draft, error=None)
    try:
        body = from_form(IntakeBody, form)
        outcome = web.hotline.handle(to_command(c.Intake, body, me.person_id,
                                                idempotency_key=draft.get("idempotency_key") or None))
    except WorkflowError as refused:
        return render(request, "intake.html", me, status=422, org=org, advice=None, history=[], draft=draft,
                      error=refused.message)
    return RedirectResponse(f"/tickets/{outcome.ticket_id}?done={INTAKE_DONE}", status_code=303)


CATEGORY_PRESELECT = 0.5  # a suggested category at least this likely is preselected on the intake form
INTAKE_DONE = "intake"  # the ticket page's confirmation of a new ticket (`done`), beside the commands' names


def _advice(request: Request, draft: dict):
    web = request.app.state.web
    if web.assistant is None or len(draft.get("content", "")) < 5:
        return None
    try:
        return web.assistant.advise(draft.get("content", ""), web.now(), title=draft.get("title"),
                                    address=draft.get("address"), category=draft.get("category") or None)
    except Exception:  # noqa: BLE001 - advice is help, never a reason to lose the agent's form
        import logging

        logging.getLogger(__name__).exception("intake advice failed")
        return None


# --- approvals (unit leader) and reviews (centre) ---------------------------------------------------------
def _requests_page(request: Request, me: Principal, stage: str, title: str):
    """A queue of requests, oldest first; each request's words (reason, reply: handlers write the caller's phone
    or address into them) go through `disclose` like every other text of a ticket."""
    from rexian.web.privacy import disclose

    web = request.app.state.web
    listed = queries.paged(queries.pending_requests(web.engine, web.hotline, me, stage),
                           _int(request.query_params.get("page"), 1), REQUESTS_PER_PAGE)
    items = listed.rows
    words = disclose(web.engine, me, [(item["ticket"].ticket_id, {key: item["request"].payload.get(key) for key in
                                                                  ("reason", "reply")}) for item in items],
                     title, web.now())
    for item, shown in zip(items, words):
        item["words"] = shown.get("reason") or shown.get("reply") or ""
    return render(request, "requests.html", me, items=items, title=title, listed=listed,
                  page_link=lambda n: f"{request.url.path}?page={n}")


@router.get("/approvals")
def approvals(request: Request, me: Principal = Depends(Allow("unit_leader"))):
    return _requests_page(request, me, "unit", "本单位待审批申请")


@router.get("/reviews")
def reviews(request: Request, me: Principal = Depends(Allow("reviewer"))):
    return _requests_page(request, me, "centre", "中心待审核申请")


# --- administration: rexian.web.admin -------------------------------------------------------------------


# --- citizen portal (no sign-in) -------------------------------------------------------------------------
@router.get("/portal")
def portal(request: Request, _=Depends(PUBLIC)):
    return render(request, "portal.html", current_principal(request), org=request.app.state.web.hotline.organisation(),
                  filed=None, error=None, found=None)


@router.post("/portal")
def portal_file(request: Request, form: FormData = Depends(checked_form), _=Depends(PUBLIC)):
    from rexian.web import portal as citizen

    web = request.app.state.web
    try:
        filed = citizen.file_request(web.hotline, {k: v for k, v in form.items() if isinstance(v, str)})
    except WorkflowError as refused:
        return render(request, "portal.html", None, status=422, org=web.hotline.organisation(), filed=None,
                      error=refused.message, found=None, draft=dict(form))
    return render(request, "portal.html", None, org=web.hotline.organisation(), filed=filed, error=None, found=None)


@router.post("/portal/track")
def portal_track(request: Request, form: FormData = Depends(checked_form), _=Depends(PUBLIC)):
    from rexian.web import portal as citizen

    web = request.app.state.web
    try:
        found = citizen.track(web.hotline, str(form.get("ticket_id") or "").strip(),
                              str(form.get("code") or "").strip(), citizen.code_guard(web), _client(request))
    except WorkflowError as refused:  # too many wrong codes for this number
        return render(request, "portal.html", None, status=429, org=web.hotline.organisation(), filed=None,
                      found=None, error=refused.message)
    return render(request, "portal.html", None, org=web.hotline.organisation(), filed=None, found=found,
                  error=None if found else "工单编号或查询码不正确")


@router.post("/portal/rate")
def portal_rate(request: Request, form: FormData = Depends(checked_form), _=Depends(PUBLIC)):
    from rexian.web import portal as citizen

    web = request.app.state.web
    ticket_id, code = str(form.get("ticket_id") or "").strip(), str(form.get("code") or "").strip()
    citizen.rate(web.hotline, ticket_id, code, str(form.get("rating") or ""), citizen.code_guard(web), _client(request))
    found = citizen.track(web.hotline, ticket_id, code, citizen.code_guard(web), _client(request))
    return render(request, "portal.html", None, org=web.hotline.organisation(), filed=None, found=found, error=None)


def _client(request: Request) -> str:
    from rexian.web.portal import client_of, forwarded_for_of

    return client_of(request.client.host if request.client else None, forwarded_for_of(request.headers),
                     request.app.state.web.settings["web_trusted_proxies"])


def now_of(request: Request) -> datetime:
    return request.app.state.web.now()
