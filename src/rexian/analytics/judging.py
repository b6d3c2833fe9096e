"""Rules that cannot judge a source: when no event of a source carries a field a rule needs (declared on the
rule: `@rule(..., judges={action: (field, …)})`), the source's export has lost that field — no evidence
column, no deadline, no visit result — and the rule would report every ticket of it (or none, silently).
Its findings on that source's tickets are dropped and the analysis summary says `rules_cannot_judge`:
rule → the sources it could not judge. Rexian's own workflow (source `rexian`) always records the fields.

A field is present for a source when some event of the declared action from that source has it: a list
field (`evidence`, `contact_seqs`) non-empty, any other field not null. Any one of the fields declared for
an action is enough; the actions of one declaration are alternatives too (a deadline set by a dispatch or an
extension). A declared record table (`calls: (ticket_id,)`) is an alternative for every source: call records
naming tickets link visits to calls whatever export the visits came from. With `judges_share` on the rule, a
source is judged only when at least that share of its tickets having an event of the declared actions carry
a field on one of them (deadlines on 2 of 60 tickets, both set by an extension, are not the export's).
A record table the rule needs that is given without a single row judges no source at all."""

from __future__ import annotations

from typing import Any

from rexian.analytics.registry import all_rules
from rexian.analytics.tables import PAYLOAD_LIST_LENGTH, Data
from rexian.domain import records

OWN_SOURCE = "rexian"


def _present(ev, action: str, field: str):
    column = ev[f"{field}_n"] > 0 if field in PAYLOAD_LIST_LENGTH else ev[field].notnull()
    return (ev.action == action) & column


def cannot_judge(data: Data, rule_ids: list[str]) -> dict[str, list[str]]:
    """Rule → the imported sources that lack every field it needs to judge (sorted); rules judging every
    source are left out."""
    rules = all_rules()
    declared = {rule_id: rules[rule_id].judges for rule_id in rule_ids if rule_id in rules and rules[rule_id].judges}
    if not declared:
        return {}
    every_source = set(data.fetch("sources", lambda: _sourced(data).select("src").distinct())["src"])
    found: dict[str, list[str]] = {}
    for rule_id in list(declared):
        # A record table given without a single row (a call file whose rows were all rejected) supports no
        # event and refutes none: no source can be judged against it, the workflow's own included.
        if any(_is_empty(data, table) for table in rules[rule_id].needs if table in records.RECORD_TABLES):
            found[rule_id] = sorted(every_source)
            del declared[rule_id]
    sources = every_source - {OWN_SOURCE}
    if not sources:
        return found
    for rule_id, needs in declared.items():
        if any(_table_has(data, action, fields) for action, fields in needs if action in records.RECORD_TABLES):
            continue  # the record table links every source's events
        needs = [(action, fields) for action, fields in needs if action not in records.RECORD_TABLES]
        share = rules[rule_id].judges_share
        if not any(fields for _action, fields in needs):
            judged = set()
        elif share:
            judged = _judged_by_share(data, rule_id, needs, share)
        else:
            judged = set(data.fetch(f"judged-{rule_id}", lambda needs=needs: (
                (ev := _sourced(data)).filter(_condition(ev, needs)).select("src").distinct()), needs)["src"])
        lacking = sorted(sources - judged)
        if lacking:
            found[rule_id] = lacking
    return found


def _sourced(data: Data):
    """The events with `src`: their source, the workflow's own when none."""
    import ibis
    from ibis import _

    return data.ev.mutate(src=ibis.coalesce(_.source, OWN_SOURCE))


def _condition(ev, needs: list[tuple[str, tuple[str, ...]]]):
    """An event carries one of the fields declared for its action."""
    condition = None
    for action, fields in needs:
        for field in fields:
            term = _present(ev, action, field)
            condition = term if condition is None else condition | term
    return condition


def _is_empty(data: Data, table: str) -> bool:
    if not data.has(table):
        return False
    counted = data.fetch(f"rows-in-{table}", lambda: (frame := getattr(data, table)).aggregate(n=frame.count()))
    return not int(counted["n"].iloc[0])


def _table_has(data: Data, table: str, fields: tuple[str, ...]) -> bool:
    if not data.has(table):
        return False

    def build():
        import ibis

        frame = getattr(data, table)
        return frame.aggregate(n=ibis.or_(*(frame[field].notnull() for field in fields)).sum())

    return bool(data.fetch(f"filled-in-{table}", build, fields)["n"].iloc[0] or 0)


def _judged_by_share(data: Data, rule_id: str, needs: list[tuple[str, tuple[str, ...]]], share: float) -> set[str]:
    """Sources at least `share` of whose tickets with an event of `actions` have the field on one of them."""
    def build():
        import ibis
        from ibis import _

        ev = _sourced(data)
        actions = [action for action, _fields in needs]
        per_ticket = ev.mutate(has=ibis.ifelse(_condition(ev, needs), 1, 0)).filter(_.action.isin(actions)).group_by(
            ["src", "ticket_id"]).aggregate(has=_.has.max())
        return per_ticket.group_by("src").aggregate(tickets=_.ticket_id.count(), with_field=_.has.sum())

    per_source = data.fetch(f"judged-{rule_id}", build, needs, share)
    return {row.src for row in per_source.itertuples() if row.with_field >= share * row.tickets}


def ticket_sources(data: Data) -> dict[str, str]:
    """Ticket → the source of its first event (the export it came from)."""
    def build():
        import ibis
        from ibis import _

        return data.ev.group_by("ticket_id").aggregate(src=ibis.coalesce(_.source, OWN_SOURCE).argmin(_.seq))

    frame = data.fetch("ticket-sources", build)
    return dict(zip(frame["ticket_id"], frame["src"]))


def drop_unjudged(findings: list[Any], data: Data, lacking: dict[str, list[str]]) -> list[Any]:
    """The findings less those of a rule on a ticket whose source that rule cannot judge."""
    if not lacking:
        return findings
    sources = ticket_sources(data)
    return [f for f in findings
            if not (f.rule_id in lacking and any(sources.get(t) in lacking[f.rule_id] for t in f.ticket_ids))]
