"""The Chinese labels pages and API messages show, all taken from the project's vocabulary
(rexian.domain.vocabulary) — never a second dictionary here."""

from __future__ import annotations

from datetime import datetime
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


def command_name(action: str) -> str:
    """The Chinese name of a workflow command offered on the ticket page (by its URL name)."""
    from rexian.web.actions import ACTIONS

    found = ACTIONS.get(action)
    return found.command.zh if found and found.command.zh else action


def choices() -> dict[str, dict]:
    """The option lists forms offer (codes → Chinese), as the vocabulary declares them."""
    return {"channels": v.CHANNELS, "urgencies": v.URGENCIES, "kinds": v.TICKET_KINDS,
            "contact_methods": v.CONTACT_METHODS, "progress_kinds": v.PROGRESS_KINDS,
            "satisfaction": v.SATISFACTION, "evidence_kinds": v.EVIDENCE_KINDS, "requests": v.REQUEST_KINDS,
            "audit_actions": v.AUDIT_ACTIONS}


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
