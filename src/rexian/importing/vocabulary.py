"""The action vocabulary: which source words mean which event of docs/events.md.

A mapping file adds its own words (or overrides these). The built-in words are the Chinese names of the
events table and the words Chinese hotline platforms commonly write in their flow records.
"""

from __future__ import annotations

from rexian.domain.vocabulary import ACTIONS as ACTION_LABELS
from rexian.domain.vocabulary import PROGRESS_KINDS, TARGETED_ACTIONS

__all__ = ["ACTIONS", "TARGETED_ACTIONS", "CHINESE_ACTIONS", "PROGRESS_WORDS", "default_vocabulary",
           "progress_kind"]

ACTIONS = tuple(ACTION_LABELS)

# Words Chinese hotline platforms write in their flow records, besides the labels of the events table.
CHINESE_ACTIONS = {
    "受理": "TicketReceived", "登记": "TicketReceived", "新建": "TicketReceived", "创建": "TicketReceived",
    "直接办结": "DirectlyClosed", "直办": "DirectlyClosed", "当场办结": "DirectlyClosed",
    "派单": "Dispatched", "派发": "Dispatched", "交办": "Dispatched", "分派": "Dispatched",
    "重新派单": "Dispatched", "改派": "Dispatched",
    "签收": "SignedFor", "接单": "SignedFor",
    "转派": "Forwarded", "下派": "Forwarded", "下转": "Forwarded",
    # 转办 between the units of a 12345 platform is a sideways hand-over; with the export's unit tree
    # (`unit_tree`), one aimed below its own unit is imported as a forward down (importing/unit_tree.py).
    "转办": "HandedOver", "移交": "HandedOver", "平转": "HandedOver", "平级移交": "HandedOver",
    "平级转办": "HandedOver", "转交": "HandedOver",
    "下级反馈": "ForwardReported", "反馈": "ForwardReported", "下级回复": "ForwardReported",
    "下级办结反馈": "ForwardReported", "街道回复": "ForwardReported", "街道反馈": "ForwardReported",
    "办理过程": "ProgressNoted", "处理中": "ProgressNoted", "办理": "ProgressNoted", "备注": "ProgressNoted",
    "现场核查": "ProgressNoted", "现场核实": "ProgressNoted", "实地核查": "ProgressNoted", "现场查看": "ProgressNoted",
    "现场勘查": "ProgressNoted", "上门核查": "ProgressNoted", "协调": "ProgressNoted", "协调处理": "ProgressNoted",
    "会商": "ProgressNoted", "实地查看": "ProgressNoted", "现场检查": "ProgressNoted", "现场踏勘": "ProgressNoted",
    "过程记录": "ProgressNoted", "办理记录": "ProgressNoted",
    "联系市民": "CitizenContacted", "联系来电人": "CitizenContacted", "联系诉求人": "CitizenContacted",
    "联系群众": "CitizenContacted", "电话联系": "CitizenContacted", "电话沟通": "CitizenContacted",
    "催办": "ReminderSent",
    "申请退单": "ReturnRequested", "申请退回": "ReturnRequested", "退单申请": "ReturnRequested",
    "申请回退": "ReturnRequested",
    "申请延期": "ExtensionRequested", "延期申请": "ExtensionRequested",
    "申请办结": "ClosureRequested", "办结申请": "ClosureRequested",
    "单位负责人审批通过": "RequestEndorsed", "审批通过": "RequestEndorsed",
    "单位负责人审批不通过": "RequestDeclined", "审批不通过": "RequestDeclined",
    "退单审核通过": "ReturnApproved", "退回": "ReturnApproved", "回退": "ReturnApproved", "退单": "ReturnApproved",
    "退单审核驳回": "ReturnRejected", "退单驳回": "ReturnRejected",
    "延期审核通过": "ExtensionApproved", "延期": "ExtensionApproved", "同意延期": "ExtensionApproved",
    "延期审核驳回": "ExtensionRejected", "延期驳回": "ExtensionRejected",
    "答复": "Replied", "回复": "Replied",
    "办结审核通过": "ClosureApproved", "审核通过": "ClosureApproved",
    "办结审核驳回": "ClosureRejected", "审核驳回": "ClosureRejected",
    "回访": "Visited",
    "重办": "Reopened", "重新办理": "Reopened",
    "办结": "Closed", "结案": "Closed", "归档": "Closed",
    "督办": "SupervisionIssued", "督办反馈": "SupervisionResponded", "督办办结": "SupervisionClosed",
    "合并": "Merged", "并入重复件": "DuplicateAttached",
}


# What kind of handling a progress row's word records (ProgressNoted.kind, docs/events.md): a site check or a
# coordination counts as verification for BP-NO-VERIFY. Our kind names and their Chinese labels are words too.
PROGRESS_WORDS: dict[str, str] = {
    **{kind: kind for kind in PROGRESS_KINDS}, **{label: kind for kind, label in PROGRESS_KINDS.items()},
    "现场核实": "site_visit", "实地核查": "site_visit", "现场查看": "site_visit", "现场勘查": "site_visit",
    "现场踏勘": "site_visit", "上门核查": "site_visit", "实地查看": "site_visit", "现场检查": "site_visit",
    "协调处理": "coordination", "会商": "coordination", "联合处置": "coordination",
}


def progress_kind(word: str, words: dict[str, str] | None = None) -> str | None:
    """The kind of handling `word` names (the mapping's `progress_kinds` first), None when it names none."""
    word = word.strip()
    return (words or {}).get(word) or PROGRESS_WORDS.get(word)


def default_vocabulary() -> dict[str, str]:
    """Source word → action. Our own action names are words too, so interchange files read back as-is."""
    words = {action: action for action in ACTIONS}
    words.update({zh: action for action, zh in ACTION_LABELS.items()})
    words.update(CHINESE_ACTIONS)
    return words
