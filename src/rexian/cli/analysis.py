"""`rexian analyze` and `rexian evaluate`: the supervision engine on the command line."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from rexian.domain.vocabulary import FAMILIES


def _load_data(db: str | None, inputs: tuple[str, ...], as_of: datetime | None, compiled, names: dict[str, str]):
    """The tables of a database or of interchange directories; their queries run from `compiled`'s remembered
    SQL (Ibis loaded only to compile what is not remembered)."""
    from rexian.analytics.outputs import names_in
    from rexian.analytics.tables import from_directories, from_frames

    remembering = {"on_connect": compiled.remember_queries, "remembered": compiled.named}

    if db:
        import pandas as pd
        import sqlalchemy

        from rexian.adapters.record_store import read_records

        engine = sqlalchemy.create_engine(db)
        present = set(sqlalchemy.inspect(engine).get_table_names())
        with engine.connect() as connection:
            frames = {name: pd.read_sql_table(name, connection) if name in present else None
                      for name in ("events", "tickets")}
            frames.update({name: read_records(connection, name)
                           for name in ("calls", "agent_status", "roster", "people")})
        if frames["events"] is None:
            raise click.UsageError(f"数据库中没有 events 表：{db}（先 rexian init，再导入或办理工单）")
        if frames["events"].empty:
            raise click.UsageError(f"数据库中还没有事件，没有可分析的内容：{db}（先 rexian import 导入，或用 rexian do 办理工单）")
        data = from_frames(frames["events"], frames["tickets"], frames["calls"], frames["agent_status"], as_of,
                           **remembering)
        names.update(names_in(data, frames["roster"], frames["people"]))
        return data
    if not inputs:
        raise click.UsageError("请给出 --db URL，或至少一个交换文件目录")
    try:
        data = from_directories(list(inputs), as_of, **remembering)
    except FileNotFoundError as missing:
        raise click.UsageError(str(missing)) from None
    names.update(names_in(data, *(_directory_table(inputs, name) for name in ("roster", "people"))))
    return data


def _directory_table(directories: tuple[str, ...], name: str):
    """The interchange table NAME (NAME.parquet, .csv or .csv.gz) of the directories together, or None."""
    import pandas as pd

    from rexian.adapters.interchange_files import read_table
    from rexian.analytics.tables import interchange_file

    frames = [read_table(path, name).to_pandas() for path in (interchange_file(d, name) for d in directories) if path]
    return pd.concat(frames, ignore_index=True) if frames else None


def _load_mapped(mapping_file: str, inputs: tuple[str, ...], as_of: datetime | None, out: str, unreadable: list[str],
                 compiled, names: dict[str, str]):
    """Foreign exports → in-memory events and tickets through the mapping → the rules' tables. The rejected
    rows go to OUT/rejects.csv, as `rexian import` writes them; the input files that could not be read are
    added to `unreadable` (the run then exits 2 after writing what it found)."""
    from rexian.analytics.outputs import names_in
    from rexian.analytics.tables import from_frames
    from rexian.importing.mapping import MappingError, load_mapping
    from rexian.importing.pipeline import import_to_frames

    if not inputs:
        raise click.UsageError("--mapping needs at least one input file")
    try:
        mapping = load_mapping(mapping_file)
    except MappingError as error:
        raise click.ClickException(str(error)) from None
    report, events, tickets = import_to_frames(list(inputs), mapping)
    unreadable += [problem.file for problem in report.rejects.file_problems()]
    Path(out).mkdir(parents=True, exist_ok=True)
    report.rejects.write_csv(Path(out) / "rejects.csv")
    for line in report.summary_lines():
        click.echo(line, err=True)
    click.echo(f"拒收清单：{Path(out) / 'rejects.csv'}（{len(report.rejects.rejects)} 条）", err=True)
    if events.empty:
        raise click.UsageError("没有导入任何事件，无从分析：请查看上面的拒收清单与 mapping check 的提示")
    records = report.record_frames
    data = from_frames(events, tickets, *(records[name] if name in records and not records[name].empty else None
                                          for name in ("calls", "agent_status")), as_of=as_of,
                       on_connect=compiled.remember_queries, remembered=compiled.named)
    names.update(names_in(data, records.get("roster")))
    return data


def _analyze_on_spark(inputs: tuple[str, ...], config, out: str, as_of: datetime | None, master: str | None,
                      conf: tuple[str, ...], partitions: int | None):
    """The Spark run: Parquet locations (paths or URIs) → analysis, plus findings partitioned by month."""
    from rexian.analytics.findings_files import write_partitioned
    from rexian.analytics.outputs import finding_record
    from rexian.analytics.spark_engine import ScratchNeeded, SparkOptions, analyze_locations
    from rexian.settings import load_settings

    if not inputs:
        raise click.UsageError("--engine spark 至少需要一个含 events.parquet 的目录或 URI")
    pairs = []
    for item in conf:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--spark-conf 的形式为 KEY=VALUE，而不是 {item!r}")
        pairs.append((key.strip(), value.strip()))
    settings = load_settings()
    options = SparkOptions(master=master or settings["spark_master"] or None, conf=tuple(pairs),
                           driver_memory=settings["spark_driver_memory"],
                           shuffle_partitions=partitions or settings["spark_partitions"] or None,
                           partition_mb=settings["spark_partition_mb"], scratch=settings["spark_scratch"],
                           local_scratch=str(Path(out) / ".spark-scratch"))
    click.echo("启动 Spark，读取数据 …", err=True)
    try:
        analysis, received = analyze_locations(list(inputs), config, options, as_of,
                                               progress=lambda rule_id: click.echo(f"  规则 {rule_id}", err=True))
    except ScratchNeeded as error:
        raise click.UsageError(str(error)) from None
    written = write_partitioned([finding_record(f, analysis.names) for f in analysis.findings], out, received)
    return analysis, written


@click.command("analyze")
@click.argument("inputs", nargs=-1)
@click.option("--mapping", "mapping_file", type=click.Path(exists=True, dir_okay=False),
              help="映射文件（docs/importing.md）：INPUTS 为外部平台导出文件，先在内存中导入")
@click.option("--db", help="数据库URL（SQLAlchemy 形式），含交换格式的 events 表（可另有 tickets、calls、"
                           "agent_status）")
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False),
              help="覆盖随包规则参数（rules.yaml）的 YAML 文件")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
@click.option("--as-of", type=click.DateTime(), default=None,
              help="判断未办结/无动作的参照时间（默认：最新事件的时间）")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default=None,
              help="duckdb（单机）或 spark（INPUTS 为含 NAME.parquet 的目录或 URI；docs/scale.md）；"
                   "默认：设置项 analysis_engine")
@click.option("--spark-master", help="Spark master URL（spark://host:7077、yarn、k8s://…、local[4]）；默认："
                                     "设置项 spark_master，否则 local[*]")
@click.option("--spark-conf", multiple=True, metavar="KEY=VALUE",
              help="任意 Spark 配置，可重复（spark.executor.memory=8g …）")
@click.option("--partitions", type=click.IntRange(1), help="Spark 混洗分区数（spark.sql.shuffle.partitions）；默认：设置项 "
                   "spark_partitions，为 0 时按输入大小与核数确定（docs/scale.md）")
def analyze_command(inputs, mapping_file, db, rules_file, out, as_of, engine, spark_master, spark_conf, partitions):
    """在事件日志上运行监督规则；写出问题线索、指标、风险评级、Excel 与 HTML 报告。"""
    from rexian.analytics.garbage import fewer_collections

    with fewer_collections():  # from the imports on: the analysis' objects are freed without the collector
        _analyze(inputs, mapping_file, db, rules_file, out, as_of, engine, spark_master, spark_conf, partitions)


def _analyze(inputs, mapping_file, db, rules_file, out, as_of, engine, spark_master, spark_conf, partitions):
    from rexian.analytics.analyze import analyze, enabled_rules
    from rexian.analytics.config import load_config
    from rexian.analytics.engine import CompiledRules
    from rexian.analytics.outputs import write_all
    from rexian.settings import analysis_cache_dir, load_settings

    config = load_config(rules_file)
    if as_of is None and config.get("analysis", {}).get("as_of"):
        as_of = datetime.fromisoformat(str(config["analysis"]["as_of"]))
    engine = engine or load_settings()["analysis_engine"]
    unreadable: list[str] = []  # input files that could not be read (a mapped run only)
    if engine == "spark":
        if mapping_file or db:
            raise click.UsageError("--engine spark 读取 Parquet 交换目录，不能与 --mapping 或 --db 同用")
        analysis, written = _analyze_on_spark(inputs, config, out, as_of, spark_master, spark_conf, partitions)
        written = write_all(analysis, out) + written
    else:
        missing = [p for p in inputs if not Path(p).exists()]
        if missing:
            raise click.UsageError("不存在：" + ", ".join(missing))
        click.echo("读取数据 …", err=True)
        if not mapping_file and any(Path(p).is_file() for p in inputs):
            raise click.UsageError("输入的是原始导出文件，须给出 --mapping；不用映射时请给出交换文件目录")
        compiled = CompiledRules(analysis_cache_dir(load_settings()))  # the preparation's queries remembered too
        names: dict[str, str] = {}  # person id → name (outputs.names_in: people, roster, else the events')
        data = (_load_mapped(mapping_file, inputs, as_of, out, unreadable, compiled, names)
                if mapping_file else _load_data(db, inputs, as_of, compiled, names))
        run, _skipped = enabled_rules(data, config)
        with click.progressbar(length=len(run), label="运行规则", file=click.get_text_stream("stderr")) as bar:
            analysis = analyze(data, config, progress=lambda _rule_id: bar.update(1),
                               inputs=[db] if db else [str(p) for p in inputs], compiled=compiled)
        analysis.names = names
        written = write_all(analysis, out)
    s = analysis.summary
    click.echo(f"{s['tickets']} 张工单、{s['events']} 个事件；问题线索 {s['findings']} 条。")
    for family, count in sorted(s["findings_by_family"].items()):
        click.echo(f"  {FAMILIES.get(family, family)}: {count}")
    if s["rules_skipped"]:
        click.echo("未运行(缺少数据表或已关闭)：" + ", ".join(s["rules_skipped"]))
    if s.get("rules_idle"):
        click.echo("无需运行(数据中没有该规则关注的动作)：" + ", ".join(s["rules_idle"]))
    for rule_id, sources in (s.get("rules_cannot_judge") or {}).items():
        click.echo(f"无法判断(来源缺少该规则所需字段，或所需记录表为空)：{rule_id}：{', '.join(sources)}")
    click.echo("输出：" + ", ".join(dict.fromkeys(Path(p).relative_to(out).parts[0] for p in written)))
    if unreadable:
        # The findings cover only what could be read: a script must not take them for the whole export.
        click.echo(f"输入文件未能完整读取，结果不完整：{'、'.join(dict.fromkeys(unreadable))}（见 rejects.csv）", err=True)
        raise SystemExit(2)


@click.command("evaluate")
@click.option("--truth", required=True, type=click.Path(exists=True, dir_okay=False), help="真值文件（truth.jsonl）")
@click.option("--findings", "findings_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="问题线索文件（findings.jsonl）")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="另把完整结果写成 JSON")
@click.option("--show", default=10, show_default=True,
              help="终端上每条规则列出的漏报与误报条数")
def evaluate_command(truth, findings_file, json_out, show):
    """问题线索对照真值：按规则和问题类别的精确率、召回率与 F1，并列出每条规则的漏报与误报（JSON 中为全部）。"""
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
