"""A supervisor's decision on a finding (问题线索): confirm or dismiss. Pure: the store records the outcome."""

from __future__ import annotations

from rexian.domain.errors import MissingField, NotAllowed, NotFound, WrongState
from rexian.domain.org import Person
from rexian.domain.vocabulary import FINDING_DECISIONS, FINDING_STATUSES


def decide_finding(key: str, decision: str, actor: Person | None, current_status: str | None,
                   reason: str | None) -> tuple[str, str]:
    """The finding's new status and the reason to record; refused (WorkflowError) unless the decision is
    known, a reason is given, the actor is an active supervisor, the finding exists (`current_status`
    None means it does not) and its status actually changes."""
    if decision not in FINDING_DECISIONS:
        raise MissingField("finding.decision", f"决定只能是 {'/'.join(FINDING_DECISIONS)}")
    cleaned = (reason or "").strip()
    if not cleaned:
        raise MissingField("finding.reason", "确认或排除问题线索必须说明理由")
    if actor is None or not actor.active or not actor.has_role("supervisor"):
        raise NotAllowed("finding.supervisor_only", "只有监督员可以确认或排除问题线索")
    if current_status is None:
        raise NotFound("finding.unknown", f"问题线索不存在：{key}")
    status = FINDING_DECISIONS[decision]
    if current_status == status:
        raise WrongState("finding.already_decided", f"该问题线索已是“{FINDING_STATUSES[status]}”状态")
    return status, cleaned
