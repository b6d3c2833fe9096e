"""Blind test 6: an export of a district 12345 platform ("历下区12345政务服务热线工单系统", style H).

    python tools/blind6/blind_export.py --out DIR [--seed N]

Writes DIR/export/ as such a platform delivers it:
- 工单导出_20260401.xlsx, one workbook, sheets
  工单基本信息 (title row, blank padding rows, a 合计 row at the foot; intake date and time in two columns;
  status codes 「05 已办结」; the last visit's 回访满意度 and 解决情况; 办理时限 「2026/3/12 17:30」),
  处理过程 (one row per step: 环节名称 in this platform's words — 受理, 交办, 签收, 转办, 下派, 街道回复,
  联系市民, 现场核查, 过程记录, 申请回退, 同意回退, 驳回回退, 改派, 申请延期, 同意延期, 申请办结,
  办结审核通过, 办结审核退回, 回访, 办结, 催办, 不同意延期; people as 工号 only; units as 「370102001-历下区城管局」;
  times as 「2026/3/5 9:14」),
  延期申请 (the extension details: 申请延期至 / 批准延期至, joined by 工单编号),
  回访记录 (the visits' structured results: 回访方式, 联系情况, 是否解决 「01 已解决」, 满意度 「1 满意」,
  录音编号, joined by 工单编号),
  督办记录 (督办期次, 督办意见), 人员信息 (工号 → 姓名, 所属单位, 岗位), 单位信息 (单位编码, 单位名称, 上级单位);
- 话务记录.txt: the call-centre's call records, UTF-16 tab-separated (Excel's "Unicode text").
and DIR/expected.csv (kind fire / near_miss / clean, family, rule, ticket, person, unit, note) for
tools/blind5/score.py. Standard library and openpyxl only; seeded.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl

CENTRE = "370100000-市12345热线中心"
UNITS = {
    "CG": "370102001-历下区城管局",
    "ZJ": "370102002-历下区住建局",
    "SJ": "370102003-历下区市场监管局",
    "HB": "370102004-历下区生态环境分局",
    "SW": "370102005-历下区水务局",
    "JT": "370102006-历下区交通运输局",
    "QC": "370102101-泉城路街道办事处",
    "DM": "370102102-大明湖街道办事处",
}
HANDLERS = {"CG": ["21001", "21002"], "ZJ": ["22001", "22002"], "SJ": ["23001", "23002"],
            "HB": ["24001", "24002"], "SW": ["25001", "25002"], "JT": ["26001", "26002"],
            "QC": ["31001"], "DM": ["32001"]}
AGENTS = ["10101", "10102", "10103"]
DISPATCHERS = ["10201", "10202"]
REVIEWERS = ["10301", "10302"]
VISITORS = ["10401", "10402"]
SUPERVISOR = "10501"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"

# category → (unit, days to deadline, complaint template, specific reply template)
CATS = {
    "占道经营": ("CG", 7, "{a}附近有商户长期占道经营，桌椅摆到人行道上，行人只能走机动车道，希望城管部门处理。",
             "{u}执法队员{d}到{a}现场核查，确有两家商户占道摆放桌椅，已责令当场清理并下达整改通知书，已电话告知市民处理结果，后续每日巡查。"),
    "违章搭建": ("CG", 21, "{a}楼顶有人私自搭建彩钢板房，存在安全隐患，请相关部门查处。",
             "{u}于{d}到{a}现场勘查，楼顶彩钢板房系住户私自搭建，已立案并下达限期拆除决定书，当事人已自行拆除，已告知市民。"),
    "房屋漏水": ("ZJ", 7, "{a}老旧小区楼顶防水层破损，一下雨家里就漏水，墙皮脱落，希望尽快维修。",
             "{u}{d}会同物业到{a}查看，楼顶防水层老化破损，已纳入维修计划并由物业先行局部修补，已电话告知市民维修安排。"),
    "物业管理": ("ZJ", 7, "{a}小区物业不作为，电梯坏了一周没人修，老人上下楼很困难。",
             "{u}{d}约谈{a}小区物业负责人，电梯已由维保单位更换控制板恢复运行，已向市民反馈并要求物业加强日常维保。"),
    "食品安全": ("SJ", 7, "在{a}一家小吃店吃饭后腹泻，怀疑食材不新鲜，后厨卫生很差，请市场监管部门检查。",
             "{u}执法人员{d}对{a}该小吃店进行检查，发现后厨存在生熟混放问题，已责令整改并立案调查，检查结果已告知市民。"),
    "价格投诉": ("SJ", 7, "{a}超市标价和结账价格不一致，多收了钱，要求查处。",
             "{u}{d}到{a}该超市核查，确有价签未及时更新，已责令退还多收款项并整改价签，市民已收到退款。"),
    "噪音扰民": ("HB", 5, "{a}附近工地每天晚上十一点以后还在施工，噪音很大，严重影响休息。",
             "{u}{d}夜间到{a}工地检查，该工地未办理夜间施工许可，已责令立即停止夜间施工并立案处罚，已回复市民。"),
    "油烟扰民": ("HB", 5, "{a}楼下烧烤店油烟直排，晚上熏得没法开窗，请求处理。",
             "{u}{d}到{a}检查，该烧烤店未安装油烟净化设施，已下达整改通知，要求五日内安装净化器，已告知市民。"),
    "供水问题": ("SW", 3, "{a}这几天一直水压很低，高层基本没水，影响正常生活。",
             "{u}{d}安排供水维修人员到{a}排查，系加压泵故障，已更换水泵，当日恢复正常供水，已电话回复市民。"),
    "道路破损": ("JT", 7, "{a}路面有一个大坑，晚上看不清，已经有电动车摔倒，请尽快修补。",
             "{u}{d}安排养护队到{a}修补坑槽，已完成沥青修补并设置警示标志，已告知市民。"),
}
STREETS = ["历下区泉城路{n}号", "历下区文化西路{n}号院{b}号楼", "历下区解放路{n}号", "历下区燕子山小区{b}号楼",
           "历下区和平路{n}号", "历下区历山路{n}号", "历下区经十路{n}号", "历下区山大路{n}号", "历下区千佛山东路{n}号",
           "历下区姚家街道{b}号楼", "历下区工业南路{n}号", "历下区华能路{n}号"]


def fmt(t: datetime) -> str:
    """「2026/3/5 9:14」: this platform's time, no zero padding."""
    return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"


