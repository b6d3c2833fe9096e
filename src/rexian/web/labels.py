"""The Chinese labels pages and API messages show, all taken from the project's vocabulary
(rexian.domain.vocabulary) — never a second dictionary here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

from rexian.domain import vocabulary as v


def role_name(code: str) -> str:
    return v.label(v.ROLES, code)


def role_names(codes: Iterable[str]) -> str:
    return "、".join(role_name(code) for code in codes)


def state_name(code: str | None) -> str:
    return v.label(v.TICKET_STATES, code)


def action_name(code: str | None) -> str:
    """The Chinese name of an event's action (受理, 派单 …)."""
    return v.label(v.ACTIONS, code)


def rule_name(rule_id: str | None) -> str:
    """A rule's Chinese name (超期未办结); an unknown rule id is shown as it is."""
    entry = v.RULES.get(rule_id or "")
    return entry.zh if entry else (rule_id or "")


def command_name(action: str) -> str:
    """The Chinese name of a workflow command offered on the ticket page (by its URL name)."""
    from rexian.web.actions import ACTIONS

    found = ACTIONS.get(action)
    return found.command.zh if found and found.command.zh else action


def day(value: date) -> str:
    """A calendar day with its weekday: 2027-02-06（周六）."""
    return f"{value.isoformat()}（周{v.WEEKDAY_NAMES[value.weekday()]}）"


def choices() -> dict[str, dict]:
    """The option lists forms offer (codes → Chinese), as the vocabulary declares them."""
    return {"channels": v.CHANNELS, "urgencies": v.URGENCIES, "kinds": v.TICKET_KINDS,
            "contact_methods": v.CONTACT_METHODS, "progress_kinds": v.PROGRESS_KINDS,
            "satisfaction": v.SATISFACTION, "evidence_kinds": v.EVIDENCE_KINDS, "requests": v.REQUEST_KINDS,
            "audit_actions": v.AUDIT_ACTIONS, "unit_kinds": v.UNIT_KINDS, "calendar_day_kinds": v.CALENDAR_DAY_KINDS,
            "staff_roles": {code: label for code, label in v.ROLES.items() if code != "citizen"}}


EVENT_TEXTS = ("reply", "answer", "reason", "basis", "note", "summary", "result", "response", "outcome")


def event_texts(payload: dict[str, Any] | None, with_content: bool = False) -> list[str]:
    """The words an event carries, in the order a timeline shows them, each once: an import mapping the same
    column to two fields (办理意见 as the reply and the note) would otherwise print it twice."""
    shown: list[str] = []
    for key in (("content",) if with_content else ()) + EVENT_TEXTS:
        text = (payload or {}).get(key)
        if isinstance(text, str) and text.strip() and text not in shown:
            shown.append(text)
    return shown


def _word(value: Any) -> str:
    """A code word inside evidence (an action, a kind of request, a contact method, an agent status) in Chinese."""
    text = str(value)
    if text in v.ACTIONS:
        return action_name(text)
    for words in (v.TICKET_KINDS, v.CONTACT_METHODS, v.PROGRESS_KINDS, v.AGENT_STATUSES, v.SEVERITIES, v.SATISFACTION):
        if text in words:
            return words[text]
    return text


def evidence_items(values: dict[str, Any] | None, leave_out: Iterable[str] = ()) -> list[tuple[str, str]]:
    """A finding's evidence values (or thresholds) as (Chinese name, value) pairs people read: names from the
    vocabulary, yes/no and the assertion in words, an event's action by its name, empty values and the names
    in `leave_out` (shown elsewhere on the page) left out."""
    shown = []
    for name, value in (values or {}).items():
        if value is None or value == "" or name in leave_out:
            continue
        if isinstance(value, bool):
            text = "是" if value else "否"
        elif name == "source_action":
            text = action_name(str(value))
        elif name == "assertion":
            from rexian.text.assertion import KIND_ZH

            text = KIND_ZH.get(str(value), str(value))
        elif isinstance(value, float):
            text = f"{value:.2f}".rstrip("0").rstrip(".")
        elif isinstance(value, (list, tuple)):
            text = "、".join(_word(item) for item in value)
        else:
            text = _word(value)
        shown.append((v.label(v.EVIDENCE_VALUES, name), text))
    return shown


def when(value: Any) -> str:
    """A time as people read it on every page: 2026-02-25 09:14 (ISO text or datetime; empty for none)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)
