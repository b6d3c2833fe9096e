from datetime import datetime

import pytest

from rexian.adapters.findings import FindingRepository
from rexian.service.desk import Desk

NOW = datetime(2026, 3, 5, 10, 0)


def finding(key_subject="RX1", rule_id="BP-RETURNS", family="buck_passing", severity="medium", unit_id="D02",
            person_id="H0201", detected_at="2026-03-04T09:00:00", seqs=(3,), ticket_id=None):
    ticket_id = ticket_id or key_subject
    return {
        "finding_key": f"{rule_id}:{key_subject}", "rule_id": rule_id, "family": family, "severity": severity,
        "ticket_ids": [ticket_id], "agent_id": None, "unit_id": unit_id, "person_id": person_id,
        "evidence": {"events": [{"ticket_id": ticket_id, "seq": s} for s in seqs], "texts": [],
                     "values": {"returns": 3}, "thresholds": {"min_returns": 3}},
        "detected_at": detected_at,
    }


class Clock:
    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def desk_app(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'desk.db'}")
    clock = Clock()
    desk = Desk(app.engine, clock)
    desk.clock_ = clock
    FindingRepository(app.engine).upsert([
        finding("RX1"), finding("RX2", unit_id="D03", person_id="H0301"),
        finding("RX3", rule_id="DL-OVERDUE", family="delay", severity="high", detected_at="2026-02-10T09:00:00"),
        finding("RX4", rule_id="FC-UNRESOLVED", family="false_closure", unit_id="D02", person_id="H0201"),
    ], "batch", NOW)
    return app, desk
