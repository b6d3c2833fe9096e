"""The one vocabulary: every code word of Rexian with its Chinese label, and the reading of the words users type.

Every output — the command line, the HTML report, the Excel workbook, the web pages and the docs — takes its
labels from here, so a supervisor reads the same name for the same thing everywhere. `docs/events.md` and
`docs/rules.md` are tied to these tables by tests (tests/domain/test_vocabulary.py).

Tables are plain ordered dicts `code → 中文` so that templates and guards can use them directly. Words users
type (满意, 电话, 是/否) are read by `parse_choice` and `parse_yes_no`; an unrecognised word is an error,
never a silent default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

# --- the event log (docs/events.md) --------------------------------------------------------------------
ACTIONS: dict[str, str] = {
    "TicketReceived": "受理",
    "DirectlyClosed": "直接办结",
    "Dispatched": "派单",
    "SignedFor": "签收",
    "Forwarded": "转派/下派",
    "HandedOver": "转办/平级移交",
    "ForwardReported": "下级反馈",
    "ProgressNoted": "办理过程",
    "CitizenContacted": "联系市民",
    "ReminderSent": "催办",
    "ReturnRequested": "申请退单",
    "ExtensionRequested": "申请延期",
    "ClosureRequested": "申请办结",
    "RequestEndorsed": "单位负责人审批通过",
    "RequestDeclined": "单位负责人审批不通过",
    "ReturnApproved": "退单审核通过",
    "ReturnRejected": "退单审核驳回",
    "ExtensionApproved": "延期审核通过",
    "ExtensionRejected": "延期审核驳回",
    "Replied": "答复",
    "ClosureApproved": "办结审核通过",
    "ClosureRejected": "办结审核驳回",
    "Visited": "回访",
    "Reopened": "重办",
    "Closed": "办结",
    "CitizenRated": "市民评价",
    "SupervisionIssued": "督办",
    "SupervisionResponded": "督办反馈",
    "SupervisionClosed": "督办办结",
    "Merged": "合并",
    "DuplicateAttached": "并入重复件",
    "PersonalDataErased": "删除个人信息",
}
# Actions aimed at a unit (the `target unit` column of docs/events.md): only these take a target unit.
TARGETED_ACTIONS: frozenset[str] = frozenset({
    "Dispatched", "Forwarded", "HandedOver", "ForwardReported", "ReminderSent", "ReturnApproved", "ReturnRejected",
    "ExtensionApproved", "ExtensionRejected", "ClosureApproved", "ClosureRejected", "Reopened",
    "SupervisionIssued",
})

TICKET_STATES: dict[str, str] = {
    "received": "待派单",
    "dispatched": "待签收",
    "handling": "办理中",
    "return_review": "退单审核中",
    "closure_review": "办结审核中",
    "visit_pending": "待回访",
    "closed": "已办结",
    "merged": "已合并",
}
OPEN_STATES: frozenset[str] = frozenset(
    {"received", "dispatched", "handling", "return_review", "closure_review", "visit_pending"})

# --- people and organisation ---------------------------------------------------------------------------
ROLES: dict[str, str] = {
    "citizen": "市民",
    "agent": "话务员",
    "dispatcher": "派单员",
    "handler": "承办人",
    "unit_leader": "单位负责人",
    "reviewer": "审核员",
    "visitor": "回访员",
    "supervisor": "监督员",
    "admin": "管理员",
}
UNIT_KINDS: dict[str, str] = {
    "centre": "热线中心", "department": "职能部门", "street": "街道/乡镇", "community": "社区/村",
    "district": "区县", "other": "其他",
}
WEEKDAY_NAMES = "一二三四五六日"  # 周一 … 周日, by date.weekday()
# A day of the working calendar as the administrator sets it over the year files (docs/calendar.md).
CALENDAR_DAY_KINDS: dict[str, str] = {
    "holiday": "放假", "workday": "调休上班", "ordinary": "恢复平常（周一至周五上班、周末休息）",
}

# --- what a ticket carries -----------------------------------------------------------------------------
CHANNELS: dict[str, str] = {
    "phone": "电话", "web": "网站", "app": "APP", "wechat": "微信", "email": "邮件",
    "letter": "信件", "visit": "来访", "other": "其他",
}
URGENCIES: dict[str, str] = {"normal": "一般", "urgent": "紧急", "emergency": "特急"}
TICKET_KINDS: dict[str, str] = {
    "complaint": "投诉", "request": "求助", "consultation": "咨询", "report": "举报",
    "suggestion": "建议", "praise": "表扬",
}
CONTACT_METHODS: dict[str, str] = {"phone": "电话", "visit": "上门", "sms": "短信", "wechat": "微信"}
PROGRESS_KINDS: dict[str, str] = {"progress": "办理进展", "site_visit": "现场核查", "coordination": "协调"}
EVIDENCE_KINDS: dict[str, str] = {"contact": "联系市民记录", "photo": "现场照片", "document": "书面材料"}
REQUEST_KINDS: dict[str, str] = {"return": "退单", "extension": "延期", "closure": "办结"}
# What the web application's audit log records (the `action` column of `audit_log`).
AUDIT_ACTIONS: dict[str, str] = {"disclose": "查看个人信息", "unmask": "说明理由解除遮盖", "account": "账号管理",
                                 "token_revoked": "接口令牌撤销", "webhook_replay": "重发推送",
                                 "demo_clock": "演示城市时钟", "account_state": "账号状态", "signed_out": "退出登录"}

# --- the follow-up visit (回访) -------------------------------------------------------------------------
SATISFACTION: dict[str, str] = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}
SATISFIED: tuple[str, ...] = ("satisfied", "basically_satisfied")  # what the satisfaction rate counts
RESOLVED: dict[bool, str] = {True: "解决", False: "未解决"}

# --- supervision analytics (docs/rules.md) -------------------------------------------------------------
FAMILIES: dict[str, str] = {
    "buck_passing": "推诿扯皮",
    "false_closure": "虚假办结",
    "manufactured_satisfaction": "被满意/数据造假",
    "perfunctory_reply": "敷衍塞责",
    "forward_no_follow_up": "只转办不跟踪",
    "delay": "久拖不办",
    "repeat_complaint": "重复投诉",
    "dissatisfaction": "回访不满意",
    "hostile_attitude": "态度恶劣",
    "graft": "吃拿卡要",
    "improper_banquet": "违规吃喝",
    "unreachable_service": "热线/渠道僵尸化",
    # Inspection officers keep embezzlement apart from 吃拿卡要 (issue 18); not one of MISSION.md's twelve.
    "embezzlement": "侵占/贪污",
}


@dataclass(frozen=True)
class RuleName:
    family: str
    zh: str
    # The rule's evidence values (`evidence.values`) that grow with the passing of time alone — days open, idle,
    # late — while nothing happens on the ticket. A re-run in which only these have grown writes nothing (the
    # finding keeps the figures of its last real change, its history one row per real change) and pushes nothing: a
    # receiver wants news, not a clock; a re-run in which they are smaller looks at an earlier moment and is
    # ignored (adapters/findings.py).
    grows: tuple[str, ...] = ()


# Every supervision rule's id, family and Chinese name (and the evidence values that grow with time, which the
# findings store needs without importing the rules). The rule's code, parameters and doc text are on its
# declaration in rexian/analytics/rules_*.py, which takes its family and name from here.
RULES: dict[str, RuleName] = {
    "BP-RETURNS": RuleName("buck_passing", "多次退单"),
    "BP-PINGPONG": RuleName("buck_passing", "来回踢皮球(A→B→A)"),
    "BP-CYCLE": RuleName("buck_passing", "循环流转(A→B→C→A)"),
    "BP-NO-VERIFY": RuleName("buck_passing", "未核实即申请退单"),
    "BP-REJECTED": RuleName("buck_passing", "退单被驳回"),
    "FC-UNRESOLVED": RuleName("false_closure", "办结后回访未解决"),
    "FC-REPEAT-AFTER-CLOSE": RuleName("false_closure", "办结后同一诉求再次反映"),
    "FC-NO-EVIDENCE": RuleName("false_closure", "无证据或未联系市民申请办结"),
    "FC-REJECTED-CLOSURES": RuleName("false_closure", "办结申请屡被驳回"),
    "FC-INSTANT": RuleName("false_closure", "秒办结(无办理过程)"),
    "MS-SATISFIED-REPEAT": RuleName("manufactured_satisfaction", "满意后同一诉求再次反映"),
    "MS-VISIT-NO-CALL": RuleName("manufactured_satisfaction", "回访无通话记录"),
    "MS-VISIT-BY-HANDLER": RuleName("manufactured_satisfaction", "承办单位自行回访"),
    "MS-RATE-MISMATCH": RuleName("manufactured_satisfaction", "满意率与重复投诉率不符"),
    "MS-RATED-UNSATISFIED": RuleName("manufactured_satisfaction", "回访记满意但市民自评不满意"),
    "PR-BOILERPLATE": RuleName("perfunctory_reply", "套话式答复"),
    "PR-IDENTICAL": RuleName("perfunctory_reply", "不同诉求相同答复(复读机)"),
    "PR-OFF-TOPIC": RuleName("perfunctory_reply", "答非所问"),
    "FF-NO-FOLLOW-UP": RuleName("forward_no_follow_up", "只转办不跟踪", grows=("days_since_forward",)),
    "DL-OVERDUE": RuleName("delay", "超期未办结", grows=("late_days",)),
    "DL-EXTENSIONS": RuleName("delay", "反复申请延期"),
    "DL-IDLE": RuleName("delay", "长期无办理动作", grows=("idle_days",)),
    "DL-LONG-OPEN": RuleName("delay", "长期未办结", grows=("age_days",)),
    "RC-REPEAT": RuleName("repeat_complaint", "同一诉求重复投诉"),
    "RC-HOTSPOT": RuleName("repeat_complaint", "高频共性诉求"),
    "DS-UNSATISFIED": RuleName("dissatisfaction", "回访不满意"),
    "HA-HOSTILE": RuleName("hostile_attitude", "态度恶劣/冷硬横推"),
    "GR-GRAFT": RuleName("graft", "吃拿卡要"),
    "IB-BANQUET": RuleName("improper_banquet", "违规吃喝"),
    "EM-EMBEZZLE": RuleName("embezzlement", "侵占/贪污"),
    "US-ABANDONED": RuleName("unreachable_service", "坐席大量未接来电"),
    "US-FAKE-BUSY": RuleName("unreachable_service", "示忙无通话"),
    "US-AWAY": RuleName("unreachable_service", "坐席长时间离岗"),
}

SEVERITIES: dict[str, str] = {"high": "高", "medium": "中", "low": "低"}
FINDING_STATUSES: dict[str, str] = {"new": "待核查", "confirmed": "已确认", "dismissed": "已排除"}
# A supervisor's decision on a finding (the command word) and the status it leads to.
FINDING_DECISIONS: dict[str, str] = {"confirm": "confirmed", "dismiss": "dismissed"}
# Who stored a finding: a batch run (`rexian findings load`, the demo), the server's real-time rules after a
# command, or its scheduled pass of the time-based rules.
FINDING_SOURCES: dict[str, str] = {"batch": "批量分析", "realtime": "实时规则", "scheduled": "定时规则"}
# What happened to a finding, as the live push (outbox topic) names it.
FINDING_CHANGES: dict[str, str] = {"finding.added": "新发现", "finding.updated": "证据更新",
                                   "finding.decided": "已决定", "finding.contradicted": "被数据推翻"}


def detected_reason(source: str) -> str:
    """The reason the system gives in a finding's decision history when it stores a new finding."""
    return f"系统发现（{FINDING_SOURCES.get(source, source)}）"


