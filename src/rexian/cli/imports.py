"""`rexian import` and `rexian export`: other platforms' exports in, interchange files and XES out."""

from __future__ import annotations

from pathlib import Path

import click

from rexian.cli.options import db_option, open_engine
from rexian.domain.records import RECORD_TABLES


def _engine(url: str):
    from rexian.adapters.database import make_engine, migrate

    engine = make_engine(url)
    migrate(engine)
    return engine


@click.command("import")
@click.option("--mapping", "mapping_path", type=click.Path(exists=True, dir_okay=False),
              help="映射文件（YAML），见 docs/importing.md")
@click.option("--db", "db_url", help="写入的数据库 URL（如 sqlite:///rexian.db）")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="不写数据库，写出交换文件到此目录")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="--out 时交换文件的格式")
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False),
              help="拒收行清单（CSV）；默认写到 rejects.csv（--out 时在该目录下）")
@click.option("--batch", "batch_tickets", default=500, show_default=True, help="每个事务写入的工单数")
@click.option("--as", "actor_id", default=None, help="导入组织机构表时的操作人（管理员）；组织为空时可省略")
@click.option("--status", is_flag=True, help="不导入：列出数据库中最近的导入批次（被中断的标为 interrupted）")
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def import_command(mapping_path, db_url, out_dir, fmt, rejects_path, batch_tickets, actor_id, status, inputs) -> None:
    """导入其他平台的导出文件（CSV/Excel/JSON Lines/Parquet/XES）；--status 列出导入批次。"""
    from rexian.importing.counters import counter_agreement
    from rexian.importing.mapping import MappingError, load_mapping
    from rexian.importing.pipeline import import_to_database, import_to_directory

    if status:
        if not db_url:
            raise click.UsageError("--status 需要 --db")
        _import_status(db_url)
        return
    if not mapping_path or not inputs:
        raise click.UsageError("请给出 --mapping 和要导入的文件")
    if bool(db_url) == bool(out_dir):
        raise click.UsageError("请给出 --db（写入数据库）或 --out（写出交换文件）之一")
    try:
        mapping = load_mapping(mapping_path)
    except MappingError as error:
        raise click.ClickException(str(error)) from None
    if out_dir:
        report = import_to_directory(out_dir, list(inputs), mapping, fmt)
    elif mapping.mode == "table":
        report = _import_table(db_url, actor_id, list(inputs), mapping)
    else:
        with ProgressBar("导入") as progress:
            report = import_to_database(_engine(db_url), list(inputs), mapping, batch_tickets, progress=progress)
    rejects_path = Path(rejects_path or (Path(out_dir) / "rejects.csv" if out_dir else "rejects.csv"))
    report.rejects.write_csv(rejects_path)
    for line in report.summary_lines():
        click.echo(line)
    click.echo(f"拒收清单：{rejects_path}（{len(report.rejects.rejects)} 条）")
    for line in counter_agreement(report, mapping):
        click.echo(line)
    if report.rejects.failed():  # scripts must notice: rows were rejected or a file could not be read
        click.echo("导入不完整：有拒收的行或无法读取的文件（退出码 1），见拒收清单", err=True)
        raise SystemExit(1)


def _import_status(db_url: str, shown: int = 20) -> None:
    """The newest import runs, after marking those whose lease expired (importing/runs.py)."""
    from sqlalchemy import select

    from rexian.adapters import tables as t
    from rexian.importing.runs import mark_interrupted

    engine = open_engine(db_url)
    for run in mark_interrupted(engine):
        click.echo(f"第{run['import_id']}批导入（{run['source']}）已超过租约时间未续约（进程已不在运行），标为中断（interrupted），"
                   f"最后进展于{run['finished_at']}；用同样的命令重新导入即可补全", err=True)
    c = t.imports.c
    with engine.connect() as connection:
        runs = connection.execute(select(t.imports).order_by(c.import_id.desc()).limit(shown)).all()
    for run in reversed(runs):
        last = run.finished_at or run.progressed_at
        click.echo(f"{run.import_id}\t{run.status}\t{run.source}\t开始 {run.started_at}\t"
                   f"{'结束' if run.finished_at else '最后进展'} {last}\t新增工单 {run.tickets_added or 0}\t"
                   f"拒收行 {run.rows_rejected or 0}\t{run.inputs.splitlines()[0] if run.inputs else ''}")
    if not runs:
        click.echo("数据库中还没有导入批次")


class ProgressBar:
    """`progress(done, total)` drawn as a bar with rows per second and the time left, on a terminal only:
    nothing at all when standard error is piped or redirected (logs and scripts stay clean)."""

    def __init__(self, label: str):
        import sys

        self.label, self.on = label, sys.stderr.isatty()
        self.bar, self.done, self.began = None, 0, 0.0

    def __enter__(self) -> "ProgressBar":
        return self

    def __call__(self, done: int, total: int) -> None:
        import time

        if not self.on:
            return
        if self.bar is None:
            self.began = time.monotonic()
            self.bar = click.progressbar(length=max(total, 1), label=self.label, show_pos=True, show_eta=True,
                                         item_show_func=lambda rate: rate, file=click.get_text_stream("stderr"))
            self.bar.__enter__()
        done = min(done, total)
        if done - self.done < max(total // 200, 1000) and done < total:
            return  # redrawn every half per cent: drawing is not free
        seconds = max(time.monotonic() - self.began, 1e-6)
        self.bar.update(done - self.done, f"{done / seconds:,.0f} 行/秒")
        self.done = done

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _import_table(db_url: str, actor_id: str | None, inputs: list[str], mapping):
    """Units, people, categories or catalogue rows into the organisation, all or nothing; calls, agent status
    and roster rows stored as imported (importing/record_tables.py)."""
    from rexian.bootstrap import bootstrap
    from rexian.domain.errors import WorkflowError
    from rexian.domain.org_changes import OrgProblems
    from rexian.importing.org_tables import org_changes
    from rexian.importing.pipeline import build
    from rexian.importing.record_tables import import_records
    from rexian.service.org_admin import apply_org_changes

    report = build(inputs, mapping)
    if mapping.table in RECORD_TABLES:
        return import_records(_engine(db_url), report, mapping, inputs)
    try:
        changed = apply_org_changes(bootstrap(db_url), actor_id, org_changes(mapping.table, report.table_rows))
    except (OrgProblems, WorkflowError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"组织机构：变更 {changed} 项")
    return report


@click.command("export")
@db_option
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="输出目录")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="交换文件的格式")
@click.option("--xes/--no-xes", default=False, help="另写 events.xes.gz（过程挖掘工具可读）")
def export_command(db_url, out_dir, fmt, xes) -> None:
    """导出交换文件（events、tickets），可选 XES。"""
    from rexian.importing.interchange import export_database
    from rexian.settings import load_settings

    counts = export_database(open_engine(db_url, migrate=False), out_dir, fmt, xes, load_settings().timezone)
    click.echo("，".join(f"{name} {count}" for name, count in counts.items()) + f" → {out_dir}")


