"""The findings list in the order the matters happened (docs/desk.md): the triage indexes by occurrence instead of
detection, an index for the unfiltered list by occurrence, and the single-column filter indexes dropped (each was the
first column of a triage index, which serves the same lookups: six fewer index entries for every finding stored).

Without a date filter the list was in detection-then-key order, and after a batch run every finding shares one
detection time, so its first pages were one rule's findings in key order.

Revision ID: 0019_scale13
Revises: 0018_trust12
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_scale13"
down_revision = "0018_trust12"
branch_labels = None
depends_on = None

TRIAGE = (("unit_id",), ("person_id",), ("rule_id",), ("family",), ("severity",), ("status",),
          ("unit_id", "severity"), ("family", "status"))
SINGLE = {"ix_findings_rule": "rule_id", "ix_findings_status": "status", "ix_findings_unit": "unit_id",
          "ix_findings_family": "family", "ix_findings_person": "person_id", "ix_findings_detected": "detected_at"}


def _triage(order: str) -> dict[str, str]:
    """name → columns of the triage indexes in `order` ("detected" as 0005_perf made them, "occurred" now)."""
    return {f"ix_findings_{'_'.join(names)}_{order}": ", ".join((*names, f"{order}_at DESC", "finding_key"))
            for names in TRIAGE}


def _swap(drop: dict[str, str], create: dict[str, str]) -> None:
    bind = op.get_bind()
    present = {index["name"] for index in sa.inspect(bind).get_indexes("findings")}
    for name in drop:
        if name in present:
            op.drop_index(name, table_name="findings")
    for name, columns in create.items():
        if name not in present:  # a database made from the declaration of today has them already
            bind.exec_driver_sql(f"CREATE INDEX {name} ON findings ({columns})")


def upgrade() -> None:
    _swap({**_triage("detected"), **SINGLE},
          {**_triage("occurred"), "ix_findings_occurred_key": "occurred_at DESC, finding_key"})


def downgrade() -> None:
    _swap({**_triage("occurred"), "ix_findings_occurred_key": ""}, {**_triage("detected"), **SINGLE})
