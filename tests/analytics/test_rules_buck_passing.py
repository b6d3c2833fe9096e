"""Fixture logs for the buck-passing rules: a case that fires and a near miss that does not."""

from tests.analytics.builder import Log


def keys(findings):
    return {f.finding_key for f in findings}


def test_bp_returns_fires_on_four_returns_and_blames_the_unit_that_returned_most():
    log = Log()
    log.ticket("T1").dispatch("U1").pass_to("U1", "U2").pass_to("U2", "U1").pass_to("U1", "U3").pass_to("U3", "U1")
    [finding] = log.findings("BP-RETURNS")
    assert finding.ticket_ids == ["T1"]
    assert finding.unit_id == "U1" and finding.person_id == "U1-h"
    assert finding.evidence["values"]["returns"] == 4
    assert len(finding.evidence["events"]) == 4


def test_bp_returns_ignores_a_ticket_returned_twice():
    log = Log()
    log.ticket("T1").dispatch("U1").pass_to("U1", "U2").pass_to("U2", "U3").handle("U3")
    assert log.findings("BP-RETURNS") == []


def test_bp_returns_threshold_comes_from_the_configuration():
    log = Log()
    log.ticket("T1").dispatch("U1").pass_to("U1", "U2").pass_to("U2", "U3").handle("U3")
    assert keys(log.findings("BP-RETURNS", min_returns=2)) == {"BP-RETURNS:T1"}


def test_bp_pingpong_fires_when_a_ticket_comes_back_to_the_unit_that_returned_it():
    log = Log()
    log.ticket("T1").dispatch("A").pass_to("A", "B").pass_to("B", "A").handle("A")
    [finding] = log.findings("BP-PINGPONG")
    assert finding.unit_id == "A" and finding.person_id == "A-h"
    assert finding.evidence["values"]["other_unit_id"] == "B"


def test_bp_pingpong_ignores_a_chain_through_three_different_units():
    log = Log()
    log.ticket("T1").dispatch("A").pass_to("A", "B").pass_to("B", "C").handle("C")
    assert log.findings("BP-PINGPONG") == []


def test_bp_cycle_fires_on_a_to_b_to_c_to_a():
    log = Log()
    log.ticket("T1").dispatch("A").pass_to("A", "B").pass_to("B", "C").pass_to("C", "A").handle("A")
    [finding] = log.findings("BP-CYCLE")
    assert finding.unit_id == "A"
    assert finding.evidence["values"]["second_unit_id"] == "B"
    assert finding.evidence["values"]["third_unit_id"] == "C"


def test_bp_cycle_ignores_a_to_b_to_c_to_d():
    log = Log()
    log.ticket("T1").dispatch("A").pass_to("A", "B").pass_to("B", "C").pass_to("C", "D").handle("D")
    assert log.findings("BP-CYCLE") == []


def test_bp_no_verify_fires_on_a_return_requested_without_contact_or_site_visit():
    log = Log()
    log.ticket("T1").dispatch("U1").pass_to("U1", "U2", verify=False).handle("U2")
    [finding] = log.findings("BP-NO-VERIFY")
    assert finding.person_id == "U1-h"
    assert finding.finding_key == "BP-NO-VERIFY:T1:4"


def test_bp_no_verify_ignores_a_return_after_the_unit_contacted_the_citizen():
    log = Log()
    log.ticket("T1").dispatch("U1").pass_to("U1", "U2", verify=True).handle("U2")
    assert log.findings("BP-NO-VERIFY") == []


def test_bp_no_verify_does_not_count_a_contact_made_by_another_unit():
    log = Log()
    t = log.ticket("T1").dispatch("U1").sign("U1").contact("U9")
    t.request_return("U1").approve_return("U2")
    assert keys(log.findings("BP-NO-VERIFY")) == {"BP-NO-VERIFY:T1:5"}


def test_bp_rejected_fires_on_a_return_the_centre_rejected():
    log = Log()
    log.ticket("T1").dispatch("U1").sign("U1").contact("U1").request_return("U1", person="U1-x").reject_return("U1")
    [finding] = log.findings("BP-REJECTED")
    assert finding.person_id == "U1-x" and finding.unit_id == "U1"


def test_bp_rejected_ignores_an_approved_return():
    log = Log()
    log.ticket("T1").dispatch("U1").pass_to("U1", "U2").handle("U2")
    assert log.findings("BP-REJECTED") == []


def test_bp_pingpong_sees_a_b_b_a_as_a_ping_pong_and_names_who_let_it_go_from_a():
    log = Log()
    t = log.ticket("T1").dispatch("A").sign("A")
    t.add("ProgressNoted", "A-zhang", "A", kind="progress").dispatch("B").dispatch("B").dispatch("A")
    [finding] = log.findings("BP-PINGPONG")
    assert (finding.unit_id, finding.person_id) == ("A", "A-zhang")
    assert finding.evidence["values"]["other_unit_id"] == "B"


