"""Fixture logs for forward-without-follow-up, delay and repeat-complaint rules."""

from datetime import datetime, timedelta

from tests.analytics.builder import START, Log

AS_OF = datetime(2026, 3, 31, 9)


def test_ff_no_follow_up_fires_when_a_unit_closes_on_the_subordinates_word_alone():
    log = Log()
    t = log.ticket("T1").dispatch("U1").sign("U1").forward("U1", "S1").forward_report("S1", "U1")
    t.request_closure("U1").approve_closure("U1")
    [finding] = log.findings("FF-NO-FOLLOW-UP")
    assert finding.severity == "high" and finding.person_id == "U1-h"
    assert [e["seq"] for e in finding.evidence["events"]] == [4, 6]


def test_ff_no_follow_up_ignores_a_unit_that_chased_and_checked_before_closing():
    log = Log()
    t = log.ticket("T1").dispatch("U1").sign("U1").forward("U1", "S1").remind("U1", "S1")
    t.forward_report("S1", "U1").contact("U1").request_closure("U1")
    assert log.findings("FF-NO-FOLLOW-UP") == []


def test_ff_no_follow_up_fires_on_a_forward_left_alone_for_days():
    log = Log()
    log.ticket("T1").dispatch("U1").sign("U1").forward("U1", "S1")
    assert [f.severity for f in log.findings("FF-NO-FOLLOW-UP", as_of=AS_OF)] == ["medium"]
    assert log.findings("FF-NO-FOLLOW-UP", as_of=START + timedelta(days=2)) == []


def test_dl_overdue_fires_on_a_closure_requested_after_the_deadline():
    log = Log()
    t = log.ticket("T1").dispatch("U1", due_days=2).sign("U1").contact("U1", after_hours=24 * 3)
    t.request_closure("U1")
    [finding] = log.findings("DL-OVERDUE")
    assert finding.unit_id == "U1" and finding.person_id == "U1-h"
    assert 1 < finding.evidence["values"]["late_days"] < 2


def test_dl_overdue_ignores_a_closure_within_an_approved_extension():
    log = Log()
    t = log.ticket("T1").dispatch("U1", due_days=2).sign("U1").request_extension("U1").approve_extension("U1", days=5)
    t.contact("U1", after_hours=24 * 3).request_closure("U1")
    assert log.findings("DL-OVERDUE") == []


def test_dl_extensions_fires_on_three_extension_requests():
    log = Log()
    t = log.ticket("T1").dispatch("U1").sign("U1")
    for _ in range(3):
        t.request_extension("U1")
    [finding] = log.findings("DL-EXTENSIONS")
    assert finding.evidence["values"]["extensions"] == 3


def test_dl_extensions_ignores_two_extension_requests():
    log = Log()
    log.ticket("T1").dispatch("U1").sign("U1").request_extension("U1").request_extension("U1")
    assert log.findings("DL-EXTENSIONS") == []


def test_dl_idle_fires_on_ten_days_without_any_action_during_handling():
    log = Log()
    log.ticket("T1").dispatch("U1", due_days=30).sign("U1").contact("U1", after_hours=24 * 10).handle("U1")
    [finding] = log.findings("DL-IDLE")
    assert 9.9 < finding.evidence["values"]["idle_days"] < 10.1
    assert finding.unit_id == "U1"


def test_dl_idle_names_the_handler_who_let_the_ticket_lie_not_the_colleague_who_picked_it_up():
    log = Log()
    t = log.ticket("T1").dispatch("U1", due_days=30).sign("U1").contact("U1")
    t.add("ProgressNoted", "U1-other", "U1", after_hours=24 * 10, kind="progress", note="接手后到现场核实")
    [finding] = log.findings("DL-IDLE")
    assert finding.unit_id == "U1" and finding.person_id == "U1-h"


def test_dl_idle_names_the_units_later_handler_when_nobody_had_acted_before_the_gap():
    log = Log()
    t = log.ticket("T1").dispatch("U1", due_days=30)
    t.add("SignedFor", "U1-late", "U1", after_hours=24 * 10)
    [finding] = log.findings("DL-IDLE")
    assert finding.unit_id == "U1" and finding.person_id == "U1-late"


def test_dl_idle_ignores_a_long_wait_for_the_centres_review():
    log = Log()
    t = log.ticket("T1").dispatch("U1").sign("U1").contact("U1").request_closure("U1")
    t.approve_closure("U1", after_hours=24 * 10).visit().close()
    assert log.findings("DL-IDLE") == []


