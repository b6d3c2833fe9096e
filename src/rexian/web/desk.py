"""The supervisor's desk in the browser: dashboard, findings triage, clues and cases, supervision orders
(answered by the unit in its own workspace), bulletins, the live list of finding changes, and the
administrator's webhook delivery log.

Thin like pages.py: each route declares who may call it, calls one service function (service/desk.py,
dashboard.py, bulletin.py, push.py) and renders a template. Handlers and unit leaders see only their unit's
supervision orders; every other page here is for supervisors (the dashboard also for the centre's
reviewers and administrators).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import (
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.datastructures import FormData

from rexian.adapters.database import reading
from rexian.domain import clues, vocabulary
from rexian.domain.errors import MissingField, WorkflowError
from rexian.web.access import Allow, checked_form
from rexian.web.auth import Principal
from rexian.web.labels import batch_name
from rexian.web.notices import notice, with_notices

router = APIRouter(include_in_schema=False)

SUPERVISOR = Allow("supervisor")
DASHBOARD_ROLES = Allow("supervisor", "reviewer", "admin")
UNIT_ROLES = Allow("handler", "unit_leader")
ADMIN = Allow("admin")
PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def navigation(principal: Principal) -> list[tuple[str, str]]:
    """The desk's menu entries for a signed-in person (added to the workspace menu by pages.navigation)."""
    items = []
    if principal.has_role("supervisor", "reviewer", "admin"):
        items.append(("/desk", "监督驾驶舱"))
    if principal.has_role("supervisor"):
        items += [("/desk/findings", "问题线索"), ("/desk/clues", "线索案件"), ("/desk/orders", "督办单"),
                  ("/desk/bulletins", "通报"), ("/desk/live", "实时推送")]
    if principal.has_role("handler", "unit_leader"):
        items.append(("/orders", "督办单"))
    if principal.has_role("admin"):
        items.append(("/admin/deliveries", "推送日志"))
    return items


def _services(request: Request):
    from rexian.bootstrap import desk_services

    return desk_services(request.app.state.web.hotline)


def _render(request: Request, template: str, me: Principal, status: int = 200, **data):
    from rexian.web.pages import render

    return render(request, template, me, status=status, labels=clues.LABELS, outcomes=clues.OUTCOMES,
                  sources=vocabulary.FINDING_SOURCES, error=notice(request.app.state.web.engine, request.query_params, "error"),
                  done=notice(request.app.state.web.engine, request.query_params, "done"), **data)


def _back(request: Request, url: str, **params: str) -> RedirectResponse:
    """Back to `url`, with what to say there signed (web/notices.py)."""
    return RedirectResponse(with_notices(request.app.state.web.engine, url, **params), status_code=303)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _who(request: Request):
    """How the desk's pages name a unit or a person: `who(id, blank)`, its name with its id (records.named), the
    name from the organisation or the imported staff roster."""
    from rexian.adapters.record_store import staff_names
    from rexian.domain.records import named

    with reading(request.app.state.web.hotline.engine) as connection:
        names = staff_names(connection)
    return lambda subject_id, blank="": named(subject_id, names, blank)


# --- dashboard -------------------------------------------------------------------------------------------
@router.get("/desk")
def dashboard(request: Request, me: Principal = Depends(DASHBOARD_ROLES)):
    snapshot = _hotspots_disclosed(request, me, _services(request).dashboard.snapshot(), "监督看板")
    return _render(request, "desk/dashboard.html", me, snap=snapshot,
                   chart_data=script_json(snapshot))