class Gen:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.tickets, self.flows, self.exts, self.visits, self.sups, self.calls, self.expected = [], [], [], [], [], [], []
        self.n = 0
        self.addr_used = set()
        self.call_n = 0
        self.rec_n = 0

    # ---- building blocks -------------------------------------------------
    def address(self):
        while True:
            a = self.rng.choice(STREETS).format(n=self.rng.randint(1, 399), b=self.rng.randint(1, 30))
            if a not in self.addr_used:
                self.addr_used.add(a)
                return a

    def phone(self):
        return "1" + self.rng.choice("35789") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def new_ticket(self, day: datetime, cat: str, *, address=None, content=None, kind="投诉", phone=None,
                   caller=None, urgency="一般"):
        self.n += 1
        tid = f"LX{day:%Y%m%d}{self.n:04d}"
        unit_key, days, ctpl, rtpl = CATS[cat]
        address = address or self.address()
        t = {
            "工单编号": tid, "受理日期": f"{day:%Y-%m-%d}", "受理时间": f"{day:%H:%M:%S}",
            "来电人": caller or (self.rng.choice(SURNAMES) + self.rng.choice(["先生", "女士"])),
            "来电号码": phone or self.phone(), "诉求类型": kind, "问题分类": cat, "紧急程度": urgency,
            "事发地址": address, "诉求内容": content or ctpl.format(a=address),
            "主办单位": "", "办理时限": fmt((day + timedelta(days=days)).replace(hour=17, minute=30)),
            "工单状态": "03 办理中", "办结时间": "", "回访满意度": "", "解决情况": "",
            "_t": day, "_unit": unit_key, "_due": (day + timedelta(days=days)).replace(hour=17, minute=30),
            "_rtpl": rtpl, "_seq": 0,
        }
        self.tickets.append(t)
        agent = self.rng.choice(AGENTS)
        self.call(t, agent, t["来电号码"], day - timedelta(minutes=6), "呼入", answered=True)
        self.step(t, day, "受理", agent, CENTRE, note="市民来电反映：" + t["诉求内容"][:20] + "…")
        return t

    def step(self, t, at, word, who, unit, target="", note="", attach=""):
        t["_seq"] += 1
        t["_last"] = at
        self.flows.append({"序号": t["_seq"], "工单编号": t["工单编号"], "环节名称": word, "处理时间": fmt(at),
                           "处理人工号": who, "处理部门": unit, "流向部门": target, "处理意见": note, "附件": attach,
                           "_at": at})

    def call(self, t, agent, number, at, direction, answered=True, ticket=True):
        self.call_n += 1
        ring = at
        ans = at + timedelta(seconds=self.rng.randint(3, 14)) if answered else None
        end = (ans or ring) + timedelta(seconds=self.rng.randint(60, 400) if answered else self.rng.randint(20, 50))
        self.calls.append({"通话流水号": f"C{at:%Y%m%d}{self.call_n:05d}", "主叫号码": number if direction == "呼入" else "0531-12345",
                           "被叫号码": "12345" if direction == "呼入" else number, "呼叫类型": direction, "坐席工号": agent,
                           "振铃时间": f"{ring:%Y-%m-%d %H:%M:%S}", "应答时间": f"{ans:%Y-%m-%d %H:%M:%S}" if ans else "",
                           "挂机时间": f"{end:%Y-%m-%d %H:%M:%S}", "关联工单号": t["工单编号"] if (t and ticket) else ""})

    def dispatch(self, t, at, unit_key, word="交办"):
        t["主办单位"] = t["主办单位"] or UNITS[unit_key].split("-")[0]
        self.step(t, at, word, self.rng.choice(DISPATCHERS), CENTRE, UNITS[unit_key], note="请按时限办理并答复市民。")
        return at

    def reply_text(self, t, unit_key, at):
        return t["_rtpl"].format(u=UNITS[unit_key].split("-")[1], d=f"{at.month}月{at.day}日", a=t["事发地址"])

    def handle_ok(self, t, at, unit_key, who, *, contact=True, site=True, reply=None, attach="现场照片1.jpg;整改后照片.jpg",
                  extra_reply_step=False):
        """Sign for, contact, check on site, reply, request closure with evidence. Returns the time."""
        u = UNITS[unit_key]
        at += timedelta(minutes=self.rng.randint(20, 90))
        self.step(t, at, "签收", who, u)
        if contact:
            at += timedelta(hours=self.rng.randint(1, 3))
            self.step(t, at, "联系市民", who, u, note="电话联系市民，了解具体诉求，约定现场查看时间。")
        if site:
            at += timedelta(hours=self.rng.randint(18, 30))
            self.step(t, at, "现场核查", who, u, note=f"到{t['事发地址']}现场查看，情况属实，已拍照。")
        reply = reply or self.reply_text(t, unit_key, at)
        if extra_reply_step:
            at += timedelta(hours=2)
            self.step(t, at, "答复", who, u, note=reply)
        at += timedelta(hours=self.rng.randint(2, 5))
        self.step(t, at, "申请办结", who, u, note=reply, attach=attach)
        t["_requester"] = who
        return at

    def sign_and_call(self, t, at, unit_key, who, note):
        """Sign for the ticket an hour after `at`, call the citizen two hours later. Returns the time."""
        at += timedelta(hours=1)
        self.step(t, at, "签收", who, UNITS[unit_key])
        at += timedelta(hours=2)
        self.step(t, at, "联系市民", who, UNITS[unit_key], note=note)
        return at

    def returns(self, t, at, hops, why, ask_after=3):
        """Each hop (unit, person, next unit): sign for, call the citizen, ask to return it; the centre agrees and
        re-dispatches. `why` maps a unit key (or "*") to the reason written. Returns the time."""
        for uk, who, nxt in hops:
            u = UNITS[uk]
            at += timedelta(hours=1)
            self.step(t, at, "签收", who, u)
            at += timedelta(hours=2)
            self.step(t, at, "联系市民", who, u, note="电话联系市民了解情况。")
            at += timedelta(hours=ask_after)
            self.step(t, at, "申请回退", who, u, note=why.get(uk, why.get("*")))
            at += timedelta(hours=2)
            self.step(t, at, "同意回退", self.rng.choice(REVIEWERS), CENTRE, note="同意回退。")
            at += timedelta(minutes=20)
            self.dispatch(t, at, nxt, word="改派")
        return at

    def handovers(self, t, at, hops, check, why, check_after=4, pass_after=2):
        """Each hop (unit, person, next unit): sign for, check on site, hand it over sideways (转办)."""
        for uk, who, nxt in hops:
            u = UNITS[uk]
            at += timedelta(hours=1)
            self.step(t, at, "签收", who, u)
            at += timedelta(hours=check_after)
            self.step(t, at, "现场核查", who, u, note=check)
            at += timedelta(hours=pass_after)
            self.step(t, at, "转办", who, u, UNITS[nxt], note=why)
        return at

    def approve_visit_close(self, t, at, *, sat="1 满意", res="01 已解决", reached="已联系", visitor=None,
                            call=True, visitor_unit=CENTRE, reviewer=None):
        at += timedelta(hours=self.rng.randint(2, 6))
        self.step(t, at, "办结审核通过", reviewer or self.rng.choice(REVIEWERS), CENTRE, note="答复内容属实，同意办结。")
        at += timedelta(hours=self.rng.randint(16, 28))
        visitor = visitor or self.rng.choice(VISITORS)
        rec = ""
        if call:
            self.rec_n += 1
            rec = f"LY{self.rec_n:06d}"
            self.call(t, visitor, t["来电号码"], at - timedelta(minutes=self.rng.randint(3, 10)), "呼出",
                      answered=reached == "已联系")
        self.step(t, at, "回访", visitor, visitor_unit, note="已回访，回访情况见回访记录。")
        self.visits.append({"工单编号": t["工单编号"], "回访时间": fmt(at), "回访员工号": visitor, "回访方式": "电话回访",
                            "联系情况": reached, "是否解决": res if reached == "已联系" else "",
                            "满意度": sat if reached == "已联系" else "", "录音编号": rec,
                            "回访内容": {"1 满意": "市民表示问题已处理，对结果满意。", "2 基本满意": "市民表示基本满意。",
                                     "3 不满意": "市民对处理结果不满意。"}.get(sat, "") if reached == "已联系" else "电话无人接听。"})
        at += timedelta(minutes=self.rng.randint(5, 40))
        self.step(t, at, "办结", self.rng.choice(REVIEWERS), CENTRE, note="工单办结。")
        t["工单状态"] = "05 已办结"
        t["办结时间"] = fmt(at)
        t["回访满意度"] = sat.split(" ")[1] if reached == "已联系" else "未联系上"
        t["解决情况"] = res.split(" ")[1] if reached == "已联系" else ""
        return at

    def clean(self, day, cat, **kw):
        t = self.new_ticket(day, cat, **kw)
        u = t["_unit"]
        at = self.dispatch(t, day + timedelta(minutes=12), u)
        who = self.rng.choice(HANDLERS[u])
        at = self.handle_ok(t, at, u, who)
        self.approve_visit_close(t, at)
        return t

    def expect(self, kind, rule, t, person="", unit="", note=""):
        fam = {"BP": "buck_passing", "FC": "false_closure", "MS": "manufactured_satisfaction", "PR": "perfunctory_reply",
               "FF": "forward_no_follow_up", "DL": "delay", "RC": "repeat_complaint", "DS": "dissatisfaction",
               "HA": "hostile_attitude", "GR": "graft", "IB": "improper_banquet", "EM": "embezzlement"}.get(rule.split("-")[0], "")
        self.expected.append({"kind": kind, "family": fam, "rule": rule, "ticket": t["工单编号"], "person": person,
                              "unit": unit, "note": note})


