"""Checking a snapshot reconstruction against the source's own counters (e.g. ServiceNow's
`reassignment_count` and `reopen_count` on an incident's last snapshot)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rexian.importing.histories import History
from rexian.importing.mapping import Mapping
from rexian.importing.values import as_text


def measure(history: History, name: str) -> int:
    drafts = history.drafts
    dispatches = [d for d in drafts if d.action == "Dispatched"]
    if name == "reassignments":  # group changes after the ticket was opened (ServiceNow's definition)
        return len(dispatches) - history.opening_dispatches
    if name == "redispatches":
        return max(len(dispatches) - 1, 0)
    if name == "dispatches":
        return len(dispatches)
    if name == "reopens":
        return sum(1 for d in drafts if d.action == "Reopened")
    return sum(1 for d in drafts if d.action == "Closed")


@dataclass
class Agreement:
    column: str
    measure: str
    tickets: int = 0
    agreeing: int = 0
    differences: Counter = field(default_factory=Counter)  # ours − theirs → tickets

    @property
    def percent(self) -> float:
        return 100.0 * self.agreeing / self.tickets if self.tickets else 0.0


def compare_counters(histories: dict[str, History], mapping: Mapping) -> list[Agreement]:
    results = []
    for column, name in mapping.snapshots.counters.items():
        agreement = Agreement(column, name)
        for history in histories.values():
            try:
                theirs = int(float(as_text(history.last_values.get(column))))
            except (TypeError, ValueError):
                continue
            ours = measure(history, name)
            agreement.tickets += 1
            agreement.agreeing += ours == theirs
            if ours != theirs:
                agreement.differences[ours - theirs] += 1
        results.append(agreement)
    return results


def counter_agreement(report, mapping: Mapping) -> list[str]:
    lines = []
    for a in compare_counters(report.histories, mapping):
        spread = "，".join(f"差 {d:+d}：{n} 件" for d, n in sorted(a.differences.items()))
        lines.append(f"核对 {a.column}（重建的 {a.measure}）：{a.agreeing}/{a.tickets} 件一致（{a.percent:.1f}%）"
                     + (f"；不一致的：{spread}" if spread else ""))
    return lines
