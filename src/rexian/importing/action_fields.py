"""Per-action payload fields from source columns (`action_fields` in a mapping) and from the wording of the
note (`evidence_words`): the reply text of a reply step, the reason and basis of a return, extension or
rejection, a visit's satisfaction / resolved / reached, the evidence of a closure request. The fields each
event carries are those of docs/events.md; what the rules read of them is in docs/rules.md.

Also the pairing of decisions with requests: a decision without a request number is paired with the latest
open request of its kind on the ticket (exports rarely number requests)."""

from __future__ import annotations

import re
from typing import Any, Callable

from rexian.domain.vocabulary import VISIT_KEY_WORDS, UnknownWord, parse_visit_outcome
from rexian.importing.values import as_text, parse_time

TEXT, TIME, VISIT, EVIDENCE, PROGRESS = "text", "time", "visit", "evidence", "progress_kind"

# Event → the payload fields a mapping may fill from a column, and how the value is read.
ACTION_FIELDS: dict[str, dict[str, str]] = {
    "DirectlyClosed": {"answer": TEXT},
    "Dispatched": {"due_at": TIME, "sign_due_at": TIME, "return_due_at": TIME},
    "Forwarded": {"due_at": TIME, "forward_id": TEXT},
    "HandedOver": {"reason": TEXT},
    "ForwardReported": {"result": TEXT, "forward_id": TEXT},
    "ProgressNoted": {"attachments": EVIDENCE, "kind": PROGRESS},
    "CitizenContacted": {"method": TEXT, "summary": TEXT, "call_id": TEXT},
    "ReturnRequested": {"request_id": TEXT, "reason": TEXT, "basis": TEXT, "suggested_unit_id": TEXT},
    "ExtensionRequested": {"request_id": TEXT, "reason": TEXT, "requested_due_at": TIME},
    "ClosureRequested": {"request_id": TEXT, "reply": TEXT, "evidence": EVIDENCE},
    "RequestDeclined": {"request_id": TEXT, "reason": TEXT},
    "ReturnApproved": {"request_id": TEXT},
    "ReturnRejected": {"request_id": TEXT, "reason": TEXT},
    "ExtensionApproved": {"request_id": TEXT, "new_due_at": TIME},
    "ExtensionRejected": {"request_id": TEXT, "reason": TEXT},
    "ClosureApproved": {"request_id": TEXT},
    "ClosureRejected": {"request_id": TEXT, "reason": TEXT},
    "Replied": {"reply": TEXT},
    "Visited": {"satisfaction": VISIT, "resolved": VISIT, "reached": VISIT, "method": TEXT, "call_id": TEXT,
                "note": TEXT},
    "Reopened": {"reason": TEXT, "due_at": TIME},
    "SupervisionIssued": {"reason": TEXT, "due_at": TIME, "order_id": TEXT},
    "SupervisionResponded": {"response": TEXT, "order_id": TEXT},
}

# Request → its decisions (a decision closes the request); endorsements only refer to it.
DECISIONS = {"ReturnRequested": ("ReturnApproved", "ReturnRejected"),
             "ExtensionRequested": ("ExtensionApproved", "ExtensionRejected"),
             "ClosureRequested": ("ClosureApproved", "ClosureRejected")}
REFERRING = ("RequestEndorsed", "RequestDeclined")
REQUEST_KINDS = {"ReturnRequested": "return", "ExtensionRequested": "extension", "ClosureRequested": "closure"}
IMAGE = re.compile(r"\.(jpe?g|png|gif|bmp|heic|webp)$|照片|图片|拍照", re.IGNORECASE)
SPLIT_REFS = re.compile(r"[;；,，、\n]+")  # 、 too: Chinese exports list files 「a.jpg、b.pdf」


class FieldError(ValueError):
    """A mapped value that cannot be read: the row is rejected naming the column."""


VISIT_FIELDS = tuple(name for name, kind in ACTION_FIELDS["Visited"].items() if kind == VISIT)
UNREAD_VISIT = "outcome_unread"  # payload field: the part of a visit cell that names a result no word of which reads
# A visit cell as platforms write it: labelled parts and free remarks, one after another
# (「回访结果：满意；是否解决：已解决；回访意见：市民表示问题已处理好」「不满意；未解决；03月30日连续三次拨打无人接听」).
VISIT_CLAUSES = re.compile(r"[；;。\n\r|，,（）()【】\[\]]+")
VISIT_LABEL = re.compile(r"^\s*([^：:]{1,10}?)\s*[：:]\s*(.*)$", re.S)
# The label says which result the part holds: a part labelled 是否解决 reads 是/否 as resolved.
LABEL_FIELDS = {"是否解决": "resolved", "解决情况": "resolved", "是否联系上": "reached", "联系情况": "reached"}


