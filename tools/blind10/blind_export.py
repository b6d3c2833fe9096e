"""Blind test 10: a provincial data-exchange XML package (工单数据交换包) of a city's 12345 platform.

    python tools/blind10/blind_export.py --out DIR [--seed N]

Writes DIR/export/ (the delivery) and DIR/expected.csv (kind fire / near_miss / clean, family, rule, ticket,
person, unit, note — the format tools/blind5/score.py reads). Standard library only.

The delivery, as a 12345 platform hands it to the provincial exchange platform (省级12345热线数据交换):
- `GDSJ_云州市_202601.xml` … `_202603.xml`: one XML package per month of intake, **GBK** (declared in the XML
  prolog), a default namespace, a `<Head>` with the record count, then `<Body>` with one `<WorkOrder>` per ticket.
  A work order mixes attributes and elements: `<Caller name=… phone=…/>`, `<Category code=…>噪音扰民</Category>`,
  the complaint in CDATA, `<TimeLimit>`, then `<Flows>` (one `<Flow seq time type>` per step, with
  `<Operator code dept>name</Operator>`, `<ToDept>`, `<Opinion>`, `<Attachments><File name/>…`, `<DelayTo>`) and
  `<Visits>` (one `<Visit time visitorCode way callId>` with `<Contact>`, `<Satisfaction>`, `<Solved>`, `<Remark>`).
  Step times are xsd:dateTime with `+08:00`; intake and deadlines `yyyy-MM-dd HH:mm:ss`.
- `HWJL_云州市_2026Q1.xml`: the call centre's records of the quarter (UTF-8), `<Call id direction>` with
  `<Caller>`, `<Agent>`, `<OrderNo>`, `<RingTime>`, `<AnswerTime>` (empty when not answered), `<HangupTime>`.
- `数据项说明.txt`: the interface description that comes with the package.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

NS = "http://www.12345.gov.cn/exchange/workorder/v2"
CENTRE = "云州市12345热线中心"
PEOPLE = {  # 工号 → (姓名, 单位)
    "0401": ("钱琳", CENTRE), "0402": ("韩雪", CENTRE),           # intake agents
    "0101": ("王芳", CENTRE), "0102": ("李娜", CENTRE),           # dispatchers
    "0201": ("赵敏", CENTRE), "0202": ("孙洁", CENTRE),           # reviewers
    "0301": ("周婷", CENTRE), "0302": ("吴静", CENTRE),           # visitors
    "1101": ("张伟", "云州市城市管理局"), "1102": ("刘洋", "云州市城市管理局"),
    "1201": ("陈刚", "云州市生态环境局"), "1202": ("冯丽", "云州市生态环境局"),
    "1301": ("杨帆", "云州市住房和城乡建设局"), "1302": ("曹宁", "云州市住房和城乡建设局"),
    "1401": ("黄磊", "云州市市场监督管理局"), "1402": ("邓超", "云州市市场监督管理局"),
    "1501": ("何军", "云州市交通运输局"), "1601": ("郭亮", "云州市水务局"),
    "2101": ("林峰", "东城街道办事处"), "2201": ("马超", "西城街道办事处"),
    "2301": ("罗平", "南湖街道办事处"), "2401": ("梁宇", "北山街道办事处"),
}
UNIT_HANDLER = {}
for _code, (_n, _u) in PEOPLE.items():
    UNIT_HANDLER.setdefault(_u, _code)
CG, HB, ZJ, SJ, JT, SW = ("云州市城市管理局", "云州市生态环境局", "云州市住房和城乡建设局", "云州市市场监督管理局",
                          "云州市交通运输局", "云州市水务局")
DC, XC, NH, BS = "东城街道办事处", "西城街道办事处", "南湖街道办事处", "北山街道办事处"
CATEGORIES = {  # name → (code, unit, complaint template, reply template)
    "噪音扰民": ("0301", HB, "{addr}附近{what}每天夜里施工噪音很大，影响休息，请相关部门处理。",
             "经核查，{addr}工地夜间施工噪音情况属实，我局已于{day}对施工单位下达整改通知，责令其夜间停止高噪音作业，并已电话告知市民。"),
    "占道经营": ("0102", CG, "{addr}路口{what}长期占道经营，堵塞人行道，行人只能走机动车道。",
             "经现场核查，{addr}路口占道经营摊点已于{day}清理，城管队员每日巡查，并已电话回复市民。"),
    "垃圾清运": ("0105", CG, "{addr}{what}垃圾桶满了好几天没人清运，臭味很大。",
             "经核查，{addr}垃圾清运不及时属实，已于{day}安排环卫车辆清运，并调整为每日清运两次，已告知市民。"),
    "物业管理": ("0501", ZJ, "{addr}小区{what}物业不作为，电梯坏了一周没人修。",
             "经核查，{addr}小区电梯故障属实，住建局已于{day}约谈物业公司，电梯已修复并通过检验，已回复市民。"),
    "食品安全": ("0701", SJ, "在{addr}一家{what}买的熟食变质，商家拒绝退换。",
             "经核查，{addr}该熟食店销售变质食品属实，市场监管局已于{day}立案调查并责令商家退换，已告知市民。"),
    "道路破损": ("0801", JT, "{addr}{what}路面坑洼严重，雨天积水，车辆通行危险。",
             "经现场查看，{addr}路面破损属实，交通运输局已于{day}完成修补，积水问题已解决，已回复市民。"),
    "供水问题": ("0901", SW, "{addr}{what}停水两天了，没有任何通知。",
             "经核查，{addr}停水系管网抢修所致，水务局已于{day}恢复供水，并要求供水公司提前发布停水通知，已告知市民。"),
}
STREETS = ["人民路", "解放路", "建设路", "和平街", "胜利街", "文化路", "新华路", "中山路", "朝阳路", "光明街",
           "长江路", "黄河路", "青年路", "幸福街", "团结路", "育才路", "工农路", "健康路", "民主街", "红旗路"]
PLACES = ["花园", "新村", "大厦", "家园", "公寓", "广场", "菜市场", "小学"]
WHAT = ["一处工地", "几个摊点", "附近", "东门", "北侧", "一带", "路段", "周边"]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐"


def fmt_space(t):
    return t.strftime("%Y-%m-%d %H:%M:%S")


def fmt_iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S+08:00")


class Ticket:
    def __init__(self, g, no, at, category, address, content=None, kind="投诉", limit_days=7, phone=None):
        self.g, self.no, self.at, self.category, self.address = g, no, at, category, address
        code, unit, ctext, rtext = CATEGORIES[category]
        self.code, self.unit, self.rtext = code, unit, rtext
        self.content = content or ctext.format(addr=address, what=g.rng.choice(WHAT))
        self.kind = kind
        self.caller = g.rng.choice(SURNAMES) + g.rng.choice(["先生", "女士"])
        self.phone = phone or "1" + g.rng.choice("3589") + "".join(g.rng.choice("0123456789") for _ in range(9))
        self.limit = at + timedelta(days=limit_days)
        self.limit = self.limit.replace(hour=18, minute=0, second=0)
        self.flows, self.visits = [], []
        self.t = at
        self.status, self.finish = "处理中", None
        self.acceptor = g.rng.choice(["0401", "0402"])

    # --- steps --------------------------------------------------------------------------------------------------
    def step(self, typ, who, minutes=30, to=None, opinion="", files=(), delay_to=None, at=None):
        self.t = at or self.t + timedelta(minutes=minutes + self.g.rng.randint(0, 9))
        self.flows.append(dict(type=typ, who=who, at=self.t, to=to, opinion=opinion, files=list(files),
                               delay_to=delay_to))
        return self

    def dispatch(self, unit, who="0101", minutes=12):
        return self.step("派单", who, minutes, to=unit, opinion="请按职责办理，按时反馈。")

    def sign(self, who, minutes=50):
        return self.step("签收", who, minutes)

    def contact(self, who, minutes=90):
        return self.step("联系市民", who, minutes, opinion="已电话联系诉求人，了解具体情况。")

    def check(self, who, minutes=600):
        return self.step("现场核查", who, minutes, opinion="工作人员到现场查看，情况基本属实。")

    def reply_text(self):
        day = (self.t + timedelta(days=1)).strftime("%-m月%-d日")
        return self.rtext.format(addr=self.address, day=day)

    def close_req(self, who, minutes=1200, reply=None, files=None):
        files = ["整改后照片%s.jpg" % self.no[-4:]] if files is None else files
        return self.step("申请办结", who, minutes, opinion=reply or self.reply_text(), files=files)

    def approve_close(self, who="0201", minutes=180):
        self.step("办结审核通过", who, minutes, opinion="同意办结。")
        self.step("办结", who, 1, opinion="工单办结。")
        self.status, self.finish = "已办结", self.t
        return self

    def visit(self, who="0301", minutes=1440, sat="满意", solved="已解决", contact="已联系", call=True,
              call_id=None, remark="市民对处理结果表示认可。"):
        self.t = self.t + timedelta(minutes=minutes + self.g.rng.randint(0, 30))
        cid = ""
        if call:
            cid = self.g.call(self, self.t - timedelta(minutes=3), answered=(contact == "已联系"), agent=who)
        self.visits.append(dict(at=self.t, who=who, sat=sat if contact == "已联系" else "",
                                solved=solved if contact == "已联系" else "", contact=contact,
                                call_id=cid if call_id is None else call_id, remark=remark))
        self.status = "已回访"
        return self

    def normal(self, unit=None, reply=None, sat="满意", solved="已解决", visitor="0301"):
        """The clean path: dispatch, sign, contact, site check, closure with a photo, approval, visit."""
        h = UNIT_HANDLER[unit or self.unit]
        self.dispatch(unit or self.unit).sign(h).contact(h).check(h)
        return self.close_req(h, reply=reply).approve_close().visit(visitor, sat=sat, solved=solved)

    def first_unit(self):
        return self.unit


class City:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.tickets, self.expected, self.calls = [], [], []
        self.serial = 0
        self.house = 0
        self.places = [(s, p) for s in STREETS for p in PLACES]  # every ticket its own place
        self.rng.shuffle(self.places)

    def address(self):
        self.house += 1
        street, place = self.places[self.house]
        return "云州市%s%s%d号" % (street, place, 10 + self.house * 3)

    def ticket(self, day, category, address=None, **kw):
        self.serial += 1
        at = datetime(2026, 1, 5, 8, 30) + timedelta(days=day, minutes=self.rng.randint(0, 480))
        no = "YZ%s%04d" % (at.strftime("%Y%m%d"), self.serial)
        t = Ticket(self, no, at, category, address or self.address(), **kw)
        self.tickets.append(t)
        return t

    def call(self, t, at, answered=True, agent="0301"):
        cid = "HF%s%03d" % (at.strftime("%Y%m%d%H%M"), len(self.calls))
        self.calls.append(dict(id=cid, direction="呼出", caller=agent, callee=t.phone, order=t.no, ring=at,
                               answer=at + timedelta(seconds=12) if answered else None,
                               hangup=at + timedelta(seconds=200 if answered else 40)))
        return cid

    def expect(self, kind, family, rule, t, person="", unit="", note=""):
        self.expected.append(dict(kind=kind, family=family, rule=rule, ticket=t.no, person=person, unit=unit,
                                  note=note))


def plant(c: City):
    r = c.rng
    # --- buck passing --------------------------------------------------------------------------------------------
    t = c.ticket(1, "占道经营")  # BP-RETURNS: 城管 asks twice (once rejected), 住建 once
    t.dispatch(CG).sign("1101").contact("1101").step("申请退单", "1101", 60, opinion="该路段属住建局管辖，非我局职责。")
    t.step("退单审核驳回", "0201", 120, opinion="属城管职责，请继续办理。")
    t.contact("1102").step("申请退单", "1102", 200, opinion="经核实摊点位于小区内，应由住建部门处理。")
    t.step("退单审核通过", "0201", 90, opinion="同意退单。")
    t.dispatch(ZJ).sign("1301").contact("1301").step("申请退单", "1301", 100, opinion="小区外道路，非住建职责。")
    t.step("退单审核通过", "0202", 60, opinion="同意退单。")
    t.dispatch(JT).sign("1501").contact("1501").check("1501").close_req("1501").approve_close().visit()
    c.expect("fire", "buck_passing", "BP-RETURNS", t, "1102", CG, "3 return requests, 城管 twice")
    t = c.ticket(2, "占道经营")  # near miss: two returns through three units
    t.dispatch(CG).sign("1101").contact("1101").step("申请退单", "1101", 60, opinion="属交通部门管理的路段。")
    t.step("退单审核通过", "0201", 90, opinion="同意退单。")
    t.dispatch(JT).sign("1501").contact("1501").step("申请退单", "1501", 60, opinion="属住建部门。")
    t.step("退单审核通过", "0201", 90, opinion="同意退单。")
    t.dispatch(ZJ).sign("1301").contact("1301").check("1301").close_req("1301").approve_close().visit()
    c.expect("near_miss", "buck_passing", "BP-RETURNS", t, note="two returns, A→B→C")

    t = c.ticket(3, "垃圾清运")  # BP-PINGPONG by returns: 城管 → 住建 → 城管
    t.dispatch(CG).sign("1102").contact("1102").step("申请退单", "1102", 80, opinion="小区内垃圾属物业管理。")
    t.step("退单审核通过", "0202", 60, opinion="同意退单。")
    t.dispatch(ZJ).sign("1302").contact("1302").step("申请退单", "1302", 80, opinion="属市政道路垃圾。")
    t.step("退单审核通过", "0202", 60, opinion="同意退单。")
    t.dispatch(CG).sign("1101").contact("1101").check("1101").close_req("1101").approve_close().visit()
    c.expect("fire", "buck_passing", "BP-PINGPONG", t, "1102", CG, "A→B→A by approved returns")

    t = c.ticket(4, "道路破损")  # BP-PINGPONG by 转办: 交通 → 城管 → 交通
    t.dispatch(JT).sign("1501").check("1501").step("转办", "1501", 60, to=CG, opinion="人行道破损属城管维护。")
    t.sign("1101").contact("1101").step("转办", "1101", 120, to=JT, opinion="机动车道属交通部门。")
    t.sign("1501").contact("1501").close_req("1501").approve_close().visit()
    c.expect("fire", "buck_passing", "BP-PINGPONG", t, "1501", JT, "A 转办 B, B 转办 back to A")
    t = c.ticket(5, "道路破损")  # near miss: one 转办 after a site check, then handled
    t.dispatch(JT).sign("1501").check("1501").step("转办", "1501", 60, to=CG, opinion="人行道破损属城管维护。")
    t.sign("1101").contact("1101").check("1101").close_req("1101").approve_close().visit()
    c.expect("near_miss", "buck_passing", "BP-PINGPONG", t, note="A 转办 B after a check, B handles")

    t = c.ticket(6, "供水问题")  # BP-CYCLE by 转办 after checks: 水务 → 住建 → 城管 → 水务
    t.dispatch(SW).sign("1601").check("1601").step("转办", "1601", 60, to=ZJ, opinion="小区内管网属物业维护。")
    t.sign("1301").check("1301").step("转办", "1301", 60, to=CG, opinion="市政管网井盖属城管维护。")
    t.sign("1101").check("1101").step("转办", "1101", 60, to=SW, opinion="供水管网属水务部门。")
    t.sign("1601").contact("1601").check("1601").close_req("1601").approve_close().visit()
    c.expect("fire", "buck_passing", "BP-CYCLE", t, "1601", SW, "A→B→C→A by 转办")
    t = c.ticket(7, "供水问题")  # near miss: A→B→C→D by 转办 after checks
    t.dispatch(SW).sign("1601").check("1601").step("转办", "1601", 60, to=ZJ, opinion="小区内管网属物业维护。")
    t.sign("1301").check("1301").step("转办", "1301", 60, to=CG, opinion="市政管网井盖属城管维护。")
    t.sign("1101").check("1101").step("转办", "1101", 60, to=DC, opinion="背街小巷管网属街道管理。")
    t.sign("2101").contact("2101").check("2101").close_req("2101").approve_close().visit()
    c.expect("near_miss", "buck_passing", "BP-CYCLE", t, note="A→B→C→D by 转办, nobody revisited")

    t = c.ticket(8, "物业管理")  # BP-NO-VERIFY: return asked 40 minutes after sign-for, nothing checked
    t.dispatch(ZJ).sign("1302").step("申请退单", "1302", 40, opinion="不属于我局职责。")
    t.step("退单审核通过", "0202", 60, opinion="同意退单。")
    t.dispatch(XC).sign("2201").contact("2201").check("2201").close_req("2201").approve_close().visit()
    c.expect("fire", "buck_passing", "BP-NO-VERIFY", t, "1302", ZJ, "return without contact or site check")
    t = c.ticket(9, "物业管理")  # near miss: a site check before the return
    t.dispatch(ZJ).sign("1302").check("1302").step("申请退单", "1302", 40, opinion="经现场核查系街道管理的老旧小区。")
    t.step("退单审核通过", "0202", 60, opinion="同意退单。")
    t.dispatch(XC).sign("2201").contact("2201").check("2201").close_req("2201").approve_close().visit()
    c.expect("near_miss", "buck_passing", "BP-NO-VERIFY", t, note="现场核查 before the return")

    t = c.ticket(10, "噪音扰民")  # BP-REJECTED
    t.dispatch(HB).sign("1202").contact("1202").step("申请退单", "1202", 60, opinion="建筑施工噪音应由住建部门处理。")
    t.step("退单审核驳回", "0201", 120, opinion="夜间施工噪音属生态环境部门职责，请继续办理。")
    t.check("1202").close_req("1202").approve_close().visit()
    c.expect("fire", "buck_passing", "BP-REJECTED", t, "1202", HB, "return rejected by the centre")
    t = c.ticket(11, "噪音扰民")  # near miss: the return approved
    t.dispatch(HB).sign("1202").contact("1202").step("申请退单", "1202", 60, opinion="社会生活噪音应由街道处理。")
    t.step("退单审核通过", "0201", 120, opinion="同意退单。")
    t.dispatch(NH).sign("2301").contact("2301").check("2301").close_req("2301").approve_close().visit()
    c.expect("near_miss", "buck_passing", "BP-REJECTED", t, note="return approved")

    # --- false closure -------------------------------------------------------------------------------------------
    t = c.ticket(12, "垃圾清运")  # FC-UNRESOLVED
    t.dispatch(CG).sign("1101").contact("1101").check("1101").close_req("1101").approve_close()
    t.visit(sat="基本满意", solved="未解决", remark="市民称垃圾桶仍未清运。")
    c.expect("fire", "false_closure", "FC-UNRESOLVED", t, "1101", CG, "visit: 未解决")
    t = c.ticket(13, "垃圾清运")  # near miss: the citizen not reached
    t.dispatch(CG).sign("1101").contact("1101").check("1101").close_req("1101").approve_close()
    t.visit(contact="未联系上", remark="三次拨打无人接听。")
    c.expect("near_miss", "false_closure", "FC-UNRESOLVED", t, note="visit: 未联系上")

    t = c.ticket(14, "占道经营")  # FC-INSTANT: closure 12 minutes after sign-for
    t.dispatch(CG).sign("1102").contact("1102", 5).close_req("1102", 7).approve_close().visit()
    c.expect("fire", "false_closure", "FC-INSTANT", t, "1102", CG, "closure 12 min after sign-for")
    t = c.ticket(15, "占道经营")  # near miss: a quick closure after a site check
    t.dispatch(CG).sign("1102").contact("1102", 5).check("1102", 8).close_req("1102", 9).approve_close().visit()
    c.expect("near_miss", "false_closure", "FC-INSTANT", t, note="site check between sign-for and closure")

    t = c.ticket(16, "食品安全")  # FC-NO-EVIDENCE: no contact, no attachment
    t.dispatch(SJ).sign("1402").check("1402").close_req("1402", files=[]).approve_close().visit()
    c.expect("fire", "false_closure", "FC-NO-EVIDENCE", t, "1402", SJ, "no attachment, no contact")
    t = c.ticket(17, "食品安全")  # near miss: contact and two attachments
    t.dispatch(SJ).sign("1402").contact("1402").check("1402")
    t.close_req("1402", files=["现场检查笔录.pdf", "责令改正通知书.jpg"]).approve_close().visit()
    c.expect("near_miss", "false_closure", "FC-NO-EVIDENCE", t, note="contact + 2 attachments")

    t = c.ticket(18, "道路破损")  # FC-REJECTED-CLOSURES: rejected twice
    t.dispatch(JT).sign("1501").contact("1501").check("1501")
    t.close_req("1501").step("办结审核驳回", "0202", 120, opinion="未说明修补时间，退回重办。")
    t.check("1501").close_req("1501").step("办结审核驳回", "0202", 120, opinion="照片不清晰，退回重办。")
    t.check("1501").close_req("1501").approve_close("0202").visit()
    c.expect("fire", "false_closure", "FC-REJECTED-CLOSURES", t, "1501", JT, "closure rejected twice")
    t = c.ticket(19, "道路破损")  # near miss: rejected once
    t.dispatch(JT).sign("1501").contact("1501").check("1501")
    t.close_req("1501").step("办结审核驳回", "0202", 120, opinion="请补充修补后照片。")
    t.check("1501").close_req("1501").approve_close("0202").visit()
    c.expect("near_miss", "false_closure", "FC-REJECTED-CLOSURES", t, note="rejected once")

    addr = c.address()  # FC-REPEAT-AFTER-CLOSE: not reached at the visit, the same matter 10 days after closing
    t = c.ticket(20, "供水问题", addr)
    t.dispatch(SW).sign("1601").contact("1601").check("1601").close_req("1601").approve_close()
    t.visit(contact="未联系上", remark="电话关机。")
    c.expect("fire", "false_closure", "FC-REPEAT-AFTER-CLOSE", t, "1601", SW, "same matter again after closure")
    t2 = c.ticket(34, "供水问题", addr)
    t2.normal()
    c.expect("clean", "", "", t2, note="the repeat of the FC-REPEAT-AFTER-CLOSE ticket")
    addr = c.address()  # near miss: back after 45 days
    t = c.ticket(21, "供水问题", addr)
    t.dispatch(SW).sign("1601").contact("1601").check("1601").close_req("1601").approve_close()
    t.visit(contact="未联系上", remark="无人接听。")
    c.expect("near_miss", "false_closure", "FC-REPEAT-AFTER-CLOSE", t, note="the same matter after 45 days")
    t2 = c.ticket(70, "供水问题", addr)
    t2.normal()
    c.expect("clean", "", "", t2, note="the late repeat of the near miss")

    # --- manufactured satisfaction ------------------------------------------------------------------------------
    addr = c.address()  # MS-SATISFIED-REPEAT
    t = c.ticket(22, "噪音扰民", addr)
    t.dispatch(HB).sign("1201").contact("1201").check("1201").close_req("1201").approve_close().visit()
    c.expect("fire", "manufactured_satisfaction", "MS-SATISFIED-REPEAT", t, "1201", HB, "满意, back in 8 days")
    t2 = c.ticket(35, "噪音扰民", addr)
    t2.normal()
    c.expect("clean", "", "", t2, note="the repeat of the MS-SATISFIED-REPEAT ticket")
    addr = c.address()  # near miss: back after 50 days
    t = c.ticket(23, "噪音扰民", addr)
    t.dispatch(HB).sign("1201").contact("1201").check("1201").close_req("1201").approve_close().visit()
    c.expect("near_miss", "manufactured_satisfaction", "MS-SATISFIED-REPEAT", t, note="back after 50 days")
    t2 = c.ticket(75, "噪音扰民", addr)
    t2.normal()
    c.expect("clean", "", "", t2, note="the late repeat")

    t = c.ticket(24, "物业管理")  # MS-VISIT-NO-CALL: a visit no call supports
    t.dispatch(ZJ).sign("1301").contact("1301").check("1301").close_req("1301").approve_close()
    t.visit("0302", call=False, call_id="")
    c.expect("fire", "manufactured_satisfaction", "MS-VISIT-NO-CALL", t, "0302", CENTRE, "no call record")
    t = c.ticket(25, "物业管理")  # near miss: no call id on the visit, but the visit call is on the ticket
    t.dispatch(ZJ).sign("1301").contact("1301").check("1301").close_req("1301").approve_close()
    t.visit("0302", call_id="")
    c.expect("near_miss", "manufactured_satisfaction", "MS-VISIT-NO-CALL", t, note="call linked by order number")

    t = c.ticket(26, "占道经营")  # MS-VISIT-BY-HANDLER: the handler records the visit himself
    t.dispatch(CG).sign("1102").contact("1102").check("1102").close_req("1102").approve_close()
    t.visit("1102", remark="已回访，市民满意。")
    c.expect("fire", "manufactured_satisfaction", "MS-VISIT-BY-HANDLER", t, "1102", CG, "handler visits")
    t = c.ticket(27, "占道经营")  # near miss: the visitor only sent the unit a reminder
    t.dispatch(CG).sign("1102").contact("1102").step("催办", "0302", 600, opinion="请加快办理。")
    t.check("1102").close_req("1102").approve_close().visit("0302")
    c.expect("near_miss", "manufactured_satisfaction", "MS-VISIT-BY-HANDLER", t, note="visitor sent a reminder")

    # --- dissatisfaction ----------------------------------------------------------------------------------------
    t = c.ticket(28, "食品安全")
    t.dispatch(SJ).sign("1401").contact("1401").check("1401").close_req("1401").approve_close()
    t.visit(sat="不满意", solved="已解决", remark="市民对商家赔偿金额不满意。")
    c.expect("fire", "dissatisfaction", "DS-UNSATISFIED", t, "1401", SJ, "不满意")
    t = c.ticket(29, "食品安全")
    t.dispatch(SJ).sign("1401").contact("1401").check("1401").close_req("1401").approve_close()
    t.visit(sat="基本满意", solved="已解决")
    c.expect("near_miss", "dissatisfaction", "DS-UNSATISFIED", t, note="基本满意")

    # --- perfunctory replies ------------------------------------------------------------------------------------
    t = c.ticket(30, "垃圾清运")
    t.dispatch(CG).sign("1101").contact("1101").check("1101")
    t.close_req("1101", reply="您的诉求已收到，我单位高度重视，已记录在案，请耐心等待。").approve_close().visit()
    c.expect("fire", "perfunctory_reply", "PR-BOILERPLATE", t, "1101", CG, "stock phrases only")
    t = c.ticket(31, "垃圾清运")
    t.dispatch(CG).sign("1101").contact("1101").check("1101")
    t.close_req("1101", reply="经核查，%s垃圾清运不及时属实，已于当日下午安排两辆环卫车清运完毕，今后每日清运两次，"
                               "感谢您的监督，请耐心等待后续巡查结果。" % t.address).approve_close().visit()
    c.expect("near_miss", "perfunctory_reply", "PR-BOILERPLATE", t, note="specific reply with one stock phrase")

    same = "经查该问题已交由属地街道协调处理，相关单位将按规定办理，感谢您对我们工作的支持。"
    for day in (32, 40, 48):  # PR-IDENTICAL: one clerk's reply on three matters (three places)
        t = c.ticket(day, "物业管理")
        t.dispatch(ZJ).sign("1302").contact("1302").check("1302").close_req("1302", reply=same).approve_close().visit()
        c.expect("fire", "perfunctory_reply", "PR-IDENTICAL", t, "1302", ZJ, "same reply on three matters")
    near = "经核查，%s停水系主管道爆裂抢修所致，水务局已组织抢修并于次日恢复供水，已告知市民。"
    for day in (33, 41):
        t = c.ticket(day, "供水问题")
        t.dispatch(SW).sign("1601").contact("1601").check("1601")
        t.close_req("1601", reply=near % "城区").approve_close().visit()
        c.expect("near_miss", "perfunctory_reply", "PR-IDENTICAL", t, note="the same reply on two tickets only")

    t = c.ticket(36, "噪音扰民")  # PR-OFF-TOPIC
    t.dispatch(HB).sign("1201").contact("1201").check("1201")
    t.close_req("1201", reply="关于您反映的公交线路调整问题，公交公司已优化发车班次，高峰期间隔缩短至八分钟，"
                              "新站台将于下月启用。").approve_close().visit()
    c.expect("fire", "perfunctory_reply", "PR-OFF-TOPIC", t, "1201", HB, "reply about bus lines to a noise complaint")
    t = c.ticket(37, "噪音扰民")
    t.normal()
    c.expect("near_miss", "perfunctory_reply", "PR-OFF-TOPIC", t, note="a relevant reply")

    # --- forward without follow-up ------------------------------------------------------------------------------
    t = c.ticket(38, "占道经营")
    t.dispatch(CG).sign("1101").step("下派", "1101", 60, to=DC, opinion="请东城街道核实处理。")
    t.sign("2101").contact("2101").check("2101").step("下级回复", "2101", 600, opinion="已清理摊点。")
    t.close_req("1101", 120).approve_close().visit()
    c.expect("fire", "forward_no_follow_up", "FF-NO-FOLLOW-UP", t, "1101", CG, "forwarded, closed on the street's word")
    t = c.ticket(39, "占道经营")
    t.dispatch(CG).sign("1101").step("下派", "1101", 60, to=DC, opinion="请东城街道核实处理。")
    t.sign("2101").step("催办", "1101", 1440, opinion="请尽快反馈处理结果。").contact("2101").check("2101")
    t.step("下级回复", "2101", 600, opinion="已清理摊点。").contact("1101", 60)
    t.close_req("1101", 120).approve_close().visit()
    c.expect("near_miss", "forward_no_follow_up", "FF-NO-FOLLOW-UP", t, note="reminder and own contact after 下派")

    # --- delay ----------------------------------------------------------------------------------------------------
    t = c.ticket(42, "道路破损", limit_days=5)  # DL-OVERDUE: closure requested 3 days past the deadline
    t.dispatch(JT).sign("1501").contact("1501").check("1501", 60 * 24 * 4).close_req("1501", 60 * 24 * 3)
    t.approve_close().visit()
    c.expect("fire", "delay", "DL-OVERDUE", t, "1501", JT, "closure 2-3 days after the deadline")
    t = c.ticket(43, "道路破损", limit_days=5)  # near miss: an approved extension covers it
    t.dispatch(JT).sign("1501").contact("1501").check("1501", 60 * 24 * 2)
    t.step("申请延期", "1501", 120, opinion="需等待沥青料到货，申请延期五天。", delay_to=t.limit + timedelta(days=5))
    t.step("延期审核通过", "0201", 120, opinion="同意延期。", delay_to=t.limit + timedelta(days=5))
    t.check("1501", 60 * 24 * 3).close_req("1501", 60 * 24 * 2).approve_close().visit()
    c.expect("near_miss", "delay", "DL-OVERDUE", t, note="late against the first deadline, inside the extension")

    t = c.ticket(44, "物业管理", limit_days=10)  # DL-EXTENSIONS: three requests
    t.dispatch(ZJ).sign("1301").contact("1301").check("1301")
    due = t.limit
    for _ in range(3):
        due = due + timedelta(days=5)
        t.step("申请延期", "1301", 600, opinion="电梯配件需厂家订货，申请延期。", delay_to=due)
        t.step("延期审核通过", "0201", 120, opinion="同意延期。", delay_to=due)
        t.step("办理过程", "1301", 60 * 24 * 2, opinion="已催促物业公司联系厂家。")
    t.close_req("1301", 600).approve_close().visit()
    c.expect("fire", "delay", "DL-EXTENSIONS", t, "1301", ZJ, "three extension requests")
    t = c.ticket(45, "物业管理", limit_days=10)  # near miss: two requests
    t.dispatch(ZJ).sign("1301").contact("1301").check("1301")
    due = t.limit
    for _ in range(2):
        due = due + timedelta(days=5)
        t.step("申请延期", "1301", 600, opinion="配件未到，申请延期。", delay_to=due)
        t.step("延期审核通过", "0201", 120, opinion="同意延期。", delay_to=due)
        t.step("办理过程", "1301", 60 * 24 * 2, opinion="已催促物业公司。")
    t.close_req("1301", 600).approve_close().visit()
    c.expect("near_miss", "delay", "DL-EXTENSIONS", t, note="two extension requests")

    t = c.ticket(46, "供水问题", limit_days=20)  # DL-IDLE: ten quiet days after sign-for
    t.dispatch(SW).sign("1601").contact("1601").check("1601", 60 * 24 * 10).close_req("1601").approve_close().visit()
    c.expect("fire", "delay", "DL-IDLE", t, "1601", SW, "10 days without an event in the unit's court")
    t = c.ticket(47, "供水问题", limit_days=20)  # near miss: five quiet days
    t.dispatch(SW).sign("1601").contact("1601").check("1601", 60 * 24 * 5).close_req("1601").approve_close().visit()
    c.expect("near_miss", "delay", "DL-IDLE", t, note="5 quiet days")

    # --- repeat complaints ----------------------------------------------------------------------------------------
    addr = c.address()
    rc = [c.ticket(50 + i, "噪音扰民", addr) for i in range(3)]
    for i, t in enumerate(rc):
        t.t = t.at + timedelta(days=3 - i)  # every one still open when the third comes in
        t.normal()
    c.expect("fire", "repeat_complaint", "RC-REPEAT", rc[-1], "", HB, "three complaints, one place, three callers")
    addr = c.address()
    nm = [c.ticket(50, "噪音扰民", addr), c.ticket(51, "噪音扰民", addr),
          c.ticket(52, "噪音扰民", addr, kind="咨询",
                   content="%s附近工地夜间施工是否需要办理夜间施工许可？想咨询一下规定。" % addr)]
    for i, t in enumerate(nm):
        t.t = t.at + timedelta(days=3 - i)
        t.normal()
    c.expect("near_miss", "repeat_complaint", "RC-REPEAT", nm[-1], note="two complaints and a consultation")

    # --- citizens' reports ----------------------------------------------------------------------------------------
    t = c.ticket(54, "物业管理", content="我去东城街道办事处便民服务窗口办理居住证明，工作人员态度恶劣，对我大吼大叫，"
                                       "还说爱办不办，不办就走。")
    t.normal(DC, reply="东城街道办事处已核查便民服务窗口当日录像，对该工作人员进行批评教育并调离窗口岗位，"
                       "居住证明已为市民办理，已当面致歉。")
    c.expect("fire", "hostile_attitude", "HA-HOSTILE", t, "", DC, "staff shouting at the citizen")
    t = c.ticket(55, "噪音扰民", content="楼上邻居每天深夜大声吵闹，我上门沟通反被对方骂了一顿，请帮忙协调。")
    t.normal(NH, reply="南湖街道社区网格员已上门协调，楼上邻居承诺夜间不再大声吵闹，双方已和解，已告知市民。")
    c.expect("near_miss", "hostile_attitude", "HA-HOSTILE", t, note="a neighbour, not staff")

    t = c.ticket(56, "食品安全", content="市场监管局执法人员刘某来我店检查时，暗示要给两千元好处费才不罚款，"
                                       "我没给，第二天就被罚了。")
    t.normal(SJ, reply="市场监管局纪检组已受理该举报，正在核查执法人员检查及罚款情况，核查结果将书面告知市民。")
    c.expect("fire", "graft", "GR-GRAFT", t, "", SJ, "demand of a 好处费")
    t = c.ticket(57, "食品安全", content="想咨询办理食品经营许可证需要缴纳哪些费用，需要准备什么材料。", kind="咨询")
    t.normal(SJ, reply="已告知市民：办理食品经营许可证不收取费用，需准备营业执照、场所平面图和健康证明等材料。")
    c.expect("near_miss", "graft", "GR-GRAFT", t, note="a question about fees")

    t = c.ticket(58, "物业管理", content="北山街道某社区书记经常接受小区物业公司宴请，在酒店大吃大喝，"
                                       "业主反映的问题却从来不管。")
    t.normal(BS, reply="北山街道纪工委已受理该社区书记接受物业公司宴请的反映，正在调查核实，结果将告知市民。")
    c.expect("fire", "improper_banquet", "IB-BANQUET", t, "", BS, "community secretary dined by the property firm")
    t = c.ticket(59, "噪音扰民", content="小区楼下新开的饭店油烟很大，晚上吃饭喝酒的客人吵闹到凌晨。")
    t.normal(BS, reply="北山街道已联合市场监管所检查该饭店，责令其加装油烟净化设备并控制营业时间，已告知市民。")
    c.expect("near_miss", "improper_banquet", "IB-BANQUET", t, note="a restaurant's fumes and noise")

    # --- clean tickets ----------------------------------------------------------------------------------------
    cats = list(CATEGORIES)
    for i in range(14):
        t = c.ticket(60 + i % 20, cats[i % len(cats)])
        t.normal(visitor=r.choice(["0301", "0302"]))
        c.expect("clean", "", "", t)


def write_package(path, tickets, month):
    out = ['<?xml version="1.0" encoding="GBK"?>',
           f'<Package xmlns="{NS}" version="2.1">',
           "  <Head>",
           f"    <PackageId>YZ12345-{month}-0001</PackageId>",
           "    <Sender code=\"530100\">云州市12345政务服务便民热线</Sender>",
           "    <Receiver>省12345热线数据交换平台</Receiver>",
           "    <CreateTime>2026-04-01 02:00:00</CreateTime>",
           f"    <RecordCount>{len(tickets)}</RecordCount>",
           "  </Head>",
           "  <Body>"]
    for t in tickets:
        out.append("    <WorkOrder>")
        out.append(f"      <OrderNo>{t.no}</OrderNo>")
        out.append(f"      <AcceptTime>{fmt_space(t.at)}</AcceptTime>")
        name, unit = PEOPLE[t.acceptor]
        out.append(f"      <Acceptor code={quoteattr(t.acceptor)}>{escape(name)}</Acceptor>")
        out.append("      <Channel>电话</Channel>")
        out.append(f"      <AppealType>{t.kind}</AppealType>")
        out.append(f"      <Caller name={quoteattr(t.caller)} phone={quoteattr(t.phone)}/>")
        out.append(f"      <Category code={quoteattr(t.code)}>{escape(t.category)}</Category>")
        out.append(f"      <Address>{escape(t.address)}</Address>")
        out.append(f"      <Content><![CDATA[{t.content}]]></Content>")
        out.append(f"      <TimeLimit>{fmt_space(t.limit)}</TimeLimit>")
        out.append(f"      <Status>{t.status}</Status>")
        out.append(f"      <FinishTime>{fmt_space(t.finish) if t.finish else ''}</FinishTime>")
        out.append("      <Flows>")
        for i, f in enumerate(t.flows, 1):
            name, unit = PEOPLE[f["who"]]
            out.append(f'        <Flow seq="{i}" time="{fmt_iso(f["at"])}" type={quoteattr(f["type"])}>')
            out.append(f"          <Operator code={quoteattr(f['who'])} dept={quoteattr(unit)}>{escape(name)}"
                       "</Operator>")
            if f["to"]:
                out.append(f"          <ToDept>{escape(f['to'])}</ToDept>")
            if f["opinion"]:
                out.append(f"          <Opinion>{escape(f['opinion'])}</Opinion>")
            if f["delay_to"]:
                out.append(f"          <DelayTo>{fmt_space(f['delay_to'])}</DelayTo>")
            if f["files"]:
                out.append("          <Attachments>")
                for fn in f["files"]:
                    out.append(f"            <File name={quoteattr(fn)} size=\"{120000 + len(fn) * 977}\"/>")
                out.append("          </Attachments>")
            out.append("        </Flow>")
        out.append("      </Flows>")
        out.append("      <Visits>")
        for v in t.visits:
            name, unit = PEOPLE[v["who"]]
            out.append(f'        <Visit time="{fmt_iso(v["at"])}" visitorCode={quoteattr(v["who"])} '
                       f'visitorName={quoteattr(name)} way="电话" callId={quoteattr(v["call_id"])}>')
            out.append(f"          <Contact>{v['contact']}</Contact>")
            out.append(f"          <Satisfaction>{v['sat']}</Satisfaction>")
            out.append(f"          <Solved>{v['solved']}</Solved>")
            out.append(f"          <Remark>{escape(v['remark'])}</Remark>")
            out.append("        </Visit>")
        out.append("      </Visits>")
        out.append("    </WorkOrder>")
    out += ["  </Body>", "</Package>", ""]
    path.write_bytes("\r\n".join(out).encode("gbk"))


def write_calls(path, calls):
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<CallRecords xmlns="{NS}" period="2026Q1">']
    for c in sorted(calls, key=lambda c: c["ring"]):
        out.append(f'  <Call id="{c["id"]}" direction="{c["direction"]}">')
        out.append(f"    <Caller>{c['caller']}</Caller><Callee>{c['callee']}</Callee><Agent>{c['caller']}</Agent>")
        out.append(f"    <OrderNo>{c['order']}</OrderNo>")
        out.append(f"    <RingTime>{fmt_space(c['ring'])}</RingTime>")
        out.append(f"    <AnswerTime>{fmt_space(c['answer']) if c['answer'] else ''}</AnswerTime>")
        out.append(f"    <HangupTime>{fmt_space(c['hangup'])}</HangupTime>")
        out.append("  </Call>")
    out += ["</CallRecords>", ""]
    path.write_text("\n".join(out), encoding="utf-8")


README_TXT = """云州市12345政务服务便民热线 工单数据交换包 数据项说明（v2.1）

