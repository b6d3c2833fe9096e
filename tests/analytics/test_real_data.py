"""`rexian check-real`: our reconstruction of snapshot logs against the log's own counters, every
disagreement explained. A hand-made snapshot log gives exact figures; cuts of the real logs (read from
../shared/data/real at test time, skipped without it) must leave nothing unexplained."""

import csv
import gzip
import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from rexian import real_data as rd
from rexian.cli import main
from rexian.importing.mapping import load_mapping

ROOT = Path(__file__).resolve().parents[2]
MAPPINGS = ROOT / "docs" / "mappings"
CANDIDATES = [Path(os.environ["REXIAN_REAL_DATA"])] if os.environ.get("REXIAN_REAL_DATA") else [
    ROOT.parent / "shared" / "data" / "real", ROOT.parent.parent / "shared" / "data" / "real"]
REAL = next((path for path in CANDIDATES if path.exists()), CANDIDATES[0])

HEADER = ["number", "incident_state", "reassignment_count", "reopen_count", "sys_mod_count", "sys_updated_by",
          "sys_updated_at", "opened_at", "assignment_group", "assigned_to"]
# (incident, state, reassignment_count, reopen_count, sys_mod_count, updated at, group) in file order
SNAPSHOTS = [
    ("INC1", "New", 0, 0, 0, "1/3/2016 08:00", "Group A"),   # agrees: one move A → B, counted by both
    ("INC1", "Active", 1, 0, 1, "1/3/2016 09:00", "Group B"),
    ("INC1", "Active", 1, 0, 1, "1/3/2016 09:00", "Group B"),  # an exact repeat: rejected, left out of the check
    ("INC2", "Active", 0, 0, 0, "1/3/2016 08:00", "Group A"),  # group emptied and left empty: the log counts it
    ("INC2", "Closed", 1, 0, 1, "2/3/2016 08:00", "?"),
    ("INC3", "Active", 0, 0, 0, "1/3/2016 08:00", "Group A"),  # emptied, then set to B: the log counts 2, we 1
    ("INC3", "Active", 1, 0, 1, "1/3/2016 09:00", "?"),
    ("INC3", "Active", 2, 0, 2, "1/3/2016 10:00", "Group B"),
    ("INC4", "Active", 0, 0, 0, "1/3/2016 08:00", "Group A"),  # the counter grows, the group does not change
    ("INC4", "Active", 1, 0, 1, "1/3/2016 09:00", "Group A"),
    ("INC5", "Active", 0, 0, 0, "1/3/2016 08:00", "Group A"),  # updates 1 and 2 missing from the sample
    ("INC5", "Active", 1, 0, 3, "1/3/2016 09:00", "Group A"),
    ("INC6", "New", 0, 0, 0, "1/3/2016 08:00", "Group A"),     # ping-pong A → B → A, both counters agree
    ("INC6", "Active", 1, 0, 1, "1/3/2016 09:00", "Group B"),
    ("INC6", "Active", 2, 0, 2, "1/3/2016 10:00", "Group A"),
    ("INC7", "New", 0, 0, 1, "1/3/2016 11:10", "Group C"),     # a stray row: counter 1 again, stamped after 2
    ("INC7", "New", 0, 0, 1, "1/3/2016 09:52", "Group C"),
    ("INC7", "Resolved", 0, 0, 2, "1/3/2016 11:03", "Group C"),
    ("INC8", "New", 0, 0, 0, "1/3/2016 08:00", "?"),           # opened without a group: both count the first
    ("INC8", "Active", 1, 0, 1, "1/3/2016 09:00", "Group A"),
    ("INC9", "Resolved", 0, 0, 0, "1/3/2016 08:00", "Group A"),  # a real reopen, counted by both
    ("INC9", "Active", 0, 1, 1, "2/3/2016 08:00", "Group A"),
]


def write_snapshots(path):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for number, state, reassigned, reopened, mod, at, group in SNAPSHOTS:
        writer.writerow([number, state, reassigned, reopened, mod, "someone", at, "1/3/2016 07:55", group, "?"])
    path.write_bytes(gzip.compress(buffer.getvalue().encode("utf-8")))
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tiny")
    path = write_snapshots(directory / "servicenow_incidents.csv.gz")
    return directory, rd.check_servicenow(path, load_mapping(MAPPINGS / "servicenow.yaml"))


