"""The workflow's configurable rules, typed: what the domain decides with, named once.

The values come from the settings table (`rexian.settings`, where the defaults and meanings live); the
domain restates no default. Deadlines have their own policy (`deadlines.DeadlinePolicy`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class WorkflowPolicy:
    unit_leader_approval: bool  # requests need the unit leader's endorsement before the centre's review
    max_extensions: int  # extensions a ticket may be granted in all
    redo_on_unsatisfied: bool  # an unsatisfied visit reopens the ticket even when resolved
    separation_of_duties: bool  # no one endorses, reviews or visits what they requested or handled

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "WorkflowPolicy":
        return cls(unit_leader_approval=bool(settings["unit_leader_approval"]),
                   max_extensions=int(settings["max_extensions"]),
                   redo_on_unsatisfied=bool(settings["redo_on_unsatisfied"]),
                   separation_of_duties=bool(settings["separation_of_duties"]))
