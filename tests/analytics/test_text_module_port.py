"""The default text port answers through rexian.text, in the port's own terms."""

from rexian.analytics.text_port import default_text_port
from rexian.analytics.text_module_port import TextModulePort


def test_the_rules_use_the_text_module_by_default():
    assert isinstance(default_text_port(), TextModulePort)


def test_a_reported_demand_for_money_is_graft_with_an_explanation():
    hits = TextModulePort().detect_misconduct("办证的时候窗口的王科长说不给好处费就不办，我只好给了两百元。")
    graft = [hit for hit in hits if hit.family == "graft"]
    assert graft and graft[0].score >= 1.0
    assert "好处费" in graft[0].excerpt and graft[0].explanation


def test_a_denied_red_envelope_is_not_graft():
    hits = TextModulePort().detect_misconduct("工作人员没有收红包，办事很规范，我只是想问问进度。")
    assert [hit for hit in hits if hit.family == "graft"] == []


def test_a_stock_reply_scores_as_boilerplate_and_says_why():
    scores = TextModulePort().reply_scores("您的诉求已记录，请耐心等待。", "小区门口的路灯坏了一个月没人修", [])
    assert scores.boilerplate >= 0.6
    assert scores.explanation


def test_a_specific_reply_to_the_complaint_is_relevant_and_not_boilerplate():
    scores = TextModulePort().reply_scores(
        "3月5日我局派人到小区门口查看，路灯线路老化，已于3月6日更换灯具，路灯恢复照明。",
        "小区门口的路灯坏了一个月没人修", [])
    assert scores.boilerplate < 0.6
    assert scores.relevance > 0.2