def visit_outcome(text: str, field: str, translations: dict[str, Any] | None = None) -> dict[str, Any]:
    """A visit cell's outcome: the mapping's own words first (`values: {satisfaction: {好评: 满意}}`), then the
    shared parser, over the whole cell and else part by part (`read_visit_parts`). The words of free remarks
    are never guessed: they are kept as the visit's `note`. A cell none of whose parts reads keeps the visit with
    its outcome unknown (`outcome_unread`: the cell) rather than losing the ticket's history; the caller warns
    naming the row and column."""
    def read(part: str, kind: str) -> dict[str, Any]:
        return parse_visit_outcome(as_text(translations.get(part, part)) if translations else part, kind)

    try:
        return read(text, field)
    except UnknownWord:
        return read_visit_parts(text, field, read)


def read_visit_parts(text: str, field: str, read: Callable[[str, str], dict[str, Any]]) -> dict[str, Any]:
    """A cell the parser cannot read whole, part by part (split at ；。，| and brackets): a part is read when
    its value (after a label such as 回访结果：) is all result words; a part with a result label
    (满意度、是否解决 …) that does not read is unread; any other part is a remark. Returns the outcome read, with
    `note` = the remarks and `outcome_unread` = the unread parts; only `outcome_unread` (the whole cell) when
    nothing was read."""
    found: dict[str, Any] = {}
    remarks: list[str] = []
    unread: list[str] = []
    for clause in VISIT_CLAUSES.split(text):
        clause = clause.strip()
        if not clause:
            continue
        labelled = VISIT_LABEL.match(clause)
        label, value = (labelled.group(1).strip(), labelled.group(2).strip()) if labelled else ("", clause)
        if not value:
            continue
        try:
            found.update(read(value, LABEL_FIELDS.get(label, field)))
        except UnknownWord:
            (unread if label in VISIT_KEY_WORDS or label in LABEL_FIELDS else remarks).append(clause)
    if not any(name in found for name in VISIT_FIELDS):
        return {UNREAD_VISIT: text}
    if remarks:
        found["note"] = "；".join(remarks)
    if unread:
        found[UNREAD_VISIT] = "；".join(unread)
    return found


def check_action_fields(raw: Any) -> tuple[dict[str, dict[str, str]], list[str]]:
    """The `action_fields` section as {event: {field: column}}, or the problems found (for MappingError)."""
    problems: list[str] = []
    result: dict[str, dict[str, str]] = {}
    if not isinstance(raw, dict):
        return {}, ["action_fields 应为键值对象：事件: {字段: 列名}"]
    for action, fields in raw.items():
        allowed = ACTION_FIELDS.get(str(action))
        if allowed is None:
            problems.append(f"action_fields 中的 {action!r} 不是可映射字段的事件（可用：{', '.join(ACTION_FIELDS)}）")
            continue
        if not isinstance(fields, dict):
            problems.append(f"action_fields.{action} 应为键值对象：字段: 列名")
            continue
        bad = sorted(str(name) for name in fields if str(name) not in allowed)
        if bad:
            problems.append(f"action_fields.{action} 中未知的字段 {', '.join(bad)}（可用：{', '.join(allowed)}）")
        result[str(action)] = {str(name): str(column) for name, column in fields.items()}
    return result, problems


def evidence_words(raw: Any) -> dict[str, str]:
    """`evidence_words`: a list of words, or word → evidence kind (photo/document/contact)."""
    if raw is None:
        return {}
    if isinstance(raw, list):
        return {str(word): ("photo" if IMAGE.search(str(word)) else "document") for word in raw}
    if isinstance(raw, dict):
        return {str(word): str(kind) for word, kind in raw.items()}
    raise ValueError("evidence_words 应为词语列表，或 词语: 材料类型(photo/document/contact)")


def _evidence(value: Any) -> list[dict[str, Any]]:
    refs = [ref.strip() for ref in SPLIT_REFS.split(as_text(value)) if ref.strip()]
    return [{"kind": "photo" if IMAGE.search(ref) else "document", "ref": ref} for ref in refs]


def prose_columns(columns: dict[str, str], action_fields: dict[str, dict[str, str]]) -> frozenset[str]:
    """The source columns that hold sentences — the note column and any column mapped to a text field — where a
    time field mapped to the same column is read from inside the sentence (`time_in_prose`)."""
    texts = {column for action, fields in action_fields.items() for name, column in fields.items()
             if ACTION_FIELDS.get(action, {}).get(name) == TEXT}
    return frozenset(texts | ({columns["note"]} if columns.get("note") else set()))


