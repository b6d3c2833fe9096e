"""The prepared tables are kept already distributed by ticket (Parquet bucketed by ticket, sorted), so the
per-ticket work of the rules reads them without another shuffle or sort (the profile in docs/scale.md: fewer
stages per rule), and their scans read columns in batches, not row by row as Spark's cache of a table with
strings does (session 13)."""

from rexian.analytics.spark_engine import SparkOptions, from_locations, prepared_events


def _executed_plan(spark, sql: str) -> str:
    frame = spark.sql(sql)
    frame.collect()  # adaptive execution settles the plan only once the query has run
    return frame._jdf.queryExecution().executedPlan().toString()


def _join_plan(spark, sql: str) -> str:
    """The executed plan of a join, broadcasts off (a broadcast would hide how the sides are distributed)."""
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1")
    try:
        plan = _executed_plan(spark, sql)
    finally:
        spark.conf.unset("spark.sql.autoBroadcastJoinThreshold")
    assert "SortMergeJoin" in plan or "ShuffledHashJoin" in plan
    return plan


def _exchanges(plan: str) -> list[str]:
    return [line for line in plan.splitlines() if "Exchange hashpartitioning" in line]


def test_a_per_ticket_aggregation_over_the_prepared_events_needs_no_shuffle(spark, city_dir):
    from_locations([str(city_dir)], spark)
    plan = _executed_plan(spark, "SELECT ticket_id, count(*), max(seq) FROM ev GROUP BY ticket_id")
    assert "Bucketed: true" in plan
    assert _exchanges(plan) == []


def test_joining_events_to_ticket_facts_by_ticket_needs_no_shuffle(spark, city_dir):
    from_locations([str(city_dir)], spark)
    plan = _join_plan(spark, "SELECT e.ticket_id, t.last_seq, e.seq FROM ev e JOIN tk t "
                             "ON e.ticket_id = t.ticket_id AND e.seq < t.last_seq")
    assert _exchanges(plan) == []


def test_the_prepared_events_keep_every_row_and_column(spark, city_dir):
    data = from_locations([str(city_dir)], spark)
    raw = spark.read.parquet(str(city_dir / "events.parquet"))
    assert data.ev.count().execute() == raw.count()
    assert {"ticket_id", "seq", "ts", "action"} <= set(data.ev.columns)


def test_joining_events_on_ticket_and_unit_reuses_the_ticket_distribution(spark, city_dir):
    from_locations([str(city_dir)], spark)
    plan = _join_plan(spark, "SELECT a.ticket_id, a.seq, b.seq FROM ev a JOIN ev b ON a.ticket_id = b.ticket_id "
                             "AND a.actor_unit_id = b.actor_unit_id AND a.seq < b.seq")
    assert _exchanges(plan) == []


def test_a_window_over_each_ticket_by_seq_reads_the_prepared_events_without_a_sort(spark, city_dir):
    """The events are shuffled and sorted by ticket before their payload is parsed and kept one sorted file per
    bucket; `ev` counts as ordered by ticket and seq, so a per-ticket window in event order needs no sort."""
    from_locations([str(city_dir)], spark)
    plan = _executed_plan(spark, "SELECT ticket_id, seq, lag(actor_id) OVER (PARTITION BY ticket_id ORDER BY seq) "
                                 "AS before FROM ev")
    assert "Window" in plan
    assert _exchanges(plan) == []
    assert [line for line in plan.splitlines() if " Sort [" in line] == []


def test_the_events_are_shuffled_before_their_payload_is_parsed(spark, city_dir):
    """The preparation moves the raw rows: the payload's JSON is parsed above the exchange and the sort."""
    raw = spark.read.parquet(str(city_dir / "events.parquet"))
    plan = prepared_events(spark, raw, 2)._jdf.queryExecution().executedPlan().toString()
    parse = plan.index("from_json")
    assert plan.index("Exchange hashpartitioning") > parse
    assert plan.index("Sort [") > parse


def test_the_rules_read_the_prepared_tables_as_column_batches_not_from_the_row_wise_cache(spark, city_dir):
    """Spark's in-memory cache decodes a table with string columns row by row on every scan (some seventy scans
    of `ev` in the rules); the prepared tables are Parquet, read in column batches."""
    from_locations([str(city_dir)], spark)
    for table in ("ev", "tk"):
        plan = _executed_plan(spark, f"SELECT count(*) FROM {table} WHERE ticket_id IS NOT NULL")
        assert "InMemoryTableScan" not in plan
        assert "FileScan parquet" in plan and "Batched: true" in plan


def test_the_prepared_tables_have_as_many_buckets_as_the_run_has_shuffle_partitions(spark, city_dir):
    data = from_locations([str(city_dir)], spark, options=SparkOptions(shuffle_partitions=3))
    try:
        for name in ("ev", "tk"):
            table = f"{data.scratch.run}_{name}"
            described = {row[0].strip(): row[1] for row in spark.sql(f"DESCRIBE EXTENDED `{table}`").collect()}
            assert described["Num Buckets"] == "3"
            assert spark.table(name).rdd.getNumPartitions() == 3
    finally:
        data.close()