def build(seed: int) -> Gen:
    g = Gen(seed)
    r = g.rng
    days = iter(sorted(datetime(2026, 1, 5, 8, 30) + timedelta(days=r.randint(0, 70), minutes=r.randint(0, 540))
                       for _ in range(200)))

    def day():
        return next(days)

    # ---------------- buck passing ----------------
    # BP-RETURNS: three returns (ZJ, SJ, HB each once, each after a call), ends at SW.
    t = g.new_ticket(day(), "物业管理")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "ZJ")
    at = g.returns(t, at, (("ZJ", "22002", "SJ"), ("SJ", "23001", "HB"), ("HB", "24001", "SW")),
                  {"*": "该诉求不属于我单位职责范围，依据区职责清单应由其他部门办理。"})
    at = g.handle_ok(t, at, "SW", "25002")
    g.approve_visit_close(t, at)
    g.expect("fire", "BP-RETURNS", t, "24001", UNITS["HB"], "3 returns by three units; tie → the latest requester")

    # BP-PINGPONG by returns: CG → ZJ → CG, each return after a call.
    t = g.new_ticket(day(), "违章搭建")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "CG")
    at = g.returns(t, at, (("CG", "21002", "ZJ"), ("ZJ", "22001", "CG")),
                  {"CG": "楼顶搭建属房屋安全问题，应由住建部门认定。", "ZJ": "违章建筑查处属城管执法职责。"})
    at = g.handle_ok(t, at, "CG", "21001")
    g.approve_visit_close(t, at)
    g.expect("fire", "BP-PINGPONG", t, "21002", UNITS["CG"], "CG→ZJ→CG by returns; the first who asked to return it at CG")

    # BP-PINGPONG by sideways hand-overs (转办): SJ → HB → SJ, each after a site check.
    t = g.new_ticket(day(), "油烟扰民")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "SJ")
    at = g.handovers(t, at, (("SJ", "23002", "HB"), ("HB", "24002", "SJ")), "到店查看油烟排放情况。",
                     "油烟排放监管不属本单位，转相关部门办理。")
    at = g.handle_ok(t, at, "SJ", "23001")
    g.approve_visit_close(t, at)
    g.expect("fire", "BP-PINGPONG", t, "23002", UNITS["SJ"], "SJ→HB→SJ by 转办; the one who handed it over from SJ")

    # BP-CYCLE by hand-overs: HB → SW → JT → HB, each after a site check.
    t = g.new_ticket(day(), "噪音扰民", content="{}雨水泵站每天夜里水泵轰鸣，噪音很大，严重影响附近居民休息。")
    t["诉求内容"] = t["诉求内容"].format(t["事发地址"])
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "HB")
    at = g.handovers(t, at, (("HB", "24002", "SW"), ("SW", "25001", "JT"), ("JT", "26001", "HB")),
                     "现场查看泵站设备运行情况。", "泵站设备归属其他部门管理，转办。")
    at = g.handle_ok(t, at, "HB", "24001")
    g.approve_visit_close(t, at)
    g.expect("fire", "BP-CYCLE", t, "24002", UNITS["HB"], "HB→SW→JT→HB by 转办")

    # BP-NO-VERIFY by a return request right after sign-for, no contact, no site check.
    t = g.new_ticket(day(), "房屋漏水")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "ZJ")
    at += timedelta(minutes=40)
    g.step(t, at, "签收", "22001", UNITS["ZJ"])
    at += timedelta(minutes=25)
    g.step(t, at, "申请回退", "22001", UNITS["ZJ"], note="非我单位职责。")
    at += timedelta(hours=3)
    g.step(t, at, "同意回退", r.choice(REVIEWERS), CENTRE, note="同意回退。")
    at = g.dispatch(t, at + timedelta(minutes=15), "DM", word="改派")
    at = g.handle_ok(t, at, "DM", "32001")
    g.approve_visit_close(t, at)
    g.expect("fire", "BP-NO-VERIFY", t, "22001", UNITS["ZJ"], "return 25 min after sign-for, nothing checked")

    # BP-NO-VERIFY by a hand-over (转办) without any check.
    t = g.new_ticket(day(), "道路破损", content=None)
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "CG")
    at += timedelta(minutes=50)
    g.step(t, at, "签收", "21001", UNITS["CG"])
    at += timedelta(minutes=30)
    g.step(t, at, "转办", "21001", UNITS["CG"], UNITS["JT"], note="道路养护属交通部门，转办。")
    at = g.handle_ok(t, at, "JT", "26002")
    g.approve_visit_close(t, at)
    g.expect("fire", "BP-NO-VERIFY", t, "21001", UNITS["CG"], "转办 30 min after sign-for, nothing checked")

    # BP-REJECTED: SW asks to return after a call; the centre rejects; SW handles it.
    t = g.new_ticket(day(), "供水问题")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "SW")
    at += timedelta(hours=1)
    g.step(t, at, "签收", "25001", UNITS["SW"])
    at += timedelta(hours=1)
    g.step(t, at, "联系市民", "25001", UNITS["SW"], note="联系市民，称小区二次供水由物业管理。")
    at += timedelta(hours=1)
    g.step(t, at, "申请回退", "25001", UNITS["SW"], note="小区二次供水设施由物业负责，建议转住建部门。")
    at += timedelta(hours=3)
    g.step(t, at, "驳回回退", r.choice(REVIEWERS), CENTRE, note="供水保障属水务部门职责，请继续办理。")
    at = g.handle_ok(t, at, "SW", "25001", contact=False)
    g.approve_visit_close(t, at)
    g.expect("fire", "BP-REJECTED", t, "25001", UNITS["SW"], "return rejected once")

    # ---------------- false closure ----------------
    # FC-UNRESOLVED: the visit (回访记录 sheet) says 02 未解决, 2 基本满意.
    t = g.new_ticket(day(), "食品安全")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "SJ")
    at = g.handle_ok(t, at, "SJ", "23001")
    g.approve_visit_close(t, at, sat="2 基本满意", res="02 未解决")
    g.expect("fire", "FC-UNRESOLVED", t, "23001", UNITS["SJ"], "visit: 02 未解决 (in 回访记录 and 解决情况)")

    # FC-REPEAT-AFTER-CLOSE: closed, visit unreached, a new caller on the same matter 12 days later.
    t = g.new_ticket(day(), "占道经营")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "CG")
    at = g.handle_ok(t, at, "CG", "21002")
    end = g.approve_visit_close(t, at, reached="未联系上")
    t2 = g.new_ticket(end + timedelta(days=12), "占道经营", address=t["事发地址"])
    at = g.dispatch(t2, t2["_t"] + timedelta(minutes=10), "CG")
    at = g.handle_ok(t2, at, "CG", "21001")
    g.approve_visit_close(t2, at)
    g.expect("fire", "FC-REPEAT-AFTER-CLOSE", t, "21002", UNITS["CG"], f"same address and category again as {t2['工单编号']}")

    # FC-NO-EVIDENCE: closure requested with no attachment and no citizen contact before it.
    t = g.new_ticket(day(), "道路破损")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "JT")
    at = g.handle_ok(t, at, "JT", "26001", contact=False, attach="")
    g.approve_visit_close(t, at)
    g.expect("fire", "FC-NO-EVIDENCE", t, "26001", UNITS["JT"], "no 附件, no 联系市民")

    # FC-REJECTED-CLOSURES: two closure requests sent back (办结审核退回), the third approved.
    t = g.new_ticket(day(), "房屋漏水")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "ZJ")
    at = g.handle_ok(t, at, "ZJ", "22002")
    for why in ("答复未说明维修完成时间，请补充。", "仍未提供维修完成的照片，请补充。"):
        at += timedelta(hours=3)
        g.step(t, at, "办结审核退回", r.choice(REVIEWERS), CENTRE, note=why)
        at += timedelta(hours=20)
        g.step(t, at, "过程记录", "22002", UNITS["ZJ"], note="督促物业继续维修楼顶防水。")
        at += timedelta(hours=3)
        g.step(t, at, "申请办结", "22002", UNITS["ZJ"], note=g.reply_text(t, "ZJ", at), attach="维修照片.jpg")
    g.approve_visit_close(t, at)
    g.expect("fire", "FC-REJECTED-CLOSURES", t, "22002", UNITS["ZJ"], "closure sent back twice")

    # FC-INSTANT: closure requested 8 minutes after sign-for, a token call between, attachment present.
    t = g.new_ticket(day(), "价格投诉")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "SJ")
    at += timedelta(minutes=35)
    g.step(t, at, "签收", "23002", UNITS["SJ"])
    at += timedelta(minutes=4)
    g.step(t, at, "联系市民", "23002", UNITS["SJ"], note="已联系。")
    at += timedelta(minutes=4)
    g.step(t, at, "申请办结", "23002", UNITS["SJ"], note=g.reply_text(t, "SJ", at), attach="价签照片.jpg")
    g.approve_visit_close(t, at)
    g.expect("fire", "FC-INSTANT", t, "23002", UNITS["SJ"], "closure 8 min after sign-for, no handling")

    # ---------------- manufactured satisfaction ----------------
    # MS-SATISFIED-REPEAT: visit 1 满意, same matter again 9 days after close.
    t = g.new_ticket(day(), "油烟扰民")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "HB")
    at = g.handle_ok(t, at, "HB", "24001")
    end = g.approve_visit_close(t, at)
    t2 = g.new_ticket(end + timedelta(days=9), "油烟扰民", address=t["事发地址"])
    at = g.dispatch(t2, t2["_t"] + timedelta(minutes=10), "HB")
    at = g.handle_ok(t2, at, "HB", "24002")
    g.approve_visit_close(t2, at)
    g.expect("fire", "MS-SATISFIED-REPEAT", t, "24001", UNITS["HB"], f"satisfied, then {t2['工单编号']} on the same matter")

    # MS-VISIT-BY-HANDLER: the handler (21001, 城管局) records the follow-up visit himself.
    t = g.new_ticket(day(), "占道经营")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "CG")
    at = g.handle_ok(t, at, "CG", "21001")
    g.approve_visit_close(t, at, visitor="21001", visitor_unit=UNITS["CG"])
    g.expect("fire", "MS-VISIT-BY-HANDLER", t, "21001", UNITS["CG"], "回访 by the handler")

    # MS-VISIT-NO-CALL: visit recorded by 10402, no call record for it.
    t = g.new_ticket(day(), "价格投诉")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "SJ")
    at = g.handle_ok(t, at, "SJ", "23001")
    g.approve_visit_close(t, at, visitor="10402", call=False)
    g.expect("fire", "MS-VISIT-NO-CALL", t, "10402", CENTRE, "no outbound call on the ticket")

    # ---------------- perfunctory replies ----------------
    t = g.new_ticket(day(), "供水问题")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "SW")
    at = g.handle_ok(t, at, "SW", "25002", reply="您反映的问题已收悉，我单位高度重视，将尽快处理，请您耐心等待。")
    g.approve_visit_close(t, at)
    g.expect("fire", "PR-BOILERPLATE", t, "25002", UNITS["SW"], "boilerplate reply")

    same = "经核查，该问题已按照相关规定处理完毕，并已向市民反馈处理情况。"
    first = None
    for cat in ("占道经营", "违章搭建", "物业管理"):
        t = g.new_ticket(day(), cat)
        uk = t["_unit"]
        at = g.dispatch(t, t["_t"] + timedelta(minutes=10), uk)
        who = "21002" if uk == "CG" else "22001"
        at = g.handle_ok(t, at, uk, who, reply=same)
        g.approve_visit_close(t, at)
        first = first or t
    g.expect("fire", "PR-IDENTICAL", first, "21002", UNITS["CG"], "the same reply on three different matters (2 by 21002)")

    t = g.new_ticket(day(), "噪音扰民")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "HB")
    at = g.handle_ok(t, at, "HB", "24002",
                     reply="关于医保报销政策，请携带身份证和社保卡到就近的社区服务窗口办理相关手续，具体材料以窗口告知为准。")
    g.approve_visit_close(t, at)
    g.expect("fire", "PR-OFF-TOPIC", t, "24002", UNITS["HB"], "reply about medical insurance to a noise complaint")

    # ---------------- forward without follow-up ----------------
    t = g.new_ticket(day(), "占道经营")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "CG")
    at += timedelta(minutes=40)
    g.step(t, at, "签收", "21001", UNITS["CG"])
    at += timedelta(minutes=30)
    g.step(t, at, "下派", "21001", UNITS["CG"], UNITS["QC"], note="请泉城路街道核实处理。")
    at += timedelta(hours=3)
    g.step(t, at, "联系市民", "31001", UNITS["QC"], note="街道工作人员电话联系市民。")
    at += timedelta(hours=20)
    g.step(t, at, "现场核查", "31001", UNITS["QC"], note="街道执法队到现场，摊贩已清理。")
    at += timedelta(hours=2)
    g.step(t, at, "街道回复", "31001", UNITS["QC"], target=UNITS["CG"], note="已清理占道摊点。", attach="街道现场照片.jpg")
    at += timedelta(minutes=20)
    g.step(t, at, "申请办结", "21001", UNITS["CG"], note=g.reply_text(t, "CG", at), attach="街道现场照片.jpg")
    g.approve_visit_close(t, at)
    g.expect("fire", "FF-NO-FOLLOW-UP", t, "21001", UNITS["CG"], "下派, then closure on the street's word alone")

    # ---------------- delay ----------------
    # DL-OVERDUE: closure requested two days after 办理时限, steady activity (no idle gap).
    t = g.new_ticket(day(), "物业管理")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "ZJ")
    at = g.sign_and_call(t, at, "ZJ", "22001", "联系市民了解电梯故障情况。")
    for _k in range(2):
        at += timedelta(days=4)
        g.step(t, at, "过程记录", "22001", UNITS["ZJ"], note="电梯控制板需要厂家订货，仍在等待配件。")
    at = t["_due"] + timedelta(days=2, hours=-6)
    g.step(t, at, "现场核查", "22001", UNITS["ZJ"], note="电梯已修复，现场试运行正常。")
    at += timedelta(hours=2)
    g.step(t, at, "申请办结", "22001", UNITS["ZJ"], note=g.reply_text(t, "ZJ", at), attach="电梯运行照片.jpg")
    g.approve_visit_close(t, at)
    g.expect("fire", "DL-OVERDUE", t, "22001", UNITS["ZJ"], "closure requested ~2 days after 办理时限")

    # DL-EXTENSIONS: three extension requests, all approved, each before the deadline in force.
    t = g.new_ticket(day(), "食品安全")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "SJ")
    at = g.sign_and_call(t, at, "SJ", "23001", "联系市民核实就餐时间。")
    due = t["_due"]
    for _k in range(3):
        at = due - timedelta(days=1)
        g.step(t, at, "申请延期", "23001", UNITS["SJ"], note="样品送检结果未出，申请延期。")
        new_due = due + timedelta(days=5)
        g.exts.append({"工单编号": t["工单编号"], "申请时间": fmt(at), "申请人工号": "23001", "申请单位": UNITS["SJ"],
                       "原办理时限": fmt(due), "申请延期至": fmt(new_due), "延期原因": "样品送检结果未出。",
                       "审核结果": "同意", "审核时间": fmt(at + timedelta(hours=3)), "审核人工号": "10301",
                       "批准延期至": fmt(new_due)})
        g.step(t, at + timedelta(hours=3), "同意延期", "10301", CENTRE, note="同意延期。")
        at += timedelta(days=2)
        g.step(t, at, "过程记录", "23001", UNITS["SJ"], note="催问检测机构检测进度。")
        due = new_due
    at += timedelta(days=1)
    at = g.handle_ok(t, at, "SJ", "23001", contact=False)
    g.approve_visit_close(t, at)
    g.expect("fire", "DL-EXTENSIONS", t, "23001", UNITS["SJ"], "three extensions")

    # DL-IDLE: signed for, then 12 days without anything (deadline 21 days: not overdue).
    t = g.new_ticket(day(), "违章搭建")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "CG")
    at += timedelta(hours=1)
    g.step(t, at, "签收", "21002", UNITS["CG"])
    at += timedelta(days=12)
    g.step(t, at, "联系市民", "21002", UNITS["CG"], note="联系市民确认搭建位置。")
    at += timedelta(days=1)
    g.step(t, at, "现场核查", "21002", UNITS["CG"], note="现场确认楼顶搭建。")
    at += timedelta(hours=3)
    g.step(t, at, "申请办结", "21002", UNITS["CG"], note=g.reply_text(t, "CG", at), attach="拆除后照片.jpg")
    g.approve_visit_close(t, at)
    g.expect("fire", "DL-IDLE", t, "21002", UNITS["CG"], "12 days idle after sign-for")

    # DL-LONG-OPEN: received early January, progress notes every 5 days, still open at the end.
    t = g.new_ticket(datetime(2026, 1, 6, 9, 40), "房屋漏水")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "ZJ")
    at = g.sign_and_call(t, at, "ZJ", "22002", "联系市民了解漏水情况。")
    while at < datetime(2026, 3, 25):
        at += timedelta(days=5)
        g.step(t, at, "过程记录", "22002", UNITS["ZJ"], note="楼顶防水维修资金仍在申请中。")
    g.expect("fire", "DL-LONG-OPEN", t, "22002", UNITS["ZJ"], "open since 2026-01-06")

    # ---------------- repeat complaint ----------------
    addr = g.address()
    start = day()
    group = []
    for k in range(3):
        tt = g.new_ticket(start + timedelta(days=k, hours=k), "供水问题", address=addr)
        group.append(tt)
    for tt in group:
        at = g.dispatch(tt, tt["_t"] + timedelta(minutes=10), "SW")
        at = max(at, group[-1]["_t"])
        at = g.handle_ok(tt, at, "SW", "25001")
        g.approve_visit_close(tt, at)
    g.expect("fire", "RC-REPEAT", group[-1], "", UNITS["SW"], "three callers, same address and category within 3 days")

    # ---------------- dissatisfaction ----------------
    t = g.new_ticket(day(), "违章搭建")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "CG")
    at = g.handle_ok(t, at, "CG", "21001")
    g.approve_visit_close(t, at, sat="3 不满意", res="01 已解决")
    g.expect("fire", "DS-UNSATISFIED", t, "21001", UNITS["CG"], "visit: 3 不满意")

    # ---------------- misconduct reports ----------------
    for cat, uk, text, rule in (
        ("占道经营", "CG", "我在{a}摆摊被城管执法队员王某没收三轮车，我去城管局询问，王某态度恶劣，"
         "当面骂我“爱找谁找谁”，还把我推出办公室。", "HA-HOSTILE"),
        ("食品安全", "SJ", "我在{a}开小吃店，市场监管所李某检查时说只要给他两千元好处费就不开罚单，否则就让我停业整顿。", "GR-GRAFT"),
        ("物业管理", "DM", "{a}小区物业公司经常宴请社区书记吃饭喝酒，逢年过节还送购物卡，物业乱收费的问题社区一直不管。", "IB-BANQUET"),
        ("房屋漏水", "ZJ", "{a}棚户区改造，街道工作人员截留克扣我们的拆迁补偿款，每户少发了两万多元，至今没有说法。", "EM-EMBEZZLE"),
    ):
        a = g.address()
        t = g.new_ticket(day(), cat, address=a, content=text.format(a=a))
        at = g.dispatch(t, t["_t"] + timedelta(minutes=10), uk)
        at = g.handle_ok(t, at, uk, HANDLERS[uk][0])
        g.approve_visit_close(t, at, sat="2 基本满意")
        g.expect("fire", rule, t, "", UNITS[uk], "misconduct report in the complaint")

    # ================= near misses =================
    # return after a site check, with reason and basis
    t = g.new_ticket(day(), "价格投诉")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "SJ")
    at += timedelta(hours=1)
    g.step(t, at, "签收", "23001", UNITS["SJ"])
    at += timedelta(hours=5)
    g.step(t, at, "现场核查", "23001", UNITS["SJ"], note="到现场核实，该摊位为流动摊贩，无固定经营场所。")
    at += timedelta(hours=1)
    g.step(t, at, "申请回退", "23001", UNITS["SJ"], note="流动摊贩占道属城管执法职责，依据《历下区职责清单》第12项。")
    at += timedelta(hours=2)
    g.step(t, at, "同意回退", r.choice(REVIEWERS), CENTRE, note="同意回退。")
    at = g.dispatch(t, at + timedelta(minutes=15), "CG", word="改派")
    at = g.handle_ok(t, at, "CG", "21002")
    g.approve_visit_close(t, at)
    g.expect("near_miss", "BP-NO-VERIFY", t, note="return after a site check, with its basis")

    # 转办 after a call to the citizen
    t = g.new_ticket(day(), "道路破损")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "CG")
    at = g.sign_and_call(t, at, "CG", "21002", "联系市民确认坑槽在机动车道上。")
    at += timedelta(hours=1)
    g.step(t, at, "转办", "21002", UNITS["CG"], UNITS["JT"], note="机动车道养护属交通部门，转办。")
    at = g.handle_ok(t, at, "JT", "26001")
    g.approve_visit_close(t, at)
    g.expect("near_miss", "BP-NO-VERIFY", t, note="转办 after a call")

    # a chain through three units (two returns, no revisit)
    t = g.new_ticket(day(), "物业管理")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "ZJ")
    at = g.returns(t, at, (("ZJ", "22001", "SJ"), ("SJ", "23002", "DM")), {"*": "不属本单位职责。"}, ask_after=2)
    at = g.handle_ok(t, at, "DM", "32001")
    g.approve_visit_close(t, at)
    g.expect("near_miss", "BP-PINGPONG", t, note="ZJ→SJ→DM, two returns, no revisit")
    g.expect("near_miss", "BP-RETURNS", t, note="two returns only")

    # three units by 转办, ending at a fourth (no revisit)
    t = g.new_ticket(day(), "噪音扰民")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "HB")
    at = g.handovers(t, at, (("HB", "24001", "JT"), ("JT", "26002", "CG")), "现场查看。", "转办。",
                     check_after=3, pass_after=1)
    at = g.handle_ok(t, at, "CG", "21001")
    g.approve_visit_close(t, at)
    g.expect("near_miss", "BP-CYCLE", t, note="HB→JT→CG, no return to HB")

    # FC-INSTANT near miss: closure 25 min after sign-for but with a site check between
    t = g.new_ticket(day(), "道路破损")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "JT")
    at += timedelta(minutes=30)
    g.step(t, at, "签收", "26001", UNITS["JT"])
    at += timedelta(minutes=5)
    g.step(t, at, "联系市民", "26001", UNITS["JT"], note="联系市民，养护队正在现场。")
    at += timedelta(minutes=10)
    g.step(t, at, "现场核查", "26001", UNITS["JT"], note="养护队正在现场修补坑槽，已拍照。")
    at += timedelta(minutes=10)
    g.step(t, at, "申请办结", "26001", UNITS["JT"], note=g.reply_text(t, "JT", at), attach="修补照片.jpg")
    g.approve_visit_close(t, at)
    g.expect("near_miss", "FC-INSTANT", t, note="fast closure with a site check recorded")

    # FC-NO-EVIDENCE near miss: no attachment, but the reply says 已拍照留存, contact before
    t = g.new_ticket(day(), "油烟扰民")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "HB")
    at = g.handle_ok(t, at, "HB", "24002", attach="",
                     reply=None)
    # rewrite the closure request's note to state the photos
    g.flows[-1]["处理意见"] += "整改前后情况已拍照留存。"
    g.approve_visit_close(t, at)
    g.expect("near_miss", "FC-NO-EVIDENCE", t, note="no 附件, the reply says 已拍照留存; a call before")

    # closure sent back once
    t = g.new_ticket(day(), "物业管理")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "ZJ")
    at = g.handle_ok(t, at, "ZJ", "22001")
    at += timedelta(hours=3)
    g.step(t, at, "办结审核退回", r.choice(REVIEWERS), CENTRE, note="请补充电梯恢复运行的时间。")
    at += timedelta(hours=20)
    g.step(t, at, "申请办结", "22001", UNITS["ZJ"], note=g.reply_text(t, "ZJ", at), attach="电梯照片.jpg")
    g.approve_visit_close(t, at)
    g.expect("near_miss", "FC-REJECTED-CLOSURES", t, note="closure sent back once")

    # visit not reached: no verdict
    t = g.clean(day(), "价格投诉")
    for v in g.visits:
        if v["工单编号"] == t["工单编号"]:
            v.update({"联系情况": "未联系上", "是否解决": "", "满意度": "", "回访内容": "电话无人接听。"})
    t["回访满意度"], t["解决情况"] = "未联系上", ""
    g.expect("near_miss", "FC-UNRESOLVED", t, note="visit not reached (未联系上)")

    # basically satisfied
    t = g.new_ticket(day(), "噪音扰民")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "HB")
    at = g.handle_ok(t, at, "HB", "24001")
    g.approve_visit_close(t, at, sat="2 基本满意")
    g.expect("near_miss", "DS-UNSATISFIED", t, note="2 基本满意")

    # genuine visitor, the unit also called the citizen
    t = g.clean(day(), "占道经营")
    g.expect("near_miss", "MS-VISIT-BY-HANDLER", t, note="the visit by a centre visitor; the unit called before")

    # visit with an outbound call two hours earlier
    t = g.new_ticket(day(), "供水问题")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "SW")
    at = g.handle_ok(t, at, "SW", "25002")
    end = g.approve_visit_close(t, at, visitor="10401", call=False)
    vt = [f for f in g.flows if f["工单编号"] == t["工单编号"] and f["环节名称"] == "回访"][0]["_at"]
    g.call(t, "10401", t["来电号码"], vt - timedelta(hours=2), "呼出", answered=True)
    g.expect("near_miss", "MS-VISIT-NO-CALL", t, note="outbound answered call two hours before the visit, no 录音编号")

    # same matter again 45 days after a satisfied close (outside 30 days)
    t = g.new_ticket(datetime(2026, 1, 8, 10, 5), "道路破损")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "JT")
    at = g.handle_ok(t, at, "JT", "26002")
    end = g.approve_visit_close(t, at)
    t2 = g.new_ticket(end + timedelta(days=45), "道路破损", address=t["事发地址"])
    at = g.dispatch(t2, t2["_t"] + timedelta(minutes=10), "JT")
    at = g.handle_ok(t2, at, "JT", "26001")
    g.approve_visit_close(t2, at)
    g.expect("near_miss", "MS-SATISFIED-REPEAT", t, note=f"same matter 45 days later ({t2['工单编号']})")

    # unreached visit, then the same place on another category 10 days later
    t = g.new_ticket(day(), "占道经营")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "CG")
    at = g.handle_ok(t, at, "CG", "21001")
    end = g.approve_visit_close(t, at, reached="未联系上")
    t2 = g.new_ticket(end + timedelta(days=10), "油烟扰民", address=t["事发地址"])
    at = g.dispatch(t2, t2["_t"] + timedelta(minutes=10), "HB")
    at = g.handle_ok(t2, at, "HB", "24001")
    g.approve_visit_close(t2, at)
    g.expect("near_miss", "FC-REPEAT-AFTER-CLOSE", t, note=f"same address, other category ({t2['工单编号']})")

    # a detailed reply that opens with a formula
    t = g.new_ticket(day(), "占道经营")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "CG")
    at = g.handle_ok(t, at, "CG", "21002", reply="您好，您反映的问题已收悉。" + g.reply_text(t, "CG", at) + "感谢您的监督。")
    g.approve_visit_close(t, at)
    g.expect("near_miss", "PR-BOILERPLATE", t, note="a formula around a specific reply")

    # a relevant reply in other words
    t = g.new_ticket(day(), "油烟扰民", content=None)
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "HB")
    at = g.handle_ok(t, at, "HB", "24002",
                     reply="执法人员到店检查，该店未安装净化装置，已下达责令改正通知书，要求五日内完成安装，逾期将依法处罚，已电话告知来电人。")
    g.approve_visit_close(t, at)
    g.expect("near_miss", "PR-OFF-TOPIC", t, note="relevant reply in other words")

    # one detailed reply sent to the three tickets of one matter (duplicates handled together)
    addr = g.address()
    start = day()
    dup = [g.new_ticket(start + timedelta(hours=3 * k), "价格投诉", address=addr) for k in range(3)]
    detail = (f"市场监管局执法人员{start.month}月{start.day + 1}日到{addr}该超市核查，三处货架价签未随促销更新，"
              "已责令超市按标价退还差价并当场更换价签，超市已向三位来电人退款。")
    for tt in dup:
        at = g.dispatch(tt, tt["_t"] + timedelta(minutes=10), "SJ")
        at = max(at, dup[-1]["_t"])
        at = g.handle_ok(tt, at, "SJ", "23002", reply=detail)
        g.approve_visit_close(tt, at)
    g.expect("near_miss", "PR-IDENTICAL", dup[0], note="one detailed reply on three tickets of one matter")

    # forwarded down, the unit reminds and calls the citizen itself before closing
    t = g.new_ticket(day(), "违章搭建")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "CG")
    at += timedelta(minutes=40)
    g.step(t, at, "签收", "21002", UNITS["CG"])
    at += timedelta(minutes=30)
    g.step(t, at, "下派", "21002", UNITS["CG"], UNITS["DM"], note="请大明湖街道核实处理。")
    at += timedelta(days=1)
    g.step(t, at, "催办", "21002", UNITS["CG"], target=UNITS["DM"], note="请加快处理并反馈。")
    at += timedelta(days=1)
    g.step(t, at, "街道回复", "32001", UNITS["DM"], target=UNITS["CG"], note="已督促当事人拆除。", attach="拆除照片.jpg")
    at += timedelta(hours=2)
    g.step(t, at, "联系市民", "21002", UNITS["CG"], note="回访市民确认已拆除。")
    at += timedelta(hours=1)
    g.step(t, at, "申请办结", "21002", UNITS["CG"], note=g.reply_text(t, "CG", at), attach="拆除照片.jpg")
    g.approve_visit_close(t, at)
    g.expect("near_miss", "FF-NO-FOLLOW-UP", t, note="下派 with 催办 and the unit's own call")

    # timely extension: closure after the original 办理时限, before the approved one (only in 延期申请)
    t = g.new_ticket(day(), "房屋漏水")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "ZJ")
    at = g.sign_and_call(t, at, "ZJ", "22002", "联系市民约定入户查看。")
    at += timedelta(days=3)
    g.step(t, at, "现场核查", "22002", UNITS["ZJ"], note="入户查看，需等待晴天施工。")
    due = t["_due"]
    at = due - timedelta(days=1)
    g.step(t, at, "申请延期", "22002", UNITS["ZJ"], note="连续降雨无法进行防水施工，申请延期。")
    new_due = due + timedelta(days=7)
    g.exts.append({"工单编号": t["工单编号"], "申请时间": fmt(at), "申请人工号": "22002", "申请单位": UNITS["ZJ"],
                   "原办理时限": fmt(due), "申请延期至": fmt(new_due), "延期原因": "连续降雨无法施工。", "审核结果": "同意",
                   "审核时间": fmt(at + timedelta(hours=2)), "审核人工号": "10302", "批准延期至": fmt(new_due)})
    g.step(t, at + timedelta(hours=2), "同意延期", "10302", CENTRE, note="同意延期。")
    at = due + timedelta(days=3)
    g.step(t, at, "过程记录", "22002", UNITS["ZJ"], note="防水施工已开始。")
    at += timedelta(days=1)
    g.step(t, at, "申请办结", "22002", UNITS["ZJ"], note=g.reply_text(t, "ZJ", at), attach="防水施工照片.jpg")
    g.approve_visit_close(t, at)
    g.expect("near_miss", "DL-OVERDUE", t, note="closure after the original deadline, before the approved extension")

    # two extension requests, both refused (不同意延期); closed in time
    t = g.new_ticket(day(), "违章搭建")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "CG")
    at = g.sign_and_call(t, at, "CG", "21001", "联系市民确认搭建位置。")
    for _k in range(2):
        at += timedelta(days=2)
        g.step(t, at, "申请延期", "21001", UNITS["CG"], note="当事人外出，无法入户，申请延期。")
        g.exts.append({"工单编号": t["工单编号"], "申请时间": fmt(at), "申请人工号": "21001", "申请单位": UNITS["CG"],
                       "原办理时限": fmt(t["_due"]), "申请延期至": fmt(t["_due"] + timedelta(days=10)),
                       "延期原因": "当事人外出，无法入户。", "审核结果": "不同意", "审核时间": fmt(at + timedelta(hours=2)),
                       "审核人工号": "10301", "批准延期至": ""})
        g.step(t, at + timedelta(hours=2), "不同意延期", "10301", CENTRE, note="时限内可以完成，不同意延期。")
    at += timedelta(days=1)
    at = g.handle_ok(t, at, "CG", "21001", contact=False)
    g.approve_visit_close(t, at)
    g.expect("near_miss", "DL-EXTENSIONS", t, note="two extension requests (both refused), closed in time")

    # a six-day gap
    t = g.new_ticket(day(), "违章搭建")
    at = g.dispatch(t, t["_t"] + timedelta(minutes=10), "CG")
    at = g.sign_and_call(t, at, "CG", "21001", "联系市民。")
    at += timedelta(days=6)
    g.step(t, at, "现场核查", "21001", UNITS["CG"], note="现场核查。")
    at += timedelta(hours=3)
    g.step(t, at, "申请办结", "21001", UNITS["CG"], note=g.reply_text(t, "CG", at), attach="现场照片.jpg")
    g.approve_visit_close(t, at)
    g.expect("near_miss", "DL-IDLE", t, note="a six-day gap")

    # three tickets at one address, three categories
    addr = g.address()
    start = day()
    for k, cat in enumerate(("噪音扰民", "占道经营", "道路破损")):
        tt = g.clean(start + timedelta(days=2 * k), cat, address=addr)
    g.expect("near_miss", "RC-REPEAT", tt, note="same address, three categories")

    # look like misconduct, are not
    for cat, uk, text, rule, kind in (
        ("噪音扰民", "HB", "{a}邻居家的狗天天叫，我上门沟通反被邻居骂了一顿，希望有关部门协调处理噪音问题。", "HA-HOSTILE", "投诉"),
        ("物业管理", "ZJ", "{a}小区物业通知每户交200元电梯维修基金，想咨询收取是否合理、有没有文件依据。", "GR-GRAFT", "咨询"),
        ("物业管理", "DM", "{a}社区重阳节组织老年人聚餐，费用由老人自愿AA，想咨询能否借用社区活动室。", "IB-BANQUET", "咨询"),
        ("价格投诉", "SJ", "{a}超市会员卡积分被清零，客服说是系统调整，要求恢复积分。", "EM-EMBEZZLE", "投诉"),
    ):
        a = g.address()
        t = g.new_ticket(day(), cat, address=a, content=text.format(a=a), kind=kind)
        at = g.dispatch(t, t["_t"] + timedelta(minutes=10), uk)
        at = g.handle_ok(t, at, uk, HANDLERS[uk][-1])
        g.approve_visit_close(t, at)
        g.expect("near_miss", rule, t, note="looks like a report, is not")

    # ================= clean tickets =================
    for cat in ("占道经营", "房屋漏水", "食品安全", "噪音扰民", "供水问题", "道路破损", "物业管理", "价格投诉",
                "油烟扰民", "违章搭建", "食品安全", "供水问题"):
        t = g.clean(day(), cat)
        g.expect("clean", "", t)

    # a supervision order and its record on a clean ticket
    t = g.tickets[-1]
    sup_at = t["_t"] + timedelta(days=2)
    g.sups.append({"工单编号": t["工单编号"], "督办时间": fmt(sup_at), "督办人工号": SUPERVISOR, "被督办单位": UNITS[t["_unit"]],
                   "督办期次": "2026年第3期", "督办级别": "一级", "督办意见": "请加快办理进度。",
                   "反馈时限": fmt(sup_at + timedelta(days=2))})
    # abandoned inbound calls, not linked to a ticket
    for k in range(12):
        d = datetime(2026, 2, 2, 9, 0) + timedelta(minutes=17 * k)
        g.call(None, r.choice(AGENTS), g.phone(), d, "呼入", answered=False, ticket=False)
    return g