def test_dl_long_open_fires_on_a_ticket_open_for_three_months():
    log = Log()
    log.ticket("T1").dispatch("U1").sign("U1")
    [finding] = log.findings("DL-LONG-OPEN", as_of=datetime(2026, 6, 1))
    assert finding.evidence["values"]["age_days"] > 60


def test_dl_long_open_ignores_a_closed_ticket():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1")
    assert log.findings("DL-LONG-OPEN", as_of=datetime(2026, 6, 1)) == []


def test_rc_repeat_fires_on_three_callers_about_the_same_place_and_problem():
    log = Log()
    for i in range(3):
        log.ticket(f"T{i}", at=START + timedelta(days=20 * i), caller_id=f"C{i}").dispatch("U1")
    [finding] = log.findings("RC-REPEAT")
    assert finding.ticket_ids == ["T0", "T1", "T2"] and finding.finding_key == "RC-REPEAT:P1:noise"


def test_rc_repeat_ignores_three_tickets_spread_over_a_year():
    log = Log()
    for i in range(3):
        log.ticket(f"T{i}", at=START + timedelta(days=100 * i)).dispatch("U1")
    assert log.findings("RC-REPEAT") == []


def test_rc_hotspot_fires_on_ten_tickets_from_ten_callers_about_one_place():
    log = Log()
    for i in range(10):
        log.ticket(f"H{i}", at=START + timedelta(days=i), caller_id=f"C{i}", place_id="PH").dispatch("U1")
    [finding] = log.findings("RC-HOTSPOT")
    assert finding.finding_key == "RC-HOTSPOT:PH:noise" and len(finding.ticket_ids) == 10


def test_rc_hotspot_ignores_one_persistent_caller():
    log = Log()
    for i in range(10):
        log.ticket(f"S{i}", at=START + timedelta(days=i), caller_id="C0", place_id="PS").dispatch("U1")
    assert log.findings("RC-HOTSPOT") == []
    assert len(log.findings("RC-REPEAT")) == 1


def test_dl_idle_blames_the_unit_that_held_the_ticket_during_the_gap():
    log = Log()
    t = log.ticket("T1").dispatch("U1", due_days=30).sign("U1", after_hours=24 * 9)
    t.request_return("U1").approve_return("U2").handle("U2")
    [finding] = log.findings("DL-IDLE")
    assert finding.unit_id == "U1" and finding.person_id == "U1-h"


def test_dl_overdue_judges_each_closure_request_by_the_deadline_in_force_then():
    log = Log()
    t = log.ticket("T1").dispatch("U1", due_days=2).sign("U1").contact("U1", after_hours=24 * 3)
    t.request_closure("U1").reject_closure("U1", due_at=t.now + timedelta(days=3))  # the redo deadline
    t.contact("U1").request_closure("U1")
    [finding] = log.findings("DL-OVERDUE")
    assert finding.evidence["values"]["late_requests"] == 1 and not finding.evidence["values"]["still_open"]


def test_dl_overdue_fires_on_an_open_ticket_past_its_deadline_at_the_analysis_time():
    log = Log()
    log.ticket("T1").dispatch("U1", due_days=2).sign("U1")
    [finding] = log.findings("DL-OVERDUE", as_of=START + timedelta(days=5))
    assert finding.evidence["values"]["still_open"]
    assert log.findings("DL-OVERDUE", as_of=START + timedelta(days=1)) == []


def test_rc_repeat_does_not_count_consultations_about_the_same_place():
    log = Log()
    for i in range(3):
        log.ticket(f"T{i}", at=START + timedelta(days=20 * i), caller_id=f"C{i}",
                   kind="consultation" if i == 1 else "complaint").dispatch("U1")
    assert log.findings("RC-REPEAT") == []


def test_rc_repeat_matches_the_same_caller_and_category_when_the_export_has_no_address():
    log = Log()
    for i in range(3):
        log.ticket(f"T{i}", at=START + timedelta(days=20 * i), caller_id="H-5f2a", place_id=None).dispatch("U1")
    [finding] = log.findings("RC-REPEAT")
    assert finding.ticket_ids == ["T0", "T1", "T2"] and finding.finding_key == "RC-REPEAT:来电人:H-5f2a:noise"


def test_rc_repeat_without_an_address_does_not_join_different_callers_or_categories():
    log = Log()
    for i, (caller, category) in enumerate([("H-1", "noise"), ("H-2", "noise"), ("H-1", "roads")]):
        log.ticket(f"T{i}", at=START + timedelta(days=i), caller_id=caller, category=category,
                   place_id=None).dispatch("U1")
    assert log.findings("RC-REPEAT") == []