def updated_reason(source: str) -> str:
    """The reason the system gives when a re-analysis brings a still-undecided finding new evidence."""
    return f"证据更新（{FINDING_SOURCES.get(source, source)}）"


def contradicted_reason(reason: str) -> str:
    """The reason the system gives when later data no longer supports a finding."""
    return f"被数据推翻：{reason}"


_STORED_ENGLISH = (re.compile(r"^detected \((\w+)\)$"), re.compile(r"^contradicted: (.*)$", re.S))


def reason_label(stored: str | None) -> str:
    """A decision-history reason as shown: the system's reasons in Chinese, including those stored in English
    before they were written in Chinese (`detected (scheduled)`, `contradicted: …`); a person's words as typed."""
    if not stored:
        return ""
    detected, contradicted = (pattern.match(stored) for pattern in _STORED_ENGLISH)
    if detected:
        return detected_reason(detected.group(1))
    if contradicted:
        return contradicted_reason(contradicted.group(1))
    return stored


# --- refusals: one table for the command line and the web ----------------------------------------------
@dataclass(frozen=True)
class Refusal:
    """How one kind of refusal is told: its Chinese name, the CLI's exit code and the web's HTTP status."""

    zh: str
    exit_code: int
    http_status: int


# `kind` is the `kind` attribute of rexian.domain.errors.WorkflowError and its subclasses, plus `invalid`
# for input the command line or the web cannot even read (an unknown word, a missing database file).
REFUSALS: dict[str, Refusal] = {
    "invalid": Refusal("输入有误", 2, 400),
    "refused": Refusal("操作被拒绝", 3, 422),
    "not_allowed": Refusal("无权操作", 4, 403),
    "wrong_state": Refusal("状态不符", 5, 409),
    "missing_field": Refusal("缺少或无效的字段", 6, 422),
    "deadline_passed": Refusal("已超过时限", 7, 422),
    "not_found": Refusal("对象不存在", 8, 404),
    "conflict": Refusal("并发冲突，请重试", 9, 409),
}


