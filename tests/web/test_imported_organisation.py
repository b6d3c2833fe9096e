"""A database of imported data, made usable in the browser as docs/web.md tells: `rexian org draft` reads the
units and people off the imported log (keeping the export's own names as ids, the strings the events carry),
the draft is loaded with a supervisor added, accounts are opened, and each person sees their own part."""

from pathlib import Path

from click.testing import CliRunner

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_database
from rexian.service.org_draft import draft_organisation, draft_yaml, unit_kind
from tests.importing.conftest import FLOW_HEADER, FLOW_MAPPING, FLOW_ROWS, write_csv

PASSWORD = "imported-pass-1"


def _imported(tmp_path):
    """A fresh database holding only an imported export: no organisation, no people, no accounts."""
    import os
    from datetime import datetime

    from rexian.bootstrap import bootstrap
    from rexian.demo.scripted import StepClock
    from rexian.settings import load_settings

    settings = load_settings(overrides={"realtime_rules": False, "key_file": os.environ.get("REXIAN_KEY_FILE")},
                             environ={})
    url = f"sqlite:///{tmp_path / 'imported.db'}"
    app = bootstrap(url, settings=settings, clock=StepClock(datetime(2026, 3, 2, 8, 30)))
    export = {key: value for key, value in FLOW_MAPPING.items() if key != "constants"}  # no channel column
    import_to_database(app.engine, [write_csv(tmp_path / "flow.csv", FLOW_HEADER, FLOW_ROWS)],
                       mapping_from_dict(export))
    return app, url


def test_unit_kinds_are_suggested_by_their_names():
    assert [unit_kind(n) for n in ("东城街道办事处", "南门社区居委会", "李庄村委会", "东城区人民政府", "市城市管理局")] == \
        ["street", "community", "community", "district", "department"]


def test_the_draft_names_the_exports_units_and_people_with_roles_from_what_they_did(tmp_path):
    app, _ = _imported(tmp_path)
    draft = draft_organisation(app.engine)
    units = {u["id"]: u for u in draft["units"]}
    assert units["市热线中心"]["kind"] == "centre" and units["东城街道"]["kind"] == "street"
    assert {"城管局", "环保局", "住建局"} <= set(units)
    people = {p["id"]: p for p in draft["people"]}
    assert people["派单员李四"]["unit"] == "市热线中心" and people["派单员李四"]["roles"] == ["dispatcher"]
    assert people["经办人钱七"] == {"id": "经办人钱七", "name": "经办人钱七", "unit": "住建局", "roles": ["handler"]}


def test_an_imported_database_gets_accounts_by_the_docs_and_each_person_sees_their_part(tmp_path):
    from fastapi.testclient import TestClient

    from rexian.cli import main
    from rexian.web.app import create_app
    from tests.web.conftest import sign_in

    app, url = _imported(tmp_path)
    runner = CliRunner()
    org_file = tmp_path / "org.yaml"
    drafted = runner.invoke(main, ["org", "draft", "--db", url, "--out", str(org_file)])
    assert drafted.exit_code == 0, drafted.output
    text = org_file.read_text(encoding="utf-8")  # what the docs say to do: add the supervisor, then load
    text = text.replace("people:\n", "people:\n  - {id: J01, name: 监督员甲, unit: 市热线中心, roles: [supervisor]}\n")
    Path(org_file).write_text(text, encoding="utf-8")
    loaded = runner.invoke(main, ["org", "load", "--db", url, str(org_file)])
    assert loaded.exit_code == 0, loaded.output
    for person in ("经办人钱七", "J01"):
        added = runner.invoke(main, ["user", "add", person, "--db", url, "--password", PASSWORD])
        assert added.exit_code == 0, added.output

    web = create_app(app)
    handler, supervisor = TestClient(web), TestClient(web)
    assert sign_in(handler, "经办人钱七", PASSWORD).status_code == 303
    assert sign_in(supervisor, "J01", PASSWORD).status_code == 303
    listed = handler.get("/tickets").text
    assert 'href="/tickets/GD002"' in listed and 'href="/tickets/GD001"' not in listed  # 住建局 leads GD002 only
    assert handler.get("/tickets/GD001").status_code == 404
    timeline = supervisor.get("/tickets/GD001").text
    assert "派单" in timeline and "派单员李四" in timeline and "市热线中心" in timeline
    assert "（）" not in timeline  # an export without a channel shows none, not empty brackets
    assert supervisor.get("/desk/findings").status_code == 200
    handler.close()
    supervisor.close()


def test_the_draft_file_is_an_organisation_file_that_loads_as_it_is(tmp_path):
    from rexian.service.org_admin import apply_org_changes, read_org_file

    app, _ = _imported(tmp_path)
    path = tmp_path / "org.yaml"
    path.write_text(draft_yaml(draft_organisation(app.engine)), encoding="utf-8")
    assert apply_org_changes(app, None, read_org_file(path)) > 0
    assert app.organisation().person("经办人钱七").unit_id == "住建局"


def test_the_dashboard_says_cannot_judge_where_the_export_lacks_the_data_never_zero(tmp_path):
    """The flow export has no address, no return request, no visit and no call records: those rates are
    「无法判断」 with the reason, on the card and on the chart, not 0 %."""
    from rexian.analytics.config import load_config
    from rexian.service.dashboard import rates

    app, _ = _imported(tmp_path)
    by_id = {r["metric_id"]: r for r in rates(app.engine, load_config())}
    for metric_id in ("repeat_rate", "return_rate", "satisfaction_rate", "connection_rate"):
        rate = by_id[metric_id]
        assert rate["value"] is None and rate["missing"], metric_id
        assert all(point["value"] is None for point in rate["trend"]), metric_id
    assert "地址" in by_id["repeat_rate"]["missing"] and "退单" in by_id["return_rate"]["missing"]


def test_people_written_as_staff_numbers_are_named_from_the_imported_roster(tmp_path):
    from rexian.adapters.record_store import store_records

    app, _ = _imported(tmp_path)
    with app.engine.begin() as connection:
        store_records(connection, "roster", [
            {"person_id": "经办人钱七", "name": "钱七", "unit_id": "住建局"},
            {"person_id": "派单员李四", "name": "  ", "unit_id": "市热线中心"},  # a blank name names nobody
            {"person_id": "不在日志中", "name": "赵九", "unit_id": "住建局"}])
    people = {p["id"]: p for p in draft_organisation(app.engine)["people"]}
    assert people["经办人钱七"]["name"] == "钱七" and people["经办人钱七"]["unit"] == "住建局"
    assert people["派单员李四"]["name"] == "派单员李四"  # no name in the roster: the id, as before
    assert "不在日志中" not in people  # the roster names people; the log says who worked here
