"""Acts read by meaning class and doers linked across clauses (issue 18, sixth round). The fifth set's misses
and false alarms, read as patterns: a town secretary calling a petitioner a name as he left, a street-office
director leading a violent demolition in which residents were tied up, a traffic policeman telling a driver
「有事你去上诉」 several sentences after he was named (「该警员…他说…他说不出来…就说…」); a 区长 read inside
「小区长达6年」, a letter's greeting 「区长你好」 taken for the doer. Each class has a report in the style of real
letters and near misses (a private doer, a figure of speech, a denial, the citizen's own words, a lawful
notice of remedy). Sentences written for these tests."""

import pytest

from rexian.text.doer_words import default_words
from rexian.text.doers import PUBLIC
from rexian.text.mentions import find_mentions
from rexian.text.misconduct import detect_misconduct


def hit_of(text, act):
    return next((h for h in detect_misconduct(text, include_suppressed=True) if h["act"] == act), None)


def findings(text, family="hostile_attitude"):
    return [h for h in detect_misconduct(text) if h["family"] == family]


# (pattern label, reports that must be findings, near misses that must not be findings)
PATTERNS = [
    ("暴力强拆捆人",
     ["A2区某街道办事处主任暴力违法强拆居民房屋。",
      "城管执法大队的队员把我父亲绑在树上，然后拆了我们的房子。",
      "镇政府的工作人员强行控制住我母亲，挖机随即推倒了房屋。"],
     ["开发商请来的拆迁公司暴力强拆居民房屋，我们已报警。",        # a private doer
      "物业公司把物业费和水费捆绑在一起收取。",                      # a figure of speech
      "我们的血汗钱被开发商各种无理绑架。",
      "街道办没有暴力强拆，是我们自己签约搬走的。"]),                 # a denial
    ("推搡殴打",
     ["我去派出所讨说法，值班的民警把我推倒在地，还给我戴上了手铐。",
      "城管队员把我父亲拖上车，拉到中队关了一下午。"],
     ["我们去楼盘讨说法，还被项目部的人推倒在地。",                   # a private doer
      "民警没有给他戴上手铐，是他自己上的警车。"]),                    # a denial
    ("骂群众外号",
     ["当时镇书记说可以，但我刚出镇办公室的门他就说我是“神不隆冬”。",
      "派出所的民警说我们是刁民，叫我们不要再来了。"],
     ["我回应说他“没有素质”。",                                    # the citizen's own words
      "小区保安骂我们业主是神经病。"]),                               # a private doer
    ("顶撞推脱群众",
     ["交警罗某说我占用应急车道，我问依据哪一条，他说不出来，就说有事你去上诉。",
      "我去社保局问为什么停发，窗口的科长说有意见你们去告。"],
     ["交警告知我，如对处罚不服，可以依法申请行政复议或者提起行政诉讼。",  # a lawful notice of remedy
      "物业经理说有事你去投诉，我们不管。"]),                          # a private doer
]


@pytest.mark.parametrize("label,reports,near_misses", PATTERNS, ids=[row[0] for row in PATTERNS])
def test_each_meaning_class_finds_its_reports_and_sets_its_near_misses_aside(label, reports, near_misses):
    for report in reports:
        hit = hit_of(report, label)
        assert hit is not None and hit["kind"] == "finding", (report, hit and hit["explanation"])
        assert hit["family"] == "hostile_attitude" and hit["doer"]["status"] == PUBLIC
    for near_miss in near_misses:
        assert not findings(near_miss), (near_miss, findings(near_miss))


def test_a_pronoun_repeated_across_sentences_points_back_to_the_official_named_first():
    text = ("交警罗某说我暂用应急车道罚200元。该警员说临时停车点就是路肩，我说刚才为什么不能临时停车，再说如果当时的"
            "位置属违法，为什么不在现场说明而是拿着我的证件找其他路口？他说法律有规定，但实际上他已经操作完系统对我"
            "进行扣分，我说什么法？哪一章哪一条，他说不出来，说出来也对不上，就说有事你去上诉。")
    hit = hit_of(text, "顶撞推脱群众")
    assert hit["kind"] == "finding" and hit["doer"]["post"] == "警员"


