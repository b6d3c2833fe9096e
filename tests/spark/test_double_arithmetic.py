"""Spark computes the rules' durations and ratios in DOUBLE, as DuckDB does. Ibis writes a float literal bare
(`/ 86400.0`), which Spark SQL reads as a DECIMAL: every duration was a 20-digit DECIMAL computed with Java's
BigDecimal, and any aggregate holding one fell back from hash to interpreted sort-based aggregation."""

from rexian.analytics.config import load_config
from rexian.analytics.spark_engine import from_locations, spark_rules


def _decimal_fields(frame) -> list[str]:
    return [field.name for field in frame.schema.fields if "Decimal" in type(field.dataType).__name__]


def test_no_relational_rule_or_ticket_fact_computes_in_decimal_on_spark(spark, city_dir):
    data = from_locations([str(city_dir)], spark)
    assert _decimal_fields(spark.table("tk")) == []
    config = load_config()
    checked = 0
    for rule_id, rule in spark_rules().items():
        if rule.kind != "relational" or not all(data.has(name) for name in rule.needs):
            continue
        params = {k: v for k, v in (config["rules"].get(rule_id) or {}).items() if k != "enabled"}
        plan = spark.sql(str(data.con.compile(rule.func(data, params))))._jdf.queryExecution().optimizedPlan()
        assert "decimal(" not in plan.toString().lower(), rule_id
        checked += 1
    assert checked >= 20


def test_a_float_literal_is_a_double_in_the_spark_sql(spark, city_dir):
    import ibis

    data = from_locations([str(city_dir)], spark)
    sql = str(data.con.compile(data.tk.select(days=(ibis.literal(90000) / 86400.0), half=ibis.literal(0.5))))
    row = spark.sql(sql).limit(1).collect()[0]
    assert isinstance(row["days"], float) and row["days"] == 90000 / 86400.0
    assert row["half"] == 0.5
    assert _decimal_fields(spark.sql(sql)) == []
