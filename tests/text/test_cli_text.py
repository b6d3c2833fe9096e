import csv

import pytest
from click.testing import CliRunner

from rexian.cli import main
from rexian.text.routing import load_router
from rexian.text.synthetic import generate_tickets


def test_train_router_learns_category_and_lead_unit_from_an_interchange_tickets_file(tmp_path):
    tickets = generate_tickets(300, seed=9)
    directory = tmp_path / "export"
    directory.mkdir()
    with open(directory / "tickets.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["ticket_id", "title", "content", "address", "category",
                                                    "lead_unit_id"])
        writer.writeheader()
        for item in tickets:
            writer.writerow({"ticket_id": item["ticket_id"], "title": item["title"], "content": item["content"],
                             "address": item["address"] or "", "category": item["category"],
                             "lead_unit_id": "U-" + item["category"][:2]})
    out = tmp_path / "model.joblib"
    result = CliRunner().invoke(main, ["train-router", str(directory), "--out", str(out), "--folds", "2"])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "目标 lead_unit" in result.output
    router = load_router(out)
    assert router.suggest("公司拖欠工资三个月不发", target="lead_unit", k=1)[0][0] == "U-劳动"


def test_train_router_says_which_columns_it_needs_when_it_cannot_find_them(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["train-router", str(path), "--out", str(tmp_path / "m.joblib")])
    assert result.exit_code != 0 and "--text-col" in str(result.exception)


@pytest.mark.realdata
def test_text_eval_replies_lists_the_empty_replies_and_the_specific_ones(teddy_dir, monkeypatch):
    monkeypatch.setenv("REXIAN_REAL_DATA", str(teddy_dir.parent))
    result = CliRunner().invoke(main, ["text-eval", "replies"])
    assert result.exit_code == 0, result.output
    assert "== 发现的空话答复 ==" in result.output and "已转交相关单位调查处置" in result.output
    assert "== 具体的答复（未标记，供核对）==" in result.output
