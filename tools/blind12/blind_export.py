"""Blind test 12: a 工单全流程宽表 — one row per ticket, each kind of step as numbered column groups — saved as an
HTML table with an `.xls` name, as Java web platforms export "Excel".

    python tools/blind12/blind_export.py --out DIR [--seed N]

The tickets, abuses and expected findings are blind test 10's (`tools/blind10/blind_export.py`, imported, not
copied: 76 tickets, 28 expected findings over 25 rules of 10 families, 26 near misses for a seed); only the
delivery differs. Standard library only.

- `工单全流程信息_云州市_2026Q1.xls`: **an HTML document** (`<meta … charset=GBK>`, GBK bytes, CRLF), one `<table>`:
  a title row spanning the sheet, an export-time row, then one header row and one row per ticket. Empty cells are
  `&nbsp;`, the ticket number carries `mso-number-format:'\\@'`, notes keep their line breaks as `<br>`. The flow is
  **wide**: every kind of step is a group of columns numbered 1…n (as many as the busiest ticket needs), a ticket
  filling its first groups and leaving the rest empty —
  派单时间1 派单人1 承办单位1 派单意见1 … 派单时间4 …; 签收时间k 签收单位k 签收人k; 过程时间k 过程单位k 过程人k
  过程类型k (联系市民/现场核查/办理过程) 过程内容k; 退单申请时间k 退单申请单位k 退单申请人k 退单原因k 退单审核时间k
  退单审核人k 退单审核结果k (通过/驳回) 退单审核意见k; 转办时间k 转办单位k 转办人k 转至单位k 转办原因k; 下派…;
  下级回复…; 催办…; 延期申请…/延期审核… (批准延期至k); 办结申请时间k … 答复内容k 附件k 办结审核时间k 办结审核人k
  办结审核结果k 办结审核意见k; 回访时间k 回访人k 联系情况k 满意度k 是否解决k 通话编号k 回访备注k — a request and
  its audit in one group. People are written 姓名(工号). The last row is 「合计：76 件」 spanning the sheet.
- `话务明细_2026Q1.xls`: the call records, also an HTML table (UTF-8 meta this time): 通话流水号, 呼叫类型, 主叫,
  被叫, 坐席, 工单编号, 振铃时间, 接通时间, 挂机时间.
- `导出说明.txt`.
"""

from __future__ import annotations

import argparse
import csv
import sys
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "blind10"))
from blind_export import CENTRE, PEOPLE, City, plant  # noqa: E402  (blind test 10's tickets and expected findings)

TITLE = "云州市12345政务服务便民热线 工单全流程信息表"
FIXED = ["工单编号", "受理时间", "受理人", "受理渠道", "诉求类型", "来电人", "来电号码", "问题分类", "事发地址", "诉求内容",
         "办理时限", "工单状态", "办结时间", "办结人"]
# group name → its column stems, in order (each stem gets the group's number appended)
GROUPS = {
    "派单": ["派单时间", "派单人", "承办单位", "派单意见"],
    "签收": ["签收时间", "签收单位", "签收人"],
    "过程": ["过程时间", "过程单位", "过程人", "过程类型", "过程内容"],
    "退单": ["退单申请时间", "退单申请单位", "退单申请人", "退单原因", "退单审核时间", "退单审核人", "退单审核结果", "退单审核意见"],
    "转办": ["转办时间", "转办单位", "转办人", "转至单位", "转办原因"],
    "下派": ["下派时间", "下派单位", "下派人", "下派至", "下派意见"],
    "下级回复": ["下级回复时间", "下级回复单位", "下级回复人", "下级回复内容"],
    "催办": ["催办时间", "催办单位", "催办人", "催办意见"],
    "延期": ["延期申请时间", "延期申请人", "延期原因", "申请延期至", "延期审核时间", "延期审核人", "延期审核结果", "批准延期至"],
    "办结申请": ["办结申请时间", "办结申请单位", "办结申请人", "答复内容", "附件", "办结审核时间", "办结审核人", "办结审核结果",
             "办结审核意见"],
    "回访": ["回访时间", "回访人", "联系情况", "满意度", "是否解决", "通话编号", "回访备注"],
}
T = "%Y-%m-%d %H:%M:%S"


def person(code):
    return f"{PEOPLE[code][0]}({code})"


def when(t):
    return t.strftime(T) if t else ""


