"""Blind test 5 (issue 14): a foreign 12345 export in a style the docs do not show.

Style F ("江州市" platform):
- 工单明细表.xls — the ticket list, written the way many government systems "export to Excel": an HTML
  table saved with an .xls name. A title row 「江州市12345政务服务便民热线工单明细表」, an export line, a
  two-row merged header (基本信息 / 诉求信息 / 办理信息 / 回访信息 over the column names) and a 合计 row.
  Times as 「2026/3/5 9:14」, deadline as 「2026年3月12日 18时00分」, units as paths
  (「江州市/东湖区/住房和城乡建设局」), satisfaction 非常满意/满意/基本满意/不满意, 是否解决 是/否.
- converted/工单明细表.xlsx — the same sheet after a clerk opened the .xls in Excel and saved it as .xlsx
  (merged header cells, title row and 合计 row kept): the workaround a user falls back on.
- 流转记录_YYYYMM.csv — the flow records, one file per month (March in UTF-8 with BOM, the others in
  GB18030), times as 「2026年3月5日 9时14分」, people as 「周强(工号2101)」, units as paths, the platform's
  own action words (派发, 签收, 电话联系诉求人, 现场核实, 申请退回, 退回审核通过/不通过, 转办, 下派,
  下级反馈, 延期申请, 延期审核通过, 办结申请, 办结审核通过/不通过, 催办, 回访, 归档), the visit's outcome written
  in the note (「回访结果：不满意；是否解决：未解决；…」), attachments in 附件名称.

Planted: ~45 tickets, each abuse with a firing case and a near miss. expected.csv lists
(kind, rule, family, ticket, person, unit) — kind = fire | near_miss | clean.

Style G (a second platform, the same planted tickets): 工单导出.xls — an XML Spreadsheet 2003 file with an
.xls name, one row per ticket, times as bare Excel serial numbers (46086.38), the whole flow history in ONE
cell 「处理过程」 (one line per step: 「2026-03-05 09:14 【派发】王芳(工号0101)（江州市/12345热线中心）→…：…」),
the final reply in 答复内容, 回访满意度 and 是否解决 as columns; converted/工单导出.xlsx is the clerk's Excel copy.

Run: python tools/blind5/blind_export.py --out /tmp/blind5   (writes export/, export_g/, expected.csv)
"""

from __future__ import annotations

import argparse
import csv
import html
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

CITY = "江州市"
CENTRE = f"{CITY}/12345热线中心"
DIST = f"{CITY}/东湖区"
ZJ = f"{DIST}/住房和城乡建设局"
CG = f"{DIST}/城市管理综合执法局"
SJ = f"{DIST}/市场监督管理局"
HB = f"{DIST}/生态环境分局"
SW = f"{DIST}/水务局"
JT = f"{DIST}/交通运输局"
CG_SQUAD = f"{CG}/东湖中队"          # below 城管局: a forward down
ZJ_OFFICE = f"{ZJ}/物业管理科"

AGENT = "钱晓(工号0100)"
DISPATCHER = "王芳(工号0101)"
REVIEWER = "赵敏(工号0102)"
VISITOR = "孙丽(工号0103)"

H = {  # handlers per unit
    ZJ: ["周强(工号2101)", "吴刚(工号2102)"],
    CG: ["郑伟(工号2201)", "冯军(工号2202)"],
    SJ: ["陈静(工号2301)", "杨帆(工号2302)"],
    HB: ["褚红(工号2401)", "秦岭(工号2402)"],
    SW: ["卫东(工号2501)", "许诺(工号2502)"],
    JT: ["何平(工号2601)", "吕方(工号2602)"],
    CG_SQUAD: ["蒋涛(工号2211)"],
    ZJ_OFFICE: ["韩梅(工号2111)"],
}


@dataclass
class Ticket:
    tid: str
    received: datetime
    caller: str
    phone: str
    category: str
    address: str
    content: str
    kind: str  # fire / near_miss / clean
    rows: list[tuple] = field(default_factory=list)  # (at, action, actor, unit, target, note, attach)
    lead: str = ""
    due: datetime | None = None
    closed: datetime | None = None
    sat: str = ""
    solved: str = ""

    def add(self, at, action, actor, unit, target="", note="", attach="", until=""):
        self.rows.append((at, action, actor, unit, target, note, attach, until))


EXPECTED: list[dict] = []
TICKETS: list[Ticket] = []
_serial = [0]
_phone = [0]


def expect(kind, rule, family, t, person="", unit="", note=""):
    EXPECTED.append(dict(kind=kind, rule=rule, family=family, ticket=t.tid, person=person, unit=unit, note=note))


def new_ticket(day: datetime, category, address, content, kind, caller=None, phone=None) -> Ticket:
    _serial[0] += 1
    _phone[0] += 1
    tid = f"JZ{day:%Y%m%d}{_serial[0]:05d}"
    t = Ticket(tid, day, caller or f"市民{_serial[0]:02d}", phone or f"139{_phone[0]:08d}", category, address,
               content, kind)
    t.add(day, "工单受理", AGENT, CENTRE, "", f"来电反映：{content}")
    TICKETS.append(t)
    return t


def m(t: datetime, minutes=0, hours=0, days=0):
    return t + timedelta(minutes=minutes, hours=hours, days=days)


def dispatch(t: Ticket, at, unit, days=5):
    t.add(at, "派发", DISPATCHER, CENTRE, unit, f"请{unit.split('/')[-1]}依职责办理")
    t.lead = unit
    if t.due is None:
        t.due = (at + timedelta(days=days)).replace(hour=18, minute=0, second=0)
    return at


def sign(t, at, unit, who):
    t.add(at, "签收", who, unit)


def contact(t, at, unit, who):
    t.add(at, "电话联系诉求人", who, unit, "", "已电话联系诉求人，了解具体情况并约定上门时间")


def site(t, at, unit, who):
    t.add(at, "现场核实", who, unit, "", f"工作人员到{t.address}现场查看，核实情况属实")


def reply_text(t: Ticket) -> str:
    return (f"经核实，{t.address}{t.category}问题属实。我单位于{t.received:%m月%d日}后派员到现场，"
            f"针对“{t.content[:18]}”已完成整改处理，并电话告知诉求人处理结果，诉求人表示认可。")


