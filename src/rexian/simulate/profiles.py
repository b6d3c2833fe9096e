"""Behaviour profiles of units and handlers, which drive how tickets are handled.

- diligent: signs promptly, contacts the citizen, checks on site, replies with specifics;
- buck_passer: asks to return tickets without checking anything;
- fake_closer: asks to close minutes after receipt with a claim of success and a token contact;
- boilerplate: handles, but replies with boilerplate or about something else;
- forwarder: passes the ticket down and never follows up, closing on the subordinate's word;
- slow: signs late, lets tickets idle, asks for extensions, misses deadlines.
"""

from __future__ import annotations

import random

from rexian.simulate.org import City

UNIT_MIX = {"diligent": 0.5, "buck_passer": 0.16, "fake_closer": 0.1, "boilerplate": 0.1, "forwarder": 0.04,
            "slow": 0.1}
# Street offices sit between departments and communities: passing work down is their typical failing.
STREET_MIX = {"diligent": 0.45, "buck_passer": 0.12, "fake_closer": 0.08, "boilerplate": 0.08, "forwarder": 0.2,
              "slow": 0.07}

BUSY_DEPARTMENTS = ["D02", "D03", "D06", "D11", "D05", "D21", "D22", "D24", "D08", "D10"]


def children(city: City, unit_id: str, area: str | None, community_id: str | None) -> list[str]:
    """Units a lead unit may forward this ticket down to (the domain only allows downward forwarding)."""
    if unit_id.startswith("S") and community_id in city.communities.get(unit_id, ()):
        return [community_id]
    if unit_id.startswith("S"):
        return city.communities.get(unit_id, [])[:1]
    branch = city.branches.get((unit_id, area)) if area else None
    return [branch] if branch else []


def can_forward(unit_id: str, city: City) -> bool:
    return unit_id.startswith("S") or any(dept == unit_id for dept, _ in city.branches)


def assign_profiles(rng: random.Random, city: City) -> tuple[dict[str, str], dict[str, str]]:
    """(unit profile by unit id, handler profile by person id); forwarders only where forwarding is possible."""
    unit_profiles: dict[str, str] = {}
    handler_profiles: dict[str, str] = {}
    # Every failing shows up in some busy department, whatever the seed, so every rule family has cases.
    busy = rng.sample(BUSY_DEPARTMENTS, 4)
    forced = dict(zip(busy, ("buck_passer", "fake_closer", "boilerplate", "slow")))
    forced[rng.choice([dept for dept in ("D02", "D03", "D06") if dept not in forced] or ["D06"])] = "forwarder"
    for unit_id in sorted(city.handlers):
        mix = STREET_MIX if unit_id.startswith("S") else UNIT_MIX
        profile = rng.choices(list(mix), list(mix.values()))[0]
        profile = forced.get(unit_id, profile)
        if unit_id.startswith("M") and profile in ("buck_passer", "forwarder"):
            profile = "diligent"  # communities are at the bottom: nothing to pass on
        if profile == "forwarder" and not can_forward(unit_id, city):
            profile = "slow"
        unit_profiles[unit_id] = profile
        for person_id in city.handlers[unit_id] + [city.leaders[unit_id]]:
            draw = rng.random()
            handler_profiles[person_id] = profile if draw < 0.7 else ("diligent" if draw < 0.97 else "slow")
    return unit_profiles, handler_profiles
