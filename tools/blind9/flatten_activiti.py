"""Blind 9, phase 1: the user-side workaround. The documented inputs are one row per action (flow records) beside one
row per ticket; the engine's tables are neither, so a short script joins them the way a DBA would with SQL:

    python tools/blind9/flatten_activiti.py EXPORT_DIR OUT_DIR     → OUT_DIR/工单.csv, OUT_DIR/流转.csv

- the ticket number: ACT_HI_PROCINST.BUSINESS_KEY_ (= T_WORK_ORDER.order_no) for every process instance;
- a task's unit: its candidate group (ACT_HI_IDENTITYLINK, TYPE_ candidate); a person's unit: ACT_ID_MEMBERSHIP;
- a task's form fields: the variable updates (ACT_HI_DETAIL) made on that task (TASK_ID_), pivoted by NAME_;
- a task's opinions: ACT_HI_COMMENT on that task, TYPE_ decoded by sys_dict_data (flow_comment_type);
- steps: 承办's CLAIM_TIME_ → 签收, its END_TIME_ by DELETE_REASON_ → 申请办结 / 申请退单 / 转办; the audit tasks by
  their result variable (…AuditResult 1/0); 回访 with satisfaction / isSolved / visitCallId / contactResult; a 承办
  started after a 回访 → 重办; the process end → 办结; handler comments (联系市民, 现场核查 …) as steps of their own.
Standard library only.
"""

import csv
import os
import sys
from collections import defaultdict
from datetime import datetime