def test_the_tiny_snapshot_log_imports_every_row_but_the_repeated_one(tiny):
    _directory, check = tiny
    assert (check.rows_in, check.rows_imported, check.rows_rejected, check.incidents) == (22, 21, 1, 9)


def test_every_reassignment_disagreement_gets_its_cause(tiny):
    _directory, check = tiny
    r = check.reassignments
    assert (r.agreeing, r.incidents) == (5, 9)
    assert dict(r.by_cause) == {rd.EMPTIED_AT_END: 1, rd.EMPTIED_THEN_SET: 1, rd.SAME_GROUP: 1, rd.MOD_GAP: 1}
    assert {cause: r.examples[cause] for cause in r.by_cause} == {
        rd.EMPTIED_AT_END: ["INC2"], rd.EMPTIED_THEN_SET: ["INC3"], rd.SAME_GROUP: ["INC4"], rd.MOD_GAP: ["INC5"]}
    assert (r.ours_total, r.theirs_total) == (5, 9) and not r.unexplained


def test_the_stray_snapshot_is_the_one_reopen_disagreement(tiny):
    _directory, check = tiny
    r = check.reopens
    assert (r.agreeing, r.incidents) == (8, 9)
    assert r.disagreements == [("INC7", 1, 0, (rd.OUT_OF_ORDER,))]


def test_bp_pingpong_finds_exactly_the_raw_a_b_a_incident(tiny):
    _directory, check = tiny
    assert (check.pingpong_findings, check.raw_pingpong, check.pingpong.agreeing) == (1, 1, 9)
    assert check.pingpong_with_fewer_than_two_moves == 0


def test_check_real_prints_the_agreement_table_and_writes_every_disagreement(tiny, tmp_path):
    directory, _check = tiny
    result = CliRunner().invoke(main, ["check-real", "--data-dir", str(directory), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "reassignment_count: 5/9 incidents agree (55.6%)" in result.output
    assert "helpdesk.xes.gz not found: skipped" in result.output
    lines = (tmp_path / "servicenow_disagreements.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 4 + 1  # header, four reassignment and one reopen disagreements


def real_file(name):
    path = REAL / name
    if not path.exists():
        pytest.skip(f"real data {name} not present")
    return path


@pytest.mark.realdata
def test_a_cut_of_the_servicenow_log_leaves_no_disagreement_unexplained(tmp_path):
    source = real_file("servicenow_incidents.csv.gz")
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        lines = [next(handle) for _ in range(5001)]
    last = lines[-1].split(",", 1)[0]
    lines = [line for line in lines if not line.startswith(last + ",")]  # whole incidents only
    cut = tmp_path / "servicenow_incidents.csv.gz"
    cut.write_bytes(gzip.compress("".join(lines).encode("utf-8")))
    check = rd.check_servicenow(cut, load_mapping(MAPPINGS / "servicenow.yaml"))
    assert check.rows_in == check.rows_imported == len(lines) - 1
    for agreement in (check.reassignments, check.reopens, check.pingpong):
        assert not agreement.unexplained, agreement.name
    assert check.reassignments.percent > 75
    assert all(ours < theirs for _t, ours, theirs, _c in check.reassignments.disagreements)  # never invented
    assert check.pingpong_findings == check.raw_pingpong and check.pingpong.percent == 100
    assert check.pingpong_with_fewer_than_two_moves == 0


@pytest.mark.realdata
def test_a_cut_of_the_helpdesk_log_has_one_workgroup_per_case_and_no_pingpong(tmp_path):
    text = gzip.decompress(real_file("helpdesk.xes.gz").read_bytes()).decode("utf-8")
    end = 0
    for _ in range(400):
        end = text.index("</trace>", end) + len("</trace>")
    cut = tmp_path / "helpdesk.xes.gz"
    cut.write_bytes(gzip.compress((text[:end] + "\n</log>\n").encode("utf-8")))
    check = rd.check_helpdesk(cut, load_mapping(MAPPINGS / "helpdesk_xes.yaml"))
    assert check.tickets == 400 and check.rows_in == check.rows_imported + check.rows_rejected
    assert set(check.reject_reasons) <= {"重复行"}
    assert check.cases_with_several_workgroups == 0 and "BP-PINGPONG" not in check.findings_by_rule