def write(g: Gen, out: Path) -> None:
    exp = out / "export"
    exp.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "工单基本信息"
    cols = ["工单编号", "受理日期", "受理时间", "来电人", "来电号码", "诉求类型", "问题分类", "紧急程度", "事发地址", "诉求内容",
            "主办单位", "办理时限", "工单状态", "办结时间", "回访满意度", "解决情况"]
    ws.append(["历下区12345政务服务热线工单导出（2026年1月1日—2026年3月31日）"])
    ws.append(["导出人：区监委第三监督检查室    导出时间：2026/4/1 10:02"])
    ws.append([])
    ws.append(cols)
    tickets = sorted(g.tickets, key=lambda t: t["_t"])
    for i, t in enumerate(tickets):
        ws.append([t[c] for c in cols])
        if i % 23 == 22:
            ws.append([])   # blank padding rows, as the platform pages its export
    ws.append([])
    ws.append([f"合计：{len(tickets)}件"])

    ws = wb.create_sheet("处理过程")
    fcols = ["序号", "工单编号", "环节名称", "处理时间", "处理人工号", "处理部门", "流向部门", "处理意见", "附件"]
    ws.append(fcols)
    order = {t["工单编号"]: t["_t"] for t in tickets}
    for f in sorted(g.flows, key=lambda f: (order[f["工单编号"]], f["工单编号"], f["_at"], f["序号"])):
        ws.append([f[c] for c in fcols])

    for name, rows in (("延期申请", g.exts), ("回访记录", g.visits), ("督办记录", g.sups)):
        ws = wb.create_sheet(name)
        ws.append(list(rows[0].keys()))
        for row in rows:
            ws.append(list(row.values()))

    ws = wb.create_sheet("人员信息")
    ws.append(["工号", "姓名", "所属单位", "岗位"])
    rng = random.Random(1)
    for uk, ids in HANDLERS.items():
        for p in ids:
            ws.append([p, rng.choice(SURNAMES) + rng.choice("伟芳娜敏静强磊军洋勇艳杰涛明超"), UNITS[uk], "承办人"])
    for ids, post in ((AGENTS, "话务员"), (DISPATCHERS, "派单员"), (REVIEWERS, "审核员"), (VISITORS, "回访员"),
                      ([SUPERVISOR], "督办员")):
        for p in ids:
            ws.append([p, rng.choice(SURNAMES) + rng.choice("伟芳娜敏静强磊军洋勇艳杰涛明超"), CENTRE, post])

    ws = wb.create_sheet("单位信息")
    ws.append(["单位编码", "单位名称", "上级单位"])
    ws.append(["370100000", "市12345热线中心", ""])
    ws.append(["370102000", "历下区人民政府", ""])
    for _uk, u in UNITS.items():
        code, name = u.split("-")
        ws.append([code, name, "370102000"])
    wb.save(exp / "工单导出_20260401.xlsx")

    calls = sorted(g.calls, key=lambda c: c["振铃时间"])
    with open(exp / "话务记录.txt", "w", encoding="utf-16", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\r\n")
        w.writerow(list(calls[0].keys()))
        for c in calls:
            w.writerow(list(c.values()))

    with open(out / "expected.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["kind", "family", "rule", "ticket", "person", "unit", "note"])
        w.writeheader()
        w.writerows(g.expected)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=6)
    a = ap.parse_args()
    g = build(a.seed)
    write(g, Path(a.out))
    kinds = {}
    for e in g.expected:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    print(f"{len(g.tickets)} tickets, {len(g.flows)} flow rows, {len(g.visits)} visits, {len(g.exts)} extensions, "
          f"{len(g.calls)} calls; expected {kinds}; rules fired: {len({e['rule'] for e in g.expected if e['kind'] == 'fire'})}")


if __name__ == "__main__":
    main()
