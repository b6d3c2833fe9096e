"""Fixture logs for false closure, manufactured satisfaction and dissatisfaction."""

from datetime import datetime, timedelta

from tests.analytics.builder import START, Log

LATER = datetime(2026, 3, 20, 9)


def test_fc_unresolved_fires_when_the_visit_says_unresolved_and_blames_the_closure_requester():
    log = Log()
    t = log.ticket("T1").dispatch("U1").sign("U1").contact("U1")
    t.request_closure("U1").approve_closure("U1").visit(resolved=False, satisfaction="basically_satisfied")
    [finding] = log.findings("FC-UNRESOLVED")
    assert (finding.unit_id, finding.person_id) == ("U1", "U1-h")
    assert {"ticket_id": "T1", "seq": 5} in finding.evidence["events"]
    assert finding.severity == "medium"


def test_fc_unresolved_ignores_a_resolved_visit():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", resolved=True, satisfaction="unsatisfied")
    assert log.findings("FC-UNRESOLVED") == []


def test_ds_unsatisfied_fires_high_when_the_citizen_is_unsatisfied_again_after_redo():
    log = Log()
    t = log.ticket("T1").dispatch("U1").sign("U1").contact("U1").request_closure("U1").approve_closure("U1")
    t.visit(satisfaction="unsatisfied").reopen("U1").request_closure("U1").approve_closure("U1")
    t.visit(satisfaction="unsatisfied").close()
    [finding] = log.findings("DS-UNSATISFIED")
    assert finding.severity == "high" and finding.evidence["values"]["bad_visits"] == 2


def test_ds_unsatisfied_ignores_basically_satisfied():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", satisfaction="basically_satisfied")
    assert log.findings("DS-UNSATISFIED") == []


def test_fc_repeat_after_close_fires_when_the_same_place_and_problem_returns_without_satisfaction():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", satisfaction="unsatisfied", resolved=True)
    log.ticket("T2", at=LATER, caller_id="C9").dispatch("U1")
    [finding] = log.findings("FC-REPEAT-AFTER-CLOSE")
    assert finding.ticket_ids == ["T1", "T2"] and finding.finding_key == "FC-REPEAT-AFTER-CLOSE:T1"
    assert finding.person_id == "U1-h"


def test_fc_repeat_after_close_ignores_a_different_place_or_a_late_return():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", satisfaction="unsatisfied")
    log.ticket("T2", at=LATER, place_id="P2").dispatch("U1")
    log.ticket("T3", at=datetime(2026, 6, 1)).dispatch("U1")
    assert log.findings("FC-REPEAT-AFTER-CLOSE") == []


def test_fc_repeat_after_close_fires_when_the_visit_could_not_reach_the_citizen_or_heard_unresolved():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", satisfaction=None, resolved=None, reached=False)
    log.ticket("T2", at=LATER).dispatch("U1")
    log.ticket("T3", place_id="P3").dispatch("U1").handle("U1", satisfaction=None, resolved=False)
    log.ticket("T4", at=LATER, place_id="P3").dispatch("U1")
    log.ticket("T5", place_id="P5").dispatch("U1").handle("U1", visit=False)
    log.ticket("T6", at=LATER, place_id="P5").dispatch("U1")
    assert sorted(f.ticket_ids[0] for f in log.findings("FC-REPEAT-AFTER-CLOSE")) == ["T1", "T3", "T5"]


def test_fc_repeat_after_close_ignores_a_visit_whose_satisfaction_is_unknown():
    # An imported visit whose result cell could not be read (or held no satisfaction): the citizen may well have
    # been satisfied, so the matter coming back is not judged as a false closure (nor as manufactured satisfaction).
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", satisfaction=None, resolved=None, outcome_unread="还行吧")
    log.ticket("T2", at=LATER).dispatch("U1")
    log.ticket("T3", place_id="P3").dispatch("U1").handle("U1", satisfaction=None, resolved=True)
    log.ticket("T4", at=LATER, place_id="P3").dispatch("U1")
    assert log.findings("FC-REPEAT-AFTER-CLOSE") == []
    assert log.findings("MS-SATISFIED-REPEAT") == []


def test_ms_satisfied_repeat_fires_when_a_satisfied_matter_comes_back():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", satisfaction="satisfied")
    log.ticket("T2", at=LATER).dispatch("U1")
    [finding] = log.findings("MS-SATISFIED-REPEAT")
    assert finding.ticket_ids == ["T1", "T2"]
    assert log.findings("FC-REPEAT-AFTER-CLOSE") == []


def test_ms_satisfied_repeat_ignores_a_satisfied_matter_that_stays_solved():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", satisfaction="satisfied")
    log.ticket("T2", at=LATER, category="road").dispatch("U1")
    assert log.findings("MS-SATISFIED-REPEAT") == []


