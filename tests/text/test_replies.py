import pytest

from rexian.text.replies import is_perfunctory, reply_scores, split_substance

COMPLAINT_TITLE = "润芳园小区楼下烧烤店油烟扰民"
COMPLAINT = "润芳园小区3栋楼下的烧烤店每天晚上油烟直排，噪音很大，严重影响休息，请城管部门处理。"
SPECIFIC_REPLY = ("网友：您好！您反映的问题已收悉，现回复如下：5月17日，岳麓区城管执法大队执法人员到润芳园小区3栋现场调查，"
                  "该烧烤店未安装油烟净化设施，已责令其停止露天烧烤，并于5月20日前安装油烟净化器；"
                  "5月21日复查，油烟净化器已安装到位，夜间噪音已降低。感谢您对我们工作的支持！")


@pytest.mark.parametrize("reply", [
    "您的诉求已记录，请耐心等待。",
    "网友：您好！留言已收悉。",
    "您好，您所反映的问题已转交相关部门调查处置。",
    "2019年1月14日",
    "尊敬的网友：您好！您反映的问题已收悉，现回复如下：",
    "",
])
def test_known_non_answers_and_empty_replies_are_boilerplate(reply):
    scores = reply_scores(reply, COMPLAINT, title=COMPLAINT_TITLE)
    assert scores.boilerplate >= 0.7
    assert "套话/空话答复" in is_perfunctory(scores)


def test_a_specific_reply_scores_high_on_specificity_and_relevance_and_is_not_flagged():
    scores = reply_scores(SPECIFIC_REPLY, COMPLAINT, title=COMPLAINT_TITLE)
    assert scores.boilerplate < 0.3
    assert scores.specificity >= 0.8
    found = scores.evidence["specificity"]
    assert "5月17日" in found["when"] and any("城管执法大队" in who for who in found["who"])
    assert "现场调查" in found["what"] and any("安装" in result for result in found["result"])
    assert scores.relevance >= 0.4 and "油烟" in scores.evidence["relevance"]["matched_terms"]
    assert is_perfunctory(scores) == []


def test_the_greeting_and_receipt_are_not_counted_as_substance():
    substance, removed = split_substance("网友：您好！您反映的问题已收悉。经核实，路灯已于3月2日修复。感谢您的支持！")
    assert substance == "经核实，路灯已于3月2日修复。"
    assert any("已收悉" in sentence for sentence in removed)


def test_a_reply_about_something_else_is_flagged_as_not_answering_the_question():
    off_topic = "经核实，该路段公交站台将于明年调整，届时请关注公交公司公告。"
    scores = reply_scores(off_topic, COMPLAINT, title=COMPLAINT_TITLE)
    assert scores.relevance < 0.1
    assert "答非所问" in is_perfunctory(scores)
    assert "油烟" in scores.evidence["relevance"]["missing_terms"]


def test_the_same_reply_reused_by_a_unit_for_different_matters_is_boilerplate_and_names_the_match():
    reused = "经调查，我单位已安排工作人员对该问题进行了处理，今后将加强巡查管理，确保问题不再发生。"
    others = ["网友您好！" + reused, "您反映的井盖缺失问题，经调查，我单位已于3月2日更换井盖。"]
    scores = reply_scores(reused, COMPLAINT, title=COMPLAINT_TITLE, other_replies_of_unit=others)
    assert scores.boilerplate >= 0.8
    assert scores.evidence["boilerplate"]["closest_unit_reply"]["text"].startswith("网友您好！经调查")
    alone = reply_scores(reused, COMPLAINT, title=COMPLAINT_TITLE, other_replies_of_unit=others[1:])
    assert alone.boilerplate < 0.8


def test_a_consultation_answered_with_the_rule_that_applies_is_specific():
    answer = ("根据《A市人才购房及购房补贴实施办法（试行）》第七条规定，新落户的全日制博士、硕士毕业生首次购房后，"
              "可申请购房补贴，博士6万元、硕士3万元。")
    scores = reply_scores(answer, "在A市买公寓能享受人才新政购房补贴吗？", title="人才新政购房补贴")
    assert scores.specificity >= 0.5 and scores.evidence["specificity"]["basis"]
    assert not is_perfunctory(scores)


def test_a_referral_only_reply_is_not_specific_and_is_flagged_as_a_forward():
    reply = "您反映的问题建议您拨打12345市长热线咨询，谢谢！"
    scores = reply_scores(reply, "临时身份证能否办理出生证明", title="出生证明")
    assert scores.specificity < 0.2
    assert is_perfunctory(scores, reply=reply)[0] == "只说已转交（或请市民另找）某部门，没有办理结果"


@pytest.mark.realdata
def test_on_the_teddy_replies_the_stock_empty_replies_are_found_and_detailed_ones_are_not(teddy_dir):
    from rexian.text.evaluation import evaluate_replies

    rows = evaluate_replies(teddy_dir / "sample_replies.xlsx")
    empty = [row for row in rows if row["scores"].boilerplate >= 0.7]
    stock = [row for row in rows if "已转交相关" in row["reply"] and len(row["reply"]) < 40]
    assert stock and all(row in empty for row in stock)
    long_ones = [row for row in rows if len(row["reply"]) > 300]
    assert sum(row["scores"].boilerplate >= 0.7 for row in long_ones) == 0
    assert 8 <= len(empty) <= 25


LAMP_COMPLAINT = "新河路的路灯坏了一个多月，晚上黑漆漆的不敢走，打了好几次电话，希望有关部门来现场看看。"
LAMP_TITLE = "关于新河路路灯照明的问题"


