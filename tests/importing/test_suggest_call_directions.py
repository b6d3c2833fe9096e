"""`mapping suggest` on call records whose sample shows one direction only (issue 14): a day of follow-up calls
holds only 呼出, but the whole export holds 呼入 too — the vocabulary knows both, so the draft lists both and says
which was not seen; a sample with both is proposed as it is."""

from rexian.importing.suggest import suggest
from tests.importing.conftest import write_csv
from tests.importing.test_suggest_many_sheets import CALL_HEADER, export


def _draft(tmp_path, directions):
    workbook, _calls = export(tmp_path)  # a workbook export with its ticket sheet, flows, visits …
    calls = write_csv(tmp_path / "话务记录.csv", CALL_HEADER, [
        [f"C{n}", f"1380000000{n}", "A01", f"2026-04-01 08:5{n}", f"2026-04-01 08:5{n}", f"2026-04-01 09:0{n}", "H-1",
         word] for n, word in enumerate(directions)])
    return suggest([workbook, calls])


def test_a_sample_of_outbound_calls_only_still_gets_the_inbound_word_with_a_note(tmp_path):
    proposal, notes = _draft(tmp_path, ["呼出", "呼出", "人工呼出"])
    assert proposal["calls"]["values"]["direction"] == {"呼出": "out", "人工呼出": "out", "呼入": "in", "人工呼入": "in"}
    assert any("呼入" in note and "样本中未见" in note for note in notes), notes


def test_a_sample_of_inbound_calls_only_gets_the_outbound_word(tmp_path):
    proposal, _ = _draft(tmp_path, ["来电", "来电"])
    assert proposal["calls"]["values"]["direction"] == {"来电": "in", "去电": "out"}


def test_a_sample_with_both_directions_is_proposed_as_seen(tmp_path):
    proposal, notes = _draft(tmp_path, ["呼入", "呼出"])
    assert proposal["calls"]["values"]["direction"] == {"呼入": "in", "呼出": "out"}
    assert not any("样本中未见" in note and "呼叫方向" in note for note in notes)
