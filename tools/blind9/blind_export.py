"""Blind test 9: a 12345 platform built on a BPMN workflow engine (Activiti / Flowable, RuoYi-flowable style),
exported by the vendor's DBA as one CSV per database table (UTF-8 with a byte-order mark, a header row, empty cells
for NULL, as Navicat's and DBeaver's "export table to CSV" write them).

    python tools/blind9/blind_export.py --out DIR [--seed 7]

Writes DIR/export/ (the delivery) and DIR/expected.csv (what the rules should find; never read by Rexian).

The delivery:
- T_WORK_ORDER.csv        the business table (工单主表): order_no, proc_inst_id, intake, caller, address, category,
                          time_limit (the deadline), order_status (a dictionary code)
- ACT_HI_PROCINST.csv     one row per process instance (BUSINESS_KEY_ = order_no)
- ACT_HI_TASKINST.csv     one row per user task: 受理, 派单, 承办, 下级办理 (a sub-task of 承办), 退单审核, 延期审核,
                          办结审核, 回访; START_TIME_, CLAIM_TIME_, END_TIME_, DELETE_REASON_ (completed / 退回 / 转办 /
                          deleted), DUE_DATE_; a task still running has no END_TIME_
- ACT_HI_ACTINST.csv      every activity: start and end events, gateways, user tasks
- ACT_HI_VARINST.csv      process variables, last value only (long key/value form: NAME_, VAR_TYPE_, TEXT_/LONG_/…)
- ACT_HI_DETAIL.csv       every variable update, with its TIME_ and TASK_ID_ (the visit's satisfaction, isSolved,
                          visitCallId; handleDept at each dispatch; extendDays, newDeadline; attachFiles …)
- ACT_HI_COMMENT.csv      opinions per task; TYPE_ a dictionary code (sys_dict_data, dict_type flow_comment_type)
- ACT_HI_IDENTITYLINK.csv candidate groups (= units) of each task, participants of each instance
- ACT_ID_USER.csv / ACT_ID_GROUP.csv / ACT_ID_MEMBERSHIP.csv   people, units and who belongs where
- sys_dict_data.csv       the platform's dictionary (RuoYi): comment types, channels, urgency, order states
- T_CALL_RECORD.csv       the call centre's records (inbound calls and follow-up calls, order_no when linked)

Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import uuid
from datetime import datetime, timedelta

FMT = "%Y-%m-%d %H:%M:%S.%f"


def ts(t):
    return t.strftime(FMT)[:-3] if t else ""


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
         "刚", "桂英", "建华", "文", "辉", "玲", "丹", "宁", "波", "斌", "鹏"]

UNITS = [  # id, name, type
    ("center", "市12345热线中心", "center"),
    ("dept_cgj", "市城市管理局", "dept"), ("dept_zjj", "市住房和城乡建设局", "dept"),
    ("dept_sthj", "市生态环境局", "dept"), ("dept_scjg", "市市场监督管理局", "dept"),
    ("dept_jtj", "市交通运输局", "dept"), ("dept_swj", "市水务局", "dept"),
    ("dept_rsj", "市人力资源和社会保障局", "dept"),
    ("street_dongcheng", "东城街道办事处", "street"), ("street_xihu", "西湖街道办事处", "street"),
    ("street_nanyuan", "南苑街道办事处", "street"),
]
DEPTS = [u[0] for u in UNITS if u[2] == "dept"]
STREETS = [u[0] for u in UNITS if u[2] == "street"]

CATEGORIES = {  # category → (unit, working days, complaint text template, good reply)
    "市容环境": ("dept_cgj", 5, "{addr}附近垃圾堆放多日无人清运，气味很大，蚊蝇滋生，请尽快处理。",
             "经现场核查，{addr}垃圾系周边商户违规堆放，我局已于{d}安排环卫车辆清运完毕，并责令商户整改，今后每日巡查。"),
    "噪声扰民": ("dept_sthj", 5, "{addr}有工地夜间施工，晚上十一点后还在打桩，噪音严重影响休息。",
             "经查，{addr}工地未办理夜间施工许可，我局已于{d}现场责令停止夜间施工并立案调查，已电话告知市民。"),
    "房屋质量": ("dept_zjj", 10, "{addr}新交付的房屋墙体开裂、卫生间漏水，开发商一直推脱不修。",
             "经现场查看，{addr}墙体裂缝及漏水属实，已约谈开发商，开发商承诺{d}前完成维修，我局将跟踪复查。"),
    "食品安全": ("dept_scjg", 5, "{addr}一家餐馆卫生条件差，吃完后腹泻，后厨有老鼠。",
             "执法人员于{d}对{addr}该餐馆进行检查，发现后厨卫生不达标，已责令停业整改并处罚款，已告知市民处理结果。"),
    "道路交通": ("dept_jtj", 10, "{addr}公交站台损坏，雨棚脱落，存在安全隐患。",
             "经核实，{addr}公交站台雨棚损坏属实，已于{d}安排维修单位更换雨棚并加固站牌，已回复市民。"),
    "供水排水": ("dept_swj", 3, "{addr}小区停水两天没有任何通知，老人孩子生活困难。",
             "经查，{addr}停水系主管道爆裂抢修所致，已于{d}恢复供水，并要求供水公司今后提前张贴停水通知。"),
    "劳动保障": ("dept_rsj", 15, "{addr}一家公司拖欠我三个月工资共一万二千元，老板一直不接电话。",
             "劳动监察大队于{d}约谈{addr}该公司负责人，公司已承诺分两期支付拖欠工资，我局将督促落实并告知市民。"),
}
ROADS = ["人民路", "解放路", "中山路", "建设路", "和平路", "长江路", "黄河路", "新华路", "朝阳路", "青年路",
         "文化路", "胜利路", "花园路", "滨河路", "光明路", "幸福路", "东风路", "学府路", "工业路", "春晓路"]
BOILERPLATE = "您反映的问题已收到，我单位高度重视，将尽快处理，请您耐心等待，感谢您对我们工作的理解和支持。"
IDENTICAL = "经现场核查，已督促相关责任单位于三日内整改到位，并安排专人每日巡查，后续将持续跟踪。"
OFF_TOPIC = "根据《城市道路管理条例》第二十七条规定，占用城市道路须经市政工程行政主管部门批准，逾期将依法处罚。"

COMMENT_TYPES = [("1", "正常意见"), ("2", "退回意见"), ("3", "驳回意见"), ("4", "委派意见"), ("5", "转办意见"),
                 ("6", "终止流程"), ("7", "联系市民"), ("8", "现场核查"), ("9", "办理进展"), ("10", "催办"),
                 ("11", "下级反馈"), ("12", "延期申请"), ("13", "下派意见"), ("14", "回访意见")]
CHANNELS = [("1", "电话"), ("2", "网站"), ("3", "微信"), ("4", "APP")]
URGENCY = [("0", "一般"), ("1", "紧急")]
STATES = [("10", "待派单"), ("20", "办理中"), ("30", "待审核"), ("40", "待回访"), ("50", "已办结")]


class Ids:
    def __init__(self, rng):
        self.n = 2500000 + rng.randrange(1000) * 100
        self.rng = rng

    def next(self):
        self.n += rng_step(self.rng)
        return str(self.n)


def rng_step(rng):
    return rng.choice([1, 1, 1, 2, 3, 5])


class Export:
    """The engine's tables, filled as the process runs."""

    def __init__(self, rng):
        self.rng = rng
        self.ids = Ids(rng)
        self.tables = {k: [] for k in ("procinst", "taskinst", "actinst", "varinst", "detail", "comment",
                                       "identitylink", "orders", "calls")}
        self.call_no = 880000 + rng.randrange(1000)

    def call(self, **row):
        self.call_no += 1
        row.setdefault("call_id", f"C{self.call_no}")
        self.tables["calls"].append(row)
        return row["call_id"]


