"""The supervisor's desk, decided: findings triage, clues and cases, supervision orders, bulletins.

Pure decisions, like `workflow.py`: a command and the current state (rebuilt from the stream's events) go
in, the new events come out, or a `WorkflowError` saying why nothing happens. Storage, numbering and time
are the service's business (`service/desk.py`).

Every desk object is one event stream of the supervision log (`supervision_events`, hash-chained like the
tickets' log and checked by `rexian verify`):

- a clue (问题线索, stream `XS…`): 线索 → 核查 → 立案 (case) or 了结 (closed) → 处理结果 (outcomes);
- a supervision order (督办单, stream `DB…`): issued in a numbered batch (期次) to a unit with a due date,
  answered by that unit; an answer after the due date, or none by then, is itself flagged (`order_lateness`);
- a bulletin (通报, stream `TB…`): drafted, edited, issued; an issued bulletin is frozen;
- the decisions on a finding (stream `F…`): confirmed / dismissed / contradicted by later data.

The Chinese labels of this module's codes are kept together in `LABELS` so that they can move to the
shared vocabulary in one piece.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rexian.domain.errors import MissingField, NotAllowed, WrongState
from rexian.domain.vocabulary import FINDING_CHANGES, SEVERITIES

SUPERVISION_ROLES = frozenset({"supervisor"})

FINDING_DECISIONS = {"confirm": "confirmed", "dismiss": "dismissed"}
CLUE_STATES = ("verifying", "case_filed", "closed")
OUTCOMES = {
    "criticism": "批评教育",
    "notice": "通报",
    "admonition": "诫勉谈话",
    "discipline": "党纪政务处分",
    "organisational": "组织处理",
    "transfer": "移送司法机关",
}
# 通报 may name a unit alone (a unit is notified); every other outcome is a sanction on a person — 责任追究到个人
# (MISSION.md) — and is refused without one: 诫勉谈话 of a unit is not a thing.
UNIT_OUTCOMES = ("notice",)
ORDER_STATES = ("issued", "answered")
BULLETIN_STATES = ("draft", "issued")

LABELS: dict[str, str] = {
    # statuses
    "new": "待核查", "confirmed": "已确认", "dismissed": "已排除", "contradicted": "数据已推翻",
    "verifying": "核查中", "case_filed": "已立案", "closed": "已了结",
    "issued": "已下发", "answered": "已答复", "draft": "草稿",
    "overdue_unanswered": "逾期未答复", "answered_late": "逾期答复",
    # events
    "FindingConfirmed": "确认问题线索", "FindingDismissed": "排除问题线索", "FindingContradicted": "问题线索被数据推翻",
    "ClueOpened": "形成线索", "VerificationNoted": "核查记录", "CaseFiled": "立案", "ClueClosed": "了结",
    "OutcomeRecorded": "处理结果", "OrderIssued": "下发督办单", "OrderAnswered": "督办答复",
    "BulletinDrafted": "起草通报", "BulletinEdited": "修改通报", "BulletinIssued": "印发通报",
    **OUTCOMES, **FINDING_CHANGES, **SEVERITIES,
}

DESK_ACTIONS = ("FindingConfirmed", "FindingDismissed", "FindingContradicted", "ClueOpened", "VerificationNoted",
                "CaseFiled", "ClueClosed", "OutcomeRecorded", "OrderIssued", "OrderAnswered", "BulletinDrafted",
                "BulletinEdited", "BulletinIssued")


def action_label(action: str) -> str:
    """The Chinese name of an action of either log (the ticket actions come from the shared vocabulary)."""
    if action in LABELS:
        return LABELS[action]
    try:
        from rexian.domain.vocabulary import ACTIONS
    except ImportError:  # before the shared vocabulary exists, the code itself
        return action
    return ACTIONS.get(action, action)


@dataclass(frozen=True)
class Actor:
    person_id: str
    unit_id: str | None
    roles: frozenset[str]

    @property
    def supervises(self) -> bool:
        return bool(self.roles & SUPERVISION_ROLES)


def _event(action: str, actor: Actor | None, payload: dict[str, Any], target_unit_id: str | None = None) -> dict[str, Any]:
    return {"action": action, "actor_id": actor.person_id if actor else None,
            "actor_unit_id": actor.unit_id if actor else None, "target_unit_id": target_unit_id, "payload": payload}


def _require_supervisor(actor: Actor, what: str, rule: str = "desk.supervisor_only") -> None:
    if not actor.supervises:
        raise NotAllowed(rule, f"只有监督员可以{what}")


# The longest a desk text (a title, reason, note, demand, answer) may be: some ten pages. Before trust14 there was no
# bound below the web form's body limit: a 10 MB note went onto the chain, into every replay and every push.
DESK_TEXT_LIMIT = 20_000


def _require_text(value: str | None, rule: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise MissingField(rule, message)
    return _bounded(text, rule)


def _bounded(text: str, rule: str) -> str:
    if len(text) > DESK_TEXT_LIMIT:
        raise MissingField(rule, f"文字过长：{len(text)}字（上限{DESK_TEXT_LIMIT}字），请精简或作为附件另行保存")
    return text


# --- findings triage -----------------------------------------------------------------------------------
def decide_finding(actor: Actor, status: str, decision: str, reason: str) -> dict[str, Any]:
    """Confirm or dismiss one finding now in `status`: the event, or why not."""
    _require_supervisor(actor, "确认或排除问题线索", "finding.supervisor_only")
    if decision not in FINDING_DECISIONS:
        raise MissingField("finding.decision", f"决定只能是 {'/'.join(FINDING_DECISIONS)}")
    reason = _require_text(reason, "finding.reason", "确认或排除问题线索必须说明理由")
    new_status = FINDING_DECISIONS[decision]
    if status == new_status:
        raise WrongState("finding.already_decided", f"该问题线索已是“{LABELS[new_status]}”状态")
    action = "FindingConfirmed" if new_status == "confirmed" else "FindingDismissed"
    return _event(action, actor, {"old_status": status, "new_status": new_status, "reason": reason})


def contradicted(reason: str) -> dict[str, Any]:
    """The data no longer supports a finding: it is marked, never deleted; the decision on it stands."""
    return _event("FindingContradicted", None, {"reason": reason})


# --- clues and cases -----------------------------------------------------------------------------------
@dataclass
class Clue:
    clue_id: str
    state: str = ""
    title: str = ""
    finding_keys: list[str] = field(default_factory=list)
    officer_id: str | None = None
    unit_id: str | None = None
    person_id: str | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)
    case_reason: str | None = None
    closed_reason: str | None = None
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    opened_at: datetime | None = None

    @classmethod
    def replay(cls, clue_id: str, events: Iterable[dict[str, Any]]) -> Clue:
        clue = cls(clue_id)
        for event in events:
            clue.apply(event)
        return clue

    def apply(self, event: dict[str, Any]) -> None:
        p, action = event.get("payload") or {}, event["action"]
        if action == "ClueOpened":
            self.state, self.title, self.finding_keys = "verifying", p["title"], list(p["finding_keys"])
            self.officer_id, self.unit_id, self.person_id = p.get("officer_id"), p.get("unit_id"), p.get("person_id")
            self.opened_at = event.get("at")
        elif action == "VerificationNoted":
            self.notes.append({"at": event.get("at"), "by": event.get("actor_id"), "text": p["text"],
                               "files": p.get("files", [])})
        elif action == "CaseFiled":
            self.state, self.case_reason = "case_filed", p["reason"]
        elif action == "ClueClosed":
            self.state, self.closed_reason = "closed", p["reason"]
        elif action == "OutcomeRecorded":
            self.outcomes.append({**p, "at": event.get("at"), "by": event.get("actor_id")})


def open_clue(actor: Actor, title: str, findings: dict[str, str], officer: Actor | None,
              unit_id: str | None, person_id: str | None, unknown: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """One or more confirmed findings (key → status) become a clue assigned to a supervision officer. `unknown`:
    the unit or person written in by hand that neither the organisation nor the clue's findings name."""
    _require_supervisor(actor, "形成问题线索")
    _require_known_subjects(unknown)
    title = _require_text(title, "clue.title", "线索必须有标题")
    if not findings:
        raise MissingField("clue.findings", "线索至少来自一条已确认的问题线索")
    unconfirmed = sorted(key for key, status in findings.items() if status != "confirmed")
    if unconfirmed:
        raise WrongState("clue.unconfirmed", "只有已确认的问题线索可以形成线索：" + "、".join(unconfirmed))
    officer = officer or actor
    if not officer.supervises:
        raise NotAllowed("clue.officer", "线索只能分派给监督员")
    return [_event("ClueOpened", actor, {"title": title, "finding_keys": sorted(findings),
                                         "officer_id": officer.person_id, "unit_id": unit_id,
                                         "person_id": person_id}, unit_id)]


