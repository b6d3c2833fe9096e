"""API tokens in the browser (接口令牌): an administrator lists every account's tokens, issues one for an account
(shown once: only its hash is kept) and revokes any; every other signed-in person sees, issues and revokes their own.
A revoked token is refused from the next call on (web/auth.py: `revoke_token`, `token_person`). Each issue and
revocation is an audit record like every account change. The same operations in the API: `GET /api/v1/tokens`,
`POST /api/v1/tokens`, `POST /api/v1/tokens/{token_id}/revoke` (web/api.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from rexian.domain.errors import NotFound, WorkflowError
from rexian.web.access import Allow, checked_form
from rexian.web.auth import Principal

router = APIRouter(include_in_schema=False)


def whose(me: Principal, person: str | None) -> str | None:
    """The account whose tokens `me` works on: an administrator any (None = every account), anyone else their own."""
    if me.has_role("admin"):
        return (person or "").strip() or None
    return me.person_id


def listed(web, me: Principal, person: str | None) -> list[dict]:
    org = web.hotline.organisation()
    return [{**row, "person": org.person(row["person_id"])} for row in web.accounts.tokens(whose(me, person))]


def issue(web, me: Principal, person: str | None, name: str) -> tuple[str, str]:
    """A new token (the secret, for showing once) and its owner: an administrator's for any account, else one's own.
    Issuing needs a signed-in session: a token does not issue tokens."""
    from rexian.domain.errors import MissingField

    if me.via != "session":
        raise MissingField("token.needs_session", "接口令牌只能在登录后签发，不能用令牌签发令牌")
    owner = whose(me, person) or me.person_id
    return web.accounts.issue_token(owner, name, actor_id=me.person_id), owner


def revoke(web, me: Principal, token_id: str) -> dict:
    """Revoke a token: an administrator's any, anyone else's only their own (another's is 'not found')."""
    if len(token_id) != 64:
        raise NotFound("token.unknown", "没有此接口令牌，或它不属于您")
    return web.accounts.revoke_token(token_id, me.person_id, None if me.has_role("admin") else me.person_id)


def _page(request: Request, me: Principal, person: str | None, status: int = 200, **shown):
    from rexian.web.pages import render

    web = request.app.state.web
    return render(request, "tokens.html", me, status=status, tokens=listed(web, me, person),
                  person=whose(me, person) or "", admin=me.has_role("admin"), **shown)


@router.get("/tokens")
def tokens_page(request: Request, person: str = "", me: Principal = Depends(Allow())):
    from rexian.web.notices import notice

    return _page(request, me, person, done=notice(request.app.state.web.engine, request.query_params, "done") or "")


@router.post("/tokens")
def tokens_issue(request: Request, form: FormData = Depends(checked_form), me: Principal = Depends(Allow())):
    """Issue: the page answers directly (no redirect), so the secret is shown once and never lands in a URL."""
    person = str(form.get("person") or "")
    try:
        secret, owner = issue(request.app.state.web, me, person, str(form.get("name") or ""))
    except WorkflowError as refused:
        return _page(request, me, person, status=422, error=refused.message)
    return _page(request, me, person, issued={"token": secret, "owner": owner, "name": str(form.get("name")).strip()})


@router.post("/tokens/{token_id}/revoke")
def tokens_revoke(request: Request, token_id: str, form: FormData = Depends(checked_form),
                  me: Principal = Depends(Allow())):
    from rexian.web.notices import with_notices

    person = str(form.get("person") or "")
    try:
        row = revoke(request.app.state.web, me, token_id)
    except WorkflowError as refused:
        return _page(request, me, person, status=404 if isinstance(refused, NotFound) else 422, error=refused.message)
    return RedirectResponse(with_notices(request.app.state.web.engine, "/tokens", **({"person": person} if person else {}),
                                         done=f"已撤销令牌「{row['name']}」（{row['person_id']}）"), status_code=303)