文件：GDSJ_云州市_YYYYMM.xml 按受理月份分包，GBK 编码；HWJL_云州市_2026Q1.xml 话务记录，UTF-8。
WorkOrder 工单：OrderNo 工单编号；AcceptTime 受理时间；Acceptor 受理人（code 工号）；Channel 渠道；
  AppealType 诉求类型（投诉/咨询/求助/建议）；Caller 来电人（name 姓名，phone 电话）；Category 问题分类（code 分类编码）；
  Address 事发地址；Content 诉求内容；TimeLimit 办理时限；Status 工单状态；FinishTime 办结时间。
Flows/Flow 流转记录：seq 序号；time 处理时间；type 环节（派单、签收、联系市民、现场核查、办理过程、申请退单、退单审核通过、
  退单审核驳回、转办、下派、下级回复、催办、申请延期、延期审核通过、申请办结、办结审核通过、办结审核驳回、办结）；
  Operator 处理人（code 工号，dept 所在单位）；ToDept 流向单位；Opinion 处理意见（申请办结时为答复内容）；
  DelayTo 延期至；Attachments/File 附件（name 文件名）。
Visits/Visit 回访记录：time 回访时间；visitorCode 回访人工号；way 回访方式；callId 通话编号；Contact 联系情况；
  Satisfaction 满意度；Solved 是否解决；Remark 回访备注。