class Proc:
    """One ticket's process instance."""

    def __init__(self, ex: Export, order_no, t0, agent, *, caller, phone, addr, category, content, channel="1",
                 urgency="0"):
        self.ex, self.rng = ex, ex.rng
        self.order_no = order_no
        self.pid = ex.ids.next()
        self.exe = ex.ids.next()
        self.vars = {}
        self.cur = None       # the running 承办 task
        self.open = []        # other running tasks
        self.unit = None
        self.t = t0
        self.closed = False
        self.category = category
        ex.tables["procinst"].append(dict(ID_=self.pid, PROC_INST_ID_=self.pid, BUSINESS_KEY_=order_no,
                                          PROC_DEF_ID_="gd_process:3:12504", START_TIME_=ts(t0), END_TIME_="",
                                          DURATION_="", START_USER_ID_=agent, START_ACT_ID_="startEvent1",
                                          END_ACT_ID_="", SUPER_PROCESS_INSTANCE_ID_="", DELETE_REASON_="",
                                          TENANT_ID_="", NAME_=f"{category}-{order_no}"))
        self.act("startEvent1", "开始", "startEvent", None, t0, t0)
        inbound = ex.call(caller_no=phone, callee_no="12345", agent_no=agent, direction="1",
                          ring_time=ts(t0 - timedelta(seconds=40)), answer_time=ts(t0 - timedelta(seconds=31)),
                          hangup_time=ts(t0 + timedelta(minutes=3)), order_no=order_no) if channel == "1" else ""
        ex.tables["orders"].append(dict(order_no=order_no, proc_inst_id=self.pid, accept_time=ts(t0),
                                        caller_name=caller, caller_phone=phone, event_address=addr,
                                        category_name=category, appeal_content=content, channel=channel,
                                        urgency=urgency, order_status="20", time_limit="", finish_time="",
                                        accept_user=agent, call_id=inbound))
        self.task("accept", "受理", agent, "center", t0, t0 + timedelta(minutes=2), claim=None)
        self.after = t0 + timedelta(minutes=2)
        self.dispatch_task = self.task("dispatch", "派单", None, "center", self.after, None)

    # ---- engine rows
    def act(self, act_id, name, typ, assignee, start, end, task_id="", reason=""):
        self.ex.tables["actinst"].append(dict(
            ID_=self.ex.ids.next(), PROC_DEF_ID_="gd_process:3:12504", PROC_INST_ID_=self.pid,
            EXECUTION_ID_=self.exe, ACT_ID_=act_id, TASK_ID_=task_id, CALL_PROC_INST_ID_="", ACT_NAME_=name,
            ACT_TYPE_=typ, ASSIGNEE_=assignee or "", START_TIME_=ts(start), END_TIME_=ts(end),
            DURATION_=str(int((end - start).total_seconds() * 1000)) if end else "", DELETE_REASON_=reason,
            TENANT_ID_=""))

    def task(self, key, name, assignee, group, start, end, claim=None, due=None, parent="", owner="",
             reason="completed"):
        tid = self.ex.ids.next()
        row = dict(ID_=tid, PROC_DEF_ID_="gd_process:3:12504", TASK_DEF_KEY_=key, PROC_INST_ID_=self.pid,
                   EXECUTION_ID_=self.exe, NAME_=name, PARENT_TASK_ID_=parent, DESCRIPTION_="", OWNER_=owner,
                   ASSIGNEE_=assignee or "", START_TIME_=ts(start), CLAIM_TIME_=ts(claim), END_TIME_="",
                   DURATION_="", DELETE_REASON_="", PRIORITY_="50", DUE_DATE_=ts(due), FORM_KEY_="",
                   CATEGORY_="", TENANT_ID_="", _start=start)
        self.ex.tables["taskinst"].append(row)
        self.ex.tables["identitylink"].append(dict(ID_=self.ex.ids.next(), GROUP_ID_=group, TYPE_="candidate",
                                                   USER_ID_="", TASK_ID_=tid, PROC_INST_ID_=""))
        if end:
            self.end_task(row, end, reason)
        return row

    def end_task(self, row, end, reason="completed"):
        row["END_TIME_"] = ts(end)
        row["DURATION_"] = str(int((end - row["_start"]).total_seconds() * 1000))
        row["DELETE_REASON_"] = reason
        self.act(row["TASK_DEF_KEY_"], row["NAME_"], "userTask", row["ASSIGNEE_"], row["_start"], end,
                 task_id=row["ID_"], reason="" if reason == "completed" else reason)
        if row["ASSIGNEE_"]:
            self.ex.tables["identitylink"].append(dict(ID_=self.ex.ids.next(), GROUP_ID_="", TYPE_="participant",
                                                       USER_ID_=row["ASSIGNEE_"], TASK_ID_="",
                                                       PROC_INST_ID_=self.pid))

    def var(self, t, name, value, task=None):
        if isinstance(value, int) and not isinstance(value, bool):
            vt, cols = "long", dict(LONG_=str(value), TEXT_=str(value), DOUBLE_="")
        elif isinstance(value, datetime):
            vt, cols = "date", dict(LONG_=str(int(value.timestamp() * 1000)), TEXT_="", DOUBLE_="")
        elif isinstance(value, bool):
            vt, cols = "boolean", dict(LONG_="1" if value else "0", TEXT_="", DOUBLE_="")
        else:
            vt, cols = "string", dict(LONG_="", TEXT_=value, DOUBLE_="")
        tid = task["ID_"] if task else ""
        self.ex.tables["detail"].append(dict(ID_=self.ex.ids.next(), TYPE_="VariableUpdate", PROC_INST_ID_=self.pid,
                                             EXECUTION_ID_=self.exe, TASK_ID_=tid, ACT_INST_ID_="", NAME_=name,
                                             VAR_TYPE_=vt, REV_="0", TIME_=ts(t), BYTEARRAY_ID_="", TEXT2_="",
                                             **cols))
        old = self.vars.get(name)
        if old:
            old.update(cols, VAR_TYPE_=vt, REV_=str(int(old["REV_"]) + 1), LAST_UPDATED_TIME_=ts(t), TASK_ID_=tid)
        else:
            row = dict(ID_=self.ex.ids.next(), PROC_INST_ID_=self.pid, EXECUTION_ID_=self.exe, TASK_ID_=tid,
                       NAME_=name, VAR_TYPE_=vt, REV_="1", BYTEARRAY_ID_="", TEXT2_="", CREATE_TIME_=ts(t),
                       LAST_UPDATED_TIME_=ts(t), **cols)
            self.vars[name] = row
            self.ex.tables["varinst"].append(row)

    def comment(self, t, user, typ, msg, task=None):
        task = task or self.cur
        self.ex.tables["comment"].append(dict(ID_=str(uuid.UUID(int=self.rng.getrandbits(128))), TYPE_=typ,
                                              TIME_=ts(t), USER_ID_=user, TASK_ID_=task["ID_"] if task else "",
                                              PROC_INST_ID_=self.pid, ACTION_="AddComment", MESSAGE_=msg[:100],
                                              FULL_MSG_=msg))

    # ---- the workflow
    def dispatch(self, t, dispatcher, unit, days=None, note="请依职责办理。"):
        d = self.dispatch_task
        d["ASSIGNEE_"] = dispatcher
        d["CLAIM_TIME_"] = ts(t - timedelta(minutes=1))
        self.var(t, "handleDept", unit, d)
        self.var(t, "handleDeptName", NAMES[unit], d)
        due = None
        if days:
            due = add_working_days(t, days)
            self.var(t, "deadline", due, d)
            if not self.ex.tables["orders"][-1]["time_limit"] or self.order_row()["time_limit"] == "":
                self.order_row()["time_limit"] = ts(due)
        self.comment(t, dispatcher, "1", note, d)
        self.end_task(d, t)
        self.act("gw_dispatch", "派单分流", "exclusiveGateway", None, t, t)
        self.unit = unit
        self.due = due or self.__dict__.get("due")
        self.cur = self.task("handle", "承办", None, unit, t, None, due=self.due)

    def order_row(self):
        for r in self.ex.tables["orders"]:
            if r["order_no"] == self.order_no:
                return r
        raise KeyError(self.order_no)

    def sign(self, t, handler):
        self.cur["ASSIGNEE_"] = handler
        self.cur["CLAIM_TIME_"] = ts(t)
        self.handler = handler

    def contact(self, t, text="已电话联系市民，了解具体情况。"):
        self.comment(t, self.cur["ASSIGNEE_"], "7", text)
        self.ex.call(caller_no="12345" + self.unit[-3:], callee_no="", agent_no=self.cur["ASSIGNEE_"],
                     direction="2", ring_time=ts(t - timedelta(seconds=20)),
                     answer_time=ts(t - timedelta(seconds=12)), hangup_time=ts(t + timedelta(minutes=2)),
                     order_no="")

    def site(self, t, text="已到现场核查，情况属实。"):
        self.comment(t, self.cur["ASSIGNEE_"], "8", text)

    def progress(self, t, text="正在协调处理中。"):
        self.comment(t, self.cur["ASSIGNEE_"], "9", text)

    def return_req(self, t, reason):
        h = self.cur["ASSIGNEE_"]
        self.comment(t, h, "2", reason)
        self.var(t, "returnReason", reason, self.cur)
        self.end_task(self.cur, t, "退回")
        self.review = self.task("returnAudit", "退单审核", None, "center", t, None)

    def return_rule(self, t, reviewer, ok, note=None):
        r = self.review
        r["ASSIGNEE_"], r["CLAIM_TIME_"] = reviewer, ts(t - timedelta(minutes=5))
        self.var(t, "returnAuditResult", "1" if ok else "0", r)
        note = note or ("同意退回，重新派单。" if ok else "不同意退回，属你单位职责，请继续办理。")
        self.comment(t, reviewer, "1" if ok else "3", note, r)
        self.end_task(r, t)
        self.act("gw_return", "退单审核结果", "exclusiveGateway", None, t, t)
        if ok:
            self.dispatch_task = self.task("dispatch", "派单", None, "center", t, None)
            self.cur = None
        else:
            self.cur = self.task("handle", "承办", self.handler, self.unit, t, None, due=self.due)

    def handover(self, t, to_unit, reason):
        h = self.cur["ASSIGNEE_"]
        self.comment(t, h, "5", reason)
        self.var(t, "handleDept", to_unit, self.cur)
        self.var(t, "handleDeptName", NAMES[to_unit], self.cur)
        self.end_task(self.cur, t, "转办")
        self.unit = to_unit
        self.cur = self.task("handle", "承办", None, to_unit, t, None, due=self.due)

    def forward(self, t, street, street_user, note="请街道落实处理并反馈。"):
        h = self.cur["ASSIGNEE_"]
        self.comment(t, h, "13", note)
        self.var(t, "subDept", street, self.cur)
        self.sub = self.task("subHandle", "下级办理", street_user, street, t, None, claim=t + timedelta(hours=1),
                             parent=self.cur["ID_"], owner=h)

    def forward_report(self, t, text):
        self.comment(t, self.sub["ASSIGNEE_"], "11", text, self.sub)
        self.end_task(self.sub, t)

    def remind(self, t, text="请加快办理进度，及时反馈。"):
        self.comment(t, self.cur["ASSIGNEE_"], "10", text)

    def extension_req(self, t, days, reason):
        h = self.cur["ASSIGNEE_"]
        self.comment(t, h, "12", reason)
        self.var(t, "extendDays", days, self.cur)
        self.var(t, "delayReason", reason, self.cur)
        self.ext = self.task("delayAudit", "延期审核", None, "center", t, None)
        self.ext_days = days

    def extension_rule(self, t, reviewer, ok):
        r = self.ext
        r["ASSIGNEE_"], r["CLAIM_TIME_"] = reviewer, ts(t - timedelta(minutes=3))
        self.var(t, "delayAuditResult", "1" if ok else "0", r)
        if ok:
            self.due = add_working_days(self.due or t, self.ext_days)
            self.var(t, "newDeadline", self.due, r)
            self.cur["DUE_DATE_"] = ts(self.due)
        self.comment(t, reviewer, "1" if ok else "3", "同意延期。" if ok else "延期理由不充分，不同意延期。", r)
        self.end_task(r, t)

    def closure_req(self, t, reply, files=("现场照片1.jpg", "处理告知书.pdf")):
        h = self.cur["ASSIGNEE_"]
        self.comment(t, h, "1", reply)
        self.var(t, "attachFiles", ";".join(files), self.cur)
        self.var(t, "replyContent", reply, self.cur)
        self.end_task(self.cur, t)
        self.review = self.task("finishAudit", "办结审核", None, "center", t, None)

    def closure_rule(self, t, reviewer, ok, reason="答复内容不具体，未说明处理结果，请重新办理。"):
        r = self.review
        r["ASSIGNEE_"], r["CLAIM_TIME_"] = reviewer, ts(t - timedelta(minutes=4))
        self.var(t, "finishAuditResult", "1" if ok else "0", r)
        self.comment(t, reviewer, "1" if ok else "3", "同意办结。" if ok else reason, r)
        self.end_task(r, t)
        self.act("gw_finish", "办结审核结果", "exclusiveGateway", None, t, t)
        if ok:
            self.visit_task = self.task("visit", "回访", None, "center", t, None)
        else:
            self.cur = self.task("handle", "承办", self.handler, self.unit, t, None, due=self.due)

    def visit(self, t, visitor, sat, solved, *, reached=True, remark="", call=True, call_id=None):
        v = self.visit_task
        v["ASSIGNEE_"], v["CLAIM_TIME_"] = visitor, ts(t - timedelta(minutes=10))
        if call:
            call_id = self.ex.call(caller_no="12345", callee_no="", agent_no=visitor, direction="2",
                                   ring_time=ts(t - timedelta(minutes=4)),
                                   answer_time=ts(t - timedelta(minutes=3, seconds=50)) if reached else "",
                                   hangup_time=ts(t - timedelta(minutes=1)), order_no=self.order_no)
        self.var(t, "visitCallId", call_id or "", v)
        self.var(t, "contactResult", "1" if reached else "2", v)
        if reached:
            self.var(t, "satisfaction", sat, v)
            self.var(t, "isSolved", solved, v)
        self.comment(t, visitor, "14", remark or ("市民表示认可。" if reached else "连续三次拨打无人接听。"), v)
        self.end_task(v, t)
        self.act("gw_visit", "回访结果", "exclusiveGateway", None, t, t)
        if reached and sat == "不满意":
            self.var(t, "redo", True, v)
            self.cur = self.task("handle", "承办", self.handler, self.unit, t, None, due=self.due)
        else:
            self.finish(t)

    def finish(self, t):
        self.act("endEvent1", "结束", "endEvent", None, t, t)
        p = [r for r in self.ex.tables["procinst"] if r["ID_"] == self.pid][0]
        p["END_TIME_"], p["END_ACT_ID_"] = ts(t), "endEvent1"
        p["DURATION_"] = str(int((t - datetime.strptime(p["START_TIME_"], FMT)).total_seconds() * 1000))
        o = self.order_row()
        o["order_status"], o["finish_time"] = "50", ts(t)
        self.closed = True


