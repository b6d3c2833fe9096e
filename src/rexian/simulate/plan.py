"""The plan of the year: which matters arise where and when, who calls about them, and which tickets
carry an injected abuse. Lives of tickets (lives.py) then play the plan out through the domain.

Matters are heavy-tailed: most are reported once, a few are reported again and again (repeat complaints,
hotspots). Times follow seasonality by month, weekday and hour.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from rexian.simulate.names import SHOP_WORDS, mobile, person_name
from rexian.simulate.org import City
from rexian.simulate.places import Place

YEAR_START = datetime(2025, 1, 1)
DAYS = 365
# Summer brings noise, heat and power complaints; winter heating; holidays and Mondays bring backlogs.
MONTH_WEIGHTS = (0.8, 0.7, 0.9, 0.95, 1.0, 1.1, 1.25, 1.3, 1.05, 0.95, 0.9, 1.0)
WEEKDAY_WEIGHTS = (1.25, 1.1, 1.05, 1.0, 0.95, 0.75, 0.7)
HOUR_WEIGHTS = (0.15, 0.08, 0.05, 0.05, 0.08, 0.2, 0.5, 1.0, 1.8, 2.3, 2.3, 2.0, 1.4, 1.6, 2.0, 2.1, 1.9,
                1.6, 1.3, 1.3, 1.2, 1.0, 0.6, 0.3)
CHANNELS = (("phone", 0.62), ("web", 0.12), ("app", 0.1), ("wechat", 0.14), ("email", 0.02))
KINDS = (("complaint", 0.55), ("request", 0.15), ("consultation", 0.15), ("report", 0.08), ("suggestion", 0.05),
         ("praise", 0.02))
LEAVES_BY_PLACE = {
    "road": ("0101", "0103", "0104", "0303", "0304", "0203", "1101", "0204", "0301", "0302", "0305", "1202"),
    "compound": ("0102", "0105", "0106", "0202", "0203", "0901", "0902", "0903", "0904", "0905", "0906", "1001",
                 "1002", "1003", "1004", "1005", "1201", "1202", "0404", "0401", "0402", "0403", "0405", "0501",
                 "0502", "0503", "0504", "0601", "0602", "0603", "0604", "1102", "1301", "1302", "1303", "1304",
                 "0205", "0201"),
    "shop": ("0201", "0202", "0205", "0505", "0701", "0702", "0703", "0704", "0801", "0802", "0803", "0804",
             "0805", "0401", "1201"),
}
TEXT_ABUSE = (("hostile_attitude", 0.014), ("graft", 0.007), ("improper_banquet", 0.006))


@dataclass(slots=True)
class Spec:
    index: int
    received_at: datetime
    leaf: str
    place: int
    variant: int
    matter: int
    channel: str
    kind: str
    urgency: str
    caller: int
    shop: str
    ticket_id: str = ""
    agent_id: str | None = None
    call_id: str | None = None
    recurs: bool = False  # a later ticket reports the same matter: it was not really solved
    fake_visit: bool = False  # the follow-up visit will be recorded without any call
    wrong_unit: str | None = None  # dispatched to the wrong unit first
    abuse: tuple[str, str, str] | None = None  # (family, accused unit, accused person)
    later_reports: tuple = ()  # when the same matter (place and problem, any caller) is reported again


class Seasons:
    """Draws times of year, weighted by month, weekday and hour."""

    def __init__(self) -> None:
        weights = []
        for offset in range(DAYS):
            day = (YEAR_START + timedelta(days=offset))
            weights.append(MONTH_WEIGHTS[day.month - 1] * WEEKDAY_WEIGHTS[day.weekday()])
        self.day_cumulative = list(itertools.accumulate(weights))
        self.hour_cumulative = list(itertools.accumulate(HOUR_WEIGHTS))

    def moment(self, rng: random.Random) -> datetime:
        day = bisect.bisect(self.day_cumulative, rng.random() * self.day_cumulative[-1])
        return self.on_day(rng, YEAR_START + timedelta(days=min(day, DAYS - 1)))

    def on_day(self, rng: random.Random, day: datetime) -> datetime:
        hour = bisect.bisect(self.hour_cumulative, rng.random() * self.hour_cumulative[-1])
        return day.replace(hour=min(hour, 23), minute=0, second=0, microsecond=0) + timedelta(
            seconds=rng.randrange(3600), microseconds=rng.randrange(1000000))


def lead_for(city: City, leaf: str, place: Place) -> str:
    lead = next(item[3] for item in city.leaves if item[0] == leaf)
    return place.street_id if lead == "street" else lead


def plan_tickets(rng: random.Random, city: City, places: list[Place], count: int) -> list[Spec]:
    seasons = Seasons()
    place_cumulative = list(itertools.accumulate(place.weight for place in places))
    frequent = max(5, count // 300)  # a few citizens call about many matters
    specs: list[Spec] = []
    citizens = itertools.count(frequent + 1)
    matter = 0
    while len(specs) < count:
        matter += 1
        place_index = bisect.bisect(place_cumulative, rng.random() * place_cumulative[-1])
        place = places[min(place_index, len(places) - 1)]
        leaf = rng.choice(LEAVES_BY_PLACE[place.kind])
        variant = rng.randrange(3)
        reports = 1 if rng.random() < 0.87 else min(1 + int(rng.paretovariate(2.0)), 10)
        burst = place.weight > 15 and rng.random() < 0.1  # a hotspot: many callers within days
        if burst:
            reports += rng.randint(8, 14)
        reports = min(reports, count - len(specs))
        at = seasons.moment(rng)
        first_caller = rng.randrange(1, frequent + 1) if rng.random() < 0.08 else next(citizens)
        shop = place.name if place.kind == "shop" else rng.choice(SHOP_WORDS)
        for number in range(reports):
            if number:
                at = seasons.on_day(rng, at + timedelta(days=rng.expovariate(1 / (2 if burst else 14))))
                if at >= YEAR_START + timedelta(days=DAYS):
                    break
            caller = first_caller if (number == 0 or rng.random() < (0.2 if burst else 0.55)) else next(citizens)
            kind = _weighted(rng, KINDS)
            urgency = "normal"
            if kind in ("complaint", "report", "request") and rng.random() < 0.08:
                urgency = "emergency" if rng.random() < 0.1 else "urgent"
            specs.append(Spec(len(specs), at, leaf, place_index, variant, matter, _weighted(rng, CHANNELS), kind,
                              urgency, caller, shop))
    by_matter: dict[int, list[Spec]] = {}
    for spec in specs:
        by_matter.setdefault(spec.matter, []).append(spec)
    for group in by_matter.values():
        for spec in group[:-1]:
            spec.recurs = True
            spec.fake_visit = rng.random() < 0.08
    departments = [unit_id for unit_id, *_ in _departments(city)]
    for spec in specs:
        if spec.kind in ("complaint", "report") and rng.random() < 0.06:
            spec.wrong_unit = rng.choice(departments)
        draw = rng.random()
        for family, probability in TEXT_ABUSE:
            if spec.kind in ("complaint", "report") and draw < probability:
                spec.abuse = (family, *_accused(rng, city, family, spec, places[spec.place]))
                break
            draw -= probability
    return specs


def citizen(seed: int, caller: int) -> tuple[str, str, str]:
    """(caller id, name, phone) of citizen number `caller`, the same wherever it is asked."""
    rng = random.Random(f"{seed}:citizen:{caller}")
    return f"CZ{caller:07d}", person_name(rng), mobile(rng)


def _weighted(rng: random.Random, options) -> str:
    draw = rng.random()
    for value, weight in options:
        if draw < weight:
            return value
        draw -= weight
    return options[0][0]


def _departments(city: City):
    return [(unit_id,) for unit_id in sorted(city.handlers) if unit_id.startswith("D") and "B" not in unit_id]


def _accused(rng: random.Random, city: City, family: str, spec: Spec, place: Place) -> tuple[str, str]:
    """Whom the citizen accuses: banquets mostly at community secretaries, rudeness and graft anywhere."""
    if family == "improper_banquet" and rng.random() < 0.7:
        unit = place.community_id
        return unit, city.leaders[unit]
    unit = lead_for(city, spec.leaf, place)
    if rng.random() < 0.3:
        unit = place.street_id
    people = city.handlers[unit] + [city.leaders[unit]]
    return unit, rng.choice(people)