@pytest.mark.parametrize("reply", [
    "经南山区城管执法大队核实，已处理。",
    "市市场监督管理局已安排人员处理，现已解决，申请办结。",
    "已联系市民，问题已妥善解决。",
    "您反映的问题我单位已知晓，将按程序办理。",
])
def test_a_reply_of_only_the_units_name_and_procedure_words_is_boilerplate_and_says_so(reply):
    scores = reply_scores(reply, LAMP_COMPLAINT, title=LAMP_TITLE)
    assert scores.boilerplate >= 0.9
    assert "套话/空话答复" in is_perfunctory(scores)
    assert scores.evidence["boilerplate"]["substance_chars"] <= 2


def test_a_reply_naming_its_unit_that_says_what_was_done_here_is_neither_boilerplate_nor_off_topic():
    reply = ("经核查，3月2日东湖区湖滨街道办事处工作人员郑平到新河路现场查看，安排路灯维护人员更换了灯具和线路。"
             "经复查已恢复正常。已于当日电话告知来电人，来电人满意。")
    scores = reply_scores(reply, LAMP_COMPLAINT, title=LAMP_TITLE)
    assert scores.boilerplate == 0 and scores.relevance >= 0.3 and is_perfunctory(scores) == []
    assert "路灯" in scores.evidence["relevance"]["matched_terms"]


def test_the_units_name_and_the_call_back_do_not_make_a_reply_about_something_else_relevant():
    complaint = "学府街站的公交车经常不按点来，一等就是两个星期，打了好几次电话都是踢皮球。"
    reply = ("经核查，1月22日市公交集团工作人员许伟到辖区现场查看，协调运营商增设基站，信号已改善。问题已解决。"
             "已于当日电话告知来电人，来电人满意。")
    scores = reply_scores(reply, complaint, title="关于学府街公交服务的问题")
    assert scores.relevance <= 0.05 and "答非所问" in is_perfunctory(scores)
    assert "公交" in scores.evidence["relevance"]["missing_terms"]


def test_an_organisation_the_reply_acts_on_still_counts_for_relevance():
    complaint = "市人民医院的围墙开裂了，随时可能倒塌，过往行人很危险。"
    reply = "您反映的情况已收悉，我局立即交办给市人民医院。市人民医院组织人员到现场查看，已设置警示带并拆除危墙。"
    scores = reply_scores(reply, complaint, title="市人民医院围墙开裂，影响过往行人安全")
    assert scores.relevance >= 0.2 and "答非所问" not in is_perfunctory(scores)


def test_the_title_names_the_matter_so_a_reply_taking_up_its_words_is_relevant():
    complaint = ("位于金源小区对面加州网吧旁边，有人利用空地非法搭建了三个门面，还在平顶上放了许多垃圾，"
                 "大风一刮会伤及过路的百姓，上个星期就向执法部门反映了，这个星期还没有拆除。")
    reply = "我局经调查了解，该违章建筑于2012年建成，属于历史遗留问题，下一步局规划大队将按照相关程序予以办理。"
    with_title = reply_scores(reply, complaint, title="C1区加州网吧旁有人违建")
    without = reply_scores(reply, complaint)
    assert with_title.relevance > without.relevance and with_title.relevance >= 0.1


def test_the_indexed_closest_non_answer_is_exactly_the_one_compared_text_by_text():
    # The fast path (one pass over the reply's bigrams against an index of the known non-answers) must pick
    # the same text with the same similarity as comparing the reply with every known non-answer in turn.
    from rexian.text.replies import _closest_non_answer, char_ngrams, cosine, known_non_answers
    from rexian.text.normalisation import normalise

    replies = ["您的诉求已记录，请耐心等待。", "已转交相关部门处理，感谢您的来电。", "3月3日排水公司到幸福小区疏通下水道。",
               *known_non_answers()[:5], "", "abc"]
    for reply in replies:
        grams = char_ngrams(normalise(reply))
        compared = max(((cosine(grams, char_ngrams(known)), known) for known in known_non_answers()),
                       default=(0.0, ""))
        assert _closest_non_answer(grams) == compared
    assert _closest_non_answer(char_ngrams(known_non_answers()[0]))[0] == pytest.approx(1.0)


def test_splitting_a_reply_twice_gives_lists_the_caller_may_change():
    # split_substance is remembered; a caller appending to the removed sentences must not change the memory.
    reply = "网友您好！留言已收悉。经核实，路灯已修复。"
    first = split_substance(reply)
    first[1].append("changed")
    assert "changed" not in split_substance(reply)[1]


def test_a_reply_naming_the_matter_back_as_this_shop_answers_it_though_it_repeats_none_of_its_words():
    complaint = "华能路249号楼下烧烤店油烟直排，晚上熏得没法开窗，请求处理。"
    reply = "执法人员到店检查，该店未安装净化装置，已下达责令改正通知书，要求五日内完成安装，逾期将依法处罚，已电话告知来电人。"
    scores = reply_scores(reply, complaint)
    assert "烧烤店" in scores.evidence["relevance"]["partial_terms"] and "答非所问" not in is_perfunctory(scores)


def test_a_back_reference_to_something_the_complaint_never_named_does_not_make_a_reply_relevant():
    complaint = "华能路249号楼下烧烤店油烟直排，晚上熏得没法开窗，请求处理。"
    reply = "经核查，该路段施工许可手续齐全，施工单位已承诺夜间停止作业，工期预计下月底结束。已电话告知来电人。"
    scores = reply_scores(reply, complaint)
    assert scores.relevance <= 0.05 and "答非所问" in is_perfunctory(scores)
