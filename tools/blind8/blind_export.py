"""Blind test 8: an export pulled from a 12345 platform's open data API (政务服务平台数据接口).

    python tools/blind8/blind_export.py --out DIR [--seed 7]

Writes into DIR/export/:
- ``page_0001.json`` … : the API's paged answers, each an envelope
  ``{"code":0,"msg":"success","data":{"total":…,"pageNo":…,"pageSize":…,"records":[…]}}``; one record a ticket with
  nested arrays — ``flowList`` (steps, each with an ``operator`` object and maybe ``targetDept`` and ``attachments``),
  ``visitList``, ``delayList``, ``returnList``, ``attachList`` — camelCase keys, times as ISO 8601 with ``+08:00``,
  ``yyyy/MM/dd HH:mm`` or epoch seconds depending on the field (and, in ``flowList``, on the step), enumerations as
  English words or numbers, nulls and missing keys;
- ``callRecords.jsonl``: the call centre's records (JSON Lines, epoch seconds);
- ``接口字段说明.txt``: the interface description the platform hands out with the data (field names, codes).
And DIR/expected.csv (kind, rule, family, ticket, person, unit, note) for tools/blind5/score.py.
Standard library only. The same seed gives the same files.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

TZ = timezone(timedelta(hours=8))

UNITS = {
    "D00": "12345热线中心", "D10": "市城市管理局", "D11": "市城管局滨江执法中队", "D20": "市住房和城乡建设局",
    "D30": "市生态环境局", "D40": "市市场监督管理局", "D50": "滨江街道办事处", "D51": "滨江街道幸福社区居委会",
    "D60": "市交通运输局", "D70": "市水务集团",
}
PEOPLE = {
    "u0001": ("王芳", "D00"), "u0002": ("李娜", "D00"), "u0003": ("赵敏", "D00"), "u0004": ("钱进", "D00"),
    "u0005": ("孙丽", "D00"), "u0006": ("周婷", "D00"), "u0007": ("郭静", "D00"),
    "u1001": ("陈刚", "D10"), "u1002": ("刘洋", "D10"), "u1101": ("吴涛", "D11"),
    "u2001": ("郑华", "D20"), "u2002": ("冯磊", "D20"), "u3001": ("黄伟", "D30"), "u3002": ("何静", "D30"),
    "u4001": ("高峰", "D40"), "u4002": ("林芳", "D40"), "u5001": ("罗军", "D50"), "u5002": ("梁燕", "D50"),
    "u5101": ("宋波", "D51"), "u6001": ("唐亮", "D60"), "u6002": ("韩雪", "D60"), "u7001": ("许强", "D70"),
    "u7002": ("曹颖", "D70"),
}
AGENTS = ["u0004", "u0007"]
DISPATCHERS = ["u0001", "u0002"]
REVIEWER = "u0003"
VISITORS = ["u0005", "u0006"]
HANDLERS = {"D10": ["u1001", "u1002"], "D11": ["u1101"], "D20": ["u2001", "u2002"], "D30": ["u3001", "u3002"],
            "D40": ["u4001", "u4002"], "D50": ["u5001", "u5002"], "D51": ["u5101"], "D60": ["u6001", "u6002"],
            "D70": ["u7001", "u7002"]}
# category → (lead unit, working days, words of the problem)
CATEGORIES = {
    "噪音扰民": ("D30", 5, "夜间施工噪音"), "油烟污染": ("D30", 5, "餐馆油烟"), "占道经营": ("D10", 5, "流动摊贩占道经营"),
    "违章搭建": ("D10", 10, "楼顶违章搭建"), "物业管理": ("D20", 7, "物业不作为"), "房屋质量": ("D20", 15, "新房墙体开裂"),
    "食品安全": ("D40", 5, "超市出售过期食品"), "价格收费": ("D40", 5, "商户乱收费"), "社区服务": ("D50", 5, "小区公共设施损坏"),
    "道路交通": ("D60", 10, "公交站牌损坏"), "供水排水": ("D70", 3, "小区停水"), "路灯照明": ("D10", 5, "路灯不亮"),
}
OPER_WORDS = {  # the interface's operType words
    "ACCEPT": "受理", "DISPATCH": "派单", "SIGN": "签收", "CONTACT": "联系诉求人", "SITE_CHECK": "现场核查",
    "PROCESS": "办理过程", "TRANSFER": "转办（平级移交）", "ASSIGN_DOWN": "下派", "SUB_FEEDBACK": "下级反馈",
    "REPLY": "答复", "APPLY_FINISH": "申请办结", "FINISH_AUDIT_PASS": "办结审核通过", "FINISH_AUDIT_REJECT": "办结审核不通过",
    "FINISH": "办结", "REOPEN": "重办", "URGE": "催办", "DIRECT_FINISH": "直接办结",
}
STREETS = ["滨江路", "人民路", "解放大道", "建设路", "文化路", "胜利街", "光明路", "和平路", "新华路", "青年路", "长江路",
           "黄河路", "中山路", "迎宾大道", "学府路", "东风路", "朝阳路", "幸福路", "花园街", "工业大道"]
SURNAMES = ("张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜"
            "范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")


class Export:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.records: list[dict] = []
        self.calls: list[dict] = []
        self.expected: list[dict] = []
        self.n = 0
        self.addr_used: set[str] = set()
        self.phones: set[str] = set()
        self.call_n = 0

    # ---- helpers -------------------------------------------------------------------------------------------
    def address(self) -> str:
        while True:
            a = f"{self.rng.choice(STREETS)}{self.rng.randint(1, 399)}号"
            if a not in self.addr_used:
                self.addr_used.add(a)
                return a

    def phone(self) -> str:
        while True:
            p = "1" + self.rng.choice("3589") + "".join(self.rng.choice("0123456789") for _ in range(9))
            if p not in self.phones:
                self.phones.add(p)
                return p

    def caller(self) -> dict:
        name = self.rng.choice(SURNAMES) + self.rng.choice(["先生", "女士"])
        c = {"name": name, "phone": self.phone()}
        if self.rng.random() < 0.1:
            c["idType"] = None
        return c

    def call_id(self) -> str:
        self.call_n += 1
        return f"CR{20260000 + self.call_n * 7:09d}"

    @staticmethod
    def who(uid: str) -> dict:
        name, dept = PEOPLE[uid]
        return {"userId": uid, "userName": name, "deptId": dept, "deptName": UNITS[dept]}

    def t_flow(self, t: datetime):
        """Flow steps come from two sub-systems: the PC client writes 'yyyy/MM/dd HH:mm', the mobile app ISO 8601."""
        if self.rng.random() < 0.25:
            return t.replace(tzinfo=TZ).isoformat()
        return t.strftime("%Y/%m/%d %H:%M")

    @staticmethod
    def epoch(t: datetime) -> int:
        return int(t.replace(tzinfo=TZ).timestamp())

    def expect(self, kind: str, rule: str, family: str, ticket: str, person: str = "", unit: str = "", note: str = ""):
        self.expected.append({"kind": kind, "rule": rule, "family": family, "ticket": ticket, "person": person,
                              "unit": unit, "note": note})

    # ---- a ticket ------------------------------------------------------------------------------------------
    def ticket(self, at: datetime, category: str, content: str | None = None, address: str | None = "new",
               caller: dict | None = None, appeal: str = "COMPLAINT", channel: int = 1, urgency: int = 1,
               days: int | None = None) -> "Ticket":
        self.n += 1
        no = f"YZ{at:%Y%m%d}{self.n:05d}"
        unit, d, words = CATEGORIES[category]
        if address == "new":
            address = self.address()
        if content is None:
            content = f"市民反映{address or '其住处附近'}{words}，影响正常生活，请相关部门尽快处理。"
        tk = Ticket(self, no, at, category, content, address, caller or self.caller(), appeal, channel, urgency,
                    days if days is not None else d)
        self.records.append(tk.rec)
        return tk

    def write(self, out: Path) -> None:
        exp = out / "export"
        exp.mkdir(parents=True, exist_ok=True)
        recs = sorted(self.records, key=lambda r: r["orderNo"])
        size = 20
        for i in range(0, len(recs), size):
            page = {"code": 0, "msg": "success",
                    "data": {"total": len(recs), "pageNo": i // size + 1, "pageSize": size, "records": recs[i:i + size]}}
            (exp / f"page_{i // size + 1:04d}.json").write_text(json.dumps(page, ensure_ascii=False, indent=2),
                                                                encoding="utf-8")
        with open(exp / "callRecords.jsonl", "w", encoding="utf-8") as f:
            for c in sorted(self.calls, key=lambda c: c["ringTime"]):
                f.write(json.dumps(c, ensure_ascii=False) + "\n")
        (exp / "接口字段说明.txt").write_text(INTERFACE_DOC, encoding="utf-8")
        with open(out / "expected.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, ["kind", "rule", "family", "ticket", "person", "unit", "note"])
            w.writeheader()
            w.writerows(self.expected)


class Ticket:
    def __init__(self, ex: Export, no, at, category, content, address, caller, appeal, channel, urgency, days):
        self.ex, self.no, self.t = ex, no, at
        self.unit = None
        agent = ex.rng.choice(AGENTS)
        self.rec: dict = {
            "orderNo": no, "acceptTime": at.replace(tzinfo=TZ).isoformat(), "channel": channel,
            "appealType": appeal, "title": content[:12], "content": content, "categoryName": category,
            "urgency": urgency, "caller": caller, "acceptor": ex.who(agent), "flowList": [], "visitList": [],
            "delayList": [], "returnList": [],
        }
        if address is not None:
            self.rec["address"] = address
        elif ex.rng.random() < 0.5:
            self.rec["address"] = None
        if ex.rng.random() < 0.3:
            self.rec["attachList"] = [{"fileName": "市民上传照片.jpg", "fileSize": 204800}]
        self.days = days
        self.deadline: datetime | None = None
        if channel == 1:  # the inbound call that opened the ticket
            ring = at - timedelta(minutes=4)
            ex.calls.append({"callId": ex.call_id(), "direction": "IN", "callerNo": caller.get("phone"),
                             "agentId": agent, "ringTime": ex.epoch(ring), "answerTime": ex.epoch(ring) + 8,
                             "hangupTime": ex.epoch(ring) + 200, "orderNo": no})
        self.flow("ACCEPT", agent, 0, opinion="登记受理")

    # a step of flowList, `minutes` after the previous one
    def flow(self, oper: str, uid: str, minutes: float, target: str | None = None, opinion: str | None = None,
             attachments: list[str] | None = None, extra: dict | None = None) -> "Ticket":
        self.t = self.t + timedelta(minutes=minutes)
        st: dict = {"flowId": f"{self.no}-{len(self.rec['flowList']) + 1:02d}", "operType": oper,
                    "operTime": self.ex.t_flow(self.t), "operator": self.ex.who(uid)}
        if target is not None:
            st["targetDept"] = {"deptId": target, "deptName": UNITS[target]}
        elif self.ex.rng.random() < 0.3:
            st["targetDept"] = None
        if opinion is not None or self.ex.rng.random() < 0.5:
            st["opinion"] = opinion
        if attachments:
            st["attachments"] = [{"fileName": a, "fileSize": 100000 + 17 * len(a), "url": f"/files/{self.no}/{a}"}
                                 for a in attachments]
        if extra:
            st.update(extra)
        self.rec["flowList"].append(st)
        return self

    def dispatch(self, unit: str, minutes: float = 15, deadline: bool = True) -> "Ticket":
        self.unit = unit
        ex = self.ex
        self.flow("DISPATCH", ex.rng.choice(DISPATCHERS), minutes, target=unit, opinion="请按职责办理")
        if deadline and "deadline" not in self.rec:
            self.deadline = (self.t + timedelta(days=self.days + 2)).replace(hour=18, minute=0)
            self.rec["deadline"] = self.deadline.strftime("%Y/%m/%d %H:%M")
        return self

    def handler(self, unit: str | None = None, i: int = 0) -> str:
        return HANDLERS[unit or self.unit][i]

    def sign(self, uid: str, minutes: float = 40) -> "Ticket":
        return self.flow("SIGN", uid, minutes)

    def contact(self, uid: str, minutes: float = 60) -> "Ticket":
        return self.flow("CONTACT", uid, minutes, opinion="已电话联系诉求人，了解具体情况")

    def site(self, uid: str, minutes: float = 60 * 20) -> "Ticket":
        words = CATEGORIES[self.rec["categoryName"]][2]
        return self.flow("SITE_CHECK", uid, minutes, opinion=f"到{self.rec.get('address') or '现场'}核查{words}情况",
                         attachments=["现场照片1.jpg"])

    def reply_text(self) -> str:
        words = CATEGORIES[self.rec["categoryName"]][2]
        place = self.rec.get("address") or "诉求人反映地点"
        acts = ["责令当事人立即整改并复查", "已约谈相关负责人并下达整改通知书", "已安排专人跟踪直至问题解决",
                "已组织维修人员完成处置", "已依法立案调查并告知处理结果"]
        return (f"经核查，{place}{words}问题属实。我单位于{self.t.month}月{self.t.day}日派员到场，"
                f"{self.ex.rng.choice(acts)}，并已电话告知诉求人处理情况，诉求人表示认可。")

    def apply_finish(self, uid: str, minutes: float = 60 * 24, reply: str | None = None, evidence: bool = True,
                     oper: str = "APPLY_FINISH") -> "Ticket":
        return self.flow(oper, uid, minutes, opinion=reply or self.reply_text(),
                         attachments=["处理后照片.jpg", "整改通知书.pdf"] if evidence else None)

    def audit(self, ok: bool = True, minutes: float = 180, reason: str = "答复内容不具体，请重新办理") -> "Ticket":
        if ok:
            return self.flow("FINISH_AUDIT_PASS", REVIEWER, minutes, opinion="同意办结")
        return self.flow("FINISH_AUDIT_REJECT", REVIEWER, minutes, opinion=reason)

    def visit(self, minutes: float = 60 * 20, satisfaction: int | None = 1, solved: int | None = 1,
              reached: bool = True, visitor: str | None = None, call: str | None = "make", finish: bool = True,
              remark: str | None = None) -> "Ticket":
        ex = self.ex
        self.t = self.t + timedelta(minutes=minutes)
        visitor = visitor or ex.rng.choice(VISITORS)
        v: dict = {"visitId": f"V{self.no[2:]}{len(self.rec['visitList']) + 1}", "visitTime": ex.epoch(self.t),
                   "visitor": ex.who(visitor), "visitType": "PHONE",
                   "contactResult": "CONNECTED" if reached else "NO_ANSWER"}
        if reached:
            v["satisfaction"] = satisfaction
            v["solved"] = solved
        elif ex.rng.random() < 0.5:
            v["satisfaction"] = None
        if remark:
            v["remark"] = remark
        cid = None
        if call == "make":
            cid = ex.call_id()
            ring = self.t - timedelta(minutes=3)
            ex.calls.append({"callId": cid, "direction": "OUT", "callerNo": "12345", "calledNo":
                             self.rec["caller"].get("phone"), "agentId": visitor, "ringTime": ex.epoch(ring),
                             "answerTime": ex.epoch(ring) + 12 if reached else None,
                             "hangupTime": ex.epoch(ring) + (150 if reached else 40), "orderNo": self.no})
        elif call:
            cid = call
        if cid:
            v["callId"] = cid
        self.rec["visitList"].append(v)
        if finish:
            self.flow("FINISH", visitor if visitor in VISITORS else REVIEWER, 2, opinion="回访后办结")
            self.rec["status"] = "FINISHED"
            self.rec["finishTime"] = ex.epoch(self.t)
        return self

    def ret(self, uid: str, ok: bool, new_unit: str | None = None, minutes: float = 120,
            reason: str = "该诉求不属于我单位职责范围", basis: str | None = "《市12345热线职责清单》") -> "Ticket":
        ex = self.ex
        self.t = self.t + timedelta(minutes=minutes)
        r: dict = {"returnId": f"R{self.no[2:]}{len(self.rec['returnList']) + 1}",
                   "applyTime": self.t.replace(tzinfo=TZ).isoformat(), "applicant": ex.who(uid), "reason": reason}
        if basis is not None:
            r["basis"] = basis
        self.t = self.t + timedelta(minutes=90)
        r.update({"auditResult": "PASS" if ok else "REJECT", "auditTime": ex.epoch(self.t),
                  "auditor": ex.who(REVIEWER), "auditOpinion": "同意退回，重新派单" if ok else "属于你单位职责，请认真办理"})
        self.rec["returnList"].append(r)
        if ok and new_unit:
            self.unit = new_unit
            self.flow("DISPATCH", ex.rng.choice(DISPATCHERS), 20, target=new_unit, opinion="退回后重新派单",
                      extra={"dispatchType": "REDISPATCH"})
        return self

    def delay(self, uid: str, days: int, ok: bool = True, minutes: float = 60 * 24) -> "Ticket":
        ex = self.ex
        self.t = self.t + timedelta(minutes=minutes)
        new = (self.deadline + timedelta(days=days)).replace(hour=18, minute=0)
        d: dict = {"delayId": f"E{self.no[2:]}{len(self.rec['delayList']) + 1}",
                   "applyTime": self.t.strftime("%Y/%m/%d %H:%M"), "applicant": ex.who(uid),
                   "reason": "需协调多个部门共同处置，申请延长办理时限", "applyDeadline": new.strftime("%Y-%m-%d")}
        self.t = self.t + timedelta(minutes=120)
        d.update({"auditStatus": 1 if ok else 2, "auditTime": self.t.replace(tzinfo=TZ).isoformat(),
                  "auditor": ex.who(REVIEWER)})
        if ok:
            d["newDeadline"] = new.strftime("%Y/%m/%d %H:%M")
            self.deadline = new
        self.rec["delayList"].append(d)
        return self

    def status(self, s: str) -> "Ticket":
        self.rec["status"] = s
        return self

    def standard(self, unit: str | None = None, i: int = 0, visit: bool = True, reply: str | None = None,
                 **visit_kw) -> "Ticket":
        """dispatch → sign → contact → site check → closure request with evidence → approval → visit → close."""
        unit = unit or CATEGORIES[self.rec["categoryName"]][0]
        if self.unit != unit:
            self.dispatch(unit)
        h = self.handler(unit, i)
        self.sign(h).contact(h).site(h).apply_finish(h, reply=reply).audit()
        if visit:
            self.visit(**visit_kw)
        return self


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    """Day 1 = 2026-03-02 (a Monday)."""
    return datetime(2026, 3, 2, hour, minute) + timedelta(days=day - 1)


def build(seed: int) -> Export:
    ex = Export(seed)
    rng = ex.rng
    cats = list(CATEGORIES)

    def day() -> int:
        return rng.randint(1, 60)

    # ---------------- buck-passing ------------------------------------------------------------------------------
    tk = ex.ticket(at(day()), "物业管理").dispatch("D20")  # BP-RETURNS: three units return it in turn
    for u, nxt in (("u2001", "D30"), ("u3001", "D40"), ("u4001", "D50")):
        tk.sign(u).contact(u).ret(u, True, nxt)
    tk.standard("D50")
    ex.expect("fire", "BP-RETURNS", "buck_passing", tk.no, "u4001", "D40", "3 returns by 3 units: the latest ties")
    tk = ex.ticket(at(day()), "物业管理").dispatch("D20")  # near miss: two returns, each after a contact
    for u, nxt in (("u2002", "D30"), ("u3002", "D50")):
        tk.sign(u).contact(u).ret(u, True, nxt)
    tk.standard("D50")
    ex.expect("near_miss", "BP-RETURNS", "buck_passing", tk.no, note="2 returns, verified, D20→D30→D50")

    tk = ex.ticket(at(day()), "违章搭建").dispatch("D10")  # BP-PINGPONG: D10 →(转办)→ D20 →(return)→ D10
    tk.sign("u1002").site("u1002").flow("TRANSFER", "u1002", 60, target="D20", opinion="涉及房屋结构，转住建局办理")
    tk.sign("u2002").contact("u2002").ret("u2002", True, "D10", reason="违章搭建由城管执法")
    tk.standard("D10", 1)
    ex.expect("fire", "BP-PINGPONG", "buck_passing", tk.no, "u1002", "D10", "A→B by 转办, back by return")
    tk = ex.ticket(at(day()), "房屋质量").dispatch("D10")  # near miss: D10 → D20 → D50, verified each time
    tk.sign("u1001").site("u1001").flow("TRANSFER", "u1001", 60, target="D20", opinion="房屋质量问题转住建局")
    tk.sign("u2001").contact("u2001").flow("TRANSFER", "u2001", 60, target="D50", opinion="转属地街道协调")
    tk.standard("D50", 1)
    ex.expect("near_miss", "BP-PINGPONG", "buck_passing", tk.no, note="chain through three units, verified")

    tk = ex.ticket(at(day()), "油烟污染").dispatch("D30")  # BP-CYCLE: D30 → D40 → D60 → D30 by 转办
    for u, nxt in (("u3002", "D40"), ("u4002", "D60"), ("u6001", "D30")):
        tk.sign(u).contact(u).flow("TRANSFER", u, 60, target=nxt, opinion="非本单位职责，转办")
    tk.standard("D30", 0)
    ex.expect("fire", "BP-CYCLE", "buck_passing", tk.no, "u3002", "D30", "A→B→C→A by 转办")
    tk = ex.ticket(at(day()), "油烟污染").dispatch("D30")  # near miss: D30 → D40 → D60 → D50
    for u, nxt in (("u3001", "D40"), ("u4001", "D60"), ("u6002", "D50")):
        tk.sign(u).contact(u).flow("TRANSFER", u, 60, target=nxt, opinion="非本单位职责，转办")
    tk.standard("D50", 0)
    ex.expect("near_miss", "BP-CYCLE", "buck_passing", tk.no, note="four units, no revisit")

    tk = ex.ticket(at(day()), "社区服务").dispatch("D50")  # BP-NO-VERIFY: return an hour after signing
    tk.sign("u5002").ret("u5002", True, "D60", minutes=50, reason="不属于街道职责")
    tk.standard("D60", 1)
    ex.expect("fire", "BP-NO-VERIFY", "buck_passing", tk.no, "u5002", "D50", "return without contact or site visit")
    tk = ex.ticket(at(day()), "社区服务").dispatch("D50")  # near miss: a site check before the return
    tk.sign("u5001").site("u5001", 120).ret("u5001", True, "D60", reason="经现场核查属公路管养范围")
    tk.standard("D60", 0)
    ex.expect("near_miss", "BP-NO-VERIFY", "buck_passing", tk.no, note="site check before the return")

    tk = ex.ticket(at(day()), "道路交通").dispatch("D60")  # BP-REJECTED: the centre rejects the return
    tk.sign("u6001").contact("u6001").ret("u6001", False, reason="站牌归公交公司管理")
    tk.site("u6001").apply_finish("u6001").audit().visit()
    ex.expect("fire", "BP-REJECTED", "buck_passing", tk.no, "u6001", "D60", "return rejected")
    tk = ex.ticket(at(day()), "道路交通").dispatch("D60")  # near miss: one verified return, approved
    tk.sign("u6002").contact("u6002").ret("u6002", True, "D10", reason="人行道属城管管养")
    tk.standard("D10", 0)
    ex.expect("near_miss", "BP-REJECTED", "buck_passing", tk.no, note="one return, approved, verified")

    # ---------------- false closure -----------------------------------------------------------------------------
    tk = ex.ticket(at(day()), "供水排水").dispatch("D70")  # FC-UNRESOLVED
    tk.sign("u7001").contact("u7001").site("u7001").apply_finish("u7001").audit()
    tk.visit(satisfaction=2, solved=0, finish=False, remark="市民称仍然经常停水")
    tk.flow("REOPEN", REVIEWER, 30, target="D70", opinion="回访未解决，重办")
    tk.site("u7002").apply_finish("u7002").audit().visit()
    ex.expect("fire", "FC-UNRESOLVED", "false_closure", tk.no, "u7001", "D70", "visit: solved 0")
    tk = ex.ticket(at(day()), "供水排水").standard("D70", 1, satisfaction=2, solved=1)
    ex.expect("near_miss", "FC-UNRESOLVED", "false_closure", tk.no, note="basically satisfied, solved")

    d0 = day()  # FC-REPEAT-AFTER-CLOSE: not reached at the visit, the same matter back 10 days later
    tk = ex.ticket(at(d0), "噪音扰民").standard("D30", 0, reached=False)
    addr = tk.rec["address"]
    ex.ticket(at(d0 + 14), "噪音扰民", address=addr).standard("D30", 1)
    ex.expect("fire", "FC-REPEAT-AFTER-CLOSE", "false_closure", tk.no, "u3001", "D30", "visit not reached, repeat")
    d0 = day()  # near miss: the same address, another category
    tk = ex.ticket(at(d0), "噪音扰民").standard("D30", 1, reached=False)
    ex.ticket(at(d0 + 12), "路灯照明", address=tk.rec["address"]).standard("D10", 0)
    ex.expect("near_miss", "FC-REPEAT-AFTER-CLOSE", "false_closure", tk.no, note="same place, other category")

    tk = ex.ticket(at(day()), "物业管理").dispatch("D20")  # FC-NO-EVIDENCE: no contact, no attachment
    tk.sign("u2002").flow("PROCESS", "u2002", 60 * 24, opinion="已通知物业公司处理").apply_finish("u2002", evidence=False)
    tk.audit().visit()
    ex.expect("fire", "FC-NO-EVIDENCE", "false_closure", tk.no, "u2002", "D20", "no contact, no attachment")
    tk = ex.ticket(at(day()), "物业管理").standard("D20", 0)
    ex.expect("near_miss", "FC-NO-EVIDENCE", "false_closure", tk.no, note="contact and attachments")

    tk = ex.ticket(at(day()), "社区服务").dispatch("D50")  # FC-REJECTED-CLOSURES: rejected twice
    tk.sign("u5001").contact("u5001").site("u5001").apply_finish("u5001").audit(False)
    tk.site("u5001").apply_finish("u5001").audit(False, reason="未附维修后照片").apply_finish("u5001").audit().visit()
    ex.expect("fire", "FC-REJECTED-CLOSURES", "false_closure", tk.no, "u5001", "D50", "two closure rejections")
    tk = ex.ticket(at(day()), "社区服务").dispatch("D50")  # near miss: rejected once
    tk.sign("u5002").contact("u5002").site("u5002").apply_finish("u5002").audit(False)
    tk.site("u5002").apply_finish("u5002").audit().visit()
    ex.expect("near_miss", "FC-REJECTED-CLOSURES", "false_closure", tk.no, note="one closure rejection")

    tk = ex.ticket(at(day()), "道路交通").dispatch("D60")  # FC-INSTANT: closure 12 minutes after signing
    tk.sign("u6002", 30).contact("u6002", 5).apply_finish("u6002", 7).audit().visit()
    ex.expect("fire", "FC-INSTANT", "false_closure", tk.no, "u6002", "D60", "closure 12 min after sign-for")
    tk = ex.ticket(at(day()), "道路交通").dispatch("D60")  # near miss: quick, but a site check in between
    tk.sign("u6001", 30).contact("u6001", 5).site("u6001", 8).apply_finish("u6001", 10).audit().visit()
    ex.expect("near_miss", "FC-INSTANT", "false_closure", tk.no, note="quick closure after a site check")

    # ---------------- manufactured satisfaction, dissatisfaction ------------------------------------------------
    d0 = day()  # MS-SATISFIED-REPEAT
    tk = ex.ticket(at(d0), "占道经营").standard("D10", 0)
    ex.ticket(at(d0 + 11), "占道经营", address=tk.rec["address"]).standard("D10", 1)
    ex.expect("fire", "MS-SATISFIED-REPEAT", "manufactured_satisfaction", tk.no, "u1001", "D10",
              "satisfied, back 11 days later")
    d0 = rng.randint(1, 20)  # near miss: back after 45 days
    tk = ex.ticket(at(d0), "占道经营").standard("D10", 1)
    ex.ticket(at(d0 + 45), "占道经营", address=tk.rec["address"]).standard("D10", 0)
    ex.expect("near_miss", "MS-SATISFIED-REPEAT", "manufactured_satisfaction", tk.no, note="back after 45 days")

    tk = ex.ticket(at(day()), "价格收费").standard("D40", 0, call="CR999000001")  # MS-VISIT-NO-CALL
    ex.expect("fire", "MS-VISIT-NO-CALL", "manufactured_satisfaction", tk.no, tk.rec["visitList"][0]["visitor"]["userId"],
              "D00", "visit's callId matches no call record")
    tk = ex.ticket(at(day()), "价格收费").standard("D40", 1)
    ex.expect("near_miss", "MS-VISIT-NO-CALL", "manufactured_satisfaction", tk.no, note="visit backed by a call")

    tk = ex.ticket(at(day()), "房屋质量").standard("D20", 0, visitor="u2001")  # MS-VISIT-BY-HANDLER
    ex.expect("fire", "MS-VISIT-BY-HANDLER", "manufactured_satisfaction", tk.no, "u2001", "D20",
              "the handler recorded the visit himself")
    tk = ex.ticket(at(day()), "房屋质量").standard("D20", 1, visitor="u0005")
    ex.expect("near_miss", "MS-VISIT-BY-HANDLER", "manufactured_satisfaction", tk.no, note="centre visitor")

    tk = ex.ticket(at(day()), "食品安全").standard("D40", 1, satisfaction=3, solved=1,
                                                 remark="市民认为处罚太轻")  # DS-UNSATISFIED
    ex.expect("fire", "DS-UNSATISFIED", "dissatisfaction", tk.no, "u4002", "D40", "satisfaction 3")
    tk = ex.ticket(at(day()), "食品安全").standard("D40", 0, satisfaction=2, solved=1)
    ex.expect("near_miss", "DS-UNSATISFIED", "dissatisfaction", tk.no, note="satisfaction 2 (basically)")

    # ---------------- perfunctory replies -----------------------------------------------------------------------
    tk = ex.ticket(at(day()), "供水排水").dispatch("D70")  # PR-BOILERPLATE
    tk.sign("u7002").contact("u7002").flow("REPLY", "u7002", 60 * 5, opinion="您的诉求已收到，我们会尽快处理，请耐心等待。")
    tk.site("u7002").apply_finish("u7002").audit().visit()
    ex.expect("fire", "PR-BOILERPLATE", "perfunctory_reply", tk.no, "u7002", "D70", "stock phrase reply")
    tk = ex.ticket(at(day()), "供水排水").dispatch("D70")  # near miss: a stock phrase inside a specific reply
    tk.sign("u7001").contact("u7001").flow(
        "REPLY", "u7001", 60 * 5, opinion=f"您反映的{tk.rec.get('address') or ''}小区停水问题，经查系二次供水泵房水泵故障，"
                                          "维修人员已于当日下午更换水泵并恢复供水，请耐心等待水压恢复正常。")
    tk.site("u7001").apply_finish("u7001").audit().visit()
    ex.expect("near_miss", "PR-BOILERPLATE", "perfunctory_reply", tk.no, note="specific reply with 请耐心等待")

    same = "已转交相关责任单位依法依规处理，后续将加强日常巡查管理，防止类似问题再次发生。"  # PR-IDENTICAL
    first = None
    for cat in ("物业管理", "房屋质量", "物业管理"):
        tk = ex.ticket(at(day()), cat).dispatch("D20")
        tk.sign("u2001").contact("u2001").site("u2001").apply_finish("u2001", reply=same).audit().visit()
        first = first or tk.no
    ex.expect("fire", "PR-IDENTICAL", "perfunctory_reply", first, "u2001", "D20", "same reply on 3 matters")
    two = "经核查该路段路灯线路老化，已更换电缆及灯具，现已恢复正常照明。"  # near miss: the same reply twice
    for _ in range(2):
        tk = ex.ticket(at(day()), "路灯照明").dispatch("D10")
        tk.sign("u1002").contact("u1002").site("u1002").apply_finish("u1002", reply=two).audit().visit()
    ex.expect("near_miss", "PR-IDENTICAL", "perfunctory_reply", tk.no, note="same reply on 2 tickets only")

    tk = ex.ticket(at(day()), "路灯照明", content="人民路与文化路交叉口的路灯已经连续一周晚上不亮，行人夜间出行很不安全。")
    tk.dispatch("D10").sign("u1001").contact("u1001").site("u1001")  # PR-OFF-TOPIC
    tk.apply_finish("u1001", reply="经执法人员检查，该餐饮店已安装油烟净化设备，排放检测达标，已责令其定期清洗维护。").audit().visit()
    ex.expect("fire", "PR-OFF-TOPIC", "perfunctory_reply", tk.no, "u1001", "D10", "reply about a restaurant's fumes")
    tk = ex.ticket(at(day()), "路灯照明", content="光明路中段的路灯已经连续一周晚上不亮，行人夜间出行很不安全。")
    tk.dispatch("D10").sign("u1002").contact("u1002").site("u1002")
    tk.apply_finish("u1002", reply="经检查光明路中段路灯不亮系线路故障，维修人员已更换线路，路灯已恢复夜间照明。").audit().visit()
    ex.expect("near_miss", "PR-OFF-TOPIC", "perfunctory_reply", tk.no, note="reply on the lamps")

    # ---------------- forward without follow-up -----------------------------------------------------------------
    tk = ex.ticket(at(day()), "占道经营").dispatch("D10")  # FF-NO-FOLLOW-UP: closed on the squad's word alone
    tk.sign("u1001").flow("ASSIGN_DOWN", "u1001", 30, target="D11", opinion="请滨江中队处置")
    tk.sign("u1101").contact("u1101").site("u1101").flow("SUB_FEEDBACK", "u1101", 60, target="D10",
                                                           opinion="已劝离摊贩")
    tk.apply_finish("u1001", 60 * 3).audit().visit()
    ex.expect("fire", "FF-NO-FOLLOW-UP", "forward_no_follow_up", tk.no, "u1001", "D10", "forward, no follow-up")
    tk = ex.ticket(at(day()), "占道经营").dispatch("D10")  # near miss: the bureau checks on it
    tk.sign("u1002").flow("ASSIGN_DOWN", "u1002", 30, target="D11", opinion="请滨江中队处置")
    tk.sign("u1101").site("u1101").flow("SUB_FEEDBACK", "u1101", 60, target="D10", opinion="已劝离摊贩")
    tk.contact("u1002", 60).flow("PROCESS", "u1002", 60, opinion="已复核中队处置结果，现场已无摊贩")
    tk.apply_finish("u1002", 60 * 3).audit().visit()
    ex.expect("near_miss", "FF-NO-FOLLOW-UP", "forward_no_follow_up", tk.no, note="followed up before closing")

    # ---------------- delay -------------------------------------------------------------------------------------
    tk = ex.ticket(at(day()), "食品安全").dispatch("D40")  # DL-OVERDUE: closure 3 days past the deadline
    tk.sign("u4001").contact("u4001").site("u4001")
    tk.t = tk.deadline + timedelta(days=2, hours=-8)
    tk.apply_finish("u4001", 60 * 24).audit().visit()
    ex.expect("fire", "DL-OVERDUE", "delay", tk.no, "u4001", "D40", "closure after the deadline")
    tk = ex.ticket(at(day()), "食品安全").dispatch("D40")  # near miss: late on the first deadline, extended
    first_deadline = tk.deadline
    tk.sign("u4002").contact("u4002").site("u4002").delay("u4002", 5)
    tk.t = first_deadline - timedelta(days=2)
    tk.flow("PROCESS", "u4002", 0, opinion="已抽检同批次商品，等待检验结果")
    tk.t = first_deadline + timedelta(days=1)
    tk.site("u4002", 0).apply_finish("u4002", 60 * 24).audit().visit()
    ex.expect("near_miss", "DL-OVERDUE", "delay", tk.no, note="late on the first deadline, within the extension")

    tk = ex.ticket(at(day()), "违章搭建").dispatch("D10")  # DL-EXTENSIONS: three extensions
    tk.sign("u1001").contact("u1001").site("u1001")
    for u in ("u1001", "u1001", "u1002"):
        tk.delay(u, 5, minutes=60 * 24 * 3).site(u, 60 * 24)
    tk.apply_finish("u1002", 60 * 24).audit().visit()
    ex.expect("fire", "DL-EXTENSIONS", "delay", tk.no, "u1002", "D10", "three extension requests")
    tk = ex.ticket(at(day()), "违章搭建").dispatch("D10")  # near miss: two, one rejected
    tk.sign("u1002").contact("u1002").site("u1002").delay("u1002", 5, minutes=60 * 24 * 2).site("u1002", 60 * 24)
    tk.delay("u1002", 5, ok=False, minutes=60 * 24 * 2).apply_finish("u1002", 60 * 24).audit().visit()
    ex.expect("near_miss", "DL-EXTENSIONS", "delay", tk.no, note="two extension requests")

    tk = ex.ticket(at(day()), "房屋质量").dispatch("D20")  # DL-IDLE: nine days without anything after signing
    tk.sign("u2002").site("u2002", 60 * 24 * 9).contact("u2002").apply_finish("u2002", 60 * 24).audit().visit()
    ex.expect("fire", "DL-IDLE", "delay", tk.no, "u2002", "D20", "9 idle days after signing")
    tk = ex.ticket(at(day()), "房屋质量").dispatch("D20")  # near miss: five days
    tk.sign("u2001").site("u2001", 60 * 24 * 5).contact("u2001").apply_finish("u2001", 60 * 24).audit().visit()
    ex.expect("near_miss", "DL-IDLE", "delay", tk.no, note="5 quiet days")

    tk = ex.ticket(at(1), "违章搭建", days=10).dispatch("D10")  # DL-LONG-OPEN: open since the first week
    tk.sign("u1002").contact("u1002").site("u1002")
    for _ in range(8):
        tk.flow("PROCESS", "u1002", 60 * 24 * 6, opinion="当事人拒不配合，继续做工作")
    tk.status("PROCESSING")
    ex.expect("fire", "DL-LONG-OPEN", "delay", tk.no, "u1002", "D10", "open for months")
    long_open = tk

    # ---------------- repeat complaints -------------------------------------------------------------------------
    d0 = day()  # RC-REPEAT: three callers, the same place and category within a week
    addr = ex.address()
    tks = [ex.ticket(at(d0 + k * 2, 10 + k), "油烟污染", address=addr) for k in range(3)]
    for tk in tks:
        tk.dispatch("D30")
    for tk in tks:
        tk.t = at(d0 + 5)
        h = "u3001"
        tk.sign(h).contact(h).site(h).apply_finish(h).audit().visit()
    ex.expect("fire", "RC-REPEAT", "repeat_complaint", tks[-1].no, "", "D30", "3 tickets, same place and category")
    d0 = day()  # near miss: two complaints and a consultation at one place
    addr = ex.address()
    tks = [ex.ticket(at(d0 + k, 10), "价格收费", address=addr, appeal=a) for k, a in
           enumerate(("COMPLAINT", "CONSULT", "COMPLAINT"))]
    for tk in tks:
        tk.dispatch("D40")
    for tk in tks:
        tk.t = at(d0 + 4)
        tk.sign("u4002").contact("u4002").site("u4002").apply_finish("u4002").audit().visit()
    ex.expect("near_miss", "RC-REPEAT", "repeat_complaint", tks[-1].no, note="2 complaints + a consultation")

    # ---------------- misconduct in the citizens' words ---------------------------------------------------------
    texts = [
        ("fire", "HA-HOSTILE", "hostile_attitude", "社区服务", "D50",
         "我到滨江街道便民服务中心办理居住证，窗口工作人员态度恶劣，对我大声呵斥，还说爱办不办，不办就走。",
         "经调查，便民服务中心窗口工作人员办理居住证时态度生硬属实，已对其批评教育并调离窗口岗位，已向市民道歉。"),
        ("fire", "GR-GRAFT", "graft", "价格收费", "D40",
         "市场监管所的执法人员来店里检查时暗示要给他好处费两千元，不给就开罚单，请查处。",
         "已将执法人员索要好处费的线索移交局纪检组调查，检查和罚单程序同步复核，结果将告知店主。"),
        ("fire", "IB-BANQUET", "improper_banquet", "物业管理", "D20",
         "幸福社区的书记经常接受小区物业公司的宴请，在酒店吃吃喝喝，物业的问题从来不管。",
         "社区书记接受物业公司宴请的反映已转街道纪工委核查，小区物业问题已约谈物业公司限期整改。"),
        ("fire", "EM-EMBEZZLE", "embezzlement", "房屋质量", "D20",
         "村干部截留我们的拆迁补偿款，至今一分钱都没有发放到村民手里，请上级部门调查。",
         "村干部截留拆迁补偿款的反映已移交纪检部门调查，补偿款发放情况正在逐户核对，核对后发放到村民。"),
        ("near_miss", "HA-HOSTILE", "hostile_attitude", "噪音扰民", "D30",
         "楼上邻居每天深夜大声吵闹、摔东西，还互相辱骂，严重影响休息，希望环保部门测一下噪音。",
         "已联系社区民警和网格员上门劝导楼上邻居夜间不再吵闹摔东西，噪音属生活噪声，由社区持续跟进。"),
        ("near_miss", "GR-GRAFT", "graft", "价格收费", "D40",
         "咨询一下办理个体工商户营业执照需要缴纳哪些费用，收费标准是多少。",
         "办理个体工商户营业执照不收取任何费用，可在政务服务网或登记窗口免费办理。"),
        ("near_miss", "IB-BANQUET", "improper_banquet", "油烟污染", "D30",
         "楼下新开的饭店油烟直排，每天中午和晚上饭点油烟味很大，窗户都不敢开。",
         "经现场检查，该饭店未安装油烟净化设施，油烟直排属实，已责令其安装净化设施并停止直排。"),
        ("near_miss", "EM-EMBEZZLE", "embezzlement", "物业管理", "D20",
         "小区物业公司把公共维修基金的使用明细一直不公示，业主想查账，请住建部门督促公开。",
         "已督促物业公司在小区公告栏公示公共维修基金使用明细，业主可到物业服务中心查账。"),
    ]
    for kind, rule, fam, cat, unit, text, reply in texts:
        tk = ex.ticket(at(day()), cat, content=text).standard(unit, 1, reply=reply)
        ex.expect(kind, rule, fam, tk.no, "", unit if kind == "fire" else "", "citizen's words")

    # ---------------- clean tickets -----------------------------------------------------------------------------
    for k in range(14):
        cat = rng.choice(cats)
        addr = "new" if k % 5 else None
        tk = ex.ticket(at(day(), rng.randint(8, 17), rng.choice((0, 15, 30, 45))), cat, address=addr,
                       channel=rng.choice((1, 1, 2, 3, 4)))
        tk.standard(None, rng.randint(0, 1), satisfaction=rng.choice((1, 1, 2)))
    for k in range(4):  # consultations answered at intake
        tk = ex.ticket(at(day(), 10 + k), "价格收费", content="咨询水电气价格调整的具体时间和标准。", appeal="CONSULT")
        tk.flow("DIRECT_FINISH", tk.rec["acceptor"]["userId"], 5, opinion="已按知识库答复：自下月1日起执行新标准。")
        tk.status("FINISHED")
    # near miss of DL-LONG-OPEN (built last: its steps run to the end of the export, so it is never idle)
    end = max(datetime.fromtimestamp(c["hangupTime"], TZ).replace(tzinfo=None) for c in ex.calls)
    tk = ex.ticket(end - timedelta(days=10), "违章搭建", days=15).dispatch("D10")
    tk.sign("u1001").contact("u1001").site("u1001")
    while tk.t < end:
        tk.flow("PROCESS", "u1001", 60 * 24 * 3, opinion="已下达限期拆除通知，督促当事人自行拆除")
    tk.status("PROCESSING")
    ex.expect("near_miss", "DL-LONG-OPEN", "delay", tk.no, note="open 10 days, in time, active")
    assert long_open.rec["status"] == "PROCESSING"
    return ex


INTERFACE_DOC = """云州市12345政务服务便民热线 数据开放接口 工单明细查询（/open/api/v2/order/page）字段说明

