"""`rexian check-real`: import the real logs with the shipped mappings and check the reconstruction and the
rules against what the logs say about themselves (docs/real_data.md)."""

from __future__ import annotations

import csv
import json
from dataclasses import fields, is_dataclass
from pathlib import Path

import click

SERVICENOW, HELPDESK = "servicenow_incidents.csv.gz", "helpdesk.xes.gz"


def default_mappings_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "docs" / "mappings"


def agreement_lines(agreement) -> list[str]:
    lines = [f"{agreement.name}: {agreement.agreeing:,}/{agreement.incidents:,} incidents agree "
             f"({agreement.percent:.1f}%); ours {agreement.ours_total:,} vs the log's {agreement.theirs_total:,}"]
    if agreement.by_cause:
        lines.append(f"  {'cause of disagreement':<62}{'incidents':>10}{'steps':>8}{'ours−log':>10}  e.g.")
        for cause, incidents in agreement.by_cause.most_common():
            lines.append(f"  {cause:<62}{incidents:>10,}{agreement.steps_by_cause[cause]:>8,}"
                         f"{agreement.difference_by_cause[cause]:>+10,}  {', '.join(agreement.examples[cause])}")
        several = sum(1 for d in agreement.disagreements if len(d[3]) > 1)
        lines.append(f"  ({len(agreement.disagreements):,} disagreeing incidents, {several:,} of them with more than "
                     f"one cause; unexplained: {len(agreement.unexplained)})")
    return lines


def servicenow_lines(check) -> list[str]:
    lines = [f"ServiceNow ({SERVICENOW}): {check.rows_in:,} rows read, {check.rows_imported:,} imported, "
             f"{check.rows_rejected:,} rejected → {check.incidents:,} incidents, {check.events:,} events",
             f"BP-PINGPONG findings {check.pingpong_findings:,}; raw A→B→A in assignment_group "
             f"{check.raw_pingpong:,}; findings on incidents whose reassignment_count is below 2 (an A→B→A needs "
             f"two moves): {check.pingpong_with_fewer_than_two_moves:,}"]
    for agreement in (check.reassignments, check.reopens, check.pingpong):
        lines += agreement_lines(agreement)
    return lines


def helpdesk_lines(check) -> list[str]:
    reasons = ", ".join(f"{reason} {n:,}" for reason, n in check.reject_reasons.most_common()) or "none"
    lines = [f"Helpdesk ({HELPDESK}): {check.rows_in:,} events read, {check.rows_imported:,} imported, "
             f"{check.rows_rejected:,} rejected ({reasons}) → {check.tickets:,} tickets, {check.events:,} events",
             f"BP-PINGPONG findings: {check.findings_by_rule.get('BP-PINGPONG', 0):,} "
             f"(cases dispatched to more than one workgroup: {check.cases_with_several_workgroups:,}); "
             f"cases passing from person A to B and back to A: {check.cases_bouncing_between_people:,}",
             "findings by rule: " + ", ".join(f"{rule} {n:,}" for rule, n in sorted(check.findings_by_rule.items()))]
    return lines


def _plain(value):
    """Dataclasses and Counters as plain JSON values (dataclasses.asdict garbles a Counter)."""
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def write_outputs(out: Path, servicenow, helpdesk) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    summary = {}
    if servicenow is not None:
        path = out / "servicenow_disagreements.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["check", "incident", "ours", "log", "causes"])
            for agreement in (servicenow.reassignments, servicenow.reopens, servicenow.pingpong):
                for ticket, ours, theirs, causes in agreement.disagreements:
                    writer.writerow([agreement.name, ticket, ours, theirs, "; ".join(causes)])
        written.append(path)
        summary["servicenow"] = _plain(servicenow)
        for name in ("reassignments", "reopens", "pingpong"):
            summary["servicenow"][name].pop("disagreements")
    if helpdesk is not None:
        summary["helpdesk"] = _plain(helpdesk)
    path = out / "check_real.json"
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return [*written, path]


@click.command("check-real")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="Directory holding servicenow_incidents.csv.gz and helpdesk.xes.gz "
                   "(default: $REXIAN_REAL_DATA or ../shared/data/real).")
@click.option("--mappings", "mappings_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Directory holding servicenow.yaml and helpdesk_xes.yaml (default: docs/mappings).")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Also write check_real.json and servicenow_disagreements.csv (every disagreeing incident).")
def command(data_dir, mappings_dir, out):
    """Import the real logs with the shipped mappings; compare our reconstruction and BP-PINGPONG with the
    ServiceNow log's own counters and explain every disagreement; report the helpdesk log's findings."""
    from rexian.importing.mapping import load_mapping
    from rexian.real_data import check_helpdesk, check_servicenow
    from rexian.text.evaluation import real_data_dir

    data = Path(data_dir) if data_dir else (real_data_dir() or Path("../shared/data/real"))
    mappings = Path(mappings_dir) if mappings_dir else default_mappings_dir()
    servicenow = helpdesk = None
    if (data / SERVICENOW).exists():
        click.echo("ServiceNow …", err=True)
        servicenow = check_servicenow(data / SERVICENOW, load_mapping(mappings / "servicenow.yaml"))
        click.echo("\n".join(servicenow_lines(servicenow)))
    else:
        click.echo(f"{data / SERVICENOW} not found: skipped")
    if (data / HELPDESK).exists():
        click.echo("helpdesk …", err=True)
        helpdesk = check_helpdesk(data / HELPDESK, load_mapping(mappings / "helpdesk_xes.yaml"))
        click.echo("\n" + "\n".join(helpdesk_lines(helpdesk)))
    else:
        click.echo(f"{data / HELPDESK} not found: skipped")
    if servicenow is None and helpdesk is None:
        raise click.UsageError(f"no real data in {data}")
    if out:
        click.echo("written: " + ", ".join(str(p) for p in write_outputs(Path(out), servicenow, helpdesk)))
