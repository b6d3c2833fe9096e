"""Per-action fields and the intake kind `mapping suggest` proposes from a part's columns and values: the note as
reply or reason, the visit result read from it, stated evidence, labelled parts of a history step, the appeal type."""

from __future__ import annotations

from typing import Any

from rexian.importing.values import as_text


REASON_EVENTS = ("ReturnRequested", "ExtensionRequested", "HandedOver", "ReturnRejected", "ExtensionRejected",
                 "ClosureRejected")


def reply_and_deadline_fields(proposal: dict[str, Any], note: str | None, notes: list[str],
                               visit_notes: list[str] = (), step_notes: dict[str, list[str]] | None = None) -> None:
    """The note column as the reply text of closure requests and replies (the reply rules read `reply`), as the
    reason of requests and refusals that have no reason column of their own, and as
    the visit's result when most visit rows' notes read as one (「回访结果：满意；…」); the wording of stated
    evidence (evidence_words); the extension request's new deadline as the approval's (`new_due_at`: the
    overdue rule's deadline)."""
    from rexian.importing.action_fields import UNREAD_VISIT, visit_outcome

    fields = proposal.setdefault("action_fields", {})
    events = set(proposal.get("actions", {}).values())
    read = [text for text in visit_notes if text and UNREAD_VISIT not in visit_outcome(text, "satisfaction")]
    if note and "Visited" in events and visit_notes and len(read) * 2 >= len(visit_notes) \
            and "satisfaction" not in fields.get("Visited", {}):
        fields.setdefault("Visited", {})["satisfaction"] = note
        notes.append(f"回访行的「{note}」有 {len(read)}/{len(visit_notes)} 条读得出回访结果：作为回访的满意度/解决情况")
    if note and "ClosureRequested" in events and "evidence_words" not in proposal:
        proposal["evidence_words"] = ["拍照", "照片", "图片"]
        notes.append("evidence_words：办结申请的说明中写到这些词时记为「已说明未附」的佐证（较弱），请按平台用语增删")
    for event in ("ClosureRequested", "Replied"):
        if note and event in events and "reply" not in fields.get(event, {}):
            fields.setdefault(event, {})["reply"] = note
            notes.append(f"「{note}」在 {event} 行上作为答复文字（reply：敷衍答复类规则读它）；若不是答复市民的文字请删去")
    reasons = [event for event in REASON_EVENTS if note and event in events and "reason" not in fields.get(event, {})]
    for event in reasons:  # the words a unit gives for its request, or the centre for its refusal
        fields.setdefault(event, {})["reason"] = note
    if reasons:
        notes.append(f"「{note}」在 {'、'.join(reasons)} 行上作为理由（reason：退单、延期的理由与驳回意见，线索中可见）")
    from rexian.importing.action_fields import DATE_IN_TEXT

    for event, field in (("ExtensionRequested", "requested_due_at"), ("ExtensionApproved", "new_due_at")):
        dated = [text for text in (step_notes or {}).get(event, []) if DATE_IN_TEXT.search(text)]
        if note and dated and field not in fields.get(event, {}):  # 「同意延期至2026年3月20日」: the date in the note
            fields.setdefault(event, {})[field] = note
            notes.append(f"{event} 行的「{note}」有 {len(dated)} 条写明了日期（如「{dated[0][:30]}」）：作为 {field}"
                         "（句中唯一的完整日期；没写日期的行不填）")
    requested = fields.get("ExtensionRequested", {}).get("requested_due_at")
    if requested and "new_due_at" not in fields.get("ExtensionApproved", {}):
        fields.setdefault("ExtensionApproved", {})["new_due_at"] = requested
        notes.append(f"延期审核通过行的「{requested}」作为新的办理时限（new_due_at）；没有它，超期规则按原时限判断")
    if not fields:
        del proposal["action_fields"]


def labelled_fields(proposal: dict[str, Any], column: str, pattern, notes: list[str], lines: list[str] = ()) -> None:
    """The labelled parts the line pattern reads (延期至, 通话编号) and the attachment part every step's note gives up
    (附件, importing/history_cells.py) as the per-action fields they are."""
    from rexian.importing.history_cells import ATTACHMENT_PART, ATTACHMENTS
    from rexian.importing.suggest_history import LABELLED_FIELDS

    events = set(proposal.get("actions", {}).values())
    fields = proposal.setdefault("action_fields", {})
    for group, uses in LABELLED_FIELDS.items():
        if group not in pattern.groupindex and not (group == ATTACHMENTS and any(map(ATTACHMENT_PART.search, lines))):
            continue
        used = [f"{event}.{name}" for event, name in uses if event in events]
        for event, name in uses:
            if event in events:
                fields.setdefault(event, {})[name] = f"{column}.{group}"
        if used:
            notes.append(f"步骤中的「{group}：」单独读作 {column}.{group}，用作 {', '.join(used)}"
                         + ("（附件部分不留在说明里：答复文字不含文件名）" if group == ATTACHMENTS else ""))
    if not fields:
        del proposal["action_fields"]


def unused_columns(headers: list[str], taken: set, notes: list[str]) -> None:
    unused = [h for h in headers if h not in taken]
    if unused:
        notes.append(f"未使用的列：{', '.join(unused)}（可放入 payload_columns 或 intake）")


def kind_column(headers: list[str], rows: list[dict[str, Any]], taken: set[str]) -> str | None:
    """A column whose words are kinds of request (诉求类型: 投诉/咨询/求助/建议 …, docs/events.md `kind`): the
    intake's `kind`, by its values whatever its header — consultations and praise are not complaints for the
    repeat rules. Marks it taken."""
    from rexian.domain.vocabulary import TICKET_KINDS

    labels = set(TICKET_KINDS.values()) | set(TICKET_KINDS)
    for header in headers:
        values = [as_text(row.get(header)).strip() for row in rows if row.get(header) not in (None, "")]
        if header not in taken and values and sum(value in labels for value in values) >= 0.9 * len(values):
            taken.add(header)
            return header
    return None


def kind_values(column: str, rows: list[dict[str, Any]]) -> dict[str, str]:
    """The `values` translation of a kind column's Chinese words (投诉 → complaint)."""
    from rexian.domain.vocabulary import TICKET_KINDS

    codes = {label: kind for kind, label in TICKET_KINDS.items()}
    seen = {as_text(row.get(column)).strip() for row in rows if row.get(column) not in (None, "")}
    return {word: codes[word] for word in sorted(seen) if word in codes}
