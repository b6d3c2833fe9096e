"""The two real logs import with the mappings shipped in docs/mappings (skipped without the data)."""

import os
from pathlib import Path

import pytest

from rexian.adapters.database import make_engine, migrate
from rexian.importing.counters import compare_counters
from rexian.importing.mapping import load_mapping
from rexian.importing.pipeline import import_to_database
from rexian.service.verify import verify_database

ROOT = Path(__file__).resolve().parents[2]
# ../shared/data/real beside the project (main checkout), or two levels up from a worktree; REXIAN_REAL_DATA wins.
CANDIDATES = [Path(os.environ["REXIAN_REAL_DATA"])] if os.environ.get("REXIAN_REAL_DATA") else [
    ROOT.parent / "shared" / "data" / "real", ROOT.parent.parent / "shared" / "data" / "real"]
REAL = next((path for path in CANDIDATES if path.exists()), CANDIDATES[0])
MAPPINGS = Path(__file__).resolve().parents[2] / "docs" / "mappings"

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


def real_file(name):
    path = REAL / name
    if not path.exists():
        pytest.skip(f"real data {name} not present")
    return path


def test_the_helpdesk_xes_log_imports_every_case(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    migrate(engine)
    report = import_to_database(engine, [real_file("helpdesk.xes.gz")], load_mapping(MAPPINGS / "helpdesk_xes.yaml"))
    assert report.rows_in == 21_348 and report.tickets_added == 4_580
    assert report.rows_in == report.rows_imported + report.rows_rejected
    # the only rejects are events repeated identically (same case, activity, time and attributes)
    assert all("重复" in r.reason for r in report.rejects.rejects) and report.rows_rejected < 200
    assert verify_database(engine).intact


def test_the_servicenow_audit_log_becomes_events_that_agree_with_its_own_counters(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'servicenow.db'}")
    migrate(engine)
    mapping = load_mapping(MAPPINGS / "servicenow.yaml")
    report = import_to_database(engine, [real_file("servicenow_incidents.csv.gz")], mapping, batch_tickets=2000)
    assert report.rows_in == 119_998 and report.rows_imported == 119_998 and report.tickets_added == 20_769
    agreement = {a.column: a for a in compare_counters(report.histories, mapping)}
    assert agreement["reopen_count"].percent > 99.9
    assert agreement["reassignment_count"].percent > 80  # the rest: snapshots missing from the sample
    assert all(diff < 0 for diff in agreement["reassignment_count"].differences)  # we never invent a move
