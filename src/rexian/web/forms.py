"""The form of each workflow command on the ticket page, built from the command's request model: one input
per field, with the kind of input chosen by the field's type and the options the ticket and organisation
offer (units, the ticket's pending requests, forwards and supervision orders)."""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

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
}
LONG_TEXT = {"note", "reply", "reason", "basis", "summary", "result", "response", "outcome", "answer"}
UNIT_FIELDS = {"lead_unit_id", "to_unit_id", "target_unit_id", "suggested_unit_id", "new_lead_unit_id",
               "unit_id"}
CHOICE_FIELDS = {"method": "contact_methods", "satisfaction": "satisfaction"}


@dataclass
class Input:
    name: str
    label: str
    widget: str  # text / textarea / select / multi / datetime / files
    required: bool
    options: list[tuple[str, str]] = field(default_factory=list)
    value: str = ""


def inputs(action_name: str, ticket: Ticket, org: Organisation, now: datetime,
           accepted: Mapping[str, Sequence[str]] | None = None) -> list[Input]:
    """`accepted`: for the fields that pick something, the values the workflow accepts now (from
    `actions.offered`); only those are offered."""
    found = _inputs(action_name, ticket, org)
    for item in found:
        if accepted and item.name in accepted:
            allowed = set(accepted[item.name])
            item.options = [(value, label) for value, label in item.options if value in allowed or value == ""]
    return found


def _inputs(action_name: str, ticket: Ticket, org: Organisation) -> list[Input]:
    model = BODIES[action_name]
    found = []
    units = [(u.unit_id, u.name) for u in org.units.values() if u.active and u.kind != "centre"]
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
                (r.request_id, f"{choices()['requests'].get(r.kind, r.kind)}申请（{r.request_id}）")
                for r in ticket.requests.values()]))
        elif name == "forward_id":
            found.append(Input(name, label, "select", True, [
                (f.forward_id, f"{f.forward_id} → {_unit_name(org, f.unit_id)}") for f in ticket.open_forwards()]))
        elif name == "order_id":
            found.append(Input(name, label, "select", True,
                               [(o.order_id, o.order_id) for o in ticket.orders.values() if not o.closed]))
        elif name in CHOICE_FIELDS:
            found.append(Input(name, label, "select", required, list(choices()[CHOICE_FIELDS[name]].items()),
                               str(info.default or "") if not required else ""))
        elif name == "kind" and action_name == "note_progress":
            found.append(Input(name, label, "select", False, list(choices()["progress_kinds"].items())))
        elif kind is bool or kind == bool | None:
            yes_no = [("true", "同意" if name == "approve" else "是"), ("false", "不同意" if name == "approve" else "否")]
            found.append(Input(name, label, "select", required, yes_no))
        elif datetime in (kind, *typing.get_args(kind)):
            found.append(Input(name, label, "datetime", required))
        elif typing.get_origin(kind) is list and kind != list[EvidenceIn]:
            found.append(Input(name, label, "text", False))
        else:
            found.append(Input(name, label, "textarea" if name in LONG_TEXT else "text", required,
                               value=str(info.default) if isinstance(info.default, str) else ""))
    return found


def _unit_name(org: Organisation, unit_id: str | None) -> str:
    unit = org.unit(unit_id)
    return unit.name if unit else str(unit_id)
