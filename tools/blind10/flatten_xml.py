"""Phase 1, the user-side workaround: flatten the XML packages into CSV files a two-part mapping reads.

    python tools/blind10/flatten_xml.py OUTDIR PACKAGE.xml… CALLS.xml

Written by the blind tester because no documented reader takes XML (see README.md). Python's expat refuses the
packages' GBK prolog (「multi-byte encodings are not supported」), so each file is decoded by hand first.
Writes 工单.csv (one row per WorkOrder), 流转.csv (one row per Flow), 回访.csv (one row per Visit), 话务.csv.
"""

import csv
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def parse(path):
    raw = Path(path).read_bytes()
    enc = re.search(rb'encoding="([^"]+)"', raw[:200])
    text = raw.decode(enc.group(1).decode() if enc else "utf-8")
    text = re.sub(r'^<\?xml[^>]*\?>', "", text)
    root = ET.fromstring(text)
    for el in root.iter():  # drop the default namespace
        el.tag = el.tag.split("}")[-1]
    return root


def txt(el, path):
    x = el.find(path)
    return (x.text or "").strip() if x is not None else ""


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    tickets, flows, visits, calls = [], [], [], []
    for p in sys.argv[2:]:
        root = parse(p)
        if root.tag == "CallRecords":
            for c in root.iter("Call"):
                calls.append({"通话编号": c.get("id"), "呼叫方向": c.get("direction"), "主叫": txt(c, "Caller"),
                              "被叫": txt(c, "Callee"), "坐席工号": txt(c, "Agent"), "关联工单编号": txt(c, "OrderNo"),
                              "振铃时间": txt(c, "RingTime"), "应答时间": txt(c, "AnswerTime"),
                              "挂机时间": txt(c, "HangupTime")})
            continue
        for w in root.iter("WorkOrder"):
            no = txt(w, "OrderNo")
            caller, cat = w.find("Caller"), w.find("Category")
            tickets.append({"工单编号": no, "受理时间": txt(w, "AcceptTime"), "受理人": w.find("Acceptor").get("code"),
                            "渠道": txt(w, "Channel"), "诉求类型": txt(w, "AppealType"), "来电人": caller.get("name"),
                            "来电号码": caller.get("phone"), "问题分类": (cat.text or "").strip(),
                            "事发地址": txt(w, "Address"), "诉求内容": txt(w, "Content"), "办理时限": txt(w, "TimeLimit"),
                            "工单状态": txt(w, "Status"), "办结时间": txt(w, "FinishTime")})
            for f in w.iter("Flow"):
                op = f.find("Operator")
                flows.append({"工单编号": no, "序号": f.get("seq"), "处理时间": f.get("time"), "环节": f.get("type"),
                              "处理人": op.get("code"), "处理部门": op.get("dept"), "流向单位": txt(f, "ToDept"),
                              "处理意见": txt(f, "Opinion"), "延期至": txt(f, "DelayTo"),
                              "附件": ";".join(x.get("name") for x in f.iter("File"))})
            for v in w.iter("Visit"):
                visits.append({"工单编号": no, "回访时间": v.get("time"), "回访人工号": v.get("visitorCode"),
                               "回访方式": v.get("way"), "通话编号": v.get("callId"), "联系情况": txt(v, "Contact"),
                               "满意度": txt(v, "Satisfaction"), "是否解决": txt(v, "Solved"),
                               "回访备注": txt(v, "Remark")})
    for name, rows in (("工单", tickets), ("流转", flows), ("回访", visits), ("话务", calls)):
        if rows:
            with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
                w = csv.DictWriter(f, list(rows[0]))
                w.writeheader()
                w.writerows(rows)


if __name__ == "__main__":
    main()
