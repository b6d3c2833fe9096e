"""The labelled set of real letters: ids and labels only, a split fixed by the id, a reproducible draw, and
the evaluation that prints precision and recall with their intervals."""

import re

from click.testing import CliRunner

from rexian.text.evaluation import wilson_interval
from rexian.text.misconduct_labels import (
    FAMILY_CODES,
    cohen_kappa,
    draw_sample,
    is_held_out,
    load_labels,
    parse_label,
)


def test_the_committed_set_holds_ids_and_labels_only_never_letter_texts():
    rows = load_labels()
    assert len(rows) > 300
    assert set(rows[0]) == {"letter_id", "stratum", "split", "pass1", "pass2", "label", "settled"}
    label = re.compile(r"^(?:-|[HGEBhgeb](?:\+[HGEBhgeb])*)$")
    for row in rows:
        assert row["letter_id"].isdigit() and row["stratum"] in {"hit", "keyword", "random", "money"}
        assert label.match(row["pass1"]) and label.match(row["pass2"]) and label.match(row["label"])
        assert not re.search(r"[\u4e00-\u9fff]{12,}", row["settled"])  # an explanation may quote words, not letters


def test_the_held_out_part_is_a_fixed_function_of_the_letter_id():
    rows = load_labels()
    assert all(row["split"] == ("held_out" if is_held_out(row["letter_id"]) else "dev") for row in rows)
    share = sum(row["split"] == "held_out" for row in rows) / len(rows)
    assert 0.3 < share < 0.5


def test_every_disagreement_of_the_two_passes_says_how_it_was_settled():
    for row in load_labels():
        if row["pass1"] != row["pass2"]:
            assert row["settled"] and row["label"] in (row["pass1"], row["pass2"])
        else:
            assert row["label"] == row["pass1"]


def test_a_label_separates_reports_from_suspicions():
    assert parse_label("H+g") == ({"hostile_attitude"}, {"graft"})
    assert parse_label("-") == (set(), set())
    assert set(FAMILY_CODES.values()) == {"hostile_attitude", "graft", "embezzlement", "improper_banquet"}


def test_the_draw_is_reproducible_and_takes_every_flagged_letter():
    texts = {str(i): ("科长态度恶劣" if i % 7 == 0 else "路灯坏了") + ("收红包" if i % 11 == 0 else "") for i in range(400)}
    flagged = {key for key in texts if int(key) % 13 == 0}
    first, second = draw_sample(texts, flagged), draw_sample(texts, flagged)
    assert first == second
    assert {row["letter_id"] for row in first if row["stratum"] == "hit"} == flagged


def test_kappa_and_wilson_intervals():
    assert cohen_kappa([1, 0, 1, 0], [1, 0, 1, 0]) == 1.0
    assert abs(cohen_kappa([1, 1, 0, 0], [1, 0, 1, 0])) < 1e-9
    low, high = wilson_interval(9, 10)
    assert 0.55 < low < 0.6 and 0.98 < high <= 1.0
    assert wilson_interval(0, 0) is None


def test_text_eval_misconduct_prints_the_labelled_table_with_intervals_and_targets(teddy_dir, monkeypatch):
    from rexian.cli import main

    monkeypatch.setenv("REXIAN_REAL_DATA", str(teddy_dir.parent))
    result = CliRunner().invoke(main, ["text-eval", "misconduct", "--labelled", "--split", "dev", "--show", "0"])
    assert result.exit_code == 0, result.output
    assert "Cohen's kappa" in result.output and "pooled (3 families)" in result.output
    assert re.search(r"\d\.\d{3} \[\d\.\d\d, \d\.\d\d\]", result.output)
    assert "目标 pooled precision ≥ 0.85" in result.output


