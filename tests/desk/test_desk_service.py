"""The desk as an application: triage, clue to case to outcome, supervision orders, all on the chained log."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from rexian.domain.errors import NotAllowed, WrongState
from rexian.service.desk import FindingFilter
from rexian.service.verify import verify_database


def test_triage_filters_by_family_unit_person_status_and_date(desk_app):
    _, desk = desk_app
    by_family = desk.findings(FindingFilter(family="buck_passing"))
    assert by_family["total"] == 2 and {f["unit_id"] for f in by_family["items"]} == {"D02", "D03"}
    assert [f["finding_key"] for f in desk.findings(FindingFilter(person_id="H0301"))["items"]] == ["BP-RETURNS:RX2"]
    recent = desk.findings(FindingFilter.from_mapping({"date_from": "2026-03-01", "unit_id": "D02"}))
    assert {f["finding_key"] for f in recent["items"]} == {"BP-RETURNS:RX1", "FC-UNRESOLVED:RX4"}
    assert desk.findings(FindingFilter(severity="high"))["total"] == 1
    assert desk.findings(FindingFilter(status="confirmed"))["total"] == 0


def test_a_bulk_confirmation_is_all_or_nothing(desk_app):
    _, desk = desk_app
    with pytest.raises(NotAllowed):
        desk.decide(["BP-RETURNS:RX1", "BP-RETURNS:RX2"], "confirm", "H0201", "属实")
    desk.decide(["BP-RETURNS:RX1"], "confirm", "J01", "属实")
    with pytest.raises(WrongState):  # the second is already confirmed: the first must not be written either
        desk.decide(["BP-RETURNS:RX2", "BP-RETURNS:RX1"], "confirm", "J01", "属实")
    assert desk.findings(FindingFilter(status="confirmed"))["total"] == 1
    desk.decide(["BP-RETURNS:RX2", "FC-UNRESOLVED:RX4"], "confirm", "J01", "两处均属实")
    assert desk.findings(FindingFilter(status="confirmed"))["total"] == 3
    assert [e["action"] for e in desk.finding("BP-RETURNS:RX2")["chain"]] == ["FindingConfirmed"]


def test_a_finding_the_data_contradicts_is_marked_and_kept(desk_app):
    app, desk = desk_app
    desk.decide(["BP-RETURNS:RX1"], "confirm", "J01", "属实")
    marked = desk.findings_store.mark_contradicted(["BP-RETURNS:RX1", "BP-RETURNS:RX1"], "重新分析未再发现", desk.clock())
    assert marked == ["BP-RETURNS:RX1"]
    kept = desk.finding("BP-RETURNS:RX1")
    assert kept["status"] == "confirmed" and kept["contradiction"] == "重新分析未再发现"
    assert desk.findings(FindingFilter(contradicted=True))["total"] == 1
    assert verify_database(app.engine).intact


def test_confirmed_findings_become_a_clue_a_case_and_an_outcome_on_the_verified_log(desk_app):
    app, desk = desk_app
    desk.decide(["BP-RETURNS:RX1", "FC-UNRESOLVED:RX4"], "confirm", "J01", "属实")
    clue_id = desk.open_clue("J01", ["BP-RETURNS:RX1", "FC-UNRESOLVED:RX4"], "东华门街道推诿与虚假办结")
    desk.note_verification(clue_id, "J01", "调阅通话记录，两次退单前均未联系市民", ["call-log.pdf"])
    desk.file_case(clue_id, "J01", "初核属实，予以立案")
    desk.record_outcome(clue_id, "J01", "admonition", note="对承办人诫勉谈话")
    clue = desk.clue(clue_id)

    assert clue["state"] == "case_filed" and clue["unit_id"] == "D02" and clue["person_id"] == "H0201"
    assert clue["outcomes"][0]["outcome"] == "admonition" and clue["outcomes"][0]["person_id"] == "H0201"
    assert [e["action"] for e in clue["events"]] == ["ClueOpened", "VerificationNoted", "CaseFiled", "OutcomeRecorded"]
    assert [c["stream_id"] for c in desk.clues(status="case_filed")] == [clue_id]
    report = verify_database(app.engine)
    assert report.intact and report.streams >= 3


def test_verify_names_a_changed_or_removed_supervision_event(desk_app):
    app, desk = desk_app
    desk.decide(["BP-RETURNS:RX1"], "confirm", "J01", "属实")
    clue_id = desk.open_clue("J01", ["BP-RETURNS:RX1"], "推诿")
    desk.file_case(clue_id, "J01", "立案")
    with app.engine.begin() as connection:  # someone with write access drops the append-only triggers first
        for operation in ("update", "delete"):
            connection.execute(text(f"DROP TRIGGER supervision_events_no_{operation}"))
        connection.execute(text("UPDATE supervision_events SET payload = replace(payload, '立案', '了结') "
                                "WHERE ticket_id = :s AND seq = 2"), {"s": clue_id})
    damaged = verify_database(app.engine)
    assert [(d.stream, d.kind, d.seq) for d in damaged.damages] == [(f"监督({clue_id})", "altered", 2)]
    with app.engine.begin() as connection:
        connection.execute(text("DELETE FROM supervision_events WHERE ticket_id = :s AND seq = 2"), {"s": clue_id})
    assert [(d.stream, d.kind) for d in verify_database(app.engine).damages] == [
        (f"监督({clue_id})", "deleted"), ("事件日志", "deleted")]  # its chain, and its global log number


def test_a_batch_of_orders_is_answered_by_each_unit_and_late_answers_become_findings(desk_app):
    app, desk = desk_app
    desk.decide(["BP-RETURNS:RX1", "BP-RETURNS:RX2"], "confirm", "J01", "属实")
    due = desk.clock() + timedelta(days=3)
    batch, ids = desk.issue_orders("J01", ["D02", "D03"], due, "限期整改推诿问题并书面答复",
                                   finding_keys=["BP-RETURNS:RX1", "BP-RETURNS:RX2"])
    assert batch == "2026-01" and ids == ["DB202601001", "DB202601002"]
    assert desk.issue_orders("J01", ["D02"], due, "再次督办", finding_keys=["BP-RETURNS:RX1"])[0] == "2026-02"
    with pytest.raises(NotAllowed):
        desk.answer_order("DB202601001", "H0301", "不归我们管")
    desk.answer_order("DB202601001", "H0201", "已约谈承办人并重新办理")
    desk.clock_.now = due + timedelta(days=1)
    desk.answer_order("DB202601002", "H0301", "已整改")  # late, accepted and flagged

    lateness = {o["stream_id"]: o["lateness"] for o in desk.orders(batch="2026-01")}
    assert lateness == {"DB202601001": None, "DB202601002": "answered_late"}
    flagged = desk.flag_late_orders()
    assert sorted(flagged["added"]) == ["SV-ORDER-LATE:DB202601002", "SV-ORDER-LATE:DB202602001"]
    assert desk.flag_late_orders()["added"] == []  # stable keys: a second run adds nothing
    overdue = desk.findings_store.get("SV-ORDER-LATE:DB202602001")
    assert overdue["evidence"]["values"]["lateness"] == "overdue_unanswered" and overdue["ticket_ids"] == ["RX1"]
    assert verify_database(app.engine).intact


def test_a_finding_shows_its_tickets_timeline_with_the_triggering_events_marked(make_app, tmp_path):
    from realtime.lives import pingpong

    from desk.conftest import finding
    from rexian.adapters.findings import FindingRepository
    from rexian.service.desk import Desk

    app = make_app(f"sqlite:///{tmp_path / 't.db'}")
    tid = pingpong(app)
    FindingRepository(app.engine).upsert([finding(tid, seqs=(2, 4))], "batch", datetime(2026, 3, 5))
    shown = Desk(app.engine, lambda: datetime(2026, 3, 5)).finding(f"BP-RETURNS:{tid}")
    timeline = shown["timelines"][tid]
    assert len(timeline) > 4 and [e["seq"] for e in timeline if e["trigger"]] == [2, 4]
    assert shown["history"][0]["new_status"] == "new"


def test_a_complete_rerun_marks_what_it_no_longer_finds_and_deletes_nothing(desk_app):
    _, desk = desk_app
    from desk.conftest import finding

    desk.decide(["BP-RETURNS:RX2"], "confirm", "J01", "属实")
    marked = desk.findings_store.reconcile([finding("RX1")], "重新分析未再发现", desk.clock())
    assert marked == ["BP-RETURNS:RX2"]  # same rule, not found again; other rules' findings untouched
    assert desk.findings_store.get("BP-RETURNS:RX2")["status"] == "confirmed"
    assert desk.findings_store.count() == 4


def test_supervision_events_are_append_only_and_signed_by_the_server(desk_app):
    from sqlalchemy.exc import DatabaseError

    app, desk = desk_app
    desk.decide(["BP-RETURNS:RX1"], "confirm", "J01", "属实")
    with app.engine.connect() as connection:
        macs = [row[0] for row in connection.execute(text("SELECT mac FROM supervision_events"))]
    assert macs and all(mac and ":" in mac for mac in macs)
    with pytest.raises(DatabaseError, match="append-only"), app.engine.begin() as connection:
        connection.execute(text("DELETE FROM supervision_events"))


def test_the_findings_count_stops_at_its_cap_and_the_pages_still_go_on(desk_app, monkeypatch):
    from rexian.service import desk as desk_module

    _, desk = desk_app
    every = desk.findings(FindingFilter(), limit=200)
    assert every["total"] >= 2 and not every["capped"]
    monkeypatch.setattr(desk_module, "COUNT_CAP", 1)
    capped = desk.findings(FindingFilter(), limit=1)
    assert capped["capped"] and capped["total"] == 1
    paged = [desk.findings(FindingFilter(), limit=1, offset=n)["items"][0]["finding_key"]
             for n in range(every["total"])]
    assert paged == [f["finding_key"] for f in every["items"]]


def test_the_kept_filter_counts_equal_a_recount_after_adding_updating_and_deciding(desk_app):
    from collections import Counter

    from sqlalchemy import select

    from desk.conftest import finding
    from rexian.adapters import findings_tables as ft
    from rexian.adapters.findings import FindingRepository

    app, desk = desk_app
    store = FindingRepository(app.engine)
    store.upsert([finding("RX1", severity="high"), finding("RX20", family="delay", rule_id="DL-OVERDUE")], "batch",
                 desk.clock_())  # RX1 again with another risk: an update
    desk.decide(["BP-RETURNS:RX2"], "confirm", "J01", "属实")
    desk.decide(["DL-OVERDUE:RX20"], "dismiss", "J01", "已办结")
    with app.engine.connect() as connection:
        rows = connection.execute(select(ft.findings)).all()
    for facet in ft.FACETS:
        recount = Counter(getattr(row, facet) for row in rows)
        assert dict(desk.facets()[facet]) == dict(recount), facet
    assert dict(desk.facets()["status"]) == {"new": len(rows) - 2, "confirmed": 1, "dismissed": 1}


def test_every_reason_in_a_findings_decision_history_is_chinese_even_those_stored_in_english_before(desk_app):
    from sqlalchemy import insert

    from desk.conftest import NOW, finding
    from rexian.adapters import findings_tables as ft
    from rexian.adapters.findings import FindingRepository

    app, desk = desk_app
    store = FindingRepository(app.engine)
    store.upsert([finding("RX9", rule_id="DL-OVERDUE", family="delay")], "scheduled", NOW)
    store.mark_contradicted(["DL-OVERDUE:RX9"], "重新分析未再发现", NOW)
    with app.engine.begin() as connection:  # rows written before the reasons were Chinese
        connection.execute(insert(ft.finding_events), [
            {"finding_key": "DL-OVERDUE:RX9", "at": NOW, "actor_id": None, "old_status": None, "new_status": "new",
             "reason": "detected (realtime)"},
            {"finding_key": "DL-OVERDUE:RX9", "at": NOW, "actor_id": None, "old_status": "new", "new_status": "new",
             "reason": "contradicted: re-run did not find it"}])
    desk.decide(["DL-OVERDUE:RX9"], "confirm", "J01", "逾期属实")

    reasons = [h["reason"] for h in desk.finding("DL-OVERDUE:RX9")["history"]]
    assert reasons == ["系统发现（定时规则）", "被数据推翻：重新分析未再发现", "系统发现（实时规则）",
                       "被数据推翻：re-run did not find it", "逾期属实"]


def test_desk_decisions_read_the_organisation_from_its_cache_until_the_chain_grows(desk_app, monkeypatch):
    """The whole ORG chain is verified once, not at every decision; a supervisor appointed through the chain (in
    any process) decides at the next decision, and one whose role is withdrawn no longer can."""
    from rexian.adapters import repository
    from rexian.service.org_admin import apply_org_changes

    app, desk = desk_app
    verified = []
    real = repository.trusted_rows
    monkeypatch.setattr(repository, "trusted_rows", lambda connection: verified.append(1) or real(connection))
    desk.decide(["BP-RETURNS:RX1"], "confirm", "J01", "属实")
    desk.decide(["BP-RETURNS:RX2"], "dismiss", "J01", "不属实")
    with pytest.raises(NotAllowed):
        desk.decide(["FC-UNRESOLVED:RX4"], "confirm", "H0201", "属实")
    assert len(verified) <= 1  # read from the chain at most once (a cache filled before may serve all three)

    apply_org_changes(app, "X01", [{"type": "person", "id": "H0201", "name": "吴敏", "unit": "D02",
                                    "roles": ["handler", "supervisor"]}])
    before = len(verified)
    desk.decide(["FC-UNRESOLVED:RX4"], "confirm", "H0201", "属实")
    assert len(verified) == before + 1 and desk.finding("FC-UNRESOLVED:RX4")["status"] == "confirmed"
    apply_org_changes(app, "X01", [{"type": "person", "id": "H0201", "name": "吴敏", "unit": "D02",
                                    "roles": ["handler"]}])
    with pytest.raises(NotAllowed):
        desk.decide(["DL-OVERDUE:RX3"], "confirm", "H0201", "属实")


def test_an_order_batch_naming_a_retired_unit_is_refused_whole_and_writes_nothing(desk_app):
    from rexian.domain.errors import MissingField
    from rexian.service.org_admin import apply_org_changes

    app, desk = desk_app
    apply_org_changes(app, "X01", [{"type": "unit", "id": "S09", "name": "原试点街道", "kind": "street", "parent": "G01"}])
    apply_org_changes(app, "X01", [{"type": "unit", "id": "S09", "name": "原试点街道", "kind": "street", "parent": "G01",
                                    "active": False}])
    desk.decide(["BP-RETURNS:RX1"], "confirm", "J01", "属实")
    due = desk.clock() + timedelta(days=3)
    with pytest.raises(MissingField, match="单位已撤销"):
        desk.issue_orders("J01", ["D02", "S09"], due, "限期整改", finding_keys=["BP-RETURNS:RX1"])
    assert desk.orders() == []  # not even the order to D02, and no batch number used
    assert desk.issue_orders("J01", ["D02"], due, "限期整改", finding_keys=["BP-RETURNS:RX1"])[0] == "2026-01"


def test_an_admonition_on_a_clue_whose_findings_name_two_people_is_refused_until_a_person_is_named(desk_app):
    from rexian.domain.errors import MissingField

    _, desk = desk_app
    desk.decide(["BP-RETURNS:RX1", "BP-RETURNS:RX2"], "confirm", "J01", "属实")
    clue_id = desk.open_clue("J01", ["BP-RETURNS:RX1", "BP-RETURNS:RX2"], "两个单位的推诿", unit_id="D02")
    desk.file_case(clue_id, "J01", "初核属实")
    assert desk.clue(clue_id)["person_id"] is None  # H0201 and H0301: no one agreed on

    with pytest.raises(MissingField, match="诫勉谈话”是对个人的处理"):
        desk.record_outcome(clue_id, "J01", "admonition", note="诫勉谈话")

    assert desk.clue(clue_id)["outcomes"] == [] and [e["action"] for e in desk.clue(clue_id)["events"]][-1] == "CaseFiled"
    desk.record_outcome(clue_id, "J01", "admonition", person_id="H0301", note="对承办人诫勉谈话")
    desk.record_outcome(clue_id, "J01", "notice", note="通报单位")
    assert [(o["outcome"], o["person_id"], o["unit_id"]) for o in desk.clue(clue_id)["outcomes"]] == [
        ("admonition", "H0301", "D02"), ("notice", None, "D02")]
