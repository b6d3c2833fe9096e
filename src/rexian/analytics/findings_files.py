"""Findings as files partitioned by month, and reading findings from any of the forms we write.

    OUT/findings/month=YYYY-MM/part.jsonl        one finding a line, the format of findings.jsonl
    OUT/findings_parquet/month=YYYY-MM/part.parquet   the same fields; `evidence` as a JSON string

The month is the month the finding's first ticket was received (for call-centre findings: their day;
otherwise the run's `as_of`), so that a province's findings of one month sit together whichever run found
them. `rexian findings load` reads a findings.jsonl, a directory of these partitions, or Parquet files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

FIELDS = ("finding_key", "rule_id", "family", "severity", "ticket_ids", "agent_id", "unit_id", "person_id",
          "person_name", "evidence", "detected_at", "occurred_at", "status")
# occurred_at, person_name: absent from files written before; person_name also where nothing names the person


def month_of(finding: dict[str, Any], received: dict[str, str]) -> str:
    """YYYY-MM: the month the finding's first ticket was received (`received`: ticket id → YYYY-MM), the
    month of a call-centre finding's day, or else the month it was detected."""
    for ticket_id in finding.get("ticket_ids") or []:
        if ticket_id in received:
            return received[ticket_id]
    day = (finding.get("evidence") or {}).get("values", {}).get("day")
    if isinstance(day, str) and len(day) >= 7:
        return day[:7]
    return str(finding["detected_at"])[:7]


def write_partitioned(findings: Iterable[dict[str, Any]], out: str | Path, received: dict[str, str],
                      formats: Iterable[str] = ("jsonl", "parquet")) -> list[Path]:
    """Write the findings under OUT/findings (JSONL) and OUT/findings_parquet, one directory a month."""
    import pandas as pd

    out = Path(out)
    by_month: dict[str, list[dict[str, Any]]] = {}
    for finding in sorted(findings, key=lambda f: f["finding_key"]):
        by_month.setdefault(month_of(finding, received), []).append(finding)
    written = []
    for month, rows in sorted(by_month.items()):
        if "jsonl" in formats:
            path = out / "findings" / f"month={month}" / "part.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                for finding in rows:
                    handle.write(json.dumps(finding, ensure_ascii=False) + "\n")
            written.append(path)
        if "parquet" in formats:
            path = out / "findings_parquet" / f"month={month}" / "part.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            frame = pd.DataFrame([{**{k: f.get(k) for k in FIELDS},
                                   "evidence": json.dumps(f["evidence"], ensure_ascii=False)} for f in rows])
            frame.to_parquet(path, index=False)
            written.append(path)
    return written


class FindingsFileError(ValueError):
    """A findings file that cannot be loaded as it is: every problem named (file, line, field); nothing stored."""


MAX_PROBLEMS = 20  # problems named one by one


def read_findings_any(path: str | Path) -> list[dict[str, Any]]:
    """Findings from a findings.jsonl, a Parquet file, or a directory holding either (searched below it,
    e.g. the month partitions); a directory with neither is an error, not an empty load. Every finding is
    checked as `rexian analyze` writes it (`finding_problems`): a file edited by hand or by an attacker — a line
    that is not JSON, a field missing, a rule that does not exist, a family or severity the rule cannot have —
    is refused whole with every problem named (FindingsFileError)."""
    return [finding for batch in checked_findings(path) for finding in batch]


def checked_findings(path: str | Path, size: int = 1000) -> Iterator[list[dict[str, Any]]]:
    """The findings of `read_findings_any`, `size` at a time, so that a city's file is stored without holding it
    whole (2.2 million findings were ≈ 6 GB of dicts). The whole input is checked first, one finding at a time
    and nothing kept, so that a bad file is still refused before anything is stored; then it is read again, batch
    by batch, as the caller stores it."""
    path = Path(path)
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in (".jsonl", ".parquet"))
    if not files:
        raise FileNotFoundError(f"no .jsonl or .parquet findings under {path}")
    problems: list[str] = []
    for file in files:
        try:
            for number, finding in enumerate(_each(file), 1):
                problems += [f"{file} 第{number}条：{problem}" for problem in finding_problems(finding)]
        except FindingsFileError as error:
            problems.append(str(error))
        except (ValueError, KeyError, TypeError, OSError, RecursionError) as error:  # an unreadable Parquet file, a bad encoding
            problems.append(f"{file}：无法读取（{type(error).__name__}: {str(error)[:80]}）")
    if problems:
        shown = problems[:MAX_PROBLEMS] + ([f"……另有{len(problems) - MAX_PROBLEMS}处问题"]
                                           if len(problems) > MAX_PROBLEMS else [])
        raise FindingsFileError("问题线索文件有误，未存入任何内容：\n" + "\n".join(shown))
    return _batches(files, size)


