"""The registered rules on Apache Spark: the same Ibis definitions, run by Ibis's PySpark backend.

`tables.py` prepares the tables `ev`, `tk`, `calls`, `agent_status` in DuckDB; this module produces the
same tables in Spark from Parquet interchange files (a local path or any URI Spark reads: hdfs://, s3a://
…), with the payload flattened by `from_json` into the columns listed once in `tables.py`. After that the
rules, `ticket_facts` and the findings conversion are the very same code as on DuckDB (`engine.run_rules`).

Text rules select their candidate rows on Spark; the text port is applied where the rows are, in batched
pandas UDFs (`mapInPandas`, Arrow), with the port object shipped in the job's closure (`spark_text.py`).
A rule that cannot run on Spark says so in its declaration (`Rule.not_on_spark`) and is skipped here.
"""

from __future__ import annotations

import atexit
import math
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from rexian.analytics.facts import ticket_facts
from rexian.analytics.registry import Finding, Rule, all_rules
from rexian.analytics.tables import (
    EVENT_COLUMNS,
    PAYLOAD_BOOL,
    PAYLOAD_LIST_LENGTH,
    PAYLOAD_TEXT,
    PAYLOAD_TIME,
    TABLE_COLUMNS,
    Data,
)

# DuckDB type names of tables.py → Spark SQL types.
_SPARK_TYPES = {"VARCHAR": "STRING", "BIGINT": "BIGINT", "TIMESTAMP": "TIMESTAMP", "BOOLEAN": "BOOLEAN"}
TABLES = ("events", "tickets", "calls", "agent_status")


@dataclass(frozen=True)
class SparkOptions:
    """How to start Spark when no session is handed in: `master` local[*] by default; `conf` any Spark
    configuration (spark.executor.memory, spark.sql.shuffle.partitions …). Under `spark-submit` the
    submitted master and configuration win: an existing session is reused."""

    master: str | None = None
    conf: tuple[tuple[str, str], ...] = ()
    driver_memory: str = "4g"
    # None (or 0): sized from the input, one partition per `partition_mb` of input files, at least one per
    # core, a whole number of rounds of the cores (`input_partitions`). A submitted or `conf` value wins too.
    shuffle_partitions: int | None = None
    partition_mb: float = 32.0
    # Rules whose queries run at once (`SparkData.each`): each query's planning and small stages then
    # overlap the others' and every core stays busy (measured in docs/scale.md).
    concurrent_queries: int = 4
    # Where the run writes its prepared `ev` and `tk` (`Scratch`): a directory or URI every executor can read
    # and write (the setting `spark_scratch`). Empty: a local directory, `local_scratch` (the CLI names the
    # run's output) or else the system's temporary directory — local Spark only.
    scratch: str = ""
    local_scratch: str | None = None