def payload_fields(action: str, values: dict[str, Any], fields: dict[str, str], is_missing: Callable[[Any], bool],
                   date_formats, zone, translations: dict[str, dict[str, Any]] | None = None,
                   unread: list[tuple[str, Any]] | None = None, prose: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The payload fields of one row's event from its mapped columns; FieldError(column, value, reason).
    `translations`: the mapping's `values` (field → {source word: ours}) for visit results; `unread` collects
    the (column, value) of visit cells that could not be read; `prose`: the columns that hold sentences
    (`prose_columns`) — a time is read from inside them, and a sentence naming no date leaves the field empty,
    while any other time column that does not read (「五个工作日」) rejects the row."""
    out: dict[str, Any] = {}
    kinds = ACTION_FIELDS.get(action, {})
    for name, column in fields.items():
        value = values.get(column)
        if is_missing(value):
            continue
        kind = kinds[name]
        if kind == TEXT and name == "note":  # a remark column: added to the row's note, never replacing it
            add_fields(out, {"note": as_text(value)})
        elif kind == TEXT:
            out[name] = as_text(value)
        elif kind == TIME:
            try:
                out[name] = parse_time(value, date_formats, zone).isoformat(sep=" ")
            except ValueError:
                written = time_in_prose(as_text(value), date_formats, zone) if column in prose else False
                if written is False:
                    raise FieldError(column, value, f"{action}.{name} 的时间无法解析") from None
                if written is not None:
                    out[name] = written.isoformat(sep=" ")
        elif kind == VISIT:
            outcome = visit_outcome(as_text(value), name, (translations or {}).get(name))
            if UNREAD_VISIT in outcome and unread is not None:
                unread.append((column, outcome[UNREAD_VISIT]))
            add_fields(out, outcome)
        elif kind == EVIDENCE:
            items = _evidence(value)
            if items:
                out[name] = items
        elif kind == PROGRESS:
            from rexian.importing.vocabulary import progress_kind

            # A word naming no kind is plain progress; the cell is kept, so nothing is silently changed.
            out[name] = progress_kind(as_text(value), (translations or {}).get(name)) or "progress"
            out["source_kind"] = as_text(value)
    return out


# A time written inside a sentence: 「同意延期至2026年3月20日」「申请延期至 2026-03-20 18:00」.
DATE_IN_TEXT = re.compile(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?"
                          r"(?:\s*(\d{1,2})\s*[:：时点]\s*(\d{2}))?")
PROSE = re.compile(r"[^\d\s年月日时分秒点:：/.\-T+]")  # any character no written time holds


def time_in_prose(text: str, date_formats, zone) -> Any:
    """The one date a sentence names (a time column mapped to a note: 「同意延期至2026年3月20日。」 → 2026-03-20 23:59),
    None when the sentence names no full date (「同意延期。」, 「申请延期至3月3日」 without a year: no time stated, the
    field left empty), False when the cell is no sentence at all but a time that does not read (rejected)."""
    if not PROSE.search(text):
        return False
    found = DATE_IN_TEXT.findall(text)
    if len(found) != 1:
        return None
    year, month, day, hour, minute = found[0]
    if not hour:  # a day without a time of day: the end of that day (「延期至3月20日」 allows the 20th)
        hour, minute = "23", "59"
    try:
        return parse_time(f"{year}-{int(month):02d}-{int(day):02d} {int(hour):02d}:{minute}", date_formats, zone)
    except ValueError:
        return None


def add_fields(payload: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """`payload` updated with `fields`, a `note` among them (a visit cell's remark) added to the note already
    there rather than replacing it: the row's own note and the cell's remark are both kept."""
    fields = dict(fields)
    note = fields.pop("note", None)
    payload.update(fields)
    if note and note not in (payload.get("note") or ""):
        payload["note"] = f"{payload['note']}；{note}" if payload.get("note") else note
    return payload


def evidence_from_note(note: str | None, words: dict[str, str]) -> list[dict[str, Any]]:
    """Evidence a closure request's note only mentions (「已拍照」「附整改照片」): recorded as weaker evidence
    (`stated: true`, no reference to a file), one item per kind."""
    if not note or not words:
        return []
    kinds = {kind: word for word, kind in words.items() if word in note}
    return [{"kind": kind, "ref": None, "summary": word, "stated": True} for kind, word in sorted(kinds.items())]


def pair_requests(ticket_id: str, drafts: list) -> None:
    """In time order: a request without `request_id` gets one (ticket, kind, number); a decision without one
    takes the latest open request of its kind, which it closes; an endorsement takes the latest open request
    of any kind. A decision with no open request keeps no request id."""
    open_requests: list[tuple[str, str]] = []  # (request action, request id), oldest first
    counts: dict[str, int] = {}
    for draft in drafts:
        payload = draft.payload
        if draft.action in DECISIONS:
            if not payload.get("request_id"):
                counts[draft.action] = counts.get(draft.action, 0) + 1
                payload["request_id"] = f"{ticket_id}:{draft.action}:{counts[draft.action]}"
            open_requests.append((draft.action, str(payload["request_id"])))
            continue
        kind = next((request for request, decisions in DECISIONS.items() if draft.action in decisions), None)
        if kind is not None:
            wanted = [entry for entry in open_requests if entry[0] == kind]
            given = payload.get("request_id")
            match = next((e for e in wanted if e[1] == str(given)), None) if given else (wanted[-1] if wanted else None)
            if match:
                payload.setdefault("request_id", match[1])
                open_requests.remove(match)
        elif draft.action in REFERRING and not payload.get("request_id") and open_requests:
            payload["request_id"] = open_requests[-1][1]
            payload.setdefault("request_kind", REQUEST_KINDS[open_requests[-1][0]])
