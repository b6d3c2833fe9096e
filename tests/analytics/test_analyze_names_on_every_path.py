"""`rexian analyze` names a person the same way on every path (issue 14): over interchange folders, over a
database (whose organisation's `people` table names people, as the desk does) and over a mapped export — the
name the organisation gives, else a roster's, else the one the events carry beside the code — and the findings
files keep the `person_id` the scorers and `findings load` key on, with the `person_name` beside it."""

import json
import os
from datetime import datetime

import pandas as pd
import pytest
from click.testing import CliRunner
from support.yunzhou_export import MAPPING, write_export

from rexian.cli import main

@pytest.fixture(scope="module")
def export(tmp_path_factory):
    return write_export(tmp_path_factory.mktemp("export"))


def _run(arguments) -> None:
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output


def _findings_of(out) -> list[dict]:
    return [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]


def _person_1101(out) -> tuple[set, str, dict]:
    findings = [f for f in _findings_of(out) if f.get("person_id") == "1101"]
    assert findings, "a finding on 1101 (the boilerplate replies)"
    html = (out / "report.html").read_text(encoding="utf-8")
    risk = pd.read_csv(out / "risk_person.csv", dtype=str, keep_default_na=False)
    return {f.get("person_name") for f in findings}, html, dict(zip(risk["subject"], risk["name"]))


def test_an_analysis_of_interchange_folders_names_the_person_the_events_carry_and_keeps_the_id(export, tmp_path):
    folder = tmp_path / "interchange"
    _run(["import", "--mapping", str(export / "mapping.yaml"), str(export / "工单流转明细.xlsx"), "--out", str(folder)])
    _run(["analyze", str(folder), "--out", str(tmp_path / "out")])
    written, html, risk = _person_1101(tmp_path / "out")
    assert written == {"张伟"}
    assert "责任：云州市城市管理局 / 张伟（1101）" in html
    assert risk["1101"] == "张伟"


def test_an_analysis_of_interchange_folders_takes_the_people_file_before_the_written_name(export, tmp_path):
    folder = tmp_path / "interchange"
    _run(["import", "--mapping", str(export / "mapping.yaml"), str(export / "工单流转明细.xlsx"), "--out", str(folder)])
    (folder / "people.csv").write_text("person_id,name,unit_id,roles,phone\n1101,张伟强,U1,handler,\n",
                                       encoding="utf-8")
    _run(["analyze", str(folder), "--out", str(tmp_path / "out")])
    written, html, risk = _person_1101(tmp_path / "out")
    assert written == {"张伟强"}
    assert "张伟强（1101）" in html and risk["1101"] == "张伟强"


def test_an_analysis_of_a_database_names_the_person_as_the_organisations_people_table_does(export, tmp_path):
    from sqlalchemy import insert

    from rexian.adapters import tables as t
    from rexian.adapters.record_store import staff_names
    from rexian.bootstrap import bootstrap
    from rexian.demo.scripted import StepClock
    from rexian.importing.mapping import mapping_from_dict
    from rexian.importing.pipeline import import_to_database
    from rexian.settings import load_settings

    settings = load_settings(overrides={"realtime_rules": False, "key_file": os.environ.get("REXIAN_KEY_FILE")},
                             environ={})
    url = f"sqlite:///{tmp_path / 'names.db'}"
    app = bootstrap(url, settings=settings, clock=StepClock(datetime(2026, 3, 2)))
    report = import_to_database(app.engine, [export / "工单流转明细.xlsx"], mapping_from_dict(MAPPING))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    with app.engine.begin() as connection:  # the organisation names 1101 otherwise than the export does
        connection.execute(insert(t.people), [{"person_id": "1101", "name": "张伟强", "unit_id": "U1",
                                               "roles": "handler", "active": True}])
        desk = staff_names(connection)
    app.engine.dispose()
    _run(["analyze", "--db", url, "--out", str(tmp_path / "out")])
    written, html, risk = _person_1101(tmp_path / "out")
    assert desk["1101"] == "张伟强" and written == {"张伟强"}  # the desk and the analysis alike
    assert "责任：云州市城市管理局 / 张伟强（1101）" in html and risk["1101"] == "张伟强"


def test_a_mapped_analysis_writes_the_name_beside_the_id_and_findings_load_still_reads_the_file(export, tmp_path):
    from rexian.analytics.findings_files import read_findings_any

    _run(["analyze", "--mapping", str(export / "mapping.yaml"), str(export / "工单流转明细.xlsx"),
          "--out", str(tmp_path / "out")])
    written, _html, _risk = _person_1101(tmp_path / "out")
    assert written == {"张伟"}
    line = next(f for f in _findings_of(tmp_path / "out") if f.get("person_id") == "1101")
    assert list(line)[list(line).index("person_id") + 1] == "person_name"  # beside the id
    assert {f["finding_key"] for f in read_findings_any(tmp_path / "out" / "findings.jsonl")} \
        == {f["finding_key"] for f in _findings_of(tmp_path / "out")}


def test_the_partitioned_findings_files_keep_the_name_beside_the_id_through_parquet(tmp_path):
    from rexian.analytics.findings_files import read_findings_any, write_partitioned

    finding = {"finding_key": "PR-BOILERPLATE:1101", "rule_id": "PR-BOILERPLATE", "family": "perfunctory_reply",
               "severity": "medium", "ticket_ids": ["YZ5"], "agent_id": None, "unit_id": "U1", "person_id": "1101",
               "person_name": "张伟", "evidence": {}, "detected_at": "2026-01-10 16:00:00", "status": "new"}
    unnamed = {**finding, "finding_key": "PR-BOILERPLATE:1102", "person_id": "1102"}
    del unnamed["person_name"]
    write_partitioned([finding, unnamed], tmp_path, {"YZ5": "2026-01"}, formats=("parquet",))
    read = {f["person_id"]: f for f in read_findings_any(tmp_path / "findings_parquet")}
    assert read["1101"]["person_name"] == "张伟" and "person_name" not in read["1102"]


def test_a_name_the_organisation_wrote_with_the_id_is_not_given_the_id_twice():
    from rexian.domain.records import named, person_names

    names = person_names({"0101": "王芳"}, [{"person_id": "1101", "name": "张伟", "start_date": None}],
                         [{"person_id": "0101", "name": "王芳（0101）"}, {"person_id": "0201", "name": "0201"}])
    assert names == {"0101": "王芳（0101）", "1101": "张伟"}
    assert named("0101", names) == "王芳（0101）" and named("1101", names) == "张伟（1101）"
    assert named("0201", names) == "0201"