def spark_session(options: SparkOptions = SparkOptions(), app_name: str = "rexian-analyze"):
    """A SparkSession for the rules: UTC session time (epoch seconds equal DuckDB's), lenient casts as in
    DuckDB's TRY_CAST, no UI unless asked for."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    # Under spark-submit (which starts Python with PYSPARK_GATEWAY_PORT set) the submitted master stands.
    if options.master or not os.environ.get("PYSPARK_GATEWAY_PORT"):
        builder = builder.master(options.master or "local[*]")
    for key, value in session_conf(options).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel(os.environ.get("REXIAN_SPARK_LOG_LEVEL", "ERROR"))
    # A reused session (spark-submit, a test fixture) still needs the semantics the rules rely on.
    session.conf.set("spark.sql.session.timeZone", "UTC")
    session.conf.set("spark.sql.ansi.enabled", "false")
    return session


def session_conf(options: SparkOptions) -> dict[str, str]:
    """The configuration `spark_session` starts a session with: the engine's defaults, `options.conf` winning."""
    defaults = {
        "spark.sql.session.timeZone": "UTC", "spark.sql.ansi.enabled": "false",
        "spark.ui.enabled": "false", "spark.driver.memory": options.driver_memory,
        "spark.sql.execution.arrow.pyspark.enabled": "true", "spark.ui.showConsoleProgress": "false",
        # Concurrent rules (SparkData.each) share the cores fairly, each in its own pool, instead of the
        # first-submitted job's stages taking every core while the others' small stages wait.
        "spark.scheduler.mode": "FAIR",
        # A join on the ticket and another key (ticket + unit) may reuse the prepared tables' distribution by
        # ticket (equal pairs have equal tickets) instead of shuffling both sides by both keys.
        "spark.sql.requireAllClusterKeysForCoPartition": "false",
    }
    defaults.update(_BUCKETED_READS)
    if options.shuffle_partitions:
        defaults["spark.sql.shuffle.partitions"] = str(options.shuffle_partitions)
    if (options.master or "local").startswith("local"):
        # Local mode: one JVM is all of Spark; the throughput collector spends less CPU than G1's concurrent
        # threads on the preparation's churn (measured: about 16 % less JVM CPU for the rules at 1 M events).
        defaults["spark.driver.extraJavaOptions"] = " ".join(("-XX:+UseParallelGC", *_LOCAL_JIT))
        # The catalog that names the prepared tables (`Scratch`) makes its warehouse directory when first used:
        # in the temporary directory, not `spark-warehouse` in whatever directory the command ran from (the
        # tables themselves live in the run's scratch location).
        defaults["spark.sql.warehouse.dir"] = (Path(tempfile.gettempdir()) / "rexian-spark-warehouse").as_uri()
    return {**defaults, **dict(options.conf)}


# Local Spark's JIT: C2 (the optimising compiler) only for code ten times hotter than HotSpot's default asks.
# A run's queries each bring their own generated classes and plans, most run a few thousand times and never
# again, yet C2 compiled them: at 1 M events the compiler threads cost as much CPU as the rules' tasks
# (docs/scale.md, sessions 13–14). The per-row loops of a large run pass these thresholds within seconds.
_LOCAL_JIT = ("-XX:Tier4InvocationThreshold=50000", "-XX:Tier4MinInvocationThreshold=6000",
              "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000")

# The prepared tables' scans report their buckets' order (`Scratch`): each bucket is one file, sorted by
# ticket (and seq), so a per-ticket window or a sort-merge join by ticket needs no sort of its own.
_BUCKETED_READS = {"spark.sql.legacy.bucketedTableScan.outputOrdering": "true"}


def input_partitions(input_bytes: int, cores: int, partition_mb: float) -> int:
    """Shuffle partitions for an input of `input_bytes`: one per `partition_mb` MB (the prepared tables and each
    task's aggregation state grow with the bytes a partition holds), at least one per core, rounded up to a
    whole number of rounds of the cores (a last round with idle cores costs as much as a full one)."""
    wanted = max(1, math.ceil(input_bytes / (partition_mb * 1024 * 1024)))
    cores = max(1, cores)
    return cores * math.ceil(wanted / cores)


def input_bytes(frames: Iterable[Any]) -> int:
    """The bytes of the files behind the read frames, as Spark's planner counts them (the file listing's sizes;
    any URI Spark reads, no extra listing)."""
    return sum(int(str(frame._jdf.queryExecution().optimizedPlan().stats().sizeInBytes()))
               for frame in frames if frame is not None)


def size_partitions(spark, raw: dict[str, Any], options: SparkOptions) -> int:
    """Set the session's shuffle partitions from the input unless they were given (`options`, `--spark-conf`, a
    submitted or started session's configuration); the count the run uses. When sized here, Spark's read splits
    follow the same size (`spark.sql.files.maxPartitionBytes`), so reading makes as many tasks as the rest."""
    key = "spark.sql.shuffle.partitions"
    if options.shuffle_partitions:
        spark.conf.set(key, str(options.shuffle_partitions))
        return options.shuffle_partitions
    if key in dict(options.conf) or spark.sparkContext.getConf().contains(key):
        return int(spark.conf.get(key))
    size = input_bytes(raw.values())
    partitions = input_partitions(size, spark.sparkContext.defaultParallelism, options.partition_mb)
    spark.conf.set(key, str(partitions))
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(max(4 * 1024 * 1024, math.ceil(size / partitions))))
    return partitions