NAMES = {u[0]: u[1] for u in UNITS}


def add_working_days(t, days):
    d = t
    while days > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            days -= 1
    return d.replace(hour=18, minute=0, second=0, microsecond=0)


def build(seed):
    rng = random.Random(seed)
    ex = Export(rng)
    used = set()

    def person(unit_id, role):
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            login = f"{unit_id.split('_')[-1][:4]}{rng.randrange(100, 999)}"
            if login not in used and name not in {p[1] for p in people}:
                used.add(login)
                people.append((login, name, unit_id, role))
                return login

    people = []
    agents = [person("center", "agent") for _ in range(4)]
    dispatchers = [person("center", "dispatcher") for _ in range(2)]
    reviewers = [person("center", "reviewer") for _ in range(2)]
    visitors = [person("center", "visitor") for _ in range(3)]
    handlers = {d: [person(d, "handler") for _ in range(3)] for d in DEPTS}
    streeters = {s: [person(s, "handler") for _ in range(2)] for s in STREETS}

    expected = []
    seq = [0]
    base = datetime(2026, 1, 5, 8, 30) + timedelta(days=rng.randrange(10))
    addr_pool = [f"{rng.choice(['东城区', '西湖区', '南苑区'])}{r}{rng.randrange(1, 300)}号" for r in ROADS]
    rng.shuffle(addr_pool)  # (unused since; kept so that every seed draws the export it always drew)
    # distinct places per ticket unless a case says otherwise
    fresh_places = [f"{d}{r}{n}号" for d in ("东城区", "西湖区", "南苑区") for r in ROADS for n in (18, 66, 128, 231)]
    rng.shuffle(fresh_places)
    fresh = iter(fresh_places)

    def new(t0, category, addr=None, content=None, caller=None, phone=None):
        seq[0] += 1
        no = f"{t0:%Y%m%d}{rng.randrange(10, 99)}{seq[0]:04d}"
        addr = addr or next(fresh)
        content = content or CATEGORIES[category][2].format(addr=addr)
        caller = caller or (rng.choice(SURNAMES) + rng.choice(["先生", "女士"]))
        phone = phone or f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}"
        p = Proc(ex, no, t0, rng.choice(agents), caller=caller, phone=phone, addr=addr, category=category,
                 content=content, channel=rng.choice("1112"))
        p.addr = addr
        return p

    def start(i):
        return base + timedelta(days=i * 1.3 + rng.random() * 0.5, hours=rng.randrange(0, 6))

    def good_reply(p, t):
        return CATEGORIES[p.category][3].format(addr=p.addr, d=f"{t.month}月{t.day}日")

    def normal(p, t, *, unit=None, handler=None, reply=None, files=("现场照片1.jpg", "整改告知书.pdf"),
               visitor=None, sat="满意", solved="是", contact=True, site=True, days=None):
        """dispatch → sign → contact → site → closure → approve → visit; returns the closure requester."""
        unit = unit or CATEGORIES[p.category][0]
        days = days or CATEGORIES[p.category][1]
        if p.cur is None or p.cur["END_TIME_"]:  # not yet at a unit (a hand-over leaves it at one)
            p.dispatch(t + timedelta(minutes=20), rng.choice(dispatchers), unit, days)
        h = handler or rng.choice(handlers.get(unit) or streeters[unit])
        p.sign(t + timedelta(hours=2), h)
        if contact:
            p.contact(t + timedelta(hours=3))
        if site:
            p.site(t + timedelta(days=1, hours=1), "已到现场核查，" + rng.choice(["情况属实。", "已拍照取证。"]))
        tc = t + timedelta(days=2, hours=3)
        p.closure_req(tc, reply or good_reply(p, tc), files)
        p.closure_rule(tc + timedelta(hours=4), rng.choice(reviewers), True)
        p.visit(tc + timedelta(days=1), visitor or rng.choice(visitors), sat, solved)
        return h

    def take_up(p, t, dispatcher, unit, days):
        """Dispatched 20 minutes after `t`, signed for by one of the unit's handlers after an hour, a call after two."""
        p.dispatch(t + timedelta(minutes=20), dispatcher, unit, days)
        h = rng.choice(handlers[unit])
        p.sign(t + timedelta(hours=1), h)
        p.contact(t + timedelta(hours=2))
        return h

    def close_and_visit(p, tc, review_hours, reviewer, visitor, sat="满意", solved="是"):
        """A good reply, approved after `review_hours`, visited a day later."""
        p.closure_req(tc, good_reply(p, tc))
        p.closure_rule(tc + timedelta(hours=review_hours), reviewer, True)
        p.visit(tc + timedelta(days=1), visitor, sat, solved)

    def fire(rule, family, p, person="", unit=""):
        expected.append(dict(kind="fire", rule=rule, family=family, ticket=p.order_no, person=person, unit=unit))

    def near(rule, family, p, why):
        expected.append(dict(kind="near_miss", rule=rule, family=family, ticket=p.order_no, person="", unit="",
                             why=why))

    i = 0

    def nxt():
        nonlocal i
        i += 1
        return start(i)

    # ---- buck passing
    # BP-RETURNS: three return requests (with checks before each, approved), units A, B, A? → A,B,C,D chain
    t = nxt()
    p = new(t, "市容环境")
    A, B, C = rng.sample(DEPTS, 3)
    ha = take_up(p, t, dispatchers[0], A, 15)
    p.return_req(t + timedelta(hours=5), "经核实，该问题不属于我单位职责范围，建议由属地街道处理。")
    p.return_rule(t + timedelta(hours=8), reviewers[0], False)
    p.contact(t + timedelta(days=1))
    p.return_req(t + timedelta(days=1, hours=2), "再次申请退回：该点位属于小区内部，应由物业及住建部门处理。")
    p.return_rule(t + timedelta(days=1, hours=5), reviewers[1], False)
    p.site(t + timedelta(days=2))
    p.return_req(t + timedelta(days=2, hours=3), "第三次申请退回：依据职责清单该事项不在我局职责内。")
    p.return_rule(t + timedelta(days=2, hours=6), reviewers[0], False)
    p.contact(t + timedelta(days=3))
    p.closure_req(t + timedelta(days=4), good_reply(p, t + timedelta(days=4)))
    p.closure_rule(t + timedelta(days=4, hours=3), reviewers[1], True)
    p.visit(t + timedelta(days=5), visitors[0], "满意", "是")
    fire("BP-RETURNS", "buck_passing", p, ha)
    # BP-REJECTED also fires on that ticket (same family): covered by the same expected row
    # near miss: two return requests, both after a site check, rejected? (BP-REJECTED would fire) → approved once
    t = nxt()
    p = new(t, "道路交通")
    A, B = rng.sample(DEPTS, 2)
    p.dispatch(t + timedelta(minutes=20), dispatchers[1], A, 10)
    h = rng.choice(handlers[A])
    p.sign(t + timedelta(hours=1), h)
    p.site(t + timedelta(hours=3))
    p.return_req(t + timedelta(hours=6), "经现场核查，该路段由交通部门管养，非我单位职责。")
    p.return_rule(t + timedelta(hours=9), reviewers[0], True)
    normal(p, t + timedelta(hours=10), unit=B)
    near("BP-RETURNS", "buck_passing", p, "one return, after a site check, approved: a single move A→B")

    # BP-PINGPONG: A → B → A by approved returns, each after a check
    t = nxt()
    p = new(t, "房屋质量")
    A, B = rng.sample(DEPTS, 2)
    ha = take_up(p, t, dispatchers[0], A, 10)
    p.return_req(t + timedelta(hours=4), "经核实，该问题应由其他部门处理。")
    p.return_rule(t + timedelta(hours=6), reviewers[1], True)
    p.dispatch(t + timedelta(hours=7), dispatchers[0], B, 10)
    hb = rng.choice(handlers[B])
    p.sign(t + timedelta(hours=8), hb)
    p.site(t + timedelta(hours=20))
    p.return_req(t + timedelta(days=1), "经现场核查，该事项属原承办单位职责。")
    p.return_rule(t + timedelta(days=1, hours=2), reviewers[0], True)
    normal(p, t + timedelta(days=1, hours=3), unit=A, handler=ha)
    fire("BP-PINGPONG", "buck_passing", p, ha)
    # near miss: A → B → C by approved returns after checks (a chain, no revisit)
    t = nxt()
    p = new(t, "供水排水")
    A, B, C = rng.sample(DEPTS, 3)
    h = take_up(p, t, dispatchers[1], A, 10)
    p.return_req(t + timedelta(hours=4), "经核实，非我单位职责。")
    p.return_rule(t + timedelta(hours=6), reviewers[1], True)
    p.dispatch(t + timedelta(hours=7), dispatchers[0], B, 10)
    h = rng.choice(handlers[B])
    p.sign(t + timedelta(hours=8), h)
    p.site(t + timedelta(hours=20))
    p.return_req(t + timedelta(days=1), "经现场核查，应由其他部门处理。")
    p.return_rule(t + timedelta(days=1, hours=2), reviewers[0], True)
    normal(p, t + timedelta(days=1, hours=3), unit=C)
    near("BP-PINGPONG", "buck_passing", p, "a chain A→B→C by two checked, approved returns")

    # BP-CYCLE: A → B (hand-over after a check) → C (hand-over after a check) → A (hand-over after a check)
    t = nxt()
    p = new(t, "噪声扰民")
    A, B, C = rng.sample(DEPTS, 3)
    ha = take_up(p, t, dispatchers[0], A, 10)
    p.handover(t + timedelta(hours=4), B, "经核实，涉及施工许可，转住建部门办理。")
    hb = rng.choice(handlers[B])
    p.sign(t + timedelta(hours=6), hb)
    p.site(t + timedelta(hours=22))
    p.handover(t + timedelta(days=1), C, "经现场核查，属于其他部门监管，转办。")
    hc = rng.choice(handlers[C])
    p.sign(t + timedelta(days=1, hours=2), hc)
    p.contact(t + timedelta(days=1, hours=3))
    p.handover(t + timedelta(days=1, hours=5), A, "经核实，应由首接单位处理，转回。")
    normal(p, t + timedelta(days=1, hours=6), unit=A, handler=ha)
    fire("BP-CYCLE", "buck_passing", p, ha)
    # near miss: A → B → C by checked hand-overs, ends at C
    t = nxt()
    p = new(t, "市容环境")
    A, B, C = rng.sample(DEPTS, 3)
    p.dispatch(t + timedelta(minutes=20), dispatchers[1], A, 10)
    p.sign(t + timedelta(hours=1), rng.choice(handlers[A]))
    p.site(t + timedelta(hours=2))
    p.handover(t + timedelta(hours=4), B, "经现场核查，转相关部门办理。")
    p.sign(t + timedelta(hours=6), rng.choice(handlers[B]))
    p.contact(t + timedelta(hours=7))
    p.handover(t + timedelta(hours=9), C, "经核实，转相关部门办理。")
    normal(p, t + timedelta(hours=10), unit=C)
    near("BP-CYCLE", "buck_passing", p, "hand-overs A→B→C after checks, no revisit")

    # BP-NO-VERIFY by a return request without any check
    t = nxt()
    p = new(t, "食品安全")
    A, B = rng.sample(DEPTS, 2)
    p.dispatch(t + timedelta(minutes=20), dispatchers[0], A, 5)
    ha = rng.choice(handlers[A])
    p.sign(t + timedelta(hours=1), ha)
    p.return_req(t + timedelta(hours=1, minutes=30), "非我单位职责。")
    p.return_rule(t + timedelta(hours=4), reviewers[0], True)
    normal(p, t + timedelta(hours=5), unit=B)
    fire("BP-NO-VERIFY", "buck_passing", p, ha)
    # BP-NO-VERIFY by a hand-over without any check
    t = nxt()
    p = new(t, "道路交通")
    A, B = rng.sample(DEPTS, 2)
    p.dispatch(t + timedelta(minutes=20), dispatchers[1], A, 10)
    ha = rng.choice(handlers[A])
    p.sign(t + timedelta(hours=1), ha)
    p.handover(t + timedelta(hours=1, minutes=20), B, "不属于我单位，转办。")
    normal(p, t + timedelta(hours=3), unit=B)
    fire("BP-NO-VERIFY", "buck_passing", p, ha)
    # near miss: a forward down (下派) to a street office without a call: not a hand-over
    t = nxt()
    p = new(t, "市容环境")
    A = CATEGORIES["市容环境"][0]
    p.dispatch(t + timedelta(minutes=20), dispatchers[1], A, 10)
    h = rng.choice(handlers[A])
    p.sign(t + timedelta(hours=1), h)
    s = rng.choice(STREETS)
    p.forward(t + timedelta(hours=1, minutes=30), s, rng.choice(streeters[s]))
    p.forward_report(t + timedelta(days=1), "街道已组织人员清理完毕，已拍照。")
    p.contact(t + timedelta(days=1, hours=2))
    tc = t + timedelta(days=1, hours=4)
    close_and_visit(p, tc, 2, reviewers[0], visitors[1])
    near("BP-NO-VERIFY", "buck_passing", p, "a forward down (下派) to a street office with no call before it")
    # BP-REJECTED: one return rejected (the return followed a site check)
    t = nxt()
    p = new(t, "劳动保障")
    A = CATEGORIES["劳动保障"][0]
    p.dispatch(t + timedelta(minutes=20), dispatchers[0], A, 15)
    ha = rng.choice(handlers[A])
    p.sign(t + timedelta(hours=1), ha)
    p.site(t + timedelta(hours=3))
    p.return_req(t + timedelta(hours=5), "经核实，该纠纷属民事合同纠纷，建议通过诉讼解决。")
    p.return_rule(t + timedelta(hours=8), reviewers[1], False)
    p.contact(t + timedelta(days=1))
    tc = t + timedelta(days=3)
    close_and_visit(p, tc, 3, reviewers[0], visitors[2], "基本满意", "是")
    fire("BP-REJECTED", "buck_passing", p, ha)
    # near miss: a contact, then a return approved
    t = nxt()
    p = new(t, "供水排水")
    A, B = rng.sample(DEPTS, 2)
    p.dispatch(t + timedelta(minutes=20), dispatchers[0], A, 5)
    p.sign(t + timedelta(hours=1), rng.choice(handlers[A]))
    p.contact(t + timedelta(hours=2), "已联系市民核实，问题位于相邻辖区。")
    p.return_req(t + timedelta(hours=3), "经与市民核实，该问题不属于我单位。")
    p.return_rule(t + timedelta(hours=5), reviewers[1], True)
    normal(p, t + timedelta(hours=6), unit=B)
    near("BP-NO-VERIFY", "buck_passing", p, "a return after a citizen contact, approved")

    # ---- false closure
    t = nxt()  # FC-UNRESOLVED
    p = new(t, "供水排水")
    h = normal(p, t, sat="基本满意", solved="否")
    fire("FC-UNRESOLVED", "false_closure", p, h)
    t = nxt()  # near miss: citizen not reached
    p = new(t, "供水排水")
    unit = CATEGORIES["供水排水"][0]
    h = take_up(p, t, dispatchers[1], unit, 3)
    p.site(t + timedelta(hours=20))
    tc = t + timedelta(days=1, hours=2)
    p.closure_req(tc, good_reply(p, tc))
    p.closure_rule(tc + timedelta(hours=2), reviewers[0], True)
    p.visit(tc + timedelta(days=1), visitors[0], None, None, reached=False)
    near("FC-UNRESOLVED", "false_closure", p, "visit could not reach the citizen (未联系上): no verdict")

    # FC-REPEAT-AFTER-CLOSE: closed, last visit unsatisfied… use 'not reached', then the same matter within 30 days
    t = nxt()
    addr = next(fresh)
    p = new(t, "噪声扰民", addr=addr)
    unit = CATEGORIES["噪声扰民"][0]
    h = take_up(p, t, dispatchers[0], unit, 5)
    p.site(t + timedelta(hours=22))
    tc = t + timedelta(days=1, hours=3)
    p.closure_req(tc, good_reply(p, tc))
    p.closure_rule(tc + timedelta(hours=2), reviewers[1], True)
    p.visit(tc + timedelta(days=1), visitors[1], None, None, reached=False)
    fire("FC-REPEAT-AFTER-CLOSE", "false_closure", p, h)
    later = new(tc + timedelta(days=12), "噪声扰民", addr=addr,
                content=f"{addr}工地又在夜间施工了，上次反映后只停了两天。")
    normal(later, tc + timedelta(days=12))
    # near miss: the same place, another category, within 30 days (first visit not reached too)
    t = nxt()
    addr = next(fresh)
    p = new(t, "市容环境", addr=addr)
    unit = CATEGORIES["市容环境"][0]
    p.dispatch(t + timedelta(minutes=20), dispatchers[0], unit, 5)
    p.sign(t + timedelta(hours=1), rng.choice(handlers[unit]))
    p.contact(t + timedelta(hours=2))
    p.site(t + timedelta(hours=22))
    tc = t + timedelta(days=1, hours=3)
    p.closure_req(tc, good_reply(p, tc))
    p.closure_rule(tc + timedelta(hours=2), reviewers[1], True)
    p.visit(tc + timedelta(days=1), visitors[1], None, None, reached=False)
    near("FC-REPEAT-AFTER-CLOSE", "false_closure", p, "same place, another category (食品安全) 10 days later")
    other = new(tc + timedelta(days=10), "食品安全", addr=addr)
    normal(other, tc + timedelta(days=10))

    t = nxt()  # FC-NO-EVIDENCE: no attachment, no contact
    p = new(t, "道路交通")
    h = normal(p, t, files=(), contact=False, site=True)
    fire("FC-NO-EVIDENCE", "false_closure", p, h)
    t = nxt()  # near miss: no attachment, but a contact and the photo stated in the reply? keep: attachment, contact
    p = new(t, "道路交通")
    normal(p, t, files=("维修后照片.jpg",))
    near("FC-NO-EVIDENCE", "false_closure", p, "one photo attached and a citizen contact before the request")

    t = nxt()  # FC-REJECTED-CLOSURES: two rejections
    p = new(t, "房屋质量")
    unit = CATEGORIES["房屋质量"][0]
    h = take_up(p, t, dispatchers[0], unit, 10)
    p.site(t + timedelta(hours=20))
    for k in range(2):
        tc = t + timedelta(days=1 + k, hours=3)
        p.closure_req(tc, "已处理。" if k == 0 else "已联系开发商处理。")  # perfunctory: PR-BOILERPLATE too
        p.closure_rule(tc + timedelta(hours=3), reviewers[k], False)
    tc = t + timedelta(days=4)
    close_and_visit(p, tc, 3, reviewers[0], visitors[2])
    fire("FC-REJECTED-CLOSURES", "false_closure", p, h)
    fire("PR-BOILERPLATE", "perfunctory_reply", p, h)
    t = nxt()  # near miss: rejected once
    p = new(t, "房屋质量")
    h = take_up(p, t, dispatchers[1], unit, 10)
    p.site(t + timedelta(hours=20))
    tc = t + timedelta(days=1, hours=3)
    p.closure_req(tc, "已约谈开发商，开发商同意维修墙体裂缝和卫生间漏水，待维修完成后组织复查。")
    p.closure_rule(tc + timedelta(hours=3), reviewers[1], False)
    tc = t + timedelta(days=3)
    close_and_visit(p, tc, 3, reviewers[0], visitors[0])
    near("FC-REJECTED-CLOSURES", "false_closure", p, "one closure rejection only")

    t = nxt()  # FC-INSTANT: closure 15 minutes after the sign-for, a contact only
    p = new(t, "市容环境")
    unit = CATEGORIES["市容环境"][0]
    p.dispatch(t + timedelta(minutes=20), dispatchers[0], unit, 5)
    h = rng.choice(handlers[unit])
    p.sign(t + timedelta(hours=1), h)
    p.contact(t + timedelta(hours=1, minutes=5), "已联系。")
    tc = t + timedelta(hours=1, minutes=15)
    close_and_visit(p, tc, 3, reviewers[1], visitors[1])
    fire("FC-INSTANT", "false_closure", p, h)
    t = nxt()  # near miss: 20 minutes, but a site check in between
    p = new(t, "市容环境")
    p.dispatch(t + timedelta(minutes=20), dispatchers[1], unit, 5)
    h = rng.choice(handlers[unit])
    p.sign(t + timedelta(hours=1), h)
    p.contact(t + timedelta(hours=1, minutes=3))
    p.site(t + timedelta(hours=1, minutes=12), "已到现场核查，垃圾已清运，拍照留存。")
    tc = t + timedelta(hours=1, minutes=20)
    close_and_visit(p, tc, 3, reviewers[0], visitors[2])
    near("FC-INSTANT", "false_closure", p, "closure 20 minutes after sign-for with a site check in between")

    # ---- manufactured satisfaction
    t = nxt()  # MS-SATISFIED-REPEAT
    addr = next(fresh)
    p = new(t, "食品安全", addr=addr)
    h = normal(p, t)
    fire("MS-SATISFIED-REPEAT", "manufactured_satisfaction", p, h)
    again = new(t + timedelta(days=14), "食品安全", addr=addr,
                content=f"{addr}那家餐馆还是很脏，上次投诉后根本没整改，又有人吃坏肚子。")
    normal(again, t + timedelta(days=14))
    t = nxt()  # near miss: the same matter after 45 days
    addr = next(fresh)
    p = new(t, "食品安全", addr=addr)
    normal(p, t)
    near("MS-SATISFIED-REPEAT", "manufactured_satisfaction", p, "the same matter again 45 days after the close")
    again = new(t + timedelta(days=48), "食品安全", addr=addr)
    normal(again, t + timedelta(days=48))

    t = nxt()  # MS-VISIT-NO-CALL: the visit names a call id that the call records do not hold
    p = new(t, "劳动保障")
    unit = CATEGORIES["劳动保障"][0]
    h = take_up(p, t, dispatchers[0], unit, 15)
    p.site(t + timedelta(days=1))
    tc = t + timedelta(days=2)
    p.closure_req(tc, good_reply(p, tc))
    p.closure_rule(tc + timedelta(hours=2), reviewers[0], True)
    vis = visitors[0]
    p.visit(tc + timedelta(days=1), vis, "满意", "是", call=False, call_id=f"C{ex.call_no + 7777}")
    fire("MS-VISIT-NO-CALL", "manufactured_satisfaction", p, vis)
    t = nxt()  # near miss: the visit's call rang long (answered after 50 s)
    p = new(t, "劳动保障")
    normal(p, t, visitor=visitors[1])
    near("MS-VISIT-NO-CALL", "manufactured_satisfaction", p, "visit with its answered call in the call records")

    t = nxt()  # MS-VISIT-BY-HANDLER: the handler records the follow-up call himself
    p = new(t, "道路交通")
    unit = CATEGORIES["道路交通"][0]
    h = rng.choice(handlers[unit])
    normal(p, t, handler=h, visitor=h)
    fire("MS-VISIT-BY-HANDLER", "manufactured_satisfaction", p, h)
    t = nxt()  # near miss: the visitor handled another ticket, not this one — use a centre visitor
    p = new(t, "道路交通")
    normal(p, t, visitor=visitors[2])
    near("MS-VISIT-BY-HANDLER", "manufactured_satisfaction", p, "visit by a centre visitor")

    # ---- perfunctory replies
    t = nxt()
    p = new(t, "市容环境")
    h = normal(p, t, reply=BOILERPLATE)
    fire("PR-BOILERPLATE", "perfunctory_reply", p, h)
    t = nxt()  # near miss: opens politely, then says what was done
    p = new(t, "市容环境")
    normal(p, t, reply="您反映的问题已收到。" + good_reply(p, t + timedelta(days=2)))
    near("PR-BOILERPLATE", "perfunctory_reply", p, "a polite opening followed by the specifics")

    ident_unit = "dept_cgj"
    ident_h = rng.choice(handlers[ident_unit])
    first = None
    for cat in ("市容环境", "噪声扰民", "房屋质量"):
        t = nxt()
        p = new(t, cat)
        normal(p, t, unit=ident_unit, handler=ident_h, reply=IDENTICAL)
        first = first or p
    fire("PR-IDENTICAL", "perfunctory_reply", first, ident_h)
    t = nxt()  # near miss: the same detailed text on two tickets only
    near_h = [x for x in handlers["dept_zjj"]][0]
    for k in range(2):
        cat = "房屋质量"
        t = nxt()
        p = new(t, cat)
        normal(p, t, unit="dept_zjj", handler=near_h,
               reply="经现场查看，墙体开裂及卫生间漏水属实，已约谈开发商限期维修，我局将组织复查并告知市民。")
        if k == 0:
            near("PR-IDENTICAL", "perfunctory_reply", p, "the same detailed reply on two matters only")

    t = nxt()
    p = new(t, "噪声扰民")
    h = normal(p, t, reply=OFF_TOPIC)
    fire("PR-OFF-TOPIC", "perfunctory_reply", p, h)
    t = nxt()
    p = new(t, "噪声扰民")
    normal(p, t)
    near("PR-OFF-TOPIC", "perfunctory_reply", p, "a reply about the night-time construction complained of")

    # ---- forward without follow-up
    t = nxt()
    p = new(t, "市容环境")
    unit = CATEGORIES["市容环境"][0]
    h = take_up(p, t, dispatchers[0], unit, 10)
    s = rng.choice(STREETS)
    p.forward(t + timedelta(hours=3), s, rng.choice(streeters[s]))
    p.forward_report(t + timedelta(days=2), "已处理。")
    tc = t + timedelta(days=2, hours=2)
    close_and_visit(p, tc, 2, reviewers[1], visitors[0])
    fire("FF-NO-FOLLOW-UP", "forward_no_follow_up", p, h)
    t = nxt()  # near miss: forward, then a reminder and a site check by the forwarding unit
    p = new(t, "市容环境")
    h = take_up(p, t, dispatchers[1], unit, 10)
    s = rng.choice(STREETS)
    p.forward(t + timedelta(hours=3), s, rng.choice(streeters[s]))
    p.remind(t + timedelta(days=1), "请街道今日内完成清运并反馈照片。")
    p.forward_report(t + timedelta(days=2), "街道已清运完毕，照片已上传。")
    p.site(t + timedelta(days=2, hours=1), "我局已到现场复查，清运到位。")
    tc = t + timedelta(days=2, hours=3)
    close_and_visit(p, tc, 2, reviewers[0], visitors[1])
    near("FF-NO-FOLLOW-UP", "forward_no_follow_up", p, "forward, then a reminder and a re-check by the unit")

    # ---- delay
    t = nxt()  # DL-OVERDUE: closure requested 4 working days after a 3-day deadline
    p = new(t, "供水排水")
    unit = CATEGORIES["供水排水"][0]
    h = take_up(p, t, dispatchers[0], unit, 3)
    p.site(t + timedelta(days=3))
    p.progress(t + timedelta(days=6))
    tc = add_working_days(t, 7) - timedelta(hours=6)
    close_and_visit(p, tc, 2, reviewers[1], visitors[2])
    fire("DL-OVERDUE", "delay", p, h)
    t = nxt()  # near miss: past the first deadline but within an approved extension
    p = new(t, "供水排水")
    h = take_up(p, t, dispatchers[1], unit, 3)
    p.site(t + timedelta(days=1))
    p.extension_req(t + timedelta(days=2), 5, "需更换主管道，施工周期较长，申请延期5个工作日。")
    p.extension_rule(t + timedelta(days=2, hours=3), reviewers[0], True)
    p.progress(t + timedelta(days=4))
    tc = add_working_days(t, 6) - timedelta(hours=6)
    close_and_visit(p, tc, 2, reviewers[1], visitors[0])
    near("DL-OVERDUE", "delay", p, "closed after the first deadline, before the extended one")

    t = nxt()  # DL-EXTENSIONS: three extension requests
    p = new(t, "劳动保障")
    unit = CATEGORIES["劳动保障"][0]
    h = take_up(p, t, dispatchers[0], unit, 15)
    for k in range(3):
        p.progress(t + timedelta(days=2 + 5 * k))
        p.extension_req(t + timedelta(days=3 + 5 * k), 5, f"企业负责人失联，需进一步调查（第{k + 1}次申请）。")
        p.extension_rule(t + timedelta(days=3 + 5 * k, hours=4), reviewers[k % 2], True)
    tc = t + timedelta(days=18)
    close_and_visit(p, tc, 2, reviewers[1], visitors[1])
    fire("DL-EXTENSIONS", "delay", p, h)
    t = nxt()  # near miss: two extension requests
    p = new(t, "劳动保障")
    h = take_up(p, t, dispatchers[1], unit, 15)
    for k in range(2):
        p.progress(t + timedelta(days=2 + 5 * k))
        p.extension_req(t + timedelta(days=3 + 5 * k), 5, f"需调取银行流水（第{k + 1}次申请）。")
        p.extension_rule(t + timedelta(days=3 + 5 * k, hours=4), reviewers[k % 2], True)
    tc = t + timedelta(days=13)
    close_and_visit(p, tc, 2, reviewers[1], visitors[2])
    near("DL-EXTENSIONS", "delay", p, "two extension requests")

    t = nxt()  # DL-IDLE: nine days of nothing after the sign-for (deadline 15 working days)
    p = new(t, "劳动保障")
    h = take_up(p, t, dispatchers[0], unit, 15)
    p.site(t + timedelta(days=9, hours=4))
    tc = t + timedelta(days=10)
    close_and_visit(p, tc, 2, reviewers[0], visitors[0])
    fire("DL-IDLE", "delay", p, h)
    t = nxt()  # near miss: five days idle
    p = new(t, "劳动保障")
    h = take_up(p, t, dispatchers[1], unit, 15)
    p.site(t + timedelta(days=5, hours=4))
    tc = t + timedelta(days=6)
    close_and_visit(p, tc, 2, reviewers[1], visitors[1])
    near("DL-IDLE", "delay", p, "five idle days (threshold seven)")

    # DL-LONG-OPEN: received early, signed for, one progress note, still open (its 承办 task running)
    t = base + timedelta(days=2, hours=3)
    p = new(t, "房屋质量")
    unit = CATEGORIES["房屋质量"][0]
    p.dispatch(t + timedelta(minutes=20), dispatchers[0], unit, 10)
    h = rng.choice(handlers[unit])
    p.sign(t + timedelta(hours=1), h)
    p.contact(t + timedelta(hours=3))
    p.progress(t + timedelta(days=3), "已约谈开发商，等待维修方案。")
    fire("DL-LONG-OPEN", "delay", p, h)

    # ---- repeat complaints: three complaints on one place and category, 40 days apart (no repeat-after-close)
    addr = next(fresh)
    t = nxt()
    last = None
    for k in range(3):
        tk = t + timedelta(days=40 * k)
        q = new(tk, "噪声扰民", addr=addr, content=f"{addr}的KTV深夜噪音扰民，凌晨两点还在唱歌。")
        normal(q, tk)
        last = q
    fire("RC-REPEAT", "repeat_complaint", last, "", CATEGORIES["噪声扰民"][0])
    # near miss: three tickets on one place, three categories
    addr = next(fresh)
    t = nxt()
    for k, cat in enumerate(("市容环境", "道路交通", "供水排水")):
        tk = t + timedelta(days=40 * k)
        q = new(tk, cat, addr=addr)
        normal(q, tk)
    near("RC-REPEAT", "repeat_complaint", q, "the same place on three different categories")

    # hotspot: ten callers in three days on one place and category, all closed after the last arrived
    addr = next(fresh)
    t = nxt()
    hot = []
    for k in range(10):
        tk = t + timedelta(hours=7 * k)
        q = new(tk, "市容环境", addr=addr, content=f"{addr}菜市场门口垃圾成堆，臭气熏天，已经好几天了。")
        hot.append((q, tk))
    for q, tk in hot:
        normal(q, t + timedelta(days=3, hours=hot.index((q, tk))))
    fire("RC-HOTSPOT", "repeat_complaint", hot[-1][0], "", CATEGORIES["市容环境"][0])

    # ---- dissatisfaction
    t = nxt()
    p = new(t, "食品安全")
    unit = CATEGORIES["食品安全"][0]
    h = take_up(p, t, dispatchers[0], unit, 5)
    p.site(t + timedelta(hours=22))
    tc = t + timedelta(days=1, hours=3)
    p.closure_req(tc, good_reply(p, tc))
    p.closure_rule(tc + timedelta(hours=2), reviewers[1], True)
    p.visit(tc + timedelta(days=1), visitors[2], "不满意", "否", remark="市民称餐馆仍在营业，未见整改。")
    p.site(tc + timedelta(days=2), "重办：再次到现场检查，已查封后厨。")
    tc2 = tc + timedelta(days=3)
    close_and_visit(p, tc2, 2, reviewers[0], visitors[0])
    fire("DS-UNSATISFIED", "dissatisfaction", p, h)
    t = nxt()
    p = new(t, "食品安全")
    normal(p, t, sat="基本满意")
    near("DS-UNSATISFIED", "dissatisfaction", p, "基本满意")

    # ---- misconduct reports (complaint text)
    t = nxt()
    unit = CATEGORIES["劳动保障"][0]
    p = new(t, "劳动保障", content="我去劳动监察大队反映欠薪，窗口工作人员态度恶劣，拍桌子骂我，还说再来就叫保安把我轰出去。")
    normal(p, t, reply="经调查，窗口工作人员存在态度生硬问题，已对其批评教育并调离窗口岗位，已向市民当面致歉，欠薪问题已立案调查。")
    fire("HA-HOSTILE", "hostile_attitude", p, "", unit)
    t = nxt()
    p = new(t, "劳动保障", content="我去劳动监察大队反映欠薪，工作人员态度很好，耐心解释了办理流程，特此表扬。")
    normal(p, t, reply="感谢市民对我局劳动监察窗口工作人员的表扬，已转达本人，欠薪问题正在依法调查处理。")
    near("HA-HOSTILE", "hostile_attitude", p, "praise of the staff's attitude")
    t = nxt()
    unit = CATEGORIES["房屋质量"][0]
    p = new(t, "房屋质量", content="办理房屋质量鉴定时，住建局的工作人员暗示要给他两千元好处费才给出报告，不给就一直拖着。")
    normal(p, t, reply="已将市民反映的工作人员索要好处费问题移交纪检部门调查，房屋质量鉴定报告已于三日内出具并告知市民。")
    fire("GR-GRAFT", "graft", p, "", unit)
    t = nxt()
    p = new(t, "房屋质量", content="房屋质量鉴定收费标准是多少？要交多少钱？请告知收费依据。")
    normal(p, t, reply="房屋质量鉴定收费按物价部门核定的标准执行，已电话告知市民收费标准和收费依据。")
    near("GR-GRAFT", "graft", p, "asks what the official fee is")
    t = nxt()
    unit = CATEGORIES["市容环境"][0]
    p = new(t, "市容环境", content="我们小区所在社区的书记经常接受物业公司宴请，在酒店吃吃喝喝，物业乱收费他从来不管。")
    normal(p, t, reply="已将社区书记接受物业公司宴请的问题线索移交区纪委调查，物业乱收费问题已责令整改并退还多收费用。")
    fire("IB-BANQUET", "improper_banquet", p, "", unit)
    t = nxt()
    p = new(t, "市容环境", content="社区组织居民在小区广场办了一场邻里百家宴，桌椅垃圾第二天没人收拾。")
    normal(p, t, reply="已安排社区和环卫人员清理小区广场百家宴遗留的桌椅和垃圾，已清理完毕并拍照。")
    near("IB-BANQUET", "improper_banquet", p, "a neighbourhood banquet, no official")

    # ---- ordinary tickets to round the city out
    while seq[0] < 72:
        t = nxt()
        cat = rng.choice(list(CATEGORIES))
        q = new(t, cat)
        normal(q, t, sat=rng.choice(["满意", "满意", "基本满意"]))

    # ---- one agent abandoning calls (US-ABANDONED; not scored by ticket)
    day = base + timedelta(days=20)
    ab_agent = agents[3]
    for k in range(12):
        r = day + timedelta(hours=9, minutes=20 * k)
        ex.call(caller_no=f"139{rng.randrange(10**7, 10**8)}", callee_no="12345", agent_no=ab_agent, direction="1",
                ring_time=ts(r), answer_time="" if k % 2 else ts(r + timedelta(seconds=9)),
                hangup_time=ts(r + timedelta(seconds=45 if k % 2 else 200)), order_no="")
    for task in ex.tables["taskinst"]:  # the engine writes a running task's activity with no end
        if not task["END_TIME_"]:
            ex.tables["actinst"].append(dict(
                ID_=ex.ids.next(), PROC_DEF_ID_=task["PROC_DEF_ID_"], PROC_INST_ID_=task["PROC_INST_ID_"],
                EXECUTION_ID_=task["EXECUTION_ID_"], ACT_ID_=task["TASK_DEF_KEY_"], TASK_ID_=task["ID_"],
                CALL_PROC_INST_ID_="", ACT_NAME_=task["NAME_"], ACT_TYPE_="userTask", ASSIGNEE_=task["ASSIGNEE_"],
                START_TIME_=task["START_TIME_"], END_TIME_="", DURATION_="", DELETE_REASON_="", TENANT_ID_=""))
    return ex, people, expected


