"""Help for the agent at intake (智能派单 and same-matter warning), read-only.

Before an agent records a ticket, `IntakeAssistant.advise` suggests the category and lead unit (top 3
with confidence, from the routing model) and looks for earlier tickets on the same matter in the last
`same_matter_window_days` days, so the agent sees 「该地点近30天已有3件同类诉求」 and can merge or mark a
repeat instead of opening the matter again. It writes nothing: the agent decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from rexian.adapters.database import reading
from rexian.adapters import tables as t

CANDIDATES = 12
MATCH_COLUMNS = ("ticket_id", "received_at", "category", "address", "lon", "lat", "title", "content", "status")


@dataclass
class Advice:
    """`categories` and `lead_units` are (label, confidence) with the labels the organisation uses
    (category codes such as 0201, unit ids such as D02); `names` and `unit_names` give what a user reads
    for each (油烟污染, 市生态环境局) and `parents` the first-level category of each category (0201 -> 02)."""

    categories: list[tuple[str, float]]
    lead_units: list[tuple[str, float]]
    same_matter: list[dict[str, Any]] = field(default_factory=list)
    window_days: int = 30
    names: dict[str, str] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    unit_names: dict[str, str] = field(default_factory=dict)

    def category_label(self, code: str) -> str:
        """「0201 油烟污染（环境保护）」: code, name and first-level name, as far as they are known."""
        name = self.names.get(code)
        top = self.parents.get(code)
        text = f"{code} {name}" if name and name != code else code
        return f"{text}（{self.names.get(top, top)}）" if top else text

    def unit_label(self, unit_id: str) -> str:
        name = self.unit_names.get(unit_id)
        return f"{unit_id} {name}" if name and name != unit_id else unit_id

    @property
    def warning(self) -> str | None:
        if not self.same_matter:
            return None
        return f"该地点近{self.window_days}天已有{len(self.same_matter)}件同类诉求"


class IntakeAssistant:
    def __init__(self, engine: Engine, window_days: int, router=None):
        self.engine = engine
        self.window_days = window_days
        self._router = router
        self._index = None
        self._rows: dict[str, dict[str, Any]] = {}
        self._loaded: tuple[datetime, datetime] | None = None  # (from, until) of the indexed tickets
        # (category code -> (name, parent code), unit id -> name, street office id -> name), read once.
        self._org: tuple[dict, dict, dict] | None = None

    def _index_until(self, at: datetime):
        """The same-matter index over the window before `at`, kept between calls: later calls only add
        the tickets received since (the index needs time order, so an earlier `at` rebuilds it)."""
        from rexian.text.matter_index import SameMatterIndex

        since = at - timedelta(days=self.window_days)
        if self._loaded is None or since < self._loaded[0] or at < self._loaded[1]:
            self._index, self._rows, self._loaded = SameMatterIndex(window_days=self.window_days), {}, (since, since)
        query = (select(*(t.tickets.c[name] for name in MATCH_COLUMNS))
                 .where(t.tickets.c.received_at >= self._loaded[1], t.tickets.c.received_at <= at)
                 .order_by(t.tickets.c.received_at, t.tickets.c.ticket_id))
        with reading(self.engine) as connection:
            for row in connection.execute(query):
                if row.ticket_id not in self._rows:
                    self._rows[row.ticket_id] = dict(row._mapping)
                    self._index.add(self._rows[row.ticket_id])
        self._loaded = (self._loaded[0], at)
        return self._index

    def advise(self, content: str, at: datetime, title: str | None = None, address: str | None = None,
               lon: float | None = None, lat: float | None = None, category: str | None = None) -> Advice:
        from rexian.text.routing import load_router

        router = self._router or load_router()
        text = "。".join(part for part in (title, content) if part)
        # More than 3 asked for: labels this organisation does not have are dropped below.
        categories = router.suggest(text, address, k=CANDIDATES, target="category")
        lead_units = router.suggest(text, address, k=CANDIDATES, target="lead_unit") \
            if "lead_unit" in router.targets else []
        index = self._index_until(at)
        recent = self._rows
        draft = {"title": title, "content": content, "address": address, "lon": lon, "lat": lat,
                 "category": category, "received_at": at}
        matches = [{"ticket_id": m.ticket_id, "received_at": recent[m.ticket_id]["received_at"],
                    "status": recent[m.ticket_id]["status"], "score": round(m.score, 3), "reasons": m.reasons}
                   for m in index.lookup(draft)]
        categories, lead_units, names, parents, unit_names = self._in_city_terms(router, categories, lead_units,
                                                                                 address)
        return Advice(categories, lead_units, matches, self.window_days, names, parents, unit_names)

    def _in_city_terms(self, router, categories, lead_units, address=None):
        """The top 3 suggestions in this database's organisation: a label the organisation has under the
        same name is kept; a label that means something else here (the model was trained on another
        organisation) is replaced by the organisation's label of that name, or dropped when the
        organisation has no such name (the agent could not record it). When nothing can be matched, or
        the database has no organisation, the model's own labels and names are shown.
        When street offices together are likelier to lead than any other unit and the address names a
        street office of this organisation (属地: 「西城区金桥街道柳营路12号」), that office leads with their
        summed confidence. Returns (categories, lead units, names, parents, unit names)."""
        city_categories, city_units, _ = self._organisation()
        category_names = {code: name for code, (name, _) in city_categories.items()}
        categories, local = _translate(categories, router.label_name, category_names)
        lead_units, local_units = _translate(lead_units, lambda unit: router.label_name(unit, "lead_unit"), city_units,
                                             k=CANDIDATES)
        lead_units = self._street_office_of_the_address(lead_units, address)[:3]
        names: dict[str, str] = {}
        parents: dict[str, str] = {}
        for code, _ in categories:
            if code in local:
                name, parent = city_categories[code]
                parent_name = city_categories.get(parent, (parent, None))[0] if parent else None
            else:
                name, parent = router.label_name(code), router.parents.get(code)
                parent_name = router.label_name(parent, "category_top") if parent else None
            names[code] = name
            if parent:
                parents[code], names[parent] = parent, parent_name
        unit_names = {unit: city_units[unit] if unit in local_units else router.label_name(unit, "lead_unit")
                      for unit, _ in lead_units}
        return categories, lead_units, names, parents, unit_names

    def _street_office_of_the_address(self, lead_units: list[tuple[str, float]], address: str | None):
        from rexian.text.places import address_parts

        streets = self._organisation()[2]
        parts = address_parts(address)
        if not lead_units or not parts.street_office or not streets:
            return lead_units
        offices = [unit for unit, name in streets.items()
                   if parts.street_office in name and (not parts.district or parts.district in name)]
        street_confidence = sum(confidence for unit, confidence in lead_units if unit in streets)
        others = [(unit, confidence) for unit, confidence in lead_units if unit not in streets]
        if len(offices) != 1 or street_confidence <= max((confidence for _, confidence in others), default=0):
            return lead_units
        return sorted([(offices[0], round(street_confidence, 4)), *others], key=lambda item: -item[1])

    def _organisation(self) -> tuple[dict[str, tuple[str, str | None]], dict[str, str], dict[str, str]]:
        """(category code -> (name, parent code), unit id -> name, street office id -> name) of the
        database's organisation."""
        if self._org is None:
            with reading(self.engine) as connection:
                categories = {row.code: (row.name, row.parent_code) for row in
                              connection.execute(select(t.categories.c.code, t.categories.c.name, t.categories.c.parent_code))}
                units = connection.execute(select(t.units.c.unit_id, t.units.c.name, t.units.c.kind)).all()
            self._org = (categories, {row.unit_id: row.name for row in units},
                         {row.unit_id: row.name for row in units if row.kind == "street"})
        return self._org


def _translate(suggestions: list[tuple[str, float]], model_name, city_names: dict[str, str], k: int = 3):
    """The top k suggested labels in the city's terms (see `IntakeAssistant._in_city_terms`), confidences
    of labels that land on the same city label added; and the set of labels that are the city's."""
    by_name = {name: label for label, name in city_names.items()}
    merged: dict[str, float] = {}
    for label, confidence in suggestions:
        name = model_name(label)
        if label in city_names and name in (label, city_names[label]):
            here = label  # the same label and name here (or the model has no name for it)
        else:
            here = by_name.get(name)
        if here is not None:
            merged[here] = round(merged.get(here, 0.0) + confidence, 4)
    if not merged:
        return suggestions[:k], set()
    return sorted(merged.items(), key=lambda item: -item[1])[:k], set(merged)