def _read(spark, location: str, name: str):
    """`location/NAME.parquet` (a file or a directory of part files, possibly partitioned), or None."""
    from pyspark.errors import AnalysisException

    path = location.rstrip("/") + f"/{name}.parquet"
    try:
        return spark.read.parquet(path)
    except AnalysisException as error:
        if "PATH_NOT_FOUND" in str(error) or "Path does not exist" in str(error):
            return None
        raise


def _small_table(spark, locations: list[str], name: str):
    """A small table of the locations (the people, a staff roster) as one pandas frame on the driver, or None."""
    frame = _union([f for f in (_read(spark, str(loc), name) for loc in locations) if f is not None])
    return frame.toPandas() if frame is not None else None


def _union(frames: list):
    if not frames:
        return None
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame, allowMissingColumns=True)
    return out


def _typed(columns: Iterable[str], wanted: dict[str, str]) -> list[str]:
    present = set(columns)
    return [f"{_typed_value(name, sql_type, present)} AS `{name}`" for name, sql_type in wanted.items()]


def _typed_value(name: str, sql_type: str, present: set[str]) -> str:
    """The column `name` of the raw table as `sql_type` (a DuckDB type name of tables.py), null when absent."""
    spark_type = _SPARK_TYPES[sql_type]
    if name not in present:
        return f"CAST(NULL AS {spark_type})"
    if sql_type == "BOOLEAN":
        return f"lower(CAST(`{name}` AS STRING)) IN ('true', '1', 't', 'yes')"
    return f"try_cast(`{name}` AS {spark_type})"


def epoch_seconds(column: str) -> str:
    """Whole epoch seconds as DuckDB's CAST(epoch(t) AS BIGINT) gives them: rounded, not truncated. The divisor
    is a DOUBLE (`1000000.0D`): a bare `1000000.0` is a DECIMAL in Spark SQL (see `_connect`)."""
    return f"CAST(round(unix_micros(try_cast({column} AS TIMESTAMP)) / 1000000.0D) AS BIGINT)"


def prepare_events_sql(columns: Iterable[str]) -> str:
    """The SELECT turning raw events (view `raw_events`) into `ev`: the same columns as tables._prepare."""
    schema = ", ".join(f"`{key}` STRING" for key in
                       PAYLOAD_TEXT + PAYLOAD_TIME + PAYLOAD_BOOL + PAYLOAD_LIST_LENGTH + ("level",))
    fields = _typed(columns, EVENT_COLUMNS)
    fields.append(f"{epoch_seconds('`at`')} AS ts")
    fields += [f"p.`{key}` AS `{key}`" for key in PAYLOAD_TEXT]
    fields += [f"try_cast(p.`{key}` AS TIMESTAMP) AS `{key}`" for key in PAYLOAD_TIME]
    fields += [f"try_cast(p.`{key}` AS BOOLEAN) AS `{key}`" for key in PAYLOAD_BOOL]
    fields += [f"coalesce(json_array_length(p.`{key}`), 0) AS `{key}_n`" for key in PAYLOAD_LIST_LENGTH]
    fields.append("try_cast(p.`level` AS BIGINT) AS `level`")
    return ("SELECT " + ", ".join(fields) + " FROM (SELECT *, from_json(CAST(payload AS STRING), "
            f"'{schema}') AS p FROM raw_events)")


