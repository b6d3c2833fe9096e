"""Rejected rows: where (file, row, column), what (value) and why. Nothing is dropped without one."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rexian.domain.safe_cells import neutralise_row

REJECT_COLUMNS = ("file", "row", "column", "value", "reason")


@dataclass(frozen=True)
class Reject:
    file: str
    row: int | None  # None: a problem of the whole file (unreadable, truncated …)
    column: str | None
    value: Any
    reason: str

    def as_row(self) -> list[str]:
        value = "" if self.value is None else str(self.value)
        return [self.file, "" if self.row is None else str(self.row), self.column or "", value[:200], self.reason]


@dataclass
class RejectLog:
    """Collects rejects; a row is counted once however many problems it has."""

    rejects: list[Reject] = field(default_factory=list)
    rejected_rows: set[tuple[str, int]] = field(default_factory=set)

    def add(self, file: str, row: int | None, column: str | None, value: Any, reason: str) -> None:
        self.rejects.append(Reject(file, row, column, value, reason))
        if row is not None:
            self.rejected_rows.add((file, row))

    def file_problems(self) -> list[Reject]:
        return [reject for reject in self.rejects if reject.row is None]

    def write_csv(self, path: str | Path) -> None:
        # UTF-8 with BOM so that Excel on a Chinese Windows desktop opens it correctly.
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(REJECT_COLUMNS)
            writer.writerows(neutralise_row(reject.as_row()) for reject in self.rejects)
