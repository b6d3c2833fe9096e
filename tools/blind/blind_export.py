"""Blind test of issue 14: a foreign 12345 export written the way a city platform writes one.

Style "E" (invented for this blind test, not one of the docs' examples): one workbook
``12345工单导出.xlsx`` with a title row and an export-date row above the headers of each sheet,

* sheet 工单信息 — 工单号, 登记时间, 来电人, 联系电话, 诉求类型, 诉求地点, 诉求标题, 诉求内容, 办理时限,
  工单状态, 办结时间;
* sheet 流转记录 — 序号, 工单号, 处理时间, 处理环节, 处理人, 处理部门, 流向部门, 办理意见, 附件,
  评价结果, 解决情况, 延期至;

times written as text the way clerks' platforms print them (``2026/3/5 9:14``), action words of the
platform (派发, 签收, 联系来电人, 现场核查, 办理情况, 退回申请, 退回审核通过, 退回审核不通过, 转办, 下派,
办理反馈, 催办, 延期申请, 延期审核通过, 办结申请, 办结审核通过, 办结审核不通过, 回访, 归档), and a GBK CSV
twin of both sheets (``工单信息.csv``, ``流转记录.csv``).

Each planted abuse has a firing ticket and a near miss. ``expected.csv`` lists, per ticket, the rule
that must fire (``kind=fire``: rule, ticket, unit, person — person empty where the rule names no one)
or must stay silent (``kind=near``).

    python tools/blind/blind_export.py OUTDIR
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

CENTRE = "12345热线中心"
DISPATCHER, REVIEWER, VISITOR = "陈静", "刘洋", "周丽"
CG, HB, ZJ, SJ, JT = "市城市管理局", "市生态环境局", "市住房和城乡建设局", "市市场监督管理局", "市交通运输局"
DC, XH, NM = "东城街道办事处", "西湖街道办事处", "南门社区居委会"
HANDLER = {CG: "张伟", HB: "王芳", ZJ: "李娜", SJ: "黄涛", JT: "杨帆", DC: "马骏", XH: "林峰", NM: "何平"}
SECOND = {CG: "孙强", HB: "吴磊", ZJ: "郑浩", DC: "胡静"}
DAYS = {
    "噪音扰民": 3,
    "市容环境": 5,
    "占道经营": 5,
    "道路交通": 10,
    "房屋建设": 10,
    "市场监管": 7,
    "供排水": 3,
    "户籍证件": 5,
    "劳动保障": 10,
}

FLOW_HEAD = [
    "序号",
    "工单号",
    "处理时间",
    "处理环节",
    "处理人",
    "处理部门",
    "流向部门",
    "办理意见",
    "附件",
    "评价结果",
    "解决情况",
    "延期至",
]
TICKET_HEAD = [
    "工单号",
    "登记时间",
    "来电人",
    "联系电话",
    "诉求类型",
    "诉求地点",
    "诉求标题",
    "诉求内容",
    "办理时限",
    "工单状态",
    "办结时间",
]


def fmt(t: dt.datetime) -> str:
    """The platform prints times without leading zeros: 2026/3/5 9:14."""
    return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"


def add_working_days(t: dt.datetime, n: int) -> dt.datetime:
    while n:
        t += dt.timedelta(days=1)
        if t.weekday() < 5:
            n -= 1
    return t


class Ticket:
    def __init__(self, book, tid, start, category, address, caller, phone, title, content):
        self.book, self.tid, self.t = book, tid, start
        self.info = {
            "工单号": tid,
            "登记时间": fmt(start),
            "来电人": caller,
            "联系电话": phone,
            "诉求类型": category,
            "诉求地点": address,
            "诉求标题": title,
            "诉求内容": content,
            "办理时限": "",
            "工单状态": "办理中",
            "办结时间": "",
        }
        self.category, self.address, self.title = category, address, title
        self.unit = None
        book.tickets.append(self)

    def step(self, after_min, word, person, unit, target="", note="", attach="", rating="", solved="", extend_to=""):
        self.t += dt.timedelta(minutes=after_min)
        self.book.flows.append(
            {
                "工单号": self.tid,
                "处理时间": fmt(self.t),
                "处理环节": word,
                "处理人": person,
                "处理部门": unit,
                "流向部门": target,
                "办理意见": note,
                "附件": attach,
                "评价结果": rating,
                "解决情况": solved,
                "延期至": extend_to,
            }
        )
        return self

    # --- the steps platforms record, written the way clerks write them ---
    def dispatch(self, unit, after=12, again=False):
        note = "请按职责办理，并在时限内答复市民。" if not again else f"经审核，改派{unit}办理。"
        self.step(after, "派发", DISPATCHER, CENTRE, unit, note)
        if not self.info["办理时限"]:
            self.info["办理时限"] = fmt(add_working_days(self.t, DAYS[self.category]))
        self.unit = unit
        return self

    def sign(self, person, after=25):
        return self.step(after, "签收", person, self.unit)

    def contact(self, person, after=90):
        return self.step(after, "联系来电人", person, self.unit, note=f"已电话联系来电人，了解{self.title}的具体情况，约定上门查看。")

    def progress(self, person, after=24 * 60, note=None):
        return self.step(
            after, "办理情况", person, self.unit, note=note or f"工作人员赴{self.address or '现场'}查看{self.title}情况，正在协调处置。"
        )

    def ret(self, person, after=60, reason=None):
        return self.step(
            after, "退回申请", person, self.unit, note=reason or f"经核实，{self.title}不属于我单位职责范围，申请退回，请中心重新派单。"
        )

    def ret_ok(self, after=120):
        return self.step(after, "退回审核通过", REVIEWER, CENTRE, note="同意退回。")

    def ret_no(self, after=120):
        return self.step(after, "退回审核不通过", REVIEWER, CENTRE, note="退回理由不充分，根据职责清单该事项属于你单位职责，请继续办理。")

    def reply_text(self):
        return (
            f"经查，来电人反映的{self.address or ''}{self.title}问题属实。我单位已安排工作人员现场处置，"
            f"{self.title}问题已整改到位，并电话告知来电人处理结果。"
        )

    def close_req(self, person, after=24 * 60, attach="现场照片1.jpg;整改后照片.jpg", note=None):
        return self.step(after, "办结申请", person, self.unit, note=note or self.reply_text(), attach=attach)

    def close_ok(self, after=180):
        return self.step(after, "办结审核通过", REVIEWER, CENTRE, note="答复内容符合要求，同意办结。")

    def close_no(self, after=180):
        return self.step(after, "办结审核不通过", REVIEWER, CENTRE, note="答复未说明具体处理措施及结果，请补充后重新提交。")

    def visit(self, rating="满意", solved="已解决", after=24 * 60, person=VISITOR, unit=CENTRE):
        words = {
            "满意": "对处理结果满意",
            "基本满意": "对处理结果基本满意",
            "不满意": "对处理结果不满意",
            "一般": "觉得一般",
            "未联系上": "三次拨打无人接听",
        }[rating]
        note = f"回访来电人，{words}" + (f"，表示问题{solved}" if solved else "") + "。"
        return self.step(after, "回访", person, unit, note=note, rating=rating, solved=solved)

    def archive(self, after=2):
        self.step(after, "归档", REVIEWER, CENTRE, note="工单归档。")
        self.info["工单状态"], self.info["办结时间"] = "已办结", fmt(self.t)
        return self

    def finish(self, person, rating="满意", solved="已解决", **close):
        """The ordinary end: closure request with evidence, approved, visited, archived."""
        return self.close_req(person, **close).close_ok().visit(rating, solved).archive()

    def handle(self, person, **kw):
        """Sign, contact, one progress note, then the ordinary end."""
        return self.sign(person).contact(person).progress(person).finish(person, **kw)


class Book:
    def __init__(self):
        self.tickets, self.flows, self.expected = [], [], []
        self.n = 0

    def ticket(self, day, category, address, title, content=None, caller=None, phone=None, hour=9, minute=14):
        self.n += 1
        start = dt.datetime(2026, 3, 1, hour, minute) + dt.timedelta(days=day)
        tid = f"GD{start:%Y%m%d}{self.n:04d}"
        caller = caller or f"{'赵钱孙李周吴郑王冯陈'[self.n % 10]}先生"
        phone = phone or f"139{self.n:08d}"
        content = content or f"来电人反映{address}{title}，已持续多日，影响生活，请相关部门尽快处理。"
        return Ticket(self, tid, start, category, address, caller, phone, title, content)

    def expect(self, kind, rule, t, unit="", person="", note=""):
        self.expected.append({"kind": kind, "rule": rule, "ticket": t.tid, "unit": unit, "person": person, "note": note})


def plant(b: Book) -> None:
    # 1 ping-pong by returns: 城管局 → 生态环境局 → 城管局
    t = b.ticket(1, "市容环境", "东城区解放路12号", "沿街商铺油烟直排")
    t.dispatch(CG).sign("张伟").contact("张伟").ret("张伟").ret_ok().dispatch(HB, again=True)
    t.sign("王芳").contact("王芳").ret("王芳").ret_ok().dispatch(CG, again=True).handle("张伟")
    b.expect("fire", "BP-PINGPONG", t, CG, "张伟", "A→B→A by returns")
    # 2 near miss: a chain through three units
    t = b.ticket(1, "市容环境", "东城区解放路40号", "餐馆油烟扰民")
    t.dispatch(CG).sign("孙强").contact("孙强").ret("孙强").ret_ok().dispatch(HB, again=True)
    t.sign("吴磊").contact("吴磊").ret("吴磊").ret_ok().dispatch(DC, again=True).handle("马骏")
    for r in ("BP-PINGPONG", "BP-CYCLE", "BP-RETURNS"):
        b.expect("near", r, t, note="A→B→C, two returns")
    # 3 ping-pong with a repeat: 住建局, 东城街道, 东城街道 (改派 again), 住建局
    t = b.ticket(2, "房屋建设", "东城区建设巷5号", "违规搭建阳光房")
    t.dispatch(ZJ).sign("李娜").contact("李娜").ret("李娜").ret_ok().dispatch(DC, again=True)
    t.dispatch(DC, after=600, again=True).sign("马骏").contact("马骏").ret("马骏").ret_ok()
    t.dispatch(ZJ, again=True).handle("李娜")
    b.expect("fire", "BP-PINGPONG", t, ZJ, "李娜", "A,B,B,A")
    # 4 near miss: A,B,B and B handles it
    t = b.ticket(2, "房屋建设", "东城区建设巷9号", "楼顶违建")
    t.dispatch(ZJ).sign("郑浩").contact("郑浩").ret("郑浩").ret_ok().dispatch(DC, again=True)
    t.dispatch(DC, after=600, again=True).handle("胡静")
    b.expect("near", "BP-PINGPONG", t, note="A,B,B without return to A")
    # 5 cycle: 市场监管局 → 城管局 → 东城街道 → 市场监管局 (three returns: BP-RETURNS too)
    t = b.ticket(3, "市场监管", "东城区人民路88号", "超市销售过期食品")
    t.dispatch(SJ).sign("黄涛").contact("黄涛").ret("黄涛").ret_ok().dispatch(CG, again=True)
    t.sign("孙强").contact("孙强").ret("孙强").ret_ok().dispatch(DC, again=True)
    t.sign("胡静").contact("胡静").ret("胡静").ret_ok().dispatch(SJ, again=True).handle("黄涛")
    b.expect("fire", "BP-CYCLE", t, SJ, "黄涛", "A→B→C→A")
    b.expect("fire", "BP-RETURNS", t, DC, "胡静", "3 returns, one each: ties → latest unit")
    # 6 near miss of the cycle: A→B→C→D (still three returns)
    t = b.ticket(3, "市场监管", "东城区人民路120号", "药店无证经营")
    t.dispatch(SJ).sign("黄涛").contact("黄涛").ret("黄涛").ret_ok().dispatch(CG, again=True)
    t.sign("张伟").contact("张伟").ret("张伟").ret_ok().dispatch(DC, again=True)
    t.sign("马骏").contact("马骏").ret("马骏").ret_ok().dispatch(XH, again=True).handle("林峰")
    b.expect("near", "BP-CYCLE", t, note="A→B→C→D")
    b.expect("fire", "BP-RETURNS", t, DC, "马骏", "3 returns, ties → latest unit")
    # 7 ping-pong by sideways hand-over (转办) between peer street offices
    t = b.ticket(4, "市容环境", "西湖路与东城路交界处", "垃圾堆放无人清理")
    t.dispatch(XH).sign("林峰").contact("林峰")
    t.step(60, "转办", "林峰", XH, DC, "该点位位于两街道交界处，属东城街道辖区，转东城街道办理。")
    t.unit = DC
    t.sign("马骏").step(120, "转办", "马骏", DC, XH, "经现场测量该点位属西湖街道辖区，转回西湖街道办理。")
    t.unit = XH
    t.sign("林峰").progress("林峰").finish("林峰")
    b.expect("fire", "BP-PINGPONG", t, XH, "林峰", "A→B→A by 转办 (sideways hand-over)")
    # 8 near miss: 转办 once, the peer handles it
    t = b.ticket(4, "市容环境", "西湖路与南门路交界处", "建筑垃圾乱倒")
    t.dispatch(XH).sign("林峰").contact("林峰")
    t.step(60, "转办", "林峰", XH, DC, "该点位属东城街道辖区，转东城街道办理。")
    t.unit = DC
    t.handle("胡静")
    b.expect("near", "BP-PINGPONG", t, note="one 转办, handled there")
    # 9 return rejected by the centre
    t = b.ticket(5, "道路交通", "东城区建设路公交站", "公交站台破损")
    t.dispatch(JT).sign("杨帆").contact("杨帆").ret("杨帆", reason="站台归属不明，建议由住建局处理。")
    t.ret_no().progress("杨帆").finish("杨帆")
    b.expect("fire", "BP-REJECTED", t, JT, "杨帆")
    # 10 near miss: one return, approved
    t = b.ticket(5, "道路交通", "西湖区湖滨路口", "路口信号灯故障")
    t.dispatch(CG).sign("孙强").contact("孙强").ret("孙强").ret_ok().dispatch(JT, again=True).handle("杨帆")
    for r in ("BP-REJECTED", "BP-RETURNS", "BP-PINGPONG"):
        b.expect("near", r, t, note="one return, approved")
    # 11 return asked 20 minutes after signing, nothing checked
    t = b.ticket(6, "噪音扰民", "西湖区文化路3号", "工地夜间施工噪音")
    t.dispatch(HB).sign("吴磊").ret("吴磊", after=20, reason="不属于我局职责。").ret_ok()
    t.dispatch(CG, again=True).handle("孙强")
    b.expect("fire", "BP-NO-VERIFY", t, HB, "吴磊")
    # 12 near miss: the citizen was contacted before the return
    t = b.ticket(6, "噪音扰民", "西湖区文化路21号", "KTV夜间噪音")
    t.dispatch(HB).sign("王芳").contact("王芳").ret("王芳").ret_ok().dispatch(CG, again=True).handle("张伟")
    b.expect("near", "BP-NO-VERIFY", t, note="contact before return")
    # 13 near miss: a site check (现场核查) before the return
    t = b.ticket(7, "噪音扰民", "西湖区文化路55号", "广场舞音响扰民")
    t.dispatch(HB).sign("吴磊").step(120, "现场核查", "吴磊", HB, "", "到现场核查，噪音来源为广场舞音响，属社会生活噪声，非我局职责。")
    t.ret("吴磊").ret_ok().dispatch(XH, again=True).handle("林峰")
    b.expect("near", "BP-NO-VERIFY", t, note="site check (现场核查) before return")
    # 14 instant closure: signed, a token call, closure requested 10 minutes after signing
    t = b.ticket(8, "市容环境", "东城区和平街7号", "井盖缺失")
    t.dispatch(CG).sign("孙强").step(3, "联系来电人", "孙强", CG, "", "已联系。")
    t.close_req("孙强", after=7).close_ok().visit().archive()
    b.expect("fire", "FC-INSTANT", t, CG, "孙强")
    # 15 near miss: handling recorded between sign-for and a quick closure request
    t = b.ticket(8, "市容环境", "东城区和平街19号", "路灯不亮")
    t.dispatch(CG).sign("张伟").contact("张伟", after=3)
    t.progress("张伟", after=10, note="已安排维修班组更换灯泡，路灯恢复照明。")
    t.close_req("张伟", after=10).close_ok().visit().archive()
    b.expect("near", "FC-INSTANT", t, note="progress note before a 23-minute closure")
    # 16 closure requested without evidence and without contacting the citizen
    t = b.ticket(9, "供排水", "东城区和平小区3号楼", "下水道堵塞返水")
    t.dispatch(ZJ).sign("郑浩").progress("郑浩")
    t.close_req("郑浩", attach="", note="经查，和平小区3号楼下水道堵塞问题已由物业公司疏通，排水恢复正常。")
    t.close_ok().visit().archive()
    b.expect("fire", "FC-NO-EVIDENCE", t, ZJ, "郑浩")
    # 17 near miss: no attachment but the note says the photos were taken (stated evidence)
    t = b.ticket(9, "供排水", "东城区和平小区8号楼", "自来水管漏水")
    t.dispatch(ZJ).sign("李娜").progress("李娜")
    t.close_req("李娜", attach="", note="和平小区8号楼漏水管道已由物业更换，维修过程已拍照留存。")
    t.close_ok().visit().archive()
    b.expect("near", "FC-NO-EVIDENCE", t, note="no file, 拍照留存 in the note")
    # 18 near miss: attachment, no contact
    t = b.ticket(9, "供排水", "东城区和平小区12号楼", "二次供水水压不足")
    t.dispatch(ZJ).sign("郑浩").progress("郑浩").close_req("郑浩", attach="水压检测报告.pdf")
    t.close_ok().visit().archive()
    b.expect("near", "FC-NO-EVIDENCE", t, note="attachment, no contact")
    # 19 closure rejected twice
    t = b.ticket(10, "占道经营", "东城区胜利街菜市场门口", "流动摊贩占道")
    t.dispatch(DC).sign("胡静").contact("胡静").progress("胡静")
    t.close_req("胡静", note="已安排执法队员到胜利街菜市场门口劝离流动摊贩。", attach="照片.jpg").close_no()
    t.close_req("胡静", note="胜利街菜市场门口流动摊贩已全部劝离。", attach="照片.jpg").close_no()
    t.progress("胡静").finish("胡静")
    b.expect("fire", "FC-REJECTED-CLOSURES", t, DC, "胡静")
    # 20 near miss: rejected once
    t = b.ticket(10, "占道经营", "东城区胜利街18号", "商铺出店经营")
    t.dispatch(DC).sign("马骏").contact("马骏").progress("马骏")
    t.close_req("马骏", note="已责令胜利街18号商铺将货物搬回店内。", attach="照片.jpg").close_no().progress("马骏").finish("马骏")
    b.expect("near", "FC-REJECTED-CLOSURES", t, note="rejected once")
    # 21 unsatisfied and unresolved
    t = b.ticket(11, "噪音扰民", "西湖区花园小区5栋", "楼上商户噪音")
    t.dispatch(HB).sign("王芳").contact("王芳").progress("王芳").finish("王芳", rating="不满意", solved="未解决")
    b.expect("fire", "DS-UNSATISFIED", t, HB, "王芳")
    b.expect("fire", "FC-UNRESOLVED", t, HB, "王芳")
    # 22 unsatisfied though resolved
    t = b.ticket(11, "噪音扰民", "西湖区花园小区9栋", "空调外机噪音")
    t.dispatch(HB).handle("吴磊", rating="不满意", solved="已解决")
    b.expect("fire", "DS-UNSATISFIED", t, HB, "吴磊")
    b.expect("near", "FC-UNRESOLVED", t, note="resolved")
    # 23 unresolved, rated 一般
    t = b.ticket(12, "市容环境", "西湖区花园路口", "绿化带垃圾")
    t.dispatch(XH).handle("林峰", rating="一般", solved="未解决")
    b.expect("fire", "FC-UNRESOLVED", t, XH, "林峰")
    b.expect("near", "DS-UNSATISFIED", t, note="一般 is basically satisfied")
    # 24 near miss: basically satisfied, resolved
    t = b.ticket(12, "市容环境", "西湖区花园路8号", "垃圾桶满溢")
    t.dispatch(XH).handle("林峰", rating="基本满意", solved="已解决")
    b.expect("near", "DS-UNSATISFIED", t, note="基本满意")
    b.expect("near", "FC-UNRESOLVED", t, note="已解决")
    # 25 near miss: citizen not reached
    t = b.ticket(13, "市容环境", "西湖区花园路20号", "小广告乱贴")
    t.dispatch(XH).handle("林峰", rating="未联系上", solved="")
    b.expect("near", "DS-UNSATISFIED", t, note="未联系上")
    b.expect("near", "FC-UNRESOLVED", t, note="未联系上")
    # 26 overdue: 3 working days, closure asked after 8
    t = b.ticket(14, "噪音扰民", "西湖区学院路6号", "酒吧深夜噪音")
    t.dispatch(XH).sign("林峰").contact("林峰")
    for _ in range(3):
        t.progress("林峰", after=3 * 24 * 60)
    t.finish("林峰")
    b.expect("fire", "DL-OVERDUE", t, XH, "林峰", "deadline in 工单信息.办理时限 only")
    # 27 near miss: closed within the limit
    t = b.ticket(14, "噪音扰民", "西湖区学院路30号", "早市叫卖噪音")
    t.dispatch(XH).sign("林峰").contact("林峰").progress("林峰", after=600).finish("林峰", after=600)
    b.expect("near", "DL-OVERDUE", t, note="closed on day 2 of 3")
    # 28 three extensions
    t = b.ticket(15, "房屋建设", "东城区幸福里小区", "小区外墙脱落")
    t.dispatch(ZJ).sign("李娜").contact("李娜")
    due = add_working_days(t.t, 10)
    for _ in range(3):
        due = add_working_days(due, 5)
        t.step(2 * 24 * 60, "延期申请", "李娜", ZJ, "", "外墙维修需业主表决使用维修资金，申请延期。", extend_to=fmt(due))
        t.step(120, "延期审核通过", REVIEWER, CENTRE, ZJ, "同意延期。", extend_to=fmt(due))
    t.progress("李娜").finish("李娜")
    b.expect("fire", "DL-EXTENSIONS", t, ZJ, "李娜")
    # 29 near miss: two extensions
    t = b.ticket(15, "房屋建设", "东城区幸福里小区南门", "小区道路塌陷")
    t.dispatch(ZJ).sign("郑浩").contact("郑浩")
    due = add_working_days(t.t, 10)
    for _ in range(2):
        due = add_working_days(due, 5)
        t.step(2 * 24 * 60, "延期申请", "郑浩", ZJ, "", "需等待施工队进场，申请延期。", extend_to=fmt(due))
        t.step(120, "延期审核通过", REVIEWER, CENTRE, ZJ, "同意延期。", extend_to=fmt(due))
    t.progress("郑浩").finish("郑浩")
    b.expect("near", "DL-EXTENSIONS", t, note="two extensions")
    # 30 forwarded down to the community, closed on the community's word alone
    t = b.ticket(16, "市容环境", "东城区南门社区2号院", "楼道堆放杂物")
    t.dispatch(DC).sign("马骏").step(60, "下派", "马骏", DC, NM, "请南门社区核实处理并反馈。")
    t.step(2 * 24 * 60, "办理反馈", "何平", NM, DC, "社区已组织清理楼道杂物。", attach="清理后.jpg")
    t.close_req("马骏", after=60, attach="清理后.jpg").close_ok().visit().archive()
    b.expect("fire", "FF-NO-FOLLOW-UP", t, DC, "马骏")
    # 31 near miss: the street chases the community and calls the citizen itself
    t = b.ticket(16, "市容环境", "东城区南门社区6号院", "楼道电动车充电")
    t.dispatch(DC).sign("马骏").step(60, "下派", "马骏", DC, NM, "请南门社区核实处理并反馈。")
    t.step(24 * 60, "催办", "马骏", DC, NM, "请社区加快处理，明日前反馈。")
    t.step(24 * 60, "办理反馈", "何平", NM, DC, "社区已劝导住户，拆除飞线充电。", attach="整改后.jpg")
    t.contact("马骏").close_req("马骏", attach="整改后.jpg").close_ok().visit().archive()
    b.expect("near", "FF-NO-FOLLOW-UP", t, note="催办 and a citizen contact after forwarding")
    # 32 boilerplate reply
    t = b.ticket(17, "道路交通", "西湖区湖滨路与学院路口", "路口缺少斑马线")
    t.dispatch(JT).sign("杨帆").contact("杨帆").progress("杨帆")
    t.finish("杨帆", note="您的诉求已收悉，我单位高度重视，将尽快研究处理，感谢您的理解与支持，请耐心等待。")
    b.expect("fire", "PR-BOILERPLATE", t, JT, "杨帆")
    # 33 near miss: a specific reply
    t = b.ticket(17, "道路交通", "西湖区湖滨路小学门口", "学校门口缺少减速带")
    t.dispatch(JT).sign("杨帆").contact("杨帆").progress("杨帆")
    t.finish(
        "杨帆",
        note="经现场勘查，湖滨路小学门口确需减速设施。我局已于3月20日在校门两侧各安装减速带一条，并施划学校区域标线，已电话告知来电人。",
    )
    b.expect("near", "PR-BOILERPLATE", t, note="specific reply")
    # 34-36 three complaints on one address and category, different callers, all open at once
    reps = []
    for i in range(3):
        t = b.ticket(18, "噪音扰民", "东城区幸福路18号幸福小区", "小区内商铺夜间装修噪音", hour=9 + 3 * i)
        t.dispatch(CG)
        reps.append(t)
    for t, who in zip(reps, ("张伟", "孙强", "张伟")):
        t.handle(who)
    b.expect("fire", "RC-REPEAT", reps[-1], CG, "", "3 callers, same address+category")
    # 37-39 near miss: two of a matter, and a third on the same address but another category
    near = []
    for i, cat in enumerate(("噪音扰民", "噪音扰民", "市容环境")):
        title = "夜间装修噪音" if cat == "噪音扰民" else "装修垃圾堆放"
        t = b.ticket(18, cat, "西湖区阳光路9号阳光小区", title, hour=10 + 2 * i)
        t.dispatch(XH)
        near.append(t)
    for t in near:
        t.handle("林峰")
    b.expect("near", "RC-REPEAT", near[1], note="two on one matter + one of another category")
    # 40-42 same caller, same category, no address
    rep = []
    for i in range(3):
        t = b.ticket(
            19 + i,
            "占道经营",
            "",
            "楼下早餐摊占道经营",
            caller="朱女士",
            phone="13812345678",
            content="来电人反映其楼下早餐摊每天早上占道经营，油烟大，垃圾多，请城管处理。",
        )
        t.dispatch(CG)
        rep.append(t)
    for t in rep:
        t.handle("张伟")
    b.expect("fire", "RC-REPEAT", rep[-1], CG, "", "same caller, same category, no address")
    # 43-45 near miss: same caller, three different categories, no address
    nrep = []
    for i, (cat, title) in enumerate((("占道经营", "门口水果摊占道"), ("噪音扰民", "楼下广场舞噪音"), ("供排水", "小区停水无通知"))):
        t = b.ticket(19 + i, cat, "", title, caller="钱先生", phone="13987654321")
        t.dispatch(CG if cat != "供排水" else ZJ)
        nrep.append(t)
    for t in nrep:
        t.handle("孙强" if t.unit == CG else "李娜")
    b.expect("near", "RC-REPEAT", nrep[-1], note="same caller, three categories")
    # 60-62 near miss: three different people who gave the same form of name (张先生), same category,
    # no address — a name is not a caller
    names = []
    for i in range(3):
        t = b.ticket(25 + i, "占道经营", "", "小区门口摊贩占道", caller="张先生", phone=f"1370000{i:04d}")
        t.dispatch(CG)
        names.append(t)
    for t in names:
        t.handle("孙强")
    b.expect("near", "RC-REPEAT", names[-1], note="same caller name 张先生, three different phones")
    # 46-47 satisfied, then the same matter again 10 days after the close
    t = b.ticket(20, "市容环境", "东城区光明路33号", "店铺门前污水横流")
    t.dispatch(CG).handle("孙强", rating="满意")
    b.expect("fire", "MS-SATISFIED-REPEAT", t, CG, "孙强")
    b.ticket(30, "市容环境", "东城区光明路33号", "店铺门前污水横流").dispatch(CG).handle("张伟")
    # 48-49 near miss: satisfied, the same address comes back about another category
    t = b.ticket(20, "市容环境", "东城区光明路51号", "门前垃圾未清运")
    t.dispatch(CG).handle("张伟", rating="满意")
    b.expect("near", "MS-SATISFIED-REPEAT", t, note="the repeat is another category")
    b.ticket(30, "噪音扰民", "东城区光明路51号", "店铺音响噪音").dispatch(HB).handle("王芳")
    # 50-51 closed, visit not reached, the same matter back 8 days later
    t = b.ticket(21, "供排水", "西湖区清泉小区4栋", "小区水管爆裂")
    t.dispatch(ZJ).handle("郑浩", rating="未联系上", solved="")
    b.expect("fire", "FC-REPEAT-AFTER-CLOSE", t, ZJ, "郑浩")
    b.ticket(31, "供排水", "西湖区清泉小区4栋", "小区水管又爆裂").dispatch(ZJ).handle("李娜")
    # 52-53 near miss: the same matter back 45 days later
    t = b.ticket(21, "供排水", "西湖区清泉小区9栋", "地下车库积水")
    t.dispatch(ZJ).handle("李娜", rating="未联系上", solved="")
    b.expect("near", "FC-REPEAT-AFTER-CLOSE", t, note="repeat after 45 days")
    b.ticket(69, "供排水", "西湖区清泉小区9栋", "地下车库积水").dispatch(ZJ).handle("郑浩")
    # 54 hostile staff
    t = b.ticket(
        22,
        "户籍证件",
        "东城街道便民服务中心",
        "窗口工作人员态度恶劣",
        content="来电人反映3月21日到东城街道便民服务中心办理居住证，窗口一名女工作人员态度恶劣，"
        "当众大声训斥来电人，还说“爱找谁找谁去”，把材料扔了回来。请求处理。",
    )
    t.dispatch(DC).handle("胡静")
    b.expect("fire", "HA-HOSTILE", t, DC, "", "accused: a woman at the window (no name)")
    # 55 near miss: a consultation about the same window
    t = b.ticket(
        22,
        "户籍证件",
        "东城街道便民服务中心",
        "居住证办理咨询",
        content="来电人咨询办理居住证需要哪些材料，东城街道便民服务中心周末是否可以办理。",
    )
    t.dispatch(DC).handle("胡静")
    b.expect("near", "HA-HOSTILE", t, note="consultation")
    # 56 graft
    t = b.ticket(
        23,
        "市场监管",
        "西湖区学院路小吃街",
        "执法人员索要好处费",
        content="来电人反映市场监管局执法人员黄某3月22日检查其小吃店时，暗示要给两千元好处费，"
        "否则就以卫生不合格开罚单。来电人未给，希望查处。",
    )
    t.dispatch(SJ).handle("黄涛")
    b.expect("fire", "GR-GRAFT", t, SJ, "", "accused: 黄某 of 市场监管局")
    # 57 near miss: asks about a fine
    t = b.ticket(
        23,
        "市场监管",
        "西湖区学院路小吃街",
        "个体户年报逾期罚款咨询",
        content="来电人咨询个体工商户年报逾期未报会不会被罚款，罚款标准是多少，如何补报。",
    )
    t.dispatch(SJ).handle("黄涛")
    b.expect("near", "GR-GRAFT", t, note="a question about fines")
    # 58 the handler made the follow-up call itself
    t = b.ticket(24, "市容环境", "东城区和平街55号", "人行道地砖松动")
    t.dispatch(CG).sign("孙强").contact("孙强").progress("孙强").close_req("孙强").close_ok()
    t.visit(person="孙强", unit=CG).archive()
    b.expect("fire", "MS-VISIT-BY-HANDLER", t, CG, "孙强")
    # 59 near miss: the centre's visitor
    t = b.ticket(24, "市容环境", "东城区和平街77号", "树枝遮挡路灯")
    t.dispatch(CG).handle("张伟")
    b.expect("near", "MS-VISIT-BY-HANDLER", t, note="centre's visitor")


CALL_HEAD = ["话单编号", "主叫号码", "技能组", "坐席工号", "振铃时间", "应答时间", "挂机时间", "呼叫结果", "关联工单号", "呼叫方向"]
STATUS_HEAD = ["坐席工号", "坐席状态", "开始时间", "结束时间"]


def call_centre(b: Book) -> tuple[list[dict], list[dict]]:
    """话务记录 and 坐席状态 of 2026-03-10, with the call-centre abuses and their near misses, plus the
    centre's outbound follow-up calls (呼出) for every visit but one."""
    calls, status = [], []
    day = dt.datetime(2026, 3, 10)

    def call(agent, ring, answered, ticket="", direction="呼入", phone="13500000000"):
        end = ring + dt.timedelta(minutes=4 if answered else 1)
        calls.append(
            {
                "话单编号": f"C{len(calls) + 1:06d}",
                "主叫号码": phone,
                "技能组": "综合",
                "坐席工号": agent,
                "振铃时间": fmt_s(ring),
                "应答时间": fmt_s(ring + dt.timedelta(seconds=12)) if answered else "",
                "挂机时间": fmt_s(end),
                "呼叫结果": "接通" if answered else "放弃",
                "关联工单号": ticket,
                "呼叫方向": direction,
            }
        )

    def state(agent, word, start, minutes):
        status.append(
            {"坐席工号": agent, "坐席状态": word, "开始时间": fmt_s(start), "结束时间": fmt_s(start + dt.timedelta(minutes=minutes))}
        )

    # US-ABANDONED: 1001 lets 5 of 12 calls ring out; near miss 1002: 2 of 12
    for agent, missed in (("1001", 5), ("1002", 2)):
        for i in range(12):
            call(agent, day + dt.timedelta(hours=9, minutes=20 * i), answered=i >= missed)
        b.expected.append(
            {
                "kind": "fire" if agent == "1001" else "near",
                "rule": "US-ABANDONED",
                "ticket": "",
                "unit": "",
                "person": agent,
                "note": f"{missed}/12 unanswered",
            }
        )
    # US-FAKE-BUSY: 1003 busy 10:00-11:30, no call; near miss 1004 busy as long but on calls meanwhile
    for agent in ("1003", "1004"):
        state(agent, "空闲", day + dt.timedelta(hours=8, minutes=30), 90)
        state(agent, "示忙", day + dt.timedelta(hours=10), 90)
        state(agent, "空闲", day + dt.timedelta(hours=11, minutes=30), 300)
        if agent == "1004":
            for m in (5, 35, 65):
                call(agent, day + dt.timedelta(hours=10, minutes=m), answered=True)
        b.expected.append(
            {
                "kind": "fire" if agent == "1003" else "near",
                "rule": "US-FAKE-BUSY",
                "ticket": "",
                "unit": "",
                "person": agent,
                "note": "busy 90 min" + (" with calls" if agent == "1004" else ""),
            }
        )
    # US-AWAY: 1005 on a 70-minute break mid-day; near miss 1006 on a 30-minute one
    for agent, minutes in (("1005", 70), ("1006", 30)):
        state(agent, "空闲", day + dt.timedelta(hours=8, minutes=30), 270)
        state(agent, "小休", day + dt.timedelta(hours=13), minutes)
        state(agent, "空闲", day + dt.timedelta(hours=13, minutes=minutes), 240)
        b.expected.append(
            {
                "kind": "fire" if agent == "1005" else "near",
                "rule": "US-AWAY",
                "ticket": "",
                "unit": "",
                "person": agent,
                "note": f"break {minutes} min",
            }
        )
    # outbound follow-up calls: one per visit row, answered at the visit's time, linked by ticket number;
    # the visit of the 24th ticket (回访 recorded, no call made) has none
    skip = b.tickets[23].tid
    for r in b.flows:
        if r["处理环节"] == "回访" and r["工单号"] != skip:
            at = dt.datetime.strptime(r["处理时间"], "%Y/%m/%d %H:%M") - dt.timedelta(minutes=3)
            call(
                "2001",
                at,
                answered=r["评价结果"] != "未联系上",
                ticket=r["工单号"],
                direction="呼出",
                phone=next(t.info["联系电话"] for t in b.tickets if t.tid == r["工单号"]),
            )
    b.expected.append(
        {
            "kind": "fire",
            "rule": "MS-VISIT-NO-CALL",
            "ticket": skip,
            "unit": CENTRE,
            "person": VISITOR,
            "note": "visit with no outbound call",
        }
    )
    b.expected.append(
        {
            "kind": "near",
            "rule": "MS-VISIT-NO-CALL",
            "ticket": b.tickets[58].tid,
            "unit": "",
            "person": "",
            "note": "answered outbound call on the visit's ticket",
        }
    )
    return calls, status