返回：{code, msg, data:{total, pageNo, pageSize, records:[工单]}}，每页 20 条，按工单编号排序。
工单：
  orderNo 工单编号；acceptTime 受理时间（ISO8601，带时区）；channel 来源渠道（1 电话 2 网站 3 APP 4 微信）；
  appealType 诉求类型（COMPLAINT 投诉 / REQUEST 求助 / CONSULT 咨询 / SUGGEST 建议 / PRAISE 表扬）；
  title 标题；content 诉求内容；categoryName 问题分类；address 事发地址（可能为空）；urgency 紧急程度（1 一般 2 紧急）；
  caller{name 姓名, phone 电话}；acceptor 受理人{userId, userName, deptId, deptName}；
  deadline 办理时限（yyyy/MM/dd HH:mm）；status 工单状态（PROCESSING 办理中 / FINISHED 已办结）；
  finishTime 办结时间（Unix 秒）；attachList 市民上传的附件[{fileName, fileSize}]。
  flowList 流转记录[{flowId, operType 操作类型, operTime 操作时间（PC 端 yyyy/MM/dd HH:mm，移动端 ISO8601）,
      operator 操作人{userId 工号, userName 姓名, deptId 部门编码, deptName 部门名称},
      targetDept 目标部门{deptId, deptName}（派单、转办、下派、下级反馈时有）, opinion 处理意见/答复内容,
      attachments 附件[{fileName, fileSize, url}], dispatchType（REDISPATCH 退回后重新派单）}]
    operType：ACCEPT 受理, DISPATCH 派单, SIGN 签收, CONTACT 联系诉求人, SITE_CHECK 现场核查, PROCESS 办理过程,
      TRANSFER 转办（平级单位之间移交）, ASSIGN_DOWN 下派（派给下级单位）, SUB_FEEDBACK 下级反馈, REPLY 答复,
      APPLY_FINISH 申请办结（opinion 为答复内容）, FINISH_AUDIT_PASS 办结审核通过, FINISH_AUDIT_REJECT 办结审核不通过,
      FINISH 办结, REOPEN 重办, URGE 催办, DIRECT_FINISH 直接办结（咨询类当场答复）
  visitList 回访记录[{visitId, visitTime 回访时间（Unix 秒）, visitor 回访人{…}, visitType（PHONE 电话）,
      contactResult（CONNECTED 已接通 / NO_ANSWER 无人接听）, satisfaction 满意度（1 满意 2 基本满意 3 不满意）,
      solved 是否解决（1 是 0 否）, callId 回访通话流水号, remark 回访备注}]
  returnList 退单记录[{returnId, applyTime 申请时间（ISO8601）, applicant 申请人{…}, reason 退单理由, basis 退单依据,
      auditResult 审核结果（PASS 同意 / REJECT 驳回）, auditTime 审核时间（Unix 秒）, auditor 审核人{…}, auditOpinion}]
      同意退回后，流转记录中另有一条 DISPATCH（dispatchType=REDISPATCH）派往新单位。
  delayList 延期记录[{delayId, applyTime 申请时间（yyyy/MM/dd HH:mm）, applicant 申请人{…}, reason 延期理由,
      applyDeadline 申请延至（yyyy-MM-dd）, auditStatus 审核状态（1 通过 2 不通过）, auditTime 审核时间（ISO8601）,
      auditor 审核人{…}, newDeadline 批准延至（yyyy/MM/dd HH:mm）}]
空值：字段可能为 null，也可能缺省不返回。

话务记录 callRecords.jsonl（/open/api/v2/call/list 逐行导出）：callId 通话流水号, direction（IN 呼入 / OUT 呼出）,
  callerNo 主叫, calledNo 被叫, agentId 坐席工号, ringTime 振铃时间, answerTime 应答时间（未接通为 null）,
  hangupTime 挂机时间（均为 Unix 秒）, orderNo 关联工单编号。
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    ex = build(a.seed)
    ex.write(a.out)
    fires = sum(e["kind"] == "fire" for e in ex.expected)
    near = sum(e["kind"] == "near_miss" for e in ex.expected)
    print(f"{len(ex.records)} tickets, {len(ex.calls)} call records, {fires} expected findings "
          f"over {len({e['rule'] for e in ex.expected if e['kind'] == 'fire'})} rules, {near} near misses → {a.out}")


if __name__ == "__main__":
    main()
