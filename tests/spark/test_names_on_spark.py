"""`rexian analyze --engine spark` names people by the rule every path uses (issue 14): the events' written names are
grouped in Spark SQL over the raw events, and the people file read beside them wins."""

import pandas as pd

from rexian.analytics.outputs import names_in
from rexian.analytics.spark_engine import _small_table


def test_the_spark_run_names_people_from_the_events_written_names_and_the_people_file(spark, tmp_path):
    events = pd.DataFrame({"ticket_id": ["T1"] * 5, "actor_id": ["1101", "1101", "0101", "0201", None],
                           "payload": ['{"actor_name": "张伟"}', '{"actor_name": "张伟", "note": "x"}',
                                       '{"actor_name": "王芳"}', '{"note": "已办结"}', '{"actor_name": "无人"}']})
    spark.createDataFrame(events).createOrReplaceTempView("raw_events")
    folder = tmp_path / "city"
    folder.mkdir()
    pd.DataFrame({"person_id": ["0101"], "name": ["王芳芳"], "unit_id": ["U1"], "roles": ["dispatcher"],
                  "phone": [None]}).to_parquet(folder / "people.parquet")

    class OnSpark:  # what names_in reads of a SparkData: its session
        pass

    OnSpark.spark = spark
    people = _small_table(spark, [str(folder)], "people")
    assert _small_table(spark, [str(folder)], "roster") is None
    assert names_in(OnSpark(), None, people) == {"1101": "张伟", "0101": "王芳芳"}