def groups_of(t):
    """The ticket's steps as {group: [ {stem: value} …]}, a request and its audit in one group."""
    g = {name: [] for name in GROUPS}
    open_req = {}
    close_row = {}
    for f in t.flows:
        typ, who, at, unit = f["type"], f["who"], f["at"], PEOPLE[f["who"]][1]
        if typ == "派单":
            g["派单"].append({"派单时间": when(at), "派单人": person(who), "承办单位": f["to"], "派单意见": f["opinion"]})
        elif typ == "签收":
            g["签收"].append({"签收时间": when(at), "签收单位": unit, "签收人": person(who)})
        elif typ in ("联系市民", "现场核查", "办理过程"):
            g["过程"].append({"过程时间": when(at), "过程单位": unit, "过程人": person(who), "过程类型": typ,
                            "过程内容": f["opinion"]})
        elif typ == "申请退单":
            row = {"退单申请时间": when(at), "退单申请单位": unit, "退单申请人": person(who), "退单原因": f["opinion"]}
            g["退单"].append(row)
            open_req["退单"] = row
        elif typ.startswith("退单审核"):
            row = open_req.pop("退单")
            row.update({"退单审核时间": when(at), "退单审核人": person(who),
                        "退单审核结果": "通过" if typ.endswith("通过") else "驳回", "退单审核意见": f["opinion"]})
        elif typ == "转办":
            g["转办"].append({"转办时间": when(at), "转办单位": unit, "转办人": person(who), "转至单位": f["to"],
                            "转办原因": f["opinion"]})
        elif typ == "下派":
            g["下派"].append({"下派时间": when(at), "下派单位": unit, "下派人": person(who), "下派至": f["to"],
                            "下派意见": f["opinion"]})
        elif typ == "下级回复":
            g["下级回复"].append({"下级回复时间": when(at), "下级回复单位": unit, "下级回复人": person(who),
                              "下级回复内容": f["opinion"]})
        elif typ == "催办":
            g["催办"].append({"催办时间": when(at), "催办单位": unit, "催办人": person(who), "催办意见": f["opinion"]})
        elif typ == "申请延期":
            row = {"延期申请时间": when(at), "延期申请人": person(who), "延期原因": f["opinion"],
                   "申请延期至": when(f["delay_to"])}
            g["延期"].append(row)
            open_req["延期"] = row
        elif typ.startswith("延期审核"):
            row = open_req.pop("延期")
            row.update({"延期审核时间": when(at), "延期审核人": person(who),
                        "延期审核结果": "同意" if typ.endswith("通过") else "不同意", "批准延期至": when(f["delay_to"])})
        elif typ == "申请办结":
            row = {"办结申请时间": when(at), "办结申请单位": unit, "办结申请人": person(who), "答复内容": f["opinion"],
                   "附件": ";".join(f["files"])}
            g["办结申请"].append(row)
            open_req["办结"] = row
        elif typ.startswith("办结审核"):
            row = open_req.pop("办结")
            row.update({"办结审核时间": when(at), "办结审核人": person(who),
                        "办结审核结果": "通过" if typ.endswith("通过") else "不通过", "办结审核意见": f["opinion"]})
        elif typ == "办结":
            close_row = {"办结时间": when(at), "办结人": person(who)}
        else:
            raise ValueError(typ)
    for v in t.visits:
        g["回访"].append({"回访时间": when(v["at"]), "回访人": person(v["who"]), "联系情况": v["contact"],
                        "满意度": v["sat"], "是否解决": v["solved"], "通话编号": v["call_id"], "回访备注": v["remark"]})
    return g, close_row


def cell(value, text=False):
    if value in (None, ""):
        return "<td>&nbsp;</td>"
    style = ' style="mso-number-format:\'\\@\'"' if text else ""
    return f"<td{style}>" + escape(str(value)).replace("\n", "<br>") + "</td>"


def numbered_header(stem, k, style):
    return f"第{k}次{stem}" if style == "ordinal" else f"{stem}{k}"


