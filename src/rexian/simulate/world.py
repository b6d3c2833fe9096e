"""Everything a ticket's life may consult, built once from the seed (in every worker process alike)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from rexian.calendar_files import load_calendar
from rexian.domain.calendar import WorkCalendar
from rexian.domain.deadlines import DeadlinePolicy
from rexian.domain.org import Organisation
from rexian.domain.policy import WorkflowPolicy
from rexian.settings import Settings, load_settings
from rexian.simulate.org import City, build_city
from rexian.simulate.places import Place, build_places
from rexian.simulate.profiles import assign_profiles

# Tickets arrive during 2025; handling goes on until the end of February 2026, when the snapshot is taken.
SIMULATION_END = datetime(2026, 2, 28, 23, 59, 59)


class FixedOrganisation(Organisation):
    """The simulated organisation never changes during a run, so what the domain works out from the unit
    tree on every check is worked out once: the centre's unit ids (a tenth of the simulation's time when
    recomputed) and the units below a unit (a walk over every unit for each forward)."""

    def centre_ids(self) -> set[str]:
        if not hasattr(self, "_centre_ids"):
            self._centre_ids = frozenset(super().centre_ids())
        return self._centre_ids

    def units_below(self, unit_id: str | None) -> list[str]:
        below = self.__dict__.setdefault("_units_below", {})
        if unit_id not in below:
            below[unit_id] = tuple(super().units_below(unit_id))
        return list(below[unit_id])


@dataclass
class World:
    seed: int
    city: City
    places: list[Place]
    unit_profiles: dict[str, str]
    handler_profiles: dict[str, str]
    calendar: WorkCalendar
    deadlines: DeadlinePolicy
    settings: Settings
    end: datetime
    leaf_names: dict[str, str]
    departments: list[str]
    policy: WorkflowPolicy  # from `settings`, made once (it is frozen): every ticket's context shares it
    fast_seal: bool = True  # record events with simulate.seal (identical records, a third of the cost)


# One block of places (about 450) per this many tickets: a year of tickets over a city of matching size.
TICKETS_PER_BLOCK = 2500


def build_world(seed: int, tickets: int = 0) -> World:
    city = build_city(random.Random(f"{seed}:org"))
    org = city.organisation
    city.organisation = FixedOrganisation(org.units, org.people, org.categories, org.catalogue)
    places = build_places(random.Random(f"{seed}:places"), city,
                          blocks=max(1, -(-tickets // TICKETS_PER_BLOCK)))
    unit_profiles, handler_profiles = assign_profiles(random.Random(f"{seed}:profiles"), city)
    # Defaults only: the simulation must not depend on the environment of whoever runs it.
    settings = load_settings(environ={})
    calendar = load_calendar()
    deadlines = DeadlinePolicy.from_settings(calendar, settings)
    leaf_names = {code: name for code, name, _, _ in city.leaves}
    departments = [unit for unit in sorted(city.handlers) if unit.startswith("D") and "B" not in unit]
    return World(seed, city, places, unit_profiles, handler_profiles, calendar, deadlines, settings,
                 SIMULATION_END, leaf_names, departments, WorkflowPolicy.from_settings(settings))
