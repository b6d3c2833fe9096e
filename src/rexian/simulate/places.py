"""Places of the synthetic city: residential compounds, roads and shops with coordinates, each in a
community and street office. Places carry heavy-tailed weights, so a few of them draw many tickets."""

from __future__ import annotations

import random
from dataclasses import dataclass

from rexian.simulate.names import COMPOUND_WORDS, ROAD_WORDS, SHOP_WORDS
from rexian.simulate.org import City

CITY_LON, CITY_LAT = 121.55, 29.87


@dataclass(frozen=True)
class Place:
    place_id: str
    name: str  # how citizens name it
    kind: str  # compound / road / shop
    area: str
    street_id: str
    community_id: str
    address: str
    lon: float
    lat: float
    weight: float


def build_places(rng: random.Random, city: City, blocks: int = 1) -> list[Place]:
    """Places of the city; `blocks` > 1 repeats the layout of compounds, shops and roads that many times per
    street, so a larger simulation spreads its tickets over a larger city instead of piling them onto the
    same few hundred places (which would make most matters look repeated)."""
    places: list[Place] = []
    for _ in range(blocks):
        _add_block(rng, city, places)
    return places


def _add_block(rng: random.Random, city: City, places: list[Place]) -> None:
    district_names = {area: name for area, name, _ in city.districts}
    for d_index, (area, _, _) in enumerate(city.districts):
        d_lon = CITY_LON + (d_index % 3 - 1) * 0.08
        d_lat = CITY_LAT + (d_index // 3 - 0.5) * 0.07
        for street_id, street_name, street_area in city.streets:
            if street_area != area:
                continue
            s_lon, s_lat = d_lon + rng.uniform(-0.03, 0.03), d_lat + rng.uniform(-0.025, 0.025)
            short_street = street_name.replace(district_names[area], "").replace("办事处", "")
            roads = rng.sample(ROAD_WORDS, 3)
            for community_id in city.communities[street_id]:
                for _ in range(rng.randint(2, 4)):
                    name = rng.choice(COMPOUND_WORDS) + (f"{rng.randint(1, 4)}期" if rng.random() < 0.3 else "")
                    road = rng.choice(roads) + rng.choice(("路", "街", "大道"))
                    number = rng.randint(1, 999)
                    places.append(_place(rng, len(places), name, "compound", area, street_id, community_id,
                                         f"{district_names[area]}{short_street}{road}{number}号{name}", s_lon, s_lat))
                if rng.random() < 0.6:
                    shop = rng.choice(SHOP_WORDS)
                    road = rng.choice(roads) + "路"
                    places.append(_place(rng, len(places), shop, "shop", area, street_id, community_id,
                                         f"{district_names[area]}{road}{rng.randint(1, 600)}号{shop}", s_lon, s_lat))
            for road_word in roads:
                for suffix in ("路", "街"):
                    name = f"{road_word}{suffix}"
                    cross = rng.choice(ROAD_WORDS)
                    places.append(_place(rng, len(places), name, "road", area, street_id,
                                         rng.choice(city.communities[street_id]),
                                         f"{district_names[area]}{name}与{cross}路交叉口", s_lon, s_lat))


def _place(rng, index, name, kind, area, street_id, community_id, address, s_lon, s_lat) -> Place:
    # Pareto weights: most places are quiet, a few draw many tickets (up to 30 times a quiet one's).
    weight = min(rng.paretovariate(1.5), 30.0)
    return Place(f"PL{index + 1:05d}", name, kind, area, street_id, community_id, address,
                 round(s_lon + rng.uniform(-0.012, 0.012), 6), round(s_lat + rng.uniform(-0.01, 0.01), 6), weight)