def refusal(kind: str) -> Refusal:
    """The refusal entry for `kind`; an unknown kind is told as a generic refusal."""
    return REFUSALS.get(kind, REFUSALS["refused"])


# --- labels and the words users type -------------------------------------------------------------------
def label(table: Mapping[str, str], code: str | None) -> str:
    """The Chinese label of `code` in `table`; an unknown or empty code is shown as it is."""
    if code is None:
        return ""
    return table.get(code, code)


def rule_label(rule_id: str) -> str:
    entry = RULES.get(rule_id)
    return f"{rule_id} {entry.zh}" if entry else rule_id


class UnknownWord(ValueError):
    """A word a user typed that the vocabulary does not know; the message lists what is accepted."""


# Other words people type for the same thing, besides the code and its label (compared case-insensitively).
ALIASES: dict[str, dict[str, str]] = {
    "channel": {"热线": "phone", "来电": "phone", "网页": "web", "网络": "web", "门户网站": "web",
                "手机应用": "app", "客户端": "app", "公众号": "wechat", "小程序": "wechat",
                "电子邮件": "email", "邮箱": "email", "来信": "letter", "现场": "visit"},
    "contact_method": {"电话联系": "phone", "上门走访": "visit", "走访": "visit", "现场": "visit"},
    "satisfaction": {"非常满意": "satisfied", "比较满意": "basically_satisfied", "一般": "basically_satisfied",
                     "很不满意": "unsatisfied", "非常不满意": "unsatisfied",
                     "很满意": "satisfied", "十分满意": "satisfied", "较满意": "basically_satisfied",
                     "不太满意": "unsatisfied", "不大满意": "unsatisfied", "不满": "unsatisfied"},
}
TABLES: dict[str, tuple[Mapping[str, str], str]] = {
    "channel": (CHANNELS, "受理渠道"),
    "urgency": (URGENCIES, "紧急程度"),
    "ticket_kind": (TICKET_KINDS, "诉求类型"),
    "contact_method": (CONTACT_METHODS, "联系方式"),
    "progress_kind": (PROGRESS_KINDS, "办理记录类型"),
    "evidence_kind": (EVIDENCE_KINDS, "佐证材料类型"),
    "satisfaction": (SATISFACTION, "满意度"),
    "role": (ROLES, "角色"),
}


