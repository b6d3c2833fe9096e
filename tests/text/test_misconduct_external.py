"""A labelled set kept outside the project (letters from other cities, whose words are never committed) is scored
by `rexian text-eval misconduct --external DIR` the same way as the Teddy sets: agreement of the two passes,
precision and recall with intervals, every error. Letters written for these tests."""

import csv
import json

from click.testing import CliRunner

from rexian.cli import main
from rexian.text.evaluation import misconduct_on_external

LETTERS = {
    "a1": "社区办理医保的工作人员态度极其恶劣，问几个问题就不耐烦。",   # reported, found
    "a2": "镇里的工作人员威胁我说：如果你不老实，就把你家给你拆了。",   # reported, found
    "a3": "小区门口的路灯坏了一个月，请相关部门修一下。",               # nothing
    "a4": "村里的账目从来不公开，大家都有意见。",                       # the labeller read more into it: a miss
}
LABELS = [("a1", "H", "H", "H"), ("a2", "H", "H", "H"), ("a3", "-", "-", "-"), ("a4", "E", "e", "E")]


def write_set(directory, labels=LABELS):
    directory.mkdir()
    with open(directory / "letters.jsonl", "w", encoding="utf-8") as handle:
        for letter_id, text in LETTERS.items():
            handle.write(json.dumps({"id": letter_id, "text": text}, ensure_ascii=False) + "\n")
    with open(directory / "labels.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["letter_id", "stratum", "split", "pass_a", "pass_b", "label", "note"])
        for letter_id, first, second, label in labels:
            writer.writerow([letter_id, "general", "external", first, second, label, ""])
    return directory


def test_an_external_set_is_scored_per_family_with_its_errors_and_the_agreement_of_its_passes(tmp_path):
    result = misconduct_on_external(write_set(tmp_path / "elsewhere"))
    hostile = result["families"]["hostile_attitude"]
    assert (hostile["tp"], hostile["fp"], hostile["fn"]) == (2, 0, 0)
    assert result["families"]["embezzlement"]["fn"] == 1
    assert ("漏报", "a4", "embezzlement") in [error[:3] for error in result["errors"]]
    assert result["agreement"]["letters"] == 4 and len(result["agreement"]["disagreements"]) == 1


def test_text_eval_misconduct_external_prints_the_table_with_intervals_and_targets(tmp_path):
    directory = write_set(tmp_path / "elsewhere")
    result = CliRunner().invoke(main, ["text-eval", "misconduct", "--external", str(directory), "--show", "5"])
    assert result.exit_code == 0, result.output
    assert "Cohen's kappa" in result.output and "hostile_attitude" in result.output
    assert "[0." in result.output and "目标 pooled recall ≥ 0.80" in result.output
    assert "漏报 [a4] embezzlement" in result.output


def test_a_set_without_its_labels_file_is_refused_in_chinese_and_nothing_is_scored(tmp_path):
    directory = write_set(tmp_path / "elsewhere")
    (directory / "labels.csv").unlink()
    result = CliRunner().invoke(main, ["text-eval", "misconduct", "--external", str(directory)])
    assert result.exit_code != 0
    assert "没有 labels.csv" in result.output and "precision" not in result.output


def test_a_label_whose_letter_has_no_text_is_refused_in_chinese(tmp_path):
    directory = write_set(tmp_path / "elsewhere", LABELS + [("a9", "H", "H", "H")])
    result = CliRunner().invoke(main, ["text-eval", "misconduct", "--external", str(directory)])
    assert result.exit_code != 0 and "找不到正文：a9" in result.output
