"""The Chinese labels pages and API messages show, all taken from the project's vocabulary
(rexian.domain.vocabulary) — never a second dictionary here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

from rexian.adapters.demo_clock import ANCHORED_BY, DEMO_CLOCK
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


def file_kind(content_type: str | None) -> str:
    """An evidence file's type as people name it (JPEG照片, declared with the types uploads accept), not its MIME type."""
    from rexian.web.pages import UPLOAD_TYPES

    accepted = UPLOAD_TYPES.get(content_type or "")
    return accepted[1] if accepted else content_type or ""


def file_size(size: int | None) -> str:
    """A file's size in 字节 / KB / MB, as a file manager shows it."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} 字节"
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def batch_name(batch: str | None) -> str:
    """A supervision orders' batch (期次, stored as 2026-01) as people write it: 2026年第1期."""
    year, _, number = str(batch or "").partition("-")
    return f"{year}年第{int(number)}期" if year.isdigit() and number.isdigit() else f"第{batch}期"


# The audit log's reasons that the server writes in its own terms (web/auth.py, adapters/credentials.py, the
# demo's clock) as the administration page shows them; people's own reasons (an unmasking) are shown as written.
_ACCOUNT_OPERATIONS = {"add": "开通账号", "reset": "重置密码", "disable": "停用账号", "enable": "启用账号",
                       "issue-token": "发放接口令牌", "revoke-token": "撤销接口令牌"}
_ACCOUNT_STATES = {"password": "修改密码", "enable": "账号启用", "disable": "账号停用",
                   "signed_in": "登录成功，连续失败次数清零"}


def audit_person(person_id: str | None) -> str:
    """Who an audit record names when no person of the organisation is: the system itself (the demo's clock)."""
    return "系统" if person_id == ANCHORED_BY else str(person_id or "")


def audit_reason(action: str | None, reason: str | None) -> str:
    """An audit record's reason in Chinese where the server wrote it in its own terms (see above)."""
    text = str(reason or "")
    head, _, rest = text.partition(" ")
    if action == "account" and head in _ACCOUNT_OPERATIONS:
        return f"{_ACCOUNT_OPERATIONS[head]} {rest}".strip()
    if action == "account_state":
        if text in _ACCOUNT_STATES:
            return _ACCOUNT_STATES[text]
        if head == "failed":
            return f"登录失败（连续第{rest}次）"
        if head == "locked_until":
            return f"连续登录失败，账号锁定至 {rest[:16].replace('T', ' ')}"
    if action in ("signed_out", "token_revoked") and ":" in text:
        return f"{'会话' if action == 'signed_out' else '接口令牌'}（摘要 {text.split(':', 1)[1][:12]}…）"
    if action == DEMO_CLOCK and text.lstrip("-").isdigit():
        seconds = int(text)
        days, hours = abs(seconds) // 86400, abs(seconds) % 86400 // 3600
        return f"演示城市的时间比服务器时间{'早' if seconds < 0 else '晚'} {days} 天 {hours} 小时（{seconds} 秒）"
    return text


def import_source(source: str | None) -> str:
    """Where an import batch came from, as the ticket page names it: an export of this system (the simulator's and
    another Rexian's, source `rexian`) in words; another platform by its mapping's name, as the administrator gave it."""
    return "本系统格式的导出" if source == "rexian" else str(source or "")


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