def close_request(t, at, unit, who, reply=None, attach="现场整改照片.jpg"):
    t.add(at, "办结申请", who, unit, "", reply if reply is not None else reply_text(t), attach)


def approve_close(t, at):
    t.add(at, "办结审核通过", REVIEWER, CENTRE, t.lead, "同意办结")


REMARKS = {"满意": ["市民对处理结果表示认可", "市民称工作人员已上门处理，表示感谢", "市民表示问题已处理好"],
           "基本满意": ["市民称处理速度偏慢，但问题已处理"],
           "不满意": ["市民称只是来看了一眼，问题照旧，对处理态度不满"]}


def visit(t, at, sat="满意", solved="已解决", who=VISITOR, unit=CENTRE, extra=None):
    """The visit's outcome as the platform's visitors write it: labelled parts, then a free remark."""
    if extra is None:
        choices = REMARKS.get(sat, ["市民称问题仍未处理"])
        extra = choices[len(t.tid + t.address) % len(choices)]
        if solved == "未解决":
            extra = "市民称坑已填平但很快又塌了，问题没有根本解决"
    if sat == "未联系上":
        note = f"回访结果：未联系上；{at:%m月%d日}连续三次拨打无人接听"
    else:
        note = f"回访结果：{sat}；是否解决：{solved}；回访意见：{extra}"
    t.add(at, "回访", who, unit, "", note)
    t.sat = "" if sat == "未联系上" else ("非常满意" if sat == "很满意" else sat)
    t.solved = {"已解决": "是", "未解决": "否"}.get(solved, "")


def archive(t, at):
    t.add(at, "归档", VISITOR, CENTRE, "", "工单归档")
    t.closed = at


def finish(t, at, unit, who, sat="满意", solved="已解决", reply=None, attach="现场整改照片.jpg", contact_first=True,
           site_first=True):
    """Clean handling from sign-for to archive, starting at `at` (after dispatch)."""
    sign(t, m(at, hours=1), unit, who)
    if contact_first:
        contact(t, m(at, hours=2), unit, who)
    if site_first:
        site(t, m(at, days=1), unit, who)
    close_request(t, m(at, days=2), unit, who, reply=reply, attach=attach)
    approve_close(t, m(at, days=2, hours=3))
    visit(t, m(at, days=3), sat, solved)
    archive(t, m(at, days=3, minutes=10))
    return m(at, days=3, minutes=10)


def clean(day, unit, who, category, address, content, kind="clean", **kw):
    t = new_ticket(day, category, address, content, kind, **kw)
    d = dispatch(t, m(day, minutes=20), unit)
    finish(t, d, unit, who)
    return t


def return_to(t, at, unit, who, new_unit, verify=True, approved=True, reason="该事项不属于我单位职责"):
    """Unit `unit` asks to return the ticket; the centre approves and dispatches to new_unit."""
    if verify:
        site(t, m(at, hours=3), unit, who)
    t.add(m(at, hours=4), "申请退回", who, unit, "", f"{reason}，依据《东湖区职责清单》第12条")
    if approved:
        t.add(m(at, hours=6), "退回审核通过", REVIEWER, CENTRE, "", "同意退回，重新派发")
        dispatch(t, m(at, hours=6, minutes=10), new_unit)
    else:
        t.add(m(at, hours=6), "退回审核不通过", REVIEWER, CENTRE, unit, "经审核属于你单位职责，请继续办理")
    return m(at, hours=6, minutes=10)


def hand_over(t, at, unit, who, new_unit, verify=True):
    if verify:
        contact(t, m(at, hours=1), unit, who)
    t.add(m(at, hours=2), "转办", who, unit, new_unit, f"经联系，该事项由{new_unit.split('/')[-1]}负责，转其办理")
    t.lead = new_unit
    return m(at, hours=2)


