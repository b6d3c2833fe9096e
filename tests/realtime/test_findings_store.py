"""The findings store: stable keys, decisions only by supervisors, nothing changed silently."""

from datetime import datetime

import pytest

from rexian.adapters.findings import FindingRepository
from rexian.domain.errors import MissingField, NotAllowed, WrongState

NOW = datetime(2026, 3, 5, 10, 0)


def _finding(returns=3, **changes):
    finding = {
        "finding_key": "BP-RETURNS:RX1", "rule_id": "BP-RETURNS", "family": "buck_passing", "severity": "medium",
        "ticket_ids": ["RX1"], "agent_id": None, "unit_id": "D02", "person_id": "H0201",
        "evidence": {"events": [{"ticket_id": "RX1", "seq": 3}], "texts": [], "values": {"returns": returns},
                     "thresholds": {"min_returns": 3}},
        "detected_at": "2026-03-04T09:00:00",
    }
    return {**finding, **changes}


@pytest.fixture
def store(make_app, tmp_path):
    return FindingRepository(make_app(f"sqlite:///{tmp_path / 'f.db'}").engine)


def test_storing_the_same_finding_twice_keeps_one_row_and_one_detection_event(store):
    assert store.upsert([_finding()], "batch", NOW)["added"] == ["BP-RETURNS:RX1"]
    again = store.upsert([_finding()], "realtime", NOW)

    assert again == {"added": [], "updated": [], "measured": [], "kept": ["BP-RETURNS:RX1"]}
    assert store.count() == 1
    assert [e["new_status"] for e in store.history("BP-RETURNS:RX1")] == ["new"]


def test_a_new_finding_takes_the_latest_evidence(store):
    store.upsert([_finding()], "realtime", NOW)
    result = store.upsert([_finding(returns=4, severity="high")], "realtime", NOW)

    assert result["updated"] == ["BP-RETURNS:RX1"]
    stored = store.get("BP-RETURNS:RX1")
    assert stored["evidence"]["values"]["returns"] == 4 and stored["severity"] == "high"


def test_a_decided_finding_is_never_overwritten_by_a_rerun(store):
    store.upsert([_finding()], "batch", NOW)
    store.decide("BP-RETURNS:RX1", "dismiss", "J01", "职责确有争议，已由编办裁定", NOW)
    result = store.upsert([_finding(returns=5, severity="high")], "batch", NOW)

    assert result["kept"] == ["BP-RETURNS:RX1"]
    stored = store.get("BP-RETURNS:RX1")
    assert stored["status"] == "dismissed" and stored["evidence"]["values"]["returns"] == 3
    assert stored["decided_by"] == "J01" and stored["reason"] == "职责确有争议，已由编办裁定"


def test_only_a_supervisor_may_decide_and_a_refusal_writes_nothing(store):
    store.upsert([_finding()], "batch", NOW)
    with pytest.raises(NotAllowed):
        store.decide("BP-RETURNS:RX1", "confirm", "H0201", "我确认", NOW)
    with pytest.raises(MissingField):
        store.decide("BP-RETURNS:RX1", "confirm", "J01", "  ", NOW)

    assert store.get("BP-RETURNS:RX1")["status"] == "new"
    assert len(store.history("BP-RETURNS:RX1")) == 1


def test_every_decision_is_appended_to_the_history_with_who_and_why(store):
    store.upsert([_finding()], "batch", NOW)
    store.decide("BP-RETURNS:RX1", "confirm", "J01", "三次退单均无核实记录", NOW)
    store.decide("BP-RETURNS:RX1", "dismiss", "J01", "复核：第三次退单系系统误操作", NOW)
    with pytest.raises(WrongState):
        store.decide("BP-RETURNS:RX1", "dismiss", "J01", "再次排除", NOW)

    history = store.history("BP-RETURNS:RX1")
    assert [(e["old_status"], e["new_status"], e["actor_id"]) for e in history] == [
        (None, "new", None), ("new", "confirmed", "J01"), ("confirmed", "dismissed", "J01")]
    assert history[2]["reason"] == "复核：第三次退单系系统误操作"