def test_ms_satisfied_repeat_sees_the_category_the_dispatcher_set_on_an_uncategorised_ticket():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", satisfaction="satisfied")
    log.ticket("T2", at=LATER, category=None).dispatch("U1", category="noise")
    [finding] = log.findings("MS-SATISFIED-REPEAT")
    assert finding.ticket_ids == ["T1", "T2"]


def test_ms_satisfied_repeat_follows_the_dispatcher_correcting_a_category_to_another_matter():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", satisfaction="satisfied")
    log.ticket("T2", at=LATER).dispatch("U1", category="road")
    assert log.findings("MS-SATISFIED-REPEAT") == []


def test_fc_no_evidence_fires_on_a_closure_without_evidence_or_contact():
    log = Log()
    log.ticket("T1").dispatch("U1").sign("U1").request_closure("U1", evidence=[]).approve_closure("U1")
    [finding] = log.findings("FC-NO-EVIDENCE")
    assert finding.severity == "high" and finding.finding_key == "FC-NO-EVIDENCE:T1:4"


def test_fc_no_evidence_ignores_a_closure_with_photos_after_a_citizen_contact():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1")
    assert log.findings("FC-NO-EVIDENCE") == []


def test_fc_rejected_closures_fires_on_two_rejections():
    log = Log()
    t = log.ticket("T1").dispatch("U1").sign("U1").contact("U1")
    t.request_closure("U1").reject_closure("U1").request_closure("U1").reject_closure("U1")
    [finding] = log.findings("FC-REJECTED-CLOSURES")
    assert finding.evidence["values"]["rejected"] == 2 and finding.person_id == "U1-h"


def test_fc_rejected_closures_ignores_a_single_rejection():
    log = Log()
    t = log.ticket("T1").dispatch("U1").sign("U1").contact("U1")
    t.request_closure("U1").reject_closure("U1").request_closure("U1").approve_closure("U1")
    assert log.findings("FC-REJECTED-CLOSURES") == []


def test_fc_instant_fires_on_a_closure_requested_minutes_after_receipt_with_no_handling():
    log = Log()
    log.ticket("T1").dispatch("U1", after_hours=0.1).sign("U1", after_hours=0.1).request_closure(
        "U1", after_hours=0.1)
    [finding] = log.findings("FC-INSTANT")
    assert finding.evidence["values"]["minutes"] <= 30


def test_fc_instant_ignores_a_quick_closure_with_a_site_visit_recorded():
    log = Log()
    log.ticket("T1").dispatch("U1", after_hours=0.1).progress("U1", kind="site_visit", after_hours=0.1).request_closure(
        "U1", after_hours=0.1)
    assert log.findings("FC-INSTANT") == []


def test_ms_visit_no_call_fires_on_a_phone_visit_with_no_answered_call():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", call_id="ghost")
    log.call("real", "vis1", datetime(2026, 3, 3, 9), direction="out")
    [finding] = log.findings("MS-VISIT-NO-CALL")
    assert finding.person_id == "vis1" and finding.severity == "high"


def test_ms_visit_no_call_ignores_a_visit_backed_by_an_answered_call():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", call_id="real")
    log.call("real", "vis1", datetime(2026, 3, 3, 9), direction="out")
    assert log.findings("MS-VISIT-NO-CALL") == []


def _visit_naming_no_call(log):
    """A ticket whose phone visit names no call; returns the visit's time."""
    log.ticket("T1").dispatch("U1").handle("U1")
    return next(event["at"] for event in log.events if event["action"] == "Visited")


def test_ms_visit_no_call_fires_when_a_visit_naming_no_call_has_only_a_late_or_inbound_call_on_its_ticket():
    log = Log()
    visited = _visit_naming_no_call(log)
    log.call("late", "vis1", visited + timedelta(hours=30), direction="out", ticket_id="T1")
    log.call("in", "vis1", visited, direction="in", ticket_id="T1")
    log.call("other", "vis1", visited, direction="out", ticket_id="T9")
    [finding] = log.findings("MS-VISIT-NO-CALL")
    assert finding.ticket_ids == ["T1"] and finding.person_id == "vis1"


def test_ms_visit_no_call_ignores_a_visit_naming_no_call_with_an_answered_outbound_call_on_its_ticket_that_day():
    log = Log()
    visited = _visit_naming_no_call(log)
    log.call("late", "vis1", visited + timedelta(hours=30), direction="out", ticket_id="T1")
    log.call("near", "vis1", visited - timedelta(hours=2), direction="out", ticket_id="T1")
    assert log.findings("MS-VISIT-NO-CALL") == []


