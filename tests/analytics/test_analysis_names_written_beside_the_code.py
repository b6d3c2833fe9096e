"""`rexian analyze` on an export that writes a person as 姓名（工号） (issue 14): with no roster, every output that
names people (report.html, analysis.xlsx, risk_person.csv) names them by the name the export wrote beside the
code — 张伟（1101）, not the bare 1101 — through `--mapping` and through `--db`; a roster still wins."""

import json
import os
import zipfile
from datetime import datetime

import pandas as pd
import pytest
from click.testing import CliRunner
from support.yunzhou_export import MAPPING, write_export

from rexian.cli import main
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_database

@pytest.fixture(scope="module")
def export(tmp_path_factory):
    return write_export(tmp_path_factory.mktemp("export"))


def _analyse(arguments, out) -> None:
    result = CliRunner().invoke(main, ["analyze", *arguments, "--out", str(out)])
    assert result.exit_code == 0, result.output


def _shown_people(out) -> tuple[str, str, str]:
    html = (out / "report.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(out / "analysis.xlsx") as book:
        workbook = "".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))
    risk = pd.read_csv(out / "risk_person.csv", dtype=str, keep_default_na=False)
    return html, workbook, dict(zip(risk["subject"], risk.get("name", risk["subject"])))


def _assert_named(out) -> None:
    html, workbook, risk = _shown_people(out)
    assert "责任：云州市城市管理局 / 张伟（1101）" in html
    assert "<td>张伟（1101）</td>" in html  # the person risk ranking
    assert "张伟（1101）" in workbook
    assert risk.get("1101") == "张伟", risk
    findings = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any(f.get("person_id") == "1101" for f in findings)  # the id stays what findings key on


def test_an_analysis_of_an_export_written_name_and_code_names_the_person_in_every_output(export, tmp_path):
    _analyse(["--mapping", str(export / "mapping.yaml"), str(export / "工单流转明细.xlsx")], tmp_path)
    _assert_named(tmp_path)


def test_an_analysis_of_the_imported_database_with_no_organisation_names_the_person_too(export, tmp_path):
    from rexian.bootstrap import bootstrap
    from rexian.demo.scripted import StepClock
    from rexian.settings import load_settings

    settings = load_settings(overrides={"realtime_rules": False, "key_file": os.environ.get("REXIAN_KEY_FILE")},
                             environ={})
    url = f"sqlite:///{tmp_path / 'names.db'}"
    app = bootstrap(url, settings=settings, clock=StepClock(datetime(2026, 3, 2)))
    report = import_to_database(app.engine, [export / "工单流转明细.xlsx"], mapping_from_dict(MAPPING))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    app.engine.dispose()
    _analyse(["--db", url], tmp_path / "out")
    _assert_named(tmp_path / "out")


def test_a_roster_still_wins_over_the_name_the_events_carry_and_the_most_written_name_names_the_rest():
    from rexian.analytics.outputs import person_names

    events = pd.DataFrame({"actor_id": ["1101", "1101", "0101", "0101", "0101", None, "0201"],
                           "payload": ['{"actor_name": "张伟"}', {"actor_name": "张伟"}, '{"actor_name": "王芳"}',
                                       '{"actor_name": "王芳"}', '{"actor_name": "王小芳"}', '{"actor_name": "无人"}',
                                       '{"note": "已办结"}']})
    roster = [{"person_id": "1101", "name": "张伟强", "start_date": None}]
    assert person_names(events, roster) == {"1101": "张伟强", "0101": "王芳"}
