"""A fourth platform style (D) for the per-action fields: one UTF-8 CSV whose flow rows carry a visit-result
column (回访结果, in the words platforms write), an attachment column (附件) and a return-reason column, and
closure rejections without a request number. Each abuse has a firing case and a near miss:

- dissatisfaction (DS-UNSATISFIED): 「不满意/已解决」 — near miss 「基本满意，已解决」;
- unresolved close (FC-UNRESOLVED): 「一般/未解决」 — near miss 「未联系上」 (nobody reached: no verdict);
- closure without evidence (FC-NO-EVIDENCE): no attachment, a plain note — near misses: an attachment, or a
  note saying 「已拍照留存」 (weaker evidence through `evidence_words`);
- closures rejected repeatedly (FC-REJECTED-CLOSURES, person = the latest rejected requester, found only by
  pairing each rejection with the open request) — near miss: rejected once."""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta
from pathlib import Path

from .foreign_exports import UNITS, Expected, Export

HEADER = ["工单号", "办理时间", "环节", "办理人", "办理单位", "下一环节单位", "办理意见", "回访结果", "附件", "退回原因",
          "受理时间", "诉求内容", "问题分类", "事发地址"]
WATCHED_RULES = ("DS-UNSATISFIED", "FC-UNRESOLVED", "FC-NO-EVIDENCE", "FC-REJECTED-CLOSURES")


def generate(seed: int, per_abuse: int = 3) -> tuple[Export, dict[str, str]]:
    """The export and, per expected ticket, the rule that must name it."""
    rng = random.Random(f"D{seed}")
    out, rules = Export(), {}
    number = 0

    def ticket(closures: list[dict], visit: str | None) -> tuple[str, list[str]]:
        """Dispatched, signed, contacted, then each closure request in turn (rejected when `rejected`), then
        the visit. Returns (id, the requesters in order)."""
        nonlocal number
        number += 1
        tid = f"D{seed}-{number:04d}"
        unit = rng.choice(UNITS)
        person = f"{unit}-{rng.choice('甲乙丙')}"
        when = datetime(2025, 4, 1, 9) + timedelta(days=rng.randrange(60), minutes=rng.randrange(600))
        intake = [when.strftime("%Y-%m-%d %H:%M"), "市民反映小区噪音扰民，请处理", "噪音", f"幸福里{rng.randrange(1, 99)}号"]

        def row(action, who, who_unit, target="", note="", visit_result="", attachment="", reason=""):
            nonlocal when
            when += timedelta(minutes=rng.randrange(20, 300))
            out.flows.append([tid, when.strftime("%Y-%m-%d %H:%M"), action, who, who_unit, target, note, visit_result,
                              attachment, reason, *intake])

        row("派单", "派单员", "市热线中心", target=unit)
        row("签收", person, unit)
        row("联系市民", person, unit, note="电话联系诉求人")
        requesters = []
        for closure in closures:
            row("申请办结", person, unit, note=closure.get("note", "已处理"), attachment=closure.get("attachment", ""))
            requesters.append(person)
            if closure.get("rejected"):
                row("办结审核驳回", "审核员", "市热线中心", note="答复未回应诉求")
            else:
                row("办结审核通过", "审核员", "市热线中心")
        if visit is not None:
            row("回访", "回访员", "市热线中心", visit_result=visit)
            row("办结", "回访员", "市热线中心")
        return tid, requesters

    photo = {"attachment": "整改后照片.jpg"}
    for _ in range(per_abuse):
        tid, who = ticket([photo], "不满意/已解决")
        out.expected.append(Expected("dissatisfaction", tid, who[-1]))
        rules[tid] = "DS-UNSATISFIED"
        out.near_misses.add(ticket([photo], "基本满意，已解决")[0])
        tid, who = ticket([photo], "一般/未解决")
        out.expected.append(Expected("false_closure", tid, who[-1]))
        rules[tid] = "FC-UNRESOLVED"
        out.near_misses.add(ticket([photo], "未联系上")[0])
        tid, who = ticket([{"note": "已处理完毕"}], "满意，已解决")
        out.expected.append(Expected("false_closure", tid, who[-1]))
        rules[tid] = "FC-NO-EVIDENCE"
        out.near_misses.add(ticket([{"note": "已到现场整改，已拍照留存"}], "满意，已解决")[0])
        tid, who = ticket([{"rejected": True, **photo}, {"rejected": True, **photo}, photo], "满意，已解决")
        out.expected.append(Expected("false_closure", tid, who[-2]))
        rules[tid] = "FC-REJECTED-CLOSURES"
        out.near_misses.add(ticket([{"rejected": True, **photo}, photo], "满意，已解决")[0])
    return out, rules


def write(export: Export, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(export.flows)
    (directory / "工单流转.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return [directory / "工单流转.csv"]


def mapping() -> dict:
    """What a person writes from docs/importing.md for style D."""
    return {
        "source": "styleD",
        "columns": {"ticket_id": "工单号", "at": "办理时间", "action": "环节", "actor_id": "办理人",
                    "actor_unit_id": "办理单位", "target_unit_id": "下一环节单位", "note": "办理意见"},
        "intake": {"received_at": "受理时间", "content": "诉求内容", "category": "问题分类", "address": "事发地址"},
        "action_fields": {"Visited": {"satisfaction": "回访结果"},
                          "ClosureRequested": {"reply": "办理意见", "evidence": "附件"},
                          "ReturnRequested": {"reason": "退回原因"},
                          "ClosureRejected": {"reason": "办理意见"}},
        "evidence_words": ["拍照", "照片"],
    }


def score(export: Export, rules: dict[str, str], findings) -> dict:
    """Expected findings met by their rule with the right ticket and person; near-miss alarms of the watched
    rules."""
    met = sum(any(f.rule_id == rules[item.ticket_id] and item.ticket_id in f.ticket_ids
                  and f.person_id == item.person_id for f in findings) for item in export.expected)
    alarms = {tid for f in findings if f.rule_id in WATCHED_RULES for tid in f.ticket_ids if tid in export.near_misses}
    return {"expected": len(export.expected), "met": met, "near_misses": len(export.near_misses),
            "alarms": len(alarms)}