CallRecords/Call 话务记录：id 通话编号；direction 呼叫方向（呼入/呼出）；Caller 主叫；Callee 被叫；Agent 坐席工号；
  OrderNo 关联工单编号；RingTime 振铃时间；AnswerTime 应答时间（未接通为空）；HangupTime 挂机时间。
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=10)
    a = ap.parse_args()
    out = Path(a.out)
    (out / "export").mkdir(parents=True, exist_ok=True)
    c = City(a.seed)
    plant(c)
    by_month = {}
    for t in sorted(c.tickets, key=lambda t: t.at):
        by_month.setdefault(t.at.strftime("%Y%m"), []).append(t)
    for month, ts in by_month.items():
        write_package(out / "export" / f"GDSJ_云州市_{month}.xml", ts, month)
    write_calls(out / "export" / "HWJL_云州市_2026Q1.xml", c.calls)
    (out / "export" / "数据项说明.txt").write_text(README_TXT, encoding="utf-8")
    with open(out / "expected.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["kind", "family", "rule", "ticket", "person", "unit", "note"])
        w.writeheader()
        w.writerows(c.expected)
    fires = [e for e in c.expected if e["kind"] == "fire"]
    print(f"{len(c.tickets)} tickets in {len(by_month)} packages, {len(c.calls)} calls; {len(fires)} expected findings "
          f"over {len({e['rule'] for e in fires})} rules, "
          f"{sum(e['kind'] == 'near_miss' for e in c.expected)} near misses")


if __name__ == "__main__":
    main()
