"""Deadlines on imported tickets (`deadlines:` in a mapping): a dispatch the export gives no deadline for
(`action_fields: {Dispatched: {due_at: …}}`) gets the handling deadline the domain's DeadlinePolicy computes
from the dispatch time, the ticket's urgency and its category's time limit in working days, on the working
calendar — so the overdue rule can judge an export that has no deadline column."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rexian.domain.deadlines import DeadlinePolicy


@lru_cache(maxsize=1)
def policy() -> DeadlinePolicy:
    """The policy of the settings and calendar (loaded once per process)."""
    from rexian.calendar_files import load_calendar
    from rexian.settings import load_settings

    settings = load_settings()
    return DeadlinePolicy.from_settings(load_calendar(settings["calendar_dir"]), settings)


def check_deadlines(raw: Any) -> dict[str, int] | None:
    """The `deadlines` section as {category: working days}, None when absent; ValueError when malformed."""
    if raw is None:
        return None
    if raw is True:
        return {}
    if not isinstance(raw, dict) or set(raw) - {"handle_days", "categories"} or not isinstance(raw.get("handle_days") or {}, dict):
        raise ValueError("deadlines 应为 {handle_days: {分类: 工作日数}, categories: 分类表}"
                         "（或 true：按设置 default_handle_days）")
    days = {str(category): int(value) for category, value in (raw.get("handle_days") or {}).items()}
    if any(value <= 0 for value in days.values()):
        raise ValueError("deadlines.handle_days 的工作日数应为正整数")
    return days


def set_deadlines(drafts: list, intake: dict[str, Any], handle_days: dict[str, int]) -> None:
    """Give each dispatch without `due_at` the computed handling deadline (payload `due_computed: true`)."""
    urgency = intake.get("urgency") if intake.get("urgency") in ("normal", "urgent", "emergency") else "normal"
    days = handle_days.get(str(intake.get("category")))
    for draft in drafts:
        if draft.action == "Dispatched" and not draft.payload.get("due_at"):
            due = policy().handle_due(draft.at, urgency, handle_days=days)
            draft.payload["due_at"] = due.isoformat(sep=" ")
            draft.payload["due_computed"] = True
