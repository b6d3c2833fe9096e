from datetime import datetime, timedelta

import numpy
import pytest

from rexian.text.evaluation import pair_precision_recall
from rexian.text.matter_index import SameMatterIndex, TermWeights, link_batch
from rexian.text.places import place_keys
from rexian.text.matter_pairs import prepare, same_matter
from rexian.text.synthetic import generate_tickets

T0 = datetime(2024, 5, 1, 9)


def ticket(ticket_id, title, content, days=0, **extra):
    return {"ticket_id": ticket_id, "title": title, "content": content, "received_at": T0 + timedelta(days=days), **extra}


FUMES_1 = ticket("A", "A3区润芳园小区临街门面油烟直排扰民", "润芳园小区楼下的饭店油烟直排，每天熏得没法开窗")
FUMES_2 = ticket("B", "润芳园小区楼下饭店油烟太大", "我们小区临街的饭店油烟直排，严重影响生活", days=9)
LIFT = ticket("C", "润芳园小区电梯经常坏", "物业不修电梯，老人上下楼很困难", days=9)
FUMES_ELSEWHERE = ticket("D", "水木兰庭小区楼下饭店油烟直排扰民", "水木兰庭小区临街饭店油烟直排，每天熏得没法开窗", days=3)


@pytest.mark.parametrize("text, expected", [
    ("A3区梅溪湖看云路润芳园小区临街门面", ["梅溪湖看云路", "润芳园"]),
    ("请求硬化A4区沙坪街道竹安村的道路", ["竹安村"]),
    ("浏阳市康山祥市场", ["康山祥市场"]),
    ("网约车司机绕路多收费", []),
    ("学校周末强制补课", []),
])
def test_place_keys_keep_named_places_and_drop_administrative_prefixes_and_common_nouns(text, expected):
    assert place_keys(text) == expected


def test_two_reports_of_the_same_problem_at_the_same_place_are_the_same_matter():
    result = same_matter(FUMES_1, FUMES_2)
    assert result.same and result.shared_places == ["润芳园"]
    assert any("同一地点" in reason for reason in result.reasons)


def test_another_problem_at_the_same_place_is_not_the_same_matter():
    assert not same_matter(FUMES_1, LIFT).same


def test_the_same_problem_at_another_named_place_is_not_the_same_matter():
    result = same_matter(FUMES_1, FUMES_ELSEWHERE)
    assert not result.same and any("地点不同" in reason for reason in result.reasons)


def test_reports_further_apart_than_the_window_are_not_the_same_matter():
    late = dict(FUMES_2, received_at=T0 + timedelta(days=45))
    result = same_matter(FUMES_1, late, window_days=30)
    assert not result.same and any("时间窗口" in reason for reason in result.reasons)
    assert same_matter(FUMES_1, late, window_days=60).same


def test_coordinates_far_apart_rule_out_and_close_ones_support():
    a = ticket("E", "路灯坏了一直不亮", "晚上走路很危险", lon=112.90, lat=28.20)
    near = ticket("F", "路灯不亮", "路灯坏了一直不亮，晚上很黑", days=2, lon=112.9005, lat=28.2004)
    far = dict(near, lon=112.95, lat=28.25)
    assert same_matter(a, near).same and same_matter(a, near).distance_m < 100
    assert not same_matter(a, far).same


def test_the_index_finds_earlier_reports_at_intake_and_words_the_warning():
    index = SameMatterIndex(window_days=30)
    for item in (FUMES_1, LIFT, FUMES_ELSEWHERE):
        index.add(item)
    new = ticket("N", "润芳园小区饭店油烟扰民", "润芳园楼下饭店油烟直排，熏得没法开窗", days=12)
    matches = index.lookup(new)
    assert [match.ticket_id for match in matches] == ["A"]
    assert index.intake_warning(new) == "该地点近30天已有1件同类诉求（最近：A）"
    assert index.intake_warning(ticket("X", "公交班次太少", "等一个小时", days=12)) is None


def test_batch_linking_on_generated_tickets_recovers_the_true_matters():
    tickets = generate_tickets(3000, seed=21)
    groups = link_batch(tickets)
    truth = {}
    for item in tickets:
        truth.setdefault(item["matter_id"], []).append(item["ticket_id"])
    precision, recall, _, _ = pair_precision_recall(groups, truth.values())
    assert precision > 0.75 and recall > 0.95