def read(d, name):
    with open(os.path.join(d, name), encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    orders = read(src, "T_WORK_ORDER.csv")
    procs = {r["ID_"]: r for r in read(src, "ACT_HI_PROCINST.csv")}
    tasks = read(src, "ACT_HI_TASKINST.csv")
    groups = {}
    for r in read(src, "ACT_HI_IDENTITYLINK.csv"):
        if r["TYPE_"] == "candidate" and r["TASK_ID_"]:
            groups[r["TASK_ID_"]] = r["GROUP_ID_"]
    unit_of = {}
    unit_ids = {r["ID_"] for r in read(src, "ACT_ID_GROUP.csv")}
    for r in read(src, "ACT_ID_MEMBERSHIP.csv"):
        if r["GROUP_ID_"] in unit_ids:
            unit_of[r["USER_ID_"]] = r["GROUP_ID_"]
    dic = {(r["dict_type"], r["dict_value"]): r["dict_label"] for r in read(src, "sys_dict_data.csv")}
    tvars = defaultdict(dict)
    for r in read(src, "ACT_HI_DETAIL.csv"):
        if r["TASK_ID_"]:
            if r["VAR_TYPE_"] == "date":
                v = datetime.fromtimestamp(int(r["LONG_"]) / 1000).strftime("%Y-%m-%d %H:%M:%S")
            else:
                v = r["TEXT_"] or r["LONG_"] or r["DOUBLE_"]
            tvars[r["TASK_ID_"]][r["NAME_"]] = v
    comments = defaultdict(list)
    for r in read(src, "ACT_HI_COMMENT.csv"):
        comments[r["TASK_ID_"]].append(r)

    steps = []

    def step(order_no, at, action, actor, unit=None, target="", note="", **extra):
        steps.append(dict(工单编号=order_no, 操作时间=at, 操作类型=action, 操作人=actor,
                          操作部门=unit if unit is not None else unit_of.get(actor, ""), 目标部门=target,
                          处理意见=note, **extra))

    by_proc = defaultdict(list)
    for t in tasks:
        by_proc[t["PROC_INST_ID_"]].append(t)
    for pid, ts in by_proc.items():
        no = procs[pid]["BUSINESS_KEY_"]
        ts.sort(key=lambda t: t["START_TIME_"])
        handle = [t for t in ts if t["NAME_"] == "承办"]
        seen_visit = False
        for t in ts:
            name, tid, who = t["NAME_"], t["ID_"], t["ASSIGNEE_"]
            v, cs = tvars.get(tid, {}), comments.get(tid, [])
            mine = [c for c in cs if c["USER_ID_"] == who]
            note = mine[-1]["FULL_MSG_"] if mine else ""
            if name == "受理" and t["END_TIME_"]:
                step(no, t["END_TIME_"], "受理", who)
            elif name == "派单" and t["END_TIME_"]:
                nxt = [h for h in handle if h["START_TIME_"] >= t["END_TIME_"]]
                target = v.get("handleDept") or (groups.get(nxt[0]["ID_"], "") if nxt else "")
                step(no, t["END_TIME_"], "派单", who, target=target, note=note, 办理时限=v.get("deadline", ""))
            elif name == "承办":
                unit = groups.get(tid, "")
                if seen_visit:
                    step(no, t["START_TIME_"], "重办", "", unit="center", target=unit)
                    seen_visit = False
                if t["CLAIM_TIME_"]:
                    step(no, t["CLAIM_TIME_"], "签收", who, unit=unit)
                for c in cs:
                    kind = dic.get(("flow_comment_type", c["TYPE_"]), c["TYPE_"])
                    if kind in ("联系市民", "现场核查", "办理进展", "催办", "延期申请"):
                        step(no, c["TIME_"], kind, c["USER_ID_"], unit=unit, note=c["FULL_MSG_"])
                    elif kind == "下派意见":
                        sub = [s for s in ts if s["PARENT_TASK_ID_"] == tid]
                        step(no, c["TIME_"], "下派", c["USER_ID_"], unit=unit,
                             target=groups.get(sub[0]["ID_"], "") if sub else "", note=c["FULL_MSG_"])
                if not t["END_TIME_"]:
                    continue
                how = t["DELETE_REASON_"]
                if how == "completed":
                    step(no, t["END_TIME_"], "申请办结", who, unit=unit, note=note, 附件=v.get("attachFiles", ""))
                elif how == "退回":
                    step(no, t["END_TIME_"], "申请退单", who, unit=unit, note=v.get("returnReason") or note)
                elif how == "转办":
                    nxt = [h for h in handle if h["START_TIME_"] >= t["END_TIME_"] and h["ID_"] != tid]
                    step(no, t["END_TIME_"], "转办", who, unit=unit,
                         target=v.get("handleDept") or (groups.get(nxt[0]["ID_"], "") if nxt else ""), note=note)
            elif name == "下级办理" and t["END_TIME_"]:
                step(no, t["END_TIME_"], "下级反馈", who, unit=groups.get(tid, ""), note=note)
            elif name in ("退单审核", "延期审核", "办结审核") and t["END_TIME_"]:
                key = {"退单审核": "returnAuditResult", "延期审核": "delayAuditResult",
                       "办结审核": "finishAuditResult"}[name]
                ok = v.get(key) == "1"
                word = {"退单审核": ("退回审核通过", "退回审核不通过"), "延期审核": ("延期审核通过", "延期审核不通过"),
                        "办结审核": ("办结审核通过", "办结审核不通过")}[name][0 if ok else 1]
                step(no, t["END_TIME_"], word, who, note=note, 批准延期至=v.get("newDeadline", ""))
            elif name == "回访" and t["END_TIME_"]:
                reached = v.get("contactResult", "1") != "2"
                step(no, t["END_TIME_"], "回访", who, note=note,
                     回访满意度=v.get("satisfaction", "") if reached else "未联系上",
                     是否解决=v.get("isSolved", ""), 回访通话编号=v.get("visitCallId", ""))
                seen_visit = True
        if procs[pid]["END_TIME_"]:
            step(no, procs[pid]["END_TIME_"], "办结", "", unit="center")
    cols = ["工单编号", "操作时间", "操作类型", "操作人", "操作部门", "目标部门", "处理意见", "附件", "办理时限",
            "批准延期至", "回访满意度", "是否解决", "回访通话编号"]
    steps.sort(key=lambda s: (s["工单编号"], s["操作时间"]))
    with open(os.path.join(out, "流转.csv"), "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, cols)
        w.writeheader()
        for s in steps:
            w.writerow({c: s.get(c, "") for c in cols})
    ocols = ["工单编号", "受理时间", "受理人", "来电人", "来电号码", "事发地址", "问题分类", "诉求内容", "渠道", "办理时限"]
    with open(os.path.join(out, "工单.csv"), "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(ocols)
        for o in orders:
            w.writerow([o["order_no"], o["accept_time"], o["accept_user"], o["caller_name"], o["caller_phone"],
                        o["event_address"], o["category_name"], o["appeal_content"],
                        dic.get(("gd_channel", o["channel"]), o["channel"]), o["time_limit"]])
    print(f"{len(orders)} tickets, {len(steps)} steps → {out}")


if __name__ == "__main__":
    main()
