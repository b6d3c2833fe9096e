"""The REST API (/api/v1): the same commands and queries as the pages, with the same permission
declarations. Commands take an `Idempotency-Key` header (a retried request is answered from the first
run, never acted on twice), lists are paged, and every refusal is `application/problem+json` with the
refusal code (`code`) and the Chinese message (`detail`). No endpoint accepts a time for a command."""

# No `from __future__ import annotations` here: FastAPI reads the generated endpoints' body types at runtime.
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request
from pydantic import BaseModel, Field

from rexian.domain import commands as c
from rexian.web import queries
from rexian.web.access import Allow, visible_ticket
from rexian.web.actions import ACTIONS, BODIES, INTAKE_ROLES, IntakeBody, offered, to_command
from rexian.web.auth import Principal

router = APIRouter(prefix="/api/v1", tags=["api"])

PROBLEM = {"content": {"application/problem+json": {"schema": {"type": "object", "properties": {
    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
    "detail": {"type": "string"}, "code": {"type": "string"}}}}}}
ERRORS = {code: {"description": text, **PROBLEM} for code, text in (
    (401, "未登录或令牌无效"), (403, "无权操作"), (404, "工单不存在或不在权限范围内"), (409, "状态冲突"),
    (422, "内容无效"))}
TicketId = Path(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
IdempotencyKey = Header(None, alias="Idempotency-Key", max_length=200)


class OutcomeOut(BaseModel):
    ticket_id: str
    status: str
    events: list[dict[str, Any]]
    replayed: bool


class MeOut(BaseModel):
    person_id: str
    name: str
    unit_id: str
    roles: list[str]
    scope: list[str] | None
    read_only: bool


class TicketPage(BaseModel):
    items: list[dict[str, Any]]
    total: int
    total_is_capped: bool
    page: int
    per_page: int


class TokenIn(BaseModel):
    name: str = Field(..., min_length=1, max_length=100)
    person_id: str | None = Field(None, max_length=64, description="管理员为其他账号签发时填写")


class TokenOut(BaseModel):
    token: str
    name: str
    person_id: str


class TokenInfo(BaseModel):
    token_id: str
    person_id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: dict) -> "TokenInfo":
        return cls(token_id=row["token_hash"], **{k: row[k] for k in ("person_id", "name", "created_at",
                                                                         "last_used_at", "revoked_at")})


class UnmaskIn(BaseModel):
    reason: str = Field(..., min_length=4, max_length=500)


def _outcome(outcome) -> OutcomeOut:
    return OutcomeOut(ticket_id=outcome.ticket_id, status=outcome.status, events=outcome.events,
                      replayed=outcome.replayed)


@router.get("/me", response_model=MeOut, responses=ERRORS, summary="当前登录人")
def me(principal: Principal = Depends(Allow())):
    return MeOut(person_id=principal.person_id, name=principal.name, unit_id=principal.unit_id,
                 roles=sorted(principal.roles), scope=sorted(principal.scope) if principal.scope is not None else None,
                 read_only=principal.read_only)


@router.post("/tokens", response_model=TokenOut, status_code=201, responses=ERRORS, summary="签发接口令牌")
def issue_token(request: Request, body: TokenIn, principal: Principal = Depends(Allow())):
    """A token for an integration acting as a person (sent as `Authorization: Bearer ...`): the signed-in person's
    own, or (administrators) `person_id`'s. Shown in this answer only."""
    from rexian.web import tokens

    token, owner = tokens.issue(request.app.state.web, principal, body.person_id, body.name)
    return TokenOut(token=token, name=body.name.strip(), person_id=owner)


@router.get("/tokens", response_model=list[TokenInfo], responses=ERRORS, summary="接口令牌列表")
def list_tokens(request: Request, principal: Principal = Depends(Allow()),
                person_id: str | None = Query(None, max_length=64)):
    """Administrators: every account's tokens (or `person_id`'s); anyone else: their own. Never the tokens
    themselves: `token_id` names one for revoking it."""
    from rexian.web import tokens

    accounts = request.app.state.web.accounts
    return [TokenInfo.of(row) for row in accounts.tokens(tokens.whose(principal, person_id))]


@router.post("/tokens/{token_id}/revoke", response_model=TokenInfo, responses=ERRORS, summary="撤销接口令牌")
def revoke_token(request: Request, token_id: str, principal: Principal = Depends(Allow())):
    """Refused from the next call on. Administrators revoke any token; anyone else only their own (another's: 404)."""
    from rexian.web import tokens

    return TokenInfo.of(tokens.revoke(request.app.state.web, principal, token_id))


