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
    """The policy of the settings on the calendar year files (loaded once per process): for an import that writes
    no database (`--out`, `analyze --mapping`), which has no administrator's days to count."""
    from rexian.calendar_files import load_calendar
    from rexian.settings import load_settings

    settings = load_settings()
    return DeadlinePolicy.from_settings(load_calendar(settings["calendar_dir"]), settings)


def database_policy(engine) -> DeadlinePolicy:
    """The policy as the database's own server counts it: the year files with the days the administrator set
    (calendar_days on the signed ORG chain, docs/calendar.md), read once per import."""
    from rexian.adapters.repository import OrgRepository

    with engine.connect() as connection:
        return policy().with_days(OrgRepository(connection).current().calendar.values())


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


def set_deadlines(drafts: list, intake: dict[str, Any], handle_days: dict[str, int],
                  deadlines: DeadlinePolicy | None = None) -> None:
    """Give each dispatch without `due_at` the handling deadline computed by `deadlines` (default: `policy()`;
    payload `due_computed: true`)."""
    deadlines = deadlines or policy()
    urgency = intake.get("urgency") if intake.get("urgency") in ("normal", "urgent", "emergency") else "normal"
    days = handle_days.get(str(intake.get("category")))
    for draft in drafts:
        if draft.action == "Dispatched" and not draft.payload.get("due_at"):
            due = deadlines.handle_due(draft.at, urgency, handle_days=days)
            draft.payload["due_at"] = due.isoformat(sep=" ")
            draft.payload["due_computed"] = True
