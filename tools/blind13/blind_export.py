"""Blind test 13: a change-data-capture log of a 12345 platform's work-order table (Debezium JSON lines).

    python tools/blind13/blind_export.py --out DIR [--seed N]

Writes DIR/export/ (the delivery) and DIR/expected.csv (kind fire / near_miss / clean, family, rule, ticket,
person, unit, note — the format tools/blind5/score.py reads). Standard library only.

The delivery, as a city's big-data bureau (大数据局) hands it over from its data lake: the platform's MySQL
database is captured by Flink CDC / Debezium into Kafka and landed on the lake as debezium-json, one topic per
table, one file per month. **No flow-record table is captured**: the work-order table is one row per ticket,
updated in place at every step, so what happened must be read from successive row images.

- `ods_rx12345_t_work_order_2026{01,02,03}.json`: JSON Lines, one Debezium change event per line:
  `{"before": {…}|null, "after": {…}|null, "source": {connector, db, table, file, pos, ts_ms …}, "op": "c|u|d|r",
  "ts_ms": …, "transaction": null}`. `op` r = read at the connector's initial snapshot (tickets already open when
  capture began), c = insert (intake), u = update (every later step), d = delete (a duplicate ticket removed;
  `after` null). Columns are the platform's MySQL names (snake_case). **DATETIME columns arrive as epoch
  milliseconds of the wall-clock time taken as UTC** (Debezium's io.debezium.time.Timestamp), the **TIMESTAMP
  column `update_time` as an ISO string in UTC** (`…Z`, io.debezium.time.ZonedTimestamp) — the platform's own
  wall clock is Asia/Shanghai. Status, appeal type, contact and visit results are codes (数据说明.txt).
  `update_by` is the 工号 of whoever made the change.
- `ods_rx12345_t_call_record_2026Q1.json`: the call table captured the same way: c when the call rings (answer
  and hang-up null), u when it is answered, u when it ends (a call never answered: c then one u).
- `dim_sys_user.csv` (工号, name, dept) and `dim_sys_dept.csv` (dept code, name, parent): the lake's dimension tables,
  UTF-8, written by the lake's export tool.
- `数据说明.txt`: the data dictionary the bureau sends with it (UTF-8).

`--cdc canal` writes the same changes as Alibaba Canal's canal-json instead (`{"data": [row], "old": [changed
columns' old values], "type": "INSERT|UPDATE|DELETE", "table", "id", "es", "ts"}`, every value text, times as the
server's wall clock) — what many Chinese data lakes land.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

CENTRE = "D00"
DEPTS = {  # code → (name, parent)
    "D00": ("澜江市12345政务服务便民热线中心", ""),
    "D11": ("澜江市城市管理综合执法局", ""), "D12": ("澜江市生态环境局", ""),
    "D13": ("澜江市住房和城乡建设局", ""), "D14": ("澜江市市场监督管理局", ""),
    "D15": ("澜江市交通运输局", ""), "D16": ("澜江市水务局", ""),
    "D17": ("澜江市自然资源和规划局", ""),
    "D21": ("滨江街道办事处", ""), "D22": ("清河街道办事处", ""), "D23": ("鹿鸣街道办事处", ""),
    "D111": ("澜江市城管执法局滨江中队", "D11"),
}
PEOPLE = {  # 工号 → (姓名, dept)
    "LJ0501": ("宋雨桐", "D00"), "LJ0502": ("潘晓", "D00"),      # intake agents
    "LJ0511": ("罗文静", "D00"), "LJ0512": ("姚瑶", "D00"),      # dispatchers
    "LJ0521": ("崔立新", "D00"), "LJ0522": ("顾敏", "D00"),      # reviewers (退单/延期/办结审核)
    "LJ0531": ("沈一帆", "D00"), "LJ0532": ("蒋月", "D00"),      # visitors (回访)
    "LJ1101": ("范志强", "D11"), "LJ1102": ("彭涛", "D11"),
    "LJ1201": ("魏海燕", "D12"), "LJ1202": ("袁博", "D12"),
    "LJ1301": ("邱建华", "D13"), "LJ1302": ("任佳", "D13"),
    "LJ1401": ("贾宏", "D14"), "LJ1402": ("夏雪梅", "D14"),
    "LJ1501": ("方正", "D15"), "LJ1601": ("石磊", "D16"), "LJ1701": ("江涛", "D17"),
    "LJ2101": ("白洁", "D21"), "LJ2201": ("龙飞", "D22"), "LJ2301": ("段晓燕", "D23"),
    "LJ1111": ("秦刚", "D111"),
}
HANDLER = {}
for _code, (_n, _d) in PEOPLE.items():
    HANDLER.setdefault(_d, _code)
CG, HB, ZJ, SJ, JT, SW, ZR = "D11", "D12", "D13", "D14", "D15", "D16", "D17"
BJ, QH, LM = "D21", "D22", "D23"
CATEGORIES = {  # name → (code, unit, handle days, complaint template, reply template)
    "建筑施工噪音": ("0302", HB, 5, "{addr}{what}工地每天晚上十点以后还在打桩，噪音很大，孩子没法睡觉，请尽快处理。",
               "经核查，{addr}工地夜间打桩情况属实，生态环境局已于{day}对施工单位立案，责令晚十点后停止高噪声作业，"
               "并已电话告知市民。"),
    "占道经营": ("0105", CG, 5, "{addr}{what}有流动摊贩长期占道摆摊，人行道被占满，老人小孩只能走机动车道。",
             "经现场核查，{addr}占道摊贩已于{day}劝离，城管执法局安排队员早晚巡查，已电话回复市民。"),
    "生活垃圾": ("0108", CG, 3, "{addr}{what}垃圾站三天没人清运，苍蝇很多，气味难闻。",
             "经核查，{addr}垃圾站清运不及时属实，已于{day}调派清运车清运完毕，并改为每日早晚两次清运，已告知市民。"),
    "物业服务": ("0511", ZJ, 10, "{addr}小区{what}楼道灯坏了半个月，物业一直推脱不修，晚上上下楼很危险。",
             "经核查，{addr}小区楼道灯损坏属实，住建局已于{day}约谈物业企业，楼道灯已全部更换，已回复市民。"),
    "餐饮油烟": ("0306", HB, 7, "{addr}{what}一楼烧烤店油烟直排，家里窗户都不敢开。",
             "经核查，{addr}烧烤店未安装油烟净化设施属实，已于{day}责令整改，商户已安装净化器并通过检测，已告知市民。"),
    "道路设施": ("0803", JT, 10, "{addr}{what}路面塌陷一个大坑，晚上电动车经过很危险。",
             "经现场查看，{addr}路面塌陷属实，交通运输局已于{day}完成修补并设置警示标志，已回复市民。"),
    "供水": ("0901", SW, 3, "{addr}{what}水压很低，高层住户白天基本没水，已经持续一周。",
           "经核查，{addr}水压不足系二次供水泵房故障，水务局已于{day}更换水泵，供水已恢复正常，已告知市民。"),
    "违章搭建": ("0702", ZR, 15, "{addr}{what}楼顶有人违章搭建彩钢房，已经快盖好了。",
             "经现场核查，{addr}楼顶彩钢房属违法建设，自然资源和规划局已于{day}下达限期拆除通知书，已告知市民。"),
}
STREETS = ["滨江路", "清河路", "鹿鸣街", "望江路", "沿河街", "东兴路", "金桥路", "桂花街", "梧桐路", "新民街",
           "翠湖路", "明德街", "康宁路", "文昌街", "凤栖路", "丰收街", "城南路", "松林街", "安居路", "北环路"]
PLACES = ["小区", "花苑", "名邸", "公寓", "商业街", "农贸市场", "苑", "新城"]
WHAT = ["东门", "附近", "一带", "北侧", "南门口", "路段", "周边", "西侧"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"

STATUS = {"待派单": "10", "待签收": "20", "办理中": "30", "退单审核中": "40", "延期审核中": "50",
          "办结审核中": "60", "待回访": "70", "已办结": "80"}
CONTACT = {"已联系": "1", "未联系上": "2"}
SATISFACTION = {"满意": "1", "基本满意": "2", "不满意": "3", "": None}
SOLVED = {"已解决": "1", "未解决": "0", "": None}
APPEAL = {"投诉": "1", "咨询": "2", "求助": "3", "建议": "4"}


def epoch_wall(t):
    """A MySQL DATETIME as Debezium writes it: the wall-clock value taken as UTC, in epoch milliseconds."""
    return None if t is None else calendar.timegm(t.timetuple()) * 1000


def wall(ms):
    return datetime(1970, 1, 1) + timedelta(milliseconds=ms)


def iso_utc(t):
    """A MySQL TIMESTAMP as Debezium writes it: the instant in UTC (the server runs on Asia/Shanghai)."""
    return (t - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Log:
    """The binlog: every change of every captured table, in commit order."""

    def __init__(self, rng):
        self.rng, self.events, self.pos = rng, [], 4

    def emit(self, table, op, before, after, at, snapshot=False):
        self.pos += self.rng.randint(300, 2400)
        commit_ms = calendar.timegm((at - timedelta(hours=8)).timetuple()) * 1000
        self.events.append(dict(at=at, table=table, doc={
            "before": before, "after": after,
            "source": {"version": "1.9.7.Final", "connector": "mysql", "name": "rx12345",
                       "ts_ms": 0 if snapshot else commit_ms, "snapshot": "true" if snapshot else "false",
                       "db": "rx_hotline", "sequence": None, "table": table, "server_id": 1001,
                       "gtid": None, "file": "mysql-bin.%06d" % (203 + at.month), "pos": self.pos, "row": 0,
                       "thread": None if snapshot else 88, "query": None},
            "op": op, "ts_ms": commit_ms + self.rng.randint(40, 900), "transaction": None}))


class Ticket:
    def __init__(self, g, row_id, no, at, category, address, content=None, kind="投诉", phone=None):
        self.g, self.no, self.at, self.category, self.address = g, no, at, category, address
        code, unit, days, ctext, rtext = CATEGORIES[category]
        self.unit, self.days, self.rtext = unit, days, rtext
        self.t = at
        self.phone = phone or "1" + g.rng.choice("3589") + "".join(g.rng.choice("0123456789") for _ in range(9))
        acceptor = g.rng.choice(["LJ0501", "LJ0502"])
        self.row = {
            "id": row_id, "order_no": no, "accept_time": epoch_wall(at), "accept_user": acceptor,
            "channel": "12345热线", "appeal_type": APPEAL[kind],
            "caller_name": g.rng.choice(SURNAMES) + g.rng.choice(["先生", "女士"]), "caller_phone": self.phone,
            "category_code": code, "category_name": category, "address": address,
            "content": content or ctext.format(addr=address, what=g.rng.choice(WHAT)),
            "status": STATUS["待派单"], "handle_dept_id": None, "handle_dept_name": None, "handle_user": None,
            "dispatch_time": None, "deadline": None, "first_contact_time": None, "handle_opinion": None,
            "back_reason": None, "back_count": 0, "back_audit_result": None, "back_audit_opinion": None,
            "delay_apply_to": None, "delay_reason": None, "delay_count": 0,
            "reply_content": None, "attach_files": None, "finish_apply_time": None, "finish_apply_user": None,
            "finish_audit_result": None, "finish_audit_opinion": None, "finish_time": None,
            "visit_time": None, "visit_user": None, "visit_contact": None, "visit_satisfaction": None,
            "visit_solved": None, "visit_call_id": None, "visit_remark": None, "urge_count": 0,
            "del_flag": "0", "create_by": acceptor, "create_time": iso_utc(at),
            "update_by": acceptor, "update_time": iso_utc(at)}
        g.log.emit("t_work_order", "c", None, dict(self.row), at)

    # --- one change of the row ----------------------------------------------------------------------------------
    def change(self, who, minutes=30, at=None, **cols):
        self.t = at or self.t + timedelta(minutes=minutes + self.g.rng.randint(0, 9))
        before = dict(self.row)
        for k, v in cols.items():
            self.row[k] = v
        self.row["update_by"] = who
        self.row["update_time"] = iso_utc(self.t)
        self.g.log.emit("t_work_order", "u", before, dict(self.row), self.t)
        return self

    def deadline_from(self, t, days=None):
        d = t + timedelta(days=days or self.days)
        return d.replace(hour=18, minute=0, second=0)

    def dispatch(self, unit, who="LJ0511", minutes=15, days=None):
        t = self.t + timedelta(minutes=minutes)
        return self.change(who, at=t, status=STATUS["待签收"], handle_dept_id=unit, handle_dept_name=DEPTS[unit][0],
                           handle_user=None, dispatch_time=epoch_wall(t),
                           deadline=epoch_wall(self.deadline_from(t, days)), handle_opinion="请按职责办理并及时反馈。")

    def sign(self, who, minutes=45):
        return self.change(who, minutes, status=STATUS["办理中"], handle_user=who)

    def contact(self, who, minutes=80):
        t = self.t + timedelta(minutes=minutes)
        first = self.row["first_contact_time"] or epoch_wall(t)
        return self.change(who, at=t, first_contact_time=first, handle_opinion="已电话联系诉求人，核实诉求内容。")

    def check(self, who, minutes=500):
        return self.change(who, minutes, handle_opinion="已派员到现场核查，情况属实，正在处理。")

    def note(self, who, text, minutes=600):
        return self.change(who, minutes, handle_opinion=text)

    def transfer(self, who, unit, reason, minutes=60):
        """转办: the unit passes the ticket sideways to a peer unit itself (no centre in between)."""
        return self.change(who, minutes, status=STATUS["待签收"], handle_dept_id=unit,
                           handle_dept_name=DEPTS[unit][0], handle_user=None, handle_opinion=reason)

    def ask_return(self, who, reason, minutes=60):
        return self.change(who, minutes, status=STATUS["退单审核中"], back_reason=reason,
                           back_count=self.row["back_count"] + 1, back_audit_result=None, back_audit_opinion=None)

    def return_ok(self, who="LJ0521", minutes=90, opinion="同意退单，重新派单。"):
        return self.change(who, minutes, status=STATUS["待派单"], handle_dept_id=None, handle_dept_name=None,
                           handle_user=None, back_audit_result="1", back_audit_opinion=opinion)

    def return_no(self, who="LJ0521", minutes=120, opinion="属你单位职责，请继续办理。"):
        return self.change(who, minutes, status=STATUS["办理中"], back_audit_result="0", back_audit_opinion=opinion)

    def ask_delay(self, who, to, reason, minutes=300):
        return self.change(who, minutes, status=STATUS["延期审核中"], delay_apply_to=epoch_wall(to),
                           delay_reason=reason, delay_count=self.row["delay_count"] + 1)

    def delay_ok(self, who="LJ0522", minutes=120):
        return self.change(who, minutes, status=STATUS["办理中"], deadline=self.row["delay_apply_to"])

    def reply_text(self):
        day = (self.t + timedelta(days=1)).strftime("%-m月%-d日")
        return self.rtext.format(addr=self.address, day=day)

    def ask_close(self, who, minutes=1000, reply=None, files=None):
        files = "整改后现场照片%s.jpg" % self.no[-4:] if files is None else files
        self.t += timedelta(minutes=minutes + self.g.rng.randint(0, 9))
        return self.change(who, at=self.t, status=STATUS["办结审核中"], reply_content=reply or self.reply_text(),
                           attach_files=files or None, finish_apply_time=epoch_wall(self.t), finish_apply_user=who,
                           finish_audit_result=None, finish_audit_opinion=None)

    def close_no(self, who="LJ0522", minutes=120, opinion="答复未说明处理结果，退回重办。"):
        return self.change(who, minutes, status=STATUS["办理中"], finish_audit_result="0",
                           finish_audit_opinion=opinion)

    def close_ok(self, who="LJ0522", minutes=150):
        t = self.t + timedelta(minutes=minutes)
        return self.change(who, at=t, status=STATUS["待回访"], finish_audit_result="1",
                           finish_audit_opinion="同意办结。", finish_time=epoch_wall(t))

    def urge(self, who, minutes=600, text="请加快办理进度。"):
        return self.change(who, minutes, urge_count=self.row["urge_count"] + 1, handle_opinion=text)

    def visit(self, who="LJ0531", minutes=1440, sat="满意", solved="已解决", contact="已联系", call=True,
              call_id=None, remark="市民对处理结果表示认可。"):
        t = self.t + timedelta(minutes=minutes + self.g.rng.randint(0, 30))
        cid = ""
        if call:
            cid = self.g.call(self, t - timedelta(minutes=4), answered=(contact == "已联系"), agent=who)
        reached = contact == "已联系"
        return self.change(who, at=t, status=STATUS["已办结"], visit_time=epoch_wall(t), visit_user=who,
                           visit_contact=CONTACT[contact], visit_satisfaction=SATISFACTION[sat] if reached else None,
                           visit_solved=SOLVED[solved] if reached else None,
                           visit_call_id=(cid if call_id is None else call_id) or None, visit_remark=remark)

    def normal(self, unit=None, reply=None, sat="满意", solved="已解决", visitor="LJ0531"):
        """The clean path: dispatch, sign, contact, site check, closure with a photo, approval, visit."""
        u = unit or self.unit
        h = HANDLER[u]
        self.dispatch(u).sign(h).contact(h).check(h)
        return self.ask_close(h, reply=reply).close_ok().visit(visitor, sat=sat, solved=solved)


class City:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.log = Log(self.rng)
        self.tickets, self.expected, self.calls = [], [], []
        self.serial, self.house, self.row_id = 0, 0, 88000
        self.places = [(s, p) for s in STREETS for p in PLACES]
        self.rng.shuffle(self.places)

    def address(self):
        self.house += 1
        street, place = self.places[self.house]
        return "澜江市%s%s%d号" % (street, place, 5 + self.house * 2)

    def ticket(self, day, category, address=None, **kw):
        self.serial += 1
        self.row_id += self.rng.randint(3, 40)  # other cities' rows share the table's id sequence
        at = datetime(2026, 1, 6, 8, 20) + timedelta(days=day, minutes=self.rng.randint(0, 500))
        no = "LJ%s%05d" % (at.strftime("%Y%m%d"), self.serial)
        t = Ticket(self, self.row_id, no, at, category, address or self.address(), **kw)
        self.tickets.append(t)
        return t

    def call(self, t, at, answered=True, agent="LJ0531"):
        cid = "C%s%04d" % (at.strftime("%y%m%d%H%M"), len(self.calls))
        self.calls.append(dict(call_id=cid, direction="2", caller_no="0871-12345", callee_no=t.phone,
                               agent_no=agent, order_no=t.no, ring_time=at,
                               answer_time=at + timedelta(seconds=9) if answered else None,
                               hangup_time=at + timedelta(seconds=180 if answered else 35)))
        return cid

    def expect(self, kind, family, rule, t, person="", unit="", note=""):
        self.expected.append(dict(kind=kind, family=family, rule=rule, ticket=t.no, person=person, unit=unit,
                                  note=note))


def plant(c: City):
    r = c.rng
    # --- buck passing ----------------------------------------------------------------------------------------------
    t = c.ticket(1, "占道经营")  # BP-RETURNS: 城管 asks twice (once rejected), 交通 once
    t.dispatch(CG).sign("LJ1101").contact("LJ1101").ask_return("LJ1101", "该路段人行道由交通部门养护，非我局职责。")
    t.return_no()
    t.contact("LJ1102").ask_return("LJ1102", "摊贩在公路用地范围内，应由交通运输局处理。", 300)
    t.return_ok()
    t.dispatch(JT).sign("LJ1501").contact("LJ1501").ask_return("LJ1501", "占道经营属城管执法范围。", 200)
    t.return_ok("LJ0522")
    t.dispatch(BJ).sign("LJ2101").contact("LJ2101").check("LJ2101").ask_close("LJ2101").close_ok().visit()
    c.expect("fire", "buck_passing", "BP-RETURNS", t, "LJ1102", CG, "3 return requests, 城管 twice")
    t = c.ticket(2, "占道经营")  # near miss: two returns through three units
    t.dispatch(CG).sign("LJ1101").contact("LJ1101").ask_return("LJ1101", "属交通部门养护路段。").return_ok()
    t.dispatch(JT).sign("LJ1501").contact("LJ1501").ask_return("LJ1501", "属街道管理的背街小巷。").return_ok()
    t.dispatch(BJ).sign("LJ2101").contact("LJ2101").check("LJ2101").ask_close("LJ2101").close_ok().visit()
    c.expect("near_miss", "buck_passing", "BP-RETURNS", t, note="two returns, A→B→C")

    t = c.ticket(3, "生活垃圾")  # BP-PINGPONG by approved returns: 城管 → 清河街道 → 城管
    t.dispatch(CG).sign("LJ1102").contact("LJ1102").ask_return("LJ1102", "小区内部垃圾站由街道管理。").return_ok()
    t.dispatch(QH).sign("LJ2201").contact("LJ2201").ask_return("LJ2201", "该垃圾站为市政垃圾站，属城管。").return_ok()
    t.dispatch(CG).sign("LJ1101").contact("LJ1101").check("LJ1101").ask_close("LJ1101").close_ok().visit()
    c.expect("fire", "buck_passing", "BP-PINGPONG", t, "LJ1102", CG, "A→B→A by approved returns")

    t = c.ticket(4, "道路设施")  # BP-PINGPONG by 转办: 交通 → 水务 → 交通
    t.dispatch(JT).sign("LJ1501").check("LJ1501").transfer("LJ1501", SW, "塌陷系供水管道渗漏所致，转水务局。")
    t.sign("LJ1601").contact("LJ1601").transfer("LJ1601", JT, "管道无渗漏，路面修补属交通部门。", 180)
    t.sign("LJ1501").contact("LJ1501").check("LJ1501").ask_close("LJ1501").close_ok().visit()
    c.expect("fire", "buck_passing", "BP-PINGPONG", t, "LJ1501", JT, "A 转办 B, B 转办 back to A")
    t = c.ticket(5, "道路设施")  # near miss: one 转办 after a site check, then handled
    t.dispatch(JT).sign("LJ1501").check("LJ1501").transfer("LJ1501", SW, "现场查看系供水管道渗漏，转水务局。")
    t.sign("LJ1601").contact("LJ1601").check("LJ1601").ask_close("LJ1601").close_ok().visit()
    c.expect("near_miss", "buck_passing", "BP-PINGPONG", t, note="A 转办 B after a check, B handles")

    t = c.ticket(6, "违章搭建")  # BP-CYCLE by 转办 after checks: 自然资源 → 城管 → 鹿鸣街道 → 自然资源
    t.dispatch(ZR).sign("LJ1701").check("LJ1701").transfer("LJ1701", CG, "已建成的违法建设由城管执法查处。")
    t.sign("LJ1102").check("LJ1102").transfer("LJ1102", LM, "居民楼顶搭建属街道网格巡查范围。")
    t.sign("LJ2301").check("LJ2301").transfer("LJ2301", ZR, "需先由规划部门认定是否违法建设。")
    t.sign("LJ1701").contact("LJ1701").check("LJ1701").ask_close("LJ1701").close_ok().visit()
    c.expect("fire", "buck_passing", "BP-CYCLE", t, "LJ1701", ZR, "A→B→C→A by 转办")
    t = c.ticket(7, "违章搭建")  # near miss: A→B→C→D, nobody revisited
    t.dispatch(ZR).sign("LJ1701").check("LJ1701").transfer("LJ1701", CG, "已建成的违法建设由城管执法查处。")
    t.sign("LJ1102").check("LJ1102").transfer("LJ1102", LM, "居民楼顶搭建属街道网格巡查范围。")
    t.sign("LJ2301").check("LJ2301").transfer("LJ2301", ZJ, "系小区物业擅自搭建，转住建局督促物业整改。")
    t.sign("LJ1301").contact("LJ1301").check("LJ1301").ask_close("LJ1301").close_ok().visit()
    c.expect("near_miss", "buck_passing", "BP-CYCLE", t, note="A→B→C→D by 转办, nobody revisited")

    t = c.ticket(8, "物业服务")  # BP-NO-VERIFY: return asked 35 minutes after sign-for, nothing checked
    t.dispatch(ZJ).sign("LJ1302").ask_return("LJ1302", "不属于我局职责。", 35).return_ok()
    t.dispatch(BJ).sign("LJ2101").contact("LJ2101").check("LJ2101").ask_close("LJ2101").close_ok().visit()
    c.expect("fire", "buck_passing", "BP-NO-VERIFY", t, "LJ1302", ZJ, "return without contact or site check")
    t = c.ticket(9, "物业服务")  # near miss: the citizen called before the return
    t.dispatch(ZJ).sign("LJ1302").contact("LJ1302", 20)
    t.ask_return("LJ1302", "经电话核实系无物业的老旧小区，应由街道管理。", 30).return_ok()
    t.dispatch(BJ).sign("LJ2101").contact("LJ2101").check("LJ2101").ask_close("LJ2101").close_ok().visit()
    c.expect("near_miss", "buck_passing", "BP-NO-VERIFY", t, note="citizen contacted before the return")

    t = c.ticket(10, "建筑施工噪音")  # BP-REJECTED
    t.dispatch(HB).sign("LJ1202").contact("LJ1202").ask_return("LJ1202", "建筑工地管理应由住建部门负责。")
    t.return_no(opinion="夜间施工噪音属生态环境部门查处，请继续办理。")
    t.check("LJ1202").ask_close("LJ1202").close_ok().visit()
    c.expect("fire", "buck_passing", "BP-REJECTED", t, "LJ1202", HB, "return rejected by the centre")
    t = c.ticket(11, "建筑施工噪音")  # near miss: the return approved
    t.dispatch(HB).sign("LJ1202").contact("LJ1202").ask_return("LJ1202", "系室内装修噪音，属街道社区管理。")
    t.return_ok()
    t.dispatch(QH).sign("LJ2201").contact("LJ2201").check("LJ2201").ask_close("LJ2201").close_ok().visit()
    c.expect("near_miss", "buck_passing", "BP-REJECTED", t, note="return approved")

    # --- false closure -----------------------------------------------------------------------------------------
    t = c.ticket(12, "生活垃圾")  # FC-UNRESOLVED
    t.dispatch(CG).sign("LJ1101").contact("LJ1101").check("LJ1101").ask_close("LJ1101").close_ok()
    t.visit(sat="基本满意", solved="未解决", remark="市民称垃圾站仍无人清运。")
    c.expect("fire", "false_closure", "FC-UNRESOLVED", t, "LJ1101", CG, "visit: 未解决")
    t = c.ticket(13, "生活垃圾")  # near miss: the citizen not reached
    t.dispatch(CG).sign("LJ1101").contact("LJ1101").check("LJ1101").ask_close("LJ1101").close_ok()
    t.visit(contact="未联系上", remark="连续两天拨打无人接听。")
    c.expect("near_miss", "false_closure", "FC-UNRESOLVED", t, note="visit: 未联系上")

    t = c.ticket(14, "餐饮油烟")  # FC-INSTANT: closure 14 minutes after sign-for
    t.dispatch(HB).sign("LJ1201").contact("LJ1201", 6)
    t.ask_close("LJ1201", 8).close_ok().visit()
    c.expect("fire", "false_closure", "FC-INSTANT", t, "LJ1201", HB, "closure 14 min after sign-for")
    t = c.ticket(15, "餐饮油烟")  # near miss: a quick closure after a site check (the shop is next door)
    t.dispatch(HB).sign("LJ1201").contact("LJ1201", 6).check("LJ1201", 10)
    t.ask_close("LJ1201", 9).close_ok().visit()
    c.expect("near_miss", "false_closure", "FC-INSTANT", t, note="site check between sign-for and closure")

    t = c.ticket(16, "占道经营")  # FC-NO-EVIDENCE: no contact, no attachment
    t.dispatch(CG).sign("LJ1102").check("LJ1102").ask_close("LJ1102", files="").close_ok().visit()
    c.expect("fire", "false_closure", "FC-NO-EVIDENCE", t, "LJ1102", CG, "no attachment, no contact")
    t = c.ticket(17, "占道经营")  # near miss: contact and two attachments
    t.dispatch(CG).sign("LJ1102").contact("LJ1102").check("LJ1102")
    t.ask_close("LJ1102", files="现场执法记录.pdf,劝离后照片.jpg").close_ok().visit()
    c.expect("near_miss", "false_closure", "FC-NO-EVIDENCE", t, note="contact + 2 attachments")

    t = c.ticket(18, "道路设施")  # FC-REJECTED-CLOSURES: rejected twice
    t.dispatch(JT).sign("LJ1501").contact("LJ1501").check("LJ1501")
    t.ask_close("LJ1501").close_no(opinion="未说明修补完成时间，退回重办。")
    t.check("LJ1501").ask_close("LJ1501").close_no(opinion="现场照片看不出已修补，退回重办。")
    t.check("LJ1501").ask_close("LJ1501").close_ok().visit()
    c.expect("fire", "false_closure", "FC-REJECTED-CLOSURES", t, "LJ1501", JT, "closure rejected twice")
    t = c.ticket(19, "道路设施")  # near miss: rejected once
    t.dispatch(JT).sign("LJ1501").contact("LJ1501").check("LJ1501")
    t.ask_close("LJ1501").close_no(opinion="请补充修补后照片。")
    t.check("LJ1501").ask_close("LJ1501").close_ok().visit()
    c.expect("near_miss", "false_closure", "FC-REJECTED-CLOSURES", t, note="rejected once")

    addr = c.address()  # FC-REPEAT-AFTER-CLOSE: not reached at the visit, the same matter 9 days after closing
    t = c.ticket(20, "供水", addr)
    t.dispatch(SW).sign("LJ1601").contact("LJ1601").check("LJ1601").ask_close("LJ1601").close_ok()
    t.visit(contact="未联系上", remark="电话关机。")
    c.expect("fire", "false_closure", "FC-REPEAT-AFTER-CLOSE", t, "LJ1601", SW, "same matter again after closure")
    t2 = c.ticket(33, "供水", addr)
    t2.normal()
    c.expect("clean", "", "", t2, note="the repeat of the FC-REPEAT-AFTER-CLOSE ticket")
    addr = c.address()  # near miss: back after 48 days
    t = c.ticket(21, "供水", addr)
    t.dispatch(SW).sign("LJ1601").contact("LJ1601").check("LJ1601").ask_close("LJ1601").close_ok()
    t.visit(contact="未联系上", remark="无人接听。")
    c.expect("near_miss", "false_closure", "FC-REPEAT-AFTER-CLOSE", t, note="the same matter after 48 days")
    t2 = c.ticket(72, "供水", addr)
    t2.normal()
    c.expect("clean", "", "", t2, note="the late repeat of the near miss")

    # --- manufactured satisfaction ------------------------------------------------------------------------------
    addr = c.address()  # MS-SATISFIED-REPEAT
    t = c.ticket(22, "建筑施工噪音", addr)
    t.dispatch(HB).sign("LJ1201").contact("LJ1201").check("LJ1201").ask_close("LJ1201").close_ok().visit()
    c.expect("fire", "manufactured_satisfaction", "MS-SATISFIED-REPEAT", t, "LJ1201", HB, "满意, back in 9 days")
    t2 = c.ticket(34, "建筑施工噪音", addr)
    t2.normal()
    c.expect("clean", "", "", t2, note="the repeat of the MS-SATISFIED-REPEAT ticket")
    addr = c.address()  # near miss: back after 52 days
    t = c.ticket(23, "建筑施工噪音", addr)
    t.dispatch(HB).sign("LJ1201").contact("LJ1201").check("LJ1201").ask_close("LJ1201").close_ok().visit()
    c.expect("near_miss", "manufactured_satisfaction", "MS-SATISFIED-REPEAT", t, note="back after 52 days")
    t2 = c.ticket(77, "建筑施工噪音", addr)
    t2.normal()
    c.expect("clean", "", "", t2, note="the late repeat")

    t = c.ticket(24, "物业服务")  # MS-VISIT-NO-CALL: a visit no call supports
    t.dispatch(ZJ).sign("LJ1301").contact("LJ1301").check("LJ1301").ask_close("LJ1301").close_ok()
    t.visit("LJ0532", call=False, call_id="")
    c.expect("fire", "manufactured_satisfaction", "MS-VISIT-NO-CALL", t, "LJ0532", CENTRE, "no call record")
    t = c.ticket(25, "物业服务")  # near miss: no call id on the visit, but the visit call is on the ticket
    t.dispatch(ZJ).sign("LJ1301").contact("LJ1301").check("LJ1301").ask_close("LJ1301").close_ok()
    t.visit("LJ0532", call_id="")
    c.expect("near_miss", "manufactured_satisfaction", "MS-VISIT-NO-CALL", t, note="call linked by order number")

    t = c.ticket(26, "占道经营")  # MS-VISIT-BY-HANDLER: the handler records the visit himself
    t.dispatch(CG).sign("LJ1102").contact("LJ1102").check("LJ1102").ask_close("LJ1102").close_ok()
    t.visit("LJ1102", remark="已回访，市民满意。")
    c.expect("fire", "manufactured_satisfaction", "MS-VISIT-BY-HANDLER", t, "LJ1102", CG, "handler visits")
    t = c.ticket(27, "占道经营")  # near miss: the visitor only sent the unit a reminder
    t.dispatch(CG).sign("LJ1102").contact("LJ1102").urge("LJ0532")
    t.check("LJ1102").ask_close("LJ1102").close_ok().visit("LJ0532")
    c.expect("near_miss", "manufactured_satisfaction", "MS-VISIT-BY-HANDLER", t, note="visitor sent a reminder")

    # --- dissatisfaction ----------------------------------------------------------------------------------------
    t = c.ticket(28, "餐饮油烟")
    t.dispatch(HB).sign("LJ1202").contact("LJ1202").check("LJ1202").ask_close("LJ1202").close_ok()
    t.visit(sat="不满意", solved="已解决", remark="市民认为净化器效果一般，仍有油烟味。")
    c.expect("fire", "dissatisfaction", "DS-UNSATISFIED", t, "LJ1202", HB, "不满意")
    t = c.ticket(29, "餐饮油烟")
    t.dispatch(HB).sign("LJ1202").contact("LJ1202").check("LJ1202").ask_close("LJ1202").close_ok()
    t.visit(sat="基本满意", solved="已解决")
    c.expect("near_miss", "dissatisfaction", "DS-UNSATISFIED", t, note="基本满意")

    # --- perfunctory replies ------------------------------------------------------------------------------------
    t = c.ticket(30, "生活垃圾")
    t.dispatch(CG).sign("LJ1101").contact("LJ1101").check("LJ1101")
    t.ask_close("LJ1101", reply="您反映的问题已收悉，我单位高度重视，将按程序办理，感谢您的理解与支持。").close_ok().visit()
    c.expect("fire", "perfunctory_reply", "PR-BOILERPLATE", t, "LJ1101", CG, "stock phrases only")
    t = c.ticket(31, "生活垃圾")
    t.dispatch(CG).sign("LJ1101").contact("LJ1101").check("LJ1101")
    t.ask_close("LJ1101", reply="经核查，%s垃圾站清运不及时属实，当日下午已调派两辆压缩车清运完毕，此后每日早晚各清运一次，"
                                "感谢您的理解与支持。" % t.address).close_ok().visit()
    c.expect("near_miss", "perfunctory_reply", "PR-BOILERPLATE", t, note="specific reply with one stock phrase")

    same = "经了解该问题已由属地相关部门协调处理，后续将按照有关规定办理，感谢您对我们工作的监督。"
    for day in (32, 40, 49):  # PR-IDENTICAL: one clerk's reply on three matters (three places)
        t = c.ticket(day, "物业服务")
        t.dispatch(ZJ).sign("LJ1302").contact("LJ1302").check("LJ1302").ask_close("LJ1302", reply=same)
        t.close_ok().visit()
        c.expect("fire", "perfunctory_reply", "PR-IDENTICAL", t, "LJ1302", ZJ, "same reply on three matters")
    near = "经核查，%s水压不足系泵房变频器故障，水务局已更换变频器并调高出水压力，次日起供水正常，已告知市民。"
    for day in (35, 42):
        t = c.ticket(day, "供水")
        t.dispatch(SW).sign("LJ1601").contact("LJ1601").check("LJ1601")
        t.ask_close("LJ1601", reply=near % "该小区").close_ok().visit()
        c.expect("near_miss", "perfunctory_reply", "PR-IDENTICAL", t, note="the same reply on two tickets only")

    t = c.ticket(36, "建筑施工噪音")  # PR-OFF-TOPIC
    t.dispatch(HB).sign("LJ1201").contact("LJ1201").check("LJ1201")
    t.ask_close("LJ1201", reply="关于您反映的医保报销比例问题，根据我市现行政策，职工医保住院报销比例为百分之八十五，"
                                "具体可咨询社保经办窗口。").close_ok().visit()
    c.expect("fire", "perfunctory_reply", "PR-OFF-TOPIC", t, "LJ1201", HB, "medical-insurance reply to a noise complaint")
    t = c.ticket(37, "建筑施工噪音")
    t.normal()
    c.expect("near_miss", "perfunctory_reply", "PR-OFF-TOPIC", t, note="a relevant reply")

    # --- delay ----------------------------------------------------------------------------------------------------
    t = c.ticket(43, "道路设施")  # DL-OVERDUE: closure requested ~3 days past the deadline
    t.dispatch(JT, days=5).sign("LJ1501").contact("LJ1501").check("LJ1501", 60 * 24 * 4)
    t.ask_close("LJ1501", 60 * 24 * 4).close_ok().visit()
    c.expect("fire", "delay", "DL-OVERDUE", t, "LJ1501", JT, "closure ~3 days after the deadline")
    t = c.ticket(44, "道路设施")  # near miss: an approved extension covers it
    t.dispatch(JT, days=5).sign("LJ1501").contact("LJ1501").check("LJ1501", 60 * 24 * 2)
    due = wall(t.row["deadline"]) + timedelta(days=6)
    t.ask_delay("LJ1501", due, "沥青混合料需等待厂家供货，申请延期六天。").delay_ok()
    t.check("LJ1501", 60 * 24 * 3).ask_close("LJ1501", 60 * 24 * 3).close_ok().visit()
    c.expect("near_miss", "delay", "DL-OVERDUE", t, note="late against the first deadline, inside the extension")

    t = c.ticket(45, "物业服务")  # DL-EXTENSIONS: three requests
    t.dispatch(ZJ).sign("LJ1301").contact("LJ1301").check("LJ1301")
    due = wall(t.row["deadline"])
    for _ in range(3):
        due = due + timedelta(days=5)
        t.ask_delay("LJ1301", due, "更换楼道灯需物业维修资金审批，申请延期。", 600).delay_ok()
        t.note("LJ1301", "已督促物业企业启动维修资金使用程序。", 60 * 24 * 2)
    t.ask_close("LJ1301", 600).close_ok().visit()
    c.expect("fire", "delay", "DL-EXTENSIONS", t, "LJ1301", ZJ, "three extension requests")
    t = c.ticket(46, "物业服务")  # near miss: two requests
    t.dispatch(ZJ).sign("LJ1301").contact("LJ1301").check("LJ1301")
    due = wall(t.row["deadline"])
    for _ in range(2):
        due = due + timedelta(days=5)
        t.ask_delay("LJ1301", due, "维修资金审批中，申请延期。", 600).delay_ok()
        t.note("LJ1301", "已督促物业企业。", 60 * 24 * 2)
    t.ask_close("LJ1301", 600).close_ok().visit()
    c.expect("near_miss", "delay", "DL-EXTENSIONS", t, note="two extension requests")

    t = c.ticket(47, "违章搭建")  # DL-IDLE: eleven quiet days after the site check
    t.dispatch(ZR).sign("LJ1701").contact("LJ1701").check("LJ1701", 60 * 24 * 11).ask_close("LJ1701").close_ok()
    t.visit()
    c.expect("fire", "delay", "DL-IDLE", t, "LJ1701", ZR, "11 days without a change in the unit's court")
    t = c.ticket(48, "违章搭建")  # near miss: five quiet days
    t.dispatch(ZR).sign("LJ1701").contact("LJ1701").check("LJ1701", 60 * 24 * 5).ask_close("LJ1701").close_ok()
    t.visit()
    c.expect("near_miss", "delay", "DL-IDLE", t, note="5 quiet days")

    # --- repeat complaints: the caller's phone only, the address written three ways? no: same address -------------
    addr = c.address()
    rc = [c.ticket(52 + i, "餐饮油烟", addr) for i in range(3)]
    for i, t in enumerate(rc):
        t.t = t.at + timedelta(days=3 - i)
        t.normal()
    c.expect("fire", "repeat_complaint", "RC-REPEAT", rc[-1], "", HB, "three complaints, one place, three callers")
    addr = c.address()
    nm = [c.ticket(52, "餐饮油烟", addr), c.ticket(53, "餐饮油烟", addr),
          c.ticket(54, "餐饮油烟", addr, kind="咨询",
                   content="%s想开一家烧烤店，咨询需要安装什么样的油烟净化设备，办证要什么条件。" % addr)]
    for i, t in enumerate(nm):
        t.t = t.at + timedelta(days=3 - i)
        t.normal()
    c.expect("near_miss", "repeat_complaint", "RC-REPEAT", nm[-1], note="two complaints and a consultation")

    # --- citizens' reports --------------------------------------------------------------------------------------
    t = c.ticket(56, "物业服务", content="我到清河街道办事处社区服务中心开具证明，窗口工作人员态度蛮横，拍桌子骂我，"
                                       "还说你爱找谁找谁去。")
    t.normal(QH, reply="清河街道已调取当日监控，对该窗口工作人员批评教育并调离窗口，证明已为市民开具，已当面致歉。")
    c.expect("fire", "hostile_attitude", "HA-HOSTILE", t, "", QH, "window staff scolding the citizen")
    t = c.ticket(57, "建筑施工噪音", content="隔壁邻居家装修天天电钻响到晚上九点，我去敲门说了两句，反被邻居骂了一顿。")
    t.normal(QH, reply="清河街道社区已上门协调，邻居承诺晚上八点后不再施工，双方已沟通一致，已告知市民。")
    c.expect("near_miss", "hostile_attitude", "HA-HOSTILE", t, note="a neighbour, not staff")

    t = c.ticket(58, "餐饮油烟", content="生态环境局的执法人员王某来我们烧烤店检查，说给他五千块钱就不开罚单，"
                                       "我们没给，第二天就被罚款了。")
    t.normal(HB, reply="生态环境局纪检组已受理该举报，正在核查执法人员检查及处罚情况，核查结果将书面告知市民。")
    c.expect("fire", "graft", "GR-GRAFT", t, "", HB, "demand for money not to fine")
    t = c.ticket(59, "餐饮油烟", content="想咨询一下办理排污许可登记要交多少钱，需要准备哪些材料。", kind="咨询")
    t.normal(HB, reply="已告知市民：排污登记不收取任何费用，需准备营业执照、油烟净化设施说明等材料，可网上办理。")
    c.expect("near_miss", "graft", "GR-GRAFT", t, note="a question about fees")

    t = c.ticket(60, "物业服务", content="鹿鸣街道某社区主任经常让小区物业公司请客，在酒店大吃大喝，"
                                       "我们业主反映的问题却一直没人管。")
    t.normal(LM, reply="鹿鸣街道纪工委已受理该社区主任接受物业公司宴请的反映，正在调查核实，结果将告知市民。")
    c.expect("fire", "improper_banquet", "IB-BANQUET", t, "", LM, "community director dined by the property firm")
    t = c.ticket(61, "餐饮油烟", content="小区门口新开的饭店每天晚上喝酒划拳到半夜，油烟还直接排到楼上。")
    t.normal(LM, reply="鹿鸣街道已联合市场监管所检查该饭店，责令加装油烟净化设备并控制营业时间，已告知市民。")
    c.expect("near_miss", "improper_banquet", "IB-BANQUET", t, note="a restaurant's fumes and noise")

    # --- a duplicate ticket registered by mistake and deleted (op d): no event, no finding -----------------------
    t = c.ticket(62, "供水")
    t.change("LJ0501", 5, handle_opinion="重复工单，作废。")
    before = dict(t.row)
    c.log.emit("t_work_order", "d", before, None, t.t + timedelta(minutes=2))
    c.tickets.remove(t)
    c.expect("near_miss", "false_closure", "FC-INSTANT", t, note="a duplicate deleted two minutes after intake")

    # --- clean tickets ------------------------------------------------------------------------------------------
    cats = list(CATEGORIES)
    for i in range(16):
        t = c.ticket(63 + i % 18, cats[i % len(cats)])
        t.normal(visitor=r.choice(["LJ0531", "LJ0532"]))
        c.expect("clean", "", "", t)


def initial_snapshot(c: City):
    """Tickets already closed and visited when capture began (the connector's initial snapshot, op r)."""
    docs = []
    for i, cat in enumerate(["生活垃圾", "占道经营", "供水"]):
        at = datetime(2025, 12, 28, 9, 10) + timedelta(days=i, minutes=37 * i)
        c.serial += 1
        c.row_id += 5
        no = "LJ%s%05d" % (at.strftime("%Y%m%d"), c.serial)
        t = Ticket.__new__(Ticket)
        t.g, t.no, t.at, t.category, t.address = c, no, at, cat, c.address()
        code, unit, days, ctext, rtext = CATEGORIES[cat]
        t.unit, t.days, t.rtext, t.t = unit, days, rtext, at
        h = HANDLER[unit]
        fin = at + timedelta(days=2, hours=3)
        row = {"id": c.row_id, "order_no": no, "accept_time": epoch_wall(at), "accept_user": "LJ0502",
               "channel": "12345热线", "appeal_type": "1", "caller_name": "陶女士", "caller_phone": "139%08d" % (i * 7919),
               "category_code": code, "category_name": cat, "address": t.address,
               "content": ctext.format(addr=t.address, what="附近"), "status": STATUS["已办结"],
               "handle_dept_id": unit, "handle_dept_name": DEPTS[unit][0], "handle_user": h,
               "dispatch_time": epoch_wall(at + timedelta(minutes=20)),
               "deadline": epoch_wall(t.deadline_from(at)), "first_contact_time": epoch_wall(at + timedelta(hours=2)),
               "handle_opinion": "已派员到现场核查，情况属实，正在处理。", "back_reason": None, "back_count": 0,
               "back_audit_result": None, "back_audit_opinion": None, "delay_apply_to": None, "delay_reason": None,
               "delay_count": 0, "reply_content": rtext.format(addr=t.address, day="12月30日"),
               "attach_files": "现场照片.jpg", "finish_apply_time": epoch_wall(fin - timedelta(hours=3)),
               "finish_apply_user": h, "finish_audit_result": "1", "finish_audit_opinion": "同意办结。",
               "finish_time": epoch_wall(fin), "visit_time": epoch_wall(fin + timedelta(days=1)),
               "visit_user": "LJ0531", "visit_contact": "1", "visit_satisfaction": "1", "visit_solved": "1",
               "visit_call_id": None, "visit_remark": "市民表示满意。", "urge_count": 0, "del_flag": "0",
               "create_by": "LJ0502", "create_time": iso_utc(at), "update_by": "LJ0531",
               "update_time": iso_utc(fin + timedelta(days=1))}
        docs.append(row)
        c.expected.append(dict(kind="clean", family="", rule="", ticket=no, person="", unit="",
                               note="captured by the initial snapshot (op r) only"))
    for row in docs:
        c.log.emit("t_work_order", "r", None, row, datetime(2026, 1, 5, 23, 0), snapshot=True)


def call_changes(c: City):
    for call in c.calls:
        row = dict(call_id=call["call_id"], direction=call["direction"], caller_no=call["caller_no"],
                   callee_no=call["callee_no"], agent_no=call["agent_no"], order_no=call["order_no"],
                   ring_time=epoch_wall(call["ring_time"]), answer_time=None, hangup_time=None,
                   create_time=iso_utc(call["ring_time"]))
        c.log.emit("t_call_record", "c", None, dict(row), call["ring_time"])
        if call["answer_time"]:
            before = dict(row)
            row["answer_time"] = epoch_wall(call["answer_time"])
            c.log.emit("t_call_record", "u", before, dict(row), call["answer_time"])
        before = dict(row)
        row["hangup_time"] = epoch_wall(call["hangup_time"])
        c.log.emit("t_call_record", "u", before, dict(row), call["hangup_time"])


DICTIONARY = """澜江市12345政务服务便民热线 数据湖 ODS 层 CDC 数据交付说明（市大数据局 数据共享交换科）

一、交付方式
  业务库 rx_hotline（MySQL 5.7）经 Flink CDC 实时采集至 Kafka，落湖格式 debezium-json（不含 schema），每行一条变更。
  本次交付：2026年1月1日至3月31日的变更。采集任务于 2026-01-05 23:00 启动，启动时未结的工单以 op=r 全量快照读出。
  ods_rx12345_t_work_order_YYYYMM.json  工单主表 t_work_order 的变更（按变更发生月份分文件）
  ods_rx12345_t_call_record_2026Q1.json  话务记录表 t_call_record 的变更
  dim_sys_user.csv / dim_sys_dept.csv      人员、部门维表（当日全量）
  注：流转记录表 t_work_order_flow 未纳入本期采集范围（敏感字段审批中），各环节请依据主表变更还原。

二、变更记录结构
  before 变更前整行；after 变更后整行（删除时为 null）；op：r 快照读取 c 新增 u 修改 d 删除；
  ts_ms 采集时间（毫秒）；source.pos binlog 位置，同一毫秒内的先后以 source.file + source.pos 为准。
  时间字段：DATETIME 类型字段以毫秒数表示（Debezium 按 UTC 换算，即“墙上时间”直接按 UTC 计算的毫秒数）；
  update_time、create_time 为 TIMESTAMP 类型，以 UTC 的 ISO 字符串表示（北京时间 = UTC + 8 小时）。

三、t_work_order 字段
  id 主键；order_no 工单编号；accept_time 受理时间；accept_user 受理人工号；channel 来源渠道；
  appeal_type 诉求类型（1 投诉 2 咨询 3 求助 4 建议）；caller_name 来电人；caller_phone 来电号码；
  category_code / category_name 问题分类；address 事发地址；content 诉求内容；
  status 工单状态（10 待派单 20 待签收 30 办理中 40 退单审核中 50 延期审核中 60 办结审核中 70 待回访 80 已办结）；
  handle_dept_id / handle_dept_name 当前承办单位（待派单时为空）；handle_user 当前承办人工号；
  dispatch_time 最近派单时间；deadline 办理时限；first_contact_time 首次联系市民时间；
  handle_opinion 最近一次办理意见（联系、核查、转办、催办等环节填写）；
  back_reason 退单原因；back_count 退单申请次数；back_audit_result 退单审核结果（1 同意 0 不同意）；
  back_audit_opinion 退单审核意见；delay_apply_to 申请延期至；delay_reason 延期原因；delay_count 延期申请次数；
  reply_content 答复内容（申请办结时填写）；attach_files 附件（逗号分隔的文件名）；finish_apply_time 申请办结时间；
  finish_apply_user 申请办结人工号；finish_audit_result 办结审核结果（1 通过 0 不通过）；finish_audit_opinion 办结审核意见；
  finish_time 办结时间；visit_time 回访时间；visit_user 回访人工号；visit_contact 联系情况（1 已联系 2 未联系上）；
  visit_satisfaction 满意度（1 满意 2 基本满意 3 不满意）；visit_solved 是否解决（1 已解决 0 未解决）；
  visit_call_id 回访通话流水号；visit_remark 回访备注；urge_count 催办次数；del_flag 删除标志；
  create_by / create_time 创建人、创建时间；update_by 最后修改人工号；update_time 最后修改时间。
  转办：承办单位直接改为另一单位（状态回到 20 待签收），update_by 为转办人。
  退单审核同意后工单回到中心（状态 10，承办单位置空），由中心重新派单。

四、t_call_record 字段
  call_id 通话流水号；direction 呼叫方向（1 呼入 2 呼出）；caller_no 主叫；callee_no 被叫；agent_no 坐席工号；
  order_no 关联工单编号；ring_time 振铃时间；answer_time 接通时间（未接通为空）；hangup_time 挂机时间。
  每通电话振铃时新增一行，接通、挂机时各更新一次。
"""


TIME_COLUMNS = {"accept_time", "dispatch_time", "deadline", "first_contact_time", "delay_apply_to", "finish_apply_time",
                "finish_time", "visit_time", "ring_time", "answer_time", "hangup_time"}


def canal_value(column, value):
    """A column as Canal writes it: every value as text, DATETIME and TIMESTAMP as the server's wall clock."""
    if value is None:
        return None
    if column in TIME_COLUMNS:
        return (datetime(1970, 1, 1) + timedelta(milliseconds=value)).strftime("%Y-%m-%d %H:%M:%S")
    if column in ("update_time", "create_time"):
        return (datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ") + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def canal_message(doc, number):
    """A Debezium change event as the Canal message (canal-json) for the same change."""
    op = doc["op"]
    image = doc["before"] if op == "d" else doc["after"]
    row = {k: canal_value(k, v) for k, v in image.items()}
    old = None
    if op == "u":
        old = [{k: canal_value(k, doc["before"][k]) for k in image if doc["before"][k] != image[k]}]
    return {"data": [row], "database": doc["source"]["db"], "es": doc["source"]["ts_ms"] or doc["ts_ms"],
            "id": number, "isDdl": False, "mysqlType": {k: ("datetime" if k in TIME_COLUMNS else "varchar(255)")
                                                       for k in image},
            "old": old, "pkNames": ["id"], "sql": "", "sqlType": {k: 12 for k in image},
            "table": doc["source"]["table"], "ts": doc["ts_ms"],
            "type": {"c": "INSERT", "r": "INSERT", "u": "UPDATE", "d": "DELETE"}[op]}


def write(out: Path, c: City, fmt: str = "debezium"):
    exp = out / "export"
    exp.mkdir(parents=True, exist_ok=True)
    events = sorted(c.log.events, key=lambda e: (e["doc"]["source"]["snapshot"] != "true", e["at"]))
    # binlog positions in commit order, per file
    pos = 4
    for e in events:
        pos += c.rng.randint(300, 2400)
        e["doc"]["source"]["pos"] = pos
    files = {}
    for e in events:
        if e["table"] == "t_work_order":
            month = max(e["at"], datetime(2026, 1, 1)).strftime("%Y%m")
            name = "ods_rx12345_t_work_order_%s.json" % month
        else:
            name = "ods_rx12345_t_call_record_2026Q1.json"
        doc = canal_message(e["doc"], len(files.get(name, [])) + 1) if fmt == "canal" else e["doc"]
        files.setdefault(name, []).append(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
    for name, lines in files.items():
        (exp / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open(exp / "dim_sys_user.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["user_code", "user_name", "dept_id", "post", "status"])
        for code, (name, dept) in PEOPLE.items():
            w.writerow([code, name, dept, "坐席" if dept == CENTRE else "承办人", "0"])
    with open(exp / "dim_sys_dept.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["dept_id", "dept_name", "parent_id", "dept_type"])
        for code, (name, parent) in DEPTS.items():
            w.writerow([code, name, parent or "0", "中心" if code == CENTRE else "承办单位"])
    (exp / "数据说明.txt").write_text(DICTIONARY, encoding="utf-8")
    with open(out / "expected.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["kind", "family", "rule", "ticket", "person", "unit", "note"])
        w.writeheader()
        w.writerows(c.expected)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--cdc", choices=["debezium", "canal"], default="debezium",
                    help="canal: the same changes as Alibaba Canal's canal-json messages (every value text)")
    a = ap.parse_args()
    c = City(a.seed)
    initial_snapshot(c)
    plant(c)
    call_changes(c)
    write(Path(a.out), c, a.cdc)
    n = sum(1 for e in c.log.events if e["table"] == "t_work_order")
    fires = sum(e["kind"] == "fire" for e in c.expected)
    nears = sum(e["kind"] == "near_miss" for e in c.expected)
    print(f"{len(c.tickets) + 4} tickets, {n} work-order changes, {len(c.calls)} calls; "
          f"{fires} expected findings, {nears} near misses")


if __name__ == "__main__":
    main()
