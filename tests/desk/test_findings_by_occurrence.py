"""The findings list is newest occurrence first (when its matters happened), with or without the default dates — an
imported export's findings all carry one detection time, so an order by detection said nothing there — each page read
off the filter's own index in that order (0019_scale13)."""

from datetime import date, datetime, timedelta

from desk.conftest import finding
from rexian.adapters.findings import FindingRepository, row_to_finding
from rexian.service.desk import Desk, FindingFilter

AS_OF = "2026-04-01T00:00:00"  # one detection time for all, as a batch run over an import stamps them


def _stored(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'occurred.db'}")
    start = datetime(2026, 3, 1, 8)
    found = []
    for n in range(40):
        row = finding(f"RX{n:02d}", unit_id=("D02", "D03")[n % 2], detected_at=AS_OF,
                      rule_id=("BP-RETURNS", "DL-OVERDUE")[n % 3 == 0], family=("buck_passing", "delay")[n % 3 == 0])
        row["occurred_at"] = (start + timedelta(hours=17 * ((n * 7) % 40))).isoformat()  # not in key order
        found.append(row)
    FindingRepository(app.engine).upsert(found, "batch", datetime(2026, 4, 1))
    return Desk(app.engine, lambda: datetime(2026, 4, 1))


def test_a_list_filtered_by_occurrence_dates_is_newest_occurrence_first(make_app, tmp_path):
    desk = _stored(make_app, tmp_path)
    march = FindingFilter(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    items = desk.findings(march, limit=50)["items"]
    times = [f["occurred_at"] for f in items]
    assert len(items) == 40 and times == sorted(times, reverse=True)
    by_detection = desk.findings(FindingFilter(date_from=date(2026, 4, 1), date_to=date(2026, 4, 1),
                                               date_by="detected"), limit=50)["items"]
    assert [f["finding_key"] for f in by_detection] == sorted(f["finding_key"] for f in items)  # as before


def test_a_dated_page_of_one_or_two_filters_is_read_off_a_filters_occurrence_index_and_equals_a_full_sort(
        make_app, tmp_path):
    """(Before 0019_scale13 a dated list with many matches was forced onto the dates' index; that page was checked
    against the planner's. Now each filter's index is in the list's order and the planner reads a page off it.)"""
    from sqlalchemy import select

    from rexian.adapters import findings_tables as ft

    desk = _stored(make_app, tmp_path)
    cases = [FindingFilter(unit_id="D02", date_from=date(2026, 3, 2), date_to=date(2026, 3, 25)),
             FindingFilter(family="delay", status="new", date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)),
             FindingFilter(unit_id="D03", rule_id="BP-RETURNS", date_from=date(2026, 3, 5))]
    with desk.engine.connect() as connection:
        everything = [row_to_finding(row) for row in connection.execute(select(ft.findings))]
        for case in cases:
            page = [f["finding_key"] for f in desk.findings(case, limit=5, offset=3)["items"]]
            matching = [f for f in everything if all(f[name] == getattr(case, name) for name in
                                                     ("unit_id", "family", "status", "rule_id") if getattr(case, name))
                        and case.date_from.isoformat() <= f["occurred_at"][:10] <= (case.date_to or date.max).isoformat()]
            expected = [f["finding_key"] for f in sorted(sorted(matching, key=lambda f: f["finding_key"]),
                                                         key=lambda f: f["occurred_at"], reverse=True)][3:8]
            assert page == expected and page, case
            query = select(ft.findings).where(*case.conditions()).order_by(ft.findings.c.occurred_at.desc(),
                                                                            ft.findings.c.finding_key).limit(5)
            plan = " ".join(row[-1] for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + str(query.compile(desk.engine, compile_kwargs={"literal_binds": True}))))
            assert "_occurred (" in plan and "TEMP B-TREE" not in plan, plan  # a filter's index, no sort


def test_the_list_without_dates_is_newest_occurrence_first_not_one_rules_findings_by_key(make_app, tmp_path):
    desk = _stored(make_app, tmp_path)  # one batch run: one detection time for all, two rules

    for filters in (FindingFilter(), FindingFilter(unit_id="D02"), FindingFilter(family="buck_passing", status="new"),
                    FindingFilter(date_by="detected")):  # the detection's dates asked for without a date: no order
        items = desk.findings(filters, limit=10)["items"]
        times = [f["occurred_at"] for f in items]
        assert len(items) == 10 and times == sorted(times, reverse=True), filters
    first = desk.findings(FindingFilter(), limit=10)["items"]
    assert {f["rule_id"] for f in first} == {"BP-RETURNS", "DL-OVERDUE"}  # before: the first ten BP-RETURNS by key


def test_each_filter_has_an_index_in_the_lists_order_and_no_single_column_copy_of_one(make_app, tmp_path):
    from sqlalchemy import inspect

    app = make_app(f"sqlite:///{tmp_path / 'indexes.db'}")  # migrated to head

    indexes = {index["name"]: index["column_names"] for index in inspect(app.engine).get_indexes("findings")}

    for names in (["unit_id"], ["person_id"], ["rule_id"], ["family"], ["severity"], ["status"],
                  ["unit_id", "severity"], ["family", "status"]):
        assert indexes[f"ix_findings_{'_'.join(names)}_occurred"] == [*names, "occurred_at", "finding_key"]
    assert indexes["ix_findings_occurred_key"] == ["occurred_at", "finding_key"]
    assert not {name for name in indexes if name.endswith("_detected") and name != "ix_findings_detected_key"}
    assert not {"ix_findings_rule", "ix_findings_status", "ix_findings_unit", "ix_findings_family",
                "ix_findings_person", "ix_findings_detected"} & set(indexes)
