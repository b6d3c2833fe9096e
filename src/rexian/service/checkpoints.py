"""Signed checkpoints over the whole log (docs/trust.md).

Checkpoint n digests, in id order, every event row (id, stream, seq, hash) of `events`, `org_events` and (since
0007_attack5) `supervision_events`, every audit record (id, ticket, log number, MAC) and (since 0009_trust7) every
signed change of a finding (id, finding, log number, MAC) and (since 0014_trust11) every outbox row (id, key, log
number, MAC) and (since 0018_trust12) every idempotency record (log number, key, MAC) and every call-centre record
(`calls`, `agent_status`, `roster`: id, import run, record number, MAC), added since checkpoint n-1, starting from
n-1's digest:
a running digest over the global order of the log. A checkpoint from before 0007 (0009) has no bound for the
tables added then (OPTIONAL, absent from its signed document), and the next one digests them from the start. It is
signed with the server's key and kept in the `checkpoints` table and as a small JSON file to be filed
elsewhere (another machine, paper, an email to the discipline-inspection office). `verify` recomputes every
digest: an event removed, added or changed anywhere before the newest checkpoint changes it, even when the
whole ticket went with it; a checkpoint row removed or rewritten is found against the filed copies.

Writers are held off while a checkpoint is taken (SQLite: the write lock; PostgreSQL: a SHARE lock on the
event tables), so no transaction still in flight can later commit an event below the checkpoint's bound.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection, Engine

# They declare the desk's tables, the outbox and the findings' changes on the metadata: without them `rexian
# checkpoint`, which imports nothing else that does, failed with a KeyError (found in trust11).
from rexian.adapters.database import reading
from rexian.adapters import desk_tables, findings_tables  # noqa: F401
from rexian.adapters import tables as t
from rexian.adapters.keys import KeyRing, keyring_for
from rexian.adapters.log_reader import CALL_RECORDS, POSITION, comparable, iter_raw_by_id
from rexian.domain.eventlog import GENESIS_HASH

FIELDS = ("number", "made_at", "events_upto", "org_events_upto", "events", "org_events", "previous_digest",
          "digest")
LATER_TABLES = ("supervision_events", "audit_log",  # digested since 0007_attack5
                "finding_events",  # since 0009_trust7
                "outbox",  # since 0014_trust11: what dashboards and webhooks are sent
                # since 0018_trust12: the idempotency records (by log number) and the call-centre records, so that
                # their newest rows deleted with their counter wound back are named by the next checkpoint
                "idempotency", *CALL_RECORDS)
OPTIONAL = tuple(name for table in LATER_TABLES for name in (f"{table}_upto", table))
TABLES = ("events", "org_events", *LATER_TABLES)
TABLE_NAMES = {"events": "工单事件", "org_events": "组织事件", "supervision_events": "监督事件", "audit_log": "审计记录",
               "finding_events": "问题线索变更记录", "outbox": "推送记录", "idempotency": "幂等记录",
               "calls": "话单", "agent_status": "坐席状态", "roster": "人员名册"}


@dataclass
class CheckpointProblem:
    number: int | None
    detail: str

    def describe(self) -> str:
        where = f"检查点{self.number}" if self.number is not None else "检查点"
        return f"{where}：{self.detail}"


def _digest_range(connection: Connection, previous: str, bounds: dict[str, tuple[int, int]]) -> tuple[str, dict]:
    """The running digest after `previous` over the rows in each table's (after, upto] id range."""
    digest = hashlib.sha256(previous.encode("ascii"))
    counts = {}
    for table, (after, upto) in bounds.items():
        count = 0
        for row_id, stream, seq, hash_ in iter_raw_by_id(connection, table, after, upto):
            digest.update(f"{table}|{row_id}|{stream}|{seq}|{hash_}\n".encode("utf-8", "surrogateescape"))
            count += 1
        counts[table] = count
    return digest.hexdigest(), counts


def document(row: Any) -> dict[str, Any]:
    """A checkpoint as the JSON document that is signed and filed (times as text)."""
    values = dict(row) if isinstance(row, dict) else dict(row._mapping)
    # Every value as `comparable` gives it (times as text; bytes, which SQL can write into any SQLite column and
    # which stopped verify with a TypeError before trust13, as a form no genuine value has): a genuine
    # checkpoint's document is unchanged, a forged one fails its MAC.
    out = {name: comparable(values[name]) for name in FIELDS}
    out.update({name: comparable(values[name]) for name in OPTIONAL if values.get(name) is not None})
    return out


