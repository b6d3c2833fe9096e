"""Signed checkpoints over the whole log (docs/trust.md).

Checkpoint n digests, in id order, every event row (id, stream, seq, hash) of `events` and `org_events` added
since checkpoint n-1, starting from n-1's digest: a running digest over the global order of the log. It is
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

from rexian.adapters import tables as t
from rexian.adapters.keys import KeyRing, keyring_for
from rexian.adapters.log_reader import comparable, iter_raw_by_id
from rexian.domain.eventlog import GENESIS_HASH

FIELDS = ("number", "made_at", "events_upto", "org_events_upto", "events", "org_events", "previous_digest",
          "digest")


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
    out = {name: values[name] for name in FIELDS}
    out["made_at"] = comparable(out["made_at"]) if not isinstance(out["made_at"], str) else out["made_at"]
    return out


def make_checkpoint(engine: Engine, now: datetime) -> dict[str, Any]:
    """Take the next checkpoint; returns its document with its `mac`."""
    ring = keyring_for(engine)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("LOCK TABLE events, org_events IN SHARE MODE")
        last = connection.execute(select(t.checkpoints).order_by(t.checkpoints.c.number.desc()).limit(1)).first()
        previous = document(last) if last is not None else None
        upto = {name: connection.execute(select(func.coalesce(func.max(t.metadata.tables[name].c.id), 0))).scalar_one()
                for name in ("events", "org_events")}
        after = {"events": previous["events_upto"] if previous else 0,
                 "org_events": previous["org_events_upto"] if previous else 0}
        digest, counts = _digest_range(connection, previous["digest"] if previous else GENESIS_HASH,
                                       {name: (after[name], upto[name]) for name in upto})
        row = {"number": (previous["number"] + 1) if previous else 1, "made_at": now.replace(microsecond=0),
               "events_upto": upto["events"], "org_events_upto": upto["org_events"],
               "events": (previous["events"] if previous else 0) + counts["events"],
               "org_events": (previous["org_events"] if previous else 0) + counts["org_events"],
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
    with engine.connect() as connection:
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
        except (OSError, ValueError) as error:
            problems.append(CheckpointProblem(None, f"存档文件{Path(path).name}无法读取（{type(error).__name__}）"))
    return filed, problems


def check_checkpoints(connection: Connection, ring: KeyRing,
                      filed: list[dict[str, Any]] = ()) -> tuple[int, list[CheckpointProblem]]:
    """Recompute every checkpoint's digest from the log; compare with the table and the filed copies."""
    problems: list[CheckpointProblem] = []
    stored: dict[int, dict[str, Any]] = {}
    for values in connection.exec_driver_sql(f"SELECT {', '.join(FIELDS)}, mac FROM checkpoints ORDER BY number"):
        item = dict(zip((*FIELDS, "mac"), values))
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
        problem = ring.document_problem({name: item[name] for name in FIELDS}, item.get("mac"))
        if problem:
            problems.append(CheckpointProblem(number, f"存档文件{problem}"))
        elif number not in stored:
            problems.append(CheckpointProblem(number, "存档中有此检查点，数据库中却没有（检查点被删除或改写）"))
            stored.setdefault(number, {name: item[name] for name in FIELDS})
        elif {name: item[name] for name in FIELDS} != stored[number]:
            problems.append(CheckpointProblem(number, "数据库中的检查点与存档文件不同"))
            stored[number] = {name: item[name] for name in FIELDS}  # the filed copy is the one to trust
    previous, after = GENESIS_HASH, {"events": 0, "org_events": 0}
    expected = 1
    for number in sorted(stored):
        doc = stored[number]
        if number != expected:
            problems.append(CheckpointProblem(expected, f"检查点{expected}至{number - 1}缺失"))
        try:
            bounds = {"events": (after["events"], int(doc["events_upto"])),
                      "org_events": (after["org_events"], int(doc["org_events_upto"]))}
        except (TypeError, ValueError):
            problems.append(CheckpointProblem(number, "检查点的范围无法读取"))
            continue
        if doc["previous_digest"] != previous and number == expected:
            problems.append(CheckpointProblem(number, "与前一检查点不相连"))
        digest, counts = _digest_range(connection, doc["previous_digest"], bounds)
        if digest != doc["digest"]:
            problems.append(CheckpointProblem(
                number, f"编号{bounds['events'][0] + 1}至{bounds['events'][1]}的事件（及组织事件）已不是检查点时的样子："
                        f"事件被删除、插入或改动（现有{counts['events']}条，检查点时"
                        f"{int(doc['events']) - (int(stored[number - 1]['events']) if number - 1 in stored else 0)}条）"))
        previous, after = doc["digest"], {"events": bounds["events"][1], "org_events": bounds["org_events"][1]}
        expected = number + 1
    return len(stored), problems
