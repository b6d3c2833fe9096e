"""The form of each workflow command on the ticket page, built from the command's request model: one input
per field, with the kind of input chosen by the field's type and the options the ticket and organisation
offer (units, the ticket's pending requests, forwards and supervision orders)."""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rexian.domain.model import Ticket
from rexian.domain.org import Organisation
from rexian.web.actions import BODIES, EvidenceIn
from rexian.web.labels import choices

# What each command field is called on a form (the words on the screen next to the input).
FIELD_LABELS = {
    "lead_unit_id": "主办单位", "assisting_unit_ids": "协办单位", "note": "说明", "to_unit_id": "转办至",
    "due_at": "期限", "forward_id": "转办记录", "result": "办理结果", "kind": "类别", "attachments": "附件",
    "method": "方式", "summary": "内容摘要", "call_id": "通话编号", "target_unit_id": "催办单位",
    "reply": "答复内容", "reason": "理由", "basis": "依据（职责文件、条款）", "suggested_unit_id": "建议单位",
    "requested_due_at": "申请延至", "evidence": "证据", "request_id": "申请", "approve": "审批结果",
    "new_lead_unit_id": "改派主办单位", "new_due_at": "批准延至", "resolved": "问题是否解决",
    "satisfaction": "满意度", "batch": "督办批次", "unit_id": "督办单位", "order_id": "督办单",
    "response": "反馈", "outcome": "结果", "master_ticket_id": "合并到主工单", "answer": "答复内容",
    "category": "诉求分类", "reached": "是否联系上市民",
}
LONG_TEXT = {"note", "reply", "reason", "basis", "summary", "result", "response", "outcome", "answer"}
UNIT_FIELDS = {"lead_unit_id", "to_unit_id", "target_unit_id", "suggested_unit_id", "new_lead_unit_id",
               "unit_id"}
CHOICE_FIELDS = {"method": "contact_methods", "satisfaction": "satisfaction"}


def picker_key(action_name: str, field_name: str) -> str:
    """The key of the unit picker of `field_name` in `action_name`'s form (dispatch-assisting-unit-ids)."""
    return f"{action_name}-{field_name}".replace("_", "-")


@dataclass
class Input:
    name: str
    label: str
    widget: str  # text / textarea / select / multi / datetime / files
    required: bool
    options: list[tuple[str, str]] = field(default_factory=list)
    value: str = ""
    selected: tuple[str, ...] = ()  # a multiple choice's preselected values
    hint: str = ""  # a line under the input (e.g. what the responsibility catalogue suggests)
    picker: Any = None  # a several-units field's searched picker (web/picker.py), its choices preselected


def inputs(action_name: str, ticket: Ticket, org: Organisation, now: datetime,
           accepted: Mapping[str, Sequence[str]] | None = None, deadlines=None, on_page: str = "",
           params: Any = None) -> list[Input]:
    """`accepted`: for the fields that pick something, the values the workflow accepts now (from
    `actions.offered`); only those are offered. `deadlines` (the DeadlinePolicy): to show the dispatcher the
    deadline a dispatch now would set. `on_page`, `params`: the ticket page's URL and query, where a unit picker's
    plain pager link asks for another of its pages (web/picker.py)."""
    found = _inputs(action_name, ticket, org)
    for item in found:
        if accepted and item.name in accepted:
            allowed = set(accepted[item.name])
            item.options = [(value, label) for value, label in item.options if value in allowed or value == ""]
    if action_name == "dispatch":
        _suggest_dispatch({item.name: item for item in found}, ticket, org, now, deadlines)
    from rexian.web.picker import unit_picker

    for item in found:
        if item.widget == "multi":  # ~174 units: searched, not a long native list (after the suggestion preselects)
            item.picker = unit_picker(org, picker_key(action_name, item.name), item.name, item.selected,
                                      on_page=on_page, params=params)
    first = ASKED_FIRST.get(action_name, ())
    for item in found:
        if item.name in first:
            item.hint = item.hint or FIRST_HINTS.get(item.name, "")
        item.hint = item.hint or FIELD_HINTS.get(item.name, "")
    return sorted(found, key=lambda item: item.name not in first)  # stable: the rest keep the command's order


# Fields a form asks before the others, because their answer decides whether the others count: a follow-up call
# nobody answered records no verdict (domain: Visit.reached), so the visitor says so before giving one.
ASKED_FIRST = {"visit": ("reached",)}
FIRST_HINTS = {"reached": "选「否」时只记录这次未接通的回访，下面的解决情况与满意度不记录，工单仍待回访"}
# What a field that looks optional asks in a case the form cannot show by itself (the decision refuses without it).
FIELD_HINTS = {"new_lead_unit_id": "同意退单时必选：退回后改派给哪个单位主办；不同意时不选"}