def make_checkpoint(engine: Engine, now: datetime) -> dict[str, Any]:
    """Take the next checkpoint; returns its document with its `mac`."""
    ring = keyring_for(engine)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"LOCK TABLE {', '.join(TABLES)} IN SHARE MODE")
        last = connection.execute(select(t.checkpoints).order_by(t.checkpoints.c.number.desc()).limit(1)).first()
        previous = document(last) if last is not None else None
        upto = {name: connection.execute(select(func.coalesce(
                    func.max(t.metadata.tables[name].c[POSITION.get(name, "id")]), 0))).scalar_one()
                for name in TABLES}
        after = {name: (previous or {}).get(f"{name}_upto") or 0 for name in TABLES}
        digest, counts = _digest_range(connection, previous["digest"] if previous else GENESIS_HASH,
                                       {name: (after[name], upto[name]) for name in upto})
        row = {"number": (previous["number"] + 1) if previous else 1, "made_at": now.replace(microsecond=0),
               "events_upto": upto["events"], "org_events_upto": upto["org_events"],
               **{f"{name}_upto": upto[name] for name in LATER_TABLES},
               **{name: ((previous or {}).get(name) or 0) + counts[name] for name in TABLES},
               "previous_digest": previous["digest"] if previous else GENESIS_HASH, "digest": digest}
        signed = {**document(row)}
        row["mac"] = ring.sign_document(signed)
        connection.execute(insert(t.checkpoints).values(**row))
    return {**signed, "mac": row["mac"]}


def export_checkpoints(engine: Engine, out_dir: str | Path) -> list[Path]:
    """Write every checkpoint as `checkpoint-NNNNNN.json` (existing files are left as they are)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with reading(engine) as connection:
        for row in connection.execute(select(t.checkpoints).order_by(t.checkpoints.c.number)):
            path = out / f"checkpoint-{row.number:06d}.json"
            if not path.exists():
                path.write_text(json.dumps({**document(row), "mac": row.mac}, ensure_ascii=False, indent=1),
                                encoding="utf-8")
                written.append(path)
    return written


def read_filed(paths: Iterable[Path]) -> tuple[list[dict[str, Any]], list[CheckpointProblem]]:
    filed, problems = [], []
    for path in sorted(paths):
        try:
            item = json.loads(Path(path).read_text(encoding="utf-8"))
            if not isinstance(item, dict) or not all(name in item for name in (*FIELDS, "mac")):
                raise ValueError("fields")
            filed.append(item)
        except (OSError, ValueError, RecursionError) as error:  # RecursionError: "[[[[…" (trust13)
            problems.append(CheckpointProblem(None, f"存档文件{Path(path).name}无法读取（{type(error).__name__}）"))
    return filed, problems


def check_checkpoints(connection: Connection, ring: KeyRing,
                      filed: list[dict[str, Any]] = ()) -> tuple[int, list[CheckpointProblem]]:
    """Recompute every checkpoint's digest from the log; compare with the table and the filed copies."""
    problems: list[CheckpointProblem] = []
    stored: dict[int, dict[str, Any]] = {}
    for values in connection.exec_driver_sql(f"SELECT {', '.join(FIELDS + OPTIONAL)}, mac FROM checkpoints "
                                             f"ORDER BY number"):
        item = dict(zip((*FIELDS, *OPTIONAL, "mac"), values))
        try:
            doc = document(item)
            number = int(doc["number"])
        except (TypeError, ValueError, KeyError):
            problems.append(CheckpointProblem(None, "检查点记录无法读取"))
            continue
        problem = ring.document_problem(doc, item["mac"])
        if problem:
            problems.append(CheckpointProblem(number, f"检查点记录{problem}"))
            continue
        stored[number] = doc
    for item in filed:
        number = item.get("number")
        signed = {name: item[name] for name in (*FIELDS, *OPTIONAL) if item.get(name) is not None}
        problem = ring.document_problem(signed, item.get("mac"))
        if problem:
            problems.append(CheckpointProblem(number, f"存档文件{problem}"))
        elif number not in stored:
            problems.append(CheckpointProblem(number, "存档中有此检查点，数据库中却没有（检查点被删除或改写）"))
            stored.setdefault(number, signed)
        elif signed != stored[number]:
            problems.append(CheckpointProblem(number, "数据库中的检查点与存档文件不同"))
            stored[number] = signed  # the filed copy is the one to trust
    previous, after = GENESIS_HASH, {name: 0 for name in TABLES}
    expected = 1
    for number in sorted(stored):
        doc = stored[number]
        if number != expected:
            problems.append(CheckpointProblem(expected, f"检查点{expected}至{number - 1}缺失"))
        try:
            bounds = {name: (after[name], int(doc[f"{name}_upto"])) for name in TABLES if f"{name}_upto" in doc}
        except (TypeError, ValueError):
            problems.append(CheckpointProblem(number, "检查点的范围无法读取"))
            continue
        if doc["previous_digest"] != previous and number == expected:
            problems.append(CheckpointProblem(number, "与前一检查点不相连"))
        digest, counts = _digest_range(connection, doc["previous_digest"], bounds)
        if digest != doc["digest"]:
            ranges = "，".join(f"{TABLE_NAMES[name]}{'日志序号' if name in POSITION else 'id'} {low + 1}–{high}"
                              f"（现有{counts[name]}条）"
                              for name, (low, high) in bounds.items() if high > low)
            problems.append(CheckpointProblem(number, f"检查点覆盖的日志（{ranges or '空'}）已不是检查点时的样子："
                                                      f"事件或审计记录被删除、插入或改动"))
        previous, after = doc["digest"], {**after, **{name: bound[1] for name, bound in bounds.items()}}
        expected = number + 1
    return len(stored), problems
