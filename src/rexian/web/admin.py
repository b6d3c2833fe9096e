"""The administrator's pages (系统管理): accounts; the organisation — units, people, categories with their
deadlines, the responsibility catalogue, the days of the working calendar — edited one row at a time through the
same checked, logged change as `rexian org load` (`service.org_admin.apply_org_changes`: all or nothing, each
saved row an event on the ORG hash chain); the working calendar as deadlines are counted by it (the year files
with the administrator's days); the audit log."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from rexian.domain.errors import MissingField, WorkflowError
from rexian.domain.org import Organisation
from rexian.domain.org_changes import OrgProblems
from rexian.web.access import Allow, checked_form
from rexian.web.auth import Principal
from rexian.web.notices import notice, with_notices
from rexian.web.picker import Option, Picker, asked, matching, page_url, pager_url, unit_picker
from rexian.web.queries import Page, paged

router = APIRouter(include_in_schema=False)

# Each organisation form: the fields of the organisation file (docs/organisation.md), in the file's own names.
ORG_FORMS: dict[str, tuple[str, ...]] = {
    "unit": ("id", "name", "kind", "parent", "area", "active"),
    "person": ("id", "name", "unit", "roles", "phone", "active"),
    "category": ("code", "name", "parent", "handle_days", "urgent_hours"),
    "catalogue": ("category", "area", "lead", "assisting"),
    "calendar": ("year", "date", "kind", "name"),
}
LISTS = {"roles", "assisting"}  # fields chosen several at a time
PER_PAGE = 20  # the accounts and people lists, a page at a time as the ticket lists
PICKER_PER_PAGE = 8  # the account form's person picker: a page that fits beside the form on a 1366×768 screen
LISTED = ("account", "person")  # the searched, paged lists: their query parameters are `<list>_q`, `<list>_page`


def org_row(org: Organisation, kind: str, key: str) -> dict[str, Any]:
    """An existing row in the form's terms (to edit it), or {} when there is none."""
    if kind == "unit" and key in org.units:
        u = org.units[key]
        return {"id": u.unit_id, "name": u.name, "kind": u.kind, "parent": u.parent_id, "area": u.area,
                "active": u.active}
    if kind == "person" and key in org.people:
        p = org.people[key]
        return {"id": p.person_id, "name": p.name, "unit": p.unit_id, "roles": sorted(p.roles), "phone": p.phone,
                "active": p.active}
    if kind == "category" and key in org.categories:
        return {**asdict(org.categories[key]), "parent": org.categories[key].parent_code}
    if kind == "calendar":
        found = next((d for d in org.calendar.values() if d.day.isoformat() == key), None)
        return {"year": found.day.year, "date": key, "kind": found.kind, "name": found.name} if found else {}
    if kind == "catalogue":
        category, _, area = key.partition("@")
        for entry in org.catalogue:
            if entry.category == category and (entry.area or "") == area:
                return {"category": entry.category, "area": entry.area, "lead": entry.lead_unit_id,
                        "assisting": list(entry.assisting_unit_ids)}
    return {}


def save_org_change(hotline, actor_id: str, change: dict[str, Any]) -> int:
    """Apply one organisation change (the form's or the API's) as `actor_id`: the rows changed, or a refusal
    listing every problem (nothing written)."""
    from rexian.service.org_admin import apply_org_changes

    unknown = set(change) - {"type", *ORG_FORMS.get(str(change.get("type")), ())}
    if change.get("type") not in ORG_FORMS or unknown:
        raise MissingField("org.fields", f"组织数据的类型或字段无效：{change.get('type')} {'、'.join(sorted(unknown))}")
    try:
        return apply_org_changes(hotline, actor_id, [change])
    except OrgProblems as problems:
        raise MissingField("org.invalid", "未保存：" + "；".join(problems.problems)) from problems


def change_of(kind: str, form: FormData) -> dict[str, Any]:
    """The organisation change a submitted form asks for (blank fields absent, as in a file)."""
    if kind not in ORG_FORMS:
        raise MissingField("org.form", "未知的组织数据类型")
    change: dict[str, Any] = {"type": kind}
    for name in ORG_FORMS[kind]:
        if name in LISTS:
            change[name] = [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]
            continue
        value = form.get(name)
        text = value.strip() if isinstance(value, str) else ""
        if name == "active":
            change[name] = text != "false"
        elif name == "date" and text:  # typed as people type dates, kept as yyyy-mm-dd (web/dates.py); a date that
            from rexian.web.dates import UnreadableDate, read_date  # cannot be read goes on as typed: the check names it

            try:
                change[name] = read_date(text, "日期").isoformat()  # type: ignore[union-attr]
            except UnreadableDate:
                change[name] = text
        elif text:
            change[name] = text
    return change


