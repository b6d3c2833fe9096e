"""Foreign exports in three platform styles (tests/importing/foreign_exports.py) through `analyze --mapping`'s
path: every expected finding met with the right family, ticket and person, and no near-miss alarm."""

import pytest

from rexian.analytics.analyze import analyze
from rexian.analytics.config import load_config
from rexian.analytics.tables import from_frames
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_frames

from .foreign_exports import generate, mapping, score, write


def findings_of(paths, style):
    report, events, tickets = import_to_frames(paths, mapping_from_dict(mapping(style)))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects][:5]
    families = {"buck_passing", "repeat_complaint"}
    analysis = analyze(from_frames(events, tickets), load_config())
    return [f for f in analysis.findings if f.family in families]


@pytest.mark.parametrize("style", ["A", "B", "C"])
def test_an_unseen_export_of_each_style_meets_every_expected_finding_and_no_near_miss_alarms(tmp_path, style):
    export = generate(style, seed=7)
    result = score(export, findings_of(write(style, export, tmp_path), style))
    assert result["met"] == result["expected"] and result["alarms"] == 0, result
