"""`rexian analyze` and `rexian evaluate`: the supervision engine on the command line."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click


def _load_data(db: str | None, inputs: tuple[str, ...], as_of: datetime | None):
    from rexian.analytics.tables import from_directories, from_frames

    if db:
        import pandas as pd
        import sqlalchemy

        engine = sqlalchemy.create_engine(db)
        present = set(sqlalchemy.inspect(engine).get_table_names())
        frames = {name: pd.read_sql_table(name, engine) if name in present else None
                  for name in ("events", "tickets", "calls", "agent_status")}
        if frames["events"] is None:
            raise click.UsageError(f"no `events` table in {db}")
        return from_frames(frames["events"], frames["tickets"], frames["calls"], frames["agent_status"], as_of)
    if not inputs:
        raise click.UsageError("give --db URL or at least one interchange directory")
    return from_directories(list(inputs), as_of)


def _load_mapped(mapping_file: str, inputs: tuple[str, ...], as_of: datetime | None):
    """Foreign exports → in-memory events and tickets through the mapping → the rules' tables."""
    from rexian.analytics.tables import from_frames
    from rexian.importing.mapping import load_mapping
    from rexian.importing.pipeline import import_to_frames

    if not inputs:
        raise click.UsageError("--mapping needs at least one input file")
    report, events, tickets = import_to_frames(list(inputs), load_mapping(mapping_file))
    for line in report.summary_lines():
        click.echo(line, err=True)
    if events.empty:
        raise click.UsageError("nothing imported: no events to analyse")
    return from_frames(events, tickets, as_of=as_of)


def _analyze_on_spark(inputs: tuple[str, ...], config, out: str, as_of: datetime | None, master: str | None,
                      conf: tuple[str, ...], partitions: int | None):
    """The Spark run: Parquet locations (paths or URIs) → analysis, plus findings partitioned by month."""
    from rexian.analytics.findings_files import write_partitioned
    from rexian.analytics.spark_engine import SparkOptions, analyze_locations
    from rexian.settings import load_settings

    if not inputs:
        raise click.UsageError("--engine spark needs at least one directory or URI holding events.parquet")
    pairs = []
    for item in conf:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--spark-conf takes KEY=VALUE, not {item!r}")
        pairs.append((key.strip(), value.strip()))
    settings = load_settings()
    options = SparkOptions(master=master or settings["spark_master"] or None, conf=tuple(pairs),
                           driver_memory=settings["spark_driver_memory"], shuffle_partitions=partitions)
    click.echo("启动 Spark，读取数据 …", err=True)
    analysis, received = analyze_locations(list(inputs), config, options, as_of,
                                           progress=lambda rule_id: click.echo(f"  规则 {rule_id}", err=True))
    written = write_partitioned([f.as_dict() for f in analysis.findings], out, received)
    return analysis, written


@click.command("analyze")
@click.argument("inputs", nargs=-1)
@click.option("--mapping", "mapping_file", type=click.Path(exists=True, dir_okay=False),
              help="Mapping file (docs/importing.md): INPUTS are foreign exports, imported in memory first.")
@click.option("--db", help="Database URL (SQLAlchemy form) with `events` (and optionally `tickets`, `calls`, "
                           "`agent_status`) tables in the interchange format.")
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False),
              help="YAML file overriding the packaged rule parameters (rules.yaml).")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output directory.")
@click.option("--as-of", type=click.DateTime(), default=None,
              help="Reference time for open/idle checks (default: the newest event).")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default=None,
              help="duckdb (one machine) or spark (INPUTS: directories or URIs with NAME.parquet; docs/scale.md). "
                   "Default: the `analysis_engine` setting.")
@click.option("--spark-master", help="Spark master URL (spark://host:7077, yarn, k8s://…, local[4]); default: "
                                     "the `spark_master` setting, else local[*].")
@click.option("--spark-conf", multiple=True, metavar="KEY=VALUE",
              help="Any Spark configuration, repeatable (spark.executor.memory=8g …).")
@click.option("--partitions", type=click.IntRange(1), help="Spark shuffle partitions (spark.sql.shuffle.partitions).")
def analyze_command(inputs, mapping_file, db, rules_file, out, as_of, engine, spark_master, spark_conf, partitions):
    """Run the supervision rules over an event log; write findings, metrics, risk, Excel and HTML."""
    from rexian.analytics.analyze import analyze, enabled_rules
    from rexian.analytics.config import load_config
    from rexian.analytics.outputs import write_all
    from rexian.settings import load_settings

    config = load_config(rules_file)
    if as_of is None and config.get("analysis", {}).get("as_of"):
        as_of = datetime.fromisoformat(str(config["analysis"]["as_of"]))
    engine = engine or load_settings()["analysis_engine"]
    if engine == "spark":
        if mapping_file or db:
            raise click.UsageError("--engine spark reads Parquet interchange directories; not --mapping or --db")
        analysis, written = _analyze_on_spark(inputs, config, out, as_of, spark_master, spark_conf, partitions)
        written = write_all(analysis, out) + written
    else:
        missing = [p for p in inputs if not Path(p).exists()]
        if missing:
            raise click.UsageError("不存在：" + ", ".join(missing))
        click.echo("读取数据 …", err=True)
        if not mapping_file and any(Path(p).is_file() for p in inputs):
            raise click.UsageError("input files need --mapping; without it give interchange directories")
        data = _load_mapped(mapping_file, inputs, as_of) if mapping_file else _load_data(db, inputs, as_of)
        run, _skipped = enabled_rules(data, config)
        with click.progressbar(length=len(run), label="运行规则", file=click.get_text_stream("stderr")) as bar:
            analysis = analyze(data, config, progress=lambda _rule_id: bar.update(1),
                               inputs=[db] if db else [str(p) for p in inputs])
        written = write_all(analysis, out)
    s = analysis.summary
    click.echo(f"{s['tickets']} 张工单、{s['events']} 个事件；问题线索 {s['findings']} 条。")
    for family, count in sorted(s["findings_by_family"].items()):
        click.echo(f"  {family}: {count}")
    if s["rules_skipped"]:
        click.echo("未运行(缺少数据表或已关闭)：" + ", ".join(s["rules_skipped"]))
    click.echo("输出：" + ", ".join(dict.fromkeys(Path(p).relative_to(out).parts[0] for p in written)))


@click.command("evaluate")
@click.option("--truth", required=True, type=click.Path(exists=True, dir_okay=False), help="truth.jsonl")
@click.option("--findings", "findings_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="findings.jsonl")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Also write the full result as JSON.")
@click.option("--show", default=10, show_default=True,
              help="How many misses and false alarms to list per rule on the terminal.")
def evaluate_command(truth, findings_file, json_out, show):
    """Precision, recall and F1 per rule and per family of findings against ground truth, with each
    rule's misses and false alarms (all of them in the JSON)."""
    from rexian.analytics.evaluate import evaluate, format_table
    from rexian.analytics.outputs import read_findings

    result = evaluate(read_findings(truth), read_findings(findings_file), show=None)
    click.echo(format_table(result))
    for row in result["rules"]:
        for title, items in (("misses", row["misses"]), ("false alarms", row["false_alarms"])):
            if items and show:
                click.echo(f"\n{row['rule_id']} {title} (first {min(show, len(items))} of {len(items)}):")
                for item in items[:show]:
                    click.echo("  " + json.dumps(item, ensure_ascii=False))
    if json_out:
        Path(json_out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


commands = [analyze_command, evaluate_command]
