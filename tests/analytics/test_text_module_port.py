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


def test_the_complaint_title_reaches_the_reply_scores_and_raises_the_relevance_of_an_answer_to_it():
    reply = "我局经调查了解，该违章建筑于2012年建成，属于历史遗留问题，下一步将按程序予以办理。"
    complaint = "加州网吧旁边有人利用空地非法搭建了三个门面，还在平顶上堆放垃圾，上周反映后至今没有拆除。"
    port = TextModulePort()
    assert port.reply_scores(reply, complaint, [], title="C1区加州网吧旁有人违建").relevance > \
        port.reply_scores(reply, complaint, []).relevance


def test_the_text_rules_hand_the_title_to_a_port_that_takes_one_and_not_to_one_that_does_not():
    from types import SimpleNamespace

    from rexian.analytics.rules_text import _reply_scores

    calls = []

    class WithTitle:
        def reply_scores(self, reply, complaint, other_replies_of_unit, title=None):
            calls.append(("with", title))

    class Plain:
        def reply_scores(self, reply, complaint, other_replies_of_unit):
            calls.append(("plain", None))

    row = SimpleNamespace(reply="已处理。", content="路灯坏了", title="关于新河路路灯照明的问题")
    _reply_scores(WithTitle(), row)
    _reply_scores(Plain(), row)
    assert calls == [("with", "关于新河路路灯照明的问题"), ("plain", None)]