def _suggest_dispatch(fields: dict[str, Input], ticket: Ticket, org: Organisation, now: datetime,
                      deadlines) -> None:
    """The dispatch form filled in from the responsibility catalogue (职责清单): the lead and assisting units it
    names for the ticket's category and area preselected, and the deadline the category gives, counted from now."""
    category = ticket.intake.get("category")
    lead, assisting = fields["lead_unit_id"], fields["assisting_unit_ids"]
    entry = org.suggest_units(category, ticket.intake.get("area")) if category else None
    offered = {value for value, _ in lead.options}
    if entry is not None and entry.lead_unit_id in offered:
        lead.value = entry.lead_unit_id
        assisting.selected = tuple(unit for unit in entry.assisting_unit_ids if unit != entry.lead_unit_id)
        names = "、".join(_unit_name(org, unit) for unit in assisting.selected)
        lead.hint = f"职责清单建议：{_unit_name(org, entry.lead_unit_id)}" + (f"；协办 {names}" if names else "")
    elif category:
        lead.hint = "职责清单未列此分类，请选择主办单位"
    chosen = fields["category"]
    chosen.value = category or ""
    if not category:
        chosen.required = True
        chosen.hint = "受理时未确定分类，派单前须选定"
    elif deadlines is not None:
        days, hours = org.deadline_days(category)
        urgency = ticket.intake.get("urgency") or "normal"
        due = deadlines.handle_due(now, urgency, days, hours)
        span = (f"{hours if hours is not None else deadlines.default_urgent_hours}小时" if urgency == "urgent" else
                f"{deadlines.emergency_hours}小时" if urgency == "emergency" else
                f"{days if days is not None else deadlines.default_handle_days}个工作日")
        chosen.hint = f"办理时限：{span}，现在派单则于 {due:%Y-%m-%d %H:%M} 到期（改选分类则按新分类计算）"


def _inputs(action_name: str, ticket: Ticket, org: Organisation) -> list[Input]:
    model = BODIES[action_name]
    found = []
    units = [(u.unit_id, u.name) for u in org.handling_units()]
    for name, info in model.model_fields.items():
        label = FIELD_LABELS.get(name, name)
        required = info.is_required()
        kind = info.annotation
        if name in ("evidence", "attachments"):
            if action_name == "request_closure":
                found.append(Input("files", "证据文件（照片JPEG/PNG或PDF）", "files", False))
            continue
        if name in UNIT_FIELDS:
            found.append(Input(name, label, "select", required, ([] if required else [("", "（不选）")]) + units))
        elif name == "assisting_unit_ids":
            found.append(Input(name, label, "multi", False, units))
        elif name == "request_id":
            found.append(Input(name, label, "select", True, [
                (r.request_id, f"{choices()['requests'].get(r.kind, r.kind)}申请（{_requester(org, r.requested_by)}"
                               f"{r.request_id}）")
                for r in ticket.requests.values()]))
        elif name == "forward_id":
            found.append(Input(name, label, "select", True, [
                (f.forward_id, f"{f.forward_id} → {_unit_name(org, f.unit_id)}") for f in ticket.open_forwards()]))
        elif name == "order_id":
            found.append(Input(name, label, "select", True,
                               [(o.order_id, o.order_id) for o in ticket.orders.values() if not o.closed]))
        elif name in CHOICE_FIELDS:
            found.append(Input(name, label, "select", required, _unchosen(info) + list(
                choices()[CHOICE_FIELDS[name]].items()), str(info.default or "") if not required else ""))
        elif name == "category":
            found.append(Input(name, label, "select", required, [("", "（请选择）")] + [
                (code, f"{code} {category.name}") for code, category in org.categories.items()]))
        elif name == "kind" and action_name == "note_progress":
            found.append(Input(name, label, "select", False, list(choices()["progress_kinds"].items())))
        elif kind is bool or kind == bool | None:
            yes_no = [("true", "同意" if name == "approve" else "是"), ("false", "不同意" if name == "approve" else "否")]
            found.append(Input(name, label, "select", required, _unchosen(info) + yes_no))
        elif datetime in (kind, *typing.get_args(kind)):
            found.append(Input(name, label, "datetime", required))
        elif typing.get_origin(kind) is list and kind != list[EvidenceIn]:
            found.append(Input(name, label, "text", False))
        else:
            found.append(Input(name, label, "textarea" if name in LONG_TEXT else "text", required,
                               value=str(info.default) if isinstance(info.default, str) else ""))
    return found


def _unchosen(info) -> list[tuple[str, str]]:
    """A blank first option for a choice the command leaves to the person (no default): otherwise the browser shows
    the first answer — 满意, 是, 同意 — as chosen, and a form sent without a look records it (a 被满意 in the making)."""
    return [("", "（请选择）")] if info.is_required() or info.default is None else []


def _requester(org: Organisation, person_id: str | None) -> str:
    """Who asked, as a request's option names it: 「赵卫东·市市场监督管理局提出，编号」; nothing for an unknown person."""
    person = org.person(person_id) if person_id else None
    if person is None:
        return ""
    return f"{person.name}·{_unit_name(org, person.unit_id)}提出，编号"


def _unit_name(org: Organisation, unit_id: str | None) -> str:
    unit = org.unit(unit_id)
    return unit.name if unit else str(unit_id)