def test_batch_linking_does_not_compare_all_pairs(monkeypatch):
    tickets = generate_tickets(2000, seed=5)
    scored = 0
    original = SameMatterIndex._candidates

    def counting(self, *args, **kwargs):
        nonlocal scored
        candidates = original(self, *args, **kwargs)
        scored += len(candidates)
        return candidates

    monkeypatch.setattr(SameMatterIndex, "_candidates", counting)
    groups = link_batch(tickets)
    assert groups and 0 < scored < len(tickets) * 20  # all pairs would be ~2,000,000


def test_batch_scores_of_all_candidates_at_once_are_the_same_floats_as_one_pair_at_a_time():
    from rexian.text.matter_index import TermTable, _cosine, _norm
    from rexian.text.matter_pairs import combined_similarity, weigh

    tickets = generate_tickets(1500, seed=12)
    weights = TermWeights.fit(tickets)
    featured = [weigh(prepare(item), weights) for item in tickets]
    table = TermTable(featured)
    index = SameMatterIndex(weights, window_days=30)
    compared = kept = 0
    for item, feature in enumerate(featured):
        positions = index._candidates(feature, 30)
        if positions:
            similarity = table.similarity(item, numpy.asarray(positions))
            bounds = table.best_scores(item, numpy.asarray(positions), similarity)
            norms = (_norm(feature.terms), _norm(feature.title_terms))
            for position, one_at_once, bound in zip(positions, similarity, bounds):
                single = index._judge(feature, norms, position, 30)
                assert one_at_once == combined_similarity(
                    _cosine(feature.terms, norms[0], index._terms[position], index._norms[position]),
                    _cosine(feature.title_terms, norms[1], index._titles[position], index._title_norms[position]))
                # The bound never drops a candidate the one-at-a-time judge keeps.
                assert single is None or bound >= index.threshold
                compared += 1
                kept += single is not None
        index.add(None, feature)
    assert compared > 1000 and kept > 100


def test_term_weights_make_rare_bigrams_weigh_more_than_common_ones():
    weights = TermWeights.fit([{"title": "油烟扰民", "content": f"第{i}家饭店"} for i in range(100)]
                              + [{"title": "魅力之城", "content": ""}])
    assert weights("魅力") > weights("油烟")


@pytest.mark.realdata
def test_on_the_teddy_messages_repeated_matters_are_grouped(teddy_dir):
    from rexian.text.evaluation import teddy_messages

    messages = teddy_messages(teddy_dir / "messages_with_votes.xlsx")
    groups = link_batch(messages)
    titles = {message["ticket_id"]: message["title"] for message in messages}
    assert 100 <= len(groups) <= 600
    biggest = [titles[i] for i in groups[0]]
    assert len(biggest) >= 3
    # Everything in a group shares at least one content bigram with the group's first title.
    for group in groups[:20]:
        first = titles[group[0]]
        grams = {first[i:i + 2] for i in range(len(first) - 1)}
        assert all(grams & {titles[i][j:j + 2] for j in range(len(titles[i]) - 1)} for i in group)


def test_the_window_comes_from_the_setting_when_not_given(monkeypatch, configured_text):
    monkeypatch.setenv("REXIAN_SAME_MATTER_WINDOW_DAYS", "7")
    configured_text()
    index = SameMatterIndex()
    assert index.window_days == 7
    index.add(FUMES_1)
    assert index.lookup(FUMES_2) == []  # 9 days later: outside a 7-day window
    assert index.intake_warning(dict(FUMES_2, received_at=T0 + timedelta(days=5))).startswith("该地点近7天已有1件")


@pytest.mark.parametrize("processes", [2, 3])
def test_linking_in_worker_processes_gives_the_same_groups_and_pairs_as_one_process(monkeypatch, processes):
    import rexian.text.matter_index as module

    monkeypatch.setattr(module, "PARALLEL_FROM", 500)
    tickets = generate_tickets(1500, seed=8)
    serial_groups, serial_pairs = link_batch(tickets, processes=1, with_pairs=True)
    groups, pairs = link_batch(tickets, processes=processes, with_pairs=True)
    assert serial_groups and sorted(map(sorted, serial_groups)) == sorted(map(sorted, groups))
    assert sorted(serial_pairs) == sorted(pairs)


def test_the_linking_processes_come_from_the_setting_and_default_to_one_per_core():
    import os

    from rexian.text.config import TextConfig, configure
    from rexian.text.matter_index import configured_link_processes

    previous = configure(TextConfig(link_processes=3))
    try:
        assert configured_link_processes() == 3
        configure(TextConfig())
        assert configured_link_processes() == (os.cpu_count() or 1)
    finally:
        configure(previous)