def from_locations(locations: list[str], spark=None, as_of: datetime | None = None,
                   options: SparkOptions = SparkOptions()) -> Data:
    """Interchange directories or URIs holding NAME.parquet per table, read by Spark, ready for the rules."""

    spark = spark or spark_session(options)
    raw = {name: _union([f for f in (_read(spark, str(loc), name) for loc in locations) if f is not None])
           for name in TABLES}
    if raw["events"] is None:
        raise FileNotFoundError("no events.parquet in " + ", ".join(map(str, locations)))
    partitions = size_partitions(spark, raw, options)
    scratch = Scratch.open(spark, options)
    try:
        return _prepare(spark, raw, partitions, scratch, as_of, options)
    except BaseException:
        scratch.remove()
        raise


def _prepare(spark, raw: dict[str, Any], partitions: int, scratch: Scratch, as_of: datetime | None,
             options: SparkOptions) -> SparkData:
    for key, value in _BUCKETED_READS.items():  # a reused session (spark-submit) without its own value
        if not spark.sparkContext.getConf().contains(key):
            spark.conf.set(key, value)
    scratch.keep(prepared_events(spark, raw["events"], partitions), "ev", partitions, sort=("ticket_id", "seq"))
    for name, columns in TABLE_COLUMNS.items():
        if raw[name] is None:
            continue
        raw[name].createOrReplaceTempView(f"raw_{name}")
        extra = ""
        if name in ("calls", "agent_status"):
            first = "ring_at" if name == "calls" else "start_at"
            extra = f", {epoch_seconds(f'`{first}`')} AS ts"
        _keep(spark.sql("SELECT " + ", ".join(_typed(raw[name].columns, columns)) + extra + f" FROM raw_{name}"),
              name)
    if as_of is None:
        newest = spark.sql("SELECT max(`at`) FROM ev").collect()[0][0]
        as_of = newest or datetime(1970, 1, 1)
    con = _connect(spark)
    ev_table = con.table("ev")
    tickets_file = con.table("tickets") if raw["tickets"] is not None else None
    facts = ticket_facts(ev_table, tickets_file, int(pd.Timestamp(as_of).timestamp()))
    tk = spark.sql(str(con.compile(facts)))
    scratch.keep(tk.repartition(partitions, "ticket_id"), "tk", partitions, sort=("ticket_id",))
    data = SparkData(
        con=con, ev=ev_table, tk=con.table("tk"),
        calls=con.table("calls") if raw["calls"] is not None else None,
        agent_status=con.table("agent_status") if raw["agent_status"] is not None else None,
        as_of=as_of, keep_intermediates=False,
    )
    data.concurrent_queries = max(1, options.concurrent_queries)
    data.shuffle_partitions = partitions
    data.scratch = scratch
    return data


def prepared_events(spark, raw_events, partitions: int):
    """`ev` from the raw events: distributed by ticket into `partitions` and sorted by ticket and seq."""
    _by_ticket(raw_events, partitions).createOrReplaceTempView("raw_events")
    return spark.sql(prepare_events_sql(raw_events.columns))


def _by_ticket(raw_events, partitions: int):
    """The raw events hash-partitioned by ticket into `partitions` and sorted by ticket and seq within them,
    *before* the payload is parsed: the shuffle and the sort then move the raw rows (a payload string and a
    few columns) instead of the flattened ones (some sixty columns, mostly null: 78 against 43 MB of shuffle at 1 M
    events), and the
    parsed rows come out already distributed and ordered. The keys are the typed columns of `ev` (the same
    expressions as `prepare_events_sql`'s), so Spark knows the parsed `ev` is partitioned by `ticket_id` and
    ordered by `ticket_id, seq` (its projection keeps the distribution and order under the aliases): each
    write task holds exactly one bucket of `Scratch.keep`."""
    from pyspark.sql import functions as F

    ticket, seq = (F.expr(_typed_value(name, EVENT_COLUMNS[name], set(raw_events.columns)))
                   for name in ("ticket_id", "seq"))
    return raw_events.repartition(partitions, ticket).sortWithinPartitions(ticket, seq)


