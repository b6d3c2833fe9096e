"""Where the routing model learns from, besides files: a Rexian database and the simulated city.

These sources read storage and run the simulator, so they live here and not in `rexian.text` (a leaf
that only learns from the texts and labels handed to it).
"""

from __future__ import annotations

from rexian.adapters.database import reading
from rexian.text.routing import DEFAULT_SIMULATION, Router, routing_text, train_router


def database_training_data(engine):
    """(texts, categories, lead units, names, parents) of the tickets in a Rexian database (an engine),
    with the names and the category tree of its organisation."""
    from sqlalchemy import select

    from rexian.adapters import tables as t

    columns = [t.tickets.c[name] for name in ("title", "content", "address", "category", "lead_unit_id")]
    with reading(engine) as connection:
        rows = connection.execute(select(*columns).where(t.tickets.c.category.is_not(None))
                                  .order_by(t.tickets.c.ticket_id)).all()
        categories = connection.execute(select(t.categories.c.code, t.categories.c.name,
                                               t.categories.c.parent_code)).all()
        units = connection.execute(select(t.units.c.unit_id, t.units.c.name)).all()
    names = {"category": {row.code: row.name for row in categories}, "lead_unit": {row.unit_id: row.name for row in units}}
    parents = {row.code: row.parent_code for row in categories if row.parent_code}
    texts = [routing_text(row.title, row.content, row.address) for row in rows]
    return texts, [row.category for row in rows], [row.lead_unit_id for row in rows], names, parents


def simulated_training_data(tickets: int, seed: int):
    """(texts, categories, lead units, names, parents) of a simulated city's tickets."""
    from rexian.simulate import Simulation

    simulation = Simulation(tickets, seed)
    rows = [ticket for batch in simulation.batches() for ticket in batch.tickets]
    organisation = simulation.world.city.organisation
    names = {"category": {code: category.name for code, category in organisation.categories.items()},
             "lead_unit": {unit_id: unit.name for unit_id, unit in organisation.units.items()}}
    parents = {code: category.parent_code for code, category in organisation.categories.items() if category.parent_code}
    texts = [routing_text(row.get("title"), row.get("content"), row.get("address")) for row in rows]
    return texts, [row["category"] for row in rows], [row.get("lead_unit_id") for row in rows], names, parents


def router_from_simulation(tickets: int = DEFAULT_SIMULATION["tickets"],
                           seed: int = DEFAULT_SIMULATION["seed"]) -> Router:
    """A router trained on the simulator's city in memory: how the packaged model is made (with
    10000 tickets, seed 1), and a quick stand-in for it in tests (fewer tickets)."""
    texts, categories, leads, names, parents = simulated_training_data(tickets, seed)
    router, _ = train_router(texts, categories, leads, names=names, parents=parents, evaluate=False)
    router.meta["trained_on"] = f"rexian simulate --tickets {tickets} --seed {seed} (in memory)"
    return router
