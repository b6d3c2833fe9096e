"""The organisation: units in a hierarchy, people with roles, categories and the responsibility catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rexian.domain.vocabulary import CALENDAR_DAY_KINDS, ROLES, UNIT_KINDS

__all__ = ["ROLES", "UNIT_KINDS", "CALENDAR_DAY_KINDS", "Unit", "Person", "Category", "CatalogueEntry", "CalendarDay",
           "Organisation"]


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    kind: str
    parent_id: str | None = None
    area: str | None = None
    active: bool = True


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str
    unit_id: str
    roles: frozenset[str]
    phone: str | None = None
    active: bool = True

    def has_role(self, *roles: str) -> bool:
        return self.active and not self.roles.isdisjoint(roles)


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    parent_code: str | None = None
    handle_days: int | None = None
    urgent_hours: int | None = None


@dataclass(frozen=True)
class CatalogueEntry:
    """One line of the responsibility catalogue: who leads (and who assists) for a category, maybe an area."""

    category: str
    lead_unit_id: str
    area: str | None = None
    assisting_unit_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class CalendarDay:
    """A day of the working calendar set by the administrator over the year files: a holiday, a make-up working
    day (调休), or back to the ordinary Monday–Friday rule; `name` says why (the holiday, the notice)."""

    day: date
    kind: str  # a key of CALENDAR_DAY_KINDS
    name: str


@dataclass
class Organisation:
    units: dict[str, Unit] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    catalogue: list[CatalogueEntry] = field(default_factory=list)
    calendar: dict[date, CalendarDay] = field(default_factory=dict)  # the administrator's days (docs/calendar.md)

    def unit(self, unit_id: str | None) -> Unit | None:
        return self.units.get(unit_id) if unit_id else None

    def person(self, person_id: str | None) -> Person | None:
        return self.people.get(person_id) if person_id else None

    def category(self, code: str | None) -> Category | None:
        return self.categories.get(code) if code else None

    def ancestors(self, unit_id: str) -> list[str]:
        """The chain of parents of a unit, nearest first (cycles in bad data stop the walk)."""
        chain: list[str] = []
        unit = self.units.get(unit_id)
        while unit and unit.parent_id and unit.parent_id not in chain and unit.parent_id != unit_id:
            chain.append(unit.parent_id)
            unit = self.units.get(unit.parent_id)
        return chain

    def in_cycle(self, unit_id: str) -> bool:
        """Whether walking up from this unit comes back to it (bad data that `ancestors` stops short of)."""
        seen, unit = {unit_id}, self.units.get(unit_id)
        while unit and unit.parent_id:
            if unit.parent_id in seen:
                return unit.parent_id == unit_id
            seen.add(unit.parent_id)
            unit = self.units.get(unit.parent_id)
        return False

    def is_below(self, unit_id: str, ancestor_id: str) -> bool:
        return ancestor_id in self.ancestors(unit_id)

    def units_below(self, unit_id: str | None) -> list[str]:
        """The active units anywhere below a unit (street offices, communities …)."""
        return [u.unit_id for u in self.units.values() if u.active and unit_id and self.is_below(u.unit_id, unit_id)]

    def category_chain(self, code: str) -> list[str]:
        chain: list[str] = []
        seen: set[str] = set()
        current: str | None = code
        while current and current not in seen:
            chain.append(current)
            seen.add(current)
            category = self.categories.get(current)
            current = category.parent_code if category else None
        return chain

    def deadline_days(self, code: str | None) -> tuple[int | None, int | None]:
        """Handling days and urgent hours of a category, inherited from its parents when unset."""
        days = hours = None
        for link in self.category_chain(code or ""):
            category = self.categories[link] if link in self.categories else None
            if category is None:
                continue
            days = days if days is not None else category.handle_days
            hours = hours if hours is not None else category.urgent_hours
        return days, hours

    def suggest_units(self, category: str | None, area: str | None = None) -> CatalogueEntry | None:
        """The catalogue entry for the most specific category, preferring an entry for the same area."""
        for code in self.category_chain(category or ""):
            entries = [entry for entry in self.catalogue if entry.category == code]
            for entry in entries:
                if area and entry.area == area:
                    return entry
            for entry in entries:
                if not entry.area:
                    return entry
        return None

    def set_catalogue_entry(self, entry: CatalogueEntry) -> None:
        self.catalogue = [e for e in self.catalogue if (e.category, e.area) != (entry.category, entry.area)]
        self.catalogue.append(entry)

    def handling_units(self) -> list[Unit]:
        """The active units outside the centre: those a form may name to handle, assist or be supervised."""
        return [unit for unit in self.units.values() if unit.active and unit.kind != "centre"]

    def centre_ids(self) -> set[str]:
        return {unit.unit_id for unit in self.units.values() if unit.kind == "centre"}
