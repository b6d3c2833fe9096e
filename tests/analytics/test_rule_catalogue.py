"""The rule catalogue itself: documented, configured, covered by fixtures, portable to Spark."""

import re
from pathlib import Path

import ibis
from ibis.config import Config
import pytest

from rexian.analytics.config import load_config
from rexian.analytics.registry import FAMILIES, all_rules
from tests.analytics.builder import Log

HERE = Path(__file__).parent


class _SparkOptions(Config):
    treat_nan_as_null: bool = False
RULES = all_rules()


def test_every_family_of_the_mission_has_at_least_one_rule():
    assert {r.family for r in RULES.values()} == set(FAMILIES)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_has_a_chinese_name_a_docstring_with_its_basis_and_default_parameters(rule_id):
    rule = RULES[rule_id]
    assert re.search(r"[\u4e00-\u9fff]", rule.name_zh)
    assert "Basis:" in rule.doc and "Responsible:" in rule.doc
    assert rule_id in load_config()["rules"]


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_has_a_firing_fixture_and_a_near_miss(rule_id):
    prefix = "test_" + rule_id.lower().replace("-", "_") + "_"
    names = re.findall(r"def (test_\w+)", "".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_rules_*.py")))
    mine = [n for n in names if n.startswith(prefix)]
    assert any("_fires_" in n for n in mine), f"no firing fixture for {rule_id}"
    assert any("_ignores_" in n for n in mine), f"no near miss for {rule_id}"


@pytest.fixture(scope="module")
def small_log_data():
    log = Log()
    log.ticket("T1").dispatch("U1").pass_to("U1", "U2").handle("U2")
    log.call("c1", "ag1", log.events[0]["at"]).seat("ag1", "busy", log.events[0]["at"], 60)
    return log.data()


@pytest.mark.parametrize("rule_id", sorted(r for r in RULES if RULES[r].kind == "relational"))
def test_every_relational_rule_compiles_to_pyspark_sql(rule_id, small_log_data, monkeypatch):
    # The PySpark compiler reads this option, which only exists once the pyspark backend is installed.
    if getattr(ibis.options, "pyspark", None) is None:
        monkeypatch.setattr(ibis.options, "pyspark", _SparkOptions(), raising=False)
    params = load_config()["rules"][rule_id]
    expr = RULES[rule_id].func(small_log_data, params)
    sql = ibis.to_sql(expr, dialect="pyspark")
    assert "SELECT" in sql.upper()


def test_docs_rules_md_is_generated_from_the_current_catalogue():
    from rexian.analytics.catalogue_doc import render

    page = (HERE.parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == render(), "run: PYTHONPATH=src python -m rexian.analytics.catalogue_doc > docs/rules.md"


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_parameter_of_a_rule_is_explained_in_its_doc_text(rule_id):
    params = set(load_config()["rules"][rule_id]) - {"enabled"}
    missing = [name for name in params if f"`{name}`" not in RULES[rule_id].doc]
    assert not missing, f"{rule_id}: parameters not explained in the docstring: {missing}"


@pytest.mark.parametrize("missing, complaint", [
    ({"triggers": None}, "triggers"),
    ({"triggers": ("Dispatched",), "batch_only": "也可批量"}, "exactly one"),
    ({"triggers": ("Sent",)}, "actions of the vocabulary"),
    ({"truth": ()}, "truth_kinds"),
])
def test_a_rule_declared_without_any_of_its_facts_is_refused_at_import(missing, complaint):
    from rexian.analytics.registry import rule

    def fixture_rule(data, p):
        """Fires on everything. Basis: none. Responsible: nobody."""

    declaration = {"triggers": ("Dispatched",), "truth": ("return_pingpong",), **missing}
    declaration = {key: value for key, value in declaration.items() if value is not None}
    with pytest.raises(ValueError, match=complaint):
        rule("BP-PINGPONG", **declaration)(fixture_rule)
    assert RULES["BP-PINGPONG"].func.__name__ == "bp_pingpong"  # the real rule is untouched


def test_a_rule_the_vocabulary_does_not_name_is_refused():
    from rexian.analytics.registry import rule

    with pytest.raises(ValueError, match="vocabulary"):
        rule("XX-NEW", triggers=("Dispatched",), truth=("return_pingpong",))


def test_the_vocabulary_names_exactly_the_registered_rules_with_their_families():
    from rexian.domain.vocabulary import RULES as NAMED

    assert {rule_id: (r.family, r.name_zh) for rule_id, r in RULES.items()} == {
        rule_id: (entry.family, entry.zh) for rule_id, entry in NAMED.items()}


def test_real_time_lists_and_the_evaluation_mapping_are_derived_from_the_declarations():
    from rexian.analytics.evaluate import KIND_RULES
    from rexian.analytics.realtime import BATCH_ONLY, MATTER_RULES, TRIGGERS

    assert set(TRIGGERS) == {r for r in RULES if RULES[r].triggers} and set(BATCH_ONLY) == set(RULES) - set(TRIGGERS)
    assert MATTER_RULES == {"FC-REPEAT-AFTER-CLOSE", "MS-SATISFIED-REPEAT", "RC-REPEAT", "RC-HOTSPOT"}
    assert KIND_RULES["boilerplate_reply"] == ("PR-BOILERPLATE", "PR-IDENTICAL")
    assert KIND_RULES["zombie_agent"] == ("US-FAKE-BUSY", "US-AWAY")