@router.get("/tickets", response_model=TicketPage, responses=ERRORS, summary="工单列表（搜索、筛选、分页）")
def list_tickets(request: Request, principal: Principal = Depends(Allow()),
                 q: str | None = Query(None, max_length=100), status: str | None = Query(None, max_length=32),
                 category: str | None = Query(None, max_length=64), unit: str | None = Query(None, max_length=64),
                 date_from: date | None = None, date_to: date | None = None,
                 queue: Literal["all", "inbox", "dispatch", "review", "visit", "open"] = "all",
                 page: int = Query(1, ge=1, le=100_000), per_page: int = Query(20, ge=1, le=200)):
    web = request.app.state.web
    filters = queries.Filters(q=q, status=status, category=category, unit=unit,
                              date_from=date_from.isoformat() if date_from else None,
                              date_to=date_to.isoformat() if date_to else None, queue=queue)
    found = queries.list_tickets(web.engine, principal, filters, page, per_page, web.now(),
                                 web.settings["web_near_due_hours"], place="接口：工单列表")
    items = [{**row, "deadline_mark": found.marks.get(row["ticket_id"], "")} for row in found.rows]
    return TicketPage(items=items, total=found.total, total_is_capped=found.capped, page=found.page,
                      per_page=found.per_page)


@router.post("/tickets", response_model=OutcomeOut, status_code=201, responses=ERRORS, summary="受理登记")
def intake(request: Request, body: IntakeBody, principal: Principal = Depends(Allow(*INTAKE_ROLES)),
           idempotency_key: str | None = IdempotencyKey):
    hotline = request.app.state.web.hotline
    return _outcome(hotline.handle(to_command(c.Intake, body, principal.person_id,
                                              idempotency_key=_key(principal, idempotency_key))))


@router.get("/tickets/{ticket_id}", responses=ERRORS, summary="工单详情（含办理过程、哈希链校验与当前可办理的操作）")
def ticket(request: Request, ticket_id: str = TicketId, principal: Principal = Depends(Allow())) -> dict[str, Any]:
    web = request.app.state.web
    found = visible_ticket(request, principal, ticket_id)
    unmasked = ticket_id in web.extras.setdefault("unmasked", {}).get(principal.person_id, set())
    view = queries.ticket_view(web.engine, found, principal, web.now(), web.settings["web_near_due_hours"], unmasked,
                               place="接口：工单详情", manifests=web.manifests)
    return {"ticket_id": ticket_id, "status": found.status, "intake": view.intake,
            "lead_unit_id": found.lead_unit_id, "assisting_unit_ids": list(found.assisting_unit_ids),
            "due_at": found.due_at, "closed_at": found.closed_at, "deadline_mark": view.mark,
            "requests": [{"request_id": r.request_id, "kind": r.kind, "stage": r.stage}
                         for r in found.requests.values()],
            "actions": [{"name": item.name, "choices": {k: list(v) for k, v in item.choices.items()}}
                        for item in offered(web.hotline, found, principal.person_id)],
            "chain_intact": not view.damages, "chain_damages": view.damages,
            "events": [{k: e[k] for k in ("seq", "at", "action", "actor_id", "actor_unit_id", "target_unit_id",
                                          "payload", "hash", "imported")} for e in view.events],
            "imported": view.imported, "attachments": view.attachments}


@router.post("/tickets/{ticket_id}/unmask", status_code=204, responses=ERRORS, summary="督查查看个人信息（记审计）")
def unmask(request: Request, body: UnmaskIn, ticket_id: str = TicketId,
           principal: Principal = Depends(Allow("supervisor"))):
    web = request.app.state.web
    visible_ticket(request, principal, ticket_id)
    web.accounts.audit(principal.person_id, "unmask", body.reason.strip(), ticket_id)
    web.extras.setdefault("unmasked", {}).setdefault(principal.person_id, set()).add(ticket_id)


@router.get("/audit", responses=ERRORS, summary="审计日志")
def audit(request: Request, principal: Principal = Depends(Allow("admin")),
          limit: int = Query(200, ge=1, le=1000), ticket_id: str | None = Query(None, max_length=64),
          person_id: str | None = Query(None, max_length=64),
          action: str | None = Query(None, max_length=32)) -> list[dict[str, Any]]:
    """Newest first; `action=disclose` lists who saw which ticket's callers' details unmasked, where and why."""
    return request.app.state.web.accounts.audit_entries(limit, ticket_id=ticket_id, person_id=person_id,
                                                        action=action)


