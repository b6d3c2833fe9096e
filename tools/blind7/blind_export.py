"""Blind test 7: a 12345 platform's database dump, delivered through a government data-exchange platform.

    python tools/blind7/blind_export.py --out DIR [--seed N]

Writes DIR/export/ (what the inspection office receives) and, apart, DIR/expected.csv (the findings a
supervisor expects, for tools/blind5/score.py) and DIR/expected_agents.csv (call-centre findings, which name an
agent and no ticket). Standard library only.

The dump, as such platforms deliver it (政务数据共享交换平台, 一表一文件):
- GXJH_12345_T_GD_JBXX_<date>.csv   工单基本信息, UTF-8 with BOM, two ``#`` comment lines above the header,
  NULL for empty values, times as 14-digit strings (20260305091400), codes for channel, category, urgency, state;
- GXJH_12345_T_GD_LZJL_<date>.csv   工单流转记录, GB18030, operations as codes (CZLX), people as staff codes
  (CZRDM), units as unit codes (CZDWDM, CBDWDM), a ``#`` trailer with the record count;
- GXJH_12345_T_GD_HFJL_<date>.csv   回访记录, UTF-8 with BOM, times as epoch milliseconds, results as codes;
- GXJH_12345_T_HW_THJL_<date>.csv   话务通话记录, GB18030, times as epoch milliseconds;
- GXJH_12345_T_DM_ZD.csv            码表 (DMLB, DM, DMMC): every code of the other tables;
- GXJH_12345_T_DM_DW.csv            单位表 (DWDM, DWMC, SJDWDM: the parent unit);
- GXJH_12345_T_DM_RY.csv            人员表 (RYDM, RYXM, SSDW).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

CST = timezone(timedelta(hours=8))

# ---------------------------------------------------------------- code tables (码表)
CZLX = {  # 操作类型
    "01": "受理", "02": "派单", "03": "签收", "04": "申请退单", "05": "退单审核通过", "06": "退单审核不通过",
    "07": "下派", "08": "平级转办", "09": "下级反馈", "10": "联系市民", "11": "现场核查", "12": "办理过程",
    "13": "申请延期", "14": "延期审核通过", "15": "延期审核不通过", "16": "答复", "17": "申请办结",
    "18": "办结审核通过", "19": "办结审核不通过", "20": "归档", "21": "催办", "23": "重办",
}
OP = {v: k for k, v in CZLX.items()}
GDZT = {"01": "待派单", "02": "待签收", "03": "办理中", "04": "待审核", "05": "待回访", "06": "已办结", "07": "已归档"}
SLQD = {"1": "电话", "2": "网站", "3": "微信", "4": "APP"}
JJCD = {"1": "一般", "2": "紧急"}
HFZT = {"1": "已回访", "2": "未联系上"}
MYD = {"1": "满意", "2": "基本满意", "3": "不满意"}
SFJJ = {"1": "已解决", "0": "未解决"}
HJFX = {"1": "呼入", "2": "呼出"}
HFFS = {"1": "电话回访", "2": "短信回访"}
WTFL = {
    "0101": "噪声扰民", "0102": "餐饮油烟", "0201": "道路破损", "0202": "路灯故障", "0301": "占道经营",
    "0401": "停水及水压", "0501": "物业服务", "0601": "拖欠工资", "0701": "证照办理", "0801": "工作作风",
}

# ---------------------------------------------------------------- units (单位表) and their work
UNITS = [  # code, name, parent
    ("330100000", "市12345政务服务便民热线中心", ""),
    ("330101000", "市生态环境局", ""),
    ("330102000", "市城市管理局", ""),
    ("330102010", "市城管局东城执法中队", "330102000"),
    ("330103000", "市住房和城乡建设局", ""),
    ("330104000", "市水务集团", ""),
    ("330105000", "市人力资源和社会保障局", ""),
    ("330106000", "市市场监督管理局", ""),
    ("330201000", "东城区人民政府", ""),
    ("330201001", "东华街道办事处", "330201000"),
    ("330201002", "西湖街道办事处", "330201000"),
    ("330201003", "望江街道办事处", "330201000"),
    ("330201101", "东华街道光明社区居委会", "330201001"),
]
CENTRE = "330100000"
LEAD_OF = {
    "0101": "330101000", "0102": "330102000", "0201": "330103000", "0202": "330102000", "0301": "330201001",
    "0401": "330104000", "0501": "330201002", "0601": "330105000", "0701": "330106000", "0801": "330201003",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红文斌宇浩凯鹏飞丹琳晨雪峰"

ROADS = ["幸福路", "解放路", "人民路", "建设路", "和平街", "朝阳路", "文化路", "青年路", "光明街", "新华路", "中山路",
         "长江路", "黄河路", "滨江路", "望江路", "湖滨路", "学院路", "工农路", "体育场路", "凤起路"]
ESTATES = ["幸福小区", "锦绣花园", "阳光家园", "翠苑", "金色港湾", "东方名城", "紫荆园", "梧桐苑", "香樟苑", "和园",
           "枫林小区", "丽景苑", "春晖家园", "世纪花城", "湖畔居", "嘉禾苑", "桂花园", "滨江花园", "文苑小区", "兴业新村"]

COMPLAINT = {
    "0101": "{addr}附近有工地夜间施工，每天晚上十一点以后还在打桩，噪音很大影响休息，要求查处。",
    "0102": "{addr}楼下饭店油烟直排，没有安装油烟净化设备，油烟味熏到楼上住户，要求整改。",
    "0201": "{addr}门口路面塌陷出现大坑，电动车经过容易摔倒，要求尽快修补路面。",
    "0202": "{addr}一带路灯已经一周不亮了，晚上行人出行不安全，要求维修路灯。",
    "0301": "{addr}路口有流动摊贩长期占道经营，堵塞人行道和消防通道，要求管理。",
    "0401": "{addr}从昨天开始停水，没有任何通知，高层住户水压一直不足，要求尽快恢复供水。",
    "0501": "{addr}物业公司长期不清运垃圾，楼道堆满杂物，电梯经常故障，要求督促物业整改。",
    "0601": "本人在{addr}一家装修公司打工，公司拖欠三个月工资共一万二千元，老板一直推脱，要求帮助讨薪。",
    "0701": "本人在{addr}开店，去年底申请营业执照变更，材料已交齐，至今没有办理结果，要求尽快办理。",
}
REPLY = {
    "0101": "经核查，{addr}附近工地确有夜间施工。我局执法人员{who}于{day}到现场，责令施工单位停止夜间打桩作业并立案调查，"
            "已电话告知市民处理结果。",
    "0102": "经现场核实，{addr}楼下饭店油烟直排属实。我局已于{day}责令该店安装油烟净化设备，{who}已复查整改到位，已告知市民。",
    "0201": "我局{who}于{day}到{addr}现场查看，路面塌陷属实，已安排养护单位修补路面，目前已恢复通行，已回复市民。",
    "0202": "经查，{addr}一带路灯故障系线路老化，我局{who}于{day}安排维修人员更换线路，路灯已恢复照明，已告知市民。",
    "0301": "街道城管中队{who}于{day}到{addr}路口现场劝离流动摊贩，清理占道物品，并安排每日巡查，已告知市民。",
    "0401": "经查，{addr}停水系管道抢修所致，{who}已于{day}完成抢修并恢复供水，高层水压已调整，已向市民解释并致歉。",
    "0501": "街道{who}于{day}约谈{addr}物业公司，督促其清运垃圾、清理楼道杂物并检修电梯，已整改完毕，已告知市民。",
    "0601": "我局劳动监察大队{who}于{day}约谈{addr}该装修公司负责人，公司已承诺本月底前结清拖欠工资，已告知市民。",
    "0701": "经查，{addr}该店营业执照变更因材料中股东签字不全暂缓，{who}已于{day}电话指导补正，执照已办结，已告知市民。",
    "0801": "街道纪工委{who}于{day}约谈所涉工作人员，核实市民反映的情况并责令整改，已当面向市民反馈处理结果。",
}


def ms(t: datetime) -> str:
    """Epoch milliseconds of a local (UTC+8) wall-clock time."""
    return str(int(t.replace(tzinfo=CST).timestamp() * 1000))


def d14(t: datetime) -> str:
    return t.strftime("%Y%m%d%H%M%S")


class Export:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.tickets, self.flows, self.visits, self.calls, self.expected, self.agents = [], [], [], [], [], []
        self.staff = []  # (code, name, unit)
        used_names = set()
        self.n_staff = 100230 + rng.randrange(50)

        def person(unit):
            while True:
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", rng.choice(GIVEN)])
                if name not in used_names:
                    used_names.add(name)
                    break
            self.n_staff += rng.randrange(1, 9)
            code = str(self.n_staff)
            self.staff.append((code, name, unit))
            return code

        self.agents_ = [person(CENTRE) for _ in range(3)]
        self.dispatchers = [person(CENTRE) for _ in range(2)]
        self.reviewers = [person(CENTRE) for _ in range(2)]
        self.visitors = [person(CENTRE) for _ in range(3)]
        self.handlers = {u: [person(u), person(u)] for u, _, _ in UNITS[1:]}
        self.addr_n = 0
        self.ticket_n = rng.randrange(100, 400)
        self.call_n = rng.randrange(1000, 5000)
        self.flow_n = 0
        self.visit_n = 0

    # -- helpers
    def h(self, unit, i=0):
        return self.handlers[unit][i]

    def address(self):
        self.addr_n += 1
        road = ROADS[(self.addr_n - 1) % len(ROADS)]
        estate = ESTATES[(self.addr_n * 7) % len(ESTATES)]
        return f"东城区{road}{self.rng.randrange(1, 300)}号{estate}"

    def phone(self):
        return "1" + self.rng.choice("3589") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def call(self, agent, at, direction, answered=True, ticket="", number=None):
        self.call_n += self.rng.randrange(1, 4)
        cid = f"TH{at:%Y%m%d}{self.call_n:06d}"
        ans = at + timedelta(seconds=self.rng.randrange(3, 14)) if answered else None
        end = (ans or at) + timedelta(seconds=self.rng.randrange(40, 400) if answered else self.rng.randrange(15, 50))
        self.calls.append({"THBH": cid, "ZJHM": number or self.phone(), "ZXGH": agent, "HJFX": direction,
                           "ZLSJ": ms(at), "YDSJ": ms(ans) if ans else "", "GJSJ": ms(end), "GDBH": ticket})
        return cid

    def expect(self, kind, rule, family, ticket, person="", unit="", note=""):
        self.expected.append({"kind": kind, "rule": rule, "family": family, "ticket": ticket, "person": person,
                              "unit": unit, "note": note})

    # -- one ticket
    def ticket(self, received: datetime, cat: str, *, address=None, caller=None, content=None, days=7,
               channel="1", no_address=False):
        self.ticket_n += self.rng.randrange(1, 6)
        tid = f"{received:%Y%m%d}{self.ticket_n:05d}"
        addr = "" if no_address else (address or self.address())
        caller = caller or self.phone()
        agent = self.rng.choice(self.agents_)
        text = content or COMPLAINT[cat].format(addr=addr or "我家附近")
        if channel == "1":
            self.call(agent, received - timedelta(minutes=self.rng.randrange(3, 9)), "1", ticket=tid, number=caller)
        row = {"GDBH": tid, "SLSJ": d14(received), "SLQD": channel, "LDRXM": self.rng.choice(SURNAMES) + "先生",
               "LDHM": caller, "SQNR": text, "SFDZ": addr, "WTFL": cat, "JJCD": "1", "GDZT": "03",
               "BLJZSJ": "", "BJSJ": "", "SLRDM": agent}
        self.tickets.append(row)
        return Ticket(self, tid, row, received, cat, addr, days)


class Ticket:
    def __init__(self, ex: Export, tid, row, received, cat, addr, days):
        self.ex, self.id, self.row, self.t, self.cat, self.addr, self.days = ex, tid, row, received, cat, addr, days
        self.unit = None
        self.first_due = None
        self.flow(OP["受理"], row["SLRDM"], CENTRE, "", "来电受理，已登记诉求")

    def flow(self, op, who, unit, target, note="", fj="", yq=""):
        self.ex.flow_n += 1
        self.ex.flows.append({"LSH": f"LZ{self.ex.flow_n:07d}", "GDBH": self.id, "CZLX": op, "CZRDM": who,
                              "CZDWDM": unit, "CBDWDM": target, "LZSJ": d14(self.t), "CLYJ": note, "FJMC": fj,
                              "YQJZSJ": yq})

    def wait(self, hours=0.0, minutes=0):
        self.t += timedelta(hours=hours, minutes=minutes + self.ex.rng.randrange(0, 9))
        return self

    def dispatch(self, unit, hours=0.5):
        self.wait(hours)
        if self.first_due is None:
            self.first_due = (self.t + timedelta(days=self.days)).replace(hour=18, minute=0, second=0)
            self.row["BLJZSJ"] = d14(self.first_due)
        self.unit = unit
        self.flow(OP["派单"], self.ex.rng.choice(self.ex.dispatchers), CENTRE, unit, "请依职责办理")
        return self

    def sign(self, who=None, hours=1.0):
        self.wait(hours)
        self.flow(OP["签收"], who or self.ex.h(self.unit), self.unit, "", "已签收")
        return self

    def contact(self, who=None, hours=2.0, unit=None):
        self.wait(hours)
        unit = unit or self.unit
        self.flow(OP["联系市民"], who or self.ex.h(unit), unit, "", "已电话联系市民，了解具体情况")
        return self

    def site(self, who=None, hours=20.0):
        self.wait(hours)
        self.flow(OP["现场核查"], who or self.ex.h(self.unit), self.unit, "", f"到{self.addr or '现场'}现场核查")
        return self

    def progress(self, who=None, hours=20.0, note="正在协调处理"):
        self.wait(hours)
        self.flow(OP["办理过程"], who or self.ex.h(self.unit), self.unit, "", note)
        return self

    def return_req(self, who=None, hours=3.0, reason="该事项不属于我单位职责，建议改派"):
        self.wait(hours)
        self.flow(OP["申请退单"], who or self.ex.h(self.unit), self.unit, "", reason)
        return self

    def return_ok(self, new_unit, hours=2.0):
        self.wait(hours)
        self.flow(OP["退单审核通过"], self.ex.rng.choice(self.ex.reviewers), CENTRE, "", "同意退单，改派")
        return self.dispatch(new_unit, 0.3)

    def return_no(self, hours=2.0):
        self.wait(hours)
        self.flow(OP["退单审核不通过"], self.ex.rng.choice(self.ex.reviewers), CENTRE, self.unit,
                  "属于你单位职责，请继续办理")
        return self

    def handover(self, to, who=None, hours=3.0):
        self.wait(hours)
        self.flow(OP["平级转办"], who or self.ex.h(self.unit), self.unit, to, "该事项由对方单位负责，转其办理")
        self.unit = to
        return self

    def forward(self, to, who=None, hours=2.0):
        self.wait(hours)
        self.flow(OP["下派"], who or self.ex.h(self.unit), self.unit, to, "请下属单位现场处理并反馈")
        return self

    def fwd_report(self, sub, who=None, hours=30.0, note="已到现场处理完毕"):
        self.wait(hours)
        self.flow(OP["下级反馈"], who or self.ex.h(sub), sub, self.unit, note)
        return self

    def remind(self, target, who=None, hours=20.0):
        self.wait(hours)
        self.flow(OP["催办"], who or self.ex.h(self.unit), self.unit, target, "请加快处理并及时反馈")
        return self

    def ext_req(self, until, who=None, hours=20.0):
        self.wait(hours)
        self.flow(OP["申请延期"], who or self.ex.h(self.unit), self.unit, "", "需协调多个部门，申请延期",
                  yq=d14(until))
        return self

    def ext_ok(self, until, hours=3.0):
        self.wait(hours)
        self.flow(OP["延期审核通过"], self.ex.rng.choice(self.ex.reviewers), CENTRE, self.unit, "同意延期",
                  yq=d14(until))
        return self

    def ext_no(self, hours=3.0):
        self.wait(hours)
        self.flow(OP["延期审核不通过"], self.ex.rng.choice(self.ex.reviewers), CENTRE, self.unit, "理由不充分")
        return self

    def reply_text(self, who):
        name = dict((c, n) for c, n, _ in self.ex.staff)[who]
        return REPLY[self.cat].format(addr=self.addr or "市民反映地点", who=name, day=f"{self.t.month}月{self.t.day}日")

    def close_req(self, who=None, hours=4.0, reply=None, attach=True):
        self.wait(hours)
        who = who or self.ex.h(self.unit)
        fj = f"现场照片_{self.id}_1.jpg;现场照片_{self.id}_2.jpg" if attach is True else (attach or "")
        self.flow(OP["申请办结"], who, self.unit, "", reply if reply is not None else self.reply_text(who), fj=fj)
        return self

    def close_ok(self, hours=3.0):
        self.wait(hours)
        self.flow(OP["办结审核通过"], self.ex.rng.choice(self.ex.reviewers), CENTRE, "", "同意办结")
        self.row["GDZT"] = "05"
        return self

    def close_no(self, hours=3.0, reason="答复内容不具体，未说明处理结果，请重新办理"):
        self.wait(hours)
        self.flow(OP["办结审核不通过"], self.ex.rng.choice(self.ex.reviewers), CENTRE, self.unit, reason)
        return self

    def visit(self, myd="1", sfjj="1", reached=True, answered=None, visitor=None, hours=20.0, call=True,
              note="市民表示问题已解决"):
        self.wait(hours)
        ex = self.ex
        visitor = visitor or ex.rng.choice(ex.visitors)
        answered = reached if answered is None else answered
        cid = ex.call(visitor, self.t - timedelta(minutes=3), "2", answered=answered, ticket=self.id,
                      number=self.row["LDHM"]) if call else ""
        ex.visit_n += 1
        ex.visits.append({"HFBH": f"HF{ex.visit_n:06d}", "GDBH": self.id, "HFSJ": ms(self.t), "HFRDM": visitor,
                          "HFFS": "1", "HFZT": "1" if reached else "2", "MYD": myd if reached else "",
                          "SFJJ": sfjj if reached else "", "THBH": cid, "HFYJ": note if reached else "无人接听"})
        return self

    def archive(self, hours=0.2):
        self.wait(hours)
        self.flow(OP["归档"], self.ex.rng.choice(self.ex.reviewers), CENTRE, "", "回访完毕，归档")
        self.row["GDZT"] = "07"
        self.row["BJSJ"] = d14(self.t)
        return self

    def normal(self, unit=None, who=None, hours=0.5, reply=None):
        """The clean path from dispatch to archive, every step recorded."""
        unit = unit or LEAD_OF[self.cat]
        self.dispatch(unit, hours).sign(who).contact(who).site(who).close_req(who, reply=reply).close_ok()
        return self.visit().archive()


def build(seed: int) -> Export:
    rng = random.Random(seed)
    ex = Export(rng)
    base = datetime(2026, 1, 4, 8, 30) + timedelta(days=rng.randrange(0, 6))

    def day(n, hour=None):
        return base + timedelta(days=n, hours=(hour if hour is not None else rng.randrange(0, 9)),
                                minutes=rng.randrange(0, 60))

    cats = list(COMPLAINT)
    U = LEAD_OF
    env, cg, zj, sw, rs, sj = ("330101000", "330102000", "330103000", "330104000", "330105000", "330106000")
    dh, xh, wj = "330201001", "330201002", "330201003"
    cg_sub, dh_sub = "330102010", "330201101"
    BP, FC, MS, PR, FF, DL, RC, DS = ("buck_passing", "false_closure", "manufactured_satisfaction",
                                      "perfunctory_reply", "forward_no_follow_up", "delay", "repeat_complaint",
                                      "dissatisfaction")

    # ---- buck-passing
    t = ex.ticket(day(3), "0501")  # BP-RETURNS: three units each ask to return it (each after a site check)
    t.dispatch(xh).sign().site().return_req().return_ok(dh).sign().site().return_req().return_ok(wj)
    t.sign().site().return_req(ex.h(wj, 1))
    last = ex.h(wj, 1)
    t.return_ok(zj).sign().contact().site().close_req().close_ok().visit().archive()
    ex.expect("fire", "BP-RETURNS", BP, t.id, last, wj, "三个单位各申请退单一次（均已现场核查）")

    t = ex.ticket(day(5), "0501")  # near miss: two returns, A→B→C
    t.dispatch(xh).sign().site().return_req().return_ok(dh).sign().site().return_req().return_ok(wj)
    t.sign().contact().site().close_req().close_ok().visit().archive()
    ex.expect("near_miss", "BP-RETURNS", BP, t.id, note="两次退单，A→B→C，均已核查")

    t = ex.ticket(day(8), "0102")  # BP-PINGPONG by returns: 城管 → 生态环境 → 城管
    t.dispatch(cg).sign().site().return_req(ex.h(cg, 1))
    who = ex.h(cg, 1)
    t.return_ok(env).sign().site().return_req().return_ok(cg).sign().contact().close_req().close_ok().visit()
    t.archive()
    ex.expect("fire", "BP-PINGPONG", BP, t.id, who, cg, "城管→生态环境→城管，均核查后退单")

    t = ex.ticket(day(10), "0101")  # BP-CYCLE by sideways hand-overs: 生态环境 → 城管 → 住建 → 生态环境
    t.dispatch(env).sign().site().handover(cg).sign().site().handover(zj).sign().site().handover(env)
    t.sign().contact().close_req().close_ok().visit().archive()
    ex.expect("fire", "BP-CYCLE", BP, t.id, ex.h(env), env, "平级转办 A→B→C→A，均核查后转办")

    t = ex.ticket(day(12), "0101")  # near miss: a chain of hand-overs ending elsewhere, every one after a check
    t.dispatch(env).sign().site().handover(cg).sign().site().handover(zj).sign().site().handover(dh)
    t.sign().contact().close_req().close_ok().visit().archive()
    ex.expect("near_miss", "BP-CYCLE", BP, t.id, note="A→B→C→D，均核查")

    t = ex.ticket(day(14), "0301")  # BP-NO-VERIFY: return requested right after signing, nothing checked
    t.dispatch(dh).sign(ex.h(dh, 1)).return_req(ex.h(dh, 1)).return_ok(cg).sign().contact().site().close_req()
    t.close_ok().visit().archive()
    ex.expect("fire", "BP-NO-VERIFY", BP, t.id, ex.h(dh, 1), dh, "签收后未联系未核查即申请退单")

    t = ex.ticket(day(15), "0301")  # BP-NO-VERIFY by a hand-over without any check
    t.dispatch(cg).sign(ex.h(cg, 0)).handover(dh, ex.h(cg, 0)).sign().contact().site().close_req().close_ok()
    t.visit().archive()
    ex.expect("fire", "BP-NO-VERIFY", BP, t.id, ex.h(cg, 0), cg, "签收后直接平级转办，未核查")

    t = ex.ticket(day(16), "0301")  # near miss: return after a site check
    t.dispatch(dh).sign().site().return_req().return_ok(cg).sign().contact().site().close_req().close_ok()
    t.visit().archive()
    ex.expect("near_miss", "BP-NO-VERIFY", BP, t.id, note="现场核查后申请退单")

    t = ex.ticket(day(17), "0202")  # near miss: hand-over after calling the citizen
    t.dispatch(zj).sign().contact().handover(cg).sign().contact().site().close_req().close_ok().visit()
    t.archive()
    ex.expect("near_miss", "BP-NO-VERIFY", BP, t.id, note="联系市民后平级转办")

    t = ex.ticket(day(19), "0601")  # BP-REJECTED: the return request is rejected
    t.dispatch(rs).sign().site(ex.h(rs, 1)).return_req(ex.h(rs, 1)).return_no().contact().close_req()
    t.close_ok().visit().archive()
    ex.expect("fire", "BP-REJECTED", BP, t.id, ex.h(rs, 1), rs, "退单被中心驳回")

    # ---- false closure
    t = ex.ticket(day(20), "0201")  # FC-UNRESOLVED
    t.dispatch(zj).sign().contact().site().close_req(ex.h(zj, 1)).close_ok()
    t.visit(myd="2", sfjj="0", note="市民称坑还在，只是插了警示牌").archive()
    ex.expect("fire", "FC-UNRESOLVED", FC, t.id, ex.h(zj, 1), zj, "回访未解决")

    t = ex.ticket(day(21), "0201")  # near miss: the citizen could not be reached
    t.dispatch(zj).sign().contact().site().close_req().close_ok().visit(reached=False).archive()
    ex.expect("near_miss", "FC-UNRESOLVED", FC, t.id, note="回访未联系上")

    addr = ex.address()  # FC-REPEAT-AFTER-CLOSE: closed without a visit, the same matter 10 days later
    t = ex.ticket(day(22), "0202", address=addr)
    t.dispatch(cg).sign().contact().site().close_req(ex.h(cg, 0)).close_ok().archive()
    ex.expect("fire", "FC-REPEAT-AFTER-CLOSE", FC, t.id, ex.h(cg, 0), cg, "未回访即归档，10天后同址同类再诉")
    t2 = ex.ticket(t.t + timedelta(days=10), "0202", address=addr)
    t2.normal()

    addr = ex.address()  # near miss: the same matter 45 days later
    t = ex.ticket(day(6), "0102", address=addr)
    t.dispatch(cg).sign().contact().site().close_req().close_ok().archive()
    ex.expect("near_miss", "FC-REPEAT-AFTER-CLOSE", FC, t.id, note="45天后同址同类再诉（超出30天）")
    ex.ticket(t.t + timedelta(days=45), "0102", address=addr).normal()

    t = ex.ticket(day(24), "0401")  # FC-NO-EVIDENCE: no attachment, no contact
    t.dispatch(sw).sign().site(ex.h(sw, 1)).close_req(ex.h(sw, 1), attach=False).close_ok().visit().archive()
    ex.expect("fire", "FC-NO-EVIDENCE", FC, t.id, ex.h(sw, 1), sw, "无附件且未联系市民")

    t = ex.ticket(day(25), "0401")  # near miss: no attachment, but the note says photos were kept, and a contact
    t.dispatch(sw).sign().contact().site()
    t.close_req(reply=t.reply_text(ex.h(sw, 0)) + "现场已拍照留存。", attach=False).close_ok().visit().archive()
    ex.expect("near_miss", "FC-NO-EVIDENCE", FC, t.id, note="无附件，处理意见写明已拍照留存，办结前已联系市民")

    t = ex.ticket(day(26), "0501")  # FC-REJECTED-CLOSURES: two rejections
    t.dispatch(xh).sign().contact().site().close_req(reply="已处理。").close_no()
    ex.expect("fire", "PR-BOILERPLATE", PR, t.id, ex.h(xh, 0), xh, "答复仅「已处理。」")
    t.progress().close_req(ex.h(xh, 1), reply="已督促物业处理。").close_no()
    t.site().close_req(ex.h(xh, 1)).close_ok().visit().archive()
    ex.expect("fire", "FC-REJECTED-CLOSURES", FC, t.id, ex.h(xh, 1), xh, "办结申请两次被驳回")

    t = ex.ticket(day(27), "0501")  # near miss: rejected once
    t.dispatch(xh).sign().contact().site().close_req().close_no().progress().close_req().close_ok().visit()
    t.archive()
    ex.expect("near_miss", "FC-REJECTED-CLOSURES", FC, t.id, note="办结申请仅被驳回一次")

    t = ex.ticket(day(28), "0202")  # FC-INSTANT: signed and closure requested 12 minutes later, a token call only
    t.dispatch(cg).sign(ex.h(cg, 1)).contact(ex.h(cg, 1), hours=0.05).close_req(ex.h(cg, 1), hours=0.05)
    t.close_ok().visit().archive()
    ex.expect("fire", "FC-INSTANT", FC, t.id, ex.h(cg, 1), cg, "签收后约12分钟申请办结，仅有一次联系")

    t = ex.ticket(day(29), "0202")  # near miss: 25 minutes, but a progress record in between
    t.dispatch(cg).sign().contact(hours=0.05).progress(hours=0.05, note="安排维修班组现场更换灯具")
    t.close_req(hours=0.05).close_ok().visit().archive()
    ex.expect("near_miss", "FC-INSTANT", FC, t.id, note="25分钟内申请办结，但有办理过程记录")

    # ---- manufactured satisfaction / dissatisfaction
    addr = ex.address()  # MS-SATISFIED-REPEAT
    t = ex.ticket(day(30), "0102", address=addr)
    t.dispatch(cg).sign().contact().site().close_req(ex.h(cg, 0)).close_ok().visit(myd="1").archive()
    ex.expect("fire", "MS-SATISFIED-REPEAT", MS, t.id, ex.h(cg, 0), cg, "回访满意，12天后同址同类再诉")
    ex.ticket(t.t + timedelta(days=12), "0102", address=addr).normal()

    addr = ex.address()  # near miss: satisfied, the same place again on another matter
    t = ex.ticket(day(31), "0201", address=addr)
    t.normal()
    ex.expect("near_miss", "MS-SATISFIED-REPEAT", MS, t.id, note="满意后同址不同类别再诉")
    ex.ticket(t.t + timedelta(days=8), "0401", address=addr).normal()

    t = ex.ticket(day(32), "0701")  # MS-VISIT-NO-CALL: the visit's call was never answered, yet 满意 recorded
    v = ex.visitors[0]
    t.dispatch(sj).sign().contact().site().close_req().close_ok().visit(myd="1", visitor=v, answered=False)
    t.archive()
    ex.expect("fire", "MS-VISIT-NO-CALL", MS, t.id, v, CENTRE, "回访通话未接通却记录满意")

    t = ex.ticket(day(33), "0701")  # near miss: not reached, the unanswered attempt recorded as such
    t.dispatch(sj).sign().contact().site().close_req().close_ok().visit(reached=False, visitor=ex.visitors[1])
    t.archive()
    ex.expect("near_miss", "MS-VISIT-NO-CALL", MS, t.id, note="回访未联系上，通话未接通")

    t = ex.ticket(day(34), "0601")  # MS-VISIT-BY-HANDLER
    t.dispatch(rs).sign().contact().site().close_req().close_ok().visit(myd="1", visitor=ex.h(rs, 0)).archive()
    ex.expect("fire", "MS-VISIT-BY-HANDLER", MS, t.id, ex.h(rs, 0), rs, "承办人自己回访")

    t = ex.ticket(day(35), "0101")  # DS-UNSATISFIED
    t.dispatch(env).sign().contact().site().close_req(ex.h(env, 1)).close_ok()
    t.visit(myd="3", sfjj="1", note="市民对处理速度不满意").archive()
    ex.expect("fire", "DS-UNSATISFIED", DS, t.id, ex.h(env, 1), env, "回访不满意")

    t = ex.ticket(day(36), "0101")  # near miss: basically satisfied
    t.dispatch(env).sign().contact().site().close_req().close_ok().visit(myd="2", note="基本满意").archive()
    ex.expect("near_miss", "DS-UNSATISFIED", DS, t.id, note="回访基本满意")

    # ---- perfunctory replies
    t = ex.ticket(day(37), "0501")
    t.dispatch(xh).sign().contact().site()
    t.close_req(ex.h(xh, 0), reply="您的诉求已收悉，我单位高度重视，请耐心等待。").close_ok().visit().archive()
    ex.expect("fire", "PR-BOILERPLATE", PR, t.id, ex.h(xh, 0), xh, "套话答复")

    same = "经核查，该问题已转交相关部门处理，感谢您对我们工作的理解和支持。"
    ids = []
    for i, cat in enumerate(["0102", "0202", "0301"]):  # PR-IDENTICAL: one text on three different matters
        t = ex.ticket(day(38 + i), cat)
        t.dispatch(cg).sign().contact().site().close_req(ex.h(cg, 1), reply=same).close_ok().visit().archive()
        ids.append(t.id)
    for tid in ids:
        ex.expect("fire", "PR-IDENTICAL", PR, tid, ex.h(cg, 1), cg, "三件不同诉求同一答复")

    detail = ("经现场核实，{a}积水系雨水井堵塞所致，我局养护班组已于当日疏通雨水井并清理淤泥，"
              "路面积水已排干，已电话告知市民。")
    for i in range(2):  # near miss: the same detailed reply on two tickets only
        t = ex.ticket(day(41 + i), "0201")
        t.dispatch(zj).sign().contact().site().close_req(reply=detail.format(a="该路段")).close_ok().visit()
        t.archive()
        if i == 0:
            ex.expect("near_miss", "PR-IDENTICAL", PR, t.id, note="同一具体答复仅两件")

    t = ex.ticket(day(43), "0101")  # PR-OFF-TOPIC: a noise complaint answered about a wage dispute
    t.dispatch(env).sign().contact().site()
    t.close_req(ex.h(env, 0), reply="关于您反映的拖欠工资问题，请携带劳动合同、工资条等材料到区劳动监察大队窗口申请"
                                    "劳动仲裁，仲裁不收取费用。").close_ok().visit().archive()
    ex.expect("fire", "PR-OFF-TOPIC", PR, t.id, ex.h(env, 0), env, "噪声投诉答复讨薪事宜")

    t = ex.ticket(day(44), "0501")  # near miss: a polite opening, then specifics
    t.dispatch(xh).sign().contact().site()
    t.close_req(reply="您的诉求已收悉。" + t.reply_text(ex.h(xh, 1))).close_ok().visit().archive()
    ex.expect("near_miss", "PR-BOILERPLATE", PR, t.id, note="开头客套，后有具体处理情况")

    # ---- forward without follow-up
    t = ex.ticket(day(45), "0102")
    t.dispatch(cg).sign(ex.h(cg, 0)).forward(cg_sub, ex.h(cg, 0)).fwd_report(cg_sub)
    t.contact(ex.h(cg_sub), unit=cg_sub).close_req(ex.h(cg, 1), hours=1).close_ok().visit().archive()
    ex.expect("fire", "FF-NO-FOLLOW-UP", FF, t.id, ex.h(cg, 0), cg,
              "下派执法中队后未跟进，凭下级反馈申请办结")

    t = ex.ticket(day(46), "0501")  # near miss: forwarded, the street office chased it
    t.dispatch(dh).sign().forward(dh_sub).remind(dh_sub).fwd_report(dh_sub).contact().close_req().close_ok()
    t.visit().archive()
    ex.expect("near_miss", "FF-NO-FOLLOW-UP", FF, t.id, note="下派后催办跟进")

    # ---- delay
    t = ex.ticket(day(47), "0701", days=5)  # DL-OVERDUE: closure requested two days after the deadline
    t.dispatch(sj).sign().contact().site(hours=48).progress(hours=48).progress(hours=48)
    t.close_req(ex.h(sj, 1), hours=24).close_ok().visit().archive()
    ex.expect("fire", "DL-OVERDUE", DL, t.id, ex.h(sj, 1), sj, "超过办理时限申请办结")

    t = ex.ticket(day(48), "0701", days=5)  # near miss: the same lateness, but an extension approved in time
    t.dispatch(sj).sign().contact().site(hours=48)
    until = t.first_due + timedelta(days=7)
    t.ext_req(until, hours=24).ext_ok(until).progress(hours=48).progress(hours=48).close_req(hours=24).close_ok()
    t.visit().archive()
    ex.expect("near_miss", "DL-OVERDUE", DL, t.id, note="原时限后申请办结，但已获批延期")

    t = ex.ticket(day(49), "0601", days=10)  # DL-EXTENSIONS: three extension requests
    t.dispatch(rs).sign().contact()
    due = t.first_due
    for _ in range(3):
        due = due + timedelta(days=5)
        t.ext_req(due, ex.h(rs, 1), hours=40).ext_ok(due)
    t.close_req(hours=30).close_ok().visit().archive()
    ex.expect("fire", "DL-EXTENSIONS", DL, t.id, ex.h(rs, 1), rs, "三次申请延期")

    t = ex.ticket(day(50), "0601", days=10)  # near miss: two extension requests (one rejected)
    t.dispatch(rs).sign().contact()
    due = t.first_due + timedelta(days=5)
    t.ext_req(due, hours=40).ext_no().ext_req(due, hours=30).ext_ok(due).site(hours=30).close_req(hours=20)
    t.close_ok().visit().archive()
    ex.expect("near_miss", "DL-EXTENSIONS", DL, t.id, note="两次申请延期")

    t = ex.ticket(day(51), "0401", days=20)  # DL-IDLE: nine days with nothing after the contact
    t.dispatch(sw).sign().contact(ex.h(sw, 0)).site(ex.h(sw, 0), hours=9 * 24).close_req(ex.h(sw, 0)).close_ok()
    t.visit().archive()
    ex.expect("fire", "DL-IDLE", DL, t.id, ex.h(sw, 0), sw, "联系市民后9天无任何办理动作")

    t = ex.ticket(day(52), "0401", days=20)  # near miss: six days
    t.dispatch(sw).sign().contact().site(hours=6 * 24 - 2).close_req().close_ok().visit().archive()
    ex.expect("near_miss", "DL-IDLE", DL, t.id, note="最长6天无动作")

    # the dump's last day, for the tickets still open
    end = day(88, 10)
    t = ex.ticket(day(2), "0501", days=30)  # DL-LONG-OPEN: still open after ~68 days, handled now and then
    t.dispatch(wj).sign(ex.h(wj, 0)).contact(ex.h(wj, 0))
    while t.t < end - timedelta(days=8):
        t.progress(ex.h(wj, 0), hours=5 * 24, note="继续协调物业与业委会")
    ex.expect("fire", "DL-LONG-OPEN", DL, t.id, ex.h(wj, 0), wj, "受理后60天以上仍未办结")

    t = ex.ticket(end - timedelta(days=50), "0501", days=60)  # near miss: open 50 days, within its 60-day limit
    t.dispatch(wj).sign().contact()
    while t.t < end - timedelta(days=2):
        t.progress(hours=3 * 24, note="继续协调物业与业委会")
    ex.expect("near_miss", "DL-LONG-OPEN", DL, t.id, note="未办结50天，时限60天内，持续有办理记录")

    # ---- repeat complaints
    addr = ex.address()  # RC-REPEAT: the same place and category three times, 35 days apart, different callers
    ts = [ex.ticket(day(1 + 37 * i), "0301", address=addr) for i in range(3)]
    for tt in ts:
        tt.normal()
    ex.expect("fire", "RC-REPEAT", RC, ts[-1].id, "", U["0301"], "同址同类三次投诉（约37天一件，90天内）")

    caller = ex.phone()  # RC-REPEAT by caller, no address
    ts = [ex.ticket(day(4 + 37 * i), "0601", caller=caller, no_address=True) for i in range(3)]
    for tt in ts:
        tt.normal()
    ex.expect("fire", "RC-REPEAT", RC, ts[-1].id, "", U["0601"], "无地址，同一来电人同类三次投诉")

    caller = ex.phone()  # near miss: the same caller on three different categories, no address
    ts = [ex.ticket(day(7 + 37 * i), c, caller=caller, no_address=True) for i, c in enumerate(["0601", "0701", "0401"])]
    for tt in ts:
        tt.normal()
    ex.expect("near_miss", "RC-REPEAT", RC, ts[-1].id, note="同一来电人三件不同类别（无地址）")

    addr = ex.address()  # near miss: twice the same matter, a third ticket at the place on another matter
    ts = [ex.ticket(day(9 + 37 * i), c, address=addr) for i, c in enumerate(["0101", "0101", "0201"])]
    for tt in ts:
        tt.normal()
    ex.expect("near_miss", "RC-REPEAT", RC, ts[1].id, note="同址同类仅两次，第三件另一类别")

    # ---- misconduct reports (HA / GR / IB)
    t = ex.ticket(day(53), "0801", content="我去望江街道办事处开居住证明，窗口工作人员态度恶劣，对我大声呵斥，"
                                            "还说“爱找谁找谁去”，把材料扔出窗口。")
    t.normal(wj, reply="经核实，市民反映望江街道办事处窗口工作人员办理居住证明时态度恶劣属实，街道已对该工作人员批评教育"
                        "并调离窗口岗位，居住证明已当场办好，已向市民当面道歉。")
    ex.expect("fire", "HA-HOSTILE", "hostile_attitude", t.id, "", wj, "窗口人员呵斥市民")

    t = ex.ticket(day(54), "0101", content="楼上邻居经常半夜吵架摔东西，噪音很大，严重影响休息，希望有关部门上门劝导。")
    t.normal(reply="社区民警与网格员已于次日晚上门劝导楼上邻居，双方签订邻里公约，承诺夜间不再吵闹摔东西，已告知市民。")
    ex.expect("near_miss", "HA-HOSTILE", "hostile_attitude", t.id, note="邻里吵架噪音，非工作人员")

    t = ex.ticket(day(55), "0701", content="我在市场监管局窗口办理食品经营许可证，经办人员暗示要给两千元好处费才能"
                                            "尽快办下来，否则就一直说材料不全。")
    t.normal()
    ex.expect("fire", "GR-GRAFT", "graft", t.id, "", sj, "经办人员索要好处费")

    t = ex.ticket(day(56), "0701", content="咨询办理食品经营许可证需要准备哪些材料，办理是否收费，多久能拿到证。")
    t.normal()
    ex.expect("near_miss", "GR-GRAFT", "graft", t.id, note="咨询是否收费")

    t = ex.ticket(day(57), "0801", content="东华街道光明社区书记经常接受小区物业公司宴请，上周还在酒店吃饭喝酒，"
                                            "物业的问题反映多次都没人管。")
    t.normal(dh)
    ex.expect("fire", "IB-BANQUET", "improper_banquet", t.id, "", dh, "社区书记接受物业宴请")

    t = ex.ticket(day(58), "0102", content="小区门口新开的饭店每天油烟很大，晚上还有顾客喝酒吵闹到凌晨，影响居民休息。")
    t.normal()
    ex.expect("near_miss", "IB-BANQUET", "improper_banquet", t.id, note="饭店油烟与顾客吵闹")

    # ---- background: clean tickets
    for i in range(12):
        cat = cats[i % len(cats)]
        ex.ticket(day(59 + i % 8), cat, channel=rng.choice(["1", "1", "2", "3"])).normal()
    ex.ticket(end - timedelta(days=1), "0202").normal()  # the dump's last ticket: the time the analysis judges at

    # ---- call centre: one agent leaves a third of a day's inbound calls unanswered, another a sixth
    a_bad, a_ok = ex.agents_[0], ex.agents_[1]
    for agent, missed in ((a_bad, 5), (a_ok, 2)):
        d = day(60, 0).replace(hour=9, minute=0)
        flags = [False] * missed + [True] * (13 - missed)
        rng.shuffle(flags)
        for k, answered in enumerate(flags):
            ex.call(agent, d + timedelta(minutes=25 * k + rng.randrange(0, 10)), "1", answered=answered)
        ex.agents.append({"kind": "fire" if agent == a_bad else "near_miss", "rule": "US-ABANDONED",
                          "agent": agent, "day": d.strftime("%Y-%m-%d"), "note": f"13通呼入{missed}通未接"})
    return ex


def write_csv(path: Path, header: list[str], rows: list[dict], *, encoding: str, comments=(), trailer=None,
              null=""):
    buf = io.StringIO()
    for c in comments:
        buf.write(c + "\r\n")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow([(r.get(h) if r.get(h) not in (None, "") else null) for h in header])
    if trailer:
        buf.write(trailer + "\r\n")
    path.write_bytes(buf.getvalue().encode(encoding))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    ex = build(a.seed)
    out = Path(a.out)
    exp = out / "export"
    exp.mkdir(parents=True, exist_ok=True)
    last = datetime.strptime(max(r["LZSJ"] for r in ex.flows), "%Y%m%d%H%M%S") + timedelta(days=1)
    stamp = f"{last:%Y%m%d}"
    gen = f"{stamp}023015"

    def head(table, zh, n, charset):
        return [f"# 政务数据共享交换平台 数据集：{zh}（{table}） 提供单位：市12345政务服务便民热线中心",
                f"# 导出时间：{gen} 记录数：{n} 字符集：{charset}"]

    ex.flows.sort(key=lambda r: (r["LZSJ"], r["LSH"]))
    ex.tickets.sort(key=lambda r: r["SLSJ"])
    write_csv(exp / f"GXJH_12345_T_GD_JBXX_{stamp}.csv",
              ["GDBH", "SLSJ", "SLQD", "LDRXM", "LDHM", "SQNR", "SFDZ", "WTFL", "JJCD", "GDZT", "BLJZSJ", "BJSJ",
               "SLRDM"], ex.tickets, encoding="utf-8-sig", null="NULL",
              comments=head("T_GD_JBXX", "12345工单基本信息", len(ex.tickets), "UTF-8"))
    write_csv(exp / f"GXJH_12345_T_GD_LZJL_{stamp}.csv",
              ["LSH", "GDBH", "CZLX", "CZRDM", "CZDWDM", "CBDWDM", "LZSJ", "CLYJ", "FJMC", "YQJZSJ"], ex.flows,
              encoding="gb18030", comments=head("T_GD_LZJL", "12345工单流转记录", len(ex.flows), "GB18030"),
              trailer=f"#END 记录数：{len(ex.flows)}")
    write_csv(exp / f"GXJH_12345_T_GD_HFJL_{stamp}.csv",
              ["HFBH", "GDBH", "HFSJ", "HFRDM", "HFFS", "HFZT", "MYD", "SFJJ", "THBH", "HFYJ"], ex.visits,
              encoding="utf-8-sig")
    ex.calls.sort(key=lambda r: int(r["ZLSJ"]))
    write_csv(exp / f"GXJH_12345_T_HW_THJL_{stamp}.csv",
              ["THBH", "ZJHM", "ZXGH", "HJFX", "ZLSJ", "YDSJ", "GJSJ", "GDBH"], ex.calls, encoding="gb18030")
    codes = []
    for lb, table in (("CZLX", CZLX), ("GDZT", GDZT), ("SLQD", SLQD), ("JJCD", JJCD), ("HFZT", HFZT),
                      ("MYD", MYD), ("SFJJ", SFJJ), ("HJFX", HJFX), ("HFFS", HFFS), ("WTFL", WTFL)):
        codes += [{"DMLB": lb, "DM": k, "DMMC": v} for k, v in table.items()]
    write_csv(exp / "GXJH_12345_T_DM_ZD.csv", ["DMLB", "DM", "DMMC"], codes, encoding="utf-8-sig")
    write_csv(exp / "GXJH_12345_T_DM_DW.csv", ["DWDM", "DWMC", "SJDWDM"],
              [{"DWDM": c, "DWMC": n, "SJDWDM": p} for c, n, p in UNITS], encoding="utf-8-sig")
    write_csv(exp / "GXJH_12345_T_DM_RY.csv", ["RYDM", "RYXM", "SSDW"],
              [{"RYDM": c, "RYXM": n, "SSDW": u} for c, n, u in ex.staff], encoding="utf-8-sig")
    with open(out / "expected.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["kind", "rule", "family", "ticket", "person", "unit", "note"])
        w.writeheader()
        w.writerows(ex.expected)
    with open(out / "expected_agents.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["kind", "rule", "agent", "day", "note"])
        w.writeheader()
        w.writerows(ex.agents)
    fires = sum(e["kind"] == "fire" for e in ex.expected) + sum(e["kind"] == "fire" for e in ex.agents)
    nears = sum(e["kind"] == "near_miss" for e in ex.expected) + sum(e["kind"] == "near_miss" for e in ex.agents)
    print(f"{len(ex.tickets)} tickets, {len(ex.flows)} flow rows, {len(ex.visits)} visits, {len(ex.calls)} calls; "
          f"{fires} expected findings, {nears} near misses → {out}")


if __name__ == "__main__":
    main()