@router.get("/admin")
def admin(request: Request, me: Principal = Depends(Allow("admin"))):
    from rexian.web.pages import render

    web = request.app.state.web
    org = web.hotline.organisation()
    params = request.query_params
    editing = {kind: org_row(org, kind, params.get("key", "")) if params.get("edit") == kind else {}
               for kind in ORG_FORMS}
    from rexian.web.pages import _int

    kept = {f"{name}_{part}": params[f"{name}_{part}"] for name in LISTED for part in ("q", "page")
            if params.get(f"{name}_{part}")}
    accounts = [{**a, "person": org.person(a["person_id"])} for a in web.accounts.list()]
    lists = {name: searched(rows, params.get(f"{name}_q", ""), _int(params.get(f"{name}_page"), 1), org)
             for name, rows in (("account", accounts), ("person", list(org.people.values())))}
    here = page_url(request.url)  # the pickers' pager links come back here (paging without scripts)
    person_q, person_page, _ = asked(params, "person", "person_id") or ("", 1, [])
    return render(request, "admin.html", me, org=org, lists=lists, kept=kept,
                  person_picker=person_picker(web, org, person_q, person_page, here),
                  catalogue_picker=unit_picker(org, "catalogue-assisting", "assisting",
                                               editing["catalogue"].get("assisting") or [], on_page=here, params=params),
                  searches={name: params.get(f"{name}_q", "") for name in LISTED},
                  page_links={name: _page_link(kept, name) for name in LISTED},
                  audit=web.accounts.audit_entries(), issued=None, error=notice(web.engine, params, "error"),
                  done=notice(web.engine, params, "done"),
                  editing=editing, calendar=calendar_years(web), settings=web.settings)


@router.get("/admin/people")
def people_picker(request: Request, pick_q: str = "", page: str = "1", me: Principal = Depends(Allow("admin"))):
    """The account form's person picker (htmx): one page of the people `pick_q` finds (id, name, unit, role)."""
    from rexian.web.pages import _int, render

    web = request.app.state.web
    return render(request, "_picker_results.html", me,
                  picker=person_picker(web, web.hotline.organisation(), pick_q, _int(page, 1), pager_url(request)))


def person_picker(web, org: Organisation, q: str, page: int, on_page: str = "") -> Picker:
    """The account form's person picker (web/picker.py): people searched as the accounts list is (`searched`)."""
    from rexian.web.labels import role_name

    with_account = {account["person_id"] for account in web.accounts.list()}
    found = searched(list(org.people.values()), q, page, org, PICKER_PER_PAGE)
    found.rows = [Option(p.person_id, p.name, p.person_id, " · ".join(
        [org.unit(p.unit_id).name if org.unit(p.unit_id) else p.unit_id,  # type: ignore[union-attr]
         "、".join(role_name(r) for r in sorted(p.roles)), *(["已开通账号"] if p.person_id in with_account else [])]))
        for p in found.rows]
    return Picker("person", "person_id", False, "/admin/people", "account-person-results", found, q, [], "人", "人员",
                  "可按工号、姓名、单位或角色查找", on_page)


def picked_person(org: Organisation, form: FormData) -> str:
    """The person the account form names: the one chosen in the picker, else the one its search finds alone (an
    id typed in full, or words only one person matches — also how the form works without scripts)."""
    chosen = str(form.get("person_id") or "").strip()
    if chosen:
        return chosen
    q = str(form.get("pick_q") or "").strip()
    if not q:
        raise MissingField("account.person", "请先查找并选中一位人员")
    if q in org.people:
        return q
    found = searched(list(org.people.values()), q, 1, org, 2)
    if found.total != 1:
        raise MissingField("account.person", f"「{q}」找到{found.total}人：请在列表中选中一位人员" if found.total
                           else f"没有找到符合「{q}」的人员")
    return found.rows[0].person_id


def _page_link(kept: dict[str, str], name: str):
    """Page n of one list, the other list's search and page kept."""
    return lambda n: "/admin?" + urlencode({**kept, f"{name}_page": n}) + f"#{name}-search"


def searched_words(row: Any, org: Organisation) -> list[str]:
    """What a search of the accounts or people lists looks at: the person's id, name, unit (id and name) and
    roles (code and Chinese name). An account whose person left the organisation is found by its id."""
    from rexian.web.labels import role_name

    person = row.get("person") if isinstance(row, dict) else row
    if person is None:
        return [row["person_id"]]
    unit = org.unit(person.unit_id)
    return [person.person_id, person.name, person.unit_id, unit.name if unit else "",
            *person.roles, *(role_name(r) for r in person.roles)]


def searched(rows: list[Any], q: str, page: int, org: Organisation, per_page: int = PER_PAGE) -> Page:
    """One page of the rows every word of `q` finds (each word in any of `searched_words`, case ignored); a page
    number past the end shows the last page."""
    return paged(matching(rows, q, lambda row: searched_words(row, org)), page, per_page)