def parse_choice(name: str, text: str) -> str:
    """The code for what a user typed in the field kind `name` (a key of TABLES): the code itself, its
    Chinese label or a known alias; anything else raises UnknownWord listing the accepted words."""
    table, what = TABLES[name]
    word = text.strip()
    lowered = word.lower()
    for code, zh in table.items():
        if lowered == code.lower() or word == zh or lowered == zh.lower():
            return code
    alias = ALIASES.get(name, {}).get(word) or ALIASES.get(name, {}).get(lowered)
    if alias:
        return alias
    accepted = "、".join(f"{zh}({code})" for code, zh in table.items())
    raise UnknownWord(f"{what}取值无效：{text!r}（可选：{accepted}）")


YES_WORDS = frozenset({"是", "对", "有", "已解决", "解决", "同意", "通过", "true", "yes", "y", "1"})
NO_WORDS = frozenset({"否", "不是", "无", "没有", "未解决", "不同意", "驳回", "不通过", "false", "no", "n", "0"})


def parse_yes_no(text: str, what: str = "是/否") -> bool:
    """是/否 (also 解决/未解决, true/false, yes/no, 1/0); any other word is an error, never a silent "no"."""
    word = text.strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise UnknownWord(f"{what}取值无效：{text!r}（可填：是/否、解决/未解决、true/false）")