def build():
    base = datetime(2026, 3, 2, 9, 14)
    day = [base]

    def next_day(hours=26):
        day[0] = m(day[0], hours=hours)
        return day[0]

    # --- background: clean tickets -------------------------------------------------------------
    for i, (unit, cat, addr, text) in enumerate([
        (ZJ, "物业管理", "东湖区桂花苑小区3栋", "小区电梯经常停运，物业不维修"),
        (CG, "占道经营", "东湖区解放路与人民路交叉口", "路口流动摊贩占道经营，影响通行"),
        (SJ, "食品安全", "东湖区新华路88号某餐馆", "餐馆后厨卫生差，购买的饭菜有异物"),
        (HB, "噪音扰民", "东湖区滨江路工地", "工地夜间施工噪音扰民，影响休息"),
        (SW, "供水问题", "东湖区光明小区", "小区停水两天没有通知"),
        (JT, "公交服务", "东湖区18路公交站", "18路公交车经常不按时发车"),
    ]):
        clean(next_day(), unit, H[unit][i % 2], cat, addr, text)

    # --- 1. BP-PINGPONG: A -> B -> A by approved returns ------------------------------------------
    for i, (a, b) in enumerate([(ZJ, CG), (HB, SJ)]):
        t = new_ticket(next_day(), "违章搭建", f"东湖区幸福里{i + 1}号楼楼顶", "楼顶有人违章搭建彩钢房，存在安全隐患", "fire")
        d = dispatch(t, m(t.received, minutes=20), a)
        sign(t, m(d, hours=1), a, H[a][0])
        d = return_to(t, m(d, hours=1), a, H[a][0], b)
        sign(t, m(d, hours=1), b, H[b][0])
        d = return_to(t, m(d, hours=1), b, H[b][0], a)
        finish(t, d, a, H[a][1])
        expect("fire", "BP-PINGPONG", "buck_passing", t, H[a][0], a, "A→B→A by returns; A's requester")
    # near miss: A -> B -> C (chain, no return to A)
    t = new_ticket(next_day(), "违章搭建", "东湖区幸福里9号楼楼顶", "楼顶有人违章搭建阳光房，存在安全隐患", "near_miss")
    d = dispatch(t, m(t.received, minutes=20), ZJ)
    sign(t, m(d, hours=1), ZJ, H[ZJ][0])
    d = return_to(t, m(d, hours=1), ZJ, H[ZJ][0], CG)
    sign(t, m(d, hours=1), CG, H[CG][0])
    d = return_to(t, m(d, hours=1), CG, H[CG][0], JT)
    finish(t, d, JT, H[JT][0])
    expect("near_miss", "BP-PINGPONG", "buck_passing", t, note="A→B→C, verified returns")

    # --- 2. BP-CYCLE: A -> B -> C -> A by sideways hand-overs (转办) ------------------------------
    for i, (a, b, c) in enumerate([(SW, HB, CG), (SJ, JT, ZJ)]):
        t = new_ticket(next_day(), "排水设施", f"东湖区梧桐路{i + 10}号门前", "门前下水道堵塞污水外溢，多次反映无人处理", "fire")
        d = dispatch(t, m(t.received, minutes=20), a)
        sign(t, m(d, hours=1), a, H[a][1])
        d = hand_over(t, m(d, hours=1), a, H[a][1], b)
        sign(t, m(d, hours=1), b, H[b][1])
        d = hand_over(t, m(d, hours=1), b, H[b][1], c)
        sign(t, m(d, hours=1), c, H[c][1])
        d = hand_over(t, m(d, hours=1), c, H[c][1], a)
        finish(t, d, a, H[a][0])
        expect("fire", "BP-CYCLE", "buck_passing", t, H[a][1], a, "A→B→C→A by 转办; A's hand-over person")
    # near miss: A -> B -> C -> D (no revisit)
    t = new_ticket(next_day(), "排水设施", "东湖区梧桐路30号门前", "门前雨水井盖破损，存在安全隐患", "near_miss")
    d = dispatch(t, m(t.received, minutes=20), SW)
    sign(t, m(d, hours=1), SW, H[SW][1])
    d = hand_over(t, m(d, hours=1), SW, H[SW][1], HB)
    sign(t, m(d, hours=1), HB, H[HB][1])
    d = hand_over(t, m(d, hours=1), HB, H[HB][1], CG)
    sign(t, m(d, hours=1), CG, H[CG][1])
    d = hand_over(t, m(d, hours=1), CG, H[CG][1], JT)
    finish(t, d, JT, H[JT][1])
    expect("near_miss", "BP-CYCLE", "buck_passing", t, note="A→B→C→D by verified 转办")

    # --- 3. BP-RETURNS: 3 return requests (each rejected once? no: all approved, then back) ----------
    t = new_ticket(next_day(), "房屋质量", "东湖区锦绣家园7栋", "新房墙体开裂漏水，开发商不处理", "fire")
    d = dispatch(t, m(t.received, minutes=20), ZJ)
    sign(t, m(d, hours=1), ZJ, H[ZJ][1])
    d = return_to(t, m(d, hours=1), ZJ, H[ZJ][1], SJ)
    sign(t, m(d, hours=1), SJ, H[SJ][1])
    d = return_to(t, m(d, hours=1), SJ, H[SJ][1], JT)
    sign(t, m(d, hours=1), JT, H[JT][1])
    d = return_to(t, m(d, hours=1), JT, H[JT][1], CG)
    finish(t, d, CG, H[CG][0])
    expect("fire", "BP-RETURNS", "buck_passing", t, H[JT][1], JT, "3 returns ZJ, SJ, JT (ties: the latest)")
    # near miss: 2 returns through 3 units
    t = new_ticket(next_day(), "房屋质量", "东湖区锦绣家园9栋", "新房地下室渗水，开发商不处理", "near_miss")
    d = dispatch(t, m(t.received, minutes=20), ZJ)
    sign(t, m(d, hours=1), ZJ, H[ZJ][1])
    d = return_to(t, m(d, hours=1), ZJ, H[ZJ][1], SJ)
    sign(t, m(d, hours=1), SJ, H[SJ][1])
    d = return_to(t, m(d, hours=1), SJ, H[SJ][1], HB)
    finish(t, d, HB, H[HB][0])
    expect("near_miss", "BP-RETURNS", "buck_passing", t, note="2 verified returns")

    # --- 4. BP-NO-VERIFY: return requested with no contact and no site check ---------------------
    for unit in (CG, SW):
        t = new_ticket(next_day(), "市容环境", f"东湖区{unit[-3:]}旁绿化带", "绿化带堆放建筑垃圾长期无人清理", "fire")
        d = dispatch(t, m(t.received, minutes=20), unit)
        sign(t, m(d, hours=1), unit, H[unit][1])
        d = return_to(t, m(d, hours=1), unit, H[unit][1], ZJ, verify=False)
        finish(t, d, ZJ, H[ZJ][0])
        expect("fire", "BP-NO-VERIFY", "buck_passing", t, H[unit][1], unit, "return without any check")
    # near miss: site check before the return
    t = new_ticket(next_day(), "市容环境", "东湖区体育馆旁绿化带", "绿化带堆放生活垃圾长期无人清理", "near_miss")
    d = dispatch(t, m(t.received, minutes=20), CG)
    sign(t, m(d, hours=1), CG, H[CG][1])
    d = return_to(t, m(d, hours=1), CG, H[CG][1], ZJ, verify=True)
    finish(t, d, ZJ, H[ZJ][0])
    expect("near_miss", "BP-NO-VERIFY", "buck_passing", t, note="现场核实 before the return")

    # --- 5. BP-REJECTED: the centre rejects the return ---------------------------------------------
    t = new_ticket(next_day(), "噪音扰民", "东湖区星光广场", "广场舞音响声音太大，晚上十点后还在跳", "fire")
    d = dispatch(t, m(t.received, minutes=20), HB)
    sign(t, m(d, hours=1), HB, H[HB][0])
    d = return_to(t, m(d, hours=1), HB, H[HB][0], None, verify=True, approved=False)
    contact(t, m(d, hours=2), HB, H[HB][0])
    close_request(t, m(d, days=1), HB, H[HB][0])
    approve_close(t, m(d, days=1, hours=2))
    visit(t, m(d, days=2))
    archive(t, m(d, days=2, minutes=10))
    expect("fire", "BP-REJECTED", "buck_passing", t, H[HB][0], HB, "退回审核不通过")
    # near miss: the return is approved
    t = new_ticket(next_day(), "噪音扰民", "东湖区月光广场", "广场舞音响声音太大，影响孩子学习", "near_miss")
    d = dispatch(t, m(t.received, minutes=20), HB)
    sign(t, m(d, hours=1), HB, H[HB][0])
    d = return_to(t, m(d, hours=1), HB, H[HB][0], CG, verify=True)
    finish(t, d, CG, H[CG][1])
    expect("near_miss", "BP-REJECTED", "buck_passing", t, note="return approved")

    # --- 6. DS-UNSATISFIED / 7. FC-UNRESOLVED (visits) ------------------------------------------
    t = new_ticket(next_day(), "物业管理", "东湖区阳光城2期", "物业乱收停车费，业主多次投诉无果", "fire")
    d = dispatch(t, m(t.received, minutes=20), ZJ)
    finish(t, d, ZJ, H[ZJ][0], sat="不满意", solved="已解决")
    expect("fire", "DS-UNSATISFIED", "dissatisfaction", t, H[ZJ][0], ZJ, "回访 不满意")
    t = new_ticket(next_day(), "物业管理", "东湖区阳光城3期", "物业乱收装修押金，不予退还", "near_miss")
    d = dispatch(t, m(t.received, minutes=20), ZJ)
    finish(t, d, ZJ, H[ZJ][0], sat="基本满意", solved="已解决")
    expect("near_miss", "DS-UNSATISFIED", "dissatisfaction", t, note="基本满意")

    t = new_ticket(next_day(), "道路设施", "东湖区建设路中段", "路面塌陷形成大坑，晚上容易摔倒", "fire")
    d = dispatch(t, m(t.received, minutes=20), JT)
    finish(t, d, JT, H[JT][0], sat="满意", solved="未解决")
    expect("fire", "FC-UNRESOLVED", "false_closure", t, H[JT][0], JT, "回访 未解决 (yet 满意)")
    t = new_ticket(next_day(), "道路设施", "东湖区建设路东段", "人行道地砖松动，下雨溅水", "near_miss")
    d = dispatch(t, m(t.received, minutes=20), JT)
    finish(t, d, JT, H[JT][1], sat="未联系上")
    expect("near_miss", "FC-UNRESOLVED", "false_closure", t, note="未联系上: no verdict")

    # --- 8. FC-INSTANT: closure request minutes after sign-for, nothing recorded ------------------
    t = new_ticket(next_day(), "广告招牌", "东湖区中山路120号", "商铺广告牌松动，大风天有掉落危险", "fire")
    d = dispatch(t, m(t.received, minutes=20), CG)
    sign(t, m(d, hours=1), CG, H[CG][0])
    contact(t, m(d, hours=1, minutes=5), CG, H[CG][0])
    close_request(t, m(d, hours=1, minutes=12), CG, H[CG][0])
    approve_close(t, m(d, hours=3))
    visit(t, m(d, days=1))
    archive(t, m(d, days=1, minutes=10))
    expect("fire", "FC-INSTANT", "false_closure", t, H[CG][0], CG, "办结申请 12 min after 签收")
    t = new_ticket(next_day(), "广告招牌", "东湖区中山路140号", "商铺灯箱广告晚上太亮，照进卧室", "near_miss")
    d = dispatch(t, m(t.received, minutes=20), CG)
    sign(t, m(d, hours=1), CG, H[CG][0])
    contact(t, m(d, hours=1, minutes=3), CG, H[CG][0])
    site(t, m(d, hours=1, minutes=8), CG, H[CG][0])
    close_request(t, m(d, hours=1, minutes=25), CG, H[CG][0])
    approve_close(t, m(d, hours=3))
    visit(t, m(d, days=1))
    archive(t, m(d, days=1, minutes=10))
    expect("near_miss", "FC-INSTANT", "false_closure", t, note="site check recorded in between")

    # --- 9. FC-NO-EVIDENCE: closure request with no attachment and no citizen contact ---------------
    t = new_ticket(next_day(), "市容环境", "东湖区和平路垃圾站", "垃圾站垃圾满溢，臭味很大", "fire")
    d = dispatch(t, m(t.received, minutes=20), CG)
    finish(t, d, CG, H[CG][1], attach="", contact_first=False)
    expect("fire", "FC-NO-EVIDENCE", "false_closure", t, H[CG][1], CG, "no 附件, no 电话联系")
    t = new_ticket(next_day(), "市容环境", "东湖区友谊路垃圾站", "垃圾站周边污水横流", "near_miss")
    d = dispatch(t, m(t.received, minutes=20), CG)
    finish(t, d, CG, H[CG][1], attach="",
           reply="经核实，友谊路垃圾站周边污水问题属实。我局已于次日组织清洗并疏通排水沟，现场已拍照留存，已电话告知诉求人。")
    expect("near_miss", "FC-NO-EVIDENCE", "false_closure", t, note="contact + 已拍照留存 in the note")

    # --- 10. FC-REJECTED-CLOSURES: rejected twice -------------------------------------------------
    for n, kind in ((2, "fire"), (1, "near_miss")):
        t = new_ticket(next_day(), "供水问题", f"东湖区翠湖小区{n}区", "小区自来水发黄有异味，不敢饮用", kind)
        d = dispatch(t, m(t.received, minutes=20), SW, days=7)
        sign(t, m(d, hours=1), SW, H[SW][0])
        contact(t, m(d, hours=2), SW, H[SW][0])
        site(t, m(d, hours=3), SW, H[SW][0])
        at = m(d, hours=4)
        for k in range(n):
            close_request(t, at, SW, H[SW][0], reply=f"已安排人员对翠湖小区{n}区管网进行冲洗，第{k + 1}次答复。")
            t.add(m(at, hours=2), "办结审核不通过", REVIEWER, CENTRE, SW, "答复未说明水质检测结果，请补充后重新提交")
            at = m(at, days=1)
        close_request(t, at, SW, H[SW][0])
        approve_close(t, m(at, hours=2))
        visit(t, m(at, days=1))
        archive(t, m(at, days=1, minutes=10))
        if kind == "fire":
            expect("fire", "FC-REJECTED-CLOSURES", "false_closure", t, H[SW][0], SW, "办结审核不通过 ×2")
        else:
            expect("near_miss", "FC-REJECTED-CLOSURES", "false_closure", t, note="办结审核不通过 ×1")

    # --- 11. FF-NO-FOLLOW-UP: forwarded down, closed on the squad's word alone -------------------------
    for kind in ("fire", "near_miss"):
        t = new_ticket(next_day(), "占道经营", f"东湖区夜市街{'北' if kind == 'fire' else '南'}口",
                       "夜市摊位占用消防通道，油烟扰民", kind)
        d = dispatch(t, m(t.received, minutes=20), CG)
        sign(t, m(d, hours=1), CG, H[CG][1])
        t.add(m(d, hours=2), "下派", H[CG][1], CG, CG_SQUAD, "请东湖中队现场处置并反馈")
        t.add(m(d, hours=5), "签收", H[CG_SQUAD][0], CG_SQUAD)
        contact(t, m(d, hours=20), CG_SQUAD, H[CG_SQUAD][0])
        t.add(m(d, days=1), "下级反馈", H[CG_SQUAD][0], CG_SQUAD, CG, "已对占道摊位进行劝离，清理消防通道")
        if kind == "near_miss":
            contact(t, m(d, days=1, hours=2), CG, H[CG][1])
            t.add(m(d, days=1, hours=3), "办理过程", H[CG][1], CG, "", "局里复查夜市南口，消防通道已畅通")
        close_request(t, m(d, days=1, hours=4), CG, H[CG][1],
                      reply=f"经东湖中队现场处置，{t.address}占用消防通道的摊位已劝离，通道已清理畅通，油烟问题已责令整改。")
        approve_close(t, m(d, days=1, hours=6))
        visit(t, m(d, days=2))
        archive(t, m(d, days=2, minutes=10))
        if kind == "fire":
            expect("fire", "FF-NO-FOLLOW-UP", "forward_no_follow_up", t, H[CG][1], CG, "下派, closed on the squad's word")
        else:
            expect("near_miss", "FF-NO-FOLLOW-UP", "forward_no_follow_up", t, note="unit called and re-checked")

    # --- 12. DL-OVERDUE: closure requested after the deadline -------------------------------------------
    for kind in ("fire", "near_miss"):
        t = new_ticket(next_day(), "违章停车", f"东湖区育才路{'小学' if kind == 'fire' else '中学'}门口",
                       "上下学时间车辆乱停乱放堵塞道路", kind)
        d = dispatch(t, m(t.received, minutes=20), JT, days=3)
        sign(t, m(d, hours=1), JT, H[JT][1])
        contact(t, m(d, hours=2), JT, H[JT][1])
        site(t, m(d, days=2), JT, H[JT][1])
        # due = dispatch day + 3 at 18:00; fire: next morning; near miss: an hour before
        at = t.due + (timedelta(hours=16) if kind == "fire" else timedelta(hours=-1))
        close_request(t, at, JT, H[JT][1])
        approve_close(t, m(at, hours=2))
        visit(t, m(at, days=1))
        archive(t, m(at, days=1, minutes=10))
        if kind == "fire":
            expect("fire", "DL-OVERDUE", "delay", t, H[JT][1], JT, "办结申请 16 h after 办理时限")
        else:
            expect("near_miss", "DL-OVERDUE", "delay", t, note="办结申请 1 h before 办理时限")

    # --- 13. DL-EXTENSIONS: three extension requests ------------------------------------------------------
    for n, kind in ((3, "fire"), (2, "near_miss")):
        t = new_ticket(next_day(), "房屋质量", f"东湖区老街{n}号危房", "老旧房屋墙体开裂，担心倒塌", kind)
        d = dispatch(t, m(t.received, minutes=20), ZJ, days=5)
        sign(t, m(d, hours=1), ZJ, H[ZJ][0])
        contact(t, m(d, hours=2), ZJ, H[ZJ][0])
        site(t, m(d, days=1), ZJ, H[ZJ][0])
        at = m(d, days=2)
        for _k in range(n):
            until = cn_time(m(at, days=4).replace(hour=18, minute=0))
            t.add(at, "延期申请", H[ZJ][0], ZJ, "", "需委托第三方进行房屋安全鉴定，申请延期", until=until)
            t.add(m(at, hours=3), "延期审核通过", REVIEWER, CENTRE, ZJ, "同意延期", until=until)
            t.add(m(at, days=2), "办理过程", H[ZJ][0], ZJ, "", "鉴定机构已进场检测")
            at = m(at, days=3)
        close_request(t, at, ZJ, H[ZJ][0])
        approve_close(t, m(at, hours=2))
        visit(t, m(at, days=1))
        archive(t, m(at, days=1, minutes=10))
        if kind == "fire":
            expect("fire", "DL-EXTENSIONS", "delay", t, H[ZJ][0], ZJ, "延期申请 ×3")
        else:
            expect("near_miss", "DL-EXTENSIONS", "delay", t, note="延期申请 ×2")

    # --- 14. PR-BOILERPLATE: a reply of stock phrases --------------------------------------------------
    t = new_ticket(next_day(), "公交服务", "东湖区26路公交站", "26路公交司机态度差，不等乘客坐稳就开车", "fire")
    d = dispatch(t, m(t.received, minutes=20), JT)
    finish(t, d, JT, H[JT][1], reply="您的诉求已收悉，我单位高度重视，将按规定处理，感谢您的理解与支持，请耐心等待。")
    expect("fire", "PR-BOILERPLATE", "perfunctory_reply", t, H[JT][1], JT, "stock phrases only")
    t = new_ticket(next_day(), "公交服务", "东湖区31路公交站", "31路公交车站牌信息错误，线路已调整未更新", "near_miss")
    d = dispatch(t, m(t.received, minutes=20), JT)
    finish(t, d, JT, H[JT][1], reply="您的诉求已收悉。经核实31路公交站牌信息确未更新，公交公司已于3月20日更换新站牌，并电话告知诉求人。")
    expect("near_miss", "PR-BOILERPLATE", "perfunctory_reply", t, note="starts with a stock phrase, then specifics")

    # --- 15. GR-GRAFT / HA-HOSTILE: complaint texts --------------------------------------------------------
    t = clean(next_day(), SJ, H[SJ][0], "营商环境", "东湖区市场监管所",
              "办理食品经营许可证时，市场监管所工作人员李某暗示要给他包个两千元红包才给加快办理", kind="fire")
    expect("fire", "GR-GRAFT", "graft", t, "", SJ, "红包 demand")
    t = clean(next_day(), SJ, H[SJ][1], "消费纠纷", "东湖区万达广场某商户",
              "商户搞消费红包活动，说满200返50元红包，结账后拒不兑现", kind="near_miss")
    expect("near_miss", "GR-GRAFT", "graft", t, note="a shop's 红包 promotion, no official")
    t = clean(next_day(), CG, H[CG][0], "执法监督", "东湖区解放路菜市场",
              "城管执法人员态度恶劣，当众辱骂我是刁民，还把我的秤摔坏了", kind="fire")
    expect("fire", "HA-HOSTILE", "hostile_attitude", t, "", CG, "辱骂 by 城管")
    t = clean(next_day(), CG, H[CG][1], "执法监督", "东湖区胜利路菜市场",
              "希望城管在菜市场门口加强管理，早上车辆太多，出行不便", kind="near_miss")
    expect("near_miss", "HA-HOSTILE", "hostile_attitude", t, note="a request, no hostility")

    # --- 16. RC-REPEAT: same place and category three times within 90 days (> 30 days apart) -----------------
    d0 = datetime(2026, 1, 5, 10, 2)
    for k, gap in enumerate((0, 36, 72)):
        t = clean(m(d0, days=gap), HB, H[HB][1], "油烟污染", "东湖区青年路美食街",
                  f"美食街餐馆油烟直排，熏得家里不敢开窗（第{k + 1}次反映）", kind="fire" if k == 2 else "clean")
    expect("fire", "RC-REPEAT", "repeat_complaint", t, "", HB, "3 tickets at one place, 72 days")
    d0 = datetime(2026, 1, 6, 15, 40)
    for k, gap in enumerate((0, 36, 104)):
        t = clean(m(d0, days=gap), HB, H[HB][1], "油烟污染", "东湖区少年路小吃街",
                  f"小吃街烧烤油烟很大，影响居民生活（第{k + 1}次反映）", kind="near_miss" if k == 2 else "clean")
    expect("near_miss", "RC-REPEAT", "repeat_complaint", t, note="3rd ticket 104 days after the 1st")

    # --- 17. MS-SATISFIED-REPEAT and FC-REPEAT-AFTER-CLOSE ---------------------------------------------
    d0 = datetime(2026, 2, 2, 9, 30)
    first = clean(d0, SW, H[SW][1], "供水问题", "东湖区南湖花园", "南湖花园水压太低，高层用不上水", kind="fire")
    clean(m(d0, days=12), SW, H[SW][0], "供水问题", "东湖区南湖花园", "南湖花园水压还是低，高层仍然用不上水")
    expect("fire", "MS-SATISFIED-REPEAT", "manufactured_satisfaction", first, H[SW][1], SW,
           "满意, same matter again 9 days after close")
    first = clean(datetime(2026, 2, 3, 9, 30), SW, H[SW][1], "供水问题", "东湖区北湖花园",
                  "北湖花园水压太低，高层用不上水", kind="near_miss")
    clean(datetime(2026, 3, 20, 9, 30), SW, H[SW][0], "供水问题", "东湖区北湖花园", "北湖花园二次供水水箱需要清洗")
    expect("near_miss", "MS-SATISFIED-REPEAT", "manufactured_satisfaction", first,
           note="same matter 44 days after close")

    d0 = datetime(2026, 2, 4, 14, 0)
    t = new_ticket(d0, "路灯照明", "东湖区樱花路", "樱花路路灯不亮，晚上一片漆黑", "fire")
    d = dispatch(t, m(d0, minutes=20), JT)
    finish(t, d, JT, H[JT][0], sat="未联系上")
    clean(m(d0, days=14), JT, H[JT][1], "路灯照明", "东湖区樱花路", "樱花路路灯还是不亮，之前说修好了")
    expect("fire", "FC-REPEAT-AFTER-CLOSE", "false_closure", t, H[JT][0], JT, "visit unreached, back 11 days later")
    d0 = datetime(2026, 2, 5, 14, 0)
    t = new_ticket(d0, "路灯照明", "东湖区梨花路", "梨花路路灯不亮，晚上一片漆黑", "near_miss")
    d = dispatch(t, m(d0, minutes=20), JT)
    finish(t, d, JT, H[JT][0], sat="未联系上")
    clean(m(d0, days=14), JT, H[JT][1], "道路设施", "东湖区梨花路", "梨花路人行道被挖开没有恢复")
    expect("near_miss", "FC-REPEAT-AFTER-CLOSE", "false_closure", t, note="same place, other category")

    # --- 18. MS-VISIT-BY-HANDLER: the handling unit records the visit itself ----------------------------
    for kind in ("fire", "near_miss"):
        t = new_ticket(next_day(), "物业管理", f"东湖区金色家园{'东' if kind == 'fire' else '西'}区",
                       "小区垃圾清运不及时，楼道堆满垃圾", kind)
        d = dispatch(t, m(t.received, minutes=20), ZJ)
        sign(t, m(d, hours=1), ZJ, H[ZJ][1])
        contact(t, m(d, hours=2), ZJ, H[ZJ][1])
        site(t, m(d, days=1), ZJ, H[ZJ][1])
        close_request(t, m(d, days=2), ZJ, H[ZJ][1])
        approve_close(t, m(d, days=2, hours=3))
        if kind == "fire":
            visit(t, m(d, days=3), who=H[ZJ][1], unit=ZJ)
            expect("fire", "MS-VISIT-BY-HANDLER", "manufactured_satisfaction", t, H[ZJ][1], ZJ,
                   "回访 by the handler")
        else:
            visit(t, m(d, days=3))
            expect("near_miss", "MS-VISIT-BY-HANDLER", "manufactured_satisfaction", t, note="回访 by the centre")
        archive(t, m(d, days=3, minutes=10))

    # --- 19. PR-IDENTICAL: one canned reply pasted on three different matters ------------------------------
    # near miss: one detailed reply sent to two duplicate tickets of the same matter (docs: not a non-answer)
    canned = "已安排工作人员到现场进行处理，相关问题已经整改完毕，感谢您对我们工作的监督和支持。"
    for cat, addr, text in [("道路设施", "东湖区北京路天桥", "天桥台阶破损，老人上下不方便"),
                            ("公交服务", "东湖区火车站公交枢纽", "枢纽站候车亭顶棚漏雨"),
                            ("违章停车", "东湖区人民医院门口", "医院门口出租车乱停，救护车进出困难")]:
        t = new_ticket(next_day(), cat, addr, text, "fire")
        d = dispatch(t, m(t.received, minutes=20), JT)
        finish(t, d, JT, H[JT][0], reply=canned)
        expect("fire", "PR-IDENTICAL", "perfunctory_reply", t, H[JT][0], JT, "the same canned reply on 3 matters")
    day0 = next_day()
    detailed = ("经核实，东湖区上海路公交站候车亭玻璃破损属实，公交公司已于4月25日更换破损玻璃并加装防护栏，"
                "已电话告知诉求人。")
    for k in range(2):
        t = new_ticket(m(day0, hours=k), "公交服务", "东湖区上海路公交站", "上海路公交站候车亭玻璃碎了，容易划伤人",
                       "near_miss" if k == 0 else "clean", caller=f"市民上海路{k}")
        d = dispatch(t, m(day0, hours=2), JT)
        finish(t, d, JT, H[JT][1], reply=detailed)
        if k == 0:
            expect("near_miss", "PR-IDENTICAL", "perfunctory_reply", t, note="one detailed reply on 2 duplicates")

    # --- 20. IB-BANQUET: a citizen reports officials dined by a property company --------------------------
    t = clean(next_day(), ZJ, H[ZJ][1], "作风问题", "东湖区幸福社区",
              "幸福社区书记王某经常接受物业公司宴请，物业乱收费他从来不管", kind="fire")
    expect("fire", "IB-BANQUET", "improper_banquet", t, "", ZJ, "宴请 of a community secretary")
    t = clean(next_day(), ZJ, H[ZJ][0], "社区服务", "东湖区和谐社区",
              "和谐社区组织老年人重阳节聚餐活动，希望以后多办这样的活动", kind="near_miss")
    expect("near_miss", "IB-BANQUET", "improper_banquet", t, note="a community lunch for the elderly")

    # --- 21. DL-IDLE: an open ticket nobody has touched for two weeks (near miss: worked every 3 days) -----
    t = new_ticket(datetime(2026, 4, 8, 10, 5), "噪音扰民", "东湖区光华路KTV", "KTV深夜噪音扰民，多次打电话没人管", "fire")
    d = dispatch(t, m(t.received, minutes=20), HB, days=5)
    sign(t, m(d, hours=1), HB, H[HB][1])
    contact(t, m(d, hours=2), HB, H[HB][1])
    expect("fire", "DL-IDLE", "delay", t, H[HB][1], HB, "open, last action 2026-04-08")
    t = new_ticket(datetime(2026, 4, 17, 10, 5), "噪音扰民", "东湖区光明路酒吧", "酒吧深夜噪音扰民，影响休息", "near_miss")
    d = dispatch(t, m(t.received, minutes=20), HB, days=14)
    sign(t, m(d, hours=1), HB, H[HB][0])
    contact(t, m(d, hours=2), HB, H[HB][0])
    for k in range(1, 5):
        t.add(m(d, days=3 * k), "办理过程", H[HB][0], HB, "", f"第{k}次夜间巡查，已对酒吧负责人进行约谈")
    expect("near_miss", "DL-IDLE", "delay", t, note="open, progress every 3 days, deadline not reached")

    for t in TICKETS:
        if not any(e["ticket"] == t.tid for e in EXPECTED):
            expect("clean", "", "", t)


