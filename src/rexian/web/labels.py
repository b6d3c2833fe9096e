"""The Chinese labels pages and API messages show, all taken from the project's vocabulary (never a
second dictionary here): this module only looks them up with a fallback to the code itself."""

from __future__ import annotations

from typing import Iterable

from rexian.domain.model import STATE_NAMES
from rexian.domain.org import ROLES


def role_name(code: str) -> str:
    return ROLES.get(code, code)


def role_names(codes: Iterable[str]) -> str:
    return "、".join(role_name(code) for code in codes)


def state_name(code: str | None) -> str:
    return STATE_NAMES.get(code or "", code or "")


def action_name(code: str | None) -> str:
    return code or ""


def choices() -> dict[str, dict[str, str]]:
    """The option lists forms offer (codes → Chinese), as the domain declares them."""
    from rexian.domain import reviews, workflow

    return {"channels": workflow.CHANNELS, "urgencies": workflow.URGENCIES, "kinds": workflow.KINDS,
            "contact_methods": workflow.CONTACT_METHODS, "progress_kinds": workflow.PROGRESS_KINDS,
            "satisfaction": reviews.SATISFACTION, "evidence_kinds": reviews.EVIDENCE_KINDS,
            "requests": reviews.REQUEST_NAMES}


def command_name(action: str) -> str:
    """The Chinese name of a workflow command offered on the ticket page (by its URL name)."""
    return action