# What a follow-up visit's result column says, in the words platforms write: satisfaction (满意, 基本满意, 一般,
# 不满意, 非常不满意 …), whether the matter is resolved (已解决/未解决) and whether the citizen was reached at all.
UNREACHED_WORDS = frozenset({"未联系上", "联系不上", "无法联系", "未接通", "无人接听", "空号", "关机", "停机", "拒接",
                             "未回访成功", "回访失败", "拒绝回访", "拒访", "不接受回访"})
RESOLVED_WORDS: dict[str, bool] = {"已解决": True, "解决": True, "基本解决": True, "已处理": True,
                                   "未解决": False, "没有解决": False, "未处理": False,
                                   "部分解决": False, "正在解决": False, "正在处理": False, "处理中": False}
# Words that give no verdict (the citizen would not or could not judge): the visit is kept, its outcome unknown.
NO_VERDICT_WORDS = frozenset({"无法评价", "不予评价", "不评价", "未评价", "其他", "其它"})
# The names platforms write before a result in one cell (「满意度：满意」): skipped, the value after them is read.
VISIT_KEY_WORDS = frozenset({"满意度", "满意情况", "是否满意", "评价", "评价结果", "回访结果", "回访情况", "解决情况",
                             "是否解决", "办理结果", "处理结果"})
VISIT_SEPARATORS = r"[\s,，、/;；|（）()：:]+"
# Words saying the citizen was reached, with no verdict of their own (「联系情况：已联系」).
REACHED_WORDS = frozenset({"已联系", "已联系上", "联系上", "已接通", "接通", "回访成功", "联系成功"})
# Platforms prefix a result with its code (「1 满意」「01 已解决」「3-不满意」「2.基本满意」): the code is skipped
# when a word follows it; a code alone is never read as a result.
VISIT_CODE_PREFIX = re.compile(r"^\d{1,3}[-.．、]?(?=[^\d\s.．、-])")


def parse_visit_outcome(text: str, field: str = "satisfaction") -> dict[str, object]:
    """The payload fields (`satisfaction`, `resolved`, `reached`) a visit result says: every word of `text`
    (split on spaces and punctuation, e.g. 「不满意/未解决」「满意度：满意」) must be a satisfaction word, a
    resolved word, a not-reached word, a no-verdict word (无法评价, 其他: nothing said) or a key (满意度)
    — or, for a column holding only `resolved` or `reached`, a yes/no word (是/否). A
    citizen who gave a satisfaction or resolution was reached. Any other word raises UnknownWord."""
    found: dict[str, object] = {}
    words = [VISIT_CODE_PREFIX.sub("", word) for word in re.split(VISIT_SEPARATORS, text.strip()) if word]
    if len(words) > 1:
        words = [word for word in words if not word.isdigit() or len(word) > 3]  # codes before a word
    for word in words:
        if word in VISIT_KEY_WORDS or word in NO_VERDICT_WORDS:
            continue
        if word in REACHED_WORDS:
            found["reached"] = True
        elif word in UNREACHED_WORDS:
            found["reached"] = False
        elif word in RESOLVED_WORDS:
            found["resolved"] = RESOLVED_WORDS[word]
        elif field in ("resolved", "reached") and word.lower() in YES_WORDS | NO_WORDS:
            found[field] = parse_yes_no(word)
        else:
            try:
                found["satisfaction"] = parse_choice("satisfaction", word)
            except UnknownWord:
                raise UnknownWord(f"回访结果无法识别：{text!r}（可填：满意、基本满意、一般、不满意、已解决、未解决、"
                                  f"未联系上 等）") from None
    if "satisfaction" in found or "resolved" in found:
        found.setdefault("reached", True)
    return found


