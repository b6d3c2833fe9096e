"""`rexian findings`: the supervision findings stored in the database — list, show, confirm, dismiss, and
load the findings.jsonl written by `rexian analyze` (batch) into the store."""

from __future__ import annotations

import json

import click

from rexian.domain.errors import WorkflowError

STATUS_ZH = {"new": "待核查", "confirmed": "已确认", "dismissed": "已排除"}
DB_OPTION = click.option("--db", help="Database URL (default: the `db` setting).")


def _store(db: str | None):
    from rexian.adapters.database import make_engine, migrate
    from rexian.adapters.findings import FindingRepository
    from rexian.settings import load_settings

    engine = make_engine(db or load_settings()["db"])
    migrate(engine)
    return FindingRepository(engine)


def _now():
    from rexian.bootstrap import local_clock
    from rexian.settings import load_settings

    return local_clock(load_settings()["timezone"])()


@click.group("findings")
def findings_group() -> None:
    """Stored supervision findings (问题线索): review and decide."""


@findings_group.command("list")
@DB_OPTION
@click.option("--status", type=click.Choice(list(STATUS_ZH)), help="Only this status.")
@click.option("--rule", "rule_id", help="Only this rule id.")
@click.option("--unit", "unit_id", help="Only findings against this unit.")
@click.option("--ticket", "ticket_id", help="Only findings about this ticket.")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def list_command(db, status, rule_id, unit_id, ticket_id, limit, as_json):
    """List findings, newest first."""
    for finding in _store(db).list(status, rule_id, unit_id, ticket_id, limit):
        if as_json:
            click.echo(json.dumps(finding, ensure_ascii=False))
        else:
            click.echo(f"{finding['finding_key']:<40} {finding['severity']:<7} {STATUS_ZH[finding['status']]:<4} "
                       f"{finding['unit_id'] or '-':<8} {finding['person_id'] or '-':<8} "
                       f"{','.join(finding['ticket_ids'][:3])} {finding['detected_at']}")


@findings_group.command("show")
@click.argument("key")
@DB_OPTION
def show_command(key, db):
    """One finding with its evidence and the history of decisions."""
    store = _store(db)
    finding = store.get(key)
    if finding is None:
        raise click.ClickException(f"问题线索不存在：{key}")
    click.echo(json.dumps({**finding, "history": store.history(key)}, ensure_ascii=False, indent=1))


def _decide(decision: str):
    @click.argument("key")
    @DB_OPTION
    @click.option("--by", "actor_id", required=True, help="The deciding supervisor's person id.")
    @click.option("--reason", required=True, help="Why (required; kept in the history).")
    def command(key, db, actor_id, reason):
        try:
            finding = _store(db).decide(key, decision, actor_id, reason, _now())
        except WorkflowError as error:
            raise click.ClickException(f"[{error.rule}] {error.message}") from None
        click.echo(f"{key}: {STATUS_ZH[finding['status']]}（{finding['decided_by']}）")

    command.__doc__ = {"confirm": "Confirm a finding (supervisors only).",
                       "dismiss": "Dismiss a finding (supervisors only)."}[decision]
    return findings_group.command(decision)(command)


_decide("confirm")
_decide("dismiss")


@findings_group.command("load")
@click.argument("file", type=click.Path(exists=True))
@DB_OPTION
def load_command(file, db):
    """Store the findings of a batch run (findings.jsonl of `rexian analyze`, or a directory of its
    month partitions, JSONL or Parquet, as `--engine spark` writes them); re-loading never duplicates
    and never overwrites a decision."""
    from rexian.analytics.findings_files import read_findings_any

    try:
        findings = read_findings_any(file)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    result = _store(db).upsert(findings, "batch", _now())
    click.echo(f"新增 {len(result['added'])} 条，更新 {len(result['updated'])} 条，未变 {len(result['kept'])} 条。")


commands = [findings_group]
