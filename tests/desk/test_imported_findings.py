"""A database fed only by `rexian import` shows all its findings on the desk without `analyze` + `findings
load`: the server's scheduled pass runs the whole rule set when imported events were added since its last
batch run — once per import, sharing the finding keys with the batch command (no finding twice). And the
bulletin of such a database counts each finding in the month the matter happened (its triggering event),
not in the month a batch run detected it."""

import time
from datetime import datetime

from click.testing import CliRunner

from desk.conftest import Clock
from rexian.adapters.findings import FindingRepository
from rexian.analytics.config import load_config
from rexian.cli import main
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_database
from rexian.service.scheduler import RuleScheduler
from tests.importing.conftest import FLOW_HEADER, FLOW_MAPPING, write_csv

CITIZEN_MONTHS = (1, 2, 3)  # one buck-passed ticket in each month of 2025


def _bounced_tickets(first: int = 0) -> list[list[str]]:
    """A ticket per month returned three times between two bureaus (推诿扯皮: BP-PINGPONG), then closed."""
    rows = []
    for offset, month in enumerate(CITIZEN_MONTHS):
        ticket, caller = f"GD{first + offset:03d}", f"市民{first + offset}"

        def at(day, hour, month=month):
            return f"{day:02d}/{month:02d}/2025 {hour:02d}:00"
        steps = [(3, 9, "受理", "话务员张三", "市热线中心", ""), (3, 10, "派单", "派单员李四", "市热线中心", "城管局"),
                 (4, 10, "回退", "经办人赵六", "城管局", ""), (4, 11, "派单", "派单员李四", "市热线中心", "环保局"),
                 (5, 10, "回退", "经办人钱七", "环保局", ""), (5, 11, "派单", "派单员李四", "市热线中心", "城管局"),
                 (6, 10, "回退", "经办人赵六", "城管局", ""), (6, 11, "派单", "派单员李四", "市热线中心", "住建局"),
                 (7, 10, "办结", "经办人孙八", "住建局", "")]
        rows += [[ticket, at(day, hour), action, actor, unit, target, "非本单位职责" if action == "回退" else "",
                  caller, "噪音"] for day, hour, action, actor, unit, target in steps]
    return rows


def _import(app, tmp_path, name, rows):
    import_to_database(app.engine, [write_csv(tmp_path / name, FLOW_HEADER, rows)], mapping_from_dict(FLOW_MAPPING))


def test_an_imported_export_shows_its_findings_once_the_server_starts_without_analyze(make_app, tmp_path):
    from fastapi.testclient import TestClient

    from rexian.bootstrap import web_app

    url = f"sqlite:///{tmp_path / 'imported.db'}"
    app = make_app(url, scheduled_rules_minutes=10)
    _import(app, tmp_path, "flow.csv", _bounced_tickets())
    store = FindingRepository(app.engine)
    assert store.count() == 0

    with TestClient(web_app(app)):  # the server starts: its scheduled pass runs beside it
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(store.list(rule_id="BP-PINGPONG")) < 3:
            time.sleep(0.2)
    found = store.list(rule_id="BP-PINGPONG")
    assert sorted(f["ticket_ids"][0] for f in found) == ["GD000", "GD001", "GD002"]
    assert {f["source"] for f in found} == {"batch"}

    # The batch command over the same log stores no second copy.
    runner = CliRunner()
    out = tmp_path / "out"
    assert runner.invoke(main, ["analyze", "--db", url, "--out", str(out)]).exit_code == 0
    loaded = runner.invoke(main, ["findings", "load", str(out / "findings.jsonl"), "--db", url])
    assert loaded.output.startswith("新增 0 条"), loaded.output


def test_the_whole_rule_set_runs_again_only_after_a_new_import(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'again.db'}")
    _import(app, tmp_path, "first.csv", _bounced_tickets())
    scheduler = RuleScheduler(app.engine, load_config(), Clock(datetime(2026, 4, 20, 9, 0)), 10)
    first = scheduler.run_once()
    assert first["batch"] and sum(key.startswith("BP-PINGPONG:") for key in first["added"]) == 3
    assert not scheduler.run_once()["batch"]  # nothing imported since
    restarted = RuleScheduler(app.engine, load_config(), Clock(datetime(2026, 4, 20, 9, 30)), 10)
    assert not restarted.run_once()["batch"]  # the marks are stored, not kept in the process

    _import(app, tmp_path, "second.csv", _bounced_tickets(first=10))
    again = restarted.run_once()
    assert again["batch"]
    assert sorted(key for key in again["added"] if key.startswith("BP-PINGPONG:")) == [
        "BP-PINGPONG:GD010", "BP-PINGPONG:GD011", "BP-PINGPONG:GD012"]
    assert again["contradicted"] == []  # the first import's findings are all found again
    assert FindingRepository(app.engine).count() == len(set(first["added"]) | set(again["added"]))