def write_wide(path, tickets, style="suffix"):
    rows = [groups_of(t) for t in tickets]
    widths = {name: max(len(g[name]) for g, _ in rows) for name in GROUPS}
    header = list(FIXED)
    for name, stems in GROUPS.items():
        for k in range(1, widths[name] + 1):
            header += [numbered_header(stem, k, style) for stem in stems]
    lines = ['<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel" '
             'xmlns="http://www.w3.org/TR/REC-html40">',
             '<head><meta http-equiv="Content-Type" content="text/html; charset=GBK">',
             "<style>td{font-size:12px;border:0.5pt solid #000;} .title{font-size:18px;font-weight:bold;}</style>",
             "</head><body>", '<table border="1" cellspacing="0" cellpadding="0">',
             f'<tr><td colspan="{len(header)}" class="title" align="center">{TITLE}</td></tr>',
             f'<tr><td colspan="{len(header)}">导出时间：2026-04-02 16:35:12　导出人：管理员(admin)</td></tr>',
             "<tr>" + "".join(f'<td bgcolor="#CCCCCC"><b>{escape(h)}</b></td>' for h in header) + "</tr>"]
    for t, (g, close_row) in zip(tickets, rows):
        values = {"工单编号": t.no, "受理时间": when(t.at), "受理人": person(t.acceptor), "受理渠道": "12345电话",
                  "诉求类型": t.kind, "来电人": t.caller, "来电号码": t.phone, "问题分类": t.category,
                  "事发地址": t.address, "诉求内容": t.content, "办理时限": when(t.limit), "工单状态": t.status,
                  "办结时间": close_row.get("办结时间", ""), "办结人": close_row.get("办结人", "")}
        for name, stems in GROUPS.items():
            for k in range(1, widths[name] + 1):
                one = g[name][k - 1] if k <= len(g[name]) else {}
                for stem in stems:
                    values[numbered_header(stem, k, style)] = one.get(stem, "")
        lines.append("<tr>" + "".join(cell(values[h], text=(h in ("工单编号", "来电号码") or "通话编号" in h))
                                      for h in header) + "</tr>")
    lines.append(f'<tr><td colspan="{len(header)}">合计：{len(tickets)} 件</td></tr>')
    lines += ["</table>", "</body></html>"]
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    return header


def write_calls(path, calls):
    head = ["通话流水号", "呼叫类型", "主叫", "被叫", "坐席", "工单编号", "振铃时间", "接通时间", "挂机时间"]
    lines = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head><body>',
             '<table border="1">', '<tr><td colspan="9" align="center">话务明细（2026-01-01 至 2026-03-31）</td></tr>',
             "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    for c in sorted(calls, key=lambda c: c["ring"]):
        agent = c["caller"]
        lines.append("<tr>" + "".join([
            cell(c["id"], True), cell(c["direction"]), cell(agent, True), cell(c["callee"], True),
            cell(person(agent) if agent in PEOPLE else agent), cell(c["order"], True), cell(when(c["ring"])),
            cell(when(c["answer"])), cell(when(c["hangup"]))]) + "</tr>")
    lines += ["</table></body></html>"]
    path.write_text("\n".join(lines), encoding="utf-8")


README_TXT = f"""云州市12345政务服务便民热线 数据导出说明（系统：12345工单管理平台 V3.2，“导出Excel”功能）
工单全流程信息_云州市_2026Q1.xls：每行一件工单（{CENTRE}受理），末行为合计。
  固定列：工单编号、受理时间、受理人、受理渠道、诉求类型（投诉/咨询/求助/建议）、来电人、来电号码、问题分类、事发地址、诉求内容、
  办理时限、工单状态、办结时间、办结人。
  流转信息按环节分组横向展开，每组编号 1、2、3…，未发生的组为空：派单、签收、过程（过程类型：联系市民/现场核查/办理过程）、
  退单（申请及中心审核，审核结果：通过/驳回）、转办（平级单位之间转交）、下派（交下级单位办理）、下级回复、催办、
  延期（申请及审核，审核结果：同意/不同意）、办结申请（申请及审核，审核结果：通过/不通过）、回访（联系情况：已联系/未联系上）。
  人员均写作 姓名(工号)。时间格式 yyyy-MM-dd HH:mm:ss。
话务明细_2026Q1.xls：通话流水号、呼叫类型（呼入/呼出）、主叫、被叫、坐席、工单编号、振铃时间、接通时间（未接通为空）、挂机时间。
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--headers", choices=("suffix", "ordinal"), default="suffix",
                    help="派单时间1 (suffix, default) or 第1次派单时间 (ordinal)")
    a = ap.parse_args()
    out = Path(a.out)
    (out / "export").mkdir(parents=True, exist_ok=True)
    c = City(a.seed)
    plant(c)
    tickets = sorted(c.tickets, key=lambda t: t.at)
    header = write_wide(out / "export" / "工单全流程信息_云州市_2026Q1.xls", tickets, a.headers)
    write_calls(out / "export" / "话务明细_2026Q1.xls", c.calls)
    (out / "export" / "导出说明.txt").write_text(README_TXT, encoding="gbk")
    with open(out / "expected.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["kind", "family", "rule", "ticket", "person", "unit", "note"])
        w.writeheader()
        w.writerows(c.expected)
    fires = [e for e in c.expected if e["kind"] == "fire"]
    print(f"{len(tickets)} tickets, {len(header)} columns, {sum(len(t.flows) + len(t.visits) for t in tickets)} steps, "
          f"{len(c.calls)} calls; {len(fires)} expected findings over {len({e['family'] for e in fires})} families, "
          f"{sum(e['kind'] == 'near_miss' for e in c.expected)} near misses")


if __name__ == "__main__":
    main()
