"""`rexian demo`: a simulated city in a fresh database, analysed, its findings stored, truth kept apart."""

import json
import re
from datetime import datetime, timedelta

from click.testing import CliRunner

from rexian.adapters.database import make_engine
from rexian.adapters.findings import FindingRepository
from rexian.bootstrap import bootstrap
from rexian.cli import main


def test_the_demo_city_is_verified_analysed_and_its_findings_stored(tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    out = tmp_path / "demo-out"
    result = CliRunner().invoke(main, ["demo", "--db", db, "--tickets", "400", "--seed", "3", "--out", str(out),
                                       "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "400件工单" in result.output and "哈希链完整" in result.output
    assert CliRunner().invoke(main, ["verify", "--db", db]).exit_code == 0
    # Every later process on the demo database (`rexian serve` restarted, `rexian do`) keeps the city's present.
    present = datetime.strptime(re.search(r"演示城市的当前时间：(\d{4}-\d\d-\d\d \d\d:\d\d)", result.output).group(1), "%Y-%m-%d %H:%M")
    assert present <= bootstrap(db, create=False).clock() < present + timedelta(minutes=10)

    stored = FindingRepository(make_engine(db)).count()
    written = (out / "analysis" / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    assert stored == len(written) > 0
    report = (out / "analysis" / "report.html").read_text(encoding="utf-8")
    assert '<script src="http' not in report and "问题线索" in report

    # The truth sits apart from the data the analyser read, and every family of abuse is injected.
    assert not any(p.name.startswith("truth") for p in (out / "data").iterdir())
    truth = [json.loads(line) for line in (out / "truth" / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({item["family"] for item in truth}) == 12