def _connect(spark):
    """Ibis over the session, with Spark's compiler adjusted to DuckDB's arithmetic (`_duckdb_arithmetic`),
    answering any remaining decimals as floats (findings carry numbers, not Decimal strings)."""
    import ibis

    con = ibis.pyspark.connect(spark)
    con.compiler = _duckdb_arithmetic()
    execute = con.execute

    def execute_with_floats(expr, /, **kwargs):
        return _decimals_as_floats(execute(expr, **kwargs))

    con.execute = execute_with_floats
    return con


def _duckdb_arithmetic():
    """Ibis's PySpark compiler with DuckDB's arithmetic:

    - epoch seconds with their fraction, as DuckDB's `epoch()` gives them (Spark's `unix_timestamp` truncates
      to whole seconds, which moves durations in minutes by up to a second);
    - a float literal (`/ 86400.0`, `/ 60.0`, a threshold `0.9`) is a DOUBLE, as in DuckDB's arithmetic. Ibis
      writes it bare, and Spark SQL reads a bare `86400.0` as a DECIMAL: every duration became a DECIMAL of
      20+ digits, computed with Java's BigDecimal row by row, and an aggregate holding one (`max`, `max_by`
      by it) cannot use Spark's hash aggregation (fixed-width buffers only) and fell back to an interpreted
      sort-based aggregate (docs/scale.md, session 10)."""
    import math

    import ibis.expr.datatypes as dt
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    class DuckDBArithmeticCompiler(PySparkCompiler):
        def visit_ExtractEpochSeconds(self, op, *, arg):
            return self.f.unix_micros(self.cast(arg, dt.timestamp)) / self._double(1_000_000.0)

        def visit_NonNullLiteral(self, op, *, value, dtype):
            if dtype.is_floating() and math.isfinite(value):
                return self._double(value)
            return super().visit_NonNullLiteral(op, value=value, dtype=dtype)

        def _double(self, value: float):
            return self.cast(super().visit_DefaultLiteral(None, value=float(value), dtype=dt.float64), dt.float64)

    return DuckDBArithmeticCompiler()


def _decimals_as_floats(result):
    import decimal

    if isinstance(result, pd.DataFrame):
        for column in result.columns:
            values = result[column]
            if values.dtype == object and any(isinstance(v, decimal.Decimal) for v in values):
                result[column] = [float(v) if isinstance(v, decimal.Decimal) else v for v in values]
    return result


def _keep(frame, name: str) -> None:
    """Cache a small prepared table that is not keyed by ticket (`calls`, `agent_status`) and name it for Ibis."""
    from pyspark import StorageLevel

    frame.persist(StorageLevel.MEMORY_AND_DISK).createOrReplaceTempView(name)


class ScratchNeeded(ValueError):
    """A Spark run on a cluster was given no scratch location every executor can read."""


