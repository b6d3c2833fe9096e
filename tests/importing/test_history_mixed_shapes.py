"""One 处理过程 column written in several shapes — most cells run their steps on with 「；」, some number them, some
chain them with arrows — has each cell split by the shape it has (suggest proposes one separator with an
alternative per shape), instead of the minority cells being rejected; steps named in words (「第1步」「步骤1：」)
are a shape too; a cell whose steps still run on in a shape no separator cuts (「。」 before a time) is flagged."""

import csv
import json

import pytest

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.mapping_check import check
from rexian.importing.pipeline import import_to_frames
from rexian.importing.suggest import suggest

from .test_history_step_markers import CHAIN, PINGPONG, REPLY, SHAPES

WORDED = {
    "第1步": lambda steps: " ".join(f"第{n}步：{step}" for n, step in enumerate(steps, 1)),
    "第一步": lambda steps: "；".join(f"第{'一二三四五六七八九十'[n - 1]}步 {step}" for n, step in enumerate(steps, 1)),
    "步骤1：": lambda steps: " ".join(f"步骤{n}：{step}" for n, step in enumerate(steps, 1)),
    "步骤 1、": lambda steps: "\n".join(f"步骤 {n}、{step}" for n, step in enumerate(steps, 1)),
}


def _notes(events) -> list[str]:
    return [(p if isinstance(p, dict) else json.loads(p)).get("note") or "" for p in events.payload.tolist()]


def _write(tmp_path, cells, name="mixed.csv"):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([["工单编号", "受理时间", "诉求内容", "处理过程"]] + [
            [f"GD{n:03d}", "2024-03-02 09:00", "诉求", cell] for n, cell in enumerate(cells, 1)])
    return path


def _import_draft(path):
    proposal, notes = suggest([path])
    assert proposal["history"]["column"] == "处理过程", notes
    proposal["source"] = "cityX"
    report, events, _ = import_to_frames([path], mapping_from_dict(proposal))
    return proposal, notes, report, events


def test_a_column_mostly_run_on_with_semicolons_and_partly_numbered_or_arrowed_has_every_cell_split_by_its_own_shape(
        tmp_path):
    cells = [SHAPES["semicolons"](PINGPONG)] * 4 + [SHAPES["numbered"](PINGPONG), SHAPES["circled"](CHAIN),
                                                    SHAPES["arrow_chain"](CHAIN)]
    proposal, notes, report, events = _import_draft(_write(tmp_path, cells))
    assert (report.rows_in, report.rows_rejected) == (7, 0), [r.reason for r in report.rejects.rejects]
    sizes = events.groupby("ticket_id").size().to_dict()
    assert sizes == {"GD001": 6, "GD002": 6, "GD003": 6, "GD004": 6, "GD005": 6, "GD006": 4, "GD007": 4}
    assert not any("2024-" in note for note in _notes(events))
    assert any("各格按其写法拆分" in note for note in notes), notes
    assert not [note for note in report.rejects.notes if "同一行写了几步" in note.reason]


def test_a_reply_holding_numbers_and_arrows_is_still_not_cut_when_the_column_mixes_shapes(tmp_path):
    cells = [SHAPES["semicolons"](PINGPONG)] * 3 + [SHAPES["numbered"](CHAIN), SHAPES["arrow_chain"](CHAIN)]
    _, _, report, events = _import_draft(_write(tmp_path, cells))
    assert sum(REPLY in note for note in _notes(events)) == 5


@pytest.mark.parametrize("shape", sorted(WORDED))
def test_steps_named_in_words_are_split_by_suggests_draft(tmp_path, shape):
    cells = [WORDED[shape](PINGPONG), WORDED[shape](CHAIN), WORDED[shape](PINGPONG[:2])]
    _, _, report, events = _import_draft(_write(tmp_path, cells, "worded.csv"))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert events.groupby("ticket_id").size().to_dict() == {"GD001": 6, "GD002": 4, "GD003": 3}


def test_a_cell_whose_steps_run_on_in_a_shape_no_separator_cuts_is_still_flagged_by_mapping_check(tmp_path):
    cells = [SHAPES["semicolons"](PINGPONG)] * 4 + ["。".join(CHAIN)]
    path = _write(tmp_path, cells)
    proposal, _ = suggest([path])
    proposal["source"] = "cityX"
    report, lines = check([path], mapping_from_dict(proposal))
    assert report.rows_rejected == 0
    assert any("同一行写了几步" in line and "1 件" in line for line in lines), lines