def _org_change_model() -> type[BaseModel]:
    """One organisation change in the organisation file's terms (docs/organisation.md): `type` and the fields
    of that type (`web.admin.ORG_FORMS`, the same declaration the admin page's forms use)."""
    from pydantic import ConfigDict, create_model

    from rexian.web.admin import LISTS, ORG_FORMS

    kinds: dict[str, Any] = {"handle_days": int, "urgent_hours": int, "active": bool, "year": int}
    fields: dict[str, Any] = {name: (list[str] | None if name in LISTS else kinds.get(name, str) | None, None)
                              for names in ORG_FORMS.values() for name in names}
    return create_model("OrgChangeIn", __config__=ConfigDict(extra="forbid"),
                        type=(Literal[tuple(ORG_FORMS)], ...), **fields)


OrgChangeIn = _org_change_model()


@router.post("/org", responses=ERRORS, summary="修改组织机构（单位、人员、分类与时限、职责清单、工作日历；记入组织事件链）")
def change_organisation(request: Request, body: OrgChangeIn,  # type: ignore[valid-type]
                        principal: Principal = Depends(Allow("admin"))) -> dict[str, int]:
    """The change the admin page's forms make: checked with the whole organisation, all or nothing."""
    from rexian.web.admin import save_org_change

    change = {k: v for k, v in body.model_dump().items() if v is not None}  # type: ignore[attr-defined]
    return {"changed": save_org_change(request.app.state.web.hotline, principal.person_id, change)}


@router.get("/calendar/{year}", responses=ERRORS, summary="工作日历：某年的放假与调休上班日（按现行日历）")
def calendar(request: Request, year: int = Path(..., ge=1900, le=2999),
             principal: Principal = Depends(Allow())) -> dict[str, Any]:
    """The year as deadlines are counted now: the year file (the default), the administrator's days over it
    (change them with `POST /org`, type `calendar`), and the resulting holidays and make-up working days."""
    from rexian.web.admin import calendar_year

    found = calendar_year(request.app.state.web.hotline, year)
    file = found["file"]
    return {"year": year, "known": found["known"], "problem": found["problem"], "note": found["note"],
            "file_source": file.source if file else None,
            "holidays": [d.isoformat() for d in found["holidays"]],
            "workdays": [d.isoformat() for d in found["workdays"]],
            "changes": [{"date": d.day.isoformat(), "kind": d.kind, "name": d.name} for d in found["changes"]]}


class AccountIn(BaseModel):
    person_id: str = Field(..., min_length=1, max_length=64)
    operation: str = Field(..., description="add 开通 / reset 重置密码 / disable 停用 / enable 启用")
    password: str = Field("", max_length=200, description="开通或重置时的密码（至少8个字符）")


@router.post("/accounts", status_code=204, responses=ERRORS, summary="账号：开通、重置密码、停用、启用（记审计）")
def account(request: Request, body: AccountIn, principal: Principal = Depends(Allow("admin"))):
    from rexian.web.admin import account_operation

    account_operation(request.app.state.web, principal, body.person_id, body.operation, body.password)


def _key(principal: Principal, key: str | None) -> str | None:
    """Idempotency keys are per person: one caller's key can never replay another caller's outcome."""
    return f"{principal.person_id}:{key}" if key else None


def _command_endpoint(name: str):
    action = ACTIONS[name]
    body_model = BODIES[name]

    def endpoint(request: Request, ticket_id: str = TicketId, body: body_model = Body(...),  # type: ignore[valid-type]
                 principal: Principal = Depends(Allow(*action.roles)),
                 idempotency_key: str | None = IdempotencyKey) -> OutcomeOut:
        visible_ticket(request, principal, ticket_id)
        command = to_command(action.command, body, principal.person_id, ticket_id, _key(principal, idempotency_key))
        return _outcome(request.app.state.web.hotline.handle(command))

    endpoint.__name__ = f"command_{name}"
    return endpoint


for _name, _action in ACTIONS.items():
    router.add_api_route(f"/tickets/{{ticket_id}}/{_name}", _command_endpoint(_name), methods=["POST"],
                         response_model=OutcomeOut, responses=ERRORS, summary=_action.command.__doc__ or _name,
                         name=f"command_{_name}")