def script_json(data) -> str:
    """JSON to sit inside a <script type="application/json"> element: `<`, `>` and `&` written as \\u escapes
    (still the same JSON), so a unit's or a place's name from an imported export that contains
    `</script><img onerror=…>` cannot close the element and become markup."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@router.get("/desk/dashboard.json")
def dashboard_json(request: Request, me: Principal = Depends(DASHBOARD_ROLES)):
    return JSONResponse(_hotspots_disclosed(request, me, _services(request).dashboard.snapshot(), "监督看板数据"))


def _hotspots_disclosed(request: Request, me: Principal, snapshot: dict, place: str) -> dict:
    """The hotspot places are callers' addresses too: through `privacy.disclose` (masked to the coarse place)."""
    from rexian.web.privacy import disclose_hotspots

    web = request.app.state.web
    return disclose_hotspots(web.engine, me, snapshot, f"{place}：高频诉求地点", web.now())


# --- findings triage -------------------------------------------------------------------------------------
FINDING_DATES = {"date_from": "日期自", "date_to": "日期至"}


def _finding_filters(request: Request, kind):
    """The triage filters from the query string, dates read as typed (web/dates.py, as the ticket lists do); a date
    that cannot be read is not applied and named above the list."""
    from rexian.web.dates import read_dates

    values = dict(request.query_params)
    problems = read_dates(values, FINDING_DATES)
    return kind.from_mapping(values), problems


