"""`rexian analyze --engine spark` end to end, with another shuffle-partition count than the parity run."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from rexian.cli import main


@pytest.mark.slow
def test_analyze_on_spark_with_seven_partitions_writes_the_parity_findings_partitioned_by_month(
        spark, city_dir, both, comparable, tmp_path):
    out = tmp_path / "out"
    tables_before = _catalog_tables(spark)
    result = CliRunner().invoke(main, ["analyze", str(city_dir), "--engine", "spark", "--partitions", "7",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    # The person's name beside the id (issue 14): the city's people file names them, on Spark as on DuckDB.
    people = pd.read_parquet(city_dir / "people.parquet")
    names = dict(zip(people["person_id"], people["name"]))
    assert any(f.get("person_name") for f in records)
    assert all(f.get("person_name") == names.get(f["person_id"]) for f in records if f.get("person_id"))
    found = {f["finding_key"]: comparable({k: v for k, v in f.items() if k != "person_name"}) for f in records}
    _duck, on_spark, _left_out = both
    assert found == on_spark
    partitioned = [json.loads(line) for path in sorted((out / "findings").glob("month=*/part.jsonl"))
                   for line in path.read_text(encoding="utf-8").splitlines()]
    assert sorted(f["finding_key"] for f in partitioned) == sorted(found)
    assert len(list((out / "findings").glob("month=*"))) >= 3
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["engine"] == "spark" and summary["findings"] == len(found)
    assert summary["spark_shuffle_partitions"] == 7  # the tables' buckets follow: test_prepared_layout.py
    assert (out / "metrics.csv").stat().st_size > 0
    # The prepared tables (Parquet bucketed by ticket, under the output by default) are gone with the run.
    assert not (out / ".spark-scratch").exists()
    assert _catalog_tables(spark) == tables_before


def _catalog_tables(spark) -> set[str]:
    return {row.tableName for row in spark.sql("SHOW TABLES").collect() if not row.isTemporary}
