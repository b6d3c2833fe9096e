"""The prepared tables are cached already distributed by ticket, so the per-ticket work of the rules reads
them without another shuffle (the profile in docs/scale.md: fewer stages per rule)."""

from rexian.analytics.spark_engine import from_locations


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


def _exchanges_above_cache(plan: str) -> list[str]:
    """Exchanges of the query itself: the plan text repeats the cached table's own (that ran once)."""
    own = plan.split("InMemoryRelation")[0]
    return [line for line in own.splitlines() if "Exchange hashpartitioning" in line]


def test_a_per_ticket_aggregation_over_the_cached_events_needs_no_shuffle(spark, city_dir):
    from_locations([str(city_dir)], spark)
    plan = _executed_plan(spark, "SELECT ticket_id, count(*), max(seq) FROM ev GROUP BY ticket_id")
    assert "InMemoryTableScan" in plan
    assert _exchanges_above_cache(plan) == []


def test_joining_events_to_ticket_facts_by_ticket_needs_no_shuffle(spark, city_dir):
    from_locations([str(city_dir)], spark)
    plan = _join_plan(spark, "SELECT e.ticket_id, t.last_seq, e.seq FROM ev e JOIN tk t "
                             "ON e.ticket_id = t.ticket_id AND e.seq < t.last_seq")
    assert _exchanges_above_cache(plan) == []


def test_the_cached_events_keep_every_row_and_column(spark, city_dir):
    data = from_locations([str(city_dir)], spark)
    raw = spark.read.parquet(str(city_dir / "events.parquet"))
    assert data.ev.count().execute() == raw.count()
    assert {"ticket_id", "seq", "ts", "action"} <= set(data.ev.columns)


def test_joining_events_on_ticket_and_unit_reuses_the_ticket_distribution(spark, city_dir):
    from_locations([str(city_dir)], spark)
    plan = _join_plan(spark, "SELECT a.ticket_id, a.seq, b.seq FROM ev a JOIN ev b ON a.ticket_id = b.ticket_id "
                             "AND a.actor_unit_id = b.actor_unit_id AND a.seq < b.seq")
    assert _exchanges_above_cache(plan) == []


def test_a_window_over_each_ticket_by_seq_reads_the_cached_events_without_a_sort(spark, city_dir):
    """The events are shuffled and sorted by ticket before their payload is parsed; the cached `ev` still
    counts as ordered by ticket and seq, so a per-ticket window in event order needs no sort of its own."""
    from_locations([str(city_dir)], spark)
    plan = _executed_plan(spark, "SELECT ticket_id, seq, lag(actor_id) OVER (PARTITION BY ticket_id ORDER BY seq) "
                                 "AS before FROM ev")
    own = plan.split("InMemoryRelation")[0]
    assert "Window" in own
    assert _exchanges_above_cache(plan) == []
    assert [line for line in own.splitlines() if " Sort [" in line] == []


def test_the_events_are_shuffled_before_their_payload_is_parsed(spark, city_dir):
    """The cached plan moves the raw rows: the payload's JSON is parsed above the exchange and the sort."""
    from_locations([str(city_dir)], spark)
    cached = spark.sql("SELECT * FROM ev")._jdf.queryExecution().executedPlan().toString()
    cached = cached.split("InMemoryRelation", 1)[1]
    parse = cached.index("from_json")
    assert cached.index("Exchange hashpartitioning") > parse
    assert cached.index("Sort [") > parse
