"""Renders docs/rules.md from the rule registry and rules.yaml, so the page never drifts from the code.

    PYTHONPATH=src python -m rexian.analytics.catalogue_doc > docs/rules.md
"""

from __future__ import annotations

import inspect

import yaml

from rexian.analytics.config import load_config
from rexian.analytics.registry import FAMILIES, FAMILY_NAMES_ZH, Rule, all_rules
from rexian.domain import records

INTRO = """# The supervision rules (监督规则)

Generated from the rule registry (`src/rexian/analytics/rules_*.py`) and the packaged defaults
(`src/rexian/analytics/rules.yaml`) by `python -m rexian.analytics.catalogue_doc`; a test fails when this
page is out of date. Each rule is declared once, on its function (`@rule(...)`): its family and Chinese
name come from `rexian/domain/vocabulary.py`; its real-time triggers (or why it is batch-only), whether it
needs the same-matter scope and the truth kinds it answers for are on the declaration and shown below.
How to run them: `rexian analyze` ([importing.md](importing.md)); in real time: [realtime.md](realtime.md).

Every rule is a pure function of the event table (and, where stated, the `calls` and `agent_status`
tables). Relational rules are Ibis expressions (checked to compile to PySpark SQL as well as DuckDB);
text rules select candidates with Ibis and judge the words through the text port
(`rexian/analytics/text_port.py`). Each finding names the responsible unit and person, the evidence
events (`ticket_id#seq`), text excerpts, the computed values and the thresholds (the rule's parameters).
The finding key is `RULE-ID:subject` (subject = the ticket, `ticket:seq` for per-event rules, the
place:category for repeats, `agent:day` for call-centre rules, the unit for unit rules), so re-running
never duplicates a finding.

Override any parameter with `rexian analyze --rules FILE` (a YAML file with the same shape as
`rules.yaml`; `enabled: false` switches a rule off).
"""


def _declaration(rule: Rule) -> str:
    if rule.triggers is not None:
        when = "*Real time:* on " + ", ".join(f"`{action}`" for action in rule.triggers)
        when += " (same-matter scope)" if rule.same_matter else ""
    else:
        when = f"*Batch only:* {rule.batch_only}"
    if rule.truth_kinds:
        truth = "*Truth kinds:* " + ", ".join(f"`{kind}`" for kind in rule.truth_kinds)
    else:
        truth = f"*Truth kinds:* none ({rule.no_truth_because})"
    if rule.supporting_kinds:
        truth += "; supported by " + ", ".join(f"`{kind}`" for kind in rule.supporting_kinds)
    if rule.judges:
        fields = " or ".join(f"`{action}.{field}`" for action, names in rule.judges for field in names)
        share = f"fewer than {rule.judges_share:.0%} of whose tickets have" if rule.judges_share else \
            "none of whose events has"
        empty = [table for table in rule.needs if table in records.RECORD_TABLES]
        given_empty = f", nor any source when the `{'`/`'.join(empty)}` table is given without a row" if empty else ""
        truth += (f" · *Cannot judge* an imported source {share} {fields}{given_empty} "
                  "(summary `rules_cannot_judge`, analytics/judging.py)")
    return f"{when} · {truth}"


def render() -> str:
    rules = all_rules()
    config = load_config()
    parts = [INTRO]
    for family in FAMILIES:
        parts.append(f"\n## {FAMILY_NAMES_ZH[family]} (`{family}`)\n")
        for rule in (r for r in rules.values() if r.family == family):
            params = config["rules"].get(rule.rule_id) or {}
            module = rule.func.__module__.rsplit(".", 1)[-1]
            parts.append(f"\n### {rule.rule_id} {rule.name_zh}\n")
            parts.append(f"\n*Kind:* {rule.kind} · *needs:* {', '.join(rule.needs)} · *default severity:* "
                         f"{rule.severity} · *code:* `{module}.{rule.func.__name__}`\n\n")
            parts.append(inspect.cleandoc(rule.doc) + "\n")
            parts.append("\n" + _declaration(rule) + "\n")
            rendered = yaml.safe_dump(params, allow_unicode=True, default_flow_style=True, sort_keys=False).strip()
            parts.append(f"\n*Parameters (defaults):* `{rendered}`\n")
    return "".join(parts)


if __name__ == "__main__":
    print(render(), end="")