@dataclass
class Scratch:
    """The run's own directory for its prepared ticket-keyed tables, and the catalog tables naming them.

    `ev` and `tk` are read many times by the rules (some seventy scans of `ev`). Spark's in-memory cache is read
    row by row when a table has a string column (its columnar reading takes fixed-width columns only), so they
    are written instead as Parquet tables **bucketed by `ticket_id`** into the shuffle partitions and sorted
    within each bucket (one file a bucket): the scans are vectorised and read only the wanted columns, and
    the scan reports the buckets' distribution and order (with `spark.sql.legacy.bucketedTableScan.
    outputOrdering`), so per-ticket aggregations, windows and joins of `ev` and `tk` need no shuffle and no
    sort, as they did over the cache (docs/scale.md, session 13). Bucketing lives in the catalog, hence the
    tables; both the tables and the directory are removed by `remove` (`SparkData.close`), and at the latest
    when the Python process ends."""

    spark: Any
    location: str  # the run's directory: a URI every executor can read
    run: str  # the run's name: its catalog tables are `{run}_ev`, `{run}_tk`
    own_root: Path | None = None  # a local directory this run created for its scratch, removed whole
    tables: list[str] = field(default_factory=list)
    removed: bool = False

    @classmethod
    def open(cls, spark, options: SparkOptions) -> Scratch:
        run = f"rexian_scratch_{uuid.uuid4().hex[:12]}"
        if options.scratch:
            scratch = cls(spark, options.scratch.rstrip("/") + "/" + run, run)
        else:
            if not spark.sparkContext.master.startswith("local"):
                raise ScratchNeeded(
                    "在集群上运行 Spark 需要设置 spark_scratch：各执行器都能读写的目录或 URI（如 hdfs:///tmp/rexian），"
                    "用于存放本次运行整理后的事件表与工单表，运行结束即删除")
            root = Path(options.local_scratch) if options.local_scratch else None
            own_root = None
            if root is None:
                root = own_root = Path(tempfile.mkdtemp(prefix="rexian-spark-"))
            elif not root.exists():
                own_root = root
            root.mkdir(parents=True, exist_ok=True)
            scratch = cls(spark, (root.resolve() / run).as_uri(), run, own_root=own_root)
        atexit.register(scratch.remove)
        return scratch

    def keep(self, frame, name: str, buckets: int, sort: tuple[str, ...]) -> None:
        """Write `frame` (already hash-partitioned by `sort[0]` into `buckets`, so each task writes one bucket's
        file) bucketed by `sort[0]` and sorted by `sort`, and name it `name` for Ibis."""
        table = f"{self.run}_{name}"
        self.tables.append(table)
        (frame.write.format("parquet").bucketBy(buckets, sort[0]).sortBy(*sort)
         .option("path", f"{self.location}/{name}").saveAsTable(table))
        self.spark.table(table).createOrReplaceTempView(name)

    def remove(self) -> None:
        """Drop the run's catalog tables and delete its directory (idempotent)."""
        if self.removed:
            return
        self.removed = True
        atexit.unregister(self.remove)
        try:
            for table in self.tables:
                self.spark.sql(f"DROP TABLE IF EXISTS `{table}`")
            jvm = self.spark.sparkContext._jvm
            path = jvm.org.apache.hadoop.fs.Path(self.location)
            path.getFileSystem(self.spark.sparkContext._jsc.hadoopConfiguration()).delete(path, True)
        except Exception:  # noqa: BLE001 - the session may be gone at exit: a local directory goes below
            if urlparse(self.location).scheme != "file":
                raise
        if urlparse(self.location).scheme == "file":
            shutil.rmtree(Path(urlparse(self.location).path), ignore_errors=True)
        if self.own_root is not None:
            shutil.rmtree(self.own_root, ignore_errors=True)


class SparkData(Data):
    """Prepared tables in Spark. Text rules' candidate rows come with the port's answers computed on the
    executors (see `text_rows`)."""

    text_port: Any = None
    concurrent_queries: int = 1
    shuffle_partitions: int = 0  # what the run used (`size_partitions`)
    scratch: Scratch | None = None  # where `ev` and `tk` are written (`Scratch`)

    def close(self) -> None:
        """Remove the run's prepared tables (`Scratch.remove`); the tables are unreadable afterwards."""
        if self.scratch is not None:
            self.scratch.remove()

    def each(self, calls: list[Callable[[], Any]]) -> list[Any]:
        """The calls' results in order, `concurrent_queries` of them running at once from a thread pool (one
        SparkSession takes jobs from many threads), each in its own FAIR scheduler pool."""
        if self.concurrent_queries <= 1 or len(calls) <= 1:
            return super().each(calls)
        from concurrent.futures import ThreadPoolExecutor

        context = self.spark.sparkContext

        def in_own_pool(numbered: tuple[int, Callable[[], Any]]) -> Any:
            context.setLocalProperty("spark.scheduler.pool", f"rexian-{numbered[0]}")
            try:
                return numbered[1]()
            finally:
                context.setLocalProperty("spark.scheduler.pool", None)

        with ThreadPoolExecutor(self.concurrent_queries, thread_name_prefix="rexian-spark") as pool:
            return list(pool.map(in_own_pool, enumerate(calls)))

    def given(self, name: str, frame: pd.DataFrame) -> Any:
        self.spark.createDataFrame(frame).createOrReplaceTempView(f"given_{name}")
        return self.con.table(f"given_{name}")

    def rows(self, name: str, build: Callable[[Data], Any]) -> pd.DataFrame:
        from rexian.analytics.spark_text import answer_on_executors

        query = self.query(name, build)
        if self.text_port is None:
            return query.execute()
        return self.text_port.absorb(answer_on_executors(self, query, self.text_port.port))

    @property
    def spark(self):
        return self.con._session


