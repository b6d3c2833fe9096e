"""Rejected rows: where (file, row, column), what (value) and why. Nothing is dropped without one."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rexian.domain.safe_cells import neutralise_row

REJECT_COLUMNS = ("file", "row", "column", "value", "reason")


def printable(text: str) -> str:
    """Undecodable bytes (lone surrogates from a misread file) as \\x.. escapes, so the file can be written;
    formulas are quoted by `neutralise_row` as the rows are written."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass(frozen=True)
class Reject:
    file: str
    row: int | None  # None: a problem of the whole file (unreadable, truncated …)
    column: str | None
    value: Any
    reason: str

    def as_row(self) -> list[str]:
        value = "" if self.value is None else str(self.value)
        cells = [self.file, "" if self.row is None else str(self.row), self.column or "", value[:200], self.reason]
        return [printable(cell) for cell in cells]


@dataclass
class RejectLog:
    """Collects rejects; a row is counted once however many problems it has. `tickets`: the tickets one of
    whose rows was rejected — imported whole or not at all, they are then left out (pipeline.build)."""

    rejects: list[Reject] = field(default_factory=list)
    rejected_rows: set[tuple[str, int]] = field(default_factory=set)
    tickets: set[str] = field(default_factory=set)
    notes: list[Reject] = field(default_factory=list)  # remarks that lose no row (header offset, unread visit)
    refused_files: set[str] = field(default_factory=set)  # refused whole by a bound: none of their rows is stored

    def add(self, file: str, row: int | None, column: str | None, value: Any, reason: str,
            ticket: str | None = None) -> None:
        self.rejects.append(Reject(file, row, column, value, reason))
        if row is not None:
            self.rejected_rows.add((file, row))
        if ticket:
            self.tickets.add(ticket)

    def note(self, file: str, reason: str, row: int | None = None, column: str | None = None,
             value: Any = None) -> None:
        """A remark that loses nothing (the row, if any, is imported): written to the rejects file after the
        rejects, its reason marked 「提示」, and never counted or listed as a reject."""
        self.notes.append(Reject(file, row, column, value, f"提示：{reason}"))

    def refuse_file(self, file: str, reason: str) -> None:
        """A file refused whole (a crafted file past a bound): the reason, and no row of it is to be stored —
        not even those read before the bound was reached."""
        self.add(file, None, None, None, reason)
        self.refused_files.add(file)

    def from_refused_file(self, file: str) -> bool:
        """Whether a row's file (a workbook's rows are named 导出.xlsx[工单]) is one refused whole."""
        return any(file == refused or file.startswith(refused + "[") for refused in self.refused_files)

    def file_problems(self) -> list[Reject]:
        return [reject for reject in self.rejects if reject.row is None]

    def failed(self) -> bool:
        """Whether anything was lost: a rejected row or a file problem."""
        return bool(self.rejected_rows) or any(r.row is None for r in self.rejects)

    def write_csv(self, path: str | Path) -> None:
        # UTF-8 with BOM so that Excel on a Chinese Windows desktop opens it correctly.
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(REJECT_COLUMNS)
            writer.writerows(neutralise_row(reject.as_row()) for reject in self.rejects + self.notes)
