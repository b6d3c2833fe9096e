"""Sideways hand-overs (转办) on Spark: the buck-passing rules give the same findings as on DuckDB (the
simulated city has no hand-overs, so this log of its own carries them)."""

import pytest

from rexian.adapters.interchange_files import TableWriter
from rexian.analytics.config import load_config
from rexian.analytics.engine import run_rules
from rexian.analytics.tables import from_directories
from tests.analytics.builder import Log

BUCK_PASSING = ("BP-PINGPONG", "BP-CYCLE", "BP-NO-VERIFY", "BP-RETURNS", "MS-VISIT-BY-HANDLER", "DL-IDLE")


def _hand_over_log() -> Log:
    log = Log()
    t = log.ticket("H1").dispatch("A").sign("A").hand_over("A", "B", person="A-zhang")
    t.sign("B").hand_over("B", "A").sign("A").handle("A")
    t = log.ticket("H2").dispatch("A").sign("A").contact("A").hand_over("A", "B")
    t.sign("B").contact("B").hand_over("B", "C").sign("C").contact("C").hand_over("C", "A").handle("A")
    log.ticket("H3").dispatch("A").sign("A").progress("A", kind="site_visit").hand_over("A", "B").handle("B")
    return log


@pytest.mark.slow
def test_hand_overs_give_the_same_buck_passing_findings_on_spark_as_on_duckdb(spark, tmp_path, comparable):
    from rexian.analytics.spark_engine import from_locations, run_rules_on_spark

    with TableWriter(tmp_path, formats=("parquet",)) as writer:
        writer.write("events", _hand_over_log().events)
    config = load_config()
    duck_data = from_directories([tmp_path])
    duck = {f.finding_key: comparable(f.as_dict()) for f in run_rules(duck_data, config, only=BUCK_PASSING)}
    found, _ = run_rules_on_spark(from_locations([str(tmp_path)], spark, as_of=duck_data.as_of), config,
                                  only=BUCK_PASSING)
    assert {"BP-PINGPONG:H1", "BP-CYCLE:H2"} <= set(duck)
    assert {f.finding_key: comparable(f.as_dict()) for f in found} == duck
