"""The JVM options a local run starts Spark with (session 14, docs/scale.md). No Spark needed."""

from rexian.analytics.spark_engine import SparkOptions, session_conf


def test_a_local_run_compiles_with_c2_only_code_ten_times_hotter_beside_the_throughput_collector():
    options = session_conf(SparkOptions(master="local[2]"))["spark.driver.extraJavaOptions"].split()
    assert "-XX:+UseParallelGC" in options
    assert "-XX:Tier4InvocationThreshold=50000" in options and "-XX:Tier4BackEdgeThreshold=400000" in options


def test_given_java_options_win_and_a_cluster_gets_none_of_the_local_ones():
    given = SparkOptions(master="local[2]", conf=(("spark.driver.extraJavaOptions", "-XX:+UseSerialGC"),))
    assert session_conf(given)["spark.driver.extraJavaOptions"] == "-XX:+UseSerialGC"
    assert "spark.driver.extraJavaOptions" not in session_conf(SparkOptions(master="yarn"))