def test_a_pronoun_chain_does_not_reach_an_official_who_was_only_acted_upon():
    # 「买通官员」: the official is the one bribed; the 他 who threatened is the boss, whom no list names.
    text = ("张某开设赌场，放高利贷，买通官员，带马仔几十余人，严重败坏社会风气，现被人举报才有所收敛。河西某茶楼二楼为"
            "色情场所，十几年来屹立不倒，靠其收获颇丰，每到晚上灯红酒绿，来往车辆络绎不绝。前段时间此场所被举报，他以转让合同说早已不归他经营为由掩人耳目"
            "逃避调查。2017年，他手下马仔将一居民打成重伤最后死亡，他靠威胁私了。")
    assert not findings(text)


def test_a_post_read_across_a_word_boundary_is_nobody():
    words = default_words()
    assert not [m for m in find_mentions("小区长达6年没有门禁系统，社区长期无人管理。", words) if m.post]
    assert [m.post for m in find_mentions("区长长期不回应群众诉求。", words) if m.role != "citizen"] == ["区长"]


def test_a_post_greeted_at_the_head_of_a_letter_is_the_one_addressed_not_the_doer():
    text = "小区已经不适合居住！。区长你好我住第一师范集资小区。架空层车库被强占改成住房，出租给民工。"
    assert not findings(text, "embezzlement")
    mentions = find_mentions(text, default_words())
    assert [m.role for m in mentions if m.post == "区长"] == ["addressee"]


def test_an_enterprise_named_right_before_the_act_is_its_doer_not_the_office_that_failed_to_stop_it():
    text = ("1月底投诉到工商12315，工商回复的也就说简单回访，意思中石化的不兑现返现金额他们也没权处理，只是走个听取投诉的"
            "流程，这样的职能部门怪不的给这样大企业飞扬跋扈对待消费者，无法维护基本权益。")
    assert not findings(text)
    report = "我们去工商所反映，工商所的所长飞扬跋扈，把我们的材料扔了出来。"
    assert findings(report)


def test_an_invitation_to_dinner_is_a_lead_not_a_banquet_had():
    text = "调查期间，我听到他接了镇政府某领导约纪委干部吃饭的电话。"
    hits = [h for h in detect_misconduct(text, include_leads=True) if h["family"] == "improper_banquet"]
    assert hits and all(h["kind"] == "lead" for h in hits)
    assert findings("镇政府的领导经常在镇上的饭店包厢里吃喝，由开发商老板买单。", "improper_banquet")


def test_a_body_whose_name_is_only_borrowed_is_not_the_doer():
    text = "物业擅自在小区里建了垃圾站，还假借政府名义威胁业主不许反对。"
    assert not findings(text)
    assert findings("街道办的工作人员威胁业主不许反对，否则就断水断电。")


def test_an_enterprise_is_a_private_body_unless_its_name_says_it_is_state_owned():
    words = default_words()
    kinds = {m.body_kind for m in find_mentions("这是一家民营企业。", words) if m.body}
    assert kinds == {"private_body"}
    for name in ("国有独资企业", "中央企业", "国有企业"):
        assert {m.body_kind for m in find_mentions(f"这是一家{name}。", words) if m.body} == {"state"}, name


def test_a_name_followed_by_tongzhi_is_the_name_alone_and_the_address_no_second_person():
    words = default_words()
    people = [(m.post, m.name) for m in find_mentions("交警陈愈同志多次参与诈骗。科长李建国同志当众骂人。", words)
              if m.post]
    assert people == [("交警", "陈愈"), ("科长", "李建国")]


@pytest.mark.parametrize("letter", [
    "社区重阳节组织老年人聚餐，费用由老人自愿AA，想咨询能否借用社区活动室。",
    "村委会几个干部周末聚餐，费用自理，没有用集体的钱。",
])
def test_a_meal_the_diners_pay_for_themselves_is_no_officials_banquet(letter):
    assert not [hit for hit in detect_misconduct(letter) if hit["family"] == "improper_banquet"]


def test_a_meal_of_officials_paid_from_the_village_account_is_still_a_banquet():
    hits = detect_misconduct("村委会组织村干部聚餐，费用从村集体账上出。")
    assert [hit["family"] for hit in hits] == ["improper_banquet"]
