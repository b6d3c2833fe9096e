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
    # both parts of the first set are development data since the second round (the fresh set is not)
    everything = misconduct_on_labels("all", teddy_dir)
    assert everything["pooled"]["precision"] >= 0.85 and everything["pooled"]["recall"] >= 0.8


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
