"""Shuffle partitions sized from the input (`spark_engine.size_partitions`) unless given: Spark's default of 200
split a 1 M-event log 200 ways on two cores. A count given stands (`test_analyze_spark.py`, seven)."""

from rexian.analytics.spark_engine import SparkOptions, input_bytes, input_partitions, size_partitions

MB = 1024 * 1024


def test_partitions_grow_with_the_input_in_whole_rounds_of_the_cores():
    assert input_partitions(1 * MB, cores=2, partition_mb=32) == 2  # small: one per core
    assert input_partitions(170 * MB, cores=2, partition_mb=32) == 6  # 5.3 partitions' worth: a sixth, rounded
    assert input_partitions(17 * 1024 * MB, cores=200, partition_mb=32) == 600  # 544 wanted → three rounds
    assert input_partitions(64 * MB, cores=2, partition_mb=32) == 2
    assert input_partitions(65 * MB, cores=2, partition_mb=32) == 4


def test_a_run_without_a_partition_count_takes_it_and_its_read_splits_from_the_input_files(spark, city_dir):
    raw = {"events": spark.read.parquet(str(city_dir / "events.parquet")), "tickets": None}
    size = input_bytes(raw.values())
    path = city_dir / "events.parquet"
    on_disk = path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*.parquet"))
    assert 0.5 * on_disk <= size <= 2 * on_disk  # the files' bytes, as Spark's planner counts them
    partitions = size_partitions(spark, raw, SparkOptions(partition_mb=size / MB / 5.5))
    assert partitions == 6  # 5.5 partitions' worth on two cores
    assert spark.conf.get("spark.sql.shuffle.partitions") == "6"
    assert int(spark.conf.get("spark.sql.files.maxPartitionBytes")) == max(4 * MB, -(-size // 6))
    assert size_partitions(spark, raw, SparkOptions()) == 2  # 32 MB each: one per core
    assert size_partitions(spark, raw, SparkOptions(shuffle_partitions=3, partition_mb=0.001)) == 3
    spark.conf.set("spark.sql.shuffle.partitions", "5")  # as a --spark-conf naming it has set it
    assert size_partitions(spark, raw, SparkOptions(conf=(("spark.sql.shuffle.partitions", "5"),),
                                                    partition_mb=0.001)) == 5