# --- a finding's evidence values and its rule's thresholds, as the desk shows them ----------------------
# The names the rules give their computed values (analytics/rules_*.py, `evidence.values`) and their
# parameters (analytics/rules.yaml, `evidence.thresholds`). A name not listed is shown as it is.
EVIDENCE_VALUES: dict[str, str] = {
    "absences": "离岗次数", "accused": "被反映人", "accused_body": "被反映单位", "accused_confidence": "识别可信度",
    "accused_name": "被反映人姓名", "accused_post": "被反映人职务", "accused_status": "身份", "act": "所涉行为",
    "age_days": "已办天数", "assertion": "叙述方式", "bad_visits": "不满意回访次数", "basis": "退单依据",
    "boilerplate": "套话占比", "bounces": "来回次数", "busy_minutes_without_calls": "示忙无来电时长(分钟)",
    "call_id": "话单编号", "callers": "来电人数", "calls": "来电数", "category": "诉求类别", "chars": "答复字数",
    "closed_on_subordinate_word": "仅凭下级反馈办结", "closure_seq": "办结所在步", "contact_refs": "联系记录引用数",
    "contacts_before": "办结前联系市民次数", "contacts_recorded": "已记录联系市民", "day": "日期",
    "days_since_forward": "下派后天数", "evidence_items": "佐证材料数", "evidence_recorded": "已记录佐证材料",
    "excerpt": "原文摘录", "explanation": "判断说明", "extensions": "延期次数", "follow_ups": "跟踪次数",
    "gap_days": "间隔天数", "gaps": "间隔", "handling_events": "办理记录数", "handling_unit_id": "承办单位",
    "idle_days": "无进展天数", "intervals": "时段数", "kind": "类型", "lacking": "缺少", "lacking_zh": "缺少",
    "late_days": "超期天数", "late_requests": "逾期申请数", "later_tickets": "此后同类工单数",
    "longest_away_minutes": "最长离岗(分钟)", "matters": "事项数", "method": "回访方式", "minutes": "用时(分钟)",
    "other_unit_id": "另一单位", "passed_as": "流转方式", "person_basis": "责任人依据", "place_key": "地点",
    "r_seq": "申请所在步", "reason": "理由", "rejected": "被驳回次数", "relevance": "答复相关度",
    "repeat_ticket_id": "再次反映的工单", "resolved": "是否解决", "returns": "退单次数", "satisfaction": "满意度",
    "score": "得分", "second_unit_id": "第二个单位", "since_seq": "起始步", "source_action": "出自",
    "span_days": "跨度天数", "still_open": "仍未办结", "third_unit_id": "第三个单位", "tickets": "工单数",
    "to_unit_id": "下派至", "unanswered": "未接通数", "unanswered_rate": "未接通率", "unit_returns": "本单位退单次数",
    "units": "涉及单位数", "units_between": "中间单位数", "verifications": "核实次数", "visit_seq": "回访所在步",
    "visitor_id": "回访员", "citizen_rating": "市民自评", "closure_unit_id": "申请办结单位",
    "recorded_satisfaction": "回访记录的满意度",
    # thresholds (rules.yaml)
    "min_returns": "最少退单次数", "high_returns": "高风险退单次数", "min_rejected": "最少被驳回次数",
    "high_rejected": "高风险被驳回次数", "window_days": "时间窗(天)", "max_minutes": "最长用时(分钟)",
    "min_tickets": "最少工单数", "min_satisfaction": "最低满意率", "min_repeat_rate": "最低重复率",
    "min_boilerplate": "最低套话占比", "min_chars": "最少字数", "max_relevance": "最高相关度",
    "min_complaint_chars": "诉求最少字数", "grace_hours": "宽限(小时)", "high_days": "高风险天数",
    "min_extensions": "最少延期次数", "min_days": "最少天数", "min_callers": "最少来电人数", "min_score": "最低得分",
    "min_calls": "最少来电数", "min_rate": "最低比率", "min_minutes": "最短时长(分钟)",
    "min_total_minutes": "最短累计时长(分钟)", "max_break_minutes": "最长休息(分钟)", "link_hours": "关联时限(小时)",
    "away_statuses": "视为离岗的坐席状态", "exclude_kinds": "不计入的诉求类型", "follow_up_actions": "算作跟进的动作",
    "handling_actions": "算作办理的动作", "max_tickets_listed": "最多列出工单数", "phone_methods": "算作通话的联系方式",
    "verification_actions": "算作核实的动作", "verification_progress_kinds": "算作核实的办理记录",
    "waiting_actions": "算作等待的动作",
}
# Agent seat statuses as call-centre exports give them (thresholds of the unreachable-service rules).
AGENT_STATUSES: dict[str, str] = {"busy": "示忙", "break": "小休", "offline": "离线"}
