"""Foreign exports in three platform styles (tests/importing/foreign_exports.py) through `analyze --mapping`'s
path: every expected finding met with the right family, ticket and person, and no near-miss alarm."""

import pytest

from rexian.analytics.analyze import analyze
from rexian.analytics.config import load_config
from rexian.analytics.tables import from_frames
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_frames

from .foreign_exports import generate, generate_e, mapping, mapping_e, score, write, write_e


def findings_of(paths, style, raw=None):
    report, events, tickets = import_to_frames(paths, mapping_from_dict(raw or mapping(style)))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects][:5]
    families = {"buck_passing", "repeat_complaint"}
    analysis = analyze(from_frames(events, tickets), load_config())
    return [f for f in analysis.findings if f.family in families]


@pytest.mark.parametrize("style", ["A", "B", "C"])
def test_an_unseen_export_of_each_style_meets_every_expected_finding_and_no_near_miss_alarms(tmp_path, style):
    export = generate(style, seed=7)
    result = score(export, findings_of(write(style, export, tmp_path), style))
    assert result["met"] == result["expected"] and result["alarms"] == 0, result


def test_style_e_hand_overs_between_peers_are_found_and_a_forward_down_to_a_street_office_stays_silent(tmp_path):
    export, units = generate_e(seed=7)
    result = score(export, findings_of(write_e(export, units, tmp_path), "E", mapping_e()))
    assert result["met"] == result["expected"] == 12 and result["alarms"] == 0, result


def test_without_its_organisation_table_style_e_alarms_on_the_forwards_down(tmp_path):
    """The organisation table is what tells a forward down from a hand-over: without it, 转办 to a bureau's
    own street office without a call reads as an unchecked hand-over (what mapping check warns of)."""
    export, units = generate_e(seed=7)
    raw = {key: value for key, value in mapping_e().items() if key != "unit_tree"}
    paths = [p for p in write_e(export, units, tmp_path) if "组织机构" not in p.name]
    result = score(export, findings_of(paths, "E", raw))
    assert result["met"] == result["expected"] and result["alarms"] == 4, result
