"""`rexian train-router` on the simulated city: codes, unit ids, names and the category tree."""

import pytest
from click.testing import CliRunner

from rexian.cli import main
from rexian.text.routing import load_router


@pytest.fixture(scope="module")
def simulated_export(tmp_path_factory):
    directory = tmp_path_factory.mktemp("sim")
    result = CliRunner().invoke(main, ["simulate", "--tickets", "600", "--seed", "3", "--out", str(directory),
                                       "--format", "parquet"])
    assert result.exit_code == 0, result.output
    return directory


def test_training_on_a_simulated_export_learns_codes_and_units_and_shows_their_names(simulated_export, tmp_path):
    out = tmp_path / "router.joblib"
    result = CliRunner().invoke(main, ["train-router", str(simulated_export), "--out", str(out), "--folds", "2"])
    assert result.exit_code == 0, result.output
    for target in ("category", "category_top", "lead_unit"):
        assert f"目标 {target}" in result.output
    assert "02 环境保护" in result.output and "MB" in result.output
    router = load_router(out)
    assert router.targets == ["category", "lead_unit", "category_top"]
    assert router.label_name("0201") == "油烟污染" and router.parents["0201"] == "02"
    assert router.label_name("D02", "lead_unit") == "市生态环境局"
    assert router.suggest("烧烤店油烟直排，熏得没法开窗", k=1, target="category_top")[0][0] == "02"


def test_training_from_simulation_records_the_command_that_reproduces_it(tmp_path):
    out = tmp_path / "router.joblib"
    result = CliRunner().invoke(main, ["train-router", "--from-simulation", "400", "--seed", "2", "--out", str(out),
                                       "--folds", "2"])
    assert result.exit_code == 0, result.output
    router = load_router(out)
    assert router.meta["trained_on"] == "rexian simulate --tickets 400 --seed 2"
    assert "lead_unit" in router.targets and router.label_name("0401") == "拖欠工资"


def test_train_router_needs_exactly_one_source(tmp_path):
    result = CliRunner().invoke(main, ["train-router", "--out", str(tmp_path / "m.joblib")])
    assert result.exit_code != 0 and "--from-simulation" in result.output


def test_training_from_a_database_learns_its_tickets_with_its_organisations_names(tmp_path):
    from rexian.bootstrap import bootstrap
    from rexian.simulate import Simulation, write_database

    url = f"sqlite:///{tmp_path / 'city.db'}"
    write_database(Simulation(500, 4), bootstrap(url).engine)
    out = tmp_path / "router.joblib"
    result = CliRunner().invoke(main, ["train-router", "--db", url, "--out", str(out), "--folds", "2"])
    assert result.exit_code == 0, result.output
    assert "目标 lead_unit" in result.output and "目标 category_top" in result.output
    router = load_router(out)
    assert router.meta["trained_on"].startswith("database sqlite:///")
    assert router.label_name("0201") == "油烟污染" and router.parents["0201"] == "02"


def test_text_eval_misconduct_scores_a_simulated_city_against_its_truth(simulated_export):
    result = CliRunner().invoke(main, ["text-eval", "misconduct", "--simulated", str(simulated_export)])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.output.splitlines()[1:4]}
    assert set(rows) == {"hostile_attitude", "graft", "improper_banquet"}
    for family, (_, truth, found, right, precision, recall) in rows.items():
        assert int(truth) > 0, family  # every family is injected even in a small city
        assert int(right) <= min(int(truth), int(found))
        assert float(precision) >= 0.85 and float(recall) >= 0.85, (family, truth, found, right)
