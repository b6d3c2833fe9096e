"""The whole simulation: plan the year, run the call centre, live every ticket, collect the truth.

`Simulation(tickets, seed).batches()` streams the tickets' results in ticket-number order (optionally
computed by worker processes), so a million tickets never sit in memory at once; `simulate_city` collects
everything for small cities (tests, the demo). The same seed gives the same city, byte for byte.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterator

from rexian.adapters.projection import projection_of
from rexian.simulate.callcentre import CallCentre
from rexian.simulate.lives import live
from rexian.simulate.plan import Spec, citizen, lead_for, plan_tickets
from rexian.simulate.truth import settle, sort_truth, truth_item
from rexian.simulate.world import World, build_world

COMPLAINT_KINDS = ("complaint", "report", "request")
# rules.yaml defaults of RC-REPEAT and RC-HOTSPOT: what counts as a repeat complaint and a hotspot.
REPEAT_MIN, REPEAT_DAYS = 3, 90
HOTSPOT_MIN, HOTSPOT_DAYS, HOTSPOT_CALLERS = 10, 30, 5


def _in_runs(group: list[Spec], size: int, days: float) -> list[Spec]:
    """The tickets of `group` (in order of receipt) that belong to some `size` consecutive tickets
    received within `days`."""
    member = [False] * len(group)
    for end in range(size - 1, len(group)):
        if group[end].received_at.replace(microsecond=0) - group[end - size + 1].received_at.replace(microsecond=0) \
                <= timedelta(days=days):
            for i in range(end - size + 1, end + 1):
                member[i] = True
    return [spec for spec, inside in zip(group, member) if inside]


@dataclass
class Batch:
    events: list[dict] = field(default_factory=list)  # sealed event records
    payload_texts: list[str] | None = field(default_factory=list)  # their payloads' file cells (None: not made)
    tickets: list[dict] = field(default_factory=list)  # database projections (a superset of the file columns)
    calls: list[dict] = field(default_factory=list)  # outbound follow-up calls
    truth: list[dict] = field(default_factory=list)
    stalled: list[str] = field(default_factory=list)  # lives the domain refused to continue (should be none)
    newest: datetime | None = None  # the time of the batch's newest event
    files: dict[str, Any] = field(default_factory=dict)  # the rows as a `finish` step encoded them (output.py)


@dataclass
class SimulationResult:
    seed: int
    org_changes: list[dict]
    tickets: list[dict]
    events: list[dict]
    calls: list[dict]
    agent_status: list[dict]
    truth: list[dict]
    world: World
    stalled: list[str] = field(default_factory=list)


class Simulation:
    def __init__(self, tickets: int, seed: int):
        self.seed, self.tickets = seed, tickets
        self.newest = None  # the newest event of the log so far: the analyser's snapshot time
        self.world = world = build_world(seed, tickets)
        rng = random.Random(f"{seed}:plan")
        self.specs = plan_tickets(rng, world.city, world.places, tickets)
        self.centre = CallCentre(random.Random(f"{seed}:calls"), world.city.centre["agent"], seed)
        self.centre.run(self.specs, extra_calls=int(len(self.specs) * 0.25))
        self._number_tickets()
        self._link_same_matter()
        self.inbound_calls = self._finish_calls()
        self.agent_status = self.centre.status_intervals()
        self.plan_truth = self.centre.truth() + self._repeat_truth()

    def _number_tickets(self) -> None:
        """Ticket numbers RXyyyymmddNNNNNN follow intake time, as a live system would issue them."""
        self.specs.sort(key=lambda spec: (spec.received_at, spec.index))
        day, today, counter = None, "", 0
        for spec in self.specs:  # in time order, so the day's text is made once a day
            if spec.received_at.date() != day:
                day, today, counter = spec.received_at.date(), spec.received_at.strftime("%Y%m%d"), 0
            counter += 1
            spec.ticket_id = f"RX{today}{counter:06d}"

    def _finish_calls(self) -> list[dict]:
        calls = []
        for call in self.centre.calls:
            spec = call.pop("_spec", None)
            if spec is not None:
                call["ticket_id"], call["caller_phone"] = spec.ticket_id, citizen(self.seed, spec.caller)[2]
            calls.append(call)
        calls.sort(key=lambda call: (call["ring_at"], call["call_id"]))
        return calls

    def _link_same_matter(self) -> None:
        """Tell every ticket when the same matter (same place, same problem, any caller) is reported again:
        an honest follow-up visit cannot find it solved if it comes back within the month."""
        times: dict[tuple[int, str], list] = {}
        for spec in self.specs:  # in order of receipt
            if spec.kind in COMPLAINT_KINDS:
                times.setdefault((spec.place, spec.leaf), []).append(spec.received_at)
        for spec in self.specs:
            group = times.get((spec.place, spec.leaf), ())
            if len(group) > 1:  # most matters are reported once: nothing later
                spec.later_reports = tuple(at for at in group if at > spec.received_at)

    def _repeat_truth(self) -> list[dict]:
        """The same matter (same place and problem, any caller) complained about `REPEAT_MIN` times within
        `REPEAT_DAYS` is a repeat complaint; `HOTSPOT_MIN` times within `HOTSPOT_DAYS` from `HOTSPOT_CALLERS`
        callers or more is a hotspot. Consultations, suggestions and praise are not complaints."""
        matters: dict[tuple[int, str], list[Spec]] = {}
        for spec in self.specs:
            if spec.kind in COMPLAINT_KINDS:
                matters.setdefault((spec.place, spec.leaf), []).append(spec)
        items = []
        for key in sorted(matters):
            if len(matters[key]) < min(REPEAT_MIN, HOTSPOT_MIN):  # too few reports to be either
                continue
            group = sorted(matters[key], key=lambda spec: (spec.received_at, spec.ticket_id))
            place = self.world.places[key[0]]
            lead = lead_for(self.world.city, key[1], place)
            repeated = _in_runs(group, REPEAT_MIN, REPEAT_DAYS)
            if repeated:
                items.append(truth_item("repeat_complaint", [spec.ticket_id for spec in repeated], lead, None,
                                        f"{place.name}{self.world.leaf_names[key[1]]}：{len(repeated)}次反映"))
            hot = _in_runs(group, HOTSPOT_MIN, HOTSPOT_DAYS)
            callers = len({spec.caller for spec in hot})
            if hot and callers >= HOTSPOT_CALLERS:
                items.append(truth_item("hotspot", [spec.ticket_id for spec in hot], lead, None,
                                        f"{place.name}{self.world.leaf_names[key[1]]}：{len(hot)}次来电，{callers}位来电人"))
        return items

    def final_truth(self, items: list[dict]) -> list[dict]:
        """The truth as of the snapshot (the newest event written), sorted."""
        return sort_truth(settle(items, self.newest))

    def batches(self, batch_size: int = 2000, workers: int = 1,
                finish: Callable[[Batch], Batch] | None = None) -> Iterator[Batch]:
        """The tickets' results in ticket-number order. `finish` (a picklable function) is applied to each
        batch where it was computed, in the worker process when there are workers: the writers use it to
        encode a batch's rows there, so the process that writes the files does little more than append."""
        chunks = [self.specs[i:i + batch_size] for i in range(0, len(self.specs), batch_size)]
        if workers <= 1:
            for chunk in chunks:
                yield self._seen(_finished(run_batch(self.world, chunk), finish))
            return
        import multiprocessing

        # Spawned, never forked: a fork copies whatever threads and greenlets the caller holds (a web
        # server, DuckDB, a browser driver) and the child can crash collecting them. Each worker
        # builds its own world from the seed, so nothing big is pickled either way.
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers, initializer=_init_worker, initargs=(self.seed, self.tickets)) as pool:
            for batch in pool.imap(partial(_worker_batch, finish=finish), chunks):
                yield self._seen(batch)

    def _seen(self, batch: Batch) -> Batch:
        if batch.newest is not None:
            self.newest = batch.newest if self.newest is None else max(self.newest, batch.newest)
        return batch