def test_ms_visit_no_call_counts_an_unanswered_call_only_for_a_visit_that_did_not_reach_the_citizen():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", call_id="tried", reached=False, satisfaction=None, resolved=None)
    log.ticket("T2", place_id="P2").dispatch("U1").handle("U1", call_id="tried2")
    log.call("tried", "vis1", START, wait_seconds=None, direction="out")
    log.call("tried2", "vis1", START, wait_seconds=None, direction="out")
    assert [f.ticket_ids for f in log.findings("MS-VISIT-NO-CALL")] == [["T2"]]


def test_ms_visit_no_call_does_not_judge_a_visit_made_before_the_call_records_begin():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", call_id="ghost")
    log.call("later", "vis1", datetime(2026, 3, 20, 9), direction="out")
    assert log.findings("MS-VISIT-NO-CALL") == []


def test_ms_visit_no_call_still_judges_a_visit_inside_the_period_the_call_records_cover():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", call_id="ghost")
    log.call("before", "vis1", datetime(2026, 3, 1, 9), direction="out")
    log.call("after", "vis1", datetime(2026, 3, 20, 9), direction="out")
    [finding] = log.findings("MS-VISIT-NO-CALL")
    assert finding.ticket_ids == ["T1"] and finding.person_id == "vis1"


def test_ms_visit_no_call_does_not_run_without_a_calls_table():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", call_id="ghost")
    assert log.findings("MS-VISIT-NO-CALL") == []


def test_ms_visit_by_handler_fires_when_the_handling_unit_visits_itself():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", by="U1-h", unit="U1")
    [finding] = log.findings("MS-VISIT-BY-HANDLER")
    assert (finding.unit_id, finding.person_id) == ("U1", "U1-h")


def test_ms_visit_by_handler_ignores_a_visit_by_the_centre():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", by="vis1", unit="CENTRE")
    assert log.findings("MS-VISIT-BY-HANDLER") == []


def _unit_with_repeats(log, repeats: int):
    for i in range(4):
        log.ticket(f"T{i}", place_id=f"P{i}").dispatch("U1").handle("U1", satisfaction="satisfied")
    for i in range(repeats):
        log.ticket(f"R{i}", at=LATER, place_id=f"P{i}").dispatch("U2")


def test_ms_rate_mismatch_fires_on_full_satisfaction_with_many_repeats():
    log = Log()
    _unit_with_repeats(log, repeats=2)
    [finding] = log.findings("MS-RATE-MISMATCH", min_tickets=4)
    assert finding.unit_id == "U1" and finding.person_id is None
    assert finding.evidence["values"]["repeat_rate"] == 0.5
    assert finding.ticket_ids == ["T0", "T1"]


def test_ms_rate_mismatch_ignores_a_unit_whose_matters_stay_solved():
    log = Log()
    _unit_with_repeats(log, repeats=0)
    assert log.findings("MS-RATE-MISMATCH", min_tickets=4) == []


def test_fc_instant_fires_on_a_closure_minutes_after_signing_with_only_a_token_contact():
    log = Log()
    log.ticket("T1").dispatch("U1", after_hours=1).sign("U1", after_hours=3).contact(
        "U1", after_hours=0.1).request_closure("U1", after_hours=0.2)
    [finding] = log.findings("FC-INSTANT")
    assert finding.person_id == "U1-h" and finding.evidence["values"]["minutes"] <= 30


def test_fc_instant_ignores_a_closure_long_after_the_unit_signed_for_the_ticket():
    log = Log()
    log.ticket("T1").dispatch("U1").sign("U1").contact("U1", after_hours=2).request_closure("U1", after_hours=2)
    assert log.findings("FC-INSTANT") == []


def test_ms_satisfied_repeat_ignores_a_later_consultation_about_the_same_place():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", satisfaction="satisfied")
    log.ticket("T2", at=LATER, kind="consultation")
    assert log.findings("MS-SATISFIED-REPEAT") == []


def _from_source(log, source):
    for event in log.events:
        event["source"] = source
    return log


def test_fc_no_evidence_fires_on_an_imported_source_that_records_evidence_when_a_closure_lacks_it():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1")  # this source records contacts and evidence
    log.ticket("T2").dispatch("U1").sign("U1").request_closure("U1", evidence=[]).approve_closure("U1")
    [finding] = _from_source(log, "cityA").findings("FC-NO-EVIDENCE")
    assert finding.ticket_ids == ["T2"]


def test_fc_no_evidence_cannot_judge_an_imported_source_whose_export_has_no_evidence_or_contacts():
    log = Log()
    for ticket_id in ("T1", "T2"):
        log.ticket(ticket_id).dispatch("U1").sign("U1").request_closure("U1", evidence=[]).approve_closure("U1")
    assert _from_source(log, "cityA").findings("FC-NO-EVIDENCE") == []
