"""Blind test 14: a 澜江市 platform's report-style export (报表式导出), as an .xlsx and as an XML Spreadsheet 2003 ".xls".

    python tools/blind14/blind_export.py --out DIR [--seed N]

Writes DIR/export/ (the delivery) and DIR/expected.csv (kind fire / near_miss / clean, family, rule, ticket,
person, unit, note — the format tools/blind5/score.py reads). Needs openpyxl (already a dependency).

The delivery, as a city platform's "报表导出" writes it (one sheet, 工单办理情况明细表):
- a title row and a 制表人/导出时间/统计期间 line merged across the sheet, then a **two-row header** (工单基本信息 /
  办理过程 merged over the column names, 序号 and 工单编号 merged down over both rows);
- per ticket: **a ticket row** (受理时间 a date cell, 办理期限 a bare Excel serial without a date format, 办结时间 text
  「2026年3月5日 14:20」, 回访结果 满意/基本满意/不满意/未接通 and 是否解决) with its flow columns empty, **followed by
  its flow rows** (环节名称, 办理时间 as 「2026年3月5日 14:20」 text, 办理人, 工号, 办理单位, 流转对象, 附件, 备注) whose
  ticket columns are blank — 序号 and 工单编号 are **merged down** over the ticket's whole block;
- tickets grouped by 承办单位 with a 「小计」 line after each group and a 「合计」 line at the end;
- 备注 mixes the reply text (办结申请), reasons (退回申请, 平级转办, 延期申请), verdicts and the visit's words
  (「满意度：基本满意；已解决。市民表示…」, 「未接通，连续三次无人接听」).
Files:
- `工单办理情况明细表_2026Q1.xlsx` — openpyxl, merged ranges;
- `工单办理情况明细表_2026Q1.xls` — the same sheet as **SpreadsheetML 2003 XML** (`<Workbook xmlns="urn:schemas-
  microsoft-com:office:spreadsheet">`, ss:MergeAcross / ss:MergeDown / ss:Index cells, a DateTime-typed 受理时间);
- `话务记录_2026Q1.csv` — call records (GBK): 通话流水号, 呼叫方向 (呼入/呼出), 主叫号码, 被叫号码, 坐席工号,
  关联工单, 振铃时间, 应答时间 (empty: not answered), 挂机时间.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

CENTRE = "澜江市12345热线服务中心"
CG, HB, ZJ, SJ, JT, SL = ("澜江市城市管理和综合执法局", "澜江市生态环境局", "澜江市住房和城乡建设局",
                          "澜江市市场监督管理局", "澜江市交通运输局", "澜江市水利局")
JB, BJ, WC, QX = "江北街道办事处", "滨江街道办事处", "望城街道办事处", "清溪街道办事处"
PEOPLE = {  # 工号 → (姓名, 单位)
    "20311": ("郑晓燕", CENTRE), "20312": ("邹蕾", CENTRE),       # intake / report clerk
    "20321": ("彭宇", CENTRE), "20322": ("蒋琪", CENTRE),         # dispatchers
    "20331": ("贺敏", CENTRE), "20332": ("秦雯", CENTRE),         # reviewers
    "20341": ("苏倩", CENTRE), "20342": ("方莹", CENTRE),         # visitors
    "31101": ("袁志强", CG), "31102": ("江海", CG),
    "31201": ("潘婷", HB), "31202": ("雷鸣", HB),
    "31301": ("汪洋", ZJ), "31302": ("董建国", ZJ),
    "31401": ("崔丽", SJ), "31402": ("范文博", SJ),
    "31501": ("石磊", JT), "31601": ("龙飞", SL),
    "41101": ("廖春梅", JB), "41201": ("熊涛", BJ), "41301": ("严俊", WC), "41401": ("魏红", QX),
}
HANDLER = {}
for _code, (_n, _u) in PEOPLE.items():
    HANDLER.setdefault(_u, _code)
CATS = {  # 问题类别 → (unit, complaint, reply)
    "噪声污染": (HB, "{addr}{what}的搅拌站每天凌晨还在作业，噪声很大，老人孩子都睡不着觉。",
             "经核查，{addr}搅拌站夜间作业噪声属实，生态环境局已于{day}下达责令改正通知，要求其22时后停止作业，并已电话告知市民。"),
    "流动摊贩": (CG, "{addr}{what}每天傍晚流动摊贩聚集，堵住了消防通道，垃圾也没人清理。",
             "经现场核查，{addr}流动摊贩占用消防通道属实，执法队员已于{day}进行清理，并安排每日傍晚定点巡查，已回复市民。"),
    "环境卫生": (CG, "{addr}{what}的垃圾站满溢好几天了，苍蝇很多，气味难闻。",
             "经核查，{addr}垃圾站满溢属实，已于{day}调派压缩车清运完毕，清运频次调整为每日两次，已告知市民。"),
    "房屋维修": (ZJ, "{addr}{what}楼顶防水层破损，一下雨顶楼就漏水，找了物业一个月也没修。",
             "经核查，{addr}楼顶渗漏属实，住建局已于{day}督促物业动用维修资金修补防水层，已完工并回复市民。"),
    "价格投诉": (SJ, "{addr}{what}一家药店同一种药标价和结账价格不一致，多收了钱。",
             "经核查，{addr}该药店存在价签与结算价不一致问题，市场监管局已于{day}立案并责令退还多收款项，已告知市民。"),
    "公交出行": (JT, "{addr}{what}的公交站台顶棚被风刮坏了，下雨没法等车。",
             "经现场查看，{addr}公交站台顶棚损坏属实，交通运输局已于{day}完成更换，已回复市民。"),
    "河道治理": (SL, "{addr}{what}的河道里漂满了垃圾，还有一股臭味。",
             "经核查，{addr}河道漂浮物较多属实，水利局已于{day}组织保洁船打捞，并增加巡河频次，已告知市民。"),
}
ROADS = ["澜江大道", "滨江路", "望城路", "清溪路", "江北路", "青松街", "梧桐路", "玉带路", "金沙街", "银杏路",
         "翠湖路", "白鹭街", "凤凰路", "紫荆路", "书院街", "新民路", "兴业路", "茶山路", "渔港路", "云台街"]
PLACES = ["小区", "花苑", "名都", "雅居", "广场", "农贸市场", "公园", "中学"]
WHAT = ["东侧", "北门", "附近", "对面", "一带", "路口", "南侧", "后面"]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
STOCK = "您反映的问题已收到，我单位高度重视，已安排专人跟进，请耐心等待。"


def cn_time(t):
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"


def serial(t):
    return round((t - datetime(1899, 12, 30)).total_seconds() / 86400, 6)


class Ticket:
    def __init__(self, city, no, at, cat, addr, content=None, kind="投诉", limit_days=7):
        self.city, self.no, self.at, self.cat, self.addr, self.kind = city, no, at, cat, addr, kind
        unit, ctext, self.rtext = CATS[cat]
        self.unit = unit
        self.content = content or ctext.format(addr=addr, what=city.rng.choice(WHAT))
        self.caller = city.rng.choice(SURNAMES) + city.rng.choice(["先生", "女士"])
        self.phone = "1" + city.rng.choice("3579") + "".join(city.rng.choice("0123456789") for _ in range(9))
        self.due = (at + timedelta(days=limit_days)).replace(hour=17, minute=30, second=0)
        self.flows, self.t = [], at
        self.status, self.finish, self.lead = "办理中", None, unit
        self.visit_word, self.solved = "", ""

    def step(self, word, who, minutes=30, to="", note="", files="", at=None):
        self.t = at or self.t + timedelta(minutes=minutes + self.city.rng.randint(0, 9))
        self.flows.append(dict(word=word, who=who, at=self.t, to=to, note=note, files=files))
        if word in ("派发", "平级转办") and to:
            self.lead = to
        return self

    def dispatch(self, unit, who="20321", minutes=15):
        return self.step("派发", who, minutes, to=unit, note="请按职责核实处理，按期答复。")

    def take(self, who, minutes=40):
        return self.step("接单", who, minutes)

    def phone_call(self, who, minutes=80):
        return self.step("电话联系", who, minutes, note="已电话联系诉求人，核实具体位置和诉求。")

    def look(self, who, minutes=500):
        return self.step("实地查看", who, minutes, note="工作人员到现场查看，情况属实。")

    def reply(self):
        return self.rtext.format(addr=self.addr, day=f"{(self.t + timedelta(days=1)).month}月"
                                                    f"{(self.t + timedelta(days=1)).day}日")

    def ask_close(self, who, minutes=1100, text=None, files=None):
        files = f"整改照片_{self.no[-4:]}.jpg" if files is None else files
        return self.step("办结申请", who, minutes, note=text or self.reply(), files=files)

    def approve(self, who="20331", minutes=150):
        self.step("办结审核通过", who, minutes, note="答复内容属实，同意办结。")
        self.status, self.finish = "已办结", self.t
        return self

    def visit(self, who="20341", minutes=1500, sat="满意", solved="已解决", reached=True, call=True,
              remark="市民对处理结果表示认可。"):
        self.t = self.t + timedelta(minutes=minutes + self.city.rng.randint(0, 30))
        if call:
            self.city.call(self, self.t - timedelta(minutes=4), reached, who)
        if reached:
            note = f"满意度：{sat}；{solved}。{remark}"
            self.visit_word, self.solved = sat, solved
        else:
            note = remark or "未接通。"
            self.visit_word, self.solved = "未接通", ""
        self.flows.append(dict(word="回访", who=who, at=self.t, to="", note=note, files=""))
        self.status = "已回访"
        return self

    def normal(self, unit=None, text=None, sat="满意", solved="已解决", visitor="20341"):
        h = HANDLER[unit or self.unit]
        self.dispatch(unit or self.unit).take(h).phone_call(h).look(h)
        return self.ask_close(h, text=text).approve().visit(visitor, sat=sat, solved=solved)


class City:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.tickets, self.expected, self.calls = [], [], []
        self.n = 0
        self.places = [(r, p) for r in ROADS for p in PLACES]
        self.rng.shuffle(self.places)
        self.house = 0

    def address(self):
        self.house += 1
        road, place = self.places[self.house]
        return f"澜江市{road}{self.house * 7 + 2}号{place}"

    def ticket(self, day, cat, addr=None, **kw):
        self.n += 1
        at = datetime(2026, 1, 4, 8, 20) + timedelta(days=day, minutes=self.rng.randint(0, 500))
        no = f"LJ{at:%y%m%d}{self.n:05d}"
        t = Ticket(self, no, at, cat, addr or self.address(), **kw)
        self.tickets.append(t)
        return t

    def call(self, t, at, answered, agent):
        cid = f"CR{at:%Y%m%d%H%M%S}{len(self.calls):04d}"
        self.calls.append(dict(id=cid, dir="呼出", caller="0731-12345", callee=t.phone, agent=agent, order=t.no,
                               ring=at, answer=at + timedelta(seconds=9) if answered else None,
                               hangup=at + timedelta(seconds=240 if answered else 35)))

    def expect(self, kind, family, rule, t, person="", unit="", note=""):
        self.expected.append(dict(kind=kind, family=family, rule=rule, ticket=t.no, person=person, unit=unit,
                                  note=note))


def plant(c: City):  # noqa: C901 - one scenario, read top to bottom
    # --- buck passing ----------------------------------------------------------------------------------------------
    t = c.ticket(1, "流动摊贩")  # BP-RETURNS: 城管 asks twice (once refused), 住建 once
    t.dispatch(CG).take("31101").phone_call("31101").step("退回申请", "31101", 70, note="该区域为小区内部道路，不属我局执法范围。")
    t.step("不同意退回", "20331", 110, note="消防通道占用属综合执法职责，请继续办理。")
    t.phone_call("31102").step("退回申请", "31102", 180, note="经核实摊贩位于物业管理区域，应由住建部门督促物业处理。")
    t.step("同意退回", "20331", 80, note="同意退回，重新派发。")
    t.dispatch(ZJ).take("31301").phone_call("31301").step("退回申请", "31301", 90, note="市政道路不属住建职责。")
    t.step("同意退回", "20332", 70, note="同意退回。")
    t.dispatch(JB).take("41101").phone_call("41101").look("41101").ask_close("41101").approve().visit()
    c.expect("fire", "buck_passing", "BP-RETURNS", t, "31102", CG, "3 return requests, 城管 twice")
    t = c.ticket(2, "流动摊贩")  # near miss: two returns through three units
    t.dispatch(CG).take("31101").phone_call("31101").step("退回申请", "31101", 70, note="属交通部门管理的公交港湾。")
    t.step("同意退回", "20331", 80, note="同意退回。")
    t.dispatch(JT).take("31501").phone_call("31501").step("退回申请", "31501", 70, note="摊贩管理不属交通职责。")
    t.step("同意退回", "20331", 80, note="同意退回。")
    t.dispatch(BJ).take("41201").phone_call("41201").look("41201").ask_close("41201").approve().visit()
    c.expect("near_miss", "buck_passing", "BP-RETURNS", t, note="two returns, A→B→C")

    t = c.ticket(3, "环境卫生")  # BP-PINGPONG by returns: 城管 → 住建 → 城管
    t.dispatch(CG).take("31102").phone_call("31102").step("退回申请", "31102", 90, note="小区内垃圾站属物业管理。")
    t.step("同意退回", "20332", 60, note="同意退回。")
    t.dispatch(ZJ).take("31302").phone_call("31302").step("退回申请", "31302", 90, note="该垃圾站为市政环卫设施。")
    t.step("同意退回", "20332", 60, note="同意退回。")
    t.dispatch(CG).take("31101").phone_call("31101").look("31101").ask_close("31101").approve().visit()
    c.expect("fire", "buck_passing", "BP-PINGPONG", t, "31102", CG, "A→B→A by approved returns")

    t = c.ticket(4, "公交出行")  # BP-PINGPONG by 平级转办: 交通 → 城管 → 交通
    t.dispatch(JT).take("31501").look("31501").step("平级转办", "31501", 60, to=CG, note="站台周边设施由城管维护。")
    t.take("31101").phone_call("31101").step("平级转办", "31101", 120, to=JT, note="公交站台属交通运输部门管理。")
    t.take("31501").phone_call("31501").ask_close("31501").approve().visit()
    c.expect("fire", "buck_passing", "BP-PINGPONG", t, "31501", JT, "A 转办 B, B 转办 back to A")
    t = c.ticket(5, "公交出行")  # near miss: one 转办 after a site check, B handles it
    t.dispatch(JT).take("31501").look("31501").step("平级转办", "31501", 60, to=CG, note="站台周边设施由城管维护。")
    t.take("31101").phone_call("31101").look("31101").ask_close("31101").approve().visit()
    c.expect("near_miss", "buck_passing", "BP-PINGPONG", t, note="A 转办 B after a check, B handles")

    t = c.ticket(6, "河道治理")  # BP-CYCLE: 水利 → 生态环境 → 城管 → 水利, each after a check
    t.dispatch(SL).take("31601").look("31601").step("平级转办", "31601", 60, to=HB, note="河道异味属水污染，由生态环境局处理。")
    t.take("31201").look("31201").step("平级转办", "31201", 60, to=CG, note="岸边垃圾属市容环卫，由城管处理。")
    t.take("31101").look("31101").step("平级转办", "31101", 60, to=SL, note="河道水面保洁属水利部门。")
    t.take("31601").phone_call("31601").look("31601").ask_close("31601").approve().visit()
    c.expect("fire", "buck_passing", "BP-CYCLE", t, "31601", SL, "A→B→C→A by 平级转办")
    t = c.ticket(7, "河道治理")  # near miss: A→B→C→D
    t.dispatch(SL).take("31601").look("31601").step("平级转办", "31601", 60, to=HB, note="河道异味属水污染。")
    t.take("31201").look("31201").step("平级转办", "31201", 60, to=CG, note="岸边垃圾属市容环卫。")
    t.take("31101").look("31101").step("平级转办", "31101", 60, to=QX, note="背街河沟属清溪街道管理。")
    t.take("41401").phone_call("41401").look("41401").ask_close("41401").approve().visit()
    c.expect("near_miss", "buck_passing", "BP-CYCLE", t, note="A→B→C→D, nobody revisited")

    t = c.ticket(8, "房屋维修")  # BP-NO-VERIFY: return 35 minutes after taking it, nothing checked
    t.dispatch(ZJ).take("31302").step("退回申请", "31302", 35, note="不属于我局职责范围。")
    t.step("同意退回", "20332", 60, note="同意退回。")
    t.dispatch(WC).take("41301").phone_call("41301").look("41301").ask_close("41301").approve().visit()
    c.expect("fire", "buck_passing", "BP-NO-VERIFY", t, "31302", ZJ, "return without contact or site check")
    t = c.ticket(9, "房屋维修")  # near miss: a site check before the return
    t.dispatch(ZJ).take("31302").look("31302").step("退回申请", "31302", 35, note="经实地查看系无物业老旧小区，属街道管理。")
    t.step("同意退回", "20332", 60, note="同意退回。")
    t.dispatch(WC).take("41301").phone_call("41301").look("41301").ask_close("41301").approve().visit()
    c.expect("near_miss", "buck_passing", "BP-NO-VERIFY", t, note="实地查看 before the return")

    t = c.ticket(10, "噪声污染")  # BP-REJECTED
    t.dispatch(HB).take("31202").phone_call("31202").step("退回申请", "31202", 60, note="建筑工地噪声应由住建部门管理。")
    t.step("不同意退回", "20331", 120, note="夜间工业噪声属生态环境部门职责，请继续办理。")
    t.look("31202").ask_close("31202").approve().visit()
    c.expect("fire", "buck_passing", "BP-REJECTED", t, "31202", HB, "return refused by the centre")
    t = c.ticket(11, "噪声污染")  # near miss: the return approved
    t.dispatch(HB).take("31202").phone_call("31202").step("退回申请", "31202", 60, note="广场舞噪声属社会生活噪声，应由街道处理。")
    t.step("同意退回", "20331", 120, note="同意退回。")
    t.dispatch(BJ).take("41201").phone_call("41201").look("41201").ask_close("41201").approve().visit()
    c.expect("near_miss", "buck_passing", "BP-REJECTED", t, note="return approved")

    # --- false closure ---------------------------------------------------------------------------------------------
    t = c.ticket(12, "环境卫生")  # FC-UNRESOLVED
    t.dispatch(CG).take("31101").phone_call("31101").look("31101").ask_close("31101").approve()
    t.visit(sat="基本满意", solved="未解决", remark="市民称垃圾站仍然满溢。")
    c.expect("fire", "false_closure", "FC-UNRESOLVED", t, "31101", CG, "visit: 未解决")
    t = c.ticket(13, "环境卫生")  # near miss: not reached
    t.dispatch(CG).take("31101").phone_call("31101").look("31101").ask_close("31101").approve()
    t.visit(reached=False, remark="未接通，连续三次无人接听。")
    c.expect("near_miss", "false_closure", "FC-UNRESOLVED", t, note="visit: 未接通")

    t = c.ticket(14, "流动摊贩")  # FC-INSTANT: closure asked 10 minutes after taking it
    t.dispatch(CG).take("31102").phone_call("31102", 4).ask_close("31102", 6).approve().visit()
    c.expect("fire", "false_closure", "FC-INSTANT", t, "31102", CG, "closure minutes after taking it")
    t = c.ticket(15, "流动摊贩")  # near miss: a site check between
    t.dispatch(CG).take("31102").phone_call("31102", 4).look("31102", 7).ask_close("31102", 9).approve().visit()
    c.expect("near_miss", "false_closure", "FC-INSTANT", t, note="site check between taking and closure")

    t = c.ticket(16, "价格投诉")  # FC-NO-EVIDENCE: no contact, no attachment
    t.dispatch(SJ).take("31402").look("31402").ask_close("31402", files="").approve().visit()
    c.expect("fire", "false_closure", "FC-NO-EVIDENCE", t, "31402", SJ, "no attachment, no contact")
    t = c.ticket(17, "价格投诉")  # near miss: contact and two attachments
    t.dispatch(SJ).take("31402").phone_call("31402").look("31402")
    t.ask_close("31402", files="现场检查笔录.pdf；退款凭证.jpg").approve().visit()
    c.expect("near_miss", "false_closure", "FC-NO-EVIDENCE", t, note="contact + 2 attachments")

    t = c.ticket(18, "公交出行")  # FC-REJECTED-CLOSURES: rejected twice
    t.dispatch(JT).take("31501").phone_call("31501").look("31501")
    t.ask_close("31501").step("办结审核退回", "20332", 120, note="未写明更换时间，请补充后重新提交。")
    t.look("31501").ask_close("31501").step("办结审核退回", "20332", 120, note="照片无法看清顶棚，请重新上传。")
    t.look("31501").ask_close("31501").approve("20332").visit()
    c.expect("fire", "false_closure", "FC-REJECTED-CLOSURES", t, "31501", JT, "closure refused twice")
    t = c.ticket(19, "公交出行")  # near miss: refused once
    t.dispatch(JT).take("31501").phone_call("31501").look("31501")
    t.ask_close("31501").step("办结审核退回", "20332", 120, note="请补充整改后照片。")
    t.look("31501").ask_close("31501").approve("20332").visit()
    c.expect("near_miss", "false_closure", "FC-REJECTED-CLOSURES", t, note="refused once")

    addr = c.address()  # FC-REPEAT-AFTER-CLOSE: not reached at the visit, the same matter 9 days after closing
    t = c.ticket(20, "河道治理", addr)
    t.dispatch(SL).take("31601").phone_call("31601").look("31601").ask_close("31601").approve()
    t.visit(reached=False, remark="未接通，对方关机。")
    c.expect("fire", "false_closure", "FC-REPEAT-AFTER-CLOSE", t, "31601", SL, "same matter again after closure")
    t2 = c.ticket(31, "河道治理", addr)
    t2.normal()
    c.expect("clean", "", "", t2, note="the repeat of the FC-REPEAT-AFTER-CLOSE ticket")
    addr = c.address()  # near miss: back after 46 days
    t = c.ticket(21, "河道治理", addr)
    t.dispatch(SL).take("31601").phone_call("31601").look("31601").ask_close("31601").approve()
    t.visit(reached=False, remark="未接通，无人接听。")
    c.expect("near_miss", "false_closure", "FC-REPEAT-AFTER-CLOSE", t, note="the same matter after 46 days")
    t2 = c.ticket(67, "河道治理", addr)
    t2.normal()
    c.expect("clean", "", "", t2, note="the late repeat of the near miss")

    # --- manufactured satisfaction ---------------------------------------------------------------------------------
    addr = c.address()  # MS-SATISFIED-REPEAT
    t = c.ticket(22, "噪声污染", addr)
    t.dispatch(HB).take("31201").phone_call("31201").look("31201").ask_close("31201").approve().visit()
    c.expect("fire", "manufactured_satisfaction", "MS-SATISFIED-REPEAT", t, "31201", HB, "满意, back in 9 days")
    t2 = c.ticket(33, "噪声污染", addr)
    t2.normal()
    c.expect("clean", "", "", t2, note="the repeat of the MS-SATISFIED-REPEAT ticket")
    addr = c.address()  # near miss: back after 52 days
    t = c.ticket(23, "噪声污染", addr)
    t.dispatch(HB).take("31201").phone_call("31201").look("31201").ask_close("31201").approve().visit()
    c.expect("near_miss", "manufactured_satisfaction", "MS-SATISFIED-REPEAT", t, note="back after 52 days")
    t2 = c.ticket(77, "噪声污染", addr)
    t2.normal()
    c.expect("clean", "", "", t2, note="the late repeat")

    t = c.ticket(24, "房屋维修")  # MS-VISIT-NO-CALL: a visit without any call
    t.dispatch(ZJ).take("31301").phone_call("31301").look("31301").ask_close("31301").approve()
    t.visit("20342", call=False)
    c.expect("fire", "manufactured_satisfaction", "MS-VISIT-NO-CALL", t, "20342", CENTRE, "no call record")
    t = c.ticket(25, "房屋维修")  # near miss: the visit's call is in the call records
    t.dispatch(ZJ).take("31301").phone_call("31301").look("31301").ask_close("31301").approve().visit("20342")
    c.expect("near_miss", "manufactured_satisfaction", "MS-VISIT-NO-CALL", t, note="a call supports the visit")

    t = c.ticket(26, "流动摊贩")  # MS-VISIT-BY-HANDLER
    t.dispatch(CG).take("31102").phone_call("31102").look("31102").ask_close("31102").approve()
    t.visit("31102", remark="已回访，市民满意。")
    c.expect("fire", "manufactured_satisfaction", "MS-VISIT-BY-HANDLER", t, "31102", CG, "handler visits")
    t = c.ticket(27, "流动摊贩")  # near miss: the visitor only sent a reminder before
    t.dispatch(CG).take("31102").phone_call("31102").step("催办", "20342", 600, note="请加快办理进度。")
    t.look("31102").ask_close("31102").approve().visit("20342")
    c.expect("near_miss", "manufactured_satisfaction", "MS-VISIT-BY-HANDLER", t, note="visitor sent a reminder")

    # --- dissatisfaction -------------------------------------------------------------------------------------------
    t = c.ticket(28, "价格投诉")
    t.dispatch(SJ).take("31401").phone_call("31401").look("31401").ask_close("31401").approve()
    t.visit(sat="不满意", solved="已解决", remark="市民认为退款太慢，对处理态度不满意。")
    c.expect("fire", "dissatisfaction", "DS-UNSATISFIED", t, "31401", SJ, "不满意")
    t = c.ticket(29, "价格投诉")
    t.dispatch(SJ).take("31401").phone_call("31401").look("31401").ask_close("31401").approve()
    t.visit(sat="基本满意", solved="已解决")
    c.expect("near_miss", "dissatisfaction", "DS-UNSATISFIED", t, note="基本满意")

    # --- perfunctory replies ---------------------------------------------------------------------------------------
    t = c.ticket(30, "环境卫生")
    t.dispatch(CG).take("31101").phone_call("31101").look("31101")
    t.ask_close("31101", text=STOCK).approve().visit()
    c.expect("fire", "perfunctory_reply", "PR-BOILERPLATE", t, "31101", CG, "stock phrases only")
    t = c.ticket(32, "环境卫生")
    t.dispatch(CG).take("31101").phone_call("31101").look("31101")
    t.ask_close("31101", text=f"经核查，{t.addr}垃圾站满溢属实，当天下午已调派两辆压缩车清运完毕，今后每日早晚各清运一次，"
                              "感谢您的监督，请耐心等待后续巡查。").approve().visit()
    c.expect("near_miss", "perfunctory_reply", "PR-BOILERPLATE", t, note="specific reply with one stock phrase")

    same = "经查该问题已转交物业服务企业协调处理，相关单位将按规定办理，感谢您对我们工作的理解和支持。"
    for day in (34, 41, 49):  # PR-IDENTICAL
        t = c.ticket(day, "房屋维修")
        t.dispatch(ZJ).take("31302").phone_call("31302").look("31302").ask_close("31302", text=same).approve().visit()
        c.expect("fire", "perfunctory_reply", "PR-IDENTICAL", t, "31302", ZJ, "same reply on three matters")
    near = "经核查，{}河道漂浮物系上游来水带入，水利局已组织保洁船打捞并在闸口加装拦污栅，已告知市民。"
    for day in (35, 42):
        t = c.ticket(day, "河道治理")
        t.dispatch(SL).take("31601").phone_call("31601").look("31601")
        t.ask_close("31601", text=near.format("城区")).approve().visit()
        c.expect("near_miss", "perfunctory_reply", "PR-IDENTICAL", t, note="the same reply on two tickets only")

    t = c.ticket(36, "噪声污染")  # PR-OFF-TOPIC
    t.dispatch(HB).take("31201").phone_call("31201").look("31201")
    t.ask_close("31201", text="关于您反映的医保报销比例问题，市医保局已明确门诊统筹报销比例为百分之五十，"
                              "具体可咨询参保地医保经办窗口。").approve().visit()
    c.expect("fire", "perfunctory_reply", "PR-OFF-TOPIC", t, "31201", HB, "a medical-insurance reply to noise")
    t = c.ticket(37, "噪声污染")
    t.normal()
    c.expect("near_miss", "perfunctory_reply", "PR-OFF-TOPIC", t, note="a relevant reply")

    # --- forward without follow-up ---------------------------------------------------------------------------------
    t = c.ticket(38, "流动摊贩")
    t.dispatch(CG).take("31101").step("下转", "31101", 60, to=JB, note="请江北街道核实处理并反馈。")
    t.take("41101").phone_call("41101").look("41101").step("基层反馈", "41101", 600, note="摊贩已劝离。")
    t.ask_close("31101", 120).approve().visit()
    c.expect("fire", "forward_no_follow_up", "FF-NO-FOLLOW-UP", t, "31101", CG, "closed on the street's word")
    t = c.ticket(39, "流动摊贩")
    t.dispatch(CG).take("31101").step("下转", "31101", 60, to=JB, note="请江北街道核实处理并反馈。")
    t.take("41101").step("催办", "31101", 1440, note="请尽快反馈处理结果。").phone_call("41101").look("41101")
    t.step("基层反馈", "41101", 600, note="摊贩已劝离。").phone_call("31101", 60)
    t.ask_close("31101", 120).approve().visit()
    c.expect("near_miss", "forward_no_follow_up", "FF-NO-FOLLOW-UP", t, note="reminder and own call after 下转")

    # --- delay -----------------------------------------------------------------------------------------------------
    t = c.ticket(43, "公交出行", limit_days=5)  # DL-OVERDUE
    t.dispatch(JT).take("31501").phone_call("31501").look("31501", 60 * 24 * 4).ask_close("31501", 60 * 24 * 3)
    t.approve().visit()
    c.expect("fire", "delay", "DL-OVERDUE", t, "31501", JT, "closure asked days after the deadline")
    t = c.ticket(44, "公交出行", limit_days=5)  # near miss: an approved extension covers it
    t.dispatch(JT).take("31501").phone_call("31501").look("31501", 60 * 24 * 2)
    new = t.due + timedelta(days=5)
    t.step("延期申请", "31501", 120, note=f"顶棚材料需定制，申请延期至{cn_time(new)[:-6]}。")
    t.step("延期审批通过", "20331", 120, note=f"同意延期至{new.year}年{new.month}月{new.day}日。")
    t.look("31501", 60 * 24 * 3).ask_close("31501", 60 * 24 * 2).approve().visit()
    c.expect("near_miss", "delay", "DL-OVERDUE", t, note="late against the first deadline, inside the extension")

    t = c.ticket(45, "房屋维修", limit_days=10)  # DL-EXTENSIONS: three requests
    t.dispatch(ZJ).take("31301").phone_call("31301").look("31301")
    due = t.due
    for _ in range(3):
        due = due + timedelta(days=5)
        t.step("延期申请", "31301", 600, note=f"防水材料需招标采购，申请延期至{due.month}月{due.day}日。")
        t.step("延期审批通过", "20331", 120, note="同意延期。")
        t.step("过程记录", "31301", 60 * 24 * 2, note="已督促物业公司启动维修资金申请。")
    t.ask_close("31301", 600).approve().visit()
    c.expect("fire", "delay", "DL-EXTENSIONS", t, "31301", ZJ, "three extension requests")
    t = c.ticket(46, "房屋维修", limit_days=10)  # near miss: two
    t.dispatch(ZJ).take("31301").phone_call("31301").look("31301")
    due = t.due
    for _ in range(2):
        due = due + timedelta(days=5)
        t.step("延期申请", "31301", 600, note=f"材料未到，申请延期至{due.month}月{due.day}日。")
        t.step("延期审批通过", "20331", 120, note="同意延期。")
        t.step("过程记录", "31301", 60 * 24 * 2, note="已督促物业公司。")
    t.ask_close("31301", 600).approve().visit()
    c.expect("near_miss", "delay", "DL-EXTENSIONS", t, note="two extension requests")

    t = c.ticket(47, "河道治理", limit_days=20)  # DL-IDLE: eleven quiet days
    t.dispatch(SL).take("31601").phone_call("31601").look("31601", 60 * 24 * 11).ask_close("31601").approve().visit()
    c.expect("fire", "delay", "DL-IDLE", t, "31601", SL, "11 days without an event in the unit's court")
    t = c.ticket(48, "河道治理", limit_days=20)  # near miss: five quiet days
    t.dispatch(SL).take("31601").phone_call("31601").look("31601", 60 * 24 * 5).ask_close("31601").approve().visit()
    c.expect("near_miss", "delay", "DL-IDLE", t, note="5 quiet days")

    # --- repeat complaints -----------------------------------------------------------------------------------------
    addr = c.address()
    rc = [c.ticket(52 + i, "噪声污染", addr) for i in range(3)]
    for i, t in enumerate(rc):
        t.t = t.at + timedelta(days=3 - i)
        t.normal()
    c.expect("fire", "repeat_complaint", "RC-REPEAT", rc[-1], "", HB, "three complaints, one place")
    addr = c.address()
    nm = [c.ticket(56, "噪声污染", addr), c.ticket(57, "噪声污染", addr),
          c.ticket(58, "噪声污染", addr, kind="咨询",
                   content=f"{addr}附近的搅拌站夜间作业需要办理什么审批手续？想咨询一下相关规定。")]
    for i, t in enumerate(nm):
        t.t = t.at + timedelta(days=3 - i)
        t.normal()
    c.expect("near_miss", "repeat_complaint", "RC-REPEAT", nm[-1], note="two complaints and a consultation")

    # --- citizens' reports -----------------------------------------------------------------------------------------
    t = c.ticket(60, "房屋维修", content="我到滨江街道办事处政务服务大厅办理房屋证明，窗口工作人员态度很差，冲我拍桌子吼叫，"
                                       "还说材料不全就别来烦他。")
    t.normal(BJ, text="滨江街道办事处已调取政务服务大厅当日监控，对该窗口工作人员进行通报批评并调整岗位，"
                      "房屋证明已为市民办理，并当面赔礼道歉。")
    c.expect("fire", "hostile_attitude", "HA-HOSTILE", t, "", BJ, "staff shouting at the citizen")
    t = c.ticket(61, "噪声污染", content="楼下邻居家的狗每天半夜叫，我去敲门沟通，对方还骂我多管闲事，请帮忙协调。")
    t.normal(WC, text="望城街道社区网格员已上门协调，邻居承诺夜间看管好宠物，双方已达成谅解，已告知市民。")
    c.expect("near_miss", "hostile_attitude", "HA-HOSTILE", t, note="a neighbour, not staff")

    t = c.ticket(62, "价格投诉", content="市场监管局执法人员王某到我药店检查，说给他三千块钱就不立案，"
                                       "我没给，他就说要从重处罚。")
    t.normal(SJ, text="市场监管局纪检组已受理该举报，正在核查执法人员检查过程及处罚情况，核查结果将书面告知市民。")
    c.expect("fire", "graft", "GR-GRAFT", t, "", SJ, "a demand for money")
    t = c.ticket(63, "价格投诉", content="想咨询一下药店价格公示需要交什么费用，办理药品经营许可证要多少钱。", kind="咨询")
    t.normal(SJ, text="已告知市民：价格公示和药品经营许可证办理均不收取费用，所需材料可在政务服务网查询。")
    c.expect("near_miss", "graft", "GR-GRAFT", t, note="a question about fees")

    t = c.ticket(64, "房屋维修", content="清溪街道某社区主任经常让小区物业公司请客吃饭，在酒楼大吃大喝，"
                                       "业主反映的漏水问题一直拖着不管。")
    t.normal(QX, text="清溪街道纪工委已受理该社区主任接受物业公司宴请的反映，正在调查核实，结果将告知市民。")
    c.expect("fire", "improper_banquet", "IB-BANQUET", t, "", QX, "community director dined by the property firm")
    t = c.ticket(65, "噪声污染", content="小区门口新开的烧烤店油烟很大，喝酒划拳的客人一直闹到凌晨两点。")
    t.normal(QX, text="清溪街道已联合市场监管所检查该烧烤店，责令其加装油烟净化器并控制营业时间，已告知市民。")
    c.expect("near_miss", "improper_banquet", "IB-BANQUET", t, note="a barbecue's fumes and noise")

    # --- clean tickets ---------------------------------------------------------------------------------------------
    cats = list(CATS)
    for i in range(14):
        t = c.ticket(66 + i % 18, cats[i % len(cats)])
        t.normal(visitor=c.rng.choice(["20341", "20342"]))
        c.expect("clean", "", "", t)


# --- the report sheet --------------------------------------------------------------------------------------------
TICKET_COLS = ["序号", "工单编号", "受理时间", "诉求人", "联系电话", "诉求类型", "问题类别", "事发地点", "诉求内容",
               "承办单位", "办理期限", "工单状态", "办结时间", "回访结果", "是否解决"]
FLOW_COLS = ["环节名称", "办理时间", "办理人", "工号", "办理单位", "流转对象", "附件", "备注"]
HEADER = TICKET_COLS + FLOW_COLS
NCOL = len(HEADER)


def report_rows(c: City):
    """Yield ('title'|'info'|'ticket'|'flow'|'subtotal'|'total', cells dict col-index → value, extra)."""
    groups = {}
    for t in sorted(c.tickets, key=lambda t: t.at):
        groups.setdefault(t.lead, []).append(t)
    order = [u for u in (CG, HB, ZJ, SJ, JT, SL, JB, BJ, WC, QX) if u in groups]
    n = 0
    for unit in order:
        for t in groups[unit]:
            n += 1
            cells = {0: n, 1: t.no, 2: ("dt", t.at), 3: t.caller, 4: t.phone, 5: t.kind, 6: t.cat, 7: t.addr,
                     8: t.content, 9: t.lead, 10: ("serial", t.due), 11: t.status,
                     12: cn_time(t.finish) if t.finish else "", 13: t.visit_word, 14: t.solved}
            yield "ticket", cells, len(t.flows)
            for f in t.flows:
                name, who_unit = PEOPLE[f["who"]]
                yield "flow", {15: f["word"], 16: cn_time(f["at"]), 17: name, 18: int(f["who"]), 19: who_unit,
                               20: f["to"], 21: f["files"], 22: f["note"]}, 0
        yield "subtotal", {0: f"{unit} 小计", 9: f"{len(groups[unit])}件"}, 0
    yield "total", {0: "合计", 9: f"{n}件"}, 0


TITLE = "澜江市12345政务服务便民热线工单办理情况明细表"
INFO = "制表人：郑晓燕　　导出时间：2026年4月2日 09:31　　统计期间：2026年1月1日至2026年3月31日"


def write_xlsx(path, c: City):
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter as L

    wb = Workbook()
    ws = wb.active
    ws.title = "工单办理明细"
    ws.append([TITLE])
    ws.merge_cells(f"A1:{L(NCOL)}1")
    ws.append([INFO])
    ws.merge_cells(f"A2:{L(NCOL)}2")
    ws.append(["序号", "工单编号", "工单基本信息"] + [None] * 12 + ["办理过程"] + [None] * 7)
    ws.append([None, None] + HEADER[2:])
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.merge_cells(f"C3:{L(15)}3")
    ws.merge_cells(f"{L(16)}3:{L(NCOL)}3")
    r = 4
    block_start = None
    for kind, cells, nflows in report_rows(c):
        r += 1
        for ci, v in cells.items():
            cell = ws.cell(row=r, column=ci + 1)
            if isinstance(v, tuple) and v[0] == "dt":
                cell.value = v[1]
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(v, tuple) and v[0] == "serial":
                cell.value = serial(v[1])  # a date that lost its format: a bare serial number
            else:
                cell.value = v if v != "" else None
        if kind == "ticket":
            block_start = r
            if nflows:
                ws.merge_cells(f"A{r}:A{r + nflows}")
                ws.merge_cells(f"B{r}:B{r + nflows}")
        elif kind in ("subtotal", "total"):
            ws.merge_cells(f"A{r}:I{r}")
    del block_start
    wb.save(path)


def write_spreadsheetml(path, c: City):
    def cell(v, index=None, extra=""):
        idx = f' ss:Index="{index}"' if index else ""
        if isinstance(v, tuple) and v[0] == "dt":
            return f'<Cell{idx}{extra} ss:StyleID="dt"><Data ss:Type="DateTime">{v[1]:%Y-%m-%dT%H:%M:%S}.000</Data></Cell>'
        if isinstance(v, tuple) and v[0] == "serial":
            return f'<Cell{idx}{extra}><Data ss:Type="Number">{serial(v[1])}</Data></Cell>'
        if isinstance(v, int):
            return f'<Cell{idx}{extra}><Data ss:Type="Number">{v}</Data></Cell>'
        return f'<Cell{idx}{extra}><Data ss:Type="String">{escape(str(v))}</Data></Cell>'

    rows = []
    rows.append(f'<Row ss:Height="28">{cell(TITLE, extra=f" ss:MergeAcross={chr(34)}{NCOL - 1}{chr(34)}")}</Row>')
    rows.append(f'<Row>{cell(INFO, extra=f" ss:MergeAcross={chr(34)}{NCOL - 1}{chr(34)}")}</Row>')
    rows.append("<Row>" + cell("序号", extra=' ss:MergeDown="1"') + cell("工单编号", extra=' ss:MergeDown="1"')
                + cell("工单基本信息", extra=' ss:MergeAcross="12"') + cell("办理过程", extra=' ss:MergeAcross="7"')
                + "</Row>")
    rows.append("<Row>" + cell(HEADER[2], index=3) + "".join(cell(h) for h in HEADER[3:]) + "</Row>")
    for kind, cells, nflows in report_rows(c):
        parts, prev = [], -1
        for ci in sorted(cells):
            v = cells[ci]
            if v == "" or v is None:
                continue
            extra = ""
            if kind == "ticket" and ci in (0, 1) and nflows:
                extra = f' ss:MergeDown="{nflows}"'
            if kind in ("subtotal", "total") and ci == 0:
                extra = ' ss:MergeAcross="8"'
            parts.append(cell(v, index=ci + 1 if ci != prev + 1 else None, extra=extra))
            prev = ci
        rows.append("<Row>" + "".join(parts) + "</Row>")
    doc = ['<?xml version="1.0"?>', '<?mso-application progid="Excel.Sheet"?>',
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:o="urn:schemas-microsoft-com:office:office"'
           ' xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"'
           ' xmlns:html="http://www.w3.org/TR/REC-html40">',
           ' <DocumentProperties xmlns="urn:schemas-microsoft-com:office:office"><Author>郑晓燕</Author>'
           '<Created>2026-04-02T01:31:00Z</Created></DocumentProperties>',
           ' <Styles><Style ss:ID="Default" ss:Name="Normal"><Font ss:FontName="宋体" ss:Size="11"/></Style>'
           '<Style ss:ID="dt"><NumberFormat ss:Format="yyyy\\-mm\\-dd\\ hh:mm"/></Style></Styles>',
           ' <Worksheet ss:Name="工单办理明细">',
           f'  <Table ss:ExpandedColumnCount="{NCOL}" ss:ExpandedRowCount="{len(rows)}" x:FullColumns="1" x:FullRows="1">']
    doc += ["   " + r for r in rows]
    doc += ["  </Table>", " </Worksheet>", "</Workbook>", ""]
    path.write_text("\r\n".join(doc), encoding="utf-8")


def write_calls(path, c: City):
    with open(path, "w", encoding="gbk", newline="") as f:
        w = csv.writer(f)
        w.writerow(["通话流水号", "呼叫方向", "主叫号码", "被叫号码", "坐席工号", "关联工单", "振铃时间", "应答时间", "挂机时间"])
        for k in sorted(c.calls, key=lambda k: k["ring"]):
            w.writerow([k["id"], k["dir"], k["caller"], k["callee"], k["agent"], k["order"],
                        f"{k['ring']:%Y/%m/%d %H:%M:%S}", f"{k['answer']:%Y/%m/%d %H:%M:%S}" if k["answer"] else "",
                        f"{k['hangup']:%Y/%m/%d %H:%M:%S}"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    out = Path(a.out)
    (out / "export").mkdir(parents=True, exist_ok=True)
    c = City(a.seed)
    plant(c)
    write_xlsx(out / "export" / "工单办理情况明细表_2026Q1.xlsx", c)
    write_spreadsheetml(out / "export" / "工单办理情况明细表_2026Q1.xls", c)
    write_calls(out / "export" / "话务记录_2026Q1.csv", c)
    with open(out / "expected.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["kind", "family", "rule", "ticket", "person", "unit", "note"])
        w.writeheader()
        w.writerows(c.expected)
    fires = [e for e in c.expected if e["kind"] == "fire"]
    print(f"{len(c.tickets)} tickets, {sum(len(t.flows) for t in c.tickets)} flow rows, {len(c.calls)} calls; "
          f"{len(fires)} expected findings over {len({e['rule'] for e in fires})} rules of "
          f"{len({e['family'] for e in fires})} families, {sum(e['kind'] == 'near_miss' for e in c.expected)} near misses")


if __name__ == "__main__":
    main()