def write_csv(path, rows, header):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    ex, people, expected = build(a.seed)
    out = os.path.join(a.out, "export")
    os.makedirs(out, exist_ok=True)
    T = ex.tables
    write_csv(os.path.join(out, "T_WORK_ORDER.csv"), T["orders"],
              ["order_no", "proc_inst_id", "accept_time", "accept_user", "channel", "urgency", "caller_name",
               "caller_phone", "event_address", "category_name", "appeal_content", "time_limit", "order_status",
               "finish_time", "call_id"])
    write_csv(os.path.join(out, "ACT_HI_PROCINST.csv"), T["procinst"],
              ["ID_", "PROC_INST_ID_", "BUSINESS_KEY_", "PROC_DEF_ID_", "START_TIME_", "END_TIME_", "DURATION_",
               "START_USER_ID_", "START_ACT_ID_", "END_ACT_ID_", "SUPER_PROCESS_INSTANCE_ID_", "DELETE_REASON_",
               "TENANT_ID_", "NAME_"])
    write_csv(os.path.join(out, "ACT_HI_TASKINST.csv"), T["taskinst"],
              ["ID_", "PROC_DEF_ID_", "TASK_DEF_KEY_", "PROC_INST_ID_", "EXECUTION_ID_", "NAME_", "PARENT_TASK_ID_",
               "DESCRIPTION_", "OWNER_", "ASSIGNEE_", "START_TIME_", "CLAIM_TIME_", "END_TIME_", "DURATION_",
               "DELETE_REASON_", "PRIORITY_", "DUE_DATE_", "FORM_KEY_", "CATEGORY_", "TENANT_ID_"])
    write_csv(os.path.join(out, "ACT_HI_ACTINST.csv"), T["actinst"],
              ["ID_", "PROC_DEF_ID_", "PROC_INST_ID_", "EXECUTION_ID_", "ACT_ID_", "TASK_ID_", "CALL_PROC_INST_ID_",
               "ACT_NAME_", "ACT_TYPE_", "ASSIGNEE_", "START_TIME_", "END_TIME_", "DURATION_", "DELETE_REASON_",
               "TENANT_ID_"])
    write_csv(os.path.join(out, "ACT_HI_VARINST.csv"), T["varinst"],
              ["ID_", "PROC_INST_ID_", "EXECUTION_ID_", "TASK_ID_", "NAME_", "VAR_TYPE_", "REV_", "BYTEARRAY_ID_",
               "DOUBLE_", "LONG_", "TEXT_", "TEXT2_", "CREATE_TIME_", "LAST_UPDATED_TIME_"])
    write_csv(os.path.join(out, "ACT_HI_DETAIL.csv"), T["detail"],
              ["ID_", "TYPE_", "PROC_INST_ID_", "EXECUTION_ID_", "TASK_ID_", "ACT_INST_ID_", "NAME_", "VAR_TYPE_",
               "REV_", "TIME_", "BYTEARRAY_ID_", "DOUBLE_", "LONG_", "TEXT_", "TEXT2_"])
    write_csv(os.path.join(out, "ACT_HI_COMMENT.csv"), T["comment"],
              ["ID_", "TYPE_", "TIME_", "USER_ID_", "TASK_ID_", "PROC_INST_ID_", "ACTION_", "MESSAGE_", "FULL_MSG_"])
    write_csv(os.path.join(out, "ACT_HI_IDENTITYLINK.csv"), T["identitylink"],
              ["ID_", "GROUP_ID_", "TYPE_", "USER_ID_", "TASK_ID_", "PROC_INST_ID_"])
    write_csv(os.path.join(out, "ACT_ID_USER.csv"),
              [dict(ID_=p[0], REV_="1", FIRST_=p[1][1:], LAST_=p[1][0], EMAIL_=f"{p[0]}@gov.example",
                    PWD_="", PICTURE_ID_="") for p in people],
              ["ID_", "REV_", "FIRST_", "LAST_", "EMAIL_", "PWD_", "PICTURE_ID_"])
    write_csv(os.path.join(out, "ACT_ID_GROUP.csv"),
              [dict(ID_=u[0], REV_="1", NAME_=u[1], TYPE_=u[2]) for u in UNITS], ["ID_", "REV_", "NAME_", "TYPE_"])
    memb = [dict(USER_ID_=p[0], GROUP_ID_=p[2]) for p in people] + \
           [dict(USER_ID_=p[0], GROUP_ID_=f"role_{p[3]}") for p in people]
    write_csv(os.path.join(out, "ACT_ID_MEMBERSHIP.csv"), memb, ["USER_ID_", "GROUP_ID_"])
    dicts = [("flow_comment_type", c, n) for c, n in COMMENT_TYPES] + [("gd_channel", c, n) for c, n in CHANNELS] + \
            [("gd_urgency", c, n) for c, n in URGENCY] + [("gd_order_status", c, n) for c, n in STATES]
    write_csv(os.path.join(out, "sys_dict_data.csv"),
              [dict(dict_code=str(100 + k), dict_sort=str(k), dict_label=n, dict_value=c, dict_type=ty,
                    status="0") for k, (ty, c, n) in enumerate(dicts)],
              ["dict_code", "dict_sort", "dict_label", "dict_value", "dict_type", "status"])
    calls = sorted(T["calls"], key=lambda r: r["ring_time"])
    write_csv(os.path.join(out, "T_CALL_RECORD.csv"), calls,
              ["call_id", "caller_no", "callee_no", "agent_no", "direction", "ring_time", "answer_time",
               "hangup_time", "order_no"])
    with open(os.path.join(a.out, "expected.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["kind", "rule", "family", "ticket", "person", "unit", "why"])
        w.writeheader()
        for e in expected:
            w.writerow({**e, "why": e.get("why", "")})
    print(f"{len(T['orders'])} tickets, {len(T['taskinst'])} tasks, {len(T['detail'])} variable updates, "
          f"{len(T['comment'])} comments, {len(calls)} calls; expected "
          f"{sum(e['kind'] == 'fire' for e in expected)} findings, "
          f"{sum(e['kind'] == 'near_miss' for e in expected)} near misses → {a.out}")


if __name__ == "__main__":
    main()