def note_verification(actor: Actor, clue: Clue, text: str, files: list[str] | None = None) -> list[dict[str, Any]]:
    _require_supervisor(actor, "记录核查情况")
    _require_state(clue, ("verifying", "case_filed"), "记录核查情况")
    text = _require_text(text, "clue.note", "核查记录不能为空")
    return [_event("VerificationNoted", actor, {"text": text, "files": list(files or [])})]


def file_case(actor: Actor, clue: Clue, reason: str) -> list[dict[str, Any]]:
    _require_supervisor(actor, "立案")
    _require_state(clue, ("verifying",), "立案")
    reason = _require_text(reason, "clue.case_reason", "立案必须说明理由")
    return [_event("CaseFiled", actor, {"reason": reason}, clue.unit_id)]


def close_clue(actor: Actor, clue: Clue, reason: str) -> list[dict[str, Any]]:
    _require_supervisor(actor, "了结线索")
    _require_state(clue, ("verifying",), "了结")
    reason = _require_text(reason, "clue.close_reason", "了结线索必须说明理由")
    return [_event("ClueClosed", actor, {"reason": reason})]


def record_outcome(actor: Actor, clue: Clue, outcome: str, person_id: str | None, unit_id: str | None,
                   note: str = "", unknown: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """A handling result (批评教育, 通报, 诫勉谈话, 党纪政务处分 …) against a person and unit of a filed case: a
    sanction on a person names the person (UNIT_OUTCOMES: what a unit alone may receive). `unknown`: as for
    `open_clue` — a sanction recorded against a mistyped number would stand on the chain against nobody."""
    _require_supervisor(actor, "记录处理结果")
    _require_state(clue, ("case_filed",), "记录处理结果")
    _require_known_subjects(unknown)
    if outcome not in OUTCOMES:
        raise MissingField("clue.outcome", "处理结果只能是：" + "、".join(OUTCOMES.values()))
    if not (person_id or unit_id):
        raise MissingField("clue.outcome_subject", "处理结果必须落实到责任人或责任单位")
    if outcome not in UNIT_OUTCOMES and not person_id:
        raise MissingField("clue.outcome_person", f"“{OUTCOMES[outcome]}”是对个人的处理，必须填写责任人编号"
                                                  f"（只落实到单位的，处理结果只能是“{OUTCOMES['notice']}”）")
    return [_event("OutcomeRecorded", actor, {"outcome": outcome, "person_id": person_id, "unit_id": unit_id,
                                              "note": _bounded((note or "").strip(), "clue.outcome_note")},
                   unit_id)]


def _require_known_subjects(unknown: tuple[str, ...]) -> None:
    if unknown:
        raise MissingField("clue.subject_unknown", "、".join(unknown) + "：组织机构中没有，线索所涉的问题线索也未涉及"
                                                   "（请核对编号）")


def _require_state(clue: Clue, states: tuple[str, ...], what: str) -> None:
    if not clue.state:
        raise WrongState("clue.unknown", f"线索{clue.clue_id}不存在")
    if clue.state not in states:
        raise WrongState("clue.state", f"线索处于“{LABELS[clue.state]}”状态，不能{what}")


# --- supervision orders ---------------------------------------------------------------------------------
@dataclass
class Order:
    order_id: str
    state: str = ""
    batch: str = ""
    unit_id: str | None = None
    due_at: datetime | None = None
    demand: str = ""
    finding_keys: list[str] = field(default_factory=list)
    clue_id: str | None = None
    issued_at: datetime | None = None
    answer: str | None = None
    answered_at: datetime | None = None
    answered_by: str | None = None

    @classmethod
    def replay(cls, order_id: str, events: Iterable[dict[str, Any]]) -> Order:
        order = cls(order_id)
        for event in events:
            p = event.get("payload") or {}
            if event["action"] == "OrderIssued":
                order.state, order.batch, order.unit_id = "issued", p["batch"], p["unit_id"]
                order.due_at = _as_time(p["due_at"])
                order.demand, order.finding_keys, order.clue_id = p["demand"], list(p["finding_keys"]), p.get("clue_id")
                order.issued_at = _as_time(event.get("at"))
            elif event["action"] == "OrderAnswered":
                order.state, order.answer = "answered", p["answer"]
                order.answered_at, order.answered_by = _as_time(event.get("at")), event.get("actor_id")
        return order


def issue_order(actor: Actor, batch: str, unit_id: str, due_at: datetime, demand: str, now: datetime,
                finding_keys: list[str] | None = None, clue_id: str | None = None,
                unit_known: bool = True, unit_active: bool = True) -> list[dict[str, Any]]:
    _require_supervisor(actor, "下发督办单")
    if not unit_known:
        raise MissingField("order.unit", f"单位不存在：{unit_id}")
    if not unit_active:  # a retired unit has nobody left to answer the order: it could only ever fall overdue
        raise MissingField("order.unit_retired", f"单位已撤销，不能接收督办单：{unit_id}")
    demand = _require_text(demand, "order.demand", "督办单必须写明督办要求")
    if not (finding_keys or clue_id):
        raise MissingField("order.source", "督办单必须来自问题线索或线索")
    if due_at <= now:
        raise MissingField("order.due", "督办期限必须晚于下发时间")
    return [_event("OrderIssued", actor, {"batch": batch, "unit_id": unit_id, "due_at": due_at, "demand": demand,
                                          "finding_keys": sorted(finding_keys or []), "clue_id": clue_id}, unit_id)]


def answer_order(actor: Actor, order: Order, answer: str, now: datetime) -> list[dict[str, Any]]:
    """The unit the order went to answers it; a late answer is accepted and flagged (`late`)."""
    if not order.state:
        raise WrongState("order.unknown", f"督办单{order.order_id}不存在")
    if actor.unit_id != order.unit_id:
        raise NotAllowed("order.other_unit", "只有被督办单位可以答复督办单")
    if order.state != "issued":
        raise WrongState("order.answered", "督办单已答复")
    answer = _require_text(answer, "order.answer", "督办答复不能为空")
    return [_event("OrderAnswered", actor, {"answer": answer, "late": bool(order.due_at and now > order.due_at)})]


def order_lateness(order: Order, now: datetime) -> str | None:
    """`overdue_unanswered` when the due date passed without an answer, `answered_late` when the answer came
    after it, else None."""
    if order.state == "issued" and order.due_at and now > order.due_at:
        return "overdue_unanswered"
    if order.state == "answered" and order.due_at and order.answered_at and order.answered_at > order.due_at:
        return "answered_late"
    return None


# --- bulletins -----------------------------------------------------------------------------------------
@dataclass
class Bulletin:
    bulletin_id: str
    state: str = ""
    period: str = ""
    content: dict[str, Any] = field(default_factory=dict)
    issued_at: datetime | None = None

    @classmethod
    def replay(cls, bulletin_id: str, events: Iterable[dict[str, Any]]) -> Bulletin:
        bulletin = cls(bulletin_id)
        for event in events:
            p = event.get("payload") or {}
            if event["action"] == "BulletinDrafted":
                bulletin.state, bulletin.period, bulletin.content = "draft", p["period"], p["content"]
            elif event["action"] == "BulletinEdited":
                bulletin.content = {**bulletin.content, **p["changes"]}
            elif event["action"] == "BulletinIssued":
                bulletin.state, bulletin.issued_at = "issued", _as_time(event.get("at"))
        return bulletin


EDITABLE_BULLETIN_FIELDS = ("title", "preface", "typical_cases", "closing")


def draft_bulletin(actor: Actor, period: str, content: dict[str, Any]) -> list[dict[str, Any]]:
    _require_supervisor(actor, "起草通报")
    return [_event("BulletinDrafted", actor, {"period": period, "content": content})]


def edit_bulletin(actor: Actor, bulletin: Bulletin, changes: dict[str, Any]) -> list[dict[str, Any]]:
    """Only the words are editable: the counts stay those of the findings store."""
    _require_supervisor(actor, "修改通报")
    if bulletin.state != "draft":
        raise WrongState("bulletin.issued", "通报已印发，不能再修改")
    wrong = sorted(set(changes) - set(EDITABLE_BULLETIN_FIELDS))
    if wrong:
        raise NotAllowed("bulletin.counts", "通报中的统计数字来自问题线索库，不能手工修改：" + "、".join(wrong))
    changed = {k: v for k, v in changes.items() if bulletin.content.get(k) != v}
    return [_event("BulletinEdited", actor, {"changes": changed})] if changed else []


def issue_bulletin(actor: Actor, bulletin: Bulletin) -> list[dict[str, Any]]:
    _require_supervisor(actor, "印发通报")
    if bulletin.state != "draft":
        raise WrongState("bulletin.issued", "通报已印发")
    return [_event("BulletinIssued", actor, {})]


def _as_time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
