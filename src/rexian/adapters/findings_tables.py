"""The findings store: supervision findings and the append-only history of decisions on them.

Kept apart from `tables.py` (same `metadata`, so the Alembic environment sees them once this module is
imported; `rexian.adapters.findings` imports it). Migration `0003_findings` creates exactly these tables.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, String, Table, Text

from rexian.adapters.tables import metadata, tickets
from rexian.domain import vocabulary

FINDING_STATUSES = tuple(vocabulary.FINDING_STATUSES)

findings = Table(
    "findings", metadata,
    Column("finding_key", String(200), primary_key=True),  # stable: re-running never duplicates
    Column("rule_id", String(64), nullable=False),
    Column("family", String(64), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("ticket_ids", Text, nullable=False),  # JSON list
    Column("agent_id", String(64)),
    Column("unit_id", String(64)),
    Column("person_id", String(64)),
    Column("evidence", Text, nullable=False),  # JSON object (docs/interchange.md)
    Column("detected_at", DateTime, nullable=False),
    # When the matter happened: the time of the latest event the finding cites as evidence (the one that
    # made the rule true), else the detection time. Bulletins count findings by this month (0008_desk6).
    Column("occurred_at", DateTime),
    Column("updated_at", DateTime, nullable=False),
    Column("source", String(16), nullable=False),  # batch | realtime
    Column("status", String(16), nullable=False),
    Column("decided_by", String(64)),
    Column("decided_at", DateTime),
    Column("reason", Text),
    Column("contradicted_at", DateTime),  # the data no longer supports it: marked, never deleted (0004_desk)
    Column("contradiction", Text),
)
# One index on a filter column alone is not declared: each is the first column of a triage index below, which serves
# the same lookups (0019_scale13 dropped ix_findings_rule/status/unit/family/person/detected: six fewer index
# entries for every finding stored).

# The bulletin's counts and the triage list's date filter read findings by the month they happened (0008_desk6).
OCCURRED_INDEX = Index("ix_findings_occurred", findings.c.occurred_at, findings.c.status)

# The triage list: one filter, newest occurrence first, in the list's own order (occurred_at DESC, finding_key), so
# a filtered page reads its rows off one index instead of sorting every match (0005_perf in detection order,
# 0019_scale13 in occurrence order: the list is in the order the matters happened, a date range of one filter
# is one range of its index). The two pairs the triage form is most used with (unit + risk, family + state) get
# their own, so that the capped count reads index entries only.
TRIAGE_INDEXES = tuple(
    Index(f"ix_findings_{'_'.join(names)}_occurred", *(findings.c[name] for name in names),
          findings.c.occurred_at.desc(), findings.c.finding_key)
    for names in (("unit_id",), ("person_id",), ("rule_id",), ("family",), ("severity",), ("status",),
                  ("unit_id", "severity"), ("family", "status")))

# The unfiltered list, newest occurrence first (0019_scale13), and newest detection first when the dates asked for
# are the detection's: a batch run stamps every finding with the same detected_at, so an index on detected_at alone
# left SQLite sorting every finding by key (0006_desk3).
LIST_INDEX = Index("ix_findings_occurred_key", findings.c.occurred_at.desc(), findings.c.finding_key)
NEWEST_INDEX = Index("ix_findings_detected_key", findings.c.detected_at.desc(), findings.c.finding_key)

# How many findings each filter value has (the triage form's counts, the dashboard's totals), kept in step
# with `findings` in the same transaction by FindingRepository, so no request counts a city's findings.
FACETS = ("family", "rule_id", "severity", "status")
finding_counts = Table(
    "finding_counts", metadata,
    Column("facet", String(16), primary_key=True),
    Column("value", String(64), primary_key=True),
    Column("n", Integer, nullable=False),
)


def count_all_sql(facet: str) -> str:
    """Recount one facet from `findings` (the migration's fill, and the check in the tests)."""
    assert facet in FACETS
    return f"SELECT '{facet}', {facet}, count(*) FROM findings GROUP BY {facet}"


finding_events = Table(
    "finding_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("finding_key", String(200), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("actor_id", String(64)),
    Column("old_status", String(16)),
    Column("new_status", String(16), nullable=False),
    Column("reason", Text),
    # Each change of a finding is signed like an audit record (0009_trust7): a number on the global log sequence,
    # `digest` = the finding's whole stored state after the change (`adapters/findings.py: state_digest`), and
    # the server's MAC over the three and the fields above. `verify` compares every finding with its newest
    # signed change: a finding deleted, edited, inserted or put back from an older copy is named.
    Column("digest", String(64)),
    Column("log_seq", BigInteger),
    Column("mac", String(80)),
    Index("ix_finding_events_key", "finding_key"),
    Index("ix_finding_events_log_seq", "log_seq", unique=True),
)

# Real-time evaluation looks up the other tickets on the same matter (place and category).
Index("ix_tickets_place_category", tickets.c.place_id, tickets.c.category)
Index("ix_tickets_address_category", tickets.c.address, tickets.c.category)
