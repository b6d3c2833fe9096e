"""Checking a stream's hash chain and naming the kind of damage: altered, deleted, inserted, reordered.

`check_stream` receives the stream's events in the order they were stored (the database id order) and,
when known, the head the ticket row remembers (last seq and hash), which catches a removed newest event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from rexian.domain.eventlog import (
    GENESIS_HASH,
    NotCanonical,
    chain_hash,
    read_stored_payload,
)

KIND_NAMES = {"altered": "被篡改", "deleted": "被删除", "inserted": "被插入", "reordered": "顺序被调换",
              "orphan": "无对应工单", "malformed": "无法读取", "unsigned": "签名无效",
              "projection": "工单记录与事件不符", "missing": "整张工单缺失", "checkpoint": "与检查点不符",
              "personal": "个人信息与摘要不符", "unnumbered": "没有编号",
              "unverified": "升级前未能核实"}
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TEXT_FIELDS = ("action", "actor_id", "actor_unit_id", "target_unit_id", "source")


@dataclass(frozen=True)
class Damage:
    stream: str
    kind: str  # altered / deleted / inserted / reordered / orphan
    seq: int | None
    detail: str

    def describe(self) -> str:
        where = f"第{self.seq}条事件" if self.seq is not None else "事件链"
        return f"{self.stream} {where}{KIND_NAMES.get(self.kind, self.kind)}：{self.detail}"


def read_event_row(row: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """A stored event row as an event record, or None and why it cannot be one. Never raises: `verify`
    reads every row however malformed and names it."""
    try:
        seq, at = row.get("seq"), row.get("at")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            return None, f"序号不是正整数：{str(seq)[:40]!r}"
        if isinstance(at, str):
            at = datetime.fromisoformat(at)
        if not isinstance(at, datetime):
            return None, f"时间不是时间值：{str(at)[:40]!r}"
        for name in ("prev_hash", "hash"):
            if not isinstance(row.get(name), str) or not _HEX64.fullmatch(row[name]):
                return None, f"{name}不是64位十六进制哈希"
        for name in _TEXT_FIELDS:
            if row.get(name) is not None and not isinstance(row[name], str):
                return None, f"{name}不是文本"
        if not all(isinstance(row.get(name), str) for name in ("ticket_id", "action", "source")):
            return None, "缺少工单编号、动作或来源"
        payload = read_stored_payload(row.get("payload"))
    except NotCanonical as error:
        return None, f"载荷{error}"
    except (ValueError, TypeError, OverflowError) as error:
        return None, f"字段无法解析（{type(error).__name__}: {str(error)[:60]}）"
    return {**row, "seq": seq, "at": at, "payload": payload}, None


def check_stream(stream: str, stored: Sequence[dict[str, Any]],
                 head: tuple[int, str] | None = None) -> list[Damage]:
    damages: list[Damage] = []
    found = set()

    def report(kind: str, seq: int | None, detail: str) -> None:
        if (kind, seq) not in found:
            found.add((kind, seq))
            damages.append(Damage(stream, kind, seq, detail))

    # Stored order and sequence order must agree: ids grow as events are appended.
    seqs_in_stored_order = [record["seq"] for record in stored]
    for earlier, later in zip(seqs_in_stored_order, seqs_in_stored_order[1:]):
        if later < earlier:
            report("reordered", later, f"序号{later}的事件写入时间晚于序号{earlier}的事件")

    by_seq = sorted(stored, key=lambda record: record["seq"])
    seen_seqs: dict[int, int] = {}
    for record in by_seq:
        seen_seqs[record["seq"]] = seen_seqs.get(record["seq"], 0) + 1
    for seq, count in seen_seqs.items():
        if count > 1:
            report("inserted", seq, f"序号{seq}出现{count}次")

    all_seqs = sorted(seen_seqs)
    for record in by_seq:
        if chain_hash(record["prev_hash"], record) != record["hash"]:
            original = _original_seq(record, all_seqs)
            if original is not None:
                report("reordered", record["seq"], f"该事件原为第{original}条")
            else:
                report("altered", record["seq"], "内容与哈希不符")

    # A broken link right after an event already found damaged is that damage's echo, not a second one.
    expected_seq, previous_hash = 1, GENESIS_HASH
    for record in by_seq:
        seq = record["seq"]
        if seq > expected_seq:
            # A forged sequence number may be astronomically far ahead: name the gap, never list it whole.
            missing = ("、".join(str(n) for n in range(expected_seq, seq)) if seq - expected_seq <= 20
                       else f"{expected_seq}至{seq - 1}（共{seq - expected_seq}个）")
            report("deleted", expected_seq, f"缺少序号{missing}")
        elif record["prev_hash"] != previous_hash and not _already(found, seq) and not _already(found, seq - 1):
            report("inserted", seq, "与前一事件的哈希不相连（事件被插入或替换）")
        expected_seq, previous_hash = max(expected_seq, seq + 1), record["hash"]

    if head is not None:
        last_seq, head_hash = head
        present = by_seq[-1]["seq"] if by_seq else 0
        if last_seq > present:
            report("deleted", present + 1, f"工单记录显示共有{last_seq}条事件，日志中只到第{present}条")
        elif last_seq < present:
            report("inserted", last_seq + 1, f"工单记录显示共有{last_seq}条事件，日志中却有{present}条")
        elif by_seq and by_seq[-1]["hash"] != head_hash and not damages:
            report("altered", present, "最新事件与工单记录中的链头哈希不符")
    return damages


def _already(found: set[tuple[str, int | None]], seq: int) -> bool:
    return any(found_seq == seq for _, found_seq in found)


def _original_seq(record: dict[str, Any], candidates: list[int]) -> int | None:
    """The sequence number under which this event's content does match its hash, if any."""
    for seq in candidates:
        if seq != record["seq"] and chain_hash(record["prev_hash"], {**record, "seq": seq}) == record["hash"]:
            return seq
    return None