def fmt_s(t: dt.datetime) -> str:
    return f"{t:%Y-%m-%d %H:%M:%S}"


def write(b: Book, out: Path) -> None:
    from openpyxl import Workbook

    out.mkdir(parents=True, exist_ok=True)
    flows = sorted(b.flows, key=lambda r: (r["工单号"],))  # the platform exports grouped by ticket
    for i, r in enumerate(flows, 1):
        r["序号"] = i
    wb = Workbook()
    ws = wb.active
    ws.title = "工单信息"
    ws.append(["12345政务服务便民热线工单信息表"])
    ws.append(["导出时间：2026/6/1 8:30", "", "导出人：admin"])
    ws.append(TICKET_HEAD)
    for t in b.tickets:
        ws.append([t.info[h] for h in TICKET_HEAD])
    ws2 = wb.create_sheet("流转记录")
    ws2.append(["12345政务服务便民热线工单流转记录"])
    ws2.append(FLOW_HEAD)
    for r in flows:
        ws2.append([r[h] for h in FLOW_HEAD])
    wb.save(out / "12345工单导出.xlsx")
    for name, head, rows in (("工单信息.csv", TICKET_HEAD, [t.info for t in b.tickets]), ("流转记录.csv", FLOW_HEAD, flows)):
        with open(out / name, "w", encoding="gbk", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(head)
            w.writerows([[r[h] for h in head] for r in rows])
    calls, status = call_centre(b)
    for name, head, rows in (("话务记录.csv", CALL_HEAD, calls), ("坐席状态.csv", STATUS_HEAD, status)):
        with open(out / name, "w", encoding="gbk", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(head)
            w.writerows([[r[h] for h in head] for r in rows])
    with open(out / "expected.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["kind", "rule", "ticket", "unit", "person", "note"])
        w.writeheader()
        w.writerows(b.expected)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "blind_out")
    b = Book()
    plant(b)
    write(b, out)
    fires = sum(e["kind"] == "fire" for e in b.expected)
    print(
        f"{len(b.tickets)} tickets, {len(b.flows)} flow rows, {fires} expected findings, {len(b.expected) - fires} near-miss checks → {out}"
    )


if __name__ == "__main__":
    main()
