"""Checking Rexian on the real logs (docs/real_data.md): the ServiceNow audit log's snapshots become events,
and what we reconstruct is compared, incident by incident, with what the log says about itself:

- reassignments we reconstruct vs the incident's final `reassignment_count`;
- reopens we reconstruct vs its final `reopen_count`;
- BP-PINGPONG findings on the imported events vs raw A→B→A runs in its `assignment_group` column.

Every disagreement is explained step by step. Walking an incident's snapshots in the importer's order, the
difference between the counter's growth and our count telescopes into the steps where the two differ, and
each such step gets a cause from what the snapshots show (group emptied, group set again after being
emptied, opened without a group, counter grows while the group stays the same, a gap in sys_mod_count …).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from rexian.importing.mapping import Mapping
from rexian.importing.readers import read_rows
from rexian.importing.rejects import RejectLog
from rexian.importing.values import as_text, is_missing, parse_time

# Step causes, in the order they are reported.
EMPTIED_AT_END = "group emptied and left empty to the end"
EMPTIED_THEN_SET = "group emptied, then set again"
OPENED_WITHOUT_GROUP = "opened without a group (first group set later)"
SAME_GROUP = "counter grows while the group stays the same"
MOD_GAP = "across a sys_mod_count gap (updates missing from the sample)"
STARTS_ABOVE_ZERO = "counter already above zero at the first snapshot"
COUNTER_DOWN = "counter goes down"
MOVE_NOT_COUNTED = "group changes, counter does not"
REOPEN_WITHOUT_CLOSE = "counter grows with no closed state seen before"
REOPEN_NOT_COUNTED = "state leaves Resolved/Closed, counter does not grow"
OUT_OF_ORDER = "stray snapshot (sys_mod_count repeats while the time moves on)"
OTHER = "other"
FINDING_WITHOUT_BOUNCE = "BP-PINGPONG finding, no A→B→A in the raw groups"
BOUNCE_WITHOUT_FINDING = "A→B→A in the raw groups, no BP-PINGPONG finding"


@dataclass
class Snap:
    group: str | None
    state: str | None
    mod: int | None
    reassignments: int
    reopens: int


@dataclass
class Agreement:
    """One comparison over all incidents: how many agree, and every disagreement by cause."""

    name: str
    incidents: int = 0
    agreeing: int = 0
    ours_total: int = 0
    theirs_total: int = 0
    by_cause: Counter = field(default_factory=Counter)  # cause → incidents
    steps_by_cause: Counter = field(default_factory=Counter)  # cause → steps (moves)
    difference_by_cause: Counter = field(default_factory=Counter)  # cause → Σ(ours − theirs)
    unexplained: list[str] = field(default_factory=list)
    examples: dict[str, list[str]] = field(default_factory=dict)
    disagreements: list[tuple[str, int, int, tuple[str, ...]]] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.agreeing / self.incidents if self.incidents else 0.0


@dataclass
class ServiceNowCheck:
    rows_in: int
    rows_imported: int
    rows_rejected: int
    incidents: int
    events: int
    reassignments: Agreement
    reopens: Agreement
    pingpong: Agreement
    pingpong_findings: int
    raw_pingpong: int
    pingpong_with_fewer_than_two_moves: int  # a finding whose reassignment_count is < 2: must be 0


def _int(value: Any) -> int | None:
    try:
        return int(float(as_text(value)))
    except (TypeError, ValueError):
        return None


def ordered_snapshots(inputs: list[str | Path], mapping: Mapping,
                      accepted: set[tuple[str, int]] | None = None) -> dict[str, list[Snap]]:
    """Each incident's snapshots in the importer's order: time, then the `order_by` counter, then file order.
    `accepted`: the (file, row) pairs the importer kept; other rows (rejected ones) are left out."""
    from rexian.importing.snapshots import order_value

    rules = mapping.snapshots
    mod_column = rules.order_by[0] if rules.order_by else None
    reassigned, reopened = _counter_column(mapping, "reassignments"), _counter_column(mapping, "reopens")
    cases: dict[str, list[tuple]] = defaultdict(list)
    rejects = RejectLog()
    for path in inputs:
        for row in read_rows(path, mapping, rejects):
            if accepted is not None and (row.file, row.row) not in accepted:
                continue
            values = row.values

            def text(column):
                value = values.get(column) if column else None
                return None if is_missing(value, mapping.nulls) else as_text(value)

            try:
                at = parse_time(values[mapping.columns["at"]], mapping.date_formats, mapping.zone())
            except (KeyError, ValueError):
                continue
            order = tuple(order_value(values.get(c)) for c in rules.order_by) + ((row.file, row.row),)
            snap = Snap(text(rules.unit), text(rules.state), _int(values.get(mod_column)),
                        _int(values.get(reassigned)) or 0, _int(values.get(reopened)) or 0)
            cases[text(mapping.columns["ticket_id"])].append((at, order, snap))
    return {ticket: [s for _, _, s in sorted(rows, key=lambda r: (r[0], r[1]))] for ticket, rows in cases.items()}


def _counter_column(mapping: Mapping, measure: str) -> str | None:
    return next((column for column, name in mapping.snapshots.counters.items() if name == measure), None)


def _gap(before: Snap, now: Snap) -> bool:
    """Updates between the two snapshots are missing from the sample."""
    return before.mod is not None and now.mod is not None and now.mod - before.mod > 1


def _stray(before: Snap, now: Snap) -> bool:
    """Snapshots are taken in time order; a counter that repeats or goes back marks a stray row (the log
    holds a few: an update stamped later than the next one)."""
    return before.mod is not None and now.mod is not None and now.mod <= before.mod


def reassignment_steps(snaps: list[Snap]) -> list[tuple[int, int, str | None]]:
    """Per step: (our moves, the counter's growth, cause when they differ). Our moves follow the importer:
    a new non-empty group different from the last one counts, except in the first snapshot."""
    steps = []
    unit = snaps[0].group
    if snaps[0].reassignments:
        steps.append((0, snaps[0].reassignments, STARTS_ABOVE_ZERO))
    ever_grouped = unit is not None
    for i in range(1, len(snaps)):
        before, now = snaps[i - 1], snaps[i]
        ours = int(now.group is not None and now.group != unit)
        theirs = now.reassignments - before.reassignments
        cause = None
        if ours != theirs:
            if theirs < 0:
                cause = COUNTER_DOWN
            elif _stray(before, now):
                cause = OUT_OF_ORDER
            elif before.group is not None and now.group is None:
                cause = EMPTIED_AT_END if all(s.group is None for s in snaps[i:]) else EMPTIED_THEN_SET
            elif before.group is None and now.group is not None:
                cause = EMPTIED_THEN_SET if ever_grouped else OPENED_WITHOUT_GROUP
            elif _gap(before, now):
                cause = MOD_GAP
            elif now.group == before.group:
                cause = SAME_GROUP
            elif ours and not theirs:
                cause = MOVE_NOT_COUNTED
            else:
                cause = OTHER
        steps.append((ours, theirs, cause))
        if now.group is not None:
            unit, ever_grouped = now.group, True
    return steps


def reopen_steps(snaps: list[Snap], closing: set[str]) -> list[tuple[int, int, str | None]]:
    """Per step: (our reopens, the counter's growth, cause). A reopen is leaving a closing state for any
    other known state (the importer's rule)."""
    steps = []
    if snaps[0].reopens:
        steps.append((0, snaps[0].reopens, STARTS_ABOVE_ZERO))
    closed = snaps[0].state in closing
    for i in range(1, len(snaps)):
        before, now = snaps[i - 1], snaps[i]
        ours = int(closed and now.state is not None and now.state not in closing)
        theirs = now.reopens - before.reopens
        cause = None
        if ours != theirs:
            cause = (COUNTER_DOWN if theirs < 0 else OUT_OF_ORDER if _stray(before, now) else
                     MOD_GAP if _gap(before, now) else
                     REOPEN_WITHOUT_CLOSE if theirs and not ours else REOPEN_NOT_COUNTED if ours else OTHER)
        steps.append((ours, theirs, cause))
        if now.state is not None:
            closed = now.state in closing
    return steps


def tally(agreement: Agreement, ticket: str, ours: int, theirs: int, steps) -> None:
    """Count one incident in; a disagreement must be fully explained by its steps."""
    agreement.incidents += 1
    agreement.ours_total += ours
    agreement.theirs_total += theirs
    if ours == theirs:
        agreement.agreeing += 1
        return
    causes = set()
    explained = 0
    for our_step, their_step, cause in steps:
        if cause:
            causes.add(cause)
            agreement.steps_by_cause[cause] += 1
            agreement.difference_by_cause[cause] += our_step - their_step
            explained += our_step - their_step
    if explained != ours - theirs or not causes:
        agreement.unexplained.append(ticket)
    agreement.disagreements.append((ticket, ours, theirs, tuple(sorted(causes))))
    for cause in causes:
        agreement.by_cause[cause] += 1
        agreement.examples.setdefault(cause, [])
        if len(agreement.examples[cause]) < 3:
            agreement.examples[cause].append(ticket)


def bounces(values: Iterable[str | None]) -> bool:
    """A→B→A in a sequence of holders: empty values skipped, consecutive repeats collapsed."""
    holders: list[str] = []
    for value in values:
        if value is not None and (not holders or holders[-1] != value):
            holders.append(value)
    return any(holders[i] == holders[i + 2] for i in range(len(holders) - 2))


def raw_pingpong(snaps: list[Snap]) -> bool:
    """A→B→A in the raw group column."""
    return bounces(snap.group for snap in snaps)


def pingpong_tickets(events, tickets) -> set[str]:
    """Tickets with a BP-PINGPONG finding on the imported events (the rule itself, on DuckDB)."""
    from rexian.analytics.config import load_config
    from rexian.analytics.engine import run_rule
    from rexian.analytics.registry import all_rules
    from rexian.analytics.tables import from_frames

    findings = run_rule(all_rules()["BP-PINGPONG"], from_frames(events, tickets), load_config())
    return {ticket for finding in findings for ticket in finding.ticket_ids}


def check_servicenow(path: str | Path, mapping: Mapping) -> ServiceNowCheck:
    from rexian.importing.counters import measure
    from rexian.importing.pipeline import import_to_frames

    report, events, tickets = import_to_frames([path], mapping)
    accepted = {row for history in report.histories.values() for row in history.rows}
    snapshots = ordered_snapshots([path], mapping, accepted)
    closing = {state for state, action in mapping.snapshots.states.items() if action == "Closed"}
    reassign, reopen, pingpong = Agreement("reassignment_count"), Agreement("reopen_count"), Agreement("BP-PINGPONG")
    found = pingpong_tickets(events, tickets)
    raw = short = 0
    for ticket, history in sorted(report.histories.items()):
        snaps = snapshots[ticket]
        last = snaps[-1]
        steps = reassignment_steps(snaps)
        ours = measure(history, "reassignments")
        if ours != sum(s[0] for s in steps):  # the walk must count exactly what the importer did
            raise AssertionError(f"{ticket}: walk counts {sum(s[0] for s in steps)} moves, importer {ours}")
        tally(reassign, ticket, ours, last.reassignments, steps)
        steps = reopen_steps(snaps, closing)
        ours = measure(history, "reopens")
        if ours != sum(s[0] for s in steps):
            raise AssertionError(f"{ticket}: walk counts {sum(s[0] for s in steps)} reopens, importer {ours}")
        tally(reopen, ticket, ours, last.reopens, steps)
        bounced, flagged = int(raw_pingpong(snaps)), int(ticket in found)
        raw += bounced
        short += flagged and last.reassignments < 2
        cause = None if bounced == flagged else FINDING_WITHOUT_BOUNCE if flagged else BOUNCE_WITHOUT_FINDING
        tally(pingpong, ticket, flagged, bounced, [(flagged, bounced, cause)])
    return ServiceNowCheck(report.rows_in, report.rows_imported, report.rows_rejected, len(report.histories),
                           len(events), reassign, reopen, pingpong, len(found), raw, short)


@dataclass
class HelpdeskCheck:
    rows_in: int
    rows_imported: int
    rows_rejected: int
    reject_reasons: Counter
    tickets: int
    events: int
    findings_by_rule: dict[str, int]
    cases_with_several_workgroups: int
    cases_bouncing_between_people: int


def person_bounces(events) -> int:
    """Cases whose events pass from person A to B and back to A (consecutive repeats collapsed)."""
    return sum(bounces(actors.dropna())
               for _ticket, actors in events.sort_values(["ticket_id", "seq"]).groupby("ticket_id")["actor_id"])


def check_helpdesk(path: str | Path, mapping: Mapping) -> HelpdeskCheck:
    from rexian.analytics.analyze import analyze
    from rexian.analytics.config import load_config
    from rexian.analytics.tables import from_frames
    from rexian.importing.pipeline import import_to_frames

    report, events, tickets = import_to_frames([path], mapping)
    analysis = analyze(from_frames(events, tickets), load_config())
    dispatched = events[events["action"] == "Dispatched"]
    several = int((dispatched.groupby("ticket_id")["target_unit_id"].nunique() > 1).sum())
    reasons = Counter(r.reason.split("：")[0] for r in report.rejects.rejects)
    return HelpdeskCheck(report.rows_in, report.rows_imported, report.rows_rejected, reasons,
                         len(report.histories), len(events), dict(analysis.summary["findings_by_rule"]),
                         several, person_bounces(events))