def test_on_the_development_letters_findings_stay_precise(teddy_dir):
    # A guard against regressions on the part the detector was developed on (the held-out part is read
    # only by `rexian text-eval misconduct --labelled`).
    from rexian.text.evaluation import misconduct_on_labels

    result = misconduct_on_labels("dev", teddy_dir)
    assert result["pooled"]["precision"] >= 0.85 and result["pooled"]["recall"] >= 0.7
    # every set whose results have been seen is development data: the first set, the fresh set, since the
    # fourth round the third set, since the fifth round the fourth set, since the sixth round the fifth set and,
    # since the seventh round, the sixth and seventh sets (1,666 letters); no untouched labelled set remains
    everything = misconduct_on_labels("all", teddy_dir)
    assert everything["letters"] == 1666
    assert everything["pooled"]["precision"] >= 0.85 and everything["pooled"]["recall"] >= 0.8
    third = misconduct_on_labels("fresh2", teddy_dir)  # the set whose misses started this round
    assert third["families"]["hostile_attitude"]["tp"] >= 9
    fourth = misconduct_on_labels("fresh3", teddy_dir)  # coldness told as conduct: the fifth round's misses
    assert fourth["families"]["hostile_attitude"]["tp"] >= 5
    # the sixth round's: name-calling, force on residents, a brush-off said several sentences after the officer
    # was named; and no public body blamed for what an enterprise did
    fifth = misconduct_on_labels("fresh4", teddy_dir)
    assert fifth["families"]["hostile_attitude"]["tp"] >= 4 and fifth["families"]["hostile_attitude"]["fp"] <= 1


def test_the_fresh_set_is_labelled_apart_and_shares_no_letter_with_the_first_set():
    fresh = load_labels(fresh=True)
    first = {row["letter_id"] for row in load_labels()}
    assert 130 <= len(fresh) <= 170 and not first & {row["letter_id"] for row in fresh}
    label = re.compile(r"^(?:-|[HGEBhgeb](?:\+[HGEBhgeb])*)$")
    for row in fresh:
        assert set(row) == {"letter_id", "stratum", "split", "label", "note"} and row["split"] == "fresh"
        assert row["stratum"] in {"hit", "keyword", "random"} and label.match(row["label"])
        assert not re.search(r"[\u4e00-\u9fff]{12,}", row["note"])


def test_the_fresh_draw_leaves_out_the_first_set_and_is_reproducible():
    from rexian.text.misconduct_labels import draw_fresh_sample

    texts = {str(i): ("科长态度恶劣" if i % 7 == 0 else "路灯坏了") for i in range(600)}
    flagged = {key for key in texts if int(key) % 13 == 0}
    exclude = {str(i) for i in range(0, 600, 2)}
    drawn = draw_fresh_sample(texts, flagged, exclude)
    assert drawn == draw_fresh_sample(texts, flagged, exclude)
    assert not exclude & {row["letter_id"] for row in drawn}
    assert {row["letter_id"] for row in drawn if row["stratum"] == "hit"} == flagged - exclude


def test_text_eval_misconduct_scores_the_fresh_set_and_says_it_was_labelled_once(teddy_dir, monkeypatch):
    from rexian.cli import main

    monkeypatch.setenv("REXIAN_REAL_DATA", str(teddy_dir.parent))
    result = CliRunner().invoke(main, ["text-eval", "misconduct", "--labelled", "--split", "fresh", "--show", "0"])
    assert result.exit_code == 0, result.output
    assert "一遍标注" in result.output and "fresh：147 封" in result.output


