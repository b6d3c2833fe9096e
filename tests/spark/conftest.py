"""One local Spark (local[2]) for the whole session, and one small simulated city written as Parquet.

Without a Java runtime the Spark tests are skipped with the reason, except in CI (CI=true), where
`.ci/run` installs one: there a missing Java is a failure, never a silent skip.
"""

import os
import shutil

import pytest

from rexian.analytics.config import load_config
from rexian.analytics.engine import run_rules
from rexian.simulate import Simulation
from rexian.simulate.output import write_files

CITY_TICKETS, CITY_SEED = 300, 5


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _java_missing() -> str:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (java not on PATH, JAVA_HOME unset)"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed"
    return ""


@pytest.fixture(scope="session")
def spark():
    reason = _java_missing()
    if reason:
        if _in_ci():
            pytest.fail(f"the Spark tests must run in CI: {reason}")
        pytest.skip(f"Spark tests need Java and PySpark: {reason}")
    from rexian.analytics.spark_engine import SparkOptions, spark_session

    # No shuffle-partition count: each run sizes it from its input (two here, one per core); the CLI test runs
    # the same city with seven.
    session = spark_session(SparkOptions(master="local[2]", driver_memory="1g"),
                            app_name="rexian-tests")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def city_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("spark_city")
    write_files(Simulation(CITY_TICKETS, CITY_SEED), root, formats=("parquet",))
    return root


def _comparable(finding):
    return _comparable_dict(finding.as_dict())


def _comparable_dict(finding):
    """The finding as a dict. The order of collected texts is not defined by either engine (an
    aggregate's `collect` follows no order), so texts compare as a sorted list."""
    return {**finding, "evidence": {**finding["evidence"], "texts": sorted(finding["evidence"]["texts"])}}


@pytest.fixture(scope="session")
def comparable():
    """`_comparable_dict` for tests that read findings back from files."""
    return _comparable_dict


@pytest.fixture(scope="session")
def both(spark, city_dir):
    """(DuckDB's findings, Spark's findings, rules left out on Spark) over the small city, each keyed."""
    from rexian.analytics.analyze import stamp_occurred
    from rexian.analytics.spark_engine import from_locations, run_rules_on_spark
    from rexian.analytics.tables import from_directories

    config = load_config()
    duck_data = from_directories([city_dir])
    duck_found = run_rules(duck_data, config)
    spark_data = from_locations([str(city_dir)], spark, as_of=duck_data.as_of)
    found, left_out = run_rules_on_spark(spark_data, config)
    # When each matter happened, stamped by each engine from its own tables (as a batch run writes it).
    stamp_occurred(duck_data, duck_found)
    stamp_occurred(spark_data, found)
    return ({f.finding_key: _comparable(f) for f in duck_found}, {f.finding_key: _comparable(f) for f in found},
            left_out)
