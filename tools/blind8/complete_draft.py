"""Phase 2, run E: the edits a user makes to `mapping suggest`'s draft of the API pages, each one asked for by a note
of the draft (a `?` action word, codes the visit parser cannot read, an array named as unused), answered from the
interface description (接口字段说明.txt) — nothing else of the draft is touched.

    python tools/blind8/complete_draft.py DRAFT.yaml OUT.yaml
"""

import sys

import yaml

draft = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
draft["source"] = "yunzhou_draft"
# 「动作词 … → ?」: the words the interface description explains
answers = {"SITE_CHECK": "ProgressNoted", "DIRECT_FINISH": "DirectlyClosed", "ASSIGN_DOWN": "Forwarded",
           "SUB_FEEDBACK": "ForwardReported", "URGE": "ReminderSent"}
draft["actions"] = {word: answers.get(word, event) for word, event in draft["actions"].items()}
# 「取值「1、2、3」读不出回访结果：请在 values 中写明其含义」 (and the intake codes the description gives)
draft["values"] = {"satisfaction": {"1": "满意", "2": "基本满意", "3": "不满意"}, "resolved": {"1": "是", "0": "否"},
                   "reached": {"CONNECTED": "联系上", "NO_ANSWER": "未联系上"}}
draft["ticket_sheet"]["intake"]["kind"] = "appealType"
draft["values"]["kind"] = {"COMPLAINT": "complaint", "REQUEST": "request", "CONSULT": "consultation",
                           "SUGGEST": "suggestion", "PRAISE": "praise"}
draft["ticket_sheet"]["closed_at"] = draft["ticket_sheet"].get("closed_at", "finishTime")
draft.setdefault("closed_states", ["FINISHED"])
draft["progress_kinds"] = {"SITE_CHECK": "site_visit"}
for entry in draft["event_sheets"]:
    if entry["json"]["rows"] == "delayList":  # its verdict codes (auditStatus 1 通过 2 不通过)
        entry["actions"] = {"1": "ExtensionApproved", "2": "ExtensionRejected"}
# 「数组 returnList … 未使用：其元素若是步骤 … 各写一项 event_sheets」: the application and the ruling
draft["event_sheets"] += [
    {"files": "page_*.json", "json": {"rows": "returnList"}, "action": "ReturnRequested",
     "columns": {"ticket_id": "orderNo", "at": "returnList.applyTime", "actor_id": "returnList.applicant.userId",
                 "actor_unit_id": "returnList.applicant.deptId"},
     "action_fields": {"ReturnRequested": {"reason": "returnList.reason", "basis": "returnList.basis"}}},
    {"files": "page_*.json", "json": {"rows": "returnList"},
     "columns": {"ticket_id": "orderNo", "at": "returnList.auditTime", "action": "returnList.auditResult",
                 "actor_id": "returnList.auditor.userId"},
     "actions": {"PASS": "ReturnApproved", "REJECT": "ReturnRejected"}}]
yaml.safe_dump(draft, open(sys.argv[2], "w", encoding="utf-8"), allow_unicode=True, sort_keys=False)