def on_spark(rule_def: Rule) -> bool:
    return not rule_def.not_on_spark


def spark_rules() -> dict[str, Rule]:
    """The registered rules that run on Spark (those not declared `not_on_spark`)."""
    return {rule_id: r for rule_id, r in all_rules().items() if on_spark(r)}


def run_rules_on_spark(data: SparkData, config: dict[str, Any], text=None, only: Iterable[str] | None = None,
                       progress: Callable[[str], None] | None = None) -> tuple[list[Finding], list[str]]:
    """The Spark-capable rules among `only` (all by default) through `engine.run_rules`; returns the
    findings and the ids of the rules left out because their declaration says they cannot run on Spark."""
    from rexian.analytics.engine import run_rules
    from rexian.analytics.spark_text import BatchedTextPort

    wanted = list(only) if only else list(all_rules())
    capable = [rule_id for rule_id in wanted if on_spark(all_rules()[rule_id])]
    left_out = [rule_id for rule_id in wanted if rule_id not in capable]
    port = BatchedTextPort(data, text)
    return run_rules(data, config, port, only=capable, progress=progress), left_out


def received_months(data: SparkData, findings: list[Finding]) -> dict[str, str]:
    """Ticket id → YYYY-MM of its receipt, for the tickets the findings name (a join on the executors)."""
    ids = sorted({t for f in findings for t in f.ticket_ids})
    if not ids:
        return {}
    wanted = data.spark.createDataFrame([(t,) for t in ids], "ticket_id STRING")
    wanted.createOrReplaceTempView("_finding_tickets")
    rows = data.spark.sql("SELECT t.ticket_id, date_format(CAST(from_unixtime(t.received_ts) AS TIMESTAMP), "
                          "'yyyy-MM') FROM tk t JOIN _finding_tickets w ON t.ticket_id = w.ticket_id").collect()
    return {row[0]: row[1] for row in rows if row[1]}


def analyze_locations(locations: list[str], config: dict[str, Any], options: SparkOptions = SparkOptions(),
                      as_of: datetime | None = None, spark=None, text=None,
                      progress: Callable[[str], None] | None = None):
    """`analyze` on Spark: the same rules, metrics, risk and summary as the DuckDB run, over Parquet at
    `locations`. Rules declared `not_on_spark` are switched off and listed in the summary. Returns the
    Analysis and the month of receipt of each ticket the findings name (for `findings_files`)."""
    from rexian.analytics.analyze import analyze
    from rexian.analytics.outputs import names_in
    from rexian.analytics.spark_text import BatchedTextPort

    data = from_locations(locations, spark, as_of, options)
    try:
        left_out = [rule_id for rule_id, r in all_rules().items() if not on_spark(r)]
        rules = dict(config.get("rules") or {})
        for rule_id in left_out:
            rules[rule_id] = {**(rules.get(rule_id) or {}), "enabled": False}
        analysis = analyze(data, {**config, "rules": rules}, text=BatchedTextPort(data, text), progress=progress,
                           inputs=[str(loc) for loc in locations])
        analysis.names = names_in(data, *(_small_table(data.spark, locations, name) for name in ("roster", "people")))
        analysis.summary.update({"engine": "spark", "spark_master": data.spark.sparkContext.master,
                                 "spark_shuffle_partitions": data.shuffle_partitions,
                                 "rules_not_on_spark": {r: all_rules()[r].not_on_spark for r in left_out}})
        return analysis, received_months(data, analysis.findings)
    finally:
        data.close()