# --- writers ---------------------------------------------------------------------------------------------

def cn_time(at: datetime) -> str:
    return f"{at.year}年{at.month}月{at.day}日 {at.hour}时{at.minute:02d}分"


def slash_time(at: datetime) -> str:
    return f"{at.year}/{at.month}/{at.day} {at.hour}:{at.minute:02d}"


TICKET_GROUPS = [("基本信息", ["序号", "工单编号", "受理时间", "来电人", "联系电话"]),
                 ("诉求信息", ["诉求类型", "事发地点", "诉求内容"]),
                 ("办理信息", ["承办单位", "办理时限", "办结时间", "工单状态"]),
                 ("回访信息", ["回访满意度", "是否解决"])]


def ticket_rows():
    rows = []
    for i, t in enumerate(sorted(TICKETS, key=lambda t: t.received), 1):
        rows.append([str(i), t.tid, slash_time(t.received), t.caller, t.phone, t.category, t.address, t.content,
                     t.lead, cn_time(t.due) if t.due else "", slash_time(t.closed) if t.closed else "",
                     "已归档" if t.closed else "办理中", t.sat, t.solved])
    return rows


def write_html_xls(path: Path, rows):
    """An 'Excel' export that is an HTML table (what many Java/ASP platforms write with an .xls name)."""
    out = ['<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">',
           '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>',
           '<table border="1">',
           f'<tr><td colspan="14" align="center"><b>{CITY}12345政务服务便民热线工单明细表</b></td></tr>',
           '<tr><td colspan="14">导出时间：2026-05-06 08:30:12　导出人：admin　统计区间：2026-01-01至2026-04-30</td></tr>',
           "<tr>" + "".join(f'<th colspan="{len(cols)}">{g}</th>' for g, cols in TICKET_GROUPS) + "</tr>",
           "<tr>" + "".join(f"<th>{c}</th>" for _, cols in TICKET_GROUPS for c in cols) + "</tr>"]
    for r in rows:
        out.append("<tr>" + "".join(f"<td style=\"mso-number-format:'\\@'\">{html.escape(v)}</td>" for v in r)
                   + "</tr>")
    out.append(f'<tr><td colspan="2">合计</td><td colspan="12">共 {len(rows)} 件</td></tr>')
    out.append("</table></body></html>")
    path.write_text("\n".join(out), encoding="utf-8")