@click.command("export-findings")
@click.argument("findings", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="输出的 .xlsx 文件")
@click.option("--metrics", "metrics_path", type=click.Path(exists=True, dir_okay=False),
              help="指标（JSON 对象：指标名 → 数值），写入“指标”工作表")
@click.option("--unmask-reason", "reason", default=None, metavar="理由",
              help="导出不遮盖个人信息的版本，须说明理由（至少4个字），并用 --as 指明导出人；记入该库的审计日志")
@click.option("--as", "person_id", default=None, metavar="人员编号", help="导出人（监督员），与 --unmask-reason 同用")
@db_option
def export_findings_command(findings, out_path, metrics_path, reason, person_id, db_url) -> None:
    """把问题线索（findings.jsonl）和指标导出为 Excel。证据中市民的电话、身份证号、银行卡号默认遮盖；
    --unmask-reason 理由 --as 人员编号 导出原文，每件涉及的工单记入审计日志（disclose）。"""
    import json

    from rexian.importing.excel_report import read_findings, write_findings_workbook
    from rexian.web.privacy import disclose_findings

    metrics = json.loads(Path(metrics_path).read_text(encoding="utf-8")) if metrics_path else None
    place = f"导出问题线索（{Path(out_path).name}）"
    if reason is None and person_id is None:
        shown = disclose_findings(None, None, read_findings(findings), place, _now())
    else:
        app, reader = _unmasking_reader(db_url, person_id, reason)
        shown = disclose_findings(app.engine, reader, read_findings(findings), place, app.clock(), reason.strip())
    count = write_findings_workbook(shown, out_path, metrics)
    click.echo(f"问题线索 {count} 条 → {out_path}（{'未遮盖个人信息，已记入审计日志' if reason else '个人信息已遮盖'}）")


def _now():
    from datetime import datetime

    return datetime.now().replace(microsecond=0)


def _unmasking_reader(db_url, person_id, reason):
    """The supervisor who exports findings unmasked, on the database whose audit log records it."""
    from rexian.cli.options import fail, open_app
    from rexian.domain.errors import MissingField, NotAllowed
    from rexian.web.auth import principal_of

    if not reason or len(reason.strip()) < 4:
        fail(MissingField("unmask.reason_required", "导出未遮盖的个人信息必须用 --unmask-reason 说明理由（至少4个字）"))
    if not person_id:
        fail(MissingField("unmask.reader_required", "导出未遮盖的个人信息必须用 --as 指明导出人（监督员）"))
    app = open_app(db_url)
    reader = principal_of(app.organisation(), person_id, via="cli")
    if reader is None or not reader.has_role("supervisor"):
        fail(NotAllowed("unmask.role", f"只有在岗的监督员可以导出未遮盖的个人信息：{person_id}"))
    return app, reader


@click.group("mapping")
def mapping_group() -> None:
    """为陌生的导出文件起草映射（suggest）并试运行映射（check）。"""


@mapping_group.command("suggest")
@click.option("--sheet", default=None, help="Excel 工作表名称（默认第一个）")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="把建议的映射写入此 YAML 文件")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def mapping_suggest_command(sheet, out_path, inputs) -> None:
    """按表头和取值（中文同义词、动作词及其次数）建议一份映射，供人核对修改。"""
    import yaml

    from rexian.importing.suggest import suggest

    proposal, notes = suggest([Path(p) for p in inputs], sheet)
    text = yaml.safe_dump(proposal, allow_unicode=True, sort_keys=False)
    if out_path:
        Path(out_path).write_text(text, encoding="utf-8")
        click.echo(f"映射草稿 → {out_path}")
    else:
        click.echo(text)
    for note in notes:
        click.echo(f"# {note}")


@mapping_group.command("check")
@click.argument("mapping_path", type=click.Path(exists=True, dir_okay=False))
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def mapping_check_command(mapping_path, inputs) -> None:
    """试运行映射（不写任何数据）：读入行数、事件数、未映射的动作词、规则缺少的字段。有拒收时退出码为 1。"""
    from rexian.importing.mapping import MappingError, load_mapping
    from rexian.importing.mapping_check import check

    try:
        mapping = load_mapping(mapping_path)
    except MappingError as error:
        raise click.ClickException(str(error)) from None
    report, lines = check([Path(p) for p in inputs], mapping)
    for line in lines:
        click.echo(line)
    if report.rejects.failed():
        raise SystemExit(1)


commands = [import_command, export_command, export_findings_command, mapping_group]
