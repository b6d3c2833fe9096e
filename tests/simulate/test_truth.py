import json
from collections import Counter

from click.testing import CliRunner

from rexian.cli import main
from rexian.simulate.writers import SCHEMAS
from rexian.simulate.truth import FAMILIES


def test_every_rule_family_has_injected_cases_at_two_thousand_tickets(city):
    counts = Counter(item["family"] for item in city.truth)
    assert set(counts) == set(FAMILIES), set(FAMILIES) - set(counts)
    assert all(counts[family] >= 3 for family in FAMILIES), counts


def test_truth_items_name_real_tickets_units_and_people(city):
    tickets = {row["ticket_id"] for row in city.tickets}
    org = city.world.city.organisation
    for item in city.truth:
        assert set(item) == {"family", "ticket_ids", "agent_id", "unit_id", "person_id", "note"}
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
