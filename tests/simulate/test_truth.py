import json
from collections import Counter

from click.testing import CliRunner

from rexian.cli import main
from rexian.simulate.writers import SCHEMAS
from rexian.analytics.evaluate import KIND_RULES
from rexian.analytics.registry import all_rules
from rexian.simulate.truth import FAMILIES, KINDS


def test_every_rule_family_has_injected_cases_at_two_thousand_tickets(city):
    counts = Counter(item["family"] for item in city.truth)
    assert set(counts) == set(FAMILIES), set(FAMILIES) - set(counts)
    assert all(counts[family] >= 3 for family in FAMILIES), counts


def test_truth_items_name_real_tickets_units_and_people(city):
    tickets = {row["ticket_id"] for row in city.tickets}
    org = city.world.city.organisation
    for item in city.truth:
        assert set(item) == {"family", "kind", "ticket_ids", "agent_id", "unit_id", "person_id", "note"}
        assert KINDS[item["kind"]] == item["family"]
        assert set(item["ticket_ids"]) <= tickets
        assert item["unit_id"] is None or item["unit_id"] in org.units
        assert item["person_id"] is None or item["person_id"] in org.people
        if item["family"] == "unreachable_service":
            assert item["agent_id"] in org.people and not item["ticket_ids"]
        else:
            assert item["ticket_ids"]
        if item["family"] == "repeat_complaint":
            assert len(item["ticket_ids"]) >= 3


def test_the_truth_is_written_apart_from_the_data_files(written):
    directory = written["a"]
    top_level = sorted(path.name for path in directory.iterdir() if path.is_file())
    assert top_level == sorted(f"{table}.{ext}" for table in SCHEMAS for ext in ("csv", "parquet"))
    assert (directory / "truth" / "truth.jsonl").exists()
    for path in directory.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        assert "manufactured_satisfaction" not in text and "forward_no_follow_up" not in text, path.name
        # (kinds that are ordinary words, such as an agent's `idle` status, may appear as data)
        assert not any(kind in text for kind in KINDS if "_" in kind), path.name


def test_the_command_writes_truth_where_it_is_told_and_nowhere_in_the_data(tmp_path):
    out, truth = tmp_path / "data", tmp_path / "secret" / "truth.jsonl"
    result = CliRunner().invoke(main, ["simulate", "--tickets", "120", "--seed", "3", "--out", str(out),
                                       "--truth", str(truth), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir()) == sorted(f"{table}.csv" for table in SCHEMAS)
    items = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines()]
    assert items and {item["family"] for item in items} >= {"unreachable_service"}


def test_text_reports_of_abuse_name_the_accused_unit(city):
    content = {row["ticket_id"]: row["content"] for row in city.tickets}
    names = {unit.unit_id: unit.name for unit in city.world.city.organisation.units.values()}
    reported = [item for item in city.truth if item["family"] in ("hostile_attitude", "graft", "improper_banquet")]
    assert reported
    for item in reported:
        assert names[item["unit_id"]] in content[item["ticket_ids"][0]]


def test_the_command_fills_an_empty_database_that_verifies_and_keeps_the_truth_outside(tmp_path):
    from rexian.adapters.database import make_engine
    from rexian.service.verify import verify_database

    url, truth = f"sqlite:///{tmp_path / 'city.db'}", tmp_path / "truth.jsonl"
    result = CliRunner().invoke(main, ["simulate", "--tickets", "100", "--seed", "2", "--db", url,
                                       "--truth", str(truth)])
    assert result.exit_code == 0, result.output
    assert verify_database(make_engine(url)).intact
    assert truth.read_text(encoding="utf-8").count("\n") >= 4
    again = CliRunner().invoke(main, ["simulate", "--tickets", "100", "--seed", "2", "--db", url,
                                      "--truth", str(truth)])
    assert again.exit_code == 1 and "空数据库" in again.output  # never merged into existing data


def test_every_kind_of_abuse_is_detected_by_some_catalogue_rule():
    rules = all_rules()
    for kind in KINDS:
        assert KIND_RULES[kind], kind
        assert all(rule in rules for rule in KIND_RULES[kind]), kind
        assert {rules[rule].family for rule in KIND_RULES[kind]} == {KINDS[kind]}, kind


def test_the_simulated_city_exercises_the_relational_abuse_kinds(city):
    kinds = Counter(item["kind"] for item in city.truth)
    exercised = {"repeated_returns", "return_pingpong", "return_without_verification", "return_rejected",
                 "closed_unresolved", "instant_closure", "visit_without_call", "boilerplate_reply",
                 "off_topic_reply", "forward_no_follow_up", "overdue", "idle", "long_open", "repeat_complaint",
                 "unsatisfied_visit", "zombie_agent"}
    assert exercised <= set(kinds), exercised - set(kinds)


def test_no_truth_item_is_left_provisional(city):
    assert not any("holds_from" in item for item in city.truth)


def test_a_provisional_item_holds_only_from_its_time_on():
    from datetime import datetime

    from rexian.simulate.truth import settle, truth_item

    item = truth_item("long_open", ["T1"], "U1", None, "open", holds_from=datetime(2026, 2, 1))
    assert settle([item], datetime(2026, 1, 31, 23, 59, 59)) == []
    assert settle([item], datetime(2026, 2, 1)) == [{k: v for k, v in item.items() if k != "holds_from"}]


def test_honest_visits_never_record_satisfied_when_the_matter_returns_within_the_month(city):
    """Only the injected fake visits say 'satisfied' on a matter that comes back within 30 days."""
    from datetime import timedelta

    received = {row["ticket_id"]: (row["place_id"], row["category"], row["received_at"], row["kind"])
                for row in city.tickets}
    later: dict = {}
    for place, category, at, kind in received.values():
        if kind in ("complaint", "report", "request"):
            later.setdefault((place, category), []).append(at)
    faked = {item["ticket_ids"][0] for item in city.truth if item["kind"] == "visit_without_call"}
    visits = [e for e in city.events if e["action"] == "Visited" and e["ticket_id"] not in faked]
    assert visits
    for visit in visits:
        place, category, _, _ = received[visit["ticket_id"]]
        back = any(visit["at"] < at <= visit["at"] + timedelta(days=30) for at in later[(place, category)])
        if back:
            assert visit["payload"]["resolved"] is False, visit["ticket_id"]
