"""One local Spark (local[2]) for the whole session, and one small simulated city written as Parquet.

Without a Java runtime the Spark tests are skipped with the reason, except in CI (CI=true), where
`.ci/run` installs one: there a missing Java is a failure, never a silent skip.
"""

import os
import shutil

import pytest

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

    session = spark_session(SparkOptions(master="local[2]", driver_memory="1g", shuffle_partitions=4),
                            app_name="rexian-tests")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def city_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("spark_city")
    write_files(Simulation(CITY_TICKETS, CITY_SEED), root, formats=("parquet",))
    return root
