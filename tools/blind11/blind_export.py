"""Blind test 11: a city 12345 platform's 工单流转明细 workbook — one row per ticket, the flow in one cell.

    python tools/blind11/blind_export.py --out DIR [--seed N]

The tickets, abuses and expected findings are blind test 10's (`tools/blind10/blind_export.py`, imported, not
copied: the same 76 tickets, 28 expected findings and 26 near misses for a seed); only the delivery differs, written
the way many Chinese 12345 platforms export 处理过程 (standard library and openpyxl only):

- `工单流转明细_云州市_2026Q1.xlsx`, one sheet 「工单明细」: a title row merged across the sheet, then a **header over
  two rows of merged cells** — 工单编号 merged down, 「受理信息」 over 受理时间 … 诉求内容, 「办理信息」 over 办理时限 …
  处理过程 —; **受理时间, 办理时限, 办结时间 as Excel serial numbers** (cells that lost their date format);
  **处理过程: the whole flow in one cell**, visits included, most cells with **all steps on one line separated by
  「；」** (「2026-01-05 09:15 云州市12345热线中心 王芳（0101） 派单 至 云州市城市管理局 意见：…；2026-01-05 10:07 …」),
  one ticket in five a step per line; the person as 姓名（工号）, attachments 「附件：a.jpg、b.jpg」, 「延期至：…」 in
  the step; a visit step 「回访 已联系；满意；已解决；通话编号：HF…；备注」 whose own parts are separated by 「；」 too.
- `话务记录_2026Q1.csv`: the call records, **GBK**, times `yyyy/MM/dd HH:mm:ss`.
- `数据项说明.txt`.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "blind10"))
from blind_export import PEOPLE, City, plant  # noqa: E402  (blind test 10's tickets and expected findings)

EXCEL_EPOCH = datetime(1899, 12, 30)
TITLE = "云州市12345政务服务便民热线 工单流转明细（2026年第一季度）"
GROUPS = [("工单编号", 1), ("受理信息", 9), ("办理信息", 4)]
HEADER = ["", "受理时间", "受理人", "受理渠道", "诉求类型", "来电人", "来电号码", "问题分类", "事发地址", "诉求内容",
          "办理时限", "工单状态", "办结时间", "处理过程"]


def serial(t):
    return round((t - EXCEL_EPOCH).total_seconds() / 86_400, 6) if t else None


def step_text(f):
    name, unit = PEOPLE[f["who"]]
    parts = [f["at"].strftime("%Y-%m-%d %H:%M"), unit, f"{name}（{f['who']}）", f["type"]]
    if f["to"]:
        parts.append(f"至 {f['to']}")
    if f["opinion"]:
        parts.append(f"意见：{f['opinion']}")
    if f["files"]:
        parts.append("附件：" + "、".join(f["files"]))
    if f["delay_to"]:
        parts.append("延期至：" + f["delay_to"].strftime("%Y-%m-%d %H:%M"))
    return " ".join(parts)


def visit_text(v):
    name, unit = PEOPLE[v["who"]]
    said = [v["contact"]] + [x for x in (v["sat"], v["solved"]) if x]
    if v["call_id"]:
        said.append(f"通话编号：{v['call_id']}")
    if v["remark"]:
        said.append(v["remark"])
    return " ".join([v["at"].strftime("%Y-%m-%d %H:%M"), unit, f"{name}（{v['who']}）", "回访", "；".join(said)])


def history_cell(t, one_per_line):
    steps = [(f["at"], step_text(f)) for f in t.flows] + [(v["at"], visit_text(v)) for v in t.visits]
    steps.sort(key=lambda s: s[0])
    return ("\n" if one_per_line else "；").join(text for _, text in steps)


def write_book(path, tickets):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "工单明细"
    sheet.append([TITLE])
    upper, merges, column = [], [], 1
    for name, width in GROUPS:
        upper += [name] + [None] * (width - 1)
        if width > 1:
            merges.append((column, column + width - 1))
        column += width
    sheet.append(upper)
    sheet.append([None] + HEADER[1:])
    for i, t in enumerate(tickets):
        sheet.append([t.no, serial(t.at), PEOPLE[t.acceptor][0], "电话", t.kind, t.caller, t.phone, t.category,
                      t.address, t.content, serial(t.limit), t.status, serial(t.finish), history_cell(t, i % 5 == 4)])
    # merged after the rows are written (a merge makes its cells, and append would then start below them)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.merge_cells("A2:A3")
    for first, last in merges:
        sheet.merge_cells(start_row=2, start_column=first, end_row=2, end_column=last)
    book.save(path)


def write_calls(path, calls):
    with open(path, "w", encoding="gbk", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["通话编号", "呼叫方向", "主叫号码", "被叫号码", "坐席工号", "关联工单编号", "振铃时间", "应答时间", "挂机时间"])
        for c in sorted(calls, key=lambda c: c["ring"]):
            fmt = "%Y/%m/%d %H:%M:%S"
            w.writerow([c["id"], c["direction"], c["caller"], c["callee"], c["caller"], c["order"], c["ring"].strftime(fmt),
                        c["answer"].strftime(fmt) if c["answer"] else "", c["hangup"].strftime(fmt)])


README_TXT = """云州市12345政务服务便民热线 工单流转明细导出说明
工单流转明细_云州市_2026Q1.xlsx：每行一件工单。受理时间、办理时限、办结时间为 Excel 日期序列值。
处理过程：工单的全部流转步骤（含回访），每步「时间 单位 姓名（工号） 环节 [至 流向单位] [意见：…] [附件：…] [延期至：…]」，
  各步之间以「；」分隔（部分工单每步一行）。环节：派单、签收、联系市民、现场核查、办理过程、申请退单、退单审核通过、退单审核驳回、
  转办、下派、下级回复、催办、申请延期、延期审核通过、申请办结、办结审核通过、办结审核驳回、办结、回访。
  回访步骤：「回访 联系情况；满意度；是否解决；通话编号：…；备注」。
话务记录_2026Q1.csv：GBK。通话编号、呼叫方向（呼入/呼出）、主叫号码、被叫号码、坐席工号、关联工单编号、振铃时间、应答时间（未接通为空）、挂机时间。
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
    tickets = sorted(c.tickets, key=lambda t: t.at)
    write_book(out / "export" / "工单流转明细_云州市_2026Q1.xlsx", tickets)
    write_calls(out / "export" / "话务记录_2026Q1.csv", c.calls)
    (out / "export" / "数据项说明.txt").write_text(README_TXT, encoding="utf-8")
    with open(out / "expected.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["kind", "family", "rule", "ticket", "person", "unit", "note"])
        w.writeheader()
        w.writerows(c.expected)
    fires = [e for e in c.expected if e["kind"] == "fire"]
    print(f"{len(tickets)} tickets, {sum(len(t.flows) + len(t.visits) for t in tickets)} steps in 处理过程, "
          f"{len(c.calls)} calls; {len(fires)} expected findings, {sum(e['kind'] == 'near_miss' for e in c.expected)} near misses")


if __name__ == "__main__":
    main()
