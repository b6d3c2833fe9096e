"""The call centre: inbound calls (those that became tickets and those that did not), which agent took
them, how long callers waited, abandoned calls, and every agent's status intervals through each shift.

A few agents are "zombies": they hold a busy status (示忙) for long stretches without taking calls and
leave their seat (offline) in the middle of a shift; callers wait longer and hang up. Each is labelled in
the ground truth as an `unreachable_service` case.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from rexian.simulate.plan import DAYS, YEAR_START, Seasons, Spec, citizen
from rexian.simulate.truth import truth_item

SHIFTS = ((8, 16), (16, 24), (0, 8))


def shift_of(index: int, agents: int) -> tuple[int, int]:
    """Half the agents work days, a third evenings, the rest nights."""
    if index < agents // 2:
        return SHIFTS[0]
    return SHIFTS[1] if index < agents * 5 // 6 else SHIFTS[2]


class CallCentre:
    def __init__(self, rng: random.Random, agents: list[str], seed: int):
        self.rng, self.agents, self.seed = rng, agents, seed
        self.zombies = sorted(rng.sample(agents, max(2, len(agents) // 9)))
        self.free_at = {agent: datetime.min for agent in agents}
        self.away: dict[tuple[str, int], list[tuple[datetime, datetime, str]]] = {}
        self.calls: list[dict] = []
        self.handled: dict[tuple[str, int], list[tuple[datetime, datetime]]] = {}
        # Who can answer depends only on the hour and the day of the week: worked out once per pair, since
        # every call (a million and more in a year) asks.
        self._answering: dict[tuple[int, int], list[tuple[int, str, int]]] = {}
        self._ends_of: tuple[int | None, dict[int, datetime]] = (None, {})

    def on_duty(self, agent_index: int, day: int) -> bool:
        return (day + agent_index) % 7 < 5

    def away_intervals(self, agent_index: int, day: int) -> list[tuple[datetime, datetime, str]]:
        """Breaks for everyone; long busy-without-calls and leaving the seat for zombies."""
        key = (self.agents[agent_index], day)
        if key not in self.away:
            rng = random.Random(f"{self.seed}:away:{key[0]}:{day}")
            start_hour, end_hour = shift_of(agent_index, len(self.agents))
            base = YEAR_START + timedelta(days=day)
            intervals = []
            for _ in range(rng.randint(1, 2)):
                at = base + timedelta(hours=rng.uniform(start_hour + 1, end_hour - 1))
                intervals.append((at, at + timedelta(minutes=rng.uniform(10, 30)), "break"))
            if key[0] in self.zombies:
                for _ in range(rng.randint(2, 4)):
                    at = base + timedelta(hours=rng.uniform(start_hour + 0.5, end_hour - 2))
                    intervals.append((at, at + timedelta(minutes=rng.uniform(30, 110)), "busy"))
                if rng.random() < 0.5:
                    at = base + timedelta(hours=rng.uniform(start_hour + 1, end_hour - 2))
                    intervals.append((at, at + timedelta(minutes=rng.uniform(40, 100)), "offline"))
            self.away[key] = sorted(intervals)
        return self.away[key]

    def take(self, ring: datetime, talk: timedelta, patience: timedelta | None) -> tuple[str | None, datetime | None]:
        """The agent who answers a call ringing at `ring`, and when; (None, None) if the caller hangs up."""
        day = (ring - YEAR_START).days
        shift_ends = self.shift_ends(day)
        best = None
        random, free_at, away = self.rng.random, self.free_at, self.away
        latest_pickup = ring + timedelta(seconds=12)
        for index, agent, end_hour in self.answering(ring.hour, day):
            # rng.uniform(3, 12) as `uniform` computes it (the same draw, the same float), without the call;
            # an agent busy past the latest pick-up answers when free, whatever was drawn
            draw = 3 + 9 * random()
            at = free_at[agent]
            if at < latest_pickup:
                at = max(ring + timedelta(seconds=draw), at)
            for start, end, _ in away.get((agent, day)) or self.away_intervals(index, day):
                if start > at:  # sorted by start: no later interval holds `at` either
                    break
                if at < end:
                    at = end
            if at < shift_ends[end_hour] and (best is None or at < best[1]):
                best = (agent, at)
        if best is None or (patience is not None and best[1] - ring > patience):
            return None, None
        agent, answer = best
        self.free_at[agent] = answer + talk + timedelta(seconds=self.rng.uniform(10, 40))
        self.handled.setdefault((agent, day), []).append((answer, answer + talk))
        return best

    def shift_ends(self, day: int) -> dict[int, datetime]:
        """When the shifts of `day` end, by end hour (calls come in time order: made once a day)."""
        if self._ends_of[0] != day:
            midnight = YEAR_START + timedelta(days=day)
            self._ends_of = (day, {end: midnight + timedelta(hours=end) for _, end in SHIFTS})
        return self._ends_of[1]

    def answering(self, hour: int, day: int) -> list[tuple[int, str, int]]:
        """(index, agent, shift's end hour) of the agents on duty `day` whose shift covers `hour`, in order."""
        key = (hour, day % 7)
        if key not in self._answering:
            shifts = [(index, agent, shift_of(index, len(self.agents))) for index, agent in enumerate(self.agents)]
            self._answering[key] = [(index, agent, end) for index, agent, (start, end) in shifts
                                    if start <= hour < end and self.on_duty(index, day)]
        return self._answering[key]

    def run(self, specs: list[Spec], extra_calls: int) -> None:
        """Place every phone ticket's call and `extra_calls` calls that made no ticket, in time order."""
        seasons = Seasons()
        arrivals = [(spec.received_at, 0, spec.index, spec) for spec in specs if spec.channel == "phone"]
        for number in range(extra_calls):
            arrivals.append((seasons.moment(self.rng), 1, number, None))
        arrivals.sort(key=lambda item: item[:3])
        for ring, _extra, number, spec in arrivals:
            if spec is None:
                talk = timedelta(seconds=self.rng.uniform(20, 240))
                agent, answer = self.take(ring, talk, timedelta(seconds=self.rng.expovariate(1 / 80)))
                phone = citizen(self.seed, 10_000_000 + number)[2]
                call_id = f"CL{ring:%Y%m%d}X{number:07d}"
                self.calls.append({"call_id": call_id, "caller_phone": phone, "queue": "12345",
                                   "agent_id": agent, "ring_at": ring, "answer_at": answer,
                                   "end_at": (answer + talk) if answer else ring + timedelta(
                                       seconds=self.rng.uniform(5, 180)),
                                   "abandoned": answer is None, "ticket_id": None, "direction": "in"})
                continue
            talk = timedelta(seconds=self.rng.uniform(90, 600))
            agent, answer = self.take(ring, talk, None)
            if agent is None:  # nobody on shift: the citizen called back in the morning
                spec.channel = "wechat"
                continue
            spec.agent_id, spec.received_at = agent, answer + talk * 0.8
            spec.call_id = f"CL{spec.index:09d}"
            self.calls.append({"call_id": spec.call_id, "caller_phone": None, "queue": "12345", "agent_id": agent,
                               "ring_at": ring, "answer_at": answer, "end_at": answer + talk, "abandoned": False,
                               "ticket_id": None, "direction": "in", "_spec": spec})

    def status_intervals(self) -> list[dict]:
        """Every agent's shift, cut into on_call, break, busy, offline and idle intervals."""
        rows = []
        for day in range(DAYS):
            for index, agent in enumerate(self.agents):
                if not self.on_duty(index, day):
                    continue
                start_hour, end_hour = shift_of(index, len(self.agents))
                shift_start = YEAR_START + timedelta(days=day, hours=start_hour)
                shift_end = YEAR_START + timedelta(days=day, hours=end_hour)
                spans = [(a, b, "on_call") for a, b in self.handled.get((agent, day), [])]
                spans += self.away_intervals(index, day)
                cursor = shift_start
                for start, end, status in sorted(spans):
                    start, end = max(start, cursor), min(end, shift_end)
                    if end <= start:
                        continue
                    if start > cursor:
                        rows.append({"agent_id": agent, "status": "idle", "start_at": cursor, "end_at": start})
                    rows.append({"agent_id": agent, "status": status, "start_at": start, "end_at": end})
                    cursor = end
                if cursor < shift_end:
                    rows.append({"agent_id": agent, "status": "idle", "start_at": cursor, "end_at": shift_end})
        return rows

    def truth(self) -> list[dict]:
        return [truth_item("zombie_agent", [], "C00", agent, "坐席长时间示忙无通话、班中离岗，来电等待和放弃增多",
                           agent_id=agent) for agent in self.zombies]
