"""Phase 1 user-side workaround: flatten the API's paged JSON into two CSV files Rexian's docs say it reads.

    python tools/blind8/flatten_api.py OUTDIR page_0001.json page_0002.json …

Rexian reads JSON only as JSON Lines of flat objects, so this writes, as a user would after reading
docs/importing.md ("Two-part exports"):
- ``工单.csv``: one row per ticket (the record's scalar keys, caller.name / caller.phone, acceptor.userId);
- ``流转.csv``: one row per step — every ``flowList`` element, each ``returnList`` element as an application row and a
  ruling row, each ``delayList`` element likewise, each ``visitList`` element as a VISIT row — with the person and unit
  taken out of the nested ``operator`` / ``applicant`` / ``auditor`` / ``visitor`` objects, the target unit out of
  ``targetDept`` and the attachments' file names joined by ``;``. Times are copied as the API wrote them.
"""

import csv
import json
import sys
from pathlib import Path

TICKET_COLS = ["orderNo", "acceptTime", "channel", "appealType", "title", "content", "categoryName", "address",
               "urgency", "callerName", "callerPhone", "acceptorId", "deadline", "status", "finishTime"]
FLOW_COLS = ["orderNo", "operTime", "operType", "userId", "deptId", "targetDeptId", "opinion", "attachments",
             "reason", "basis", "applyDeadline", "newDeadline", "contactResult", "satisfaction", "solved", "callId"]


def person(p):
    p = p or {}
    return {"userId": p.get("userId"), "deptId": p.get("deptId")}


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    tickets, flows = [], []
    for name in sys.argv[2:]:
        page = json.loads(Path(name).read_text(encoding="utf-8"))
        for r in page["data"]["records"]:
            caller = r.get("caller") or {}
            tickets.append({**{k: r.get(k) for k in TICKET_COLS}, "callerName": caller.get("name"),
                            "callerPhone": caller.get("phone"), "acceptorId": (r.get("acceptor") or {}).get("userId")})
            no = r["orderNo"]
            for s in r.get("flowList") or []:
                flows.append({"orderNo": no, "operTime": s.get("operTime"), "operType": s.get("operType"),
                              **person(s.get("operator")), "targetDeptId": (s.get("targetDept") or {}).get("deptId"),
                              "opinion": s.get("opinion"),
                              "attachments": ";".join(a["fileName"] for a in s.get("attachments") or [])})
            for x in r.get("returnList") or []:
                flows.append({"orderNo": no, "operTime": x.get("applyTime"), "operType": "RETURN_APPLY",
                              **person(x.get("applicant")), "reason": x.get("reason"), "basis": x.get("basis")})
                if x.get("auditResult"):
                    flows.append({"orderNo": no, "operTime": x.get("auditTime"), "operType": "RETURN_" + x["auditResult"],
                                  **person(x.get("auditor")), "opinion": x.get("auditOpinion")})
            for x in r.get("delayList") or []:
                flows.append({"orderNo": no, "operTime": x.get("applyTime"), "operType": "DELAY_APPLY",
                              **person(x.get("applicant")), "reason": x.get("reason"),
                              "applyDeadline": x.get("applyDeadline")})
                if x.get("auditStatus"):
                    flows.append({"orderNo": no, "operTime": x.get("auditTime"), "operType": f"DELAY_{x['auditStatus']}",
                                  **person(x.get("auditor")), "newDeadline": x.get("newDeadline")})
            for v in r.get("visitList") or []:
                flows.append({"orderNo": no, "operTime": v.get("visitTime"), "operType": "VISIT",
                              **person(v.get("visitor")), "contactResult": v.get("contactResult"),
                              "satisfaction": v.get("satisfaction"), "solved": v.get("solved"),
                              "callId": v.get("callId"), "opinion": v.get("remark")})
    for fname, cols, rows in (("工单.csv", TICKET_COLS, tickets), ("流转.csv", FLOW_COLS, flows)):
        with open(out / fname, "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, cols)
            w.writeheader()
            w.writerows(rows)
    print(f"{len(tickets)} tickets, {len(flows)} step rows → {out}")


if __name__ == "__main__":
    main()
