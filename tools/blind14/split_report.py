"""Phase 1 workaround (what a user with the docs alone has to write): split the report-style workbook into a
ticket file and a flow file, the ticket number filled down over each block, 小计/合计 lines left out.

    python tools/blind14/split_report.py REPORT.xlsx OUTDIR      # writes OUTDIR/工单.csv and OUTDIR/流转.csv
"""

import csv
import sys
from pathlib import Path

from openpyxl import load_workbook

wb = load_workbook(sys.argv[1])
ws = wb.active
out = Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
rows = list(ws.iter_rows(values_only=True))
header = [b or a for a, b in zip(rows[2], rows[3])]
tcols, fcols = header[:15], ["工单编号"] + header[15:]
with open(out / "工单.csv", "w", encoding="utf-8-sig", newline="") as tf, \
        open(out / "流转.csv", "w", encoding="utf-8-sig", newline="") as ff:
    tw, fw = csv.writer(tf), csv.writer(ff)
    tw.writerow(tcols)
    fw.writerow(fcols)
    no = None
    for r in rows[4:]:
        first = str(r[0] or "")
        if "小计" in first or "合计" in first:
            continue
        if r[1]:
            no = r[1]
            tw.writerow(["" if v is None else v for v in r[:15]])
        elif r[15]:
            fw.writerow([no] + ["" if v is None else v for v in r[15:]])