def run_batch(world: World, specs: list[Spec]) -> Batch:
    batch = Batch()
    for spec in specs:
        result = live(world, spec)
        batch.events.extend(result.records)
        if result.payload_texts is None or batch.payload_texts is None:
            batch.payload_texts = None
        else:
            batch.payload_texts.extend(result.payload_texts)
        batch.tickets.append({**projection_of(result.ticket, world.end), "version": 1})
        batch.calls.extend(result.calls)
        batch.truth.extend(result.truth)
        if result.stalled:
            batch.stalled.append(result.stalled)
    if batch.events:
        batch.newest = max(record["at"] for record in batch.events)
    return batch


def _finished(batch: Batch, finish: Callable[[Batch], Batch] | None) -> Batch:
    if finish is None:  # the payload texts serve only the file encoding: not carried (nor pickled) further
        batch.payload_texts = None
        return batch
    return finish(batch)


_WORLD: World | None = None


def _init_worker(seed: int, tickets: int) -> None:
    global _WORLD
    _WORLD = build_world(seed, tickets)


def _worker_batch(specs: list[Spec], finish: Callable[[Batch], Batch] | None = None) -> Batch:
    return _finished(run_batch(_WORLD, specs), finish)


def simulate_city(tickets: int, seed: int, workers: int = 1) -> SimulationResult:
    """A whole synthetic city in memory (for tests and the demo; use `Simulation.batches` at scale)."""
    simulation = Simulation(tickets, seed)
    events, rows, calls, truth = [], [], list(simulation.inbound_calls), list(simulation.plan_truth)
    stalled = []
    for batch in simulation.batches(workers=workers):
        events += batch.events
        rows += batch.tickets
        calls += batch.calls
        truth += batch.truth
        stalled += batch.stalled
    calls.sort(key=lambda call: (call["ring_at"], call["call_id"]))
    return SimulationResult(seed, simulation.world.city.changes, rows, events, calls, simulation.agent_status,
                            simulation.final_truth(truth), simulation.world, stalled)