def _tiny_label_set(tmp_path, monkeypatch, rows):
    """A temporary label directory holding the first two sets as committed and a tiny third set, and a
    temporary teddy2020 directory holding the tiny set's letters; never the real third set."""
    import csv

    import pandas as pd

    from rexian.text import misconduct_labels

    labels = tmp_path / "labels"
    labels.mkdir()
    packaged = misconduct_labels._label_dir()
    for name in ("misconduct_labels.csv", "misconduct_labels_fresh.csv"):
        (labels / name).write_text(packaged.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    if rows is not None:
        with open(labels / "misconduct_labels_fresh2.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, ["letter_id", "stratum", "split", "pass_a", "pass_b", "label", "note"])
            writer.writeheader()
            writer.writerows({k: v for k, v in row.items() if k != "text"} for row in rows)
    monkeypatch.setattr(misconduct_labels, "_label_dir", lambda: labels)
    teddy = tmp_path / "real" / "teddy2020"
    teddy.mkdir(parents=True)
    frame = pd.DataFrame({"留言编号": [int(row["letter_id"]) for row in rows or []],
                          "留言主题": ["来信" for _ in rows or []], "留言详情": [row["text"] for row in rows or []]})
    for name in misconduct_labels.FILES:
        (frame if name == misconduct_labels.FILES[0] else frame.iloc[0:0]).to_excel(teddy / name, index=False)
    monkeypatch.setenv("REXIAN_REAL_DATA", str(teddy.parent))
    return teddy


TINY = [
    {"letter_id": "9001", "stratum": "keyword", "split": "fresh2", "pass_a": "H", "pass_b": "H", "label": "H",
     "note": "", "text": "派出所民警李某态度恶劣，还辱骂我"},
    {"letter_id": "9002", "stratum": "keyword", "split": "fresh2", "pass_a": "G", "pass_b": "g", "label": "g",
     "note": "hearsay", "text": "听说科长收了红包，不知真假"},
    {"letter_id": "9003", "stratum": "random", "split": "fresh2", "pass_a": "-", "pass_b": "-", "label": "-",
     "note": "", "text": "小区路灯坏了很久没人修"},
    {"letter_id": "9004", "stratum": "random", "split": "fresh2", "pass_a": "-", "pass_b": "H", "label": "-",
     "note": "a shop", "text": "水果店老板态度很差"},
]


def test_the_third_set_is_scored_with_the_agreement_of_its_two_labellers(tmp_path, monkeypatch):
    from rexian.cli import main
    from rexian.text.evaluation import misconduct_label_agreement, misconduct_on_labels

    teddy = _tiny_label_set(tmp_path, monkeypatch, TINY)
    result = misconduct_on_labels("fresh2", teddy)
    assert result["letters"] == 4
    assert result["families"]["hostile_attitude"]["tp"] == 1 and result["families"]["hostile_attitude"]["fp"] == 0
    assert result["families"]["graft"]["tp"] == 0 and result["families"]["graft"]["fn"] == 0
    (item,) = misconduct_label_agreement("fresh2")
    agreement = item["agreement"]
    assert agreement["columns"] == ("pass_a", "pass_b") and agreement["letters"] == 4
    assert len(agreement["disagreements"]) == 2
    # whole label: 2 of 4 agree (observed 0.5); chance (1·2 + 1·0 + 2·1) / 16 = 0.25; kappa 0.25 / 0.75
    assert abs(agreement["kappa_whole_label"] - 1 / 3) < 1e-9
    assert agreement["families"]["graft"]["positives_a"] == 1 and agreement["families"]["graft"]["positives_b"] == 0
    # per family three values (reported, lead, nothing): graft R/S disagree on 9002; chance 9/16
    assert abs(agreement["families"]["graft"]["kappa"] - (0.75 - 9 / 16) / (1 - 9 / 16)) < 1e-9
    assert agreement["families"]["graft"]["leads_b"] == 1
    banquet = agreement["families"]["improper_banquet"]["kappa"]
    assert banquet != banquet  # neither pass marked a banquet: no agreement figure, not a perfect one
    output = CliRunner().invoke(main, ["text-eval", "misconduct", "--labelled", "--split", "fresh2", "--show", "0"])
    assert output.exit_code == 0, output.output
    assert "标注集 fresh2（4 封，两遍标注 pass_a/pass_b）" in output.output and "分歧 2 处" in output.output
    assert "fresh2：4 封" in output.output and "improper_banquet —（两遍皆未标）" in output.output


def test_scoring_the_third_set_before_it_is_committed_says_so_in_chinese(tmp_path, monkeypatch):
    from rexian.cli import main

    _tiny_label_set(tmp_path, monkeypatch, None)
    output = CliRunner().invoke(main, ["text-eval", "misconduct", "--labelled", "--split", "fresh2"])
    assert output.exit_code != 0
    assert "标注集 fresh2 尚未提交" in output.output and "misconduct_labels_fresh2.csv" in output.output


def test_all_is_every_set_seen_so_far_the_sixth_set_included_since_its_one_run():
    from rexian.text.misconduct_labels import HELD_OUT_SET, label_sets, labelled_rows, load_label_set

    everything = {row["letter_id"] for row in labelled_rows("all")}
    names = ("first", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6")
    seen = {row["letter_id"] for name in names for row in load_label_set(name)}
    assert everything == seen and len(everything) == 1666
    assert "fresh5" in label_sets("all") and label_sets("fresh5") == ["fresh5"] and HELD_OUT_SET is None


def test_the_third_draw_takes_every_remaining_hit_and_keyword_letter_and_forty_random():
    from rexian.text.misconduct_labels import draw_fresh2_sample

    texts = {str(i): ("科长态度恶劣" if i % 7 == 0 else "路灯坏了") for i in range(900)}
    flagged = {key for key in texts if int(key) % 13 == 0}
    exclude = {str(i) for i in range(0, 900, 2)}
    drawn = draw_fresh2_sample(texts, flagged, exclude)
    assert drawn == draw_fresh2_sample(texts, flagged, exclude) and {row["split"] for row in drawn} == {"fresh2"}
    strata = {name: {row["letter_id"] for row in drawn if row["stratum"] == name} for name in ("hit", "keyword", "random")}
    assert strata["hit"] == flagged - exclude
    assert strata["keyword"] == {k for k in texts if k not in exclude and k not in flagged and int(k) % 7 == 0}
    assert len(strata["random"]) == 40 and not exclude & {row["letter_id"] for row in drawn}


def test_the_fourth_draw_takes_every_hit_and_draws_from_the_wider_net_outside_the_earlier_sets():
    from rexian.text.misconduct_labels import FRESH3_SIZES, draw_fresh3_sample

    texts = {str(i): ("他们拒绝受理" if i % 3 == 0 else "路灯坏了") for i in range(2000)}
    flagged = {key for key in texts if int(key) % 17 == 0}
    exclude = {str(i) for i in range(0, 2000, 2)}
    drawn = draw_fresh3_sample(texts, flagged, exclude)
    assert drawn == draw_fresh3_sample(texts, flagged, exclude) and {row["split"] for row in drawn} == {"fresh3"}
    strata = {name: {row["letter_id"] for row in drawn if row["stratum"] == name} for name in ("hit", "keyword", "random")}
    assert strata["hit"] == flagged - exclude
    assert len(strata["keyword"]) == FRESH3_SIZES["keyword"]
    assert all(texts[key] == "他们拒绝受理" and key not in flagged for key in strata["keyword"])
    assert len(strata["random"]) == FRESH3_SIZES["random"] and not exclude & {row["letter_id"] for row in drawn}


def test_the_fourth_set_has_two_passes_and_shares_no_letter_with_the_earlier_sets():
    from rexian.text.misconduct_labels import load_label_set

    fourth = load_label_set("fresh3")
    earlier = {row["letter_id"] for name in ("first", "fresh", "fresh2") for row in load_label_set(name)}
    assert len(fourth) == 250 and not earlier & {row["letter_id"] for row in fourth}
    label = re.compile(r"^(?:-|[HGEBhgeb](?:\+[HGEBhgeb])*)$")
    for row in fourth:
        assert row["split"] == "fresh3" and row["stratum"] in {"hit", "keyword", "random"}
        assert label.match(row["pass_a"]) and label.match(row["pass_b"]) and label.match(row["label"])
        assert row["label"] in (row["pass_a"], row["pass_b"]) or row["note"].startswith("settled")


def test_the_fifth_draw_adds_letters_naming_officials_outside_the_earlier_sets():
    from rexian.text.misconduct_labels import FRESH4_SIZES, draw_fresh4_sample

    words = {0: "他们拒绝受理", 1: "街道工作人员说明天再来", 2: "路灯坏了"}
    texts = {str(i): words[i % 3] for i in range(2000)}
    flagged = {key for key in texts if int(key) % 17 == 0}
    exclude = {str(i) for i in range(0, 2000, 2)}
    drawn = draw_fresh4_sample(texts, flagged, exclude)
    assert drawn == draw_fresh4_sample(texts, flagged, exclude) and {row["split"] for row in drawn} == {"fresh4"}
    strata = {name: {row["letter_id"] for row in drawn if row["stratum"] == name} for name in FRESH4_SIZES}
    assert strata["hit"] == flagged - exclude
    assert all(texts[key] == "他们拒绝受理" and key not in flagged for key in strata["keyword"])
    assert len(strata["officials"]) == FRESH4_SIZES["officials"]
    assert all(texts[key] == words[1] and key not in flagged for key in strata["officials"])
    assert all(texts[key] == words[2] for key in strata["random"]) and len(strata["random"]) == FRESH4_SIZES["random"]
    assert not exclude & {row["letter_id"] for row in drawn}


def test_the_fifth_set_has_two_passes_and_shares_no_letter_with_the_earlier_sets():
    from rexian.text.misconduct_labels import FRESH4_SIZES, load_label_set

    fifth = load_label_set("fresh4")
    earlier = {row["letter_id"] for name in ("first", "fresh", "fresh2", "fresh3") for row in load_label_set(name)}
    assert len(fifth) == 249 and not earlier & {row["letter_id"] for row in fifth}
    label = re.compile(r"^(?:-|[HGEBhgeb](?:\+[HGEBhgeb])*)$")
    for row in fifth:
        assert row["split"] == "fresh4" and row["stratum"] in FRESH4_SIZES
        assert label.match(row["pass_a"]) and label.match(row["pass_b"]) and label.match(row["label"])
        assert row["label"] in (row["pass_a"], row["pass_b"]) or row["note"].startswith("settled")


def test_the_sixth_and_seventh_draws_deal_each_stratum_alternately_to_the_held_out_and_the_dev_set():
    from rexian.text.misconduct_labels import FRESH56_SIZES, draw_fresh56_sample

    words = {0: "他的态度很差", 1: "这笔钱去了哪里", 2: "路灯坏了"}
    texts = {str(i): words[i % 3] for i in range(3000)}
    flagged = {key for key in texts if int(key) % 101 == 0}
    exclude = {str(i) for i in range(0, 3000, 2)}
    drawn = draw_fresh56_sample(texts, flagged, exclude)
    assert drawn == draw_fresh56_sample(texts, flagged, exclude)
    assert not exclude & {row["letter_id"] for row in drawn}
    ids = [row["letter_id"] for row in drawn]
    assert len(ids) == len(set(ids))
    for split in ("fresh5", "fresh6"):
        part = [row for row in drawn if row["split"] == split]
        strata = {name: [row for row in part if row["stratum"] == name] for name in FRESH56_SIZES}
        assert len(strata["keyword"]) == FRESH56_SIZES["keyword"] and len(strata["random"]) == FRESH56_SIZES["random"]
        assert all(texts[row["letter_id"]] != words[2] for row in strata["keyword"])
        assert all(texts[row["letter_id"]] == words[2] and row["letter_id"] not in flagged for row in strata["random"])
    hits = {row["letter_id"] for row in drawn if row["stratum"] == "hit"}
    assert hits <= flagged and len(hits) == 2 * FRESH56_SIZES["hit"]


def test_the_sixth_and_seventh_sets_have_two_passes_and_share_no_letter_with_any_other_set():
    from rexian.text.misconduct_labels import FRESH56_SIZES, LABEL_FILES, load_label_set

    label = re.compile(r"^(?:-|[HGEBhgeb](?:\+[HGEBhgeb])*)$")
    earlier = {row["letter_id"] for name in ("first", "fresh", "fresh2", "fresh3", "fresh4") for row in load_label_set(name)}
    seen = set(earlier)
    for name in ("fresh5", "fresh6"):
        rows = load_label_set(name)
        ids = {row["letter_id"] for row in rows}
        assert len(rows) == len(ids) == sum(FRESH56_SIZES.values()) and not seen & ids
        seen |= ids
        for row in rows:
            assert row["split"] == name and row["stratum"] in FRESH56_SIZES
            assert label.match(row["pass_a"]) and label.match(row["pass_b"]) and label.match(row["label"])
            assert row["label"] in (row["pass_a"], row["pass_b"])
            assert row["pass_a"] == row["pass_b"] or row["note"].startswith("settled")
    assert set(LABEL_FILES) >= {"fresh5", "fresh6"}


def test_the_splits_are_declared_once_every_label_file_a_split():
    from rexian.cli.text import LABEL_SPLITS
    from rexian.text.misconduct_labels import LABEL_FILES, SPLITS

    assert list(SPLITS) == ["all", "held_out", "dev", *LABEL_FILES] and LABEL_SPLITS is SPLITS


def test_the_seventh_sets_reports_are_found_without_a_false_alarm(teddy_dir):
    # fresh6 is development data: its one miss (a demand told as 「考核打分没烟少打分」) was read as a pattern
    from rexian.text.evaluation import misconduct_on_labels

    dev = misconduct_on_labels("fresh6", teddy_dir)
    assert dev["pooled"]["tp"] == 2 and dev["pooled"]["fp"] == 0 and dev["pooled"]["fn"] == 0
