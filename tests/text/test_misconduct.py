import pytest

from rexian.text.misconduct import detect_misconduct, load_lexicon


def families(text):
    return {hit["family"] for hit in detect_misconduct(text)}


REPORTS = [
    # hostile attitude
    ("窗口工作人员态度恶劣，对我大吼大叫", "hostile_attitude"),
    ("社区主任服务态度极差，问他什么都说不知道", "hostile_attitude"),
    ("办事大厅的工作人员态度很差，还骂我是刁民", "hostile_attitude"),
    ("城管执法人员当众辱骂摊主，还推搡老人", "hostile_attitude"),
    ("派出所民警对我们冷嘲热讽，说我们没文化", "hostile_attitude"),
    ("去社保局咨询，经办人爱理不理，一直玩手机", "hostile_attitude"),
    ("村干部故意刁难，材料齐全也不给盖章", "hostile_attitude"),
    ("那个科长拍桌子呵斥我，叫保安把我赶出来", "hostile_attitude"),
    ("门难进、脸难看、事难办，这就是我们街道办的作风", "hostile_attitude"),
    ("工作人员没有帮忙，反而骂人", "hostile_attitude"),
    # graft
    ("他说不给好处费就不办", "graft"),
    ("村支书说不送点东西这个证就别想办下来", "graft"),
    ("办理房产证时，工作人员暗示要给红包才给办", "graft"),
    ("经办人收了我500元红包才给我盖章", "graft"),
    ("村干部要了我2000元才给盖章", "graft"),
    ("医院的医生收红包，不给红包就不安排手术", "graft"),
    ("社区主任向我们索要好处费", "graft"),
    ("镇里的干部吃拿卡要，办个证要跑十几趟还得打点", "graft"),
    ("我们给了钱才给办低保，这是公开的秘密", "graft"),
    ("低保名额被村干部克扣，钱都进了自己口袋", "graft"),
    ("如果不交茶水费就不给你办", "graft"),
    ("我不得不给他送礼", "graft"),
    # improper banquets
    ("社区书记经常被物业公司请去吃饭", "improper_banquet"),
    ("开发商老板宴请规划局的领导，在高档酒店大吃大喝", "improper_banquet"),
    ("有人看见城管队长和商户老板在饭店喝酒", "improper_banquet"),
    ("镇长接受施工方的吃请，工程质量没人管", "improper_banquet"),
    ("村干部用公款吃喝，账目不公开", "improper_banquet"),
]

NEAR_MISSES = [
    "没有收红包",
    "工作人员态度很好，耐心给我解释",
    "工作人员说我态度不好",
    "我当时态度不好，向工作人员道歉",
    "请问办证需要送礼吗？",
    "医生从来没有收过红包，很感谢",
    "窗口工作人员拒收红包，值得表扬",
    "医院严禁收受红包",
    "春节社区给孤寡老人送礼品",
    "学校食堂吃饭太贵",
    "请问附近哪里可以吃饭",
    "政府发放消费红包，怎么领取？",
    "物业服务态度有待提高吗？",
    "希望工作人员态度好一点",
    "公司拖欠工资，老板不接电话",
    "邻居经常骂人，吵得我们睡不着",
    "小区门口饭店油烟扰民",
    "工作人员并没有刁难我，只是手续复杂",
    "工作人员没有骂人，也没有推搡",
]


@pytest.mark.parametrize("text, family", REPORTS)
def test_reports_of_misconduct_are_found_in_the_right_family(text, family):
    assert family in families(text)


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_denials_questions_praise_and_unrelated_words_are_not_reports(text):
    assert detect_misconduct(text) == []


def test_a_hit_says_where_the_phrase_is_and_why_it_counts():
    text = "办事大厅工作人员态度恶劣"
    [hit] = detect_misconduct(text)
    start, end = hit["span"]
    assert text[start:end] == hit["phrase"] == "态度恶劣"
    assert "态度恶劣" in hit["explanation"] and "工作人员" in hit["explanation"]
    assert 0.5 <= hit["score"] <= 1.0


def test_a_denied_mention_is_explained_when_suppressed_hits_are_asked_for():
    [hit] = detect_misconduct("他们没有收红包", include_suppressed=True)
    assert hit["suppressed"] and hit["score"] == 0 and "没有" in hit["explanation"]


def test_a_question_weakens_a_mention_below_the_reporting_threshold_but_keeps_it_visible():
    [hit] = detect_misconduct("办证要送礼吗？", include_suppressed=True)
    assert hit["suppressed"] and 0 < hit["score"] < 0.5


def test_one_sentence_gives_one_hit_per_family_with_the_strongest_reading():
    hits = detect_misconduct("他说不给好处费就不办")
    assert len(hits) == 1 and hits[0]["phrase"] == "不给好处费就不办"


def test_traditional_characters_and_full_width_text_are_read_too():
    assert "graft" in families("工作人員收了紅包才給辦")


def test_users_extend_the_lexicon_with_their_own_yaml_file(tmp_path, monkeypatch):
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "families:\n  graft:\n    phrases:\n      - {pattern: '喝茶钱', weight: 0.8, label: 喝茶钱}\n"
        "actors: [片警]\n", encoding="utf-8")
    assert detect_misconduct("片警找我要喝茶钱") == []
    lexicon = load_lexicon(extra, use_settings=False)
    [hit] = detect_misconduct("片警找我要喝茶钱", lexicon=lexicon)
    assert hit["family"] == "graft" and "片警" in hit["explanation"]
    monkeypatch.setenv("REXIAN_TEXT_MISCONDUCT_LEXICON", str(extra))
    assert detect_misconduct("片警找我要喝茶钱", lexicon=load_lexicon())[0]["family"] == "graft"


def test_an_unknown_family_in_a_user_lexicon_is_refused(tmp_path):
    extra = tmp_path / "bad.yaml"
    extra.write_text("families:\n  bribery:\n    phrases: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bribery"):
        load_lexicon(extra, use_settings=False)