def test_bp_pingpong_ignores_a_unit_dispatched_twice_in_a_row_then_moved_on():
    log = Log()
    log.ticket("T1").dispatch("A").dispatch("A").dispatch("B").dispatch("B").sign("B")
    assert log.findings("BP-PINGPONG") == [] and log.findings("BP-CYCLE") == []


def test_bp_cycle_sees_a_revisit_after_four_other_units_and_names_the_passer():
    log = Log()
    t = log.ticket("T1").dispatch("A").sign("A")
    for unit, nxt in (("A", "B"), ("B", "C"), ("C", "D"), ("D", "E"), ("E", "A")):
        t.pass_to(unit, nxt)
    [finding] = log.findings("BP-CYCLE")
    assert (finding.unit_id, finding.person_id) == ("A", "A-h")
    assert finding.evidence["values"]["units_between"] == 4
    assert log.findings("BP-PINGPONG") == []


def test_bp_cycle_ignores_five_different_units_in_a_row():
    log = Log()
    t = log.ticket("T1").dispatch("A")
    for unit, nxt in (("A", "B"), ("B", "C"), ("C", "D"), ("D", "E")):
        t.pass_to(unit, nxt)
    assert log.findings("BP-CYCLE") == []


def test_every_buck_passing_bounce_names_a_person_when_the_unit_acted_on_the_ticket():
    log = Log()
    log.ticket("T1").dispatch("A").sign("A").dispatch("B").sign("B").dispatch("A")
    [finding] = log.findings("BP-PINGPONG")
    assert finding.person_id == "A-h"


# --- sideways hand-overs (转办) between peer units -------------------------------------------------------
def test_bp_pingpong_fires_on_peers_handing_a_ticket_back_and_forth_and_names_who_handed_it_over():
    log = Log()
    t = log.ticket("T1").dispatch("A").sign("A").hand_over("A", "B", person="A-zhang")
    t.sign("B").hand_over("B", "A").sign("A").handle("A")
    [finding] = log.findings("BP-PINGPONG")
    assert (finding.ticket_ids, finding.unit_id, finding.person_id) == (["T1"], "A", "A-zhang")
    assert finding.evidence["values"]["other_unit_id"] == "B"
    assert finding.evidence["values"]["person_basis"] == "平级转办"


def test_bp_pingpong_ignores_a_forward_down_and_its_report_back():
    log = Log()
    log.ticket("T1").dispatch("A").sign("A").forward("A", "A1").forward_report("A1", "A").handle("A")
    assert log.findings("BP-PINGPONG") == [] and log.findings("BP-CYCLE") == []


def test_bp_cycle_fires_on_hand_overs_a_to_b_to_c_and_back_to_a():
    log = Log()
    t = log.ticket("T1").dispatch("A").sign("A").contact("A").hand_over("A", "B", person="A-li")
    t.sign("B").contact("B").hand_over("B", "C").sign("C").contact("C").hand_over("C", "A").handle("A")
    [finding] = log.findings("BP-CYCLE")
    assert (finding.unit_id, finding.person_id) == ("A", "A-li")
    assert finding.evidence["values"]["second_unit_id"] == "B"
    assert finding.evidence["values"]["third_unit_id"] == "C"


def test_bp_cycle_ignores_a_single_hand_over_chain_through_distinct_peers():
    log = Log()
    log.ticket("T1").dispatch("A").sign("A").hand_over("A", "B").sign("B").hand_over("B", "C").handle("C")
    assert log.findings("BP-CYCLE") == [] and log.findings("BP-PINGPONG") == []


def test_bp_no_verify_fires_on_a_hand_over_without_any_check_and_names_who_handed_it_over():
    log = Log()
    log.ticket("T1").dispatch("A").sign("A").hand_over("A", "B", person="A-wang").handle("B")
    [finding] = log.findings("BP-NO-VERIFY")
    assert (finding.unit_id, finding.person_id) == ("A", "A-wang")
    assert finding.evidence["values"]["passed_as"] == "平级转办"


def test_bp_no_verify_ignores_a_hand_over_after_a_site_visit():
    log = Log()
    log.ticket("T1").dispatch("A").sign("A").progress("A", kind="site_visit").hand_over("A", "B").handle("B")
    assert log.findings("BP-NO-VERIFY") == []


def test_a_return_after_a_hand_over_is_judged_from_the_hand_over_not_the_dispatch():
    log = Log()
    t = log.ticket("T1").dispatch("B").sign("B").contact("B").hand_over("B", "A")
    t.sign("A").request_return("A")  # A checked nothing since the ticket reached it, B's contact does not count
    [finding] = [f for f in log.findings("BP-NO-VERIFY") if f.unit_id == "A"]
    assert finding.person_id == "A-h" and finding.evidence["values"]["passed_as"] == "申请退单"
