"""Changes to the organisation, checked as a whole before anything is written.

A change is a plain mapping with a `type` (unit, person, category, catalogue, calendar) and the fields of the org
file format (docs/organisation.md). `plan_changes` applies them to a copy of the organisation, checks the
result (known parents, no cycles, known roles, catalogue pointing at real units and categories), and
returns the rows to write and the events to log, or every problem found.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping

from rexian.domain.org import (CALENDAR_DAY_KINDS, ROLES, UNIT_KINDS, CalendarDay, CatalogueEntry, Category,
                               Organisation, Person, Unit)
from rexian.domain.visible_text import hidden_problem
from rexian.domain.vocabulary import WEEKDAY_NAMES


class OrgProblems(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("组织数据有误，未写入任何内容：\n" + "\n".join(f"- {p}" for p in problems))
        self.problems = problems


# Each organisation table and the event that logs a saved row of it on the ORG chain (the whole row, the
# columns of NOT_LOGGED apart), so that the tables are a projection `verify` can replay (service/verify_side.py).
SAVED = {"units": "UnitSaved", "people": "PersonSaved", "categories": "CategorySaved",
         "catalogue": "CatalogueEntrySaved", "calendar_days": "CalendarDaySaved"}
NOT_LOGGED = {"people": ("phone",)}  # a staff member's own phone: personal data, kept out of the chain


@dataclass
class OrgPlan:
    organisation: Organisation
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (table, row)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (action, payload)
    calendar_days: set[date] = field(default_factory=set)  # the days this change set names (each once)


def _ids(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.replace("，", ",").split(",") if part.strip())
    return tuple(str(part) for part in value)


def _int_or_none(value: Any, where: str, problems: list[str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        problems.append(f"{where}: 不是整数：{value!r}")
        return None
    if number <= 0:
        problems.append(f"{where}: 必须为正数：{value!r}")
    return number


def plan_changes(current: Organisation, changes: Iterable[Mapping[str, Any]]) -> OrgPlan:
    org = copy.deepcopy(current)
    plan = OrgPlan(org)
    problems: list[str] = []
    for index, change in enumerate(changes, start=1):
        key = change.get("id") or change.get("code") or change.get("category") or change.get("date") or ""
        where = f"第{index}项（{change.get('type', '?')} {key}）"
        kind = change.get("type")
        hidden = [problem for field_name, value in change.items()
                  if (problem := hidden_problem(value, f"{where}: {field_name}"))]
        if hidden:  # a name that reads as another (「张\u200b三」) or flips the page: refused where it enters
            problems += hidden
            continue
        try:
            if kind == "unit":
                _unit(org, plan, change, where, problems)
            elif kind == "person":
                _person(org, plan, change, where, problems)
            elif kind == "category":
                _category(org, plan, change, where, problems)
            elif kind == "catalogue":
                _catalogue(org, plan, change, where, problems)
            elif kind == "calendar":
                _calendar_day(org, plan, change, where, problems)
            else:
                problems.append(f"{where}: 未知的类型 {kind!r}（应为 unit / person / category / catalogue / calendar）")
        except KeyError as missing:
            problems.append(f"{where}: 缺少必填字段 {missing}")
    problems += check_organisation(org)
    if _admins(current) and not _admins(org):  # nobody could ever change the organisation again
        problems.append("这项修改会使组织中不再有在职的管理员（之后无人能修改组织机构）：请先为另一人授予管理员角色")
    if problems:
        raise OrgProblems(problems)
    return plan


def _admins(org: Organisation) -> list[str]:
    return [person.person_id for person in org.people.values() if person.has_role("admin")]


def _unit(org: Organisation, plan: OrgPlan, change: Mapping[str, Any], where: str,
          problems: list[str]) -> None:
    kind = change.get("kind", "department")
    if kind not in UNIT_KINDS:
        problems.append(f"{where}: 单位类型无效 {kind!r}（可选：{'、'.join(UNIT_KINDS)}）")
    unit = Unit(str(change["id"]), str(change["name"]), kind, _opt(change.get("parent")), _opt(change.get("area")),
                bool(change.get("active", True)))
    org.units[unit.unit_id] = unit
    row = {"unit_id": unit.unit_id, "name": unit.name, "kind": unit.kind, "parent_id": unit.parent_id,
           "area": unit.area, "active": unit.active}
    plan.rows.append(("units", row))
    plan.events.append((SAVED["units"], row))


def _person(org: Organisation, plan: OrgPlan, change: Mapping[str, Any], where: str,
            problems: list[str]) -> None:
    roles = frozenset(_ids(change.get("roles")))
    unknown = roles - set(ROLES)
    if unknown:
        problems.append(f"{where}: 未知的角色 {'、'.join(sorted(unknown))}（可选：{'、'.join(ROLES)}）")
    if not roles:
        problems.append(f"{where}: 至少要有一个角色")
    person = Person(str(change["id"]), str(change["name"]), str(change["unit"]), roles,
                    _opt(change.get("phone")), bool(change.get("active", True)))
    org.people[person.person_id] = person
    row = {"person_id": person.person_id, "name": person.name, "unit_id": person.unit_id,
           "roles": ",".join(sorted(roles)), "phone": person.phone, "active": person.active}
    plan.rows.append(("people", row))
    plan.events.append((SAVED["people"], {k: v for k, v in row.items() if k not in NOT_LOGGED["people"]}))


def _category(org: Organisation, plan: OrgPlan, change: Mapping[str, Any], where: str,
              problems: list[str]) -> None:
    category = Category(str(change["code"]), str(change["name"]), _opt(change.get("parent")),
                        _int_or_none(change.get("handle_days"), where, problems),
                        _int_or_none(change.get("urgent_hours"), where, problems))
    org.categories[category.code] = category
    row = {"code": category.code, "name": category.name, "parent_code": category.parent_code,
           "handle_days": category.handle_days, "urgent_hours": category.urgent_hours}
    plan.rows.append(("categories", row))
    plan.events.append((SAVED["categories"], row))


def _catalogue(org: Organisation, plan: OrgPlan, change: Mapping[str, Any], where: str,
               problems: list[str]) -> None:
    entry = CatalogueEntry(str(change["category"]), str(change["lead"]), _opt(change.get("area")),
                           _ids(change.get("assisting")))
    org.set_catalogue_entry(entry)
    row = {"category": entry.category, "area": entry.area or "", "lead_unit_id": entry.lead_unit_id,
           "assisting_unit_ids": ",".join(entry.assisting_unit_ids)}
    plan.rows.append(("catalogue", row))
    plan.events.append((SAVED["catalogue"], row))


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _calendar_day(org: Organisation, plan: OrgPlan, change: Mapping[str, Any], where: str,
                  problems: list[str]) -> None:
    """A day of the working calendar set anew (docs/calendar.md): a real date inside the year being edited, named
    once in the change set, a make-up working day only on a weekend, and a reason (the holiday or notice)."""
    text = str(change["date"]).strip()
    try:
        day = date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        problems.append(f"{where}: 日期 {text!r} 不是有效的日期（YYYY-MM-DD）")
        return
    year = _int_or_none(change.get("year"), where, problems)
    if year is None:
        problems.append(f"{where}: 须写明所修改的年份")
    elif day.year != year:
        problems.append(f"{where}: 日期 {text} 不在 {year} 年内")
    kind = str(change["kind"])
    if kind not in CALENDAR_DAY_KINDS:
        problems.append(f"{where}: 日期类型无效 {kind!r}（可选：{'、'.join(CALENDAR_DAY_KINDS)}）")
    elif kind == "workday" and day.weekday() < 5:
        problems.append(f"{where}: 调休上班日 {text} 是星期{WEEKDAY_NAMES[day.weekday()]}，须为周六或周日")
    name = str(change.get("name") or "").strip()
    if not name:
        problems.append(f"{where}: 须写明理由（节日名称或依据的通知）")
    if day in plan.calendar_days:
        problems.append(f"{where}: 日期 {text} 在本次修改中重复出现")
    plan.calendar_days.add(day)
    org.calendar[day] = CalendarDay(day, kind, name)
    row = {"day": day.isoformat(), "kind": kind, "name": name}
    plan.rows.append(("calendar_days", row))
    plan.events.append((SAVED["calendar_days"], row))


def _opt(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def check_organisation(org: Organisation) -> list[str]:
    problems = []
    for unit in org.units.values():
        if unit.parent_id and unit.parent_id not in org.units:
            problems.append(f"单位{unit.unit_id}的上级单位{unit.parent_id}不存在")
        elif org.in_cycle(unit.unit_id):
            problems.append(f"单位{unit.unit_id}的上下级关系成环")
    for person in org.people.values():
        if person.unit_id not in org.units:
            problems.append(f"人员{person.person_id}所在单位{person.unit_id}不存在")
    for category in org.categories.values():
        if category.parent_code and category.parent_code not in org.categories:
            problems.append(f"分类{category.code}的上级分类{category.parent_code}不存在")
        elif category.parent_code and category.code in org.category_chain(category.parent_code):
            problems.append(f"分类{category.code}的上下级关系成环")
    for entry in org.catalogue:
        if entry.category not in org.categories:
            problems.append(f"职责清单：分类{entry.category}不存在")
        for unit_id in (entry.lead_unit_id, *entry.assisting_unit_ids):
            if unit_id not in org.units:
                problems.append(f"职责清单（{entry.category}）：单位{unit_id}不存在")
    return problems