def test_the_setting_off_leaves_imported_history_to_the_batch_command(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'off.db'}")
    _import(app, tmp_path, "flow.csv", _bounced_tickets())
    scheduler = RuleScheduler(app.engine, load_config(), Clock(datetime(2026, 4, 20, 9, 0)), 10, batch_mode="off")
    result = scheduler.run_once()
    assert not result["batch"] and not any(key.startswith("BP-") for key in result["added"])


def test_workflow_events_alone_do_not_run_the_whole_rule_set_unless_asked(make_app, tmp_path):
    from rexian.domain import commands as c

    app = make_app(f"sqlite:///{tmp_path / 'workflow.db'}")
    app.handle(c.Intake(actor_id="A01", content="多福巷路灯不亮已经一周", category="0601", address="多福巷3号楼", channel="phone"))
    clock = Clock(datetime(2026, 4, 20, 9, 0))
    assert not RuleScheduler(app.engine, load_config(), clock, 10).run_once()["batch"]
    assert RuleScheduler(app.engine, load_config(), clock, 10, batch_mode="always").run_once()["batch"]


def test_the_bulletin_of_imported_data_counts_each_finding_in_the_month_its_matter_happened(make_app, tmp_path):
    import io

    from openpyxl import load_workbook
    from sqlalchemy import func, select

    from rexian.adapters import findings_tables as ft
    from rexian.service.bulletin import render_xlsx
    from rexian.service.desk import Desk

    app = make_app(f"sqlite:///{tmp_path / 'months.db'}")
    _import(app, tmp_path, "flow.csv", _bounced_tickets())
    RuleScheduler(app.engine, load_config(), Clock(datetime(2026, 4, 20, 9, 0)), 10).run_once()
    store = FindingRepository(app.engine)
    found = store.list(rule_id="BP-PINGPONG")
    # Detected by one batch run as of the log's newest event; happened when each ticket was passed on.
    assert {f["detected_at"][:7] for f in found} == {"2025-03"}
    assert sorted(f["occurred_at"][:7] for f in found) == ["2025-01", "2025-02", "2025-03"]
    assert all(f["occurred_at"] < f["detected_at"] or f["ticket_ids"] == ["GD002"] for f in found)
    store.decide("BP-PINGPONG:GD001", "dismiss", "J01", "经核实属于正常改派", datetime(2026, 4, 20, 10))

    desk = Desk(app.engine, Clock(datetime(2026, 4, 20, 11, 0)))
    c = ft.findings.c
    for month in ("2025-01", "2025-02", "2025-03"):
        content = desk.bulletin(desk.draft_bulletin("J01", month))["content"]
        start, end = datetime(2025, int(month[-2:]), 1), datetime(2025, int(month[-2:]) + 1, 1)
        with app.engine.connect() as connection:  # the store recounted by the bulletin's definition
            expected = dict(connection.execute(select(c.family, func.count()).where(
                c.occurred_at >= start, c.occurred_at < end, c.status != "dismissed").group_by(c.family)).all())
        assert {r["code"]: r["count"] for r in content["by_family"] if r["count"]} == expected
        assert content["total"] == sum(expected.values())
        sheet = load_workbook(io.BytesIO(render_xlsx(content)))["按类别"]
        assert [row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] == "合计"] == [content["total"]]
        pingpong = 0 if month == "2025-02" else 1  # February's was dismissed
        assert expected.get("buck_passing", 0) >= pingpong
    march = desk.bulletin(desk.draft_bulletin("J01", "2025-03"))["content"]
    assert march["previous_period"] == "2025-02"
    assert isinstance(march["previous_total"], int) and "上月" in march["preface"] and "无数据" not in march["preface"]
    # The export begins in January: December has no data, so January is compared with nothing, not with 0.
    january = desk.bulletin(desk.draft_bulletin("J01", "2025-01"))["content"]
    assert january["previous_total"] is None and "上月无数据，不作环比" in january["preface"]
    assert all(r["previous"] is None and r["change"] is None for r in january["by_family"] + january["by_unit"])
    sheet = load_workbook(io.BytesIO(render_xlsx(january)))["按类别"]
    assert [row[2] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] == "合计"] == ["无数据"]


