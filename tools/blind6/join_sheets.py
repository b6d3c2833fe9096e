"""The workaround a user has today (gap G1): copy the 回访记录 and 延期申请 columns onto their 处理过程 rows.

    python tools/blind6/join_sheets.py EXPORT.xlsx OUT.xlsx

A 回访 row takes the 回访记录 row of the same 工单编号 and time (回访时间 = 处理时间); a 同意延期 / 不同意延期 row
takes the 延期申请 row of the same 工单编号 and 审核时间. Every other sheet is copied as it is. This is what
mapping C (lixia_joined.yaml) reads; it measures what the rules would find if the import could join those
sheets itself. Standard library and openpyxl only.
"""

from __future__ import annotations

import sys

import openpyxl


def rows(ws):
    it = ws.iter_rows(values_only=True)
    head = list(next(it))
    return head, [dict(zip(head, r)) for r in it if any(v is not None for v in r)]


def main() -> None:
    src, out = sys.argv[1], sys.argv[2]
    wb = openpyxl.load_workbook(src)
    _, visits = rows(wb["回访记录"])
    _, exts = rows(wb["延期申请"])
    by_visit = {(v["工单编号"], v["回访时间"]): v for v in visits}
    by_ext = {(e["工单编号"], e["审核时间"]): e for e in exts}
    head, flows = rows(wb["处理过程"])
    vcols = ["回访方式", "联系情况", "是否解决", "满意度", "录音编号"]
    ecols = ["申请延期至", "批准延期至"]
    ws = wb["处理过程"]
    ws.delete_rows(1, ws.max_row)
    ws.append(head + vcols + ecols)
    for f in flows:
        v = by_visit.get((f["工单编号"], f["处理时间"]), {}) if f["环节名称"] == "回访" else {}
        e = by_ext.get((f["工单编号"], f["处理时间"]), {}) if f["环节名称"] in ("同意延期", "不同意延期") else {}
        ws.append([f[c] for c in head] + [v.get(c) for c in vcols] + [e.get(c) for c in ecols])
    wb.save(out)


if __name__ == "__main__":
    main()