@router.post("/admin/org")
def admin_org(request: Request, form: FormData = Depends(checked_form), me: Principal = Depends(Allow("admin"))):
    """One organisation row saved: checked with the whole organisation, logged on the ORG chain, or nothing."""
    try:
        changed = save_org_change(request.app.state.web.hotline, me.person_id,
                                  change_of(str(form.get("type") or ""), form))
    except WorkflowError as refused:
        return RedirectResponse(with_notices(request.app.state.web.engine, "/admin", error=refused.message), status_code=303)
    kind = str(form.get("type") or "")
    named = " ".join(str(form.get(name) or "") for name in ("id", "code", "category", "date", "name") if form.get(name)).strip()
    what = f"{ORG_KINDS.get(kind, '')}「{named}」" if named else ORG_KINDS.get(kind, "")
    done = f"{what}已保存（已记入组织事件链）" if changed else f"{what}没有变化，未保存"
    return RedirectResponse(with_notices(request.app.state.web.engine, "/admin", done=done), status_code=303)


# What each organisation form saves, as its confirmation names it.
ORG_KINDS = {"unit": "单位", "person": "人员", "category": "分类", "catalogue": "职责清单", "calendar": "日历"}
# An account operation's confirmation (the audit log keeps the operation's code).
ACCOUNT_DONE = {"add": "已开通账号", "reset": "已重置密码", "disable": "已停用账号", "enable": "已启用账号"}


@router.post("/admin/org/repair")
def admin_org_repair(request: Request, _: FormData = Depends(checked_form), me: Principal = Depends(Allow("admin"))):
    """The organisation tables put back to what the signed ORG chain says (adapters/org_trust.py: repair_rows),
    as `rexian org repair` does: audited, refused when the chain itself fails its check."""
    from rexian.adapters.org_trust import repair_rows

    hotline = request.app.state.web.hotline
    try:
        with hotline.engine.begin() as connection:
            repaired = repair_rows(connection, hotline.clock(), me.person_id)
    except WorkflowError as refused:
        return RedirectResponse(with_notices(request.app.state.web.engine, "/admin", error=refused.message), status_code=303)
    done = f"已按组织机构日志恢复{len(repaired)}行：" + "；".join(repaired)[:300] if repaired else "组织机构表与日志一致，无需恢复"
    return RedirectResponse(with_notices(request.app.state.web.engine, "/admin", done=done), status_code=303)


@router.post("/admin/accounts")
def admin_accounts(request: Request, form: FormData = Depends(checked_form), me: Principal = Depends(Allow("admin"))):
    operation = str(form.get("operation") or "")
    try:
        web = request.app.state.web
        org = web.hotline.organisation()
        person_id = picked_person(org, form)
        account_operation(web, me, person_id, operation, str(form.get("password") or ""))
    except WorkflowError as refused:
        return RedirectResponse(with_notices(request.app.state.web.engine, "/admin", error=refused.message), status_code=303)
    person = org.person(person_id)
    done = f"{ACCOUNT_DONE.get(operation, '已完成')}：{person_id}" + (f" {person.name}" if person else "") + "（已记入审计日志）"
    return RedirectResponse(with_notices(request.app.state.web.engine, "/admin", done=done), status_code=303)


def account_operation(web, me: Principal, person_id: str, operation: str, password: str = "") -> None:
    """Open an account for a person of the organisation, reset its password, disable or enable it (audited)."""
    if operation == "add":
        web.accounts.add(web.hotline.organisation(), person_id, password)
    elif operation == "reset":
        web.accounts.set_password(person_id, password)
    elif operation in ("disable", "enable"):
        web.accounts.set_active(person_id, operation == "enable")
    else:
        raise MissingField("account.operation", "未知的账号操作")
    web.accounts.audit(me.person_id, "account", f"{operation} {person_id}")


def calendar_years(web) -> list[dict[str, Any]]:
    """This year's and next year's calendar as the server counts deadlines by it now: the year file (packaged, or
    the setting `calendar_dir`'s), the administrator's days over it, and the resulting holidays and make-up days;
    a year with neither is named (it counts Monday to Friday)."""
    this_year = web.now().year
    return [calendar_year(web.hotline, year) for year in (this_year, this_year + 1)]


def calendar_year(hotline, year: int) -> dict[str, Any]:
    """One year of the working calendar as deadlines are counted now (the page's and the API's view, and
    `rexian calendar show`'s: calendar_files.counted_year)."""
    from rexian.calendar_files import counted_year

    return counted_year(year, hotline.deadlines.calendar, hotline.organisation().calendar.values(),
                        hotline.settings["calendar_dir"])