def test_findings_files_say_when_the_matter_happened_and_older_files_still_load(make_app, tmp_path):
    """`analyze --mapping` stores nothing, so only the file can say when each matter happened: it carries
    `occurred_at` (the latest cited event), and a database that never saw those events keeps it. A file written
    before the field existed still loads, its times read off the stored log."""
    import json

    import yaml

    flow = write_csv(tmp_path / "flow.csv", FLOW_HEADER, _bounced_tickets())
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(FLOW_MAPPING, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    ran = runner.invoke(main, ["analyze", "--mapping", str(mapping), str(flow), "--out", str(out)])
    assert ran.exit_code == 0, ran.output
    lines = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    bounced = {f["ticket_ids"][0]: f["occurred_at"] for f in lines if f["rule_id"] == "BP-PINGPONG"}
    assert sorted(at[:7] for at in bounced.values()) == ["2025-01", "2025-02", "2025-03"]
    assert all(f["occurred_at"] for f in lines if f["evidence"].get("events"))

    empty = make_app(f"sqlite:///{tmp_path / 'empty.db'}")  # holds none of the export's events
    url = str(empty.engine.url)
    assert runner.invoke(main, ["findings", "load", str(out / "findings.jsonl"), "--db", url]).exit_code == 0
    stored = FindingRepository(empty.engine)
    assert stored.get("BP-PINGPONG:GD001")["occurred_at"] == bounced["GD001"]
    assert stored.get("BP-PINGPONG:GD001")["detected_at"][:7] == "2025-03"  # as of the export's last event

    imported = make_app(f"sqlite:///{tmp_path / 'imported.db'}")
    _import(imported, tmp_path, "again.csv", _bounced_tickets())
    old = tmp_path / "old_findings.jsonl"  # as written before findings files carried the field
    old.write_text("".join(json.dumps({k: v for k, v in f.items() if k != "occurred_at"}, ensure_ascii=False) + "\n"
                           for f in lines), encoding="utf-8")
    loaded = runner.invoke(main, ["findings", "load", str(old), "--db", str(imported.engine.url)])
    assert loaded.exit_code == 0 and loaded.output.startswith(f"新增 {len(lines)} 条"), loaded.output
    # The same times, read off the imported log by the store: the file's stamps and the log agree.
    again = FindingRepository(imported.engine)
    assert {f["finding_key"]: f["occurred_at"] for f in lines} == {
        f["finding_key"]: again.get(f["finding_key"])["occurred_at"] for f in lines}


def test_a_batch_run_marks_the_findings_it_no_longer_finds_and_deletes_none(make_app, tmp_path):
    """What `findings load --reconcile` does after a complete run, the server's batch run does itself: a stored
    finding of a rule that ran, not found again, is marked contradicted — kept, its decision and history
    with it; a dismissed one is left alone."""
    from rexian.analytics.registry import all_rules

    app = make_app(f"sqlite:///{tmp_path / 'reconcile.db'}")
    _import(app, tmp_path, "first.csv", _requested_returns())
    config = load_config()  # the buck-passing rules only: the other rules' runs cost time and prove nothing here
    config["rules"] = {rule_id: {**(config["rules"].get(rule_id) or {}), "enabled": rule_id.startswith("BP-")}
                       for rule_id in all_rules()}
    RuleScheduler(app.engine, config, Clock(datetime(2026, 4, 20, 9, 0)), 10).run_once()
    store = FindingRepository(app.engine)
    before = store.count()
    store.decide("BP-RETURNS:GD001", "dismiss", "J01", "经核实退单有据", datetime(2026, 4, 20, 9, 30))
    store.decide("BP-RETURNS:GD002", "confirm", "J01", "确系推诿扯皮", datetime(2026, 4, 20, 9, 31))

    # The centre now counts repeated returns from four: the next batch run (after the next import) no longer
    # finds the first three tickets, returned three times each.
    stricter = {**config, "rules": {**config["rules"], "BP-RETURNS": {**config["rules"]["BP-RETURNS"], "min_returns": 4}}}
    _import(app, tmp_path, "second.csv", _requested_returns(first=10))
    result = RuleScheduler(app.engine, stricter, Clock(datetime(2026, 4, 21, 9, 0)), 10).run_once()

    assert result["batch"]
    assert sorted(key for key in result["contradicted"] if key.startswith("BP-RETURNS:")) == [
        "BP-RETURNS:GD000", "BP-RETURNS:GD002"]  # GD001 was dismissed: nothing left to contradict
    assert not any(key.startswith("BP-RETURNS:") for key in result["added"])
    assert store.count() == before + len(result["added"])  # nothing deleted
    confirmed = store.get("BP-RETURNS:GD002")
    assert confirmed["status"] == "confirmed" and confirmed["contradicted_at"] and "未再发现" in confirmed["contradiction"]
    assert store.get("BP-RETURNS:GD001")["contradicted_at"] is None
    assert store.history("BP-RETURNS:GD000")[-1]["reason"].startswith("被数据推翻")


def _requested_returns(first: int = 0) -> list[list[str]]:
    """The same tickets, each return written as the unit's request (申请退单) — three requests per ticket:
    repeated returns (BP-RETURNS, from `min_returns` = 3)."""
    return [[*row[:2], "申请退单" if row[2] == "回退" else row[2], *row[3:]] for row in _bounced_tickets(first)]
