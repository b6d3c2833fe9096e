"""Tables outside the ticket chains that a supervisor relies on (issue 15, fifth attack round): the organisation
(who holds which role in which unit, deadlines, the catalogue), the desk's projections (clues, orders, bulletins)
and the findings' decisions. Each is a projection of a signed chain, so an edit of the row alone — by someone
with write access to the database but not the server's key — must be named by `verify`. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support.tampering import damaged, one_value, sql

from rexian.adapters.findings import FindingRepository
from rexian.service.desk import Desk
from rexian.service.verify import verify_database

ORG = "组织机构"


def _org_damage(report) -> list[str]:
    return [damage.describe() for damage in report.damages if str(damage.stream).startswith(ORG)]


@pytest.mark.parametrize("statement, where", [
    ("UPDATE people SET roles = 'admin,handler,supervisor' WHERE person_id = 'H0201'", "H0201"),
    ("UPDATE people SET unit_id = 'D03' WHERE person_id = 'H0201'", "H0201"),
    ("UPDATE people SET active = ? WHERE person_id = 'J01'", "J01"),
    ("UPDATE units SET parent_id = 'S01' WHERE unit_id = 'D02'", "D02"),
    ("UPDATE categories SET handle_days = 30 WHERE code = '02'", "02"),
    ("UPDATE catalogue SET lead_unit_id = 'D03' WHERE category = '0201'", "0201"),
    ("INSERT INTO people (person_id, name, unit_id, roles, active) VALUES ('Z99', '冒名', 'C00', 'reviewer', ?)",
     "Z99"),
    ("DELETE FROM people WHERE person_id = 'V01'", "V01"),
])
def test_an_organisation_row_edited_alone_is_named(app, statement, where):
    assert verify_database(app.engine).intact
    sql(app, statement, *((False,) if "active = ?" in statement else (True,) if "?" in statement else ()))
    report = verify_database(app.engine)
    named = _org_damage(report)
    assert named and any(where in line for line in named), report.lines()
    assert set(damaged(report)) == {f"{ORG}(ORG)"}


def test_an_organisation_changed_through_the_service_still_verifies(app):
    from rexian.service.org_admin import apply_org_changes

    apply_org_changes(app, "X01", [{"type": "person", "id": "H0201", "name": "吴敏", "unit": "D03",
                                    "roles": ["handler", "unit_leader"], "phone": "13800000000"},
                                   {"type": "category", "code": "02", "name": "环境保护", "handle_days": 6}])
    report = verify_database(app.engine)
    assert report.intact, report.lines()


@pytest.fixture
def desk(app):
    desk = Desk(app.engine, app.clock)
    now = app.clock()
    FindingRepository(app.engine).upsert([
        {"finding_key": f"BP-RETURNS:{subject}", "rule_id": "BP-RETURNS", "family": "buck_passing",
         "severity": "medium", "ticket_ids": [subject], "agent_id": None, "unit_id": "D02", "person_id": "H0201",
         "evidence": {"events": [], "texts": [], "values": {}, "thresholds": {}}, "detected_at": now}
        for subject in ("RX1", "RX2", "RX3")], "batch", now)
    desk.decide(["BP-RETURNS:RX1"], "confirm", "J01", "属实")
    desk.decide(["BP-RETURNS:RX2"], "dismiss", "J01", "经核实，市民已撤回诉求")
    clue_id = desk.open_clue("J01", ["BP-RETURNS:RX1"], "推诿")
    desk.file_case(clue_id, "J01", "初核属实，予以立案")
    batch, orders = desk.issue_orders("J01", ["D02"], now + timedelta(days=3), "限期整改", finding_keys=["BP-RETURNS:RX1"])
    assert verify_database(app.engine).intact
    return app, clue_id, orders[0]


def _desk_damage(report, stream) -> set[str]:
    return damaged(report).get(f"监督({stream})", set())


def test_a_clue_record_edited_alone_is_named(desk):
    app, clue_id, _ = desk
    sql(app, "UPDATE supervision_records SET status = 'closed', person_id = 'H0301' WHERE stream_id = ?", clue_id)
    report = verify_database(app.engine)
    assert set(damaged(report)) == {f"监督({clue_id})"} and "projection" in _desk_damage(report, clue_id)


def test_a_clue_state_edited_alone_is_named(desk):
    app, clue_id, _ = desk
    state = one_value(app, "SELECT state FROM supervision_records WHERE stream_id = ?", clue_id)
    assert "初核属实" in state
    sql(app, "UPDATE supervision_records SET state = ? WHERE stream_id = ?", state.replace("初核属实", "查无实据"), clue_id)
    report = verify_database(app.engine)
    assert set(damaged(report)) == {f"监督({clue_id})"} and "projection" in _desk_damage(report, clue_id)


def test_an_order_record_with_a_later_due_date_is_named(desk):
    app, _, order_id = desk
    sql(app, "UPDATE supervision_records SET due_at = ? WHERE stream_id = ?", app.clock() + timedelta(days=60),
        order_id)
    report = verify_database(app.engine)
    assert set(damaged(report)) == {f"监督({order_id})"} and "projection" in _desk_damage(report, order_id)


def test_a_dismissal_reason_edited_in_the_findings_row_is_named(desk):
    app, _, _ = desk
    sql(app, "UPDATE findings SET reason = '无问题' WHERE finding_key = 'BP-RETURNS:RX2'")
    report = verify_database(app.engine)
    assert set(damaged(report)) == {"问题线索(BP-RETURNS:RX2)"}, report.lines()


def test_a_confirmed_finding_turned_dismissed_in_its_row_is_named(desk):
    app, _, _ = desk
    sql(app, "UPDATE findings SET status = 'dismissed', decided_by = 'J01' WHERE finding_key = 'BP-RETURNS:RX1'")
    report = verify_database(app.engine)
    assert set(damaged(report)) == {"问题线索(BP-RETURNS:RX1)"}, report.lines()


def test_a_finding_marked_decided_without_any_decision_event_is_named(desk):
    app, _, _ = desk
    sql(app, "UPDATE findings SET status = 'dismissed', decided_by = 'J01', reason = '误报' "
             "WHERE finding_key = 'BP-RETURNS:RX3'")
    report = verify_database(app.engine)
    assert set(damaged(report)) == {"问题线索(BP-RETURNS:RX3)"}, report.lines()


def test_a_decided_finding_deleted_from_the_findings_store_is_named(desk):
    app, _, _ = desk
    sql(app, "DELETE FROM findings WHERE finding_key = 'BP-RETURNS:RX2'")
    report = verify_database(app.engine)
    assert set(damaged(report)) == {"问题线索(BP-RETURNS:RX2)"}, report.lines()


def test_a_contradicted_finding_still_verifies(desk):
    app, _, _ = desk
    FindingRepository(app.engine).mark_contradicted(["BP-RETURNS:RX1", "BP-RETURNS:RX3"], "重新分析未再发现",
                                                    app.clock())
    report = verify_database(app.engine)
    assert report.intact, report.lines()