def write_xlsx(path: Path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "工单明细"
    ws.append([f"{CITY}12345政务服务便民热线工单明细表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=14)
    ws.append(["导出时间：2026-05-06 08:30:12　导出人：admin　统计区间：2026-01-01至2026-04-30"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=14)
    col = 1
    group_row = []
    for g, cols in TICKET_GROUPS:
        group_row += [g] + [None] * (len(cols) - 1)
    ws.append(group_row)
    for _g, cols in TICKET_GROUPS:
        ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + len(cols) - 1)
        col += len(cols)
    ws.append([c for _, cols in TICKET_GROUPS for c in cols])
    for r in rows:
        ws.append(r)
    ws.append(["合计", None, f"共 {len(rows)} 件"])
    wb.save(path)


FLOW_HEADER = ["序号", "工单编号", "环节名称", "处理时间", "处理人", "处理部门", "流转至", "处理意见", "附件名称", "申请延期至"]


def write_flows(out: Path):
    by_month: dict[str, list] = {}
    for t in TICKETS:
        for at, action, actor, unit, target, note, attach, until in t.rows:
            by_month.setdefault(f"{at:%Y%m}", []).append((at, t.tid, action, actor, unit, target, note, attach, until))
    files = []
    for month, rows in sorted(by_month.items()):
        rows.sort(key=lambda r: (r[0], r[1]))
        enc = "utf-8-sig" if month == "202603" else "gb18030"
        p = out / f"流转记录_{month}.csv"
        with p.open("w", encoding=enc, newline="") as f:
            w = csv.writer(f)
            w.writerow(FLOW_HEADER)
            for i, (at, tid, action, actor, unit, target, note, attach, until) in enumerate(rows, 1):
                w.writerow([i, tid, action, cn_time(at), actor, unit, target, note, attach, until])
        files.append(p)
    return files


# --- style G: one row per ticket, the whole flow history in one cell, Excel serial times ----------------------

G_HEADER = ["工单编号", "受理时间", "来电人", "联系电话", "诉求类型", "事发地址", "诉求内容", "承办单位", "办理时限",
            "办结时间", "工单状态", "处理过程", "答复内容", "回访满意度", "是否解决"]


def serial(at: datetime | None):
    return round((at - datetime(1899, 12, 30)).total_seconds() / 86400, 6) if at else None


def history_cell(t: Ticket) -> str:
    lines = []
    for at, action, actor, unit, target, note, attach, until in t.rows:
        line = f"{at:%Y-%m-%d %H:%M} 【{action}】{actor}（{unit}）"
        if target:
            line += f"→{target}"
        if note:
            line += f"：{note}"
        if attach:
            line += f"［附件：{attach}］"
        if until:
            line += f"［延期至：{until}］"
        lines.append(line)
    return "\n".join(lines)


def g_rows():
    rows = []
    for t in sorted(TICKETS, key=lambda t: t.received):
        replies = [r[5] for r in t.rows if r[1] == "办结申请"]
        rows.append([t.tid, serial(t.received), t.caller, t.phone, t.category, t.address, t.content, t.lead,
                     serial(t.due), serial(t.closed), "已办结" if t.closed else "办理中", history_cell(t),
                     replies[-1] if replies else "", t.sat, t.solved])
    return rows


def write_xml_spreadsheet(path: Path, rows):
    """XML Spreadsheet 2003 (what many platforms write as .xls): times as plain numbers (Excel serials)."""
    def cell(v):
        if v is None or v == "":
            return "<Cell/>"
        if isinstance(v, float):
            return f'<Cell><Data ss:Type="Number">{v}</Data></Cell>'
        return f'<Cell><Data ss:Type="String">{html.escape(str(v)).replace(chr(10), "&#10;")}</Data></Cell>'
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<?mso-application progid="Excel.Sheet"?>',
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">',
           '<Worksheet ss:Name="工单导出"><Table>',
           f'<Row><Cell ss:MergeAcross="{len(G_HEADER) - 1}"><Data ss:Type="String">{CITY}12345热线工单导出'
           '（含处理过程）</Data></Cell></Row>',
           "<Row>" + "".join(cell(h) for h in G_HEADER) + "</Row>"]
    out += ["<Row>" + "".join(cell(v) for v in r) + "</Row>" for r in rows]
    out.append("</Table></Worksheet></Workbook>")
    path.write_text("\n".join(out), encoding="utf-8")


def write_g_xlsx(path: Path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "工单导出"
    ws.append([f"{CITY}12345热线工单导出（含处理过程）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(G_HEADER))
    ws.append(G_HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, type=Path,
                    help="work folder: writes export/ (style F), export_g/ (style G) and expected.csv")
    args = ap.parse_args()
    build()
    g = args.out / "export_g"
    (g / "converted").mkdir(parents=True, exist_ok=True)
    write_xml_spreadsheet(g / "工单导出.xls", g_rows())
    write_g_xlsx(g / "converted" / "工单导出.xlsx", g_rows())
    args.out = args.out / "export"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "converted").mkdir(exist_ok=True)
    rows = ticket_rows()
    write_html_xls(args.out / "工单明细表.xls", rows)
    write_xlsx(args.out / "converted" / "工单明细表.xlsx", rows)
    flows = write_flows(args.out)
    with (args.out.parent / "expected.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["kind", "rule", "family", "ticket", "person", "unit", "note"])
        w.writeheader()
        w.writerows(EXPECTED)
    n_rows = sum(len(t.rows) for t in TICKETS)
    print(f"{len(TICKETS)} tickets, {n_rows} flow rows in {len(flows)} files, "
          f"{sum(e['kind'] == 'fire' for e in EXPECTED)} expected findings, "
          f"{sum(e['kind'] == 'near_miss' for e in EXPECTED)} near misses → {args.out}")


if __name__ == "__main__":
    main()
