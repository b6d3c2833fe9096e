"""MS-RATED-UNSATISFIED in real time: the citizen's own 不满意 on the portal, after a visit recorded 满意, is found as the
rating is committed, and the same finding as the batch run's."""

from realtime.parity import batch_findings, comparable
from realtime.lives import closed_after_visit

from rexian.adapters.findings import FindingRepository
from rexian.domain import commands as c


def test_the_citizens_unsatisfied_rating_after_a_satisfied_visit_is_found_as_it_is_committed(realtime_app):
    contradicted = closed_after_visit(realtime_app, "satisfied")
    agreeing = closed_after_visit(realtime_app, "basically_satisfied")
    assert realtime_app.ticket(contradicted).status == "closed"
    realtime_app.handle(c.Rate(actor_id=None, ticket_id=contradicted, rating="unsatisfied"))
    realtime_app.handle(c.Rate(actor_id=None, ticket_id=agreeing, rating="satisfied"))  # the near miss

    key = f"MS-RATED-UNSATISFIED:{contradicted}"
    emitted = {change["finding_key"] for change in realtime_app.emitted
               if change["finding_key"].startswith("MS-RATED-UNSATISFIED:")}
    assert emitted == {key}
    stored = FindingRepository(realtime_app.engine).get(key)
    assert (stored["unit_id"], stored["person_id"], stored["severity"]) == ("C00", "V01", "high")
    batch = {k: f for k, f in batch_findings(realtime_app.engine).items() if f["rule_id"] == "MS-RATED-UNSATISFIED"}
    assert set(batch) == {key} and comparable(stored) == comparable(batch[key])