@router.get("/desk/findings")
def findings(request: Request, me: Principal = Depends(SUPERVISOR)):
    from rexian.analytics.registry import FAMILY_NAMES_ZH, SEVERITY_ZH, all_rules
    from rexian.service.desk import FindingFilter

    services = _services(request)
    filters, problems = _finding_filters(request, FindingFilter)
    from rexian.web.pages import _int

    page = _int(request.query_params.get("page"), 1)
    result = services.desk.findings(filters, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    query = filters.as_query()
    return _render(request, "desk/findings.html", me, result=result, filters=filters, page=page, problems=problems,
                   facets=services.desk.facets(), families=FAMILY_NAMES_ZH, severities=SEVERITY_ZH,
                   rules={rid: r.name_zh for rid, r in all_rules().items()}, who=_who(request),
                   org=request.app.state.web.hotline.organisation(), query=query,
                   page_link=lambda n: "/desk/findings?" + urlencode({**query, "page": n}),
                   here="/desk/findings?" + urlencode({**query, "page": page}))


@router.get("/desk/finding")
def finding(request: Request, key: str = "", me: Principal = Depends(SUPERVISOR)):
    from rexian.analytics.registry import FAMILY_NAMES_ZH, SEVERITY_ZH, all_rules

    shown = _masked_finding(request, me, _services(request).desk.finding(key))
    values = shown["evidence"].get("values") or {}
    categories = request.app.state.web.hotline.organisation().categories
    if values.get("category") in categories:  # a category code (0504) shown with its name
        code = values["category"]
        shown = {**shown, "evidence": {**shown["evidence"], "values": {
            **values, "category": f"{code} {categories[code].name}"}}}
    rule = all_rules().get(shown["rule_id"])
    grown = {name: values[name] for name in (rule.grows if rule else ()) if name in values}
    return _render(request, "desk/finding.html", me, f=shown, families=FAMILY_NAMES_ZH, severities=SEVERITY_ZH,
                   rules={rid: r.name_zh for rid, r in all_rules().items()}, who=_who(request),
                   action_label=clues.action_label, grown=grown)


def _masked_finding(request: Request, me: Principal, shown: dict) -> dict:
    """The finding's timelines and evidence texts (citizens' and handlers' words) through `privacy.disclose`:
    masked for the supervisor unless they opened that ticket with a stated reason, and then audited. Evidence
    texts count as the finding's first ticket's."""
    from rexian.web.privacy import disclose

    web = request.app.state.web
    opened = web.extras.setdefault("unmasked", {}).get(me.person_id, set())
    timelines = shown["timelines"]
    first = (shown.get("ticket_ids") or [""])[0]
    texts = list(shown["evidence"].get("texts", []))
    items = [(tid, event["payload"]) for tid, events in timelines.items() for event in events]
    items += [(first, {"content": text if isinstance(text, str) else str(text)}) for text in texts]
    # the computed values too: a repeat complaint's place is the callers' address
    items.append((tuple(shown.get("ticket_ids") or ()), {"values": shown["evidence"].get("values") or {}}))
    masked = iter(disclose(web.engine, me, items, "督查台：问题线索详情", web.now(), opened))
    timelines = {tid: [{**event, "payload": next(masked)} for event in events] for tid, events in timelines.items()}
    evidence = {**shown["evidence"], "texts": [next(masked)["content"] for _ in texts],
                "values": next(masked)["values"]}
    return {**shown, "timelines": timelines, "evidence": evidence}


@router.post("/desk/findings/decide")
def decide(request: Request, form: FormData = Depends(checked_form), me: Principal = Depends(SUPERVISOR)):
    keys = [k for k in form.getlist("keys") if isinstance(k, str) and k]
    back = _text(form, "back") if _text(form, "back").startswith("/desk/") else "/desk/findings"
    if not keys:
        return _back(request, back, error="请至少勾选一条问题线索")
    try:
        _services(request).desk.decide(keys, _text(form, "decision"), me.person_id, _text(form, "reason"))
    except WorkflowError as refused:
        return _back(request, back, error=refused.message)
    verb = {"confirm": "确认", "dismiss": "排除"}.get(_text(form, "decision"), "处理")
    return _back(request, back, done=f"已{verb}{len(keys)}条问题线索")


# --- clues and cases -------------------------------------------------------------------------------------
@router.post("/desk/clues")
def open_clue(request: Request, form: FormData = Depends(checked_form), me: Principal = Depends(SUPERVISOR)):
    keys = [k for k in form.getlist("keys") if isinstance(k, str) and k]
    back = _text(form, "back") if _text(form, "back").startswith("/desk/") else "/desk/findings"
    try:
        clue_id = _services(request).desk.open_clue(me.person_id, keys, _text(form, "title"),
                                                    _text(form, "officer_id") or None)
    except WorkflowError as refused:
        return _back(request, back, error=refused.message)
    return _back(request, f"/desk/clues/{clue_id}", done=f"已形成线索 {clue_id}（来源问题线索{len(keys)}条）")


@router.get("/desk/clues")
def clue_list(request: Request, me: Principal = Depends(SUPERVISOR)):
    status = request.query_params.get("status") or None
    return _render(request, "desk/clues.html", me, items=_services(request).desk.clues(status), status_filter=status,
                   who=_who(request))


@router.get("/desk/clues/{clue_id}")
def clue_page(clue_id: str, request: Request, me: Principal = Depends(SUPERVISOR)):
    org = request.app.state.web.hotline.organisation()
    return _render(request, "desk/clue.html", me, clue=_services(request).desk.clue(clue_id), who=_who(request),
                   org=org, action_label=clues.action_label)


@router.post("/desk/clues/{clue_id}/{step}")
def clue_step(clue_id: str, step: str, request: Request, form: FormData = Depends(checked_form),
              me: Principal = Depends(SUPERVISOR)):
    desk = _services(request).desk
    steps = {
        "note": lambda: desk.note_verification(clue_id, me.person_id, _text(form, "text"),
                                               [f for f in _text(form, "files").split() if f]),
        "case": lambda: desk.file_case(clue_id, me.person_id, _text(form, "reason")),
        "close": lambda: desk.close_clue(clue_id, me.person_id, _text(form, "reason")),
        "outcome": lambda: desk.record_outcome(clue_id, me.person_id, _text(form, "outcome"),
                                               _text(form, "person_id") or None, _text(form, "unit_id") or None,
                                               _text(form, "note")),
    }
    if step not in steps:
        raise MissingField("desk.unknown_step", f"未知的操作：{step}")
    desk.clue(clue_id)  # an unknown clue is a 404, not a refusal shown on its page
    try:
        steps[step]()
    except WorkflowError as refused:
        return _back(request, f"/desk/clues/{clue_id}", error=refused.message)
    done = {"note": "核查记录已保存", "case": "已立案", "close": "线索已了结",
            "outcome": f"处理结果「{clues.OUTCOMES.get(_text(form, 'outcome'), '')}」已记录"}[step]
    return _back(request, f"/desk/clues/{clue_id}", done=done)


# --- supervision orders ----------------------------------------------------------------------------------
@router.get("/desk/orders")
def order_list(request: Request, me: Principal = Depends(SUPERVISOR)):
    """The orders, and the form issuing a batch: from a clue (`clue`: its findings and its unit filled in) or
    from findings (`keys`)."""
    params = request.query_params
    clue_id, keys, units = params.get("clue") or "", params.getlist("keys"), []
    if clue_id:
        clue = _services(request).desk.clue(clue_id)  # an unknown clue is a 404
        keys = keys or clue["finding_keys"]
        units = [clue["unit_id"]] if clue["unit_id"] else []
    return _order_page(request, me, keys, clue_id, units)


@router.post("/desk/orders/draft")
def order_from_findings(request: Request, form: FormData = Depends(checked_form),
                        me: Principal = Depends(SUPERVISOR)):
    """The order form for the findings ticked on the findings list, their units chosen (an order each)."""
    keys = [k for k in form.getlist("keys") if isinstance(k, str) and k]
    if not keys:
        return _back(request, "/desk/findings", error="请至少勾选一条问题线索")
    units = [f["unit_id"] for f in _services(request).desk.findings_of(keys) if f["unit_id"]]
    return _order_page(request, me, keys, "", list(dict.fromkeys(units)))


def _order_page(request: Request, me: Principal, keys: list[str], clue_id: str, units: list[str]):
    """The source findings are listed by what they are about, never by key (a repeat complaint's key holds the
    callers' address), and posted one key a field (a key may hold a space)."""
    from urllib.parse import urlencode

    from rexian.web.picker import unit_picker

    params = request.query_params
    desk = _services(request).desk
    sources = desk.findings_of(keys)
    # The picker's search and pager without scripts come back to this form as a GET (a draft from findings is a POST).
    here = "/desk/orders?" + urlencode([*([("clue", clue_id)] if clue_id else []), *(("keys", key) for key in keys)])
    picker = unit_picker(request.app.state.web.hotline.organisation(), "order-units", "unit_ids", units,
                         on_page=here.rstrip("?"), params=params)
    return _render(request, "desk/orders.html", me,
                   items=desk.orders(batch=params.get("batch") or None, unit_id=params.get("unit") or None),
                   who=_who(request), units=picker, source_findings=sources, clue_id=clue_id)


@router.post("/desk/orders")
def issue_orders(request: Request, form: FormData = Depends(checked_form), me: Principal = Depends(SUPERVISOR)):
    units = [u for u in form.getlist("unit_ids") if isinstance(u, str) and u]
    # one key a field (the form's list); `finding_keys`, keys separated by spaces, is still read for callers
    # that post it
    keys = [k for k in form.getlist("finding_key") if isinstance(k, str) and k]
    keys += [k for k in _text(form, "finding_keys").split() if k]
    from rexian.web.dates import UnreadableDate, read_datetime

    try:
        due = read_datetime(_text(form, "due_at"), "督办期限")
    except UnreadableDate as error:
        return _back(request, "/desk/orders", error=str(error))
    if due is None:
        return _back(request, "/desk/orders", error="请填写督办期限")
    try:
        batch, ids = _services(request).desk.issue_orders(me.person_id, units, due, _text(form, "demand"),
                                                          keys, _text(form, "clue_id") or None)
    except WorkflowError as refused:
        return _back(request, "/desk/orders", error=refused.message)
    return _back(request, "/desk/orders", batch=batch, done=f"{batch_name(batch)}督办单已下发：{'、'.join(ids)}")


@router.get("/orders")
def unit_orders(request: Request, me: Principal = Depends(UNIT_ROLES)):
    """The unit's own supervision orders, to read and answer."""
    items = _services(request).desk.orders(unit_id=me.unit_id, with_tickets=True)
    return _render(request, "desk/unit_orders.html", me, items=items)


@router.post("/orders/{order_id}/answer")
def answer_order(order_id: str, request: Request, form: FormData = Depends(checked_form),
                 me: Principal = Depends(UNIT_ROLES)):
    desk = _services(request).desk
    order = desk.order(order_id)
    if order["unit_id"] != me.unit_id:  # another unit's order is as unknown as a missing one
        from rexian.domain.errors import NotFound

        raise NotFound("order.unknown", f"督办单不存在：{order_id}")
    try:
        desk.answer_order(order_id, me.person_id, _text(form, "answer"))
    except WorkflowError as refused:
        return _back(request, "/orders", error=refused.message)
    return _back(request, "/orders", done=f"督办单{order_id}已答复")


# --- bulletins -------------------------------------------------------------------------------------------
@router.get("/desk/bulletins")
def bulletin_list(request: Request, me: Principal = Depends(SUPERVISOR)):
    now = request.app.state.web.now()
    last_month = f"{now.year - (now.month == 1)}-{(now.month - 2) % 12 + 1:02d}"
    from datetime import timedelta

    from rexian.service.bulletin import month_bounds, months_with_findings

    months = [(period, n, month_bounds(period)[0].date(), month_bounds(period)[1].date() - timedelta(days=1))
              for period, n in months_with_findings(request.app.state.web.engine)]
    if months and last_month not in {period for period, *_ in months}:
        last_month = months[0][0]  # e.g. imported data of earlier months: offer its latest month, not an empty one
    return _render(request, "desk/bulletins.html", me, items=_services(request).desk.bulletins(),
                   default_period=last_month, months=months)


@router.post("/desk/bulletins")
def draft_bulletin(request: Request, form: FormData = Depends(checked_form), me: Principal = Depends(SUPERVISOR)):
    from rexian.web.dates import UnreadableDate, read_month

    try:
        period = read_month(_text(form, "period")) or ""
        bulletin_id = _services(request).desk.draft_bulletin(me.person_id, period)
    except UnreadableDate as error:
        return _back(request, "/desk/bulletins", error=str(error))
    except WorkflowError as refused:
        return _back(request, "/desk/bulletins", error=refused.message)
    return _back(request, f"/desk/bulletins/{bulletin_id}")


@router.get("/desk/bulletins/{bulletin_id}")
def bulletin_page(bulletin_id: str, request: Request, me: Principal = Depends(SUPERVISOR)):
    from rexian.service.bulletin import heading_lines

    b = _services(request).desk.bulletin(bulletin_id)
    return _render(request, "desk/bulletin.html", me, b=b, heading=heading_lines(b["content"], b["issued_at"]))


@router.post("/desk/bulletins/{bulletin_id}/{step}")
def bulletin_step(bulletin_id: str, step: str, request: Request, form: FormData = Depends(checked_form),
                  me: Principal = Depends(SUPERVISOR)):
    desk = _services(request).desk
    current = desk.bulletin(bulletin_id)
    try:
        if step == "edit":
            changes = {name: _text(form, name) for name in ("title", "preface", "closing") if name in form}
            cases = current["content"].get("typical_cases", [])
            if cases and any(f"comment_{n}" in form for n in range(len(cases))):
                changes["typical_cases"] = [{**case, "comment": _text(form, f"comment_{n}")}
                                            for n, case in enumerate(cases)]
            desk.edit_bulletin(bulletin_id, me.person_id, changes)
        elif step == "issue":
            desk.issue_bulletin(bulletin_id, me.person_id)
        else:
            raise MissingField("desk.unknown_step", f"未知的操作：{step}")
    except WorkflowError as refused:
        return _back(request, f"/desk/bulletins/{bulletin_id}", error=refused.message)
    return _back(request, f"/desk/bulletins/{bulletin_id}", done="已保存" if step == "edit" else "已印发")


@router.get("/desk/bulletins/{bulletin_id}/download.{fmt}")
def bulletin_download(bulletin_id: str, fmt: str, request: Request, me: Principal = Depends(SUPERVISOR)):
    from rexian.service.bulletin import render_docx, render_xlsx

    b = _services(request).desk.bulletin(bulletin_id)
    if fmt == "docx":
        data, media = render_docx(b["content"], bulletin_id, b["state"], b["issued_at"]), DOCX
    elif fmt == "xlsx":
        data, media = render_xlsx(b["content"], b["issued_at"]), XLSX
    else:
        raise MissingField("bulletin.format", "只能下载 docx 或 xlsx")
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename={bulletin_id}.{fmt}"})


# --- live ------------------------------------------------------------------------------------------------
@router.get("/desk/live")
def live(request: Request, me: Principal = Depends(SUPERVISOR)):
    feed = _services(request).feed
    recent = feed.since(max(0, feed.last_id() - 30), 30, "finding.")
    who = _who(request)
    units = {unit_id: who(unit_id) for unit_id in request.app.state.web.hotline.organisation().units}
    rules = {rule_id: entry.zh for rule_id, entry in vocabulary.RULES.items()}  # the one vocabulary, as on every desk page
    return _render(request, "desk/live.html", me, recent=list(reversed(recent)), who=who, units=units, rules=rules)


def _row_number(text: str | None) -> int | None:
    """A row id from a URL or header: ASCII digits that fit the database's integer, else None. `str.isdigit` also
    takes "²" and "١", which `int` refuses, and 20 digits overflowed SQLite's integer: both were a 500 (trust13)."""
    if text and text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


@router.get("/desk/live/stream")
async def live_stream(request: Request, me: Principal = Depends(SUPERVISOR)):
    """Server-sent events of finding changes (a browser's EventSource asks with Accept: text/event-stream);
    any other client gets the changes after `after` (or Last-Event-ID) as JSON, for polling."""
    from rexian.service.push import sse_events

    feed = _services(request).feed
    last = request.headers.get("last-event-id") or request.query_params.get("after")
    last_id = _row_number(last)
    if "text/event-stream" not in request.headers.get("accept", ""):
        return JSONResponse({"items": feed.since(last_id or 0, 200, "finding.")})
    stop = {"now": False}

    async def stream():
        async for chunk in sse_events(feed, last_id, stop=lambda: stop["now"]):
            if await request.is_disconnected():
                return
            yield chunk

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


# --- administrator: webhook deliveries -------------------------------------------------------------------
@router.get("/admin/deliveries")
def deliveries(request: Request, me: Principal = Depends(ADMIN)):
    from rexian.service.push import delivery_log

    status = request.query_params.get("status") or None
    services = _services(request)
    return _render(request, "desk/deliveries.html", me, items=delivery_log(request.app.state.web.engine, status),
                   status_filter=status, endpoints=services.dispatcher.endpoints)


@router.post("/admin/deliveries/{delivery_id}/replay")
def replay(delivery_id: str, request: Request, form: FormData = Depends(checked_form), me: Principal = Depends(ADMIN)):
    from rexian.service.push import replay_delivery

    number = _row_number(delivery_id)
    if number is None:
        raise MissingField("webhook.unknown", f"推送记录不存在：{delivery_id}")
    web = request.app.state.web
    replay_delivery(web.engine, number, web.now())
    web.accounts.audit(me.person_id, "webhook_replay", f"重新推送 {delivery_id}", None)
    return _back(request, "/admin/deliveries", done=f"推送记录{delivery_id}将重新发送")
