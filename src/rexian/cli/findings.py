"""`rexian findings`: the supervision findings stored in the database — list, show, confirm, dismiss, and
load the findings.jsonl written by `rexian analyze` (batch) into the store."""

from __future__ import annotations

import json

import click

from rexian.cli.options import db_option, open_engine
from rexian.domain.vocabulary import FINDING_STATUSES as STATUS_ZH
from rexian.domain.vocabulary import SEVERITIES


def _store(db: str | None):
    from rexian.adapters.findings import FindingRepository

    return FindingRepository(open_engine(db))


def _now(store):
    """The database's time (a demo city's own: `bootstrap.database_clock`), as every command stamps."""
    from rexian.bootstrap import database_clock
    from rexian.settings import load_settings

    return database_clock(store.engine, load_settings())()


@click.group("findings")
def findings_group() -> None:
    """已存储的问题线索：查看与核查决定。"""


@findings_group.command("list")
@db_option
@click.option("--status", type=click.Choice(list(STATUS_ZH)), help="只看此状态（new 待核查 / confirmed 已确认 / dismissed 已排除）")
@click.option("--rule", "rule_id", help="只看此规则编号")
@click.option("--unit", "unit_id", help="只看此责任单位")
@click.option("--ticket", "ticket_id", help="只看涉及此工单的线索")
@click.option("--limit", default=50, show_default=True, help="最多列出的条数")
@click.option("--json", "as_json", is_flag=True, help="每行输出一个 JSON 对象")
def list_command(db_url, status, rule_id, unit_id, ticket_id, limit, as_json):
    """列出问题线索（最新在前）。"""
    for finding in _store(db_url).list(status, rule_id, unit_id, ticket_id, limit):
        if as_json:
            click.echo(json.dumps(finding, ensure_ascii=False))
        else:
            click.echo(f"{finding['finding_key']:<40} {SEVERITIES.get(finding['severity'], finding['severity']):<2} "
                       f"{STATUS_ZH[finding['status']]:<4} "
                       f"{finding['unit_id'] or '-':<8} {finding['person_id'] or '-':<8} "
                       f"{','.join(finding['ticket_ids'][:3])} {finding['detected_at']}")


@findings_group.command("show")
@click.argument("key")
@db_option
def show_command(key, db_url):
    """显示一条问题线索的证据及决定历史。"""
    store = _store(db_url)
    finding = store.get(key)
    if finding is None:
        raise click.ClickException(f"问题线索不存在：{key}")
    click.echo(json.dumps({**finding, "history": store.history(key)}, ensure_ascii=False, indent=1))


def _decide(decision: str):
    @click.argument("key")
    @db_option
    @click.option("--by", "actor_id", required=True, help="作出决定的监督员编号")
    @click.option("--reason", required=True, help="理由（必填，记入历史）")
    def command(key, db_url, actor_id, reason):
        store = _store(db_url)
        finding = store.decide(key, decision, actor_id, reason, _now(store))
        click.echo(f"{key}: {STATUS_ZH[finding['status']]}（{finding['decided_by']}）")

    command.__doc__ = {"confirm": "确认问题线索（仅监督员）。",
                       "dismiss": "排除问题线索（仅监督员）。"}[decision]
    return findings_group.command(decision)(command)


_decide("confirm")
_decide("dismiss")


@findings_group.command("load")
@click.argument("file", type=click.Path(exists=True))
@db_option
@click.option("--reconcile", is_flag=True,
              help="该文件是一次完整运行：库中同一批规则、而该文件不再包含的问题线索标为“数据已否定”（保留，不删除）")
def load_command(file, db_url, reconcile):
    """存入批量分析的问题线索（rexian analyze 输出的 findings.jsonl，或 --engine spark 写出的按月分区目录，
    JSONL 或 Parquet）；重复载入不重复、不覆盖已作的决定。"""
    from rexian.analytics.findings_files import FindingsFileError, checked_findings

    try:  # the whole file is checked before anything is stored, then stored as it is read again
        batches = checked_findings(file)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    except FindingsFileError as error:
        from rexian.domain.errors import InvalidInput

        raise InvalidInput(str(error)) from None
    store = _store(db_url)
    found: list[dict[str, str]] = []  # what --reconcile reads of the file: each finding's key and rule

    def kept_for_reconcile():
        for batch in batches:
            if reconcile:
                found.extend({"finding_key": f["finding_key"], "rule_id": f["rule_id"]} for f in batch)
            yield batch

    result = store.upsert_chunked(kept_for_reconcile(), "batch", _now(store))  # a city's findings: the web goes on meanwhile
    measured = f"，仅数值随时间增长 {len(result['measured'])} 条（不记录、不推送）" if result["measured"] else ""
    click.echo(f"新增 {len(result['added'])} 条，更新 {len(result['updated'])} 条{measured}，未变 {len(result['kept'])} 条。")
    if reconcile:
        marked = store.reconcile(found, f"重新分析（{file}）未再发现", _now(store))
        click.echo(f"数据已推翻 {len(marked)} 条（保留记录，标记为“数据已推翻”）。")


commands = [findings_group]
