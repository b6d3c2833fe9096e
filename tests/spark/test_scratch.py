"""The run's prepared `ev` and `tk` are written to a scratch location (`spark_engine.Scratch`) and removed with
the run: the catalog tables that name them and their directory."""

from types import SimpleNamespace

import pytest

from rexian.analytics.spark_engine import Scratch, ScratchNeeded, SparkOptions, from_locations


def _catalog_tables(spark) -> set[str]:
    return {row.tableName for row in spark.sql("SHOW TABLES").collect() if not row.isTemporary}


def test_closing_a_run_drops_its_prepared_tables_and_deletes_their_files(spark, city_dir, tmp_path):
    given = tmp_path / "scratch"
    data = from_locations([str(city_dir)], spark, options=SparkOptions(scratch=given.as_uri()))
    run = data.scratch.run
    assert {f"{run}_ev", f"{run}_tk"} <= _catalog_tables(spark)
    assert sorted(p.name for p in (given / run).iterdir()) == ["ev", "tk"]
    assert data.ev.count().execute() > 0
    data.close()
    assert not {f"{run}_ev", f"{run}_tk"} & _catalog_tables(spark)
    assert list(given.iterdir()) == []  # the run's own directory gone, the location given left in place
    data.close()  # twice is harmless


def test_without_a_scratch_setting_a_local_run_writes_under_the_directory_named_and_removes_it(
        spark, city_dir, tmp_path):
    local = tmp_path / "out" / ".spark-scratch"
    data = from_locations([str(city_dir)], spark, options=SparkOptions(local_scratch=str(local)))
    assert (local / data.scratch.run / "ev").is_dir()
    data.close()
    assert not local.exists()


def test_a_cluster_run_without_a_scratch_location_is_refused_naming_the_setting():
    on_yarn = SimpleNamespace(sparkContext=SimpleNamespace(master="yarn"))
    with pytest.raises(ScratchNeeded, match="spark_scratch"):
        Scratch.open(on_yarn, SparkOptions())
    given = Scratch.open(on_yarn, SparkOptions(scratch="hdfs:///tmp/rexian/"))
    assert given.location == f"hdfs:///tmp/rexian/{given.run}"
    given.removed = True  # nothing was written: nothing to remove on a cluster that is not there
