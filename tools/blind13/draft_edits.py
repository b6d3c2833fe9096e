"""The edits a user makes to `mapping suggest`'s draft of the CDC export (blind 13), written out so they can be
counted and rerun: what each status code and each fork of the status means comes from 数据说明.txt, never from
the data.

    python tools/blind13/draft_edits.py DRAFT.yaml OUT.yaml
"""

import sys

import yaml

EDITS = {
    "source": "lanjiang12345",
    "states": {"10": None, "20": None, "30": "SignedFor", "40": "ReturnRequested", "50": "ExtensionRequested",
               "60": "ClosureRequested", "70": "ClosureApproved", "80": ["Visited", "Closed"]},
    # the forks suggest listed; 30>40, 30>50, 30>60 and 60>70 are the states' own events: deleted
    "transitions": {"40>10": "ReturnApproved", "40>30": "ReturnRejected", "50>30": "ExtensionApproved",
                    "60>30": "ClosureRejected", "30>20": "HandedOver"},
    "values": {"kind": {"1": "complaint", "2": "consultation", "3": "request", "4": "suggestion"},
               "satisfaction": {"1": "满意", "2": "基本满意", "3": "不满意"}, "resolved": {"1": "已解决", "0": "未解决"},
               "reached": {"1": "已联系", "2": "未联系上"}},
    "intake": {"kind": "appeal_type"},
    "handle_opinion": {"联系诉求人": "CitizenContacted", "现场核查": "现场核查", "*": "ProgressNoted"},
    "direction": {"1": "in", "2": "out"},
}


def main(draft, out):
    with open(draft, encoding="utf-8") as f:
        m = yaml.safe_load(f)
    m["source"] = EDITS["source"]
    m["snapshots"]["states"] = EDITS["states"]
    m["snapshots"]["transitions"] = EDITS["transitions"]
    m["snapshots"].setdefault("changes", {})["handle_opinion"] = EDITS["handle_opinion"]
    m["values"] = {**m.get("values", {}), **EDITS["values"]}
    m["intake"].update(EDITS["intake"])
    m["calls"]["values"] = {"direction": EDITS["direction"]}
    m["calls"]["columns"]["caller_phone"] = "callee_no"   # an outbound visit call: the citizen is the callee
    with open(out, "w", encoding="utf-8") as f:
        yaml.safe_dump(m, f, allow_unicode=True, sort_keys=False)


if __name__ == "__main__":
    main(*sys.argv[1:3])
