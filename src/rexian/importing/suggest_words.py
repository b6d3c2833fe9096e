"""What `mapping suggest` matches: the header words of each field (Chinese, a few English), the date formats
it tries, and the action words it guesses events from (a decision paired with the request before it)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any

from rexian.importing.mapping import Mapping
from rexian.importing.values import as_text
from rexian.importing.vocabulary import default_vocabulary

# Header words Chinese hotline platforms (and a few English logs) use, per field; longest match wins.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "ticket_id": ("工单编号", "工单号", "受理编号", "受理号", "案件编号", "诉求编号", "单号", "编号", "流水号", "ticket_id",
                  "orderno", "order_no", "orderid", "workorderno", "ticketno", "caseno", "case id", "case:concept:name",
                  "sr number", "incident", "number"),
    "at": ("操作时间", "处理时间", "流转时间", "办理时间", "发生时间", "变更时间", "时间", "日期", "timestamp",
           "time:timestamp", "change date+time", "updated_at", "opertime", "operatetime", "handletime", "processtime",
           "date", "time"),
    "action": ("操作类型", "流转类型", "处理类型", "办理环节", "操作环节", "环节名称", "环节", "动作", "操作", "action",
               "concept:name", "opertype", "operatetype", "operationtype", "actiontype", "nodename", "stepname",
               "activity", "flowtype", "steptype", "nodetype", "status"),
    "actor_id": ("操作人", "处理人", "经办人", "办理人", "操作员", "承办人", "owner first name", "org:resource", "resource",
                 "operator.userid", "operator.code", "operatorid", "operatorcode", "handlerid", "handlercode", "userid",
                 "user", "操作人工号", "处理人工号", "办理人工号", "经办人工号", "工号"),
    "actor_unit_id": ("操作部门", "处理部门", "操作单位", "经办单位", "办理单位", "所属部门", "当前部门", "所在单位", "所在部门",
                      "involved st", "assignment group", "assignment_group",
                      "org:group", "org group", "operator.deptid", "operator.dept", "deptid", "deptcode", "orgid",
                      "department"),
    "target_unit_id": ("目标部门", "流转对象", "流转去向",
                       "流向单位", "流向部门", "转办单位", "移交单位", "接收单位", "接收部门", "派往单位",
                       "转派单位", "转往单位", "下一环节单位", "流转至", "流转单位", "转至单位", "转至部门", "转至", "流向",
                       "去向单位", "下一处理单位", "承办单位", "主办单位", "targetdept.deptid", "targetdeptid",
                       "todeptid", "todept", "targetdept", "handledeptid", "handledept"),
    "note": ("处理意见", "办理意见", "审核意见", "流转意见", "意见", "备注", "说明", "回复内容", "答复内容", "opinion",
             "remark", "comment"),
}
INTAKE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "received_at": ("受理时间", "来电时间", "登记时间", "创建时间", "来件时间", "opened_at", "open time", "opentime", "accepttime",
                    "receivetime", "registertime", "createtime"),
    "content": ("诉求内容", "来电内容", "问题描述", "工单内容", "反映内容", "诉求描述", "详细内容", "内容", "appealcontent",
                "content", "description"),
    "title": ("工单标题", "诉求标题", "标题", "主题", "title"),
    "caller_phone": ("来电号码", "联系电话", "联系方式", "手机号码", "电话", "caller.phone", "callerphone", "contactphone",
                     "mobile", "phone"),
    # A name, not an identity: several people are 张先生. Repeats match by the (pseudonymised) phone.
    "caller_name": ("来电人", "联系人", "诉求人", "姓名", "来电人姓名", "caller.name", "callername", "contactname"),
    "category": ("问题分类", "诉求类型", "业务类型", "事项分类", "分类", "类别", "categoryname", "category"),
    "address": ("事发地址", "发生地点", "事发位置", "详细地址", "地址", "地点", "位置", "address", "location"),
    "area": ("所属区县", "区县", "行政区", "区域", "district"),
    "channel": ("来源渠道", "受理渠道", "渠道", "来源", "channel"),
    "received_by": ("受理人工号", "受理人代码", "受理人", "受理坐席", "acceptor.userid", "acceptor.code", "acceptorid"),
}
# Columns that fill one event's payload (action_fields): "event.field" → header words.
ACTION_FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "Visited.satisfaction": ("回访结果", "满意度", "回访满意度", "评价结果", "满意程度", "评价", "satisfaction"),
    "Visited.resolved": ("是否解决", "解决情况", "办理结果", "issolved", "solved", "resolved"),
    "ClosureRequested.evidence": ("附件", "佐证材料", "现场照片", "附件名称", "照片", "attachments.filename", "attachment"),
    "ReturnRequested.reason": ("退回原因", "退单原因", "退回理由", "退单理由"),
    "ReturnRequested.basis": ("退回依据", "退单依据", "依据"),
    "ExtensionRequested.reason": ("延期原因", "延期理由"),
    "ExtensionRequested.requested_due_at": ("申请延期至", "延期至", "申请期限", "延期时限", "延期截止时间", "delayto",
                                            "extendto", "applydeadline"),
    "Dispatched.due_at": ("办理时限", "办结时限", "截止时间", "期限", "deadline", "timelimit", "due"),
}
UNIT_TREE_PARENTS = ("上级部门", "上级单位", "上级机构", "父级部门", "所属上级", "上级单位代码", "上级部门代码", "parent")
# The ticket sheet of a two-part export: its outcome and deadline columns (ticket_sheet in a mapping).
TICKET_SHEET_SYNONYMS: dict[str, tuple[str, ...]] = {
    "closed_at": ("办结时间", "结案时间", "完成时间", "finishtime", "closetime", "closedtime"),
    "status": ("工单状态", "办理状态", "处理状态", "状态", "orderstatus", "status"),
    "visit_result": ("回访结果", "回访满意度", "满意度", "评价结果"),
    "due_at": ("办理时限", "办结时限", "截止时间", "期限", "deadline", "duetime", "limittime", "timelimit"),
}
# Decision words: the request a decision answers, named by the word before the verdict (退回审核通过).
REQUEST_WORDS = (("退回", "Return"), ("退单", "Return"), ("回退", "Return"), ("延期", "Extension"),
                 ("办结", "Closure"), ("结案", "Closure"))
VERDICTS = (("不通过", "Rejected"), ("不同意", "Rejected"), ("驳回", "Rejected"), ("不予", "Rejected"),
            ("通过", "Approved"), ("同意", "Approved"), ("批准", "Approved"))
# Events whose wrong guess changes what the rules say about a person: never guessed from a word inside a phrase.
DECISIVE = frozenset({"ReturnApproved", "ReturnRejected", "ExtensionApproved", "ExtensionRejected", "ClosureApproved",
                      "ClosureRejected", "Closed", "ReturnRequested", "ExtensionRequested", "ClosureRequested",
                      "RequestEndorsed", "RequestDeclined", "DirectlyClosed", "Reopened"})
NULL_WORDS = ("NULL", "null", "\\N", "(null)", "None")  # how database dumps write an empty value
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M",
                "%Y年%m月%d日%H时%M分", "%Y年%m月%d日 %H时%M分", "%Y年%m月%d日 %H点%M分", "%Y年%m月%d日%H点%M分",
                "%Y年%m月%d日 %H时%M分%S秒", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y%m%d%H%M%S",
                "%d/%m/%Y %H:%M:%S", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M")
# (day first, as European logs write them: BPI Challenge 2014's 「07-01-2013 08:17:17」)


def date_formats(values: list[Any]) -> list[str]:
    texts = [as_text(v) for v in values if (isinstance(v, str) and v.strip() and v.strip() not in NULL_WORDS) or (
        isinstance(v, int) and not isinstance(v, bool) and len(str(v)) in (10, 13))][:200]  # JSON's epoch numbers
    if not texts:
        return []  # real spreadsheet dates or none: nothing to declare
    if all(text.isdigit() and len(text) == 13 for text in texts):
        return []  # epoch milliseconds are read without a declared format
    if all(text.isdigit() and len(text) == 10 and text[0] == "1" for text in texts):
        return ["epoch_s"]  # epoch seconds (2001 … 2033) must be named: ten digits could be a date to the hour
    try:
        for text in texts:
            datetime.fromisoformat(text)
        return []  # ISO 8601 is read without a declared format
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            for text in texts:
                datetime.strptime(text, fmt)
            return [fmt]
        except ValueError:
            continue
    # Written in several ways (an API whose PC client and mobile app write times differently, epoch seconds
    # beside them): the formats that together read every sampled time, each named once.
    needed: list[str] = []
    for text in texts:
        fmt = format_of(text)
        if fmt is None:
            return ["?  # 时间格式未识别：请按 Python strptime 写出，如 %Y-%m-%d %H:%M"]
        if fmt and fmt not in needed:
            needed.append(fmt)
    return needed


def format_of(text: str) -> str | None:
    """The declared format one time needs: "" when none is (ISO 8601, epoch milliseconds), None when unknown."""
    if text.isdigit() and len(text) == 13:
        return ""
    if text.isdigit() and len(text) == 10 and text[0] == "1":
        return "epoch_s"
    try:
        datetime.fromisoformat(text)
        return ""
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            datetime.strptime(text, fmt)
            return fmt
        except ValueError:
            continue
    return None


ENGLISH_ACTIONS = {"accept": "TicketReceived", "register": "TicketReceived", "dispatch": "Dispatched",
                   "assign": "Dispatched", "sign": "SignedFor", "transfer": "HandedOver", "forward": "Forwarded",
                   "contact": "CitizenContacted", "reply": "Replied", "answer": "Replied", "visit": "Visited",
                   "callback": "Visited", "finish": "Closed", "close": "Closed", "reopen": "Reopened", "redo": "Reopened",
                   "urge": "ReminderSent", "remind": "ReminderSent", "supervise": "SupervisionIssued",
                   "process": "ProgressNoted", "handle": "ProgressNoted", "progress": "ProgressNoted"}
ENGLISH_REQUESTS = {"return": "Return", "back": "Return", "rollback": "Return", "delay": "Extension",
                    "extend": "Extension", "extension": "Extension", "postpone": "Extension", "finish": "Closure",
                    "close": "Closure", "closure": "Closure", "complete": "Closure"}
ENGLISH_VERDICTS = {"reject": "Rejected", "rejected": "Rejected", "deny": "Rejected", "refuse": "Rejected",
                    "fail": "Rejected", "nopass": "Rejected", "pass": "Approved", "approve": "Approved",
                    "approved": "Approved", "agree": "Approved"}


def guess_english(word: str) -> str | None:
    import re

    tokens = [t.casefold() for t in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", word)]
    if len(tokens) == 1:
        return ENGLISH_ACTIONS.get(tokens[0])
    kind = next((ENGLISH_REQUESTS[t] for t in tokens if t in ENGLISH_REQUESTS), None)
    verdict = next((ENGLISH_VERDICTS[t] for t in tokens if t in ENGLISH_VERDICTS), None)
    if "not" in tokens and verdict == "Approved":
        verdict = "Rejected"
    if kind and verdict:
        return f"{kind}{verdict}"
    if kind and {"apply", "application", "request"} & set(tokens):
        return f"{kind}Requested"
    return None


def guess_action(word: str, vocabulary: Mapping) -> str | None:
    """The event a source word means, or None when unsure. A decision (审核通过/不通过) pairs with the request
    word before it (退回审核通过 → ReturnApproved, 办结审核不通过 → ClosureRejected); a word with 申请 is a request;
    a word found only inside a longer phrase never becomes a decision, request or close — a wrong guess there
    silently changes whom the rules name, so it is left for a person."""
    exact = vocabulary.actions.get(word.strip()) or vocabulary._folded.get(word.strip().casefold())
    if exact:
        return exact
    if word.isascii():
        return guess_english(word)
    # The request kind is the kind word written first (办结审核退回: a closure's audit, not a return); the verdict is
    # read from the rest of the word, where 退回 after an audit (审核退回) sends the request back: rejected.
    found = sorted((word.find(w), w, k) for w, k in REQUEST_WORDS if w in word)
    kind = found[0][2] if found else None
    rest = word.replace(found[0][1], " ", 1) if found else word
    verdict = next((v for w, v in VERDICTS if w in rest), None) or (
        "Rejected" if kind and re.search(r"审[核批]\s*(?:退回|退单|回退)", rest) else None)
    if kind and verdict:
        return f"{kind}{verdict}"
    if kind and "申请" in word:
        return f"{kind}Requested"
    inside = vocabulary.action_for(word)
    return None if inside in DECISIVE or verdict or "申请" in word else inside


def propose_actions(words: Counter, proposal: dict[str, Any], notes: list[str]) -> None:
    """`actions`: every distinct action word with its count and the event it would mean (`?` when unsure)."""
    known = Mapping(source="x", actions=default_vocabulary(), action_match="contains")
    guesses = {word: guess_action(word, known) for word in words}
    proposal["actions"] = {word: guesses[word] or "?" for word, _ in words.most_common()}
    for word, count in words.most_common():
        guess = guesses[word]
        if guess:
            notes.append(f"动作词「{word}」出现 {count} 次 → {guess}")
        elif known.action_for(word):
            notes.append(f"动作词「{word}」出现 {count} 次 → ?（不确定：字面含「{known.action_for(word)}」的词，"
                         f"但审核、申请、办结类事件猜错会点错人，请人工指定，见 docs/events.md）")
        else:
            notes.append(f"动作词「{word}」出现 {count} 次 → ?（未知：请指定事件，见 docs/events.md）")


# Events whose reason a platform writes in the step's note column (退回申请「非我单位职责」, 办结审核不通过「答复不具体」).