def _batches(files: list[Path], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for file in files:
        for finding in _each(file):
            if finding.get("occurred_at") is None:  # not stamped: read as a file written before the field
                finding.pop("occurred_at", None)  # (Parquet has no absent)
            batch.append(finding)
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch


def _each(file: Path) -> Iterator[dict[str, Any]]:
    return iter(_read_parquet(file)) if file.suffix == ".parquet" else _read_jsonl(file)


def finding_problems(finding: Any) -> list[str]:
    """Why a finding read from a file is not one `rexian analyze` could have written (empty: it could)."""
    from datetime import datetime

    from rexian.domain.vocabulary import FINDING_STATUSES, RULES, SEVERITIES

    if not isinstance(finding, dict):
        return ["不是JSON对象"]
    problems = [f"缺少字段 {name}" for name in ("finding_key", "rule_id", "family", "severity", "ticket_ids",
                                                "evidence", "detected_at") if finding.get(name) is None]
    if problems:
        return problems
    rule = RULES.get(finding["rule_id"]) if isinstance(finding["rule_id"], str) else None
    if rule is None:
        problems.append(f"没有这条规则：{str(finding['rule_id'])[:40]!r}")
    elif finding["family"] != rule.family:
        problems.append(f"规则{finding['rule_id']}属于{rule.family}，文件中写为{str(finding['family'])[:40]!r}")
    key = finding["finding_key"]
    if not isinstance(key, str) or not key.startswith(f"{finding['rule_id']}:") or len(key) > 200:
        problems.append(f"finding_key 应为“规则编号:对象”且不超过200字符：{str(key)[:60]!r}")
    if finding["severity"] not in SEVERITIES:
        problems.append(f"严重程度无效：{str(finding['severity'])[:40]!r}（可选：{'、'.join(SEVERITIES)}）")
    if finding.get("status") not in (None, *FINDING_STATUSES):
        problems.append(f"状态无效：{str(finding['status'])[:40]!r}")
    tickets = finding["ticket_ids"]
    if not isinstance(tickets, list) or not all(isinstance(t, str) and 0 < len(t) <= 64 for t in tickets):
        problems.append("ticket_ids 应为工单编号（文本）的列表")
    if not isinstance(finding["evidence"], dict):
        problems.append("evidence 应为JSON对象")
    elif (shape := _evidence_shape(finding["evidence"])):
        problems.append(f"evidence {shape}")
    for name in ("agent_id", "unit_id", "person_id", "person_name"):
        value = finding.get(name)
        if value is not None and not (isinstance(value, str) and len(value) <= 64):
            problems.append(f"{name} 应为不超过64字符的文本")
    for name in ("detected_at", "occurred_at"):
        value = finding.get(name)
        try:
            if value is not None and not isinstance(value, datetime):
                datetime.fromisoformat(str(value))
        except ValueError:
            problems.append(f"{name} 不是时间：{str(value)[:40]!r}")
    return problems


# How deep `rexian analyze` nests a finding's evidence (events: a list of objects holding lists) is 4; a file
# nesting deeper, or holding a number JSON has no text for (NaN, Infinity: PostgreSQL's JSON refuses them, and
# the stored digest could not be recomputed from them), was not written by it.
EVIDENCE_DEPTH = 16


def _evidence_shape(value: Any, depth: int = 0) -> str | None:
    """Why a finding's evidence is not what `rexian analyze` writes (nesting, numbers), or None."""
    if depth > EVIDENCE_DEPTH:
        return f"嵌套超过{EVIDENCE_DEPTH}层"
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return "含有非有限数（NaN/Infinity）"
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        problem = _evidence_shape(child, depth + 1)
        if problem:
            return problem
    return None


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """One finding a line, read as it goes (a month partition, or a whole city's findings.jsonl)."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                finding = json.loads(line)
            except (ValueError, RecursionError) as error:  # nested past Python's limit: RecursionError (trust14)
                raise FindingsFileError(f"{path} 第{number}行不是JSON（{str(error)[:60]}）") from None
            yield finding


def _read_parquet(path: Path) -> list[dict[str, Any]]:
    import pandas as pd

    rows = []
    for record in pd.read_parquet(path).to_dict("records"):
        finding = {k: record.get(k) for k in FIELDS}
        finding["ticket_ids"] = [str(t) for t in (finding["ticket_ids"] if finding["ticket_ids"] is not None else [])]
        finding["evidence"] = json.loads(finding["evidence"])
        for key in ("agent_id", "unit_id", "person_id", "occurred_at"):
            if not isinstance(finding[key], str):
                finding[key] = None
        if not isinstance(finding["person_name"], str):
            del finding["person_name"]  # as in findings.jsonl: no key where nothing names the person
        rows.append(finding)
    return rows
