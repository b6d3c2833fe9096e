"""The whole simulation: plan the year, run the call centre, live every ticket, collect the truth.

`Simulation(tickets, seed).batches()` streams the tickets' results in ticket-number order (optionally
computed by worker processes), so a million tickets never sit in memory at once; `simulate_city` collects
everything for small cities (tests, the demo). The same seed gives the same city, byte for byte.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Iterator

from rexian.adapters.repository import projection_of
from rexian.simulate.callcentre import CallCentre
from rexian.simulate.lives import live
from rexian.simulate.plan import Spec, citizen, lead_for, plan_tickets
from rexian.simulate.truth import sort_truth, truth_item
from rexian.simulate.world import World, build_world



@dataclass
class Batch:
    events: list[dict] = field(default_factory=list)  # sealed event records
    tickets: list[dict] = field(default_factory=list)  # database projections (a superset of the file columns)
    calls: list[dict] = field(default_factory=list)  # outbound follow-up calls
    truth: list[dict] = field(default_factory=list)
    stalled: list[str] = field(default_factory=list)  # lives the domain refused to continue (should be none)


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
        self.seed = seed
        self.world = world = build_world(seed)
        rng = random.Random(f"{seed}:plan")
        self.specs = plan_tickets(rng, world.city, world.places, tickets)
        self.centre = CallCentre(random.Random(f"{seed}:calls"), world.city.centre["agent"], seed)
        self.centre.run(self.specs, extra_calls=int(len(self.specs) * 0.25))
        self._number_tickets()
        self.inbound_calls = self._finish_calls()
        self.agent_status = self.centre.status_intervals()
        self.plan_truth = self.centre.truth() + self._repeat_truth()

    def _number_tickets(self) -> None:
        """Ticket numbers RXyyyymmddNNNNNN follow intake time, as a live system would issue them."""
        self.specs.sort(key=lambda spec: (spec.received_at, spec.index))
        day, counter = None, 0
        for spec in self.specs:
            today = spec.received_at.strftime("%Y%m%d")
            counter = counter + 1 if today == day else 1
            day = today
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

    def _repeat_truth(self) -> list[dict]:
        """Every matter reported three times or more is a repeat complaint (a hotspot when many call)."""
        matters: dict[int, list[Spec]] = {}
        for spec in self.specs:
            if spec.kind in ("complaint", "report", "request"):
                matters.setdefault(spec.matter, []).append(spec)
        items = []
        for matter in sorted(matters):
            group = matters[matter]
            if len(group) >= 3:
                place = self.world.places[group[0].place]
                callers = len({spec.caller for spec in group})
                items.append(truth_item("repeat_complaint", [spec.ticket_id for spec in group],
                                        lead_for(self.world.city, group[0].leaf, place), None,
                                        f"{place.name}{self.world.leaf_names[group[0].leaf]}：{len(group)}次来电，"
                                        f"{callers}位来电人"))
        return items

    def batches(self, batch_size: int = 2000, workers: int = 1) -> Iterator[Batch]:
        chunks = [self.specs[i:i + batch_size] for i in range(0, len(self.specs), batch_size)]
        if workers <= 1:
            for chunk in chunks:
                yield run_batch(self.world, chunk)
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_init_worker, initargs=(self.seed,)) as pool:
            yield from pool.imap(_worker_batch, chunks)


def run_batch(world: World, specs: list[Spec]) -> Batch:
    batch = Batch()
    for spec in specs:
        result = live(world, spec)
        batch.events.extend(result.records)
        batch.tickets.append({**projection_of(result.ticket, world.end), "version": 1})
        batch.calls.extend(result.calls)
        batch.truth.extend(result.truth)
        if result.stalled:
            batch.stalled.append(result.stalled)
    return batch


_WORLD: World | None = None


def _init_worker(seed: int) -> None:
    global _WORLD
    _WORLD = build_world(seed)


def _worker_batch(specs: list[Spec]) -> Batch:
    return run_batch(_WORLD, specs)


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
                            sort_truth(truth), simulation.world, stalled)
