"""Rewrite the ticket ids of a findings file from process-instance ids to order numbers (via the business table),
so that findings of a mapping keyed by PROC_INST_ID_ can be read against the expected findings. A reading aid for
the blind test's report, not part of any mapping.

    python tools/blind9/translate_ids.py T_WORK_ORDER.csv findings.jsonl > findings_by_order.jsonl
"""

import csv
import json
import sys

with open(sys.argv[1], encoding="utf-8-sig") as f:
    by_pid = {r["proc_inst_id"]: r["order_no"] for r in csv.DictReader(f)}
with open(sys.argv[2], encoding="utf-8") as f:
    for line in f:
        if line.strip():
            fd = json.loads(line)
            fd["ticket_ids"] = [by_pid.get(t, t) for t in fd.get("ticket_ids") or []]
            print(json.dumps(fd, ensure_ascii=False))
