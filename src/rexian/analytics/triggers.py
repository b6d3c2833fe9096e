"""Which rules judge in real time, and what wakes them: derived from the rules' own declarations.

Apart from `realtime` (the evaluator) so that a batch analysis can ask which rules an action can change
(`analyze.idle_rules`) without loading the evaluator's module.
"""

from __future__ import annotations

from typing import Any

from rexian.analytics.config import rule_params
from rexian.analytics.registry import all_rules

# Derived from the rules' declarations (`@rule(triggers=…, batch_only=…, same_matter=…)` in rules_*.py):
# each real-time rule with the actions whose appearance can change its result (action lists among the
# rule's parameters are added automatically); the rules whose result depends on other tickets on the same
# matter; and the batch-only rules with the reason.
TRIGGERS: dict[str, tuple[str, ...]] = {
    rule_id: rule_def.triggers for rule_id, rule_def in all_rules().items() if rule_def.triggers is not None}
MATTER_RULES = frozenset(rule_id for rule_id, rule_def in all_rules().items() if rule_def.same_matter)
BATCH_ONLY: dict[str, str] = {
    rule_id: rule_def.batch_only for rule_id, rule_def in all_rules().items() if rule_def.batch_only is not None}


def realtime_rule_ids(config: dict[str, Any]) -> list[str]:
    """The enabled real-time rules, in registry order."""
    rules = all_rules()
    return [rule_id for rule_id in rules if rule_id in TRIGGERS
            and rule_params(config, rule_id).get("enabled", True) is not False]


def triggers(config: dict[str, Any]) -> dict[str, frozenset[str]]:
    """Per real-time rule, the actions that make it run: its own list plus any action named in its
    parameters (e.g. BP-NO-VERIFY's `verification_actions`)."""
    out = {}
    for rule_id in realtime_rule_ids(config):
        named = set(TRIGGERS[rule_id])
        for value in rule_params(config, rule_id).values():
            if isinstance(value, (list, tuple)):
                named.update(str(v) for v in value)
        out[rule_id] = frozenset(named)
    return out
