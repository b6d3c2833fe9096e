"""The citizen's own portal rating (CitizenRated): its rate beside the visit's 满意率, and MS-RATED-UNSATISFIED —
a visit recorded 满意 against the citizen's own 不满意."""

from tests.analytics.builder import Log


def test_ms_rated_unsatisfied_fires_when_the_visit_says_satisfied_and_the_citizen_says_unsatisfied():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", satisfaction="satisfied", by="vis2", unit="CENTRE").rate("unsatisfied")
    [finding] = log.findings("MS-RATED-UNSATISFIED")
    assert (finding.unit_id, finding.person_id, finding.severity) == ("CENTRE", "vis2", "high")
    values = finding.evidence["values"]
    assert (values["recorded_satisfaction"], values["citizen_rating"], values["closure_unit_id"]) == (
        "satisfied", "unsatisfied", "U1")
    visit, rating = 8, 10  # received, dispatched, signed, contacted, progress, closure asked, approved, visit, closed
    assert [e["seq"] for e in finding.evidence["events"]] == [visit, rating]


def test_ms_rated_unsatisfied_is_medium_on_a_basically_satisfied_visit_and_fires_whichever_came_first():
    log = Log()
    t = log.ticket("T1").dispatch("U1").handle("U1", visit=False)
    t.rate("unsatisfied").visit(satisfaction="basically_satisfied")  # the rating before the visit
    [finding] = log.findings("MS-RATED-UNSATISFIED")
    assert finding.severity == "medium"


def test_ms_rated_unsatisfied_ignores_a_citizen_who_agrees_with_the_visit():
    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", satisfaction="satisfied").rate("basically_satisfied")
    log.ticket("T2").dispatch("U1").handle("U1", satisfaction="unsatisfied").rate("unsatisfied")
    log.ticket("T3").dispatch("U1").handle("U1", satisfaction="satisfied")  # no rating: nothing to contradict
    assert log.findings("MS-RATED-UNSATISFIED") == []


def test_ms_rated_unsatisfied_ignores_a_satisfied_visit_superseded_by_an_unsatisfied_one_after_redo():
    log = Log()
    t = log.ticket("T1").dispatch("U1").sign("U1").contact("U1").request_closure("U1").approve_closure("U1")
    t.visit(satisfaction="satisfied").reopen("U1").request_closure("U1").approve_closure("U1")
    t.visit(satisfaction="unsatisfied").close().rate("unsatisfied")
    assert log.findings("MS-RATED-UNSATISFIED") == []


def test_the_citizens_own_rate_counts_portal_ratings_apart_from_the_visits():
    from rexian.analytics.config import load_config
    from rexian.analytics.metrics import compute_metrics

    log = Log()
    log.ticket("T1").dispatch("U1").handle("U1", satisfaction="satisfied").rate("unsatisfied")
    log.ticket("T2").dispatch("U1").handle("U1", satisfaction="satisfied").rate("basically_satisfied")
    log.ticket("T3").dispatch("U1").handle("U1", satisfaction="satisfied")
    table = compute_metrics(log.data(), load_config())
    overall = table[table["scope"] == "全部"].set_index("metric_id")
    own, visits = overall.loc["citizen_rating_rate"], overall.loc["satisfaction_rate"]
    assert (own["numerator"], own["denominator"]) == (1, 2)
    assert (visits["numerator"], visits["denominator"]) == (3, 3)
    assert "门户" in own["formula"]
