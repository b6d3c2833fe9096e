"""Generated tickets with a known same-matter truth, for tests, benchmarks and `rexian text-eval`.

Each *matter* is a (place, problem) pair; 1-5 citizens report it within a few days, each in their own
words (different sentence shapes, details, asks). Places get invented names so that two matters rarely
share one by chance, and some matters deliberately share a place with another problem, or a problem
with another place: the near misses a linker must keep apart.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from rexian.text.corpus import ASKS, CATEGORIES, DISTRICTS, TIMES

_NAME_CHARS = "金银锦绣翠碧华瑞祥和泰康宁安嘉盛鑫隆兴旺福禄寿喜丰源江河湖海山林松柏枫桂兰梅竹菊荷桃李杏星月阳光明辉东南西北中新天"
_PLACE_WORDS = ["小区", "花园", "家园", "新村", "公寓", "广场", "市场", "路", "大道", "村", "苑", "华庭"]


def _place(rng: random.Random) -> str:
    name = "".join(rng.choice(_NAME_CHARS) for _ in range(rng.choice((2, 2, 3))))
    return name + rng.choice(_PLACE_WORDS)


def generate_tickets(n_tickets: int, seed: int = 7, start: datetime = datetime(2024, 1, 1),
                     days: int = 365, near_miss_share: float = 0.3) -> list[dict]:
    """About `n_tickets` tickets: dicts with ticket_id, received_at, category, address, lon, lat, title,
    content, matter_id (the truth), in time order."""
    rng = random.Random(seed)
    categories = list(CATEGORIES)
    tickets: list[dict] = []
    matter = 0
    previous: list[tuple[str, str, str, float, float]] = []
    while len(tickets) < n_tickets:
        matter += 1
        category = rng.choice(categories)
        problem = rng.choice(CATEGORIES[category]["problems"])
        if previous and rng.random() < near_miss_share:
            # Near miss: an earlier matter's place with another problem.
            district, place, _, lon, lat = rng.choice(previous[-200:])
        else:
            district, place = rng.choice(DISTRICTS), _place(rng)
            lon, lat = 112.9 + rng.random() * 0.3, 28.1 + rng.random() * 0.2
        previous.append((district, place, problem, lon, lat))
        first = start + timedelta(seconds=rng.randrange(days * 86400))
        for report in range(rng.choice((1, 1, 1, 2, 2, 3, 4, 5))):
            at = first + timedelta(hours=rng.randrange(0, 24 * 10)) if report else first
            detail = rng.choice(CATEGORIES[category]["details"])
            shapes = [f"{place}{problem}，{rng.choice(TIMES)}都是这样，{detail}。{rng.choice(ASKS)}",
                      f"反映{district}{place}{problem}的问题。{detail}，{rng.choice(ASKS)}",
                      f"我住在{place}，{rng.choice(TIMES)}{problem}，{detail}。",
                      f"{problem}。地点：{district}{place}。{rng.choice(ASKS)}"]
            tickets.append({
                "ticket_id": f"T{len(tickets) + 1:07d}", "received_at": at, "category": category,
                "address": f"{district}{place}" if rng.random() < 0.6 else None,
                "lon": round(lon + rng.gauss(0, 0.0004), 6) if rng.random() < 0.5 else None,
                "lat": round(lat + rng.gauss(0, 0.0004), 6),
                "title": f"{place}{problem[:8]}" if rng.random() < 0.5 else problem[:10],
                "content": rng.choice(shapes), "matter_id": matter,
            })
    tickets = tickets[:n_tickets]
    for ticket in tickets:
        if ticket["lon"] is None:
            ticket["lat"] = None
    tickets.sort(key=lambda ticket: ticket["received_at"])
    return tickets
